"""`toolkit lrs serve` as a real process over HTTP, with the tincan client library."""

from __future__ import annotations

import socket
import subprocess
import sys
import time
import uuid

from tincan import Activity, Agent, AgentAccount, RemoteLRS, Statement, Verb

from toolkit.lrs.auth import add_credential
from toolkit.lrs.storage import open_storage


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_serve_with_tincan_client(db_url):
    storage = open_storage(db_url)
    add_credential(storage, "admin", ["all"], password="pw")
    storage.close()
    port = free_port()
    proc = subprocess.Popen([sys.executable, "-m", "toolkit", "lrs", "serve", "--db", db_url, "--port", str(port)],
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    try:
        for _ in range(100):
            try:
                socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
                break
            except OSError:
                time.sleep(0.1)
        lrs = RemoteLRS(endpoint=f"http://127.0.0.1:{port}/xapi/", username="admin", password="pw", version="1.0.3")
        sid = str(uuid.uuid4())
        st = Statement(id=sid, actor=Agent(account=AgentAccount(home_page="https://lms.example.dk", name="borger-9")),
                       verb=Verb(id="http://adlnet.gov/expapi/verbs/completed"),
                       object=Activity(id="https://kurser.example.dk/cv"))
        assert lrs.save_statement(st).success
        got = lrs.retrieve_statement(sid)
        assert got.success and str(got.content.id) == sid
        result = lrs.query_statements({"verb": Verb(id="http://adlnet.gov/expapi/verbs/completed"), "limit": 10})
        assert result.success and len(result.content.statements) == 1
    finally:
        proc.terminate()
        proc.wait(timeout=10)
        proc.stdout.close()


def _served(db_url: str, *args: str) -> tuple[subprocess.Popen, str]:
    storage = open_storage(db_url)
    if not storage.credentials():
        add_credential(storage, "course", ["statements/write"], password="pw",
                       activity_prefixes=["https://kurser.example.dk/cv"], homepage="https://lms.example.dk")
    storage.close()
    port = free_port()
    proc = subprocess.Popen([sys.executable, "-m", "toolkit", "lrs", "serve", "--db", db_url, "--port", str(port),
                             "--rate-per-address", "0.0001", *args],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    for _ in range(100):
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
            break
        except OSError:
            time.sleep(0.1)
    return proc, f"http://127.0.0.1:{port}/xapi/statements"


def _writes(url: str, forwarded_for: str, n: int) -> list[int]:
    import httpx

    body = {"actor": {"account": {"homePage": "https://lms.example.dk", "name": "borger-1"}},
            "verb": {"id": "http://adlnet.gov/expapi/verbs/experienced"},
            "object": {"id": "https://kurser.example.dk/cv/lessons/1"}}
    with httpx.Client(auth=("course", "pw"), headers={"X-Experience-API-Version": "1.0.3",
                                                       "X-Forwarded-For": forwarded_for}) as client:
        return [client.post(url, json=body).status_code for _ in range(n)]


def test_the_per_address_limit_sees_the_client_behind_a_trusted_proxy(db_url):
    """Behind a reverse proxy on the same host (the default trusted proxy), each citizen's
    address has its own bucket; a proxy that is not trusted cannot name another address."""
    proc, url = _served(db_url)
    try:
        assert set(_writes(url, "203.0.113.7", 200)) == {200}  # the per-address burst
        assert _writes(url, "203.0.113.7", 1) == [429]
        assert _writes(url, "203.0.113.8", 1) == [200]         # another citizen, another bucket
    finally:
        proc.terminate()
        proc.wait(timeout=10)
    proc, url = _served(db_url, "--trusted-proxy", "none")
    try:
        assert set(_writes(url, "198.51.100.1", 200)) == {200}
        assert _writes(url, "198.51.100.2", 1) == [429]        # the header is ignored: one bucket
    finally:
        proc.terminate()
        proc.wait(timeout=10)
