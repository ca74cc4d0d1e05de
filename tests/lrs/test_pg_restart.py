"""The LRS on PostgreSQL survives a failed transaction and a database restart (issue 15, findings 1, 2)."""

from __future__ import annotations

import sqlite3
import time

import psycopg
import pytest
from starlette.testclient import TestClient

from toolkit.lrs.app import create_app
from toolkit.lrs.auth import add_credential
from toolkit.lrs.storage import Unavailable, Unstorable, open_storage

from .conftest import V, statement
from .pgcluster import Cluster

# what the store may raise for a bad query, on either engine (it is parametrised over both)
DB_ERRORS = (psycopg.Error, sqlite3.Error, Unavailable, Unstorable)


@pytest.fixture
def cluster():
    c = Cluster()
    yield c
    c.remove()


def test_a_failed_statement_never_leaves_the_connection_in_a_failed_transaction(db_url):
    storage = open_storage(db_url, pool_size=1)  # one connection: it must come back clean
    with pytest.raises(DB_ERRORS), storage.transaction() as cur:
        cur.execute("INSERT INTO no_such_table VALUES (1)")
    assert storage.fetchall("SELECT 1") == [(1,)]
    with pytest.raises(DB_ERRORS):
        storage.fetchall("SELECT no_such_column FROM statements")
    assert storage.fetchall("SELECT COUNT(*) FROM statements") == [(0,)]
    storage.close()


@pytest.mark.parametrize("mode", ["fast", "immediate"])
def test_the_lrs_recovers_by_itself_after_postgresql_restarts(cluster, mode):
    storage = open_storage(cluster.url, pool_size=4)
    add_credential(storage, "admin", ["all"], password="pw")
    http = TestClient(create_app(cluster.url, storage=storage))

    def post() -> int:
        return http.post("/xapi/statements", json=statement(), auth=("admin", "pw"), headers=V).status_code

    assert [post() for _ in range(5)] == [200] * 5
    cluster.stop(mode)
    down = post()
    assert down == 503  # not a 500: the client may retry, the server is fine
    time.sleep(8)  # a long outage: the pool's reconnection attempts back off meanwhile
    assert post() == 503
    cluster.start()
    started = time.monotonic()
    first = post()
    recovery = time.monotonic() - started
    assert first == 200, "the first request after the restart must succeed"
    assert [post() for _ in range(20)] == [200] * 20
    got = http.get("/xapi/statements", params={"limit": 100}, auth=("admin", "pw"), headers=V).json()
    assert len(got["statements"]) == 26
    print(f"recovery after a {mode} restart: first request answered in {recovery * 1000:.0f} ms")
    storage.close()
