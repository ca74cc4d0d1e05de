"""`toolkit lrs serve --workers 4` on PostgreSQL: concurrent writers and readers, `more` paging,
and rate limits and revocation that hold across the worker processes (issue 15)."""

from __future__ import annotations

import subprocess
import sys
import threading
import time
import uuid

import httpx
import pytest

from toolkit.lrs.auth import add_credential
from toolkit.lrs.storage import open_storage

from .conftest import V, statement
from .test_server import free_port


@pytest.fixture
def served(db_url, tmp_path):
    if not db_url.startswith("postgres"):
        pytest.skip("several workers need PostgreSQL")
    storage = open_storage(db_url)
    add_credential(storage, "admin", ["all"], password="pw")
    add_credential(storage, "pkg", ["statements/write"], password="pkg", homepage="https://lms.example.dk")
    port = free_port()
    log = (tmp_path / "serve.log").open("wb")  # a file, not a pipe: nobody reads it while the test runs
    proc = subprocess.Popen([sys.executable, "-m", "toolkit", "lrs", "serve", "--db", db_url, "--port", str(port),
                             "--workers", "4", "--rate", "0.001", "--burst", "6", "--rate-per-address", "0"],
                            stdout=log, stderr=subprocess.STDOUT)
    base = f"http://127.0.0.1:{port}/xapi/"
    for _ in range(300):
        try:
            httpx.get(base + "about", timeout=1)
            break
        except httpx.HTTPError:
            time.sleep(0.1)
    yield base, storage
    proc.terminate()
    proc.wait(timeout=30)
    log.close()
    storage.close()


def page_through(client: httpx.Client, base: str, params: dict) -> list[str]:
    seen = []
    r = client.get(base + "statements", params=params)
    while True:
        assert r.status_code == 200, r.text
        body = r.json()
        seen += [s["id"] for s in body["statements"]]
        if not body["more"]:
            return seen
        r = client.get(base.removesuffix("/xapi/") + body["more"])


def test_four_workers_concurrent_writes_and_paging(served):
    base, _ = served
    acked: list[str] = []
    errors: list[str] = []
    lock = threading.Lock()

    def writer(n: int) -> None:
        with httpx.Client(auth=("admin", "pw"), headers=V, timeout=60) as c:
            for i in range(15):
                batch = [statement(id=str(uuid.uuid4())) for _ in range(1 if i % 2 else 20)]
                r = c.post(base + "statements", json=batch)
                with lock:
                    (acked.extend(r.json()) if r.status_code == 200 else errors.append(f"{r.status_code} {r.text}"))

    writers = [threading.Thread(target=writer, args=(n,)) for n in range(8)]
    for t in writers[:4]:
        t.start()
    for t in writers[:4]:
        t.join()
    before = set(acked)
    for t in writers[4:]:  # more writes while we page
        t.start()
    with httpx.Client(auth=("admin", "pw"), headers=V, timeout=60) as c:
        during = page_through(c, base, {"limit": 37})
        for t in writers[4:]:
            t.join()
        after = page_through(c, base, {"limit": 50})
        ascending = page_through(c, base, {"limit": 41, "ascending": "true"})
    assert errors == []
    assert len(during) == len(set(during)) and before <= set(during)
    assert len(after) == len(acked) == len(set(after)) and set(after) == set(acked)
    assert ascending == list(reversed(after))


def test_rate_limit_and_revocation_hold_across_workers(served):
    base, storage = served
    codes = []
    for _ in range(12):  # fresh connections, spread over the workers
        codes.append(httpx.post(base + "statements", json=statement(), auth=("pkg", "pkg"), headers=V).status_code)
    assert codes == [200] * 6 + [429] * 6  # a burst of 6 for all workers together
    assert httpx.post(base + "statements", json=statement(), auth=("admin", "pw"), headers=V).status_code == 200
    storage.revoke("admin")
    after = [httpx.post(base + "statements", json=statement(), auth=("admin", "pw"), headers=V).status_code
             for _ in range(8)]
    assert after == [401] * 8
