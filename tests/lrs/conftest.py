"""LRS fixtures: every storage and HTTP test runs on SQLite and on PostgreSQL.

PostgreSQL comes from $TOOLKIT_TEST_PG_URL (scripts/test.sh starts a
throwaway cluster); each test gets a database of its own.  In CI a missing
server fails the tests instead of skipping them.
"""

from __future__ import annotations

import os
import uuid

import pytest
from starlette.testclient import TestClient

from toolkit.lrs.app import create_app
from toolkit.lrs.auth import add_credential
from toolkit.lrs.storage import open_storage

from ..conftest import require

PG_URL = os.environ.get("TOOLKIT_TEST_PG_URL")
V = {"X-Experience-API-Version": "1.0.3"}


@pytest.fixture(params=["sqlite", "postgres"])
def db_url(request, tmp_path):
    if request.param == "sqlite":
        yield str(tmp_path / "lrs.sqlite3")
        return
    require(bool(PG_URL), "TOOLKIT_TEST_PG_URL is not set (scripts/test.sh starts PostgreSQL)")
    import psycopg

    name = f"t_{uuid.uuid4().hex[:12]}"
    with psycopg.connect(PG_URL, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    base, _, _ = PG_URL.rpartition("/")
    yield f"{base}/{name}"
    with psycopg.connect(PG_URL, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


class Client:
    """A TestClient plus the credentials made for it."""

    def __init__(self, url: str, **options):
        self.storage = open_storage(url)
        self.keys = {}
        for name, scopes, extra in [("admin", ["all"], {}), ("writer", ["statements/write"], {}),
                                    ("reader", ["statements/read"], {}),
                                    ("course", ["statements/write"], {"activity_prefixes": ["https://kurser.example.dk/cv"],
                                                                      "homepage": "https://lms.example.dk"})]:
            add_credential(self.storage, name, scopes, password=f"{name}-secret", **extra)
            self.keys[name] = (name, f"{name}-secret")
        self.app = create_app(url, storage=self.storage, cors_origins=options.pop("cors", ("null", "https://lms.example.dk")),
                              **options)
        self.http = TestClient(self.app)

    def request(self, method, path, who="admin", headers=None, **kw):
        h = dict(V)
        h.update(headers or {})
        return self.http.request(method, f"/xapi/{path}", auth=self.keys[who] if who else None, headers=h, **kw)


@pytest.fixture
def lrs(db_url):
    client = Client(db_url)
    yield client
    client.storage.close()


def statement(**overrides):
    s = {"actor": {"objectType": "Agent", "account": {"homePage": "https://lms.example.dk", "name": "borger-1"}},
         "verb": {"id": "http://adlnet.gov/expapi/verbs/experienced", "display": {"da": "oplevede"}},
         "object": {"id": "https://kurser.example.dk/cv/lessons/intro", "objectType": "Activity"},
         "timestamp": "2026-11-20T10:00:00.000Z"}
    s.update(overrides)
    return s
