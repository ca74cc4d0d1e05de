"""The server is not cheap to freeze, and guessing secrets is throttled (issue 15, findings 5, 9)."""

from __future__ import annotations

import asyncio
import threading

import httpx
from starlette.testclient import TestClient

from tests.aio import in_own_loop
from toolkit.lrs import auth

from .conftest import Client, V, statement


def test_many_part_multipart_is_refused_before_parsing(lrs):
    boundary = "p"
    part = f"--{boundary}\r\nContent-Type: text/plain\r\nX-Experience-API-Hash: 00\r\n\r\nx\r\n"
    body = (f"--{boundary}\r\nContent-Type: application/json\r\n\r\n[]\r\n" + part * 40_000 + f"--{boundary}--\r\n")
    r = lrs.request("POST", "statements", content=body.encode(),
                    headers={"Content-Type": f"multipart/mixed; boundary={boundary}"})
    assert r.status_code == 413 and "parts" in r.json()["message"]


def test_scrypt_runs_off_the_event_loop(db_url, monkeypatch):
    """A login whose hashing never ends must not stop /about from answering."""
    client = Client(db_url)
    release, entered = threading.Event(), threading.Event()
    real = auth.check_secret

    def slow(secret: str, stored: str) -> bool:
        entered.set()
        release.wait(30)
        return real(secret, stored)

    monkeypatch.setattr(auth, "check_secret", slow)

    async def scenario() -> tuple[bool, int, int]:
        transport = httpx.ASGITransport(app=client.app)
        async with httpx.AsyncClient(transport=transport, base_url="http://t") as c:
            login = asyncio.create_task(c.get("/xapi/statements", auth=("reader", "wrong"), headers=V))
            while not entered.is_set():
                await asyncio.sleep(0.01)
            about = await c.get("/xapi/about")
            pending = not login.done()
            release.set()
            return pending, about.status_code, (await login).status_code

    pending, about, login = in_own_loop(scenario())
    assert about == 200 and pending, "the event loop answered /about while the hash was being computed"
    assert login == 401
    client.storage.close()


def test_wrong_passwords_are_throttled_per_address(db_url):
    client = Client(db_url, login_failures=3, login_failure_seconds=3600)
    attacker = TestClient(client.app, client=("203.0.113.7", 4000))
    codes = [attacker.get("/xapi/statements", auth=("reader", f"guess-{i}"), headers=V).status_code for i in range(5)]
    assert codes == [401, 401, 401, 429, 429]
    # locked: even the right secret waits, from that address
    assert attacker.get("/xapi/statements", auth=client.keys["reader"], headers=V).status_code == 429
    # other addresses are not locked out
    learner = TestClient(client.app, client=("198.51.100.1", 4000))
    assert learner.get("/xapi/statements", auth=client.keys["reader"], headers=V).status_code == 200
    client.storage.close()


def test_a_key_in_use_keeps_working_while_it_is_attacked(db_url):
    client = Client(db_url, login_failures=2, login_failure_seconds=3600)
    package = TestClient(client.app, client=("198.51.100.2", 4000))
    assert package.post("/xapi/statements", auth=client.keys["course"], headers=V, json=statement()).status_code == 200
    for i in range(40):  # from many addresses: the per-name bucket empties
        TestClient(client.app, client=(f"203.0.113.{i}", 4000)).get(
            "/xapi/statements", auth=("course", f"guess-{i}"), headers=V)
    fresh = TestClient(client.app, client=("203.0.113.250", 4000))
    assert fresh.get("/xapi/about").status_code == 200
    assert fresh.post("/xapi/statements", auth=("course", "guess-x"), headers=V, json=statement()).status_code == 429
    # the package's verified key still works: no scrypt, no bucket
    assert package.post("/xapi/statements", auth=client.keys["course"], headers=V, json=statement()).status_code == 200
    client.storage.close()


def test_unknown_and_known_key_names_cost_the_same_hash(lrs, monkeypatch):
    calls = []
    real = auth.check_secret
    monkeypatch.setattr(auth, "check_secret", lambda secret, stored: calls.append(stored) or real(secret, stored))
    assert lrs.request("GET", "statements", who=None, headers={"Authorization": "Basic bm9ib2R5Onc="}).status_code == 401
    assert lrs.http.get("/xapi/statements", auth=("reader", "wrong"), headers=V).status_code == 401
    assert len(calls) == 2 and calls[0] != calls[1]  # a dummy hash for the unknown name, the real one for reader


def test_parallel_wrong_logins_cannot_outrun_the_throttle(db_url):
    """30 guesses at once from one address: only as many are hashed as the limit allows."""
    client = Client(db_url, login_failures=5, login_failure_seconds=3600)

    async def attack() -> list[int]:
        transport = httpx.ASGITransport(app=client.app, client=("203.0.113.9", 4000))
        async with httpx.AsyncClient(transport=transport, base_url="http://t") as c:
            answers = await asyncio.gather(*[c.get("/xapi/statements", auth=("reader", f"guess-{i}"), headers=V)
                                             for i in range(30)])
            return [a.status_code for a in answers]

    codes = in_own_loop(attack())
    assert codes.count(401) == 5 and codes.count(429) == 25, codes
    client.storage.close()


