"""The web page's gatekeeping, in-process: no anonymous access, CSRF, cookie flags, headers."""

from __future__ import annotations

import asyncio
import re
import socket

import pytest
from starlette.testclient import TestClient

from tests.aio import in_own_loop
from toolkit.records.auth import Signer, Throttle, hash_password
from toolkit.records.client import Connection, LRSClient
from toolkit.records.web import LOGIN_COOKIE, SESSION_COOKIE, WebSettings, create_app

PASSWORD = "korrekt-hest-batteri"
HASH = hash_password(PASSWORD)


def unused_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
def client():
    # an LRS address where nothing listens: lookups must fail politely
    conn = Connection(f"http://127.0.0.1:{unused_port()}/xapi/", "reader", "pw")
    settings = WebSettings(users={"mette": HASH}, client=lambda: LRSClient(conn), signer=Signer(),
                           throttle=Throttle(limit=3, window=60))
    with TestClient(create_app(settings), base_url="http://127.0.0.1", follow_redirects=False) as c:
        yield c


def csrf_of(html: str) -> str:
    return re.search(r'name="csrf" value="([^"]+)"', html).group(1)


def login(c: TestClient, password: str = PASSWORD):
    page = c.get("/login")
    return c.post("/login", data={"username": "mette", "password": password, "csrf": csrf_of(page.text)})


def test_anonymous_is_sent_to_login_or_refused(client):
    r = client.get("/")
    assert r.status_code == 303 and r.headers["location"].endswith("/login")
    r = client.post("/", data={"learner": "anna", "csrf": "x"})
    assert r.status_code == 401
    assert "anna" not in r.text


def test_forged_session_cookie_is_refused(client):
    forged = Signer(b"attacker" * 4).sign("session", {"u": "mette", "c": "x"}, 3600)
    client.cookies.set(SESSION_COOKIE, forged)
    assert client.get("/").status_code == 303


def test_login_form_needs_its_csrf_token(client):
    client.get("/login")
    r = client.post("/login", data={"username": "mette", "password": PASSWORD, "csrf": "wrong"})
    assert r.status_code == 400
    assert SESSION_COOKIE not in r.cookies


def test_wrong_password_then_right_one(client):
    r = login(client, "forkert")
    assert r.status_code == 401 and "Forkert brugernavn eller adgangskode" in r.text
    r = login(client)
    assert r.status_code == 303
    cookie = r.headers["set-cookie"]
    session_header = next(h for h in r.headers.get_list("set-cookie") if h.startswith(SESSION_COOKIE))
    assert "HttpOnly" in session_header and "SameSite=strict" in session_header.replace("Strict", "strict")
    assert PASSWORD not in cookie
    home = client.get("/")
    assert home.status_code == 200 and "Borgerens kode" in home.text


def test_throttle_after_repeated_failures(client):
    for _ in range(3):
        assert login(client, "forkert").status_code == 401
    r = login(client)  # right password, but blocked for now
    assert r.status_code == 429 and "For mange" in r.text


def test_lookup_needs_session_csrf_and_reports_unreachable_lrs(client):
    login(client)
    home = client.get("/")
    r = client.post("/", data={"learner": "anna", "csrf": "not-the-token"})
    assert r.status_code == 400
    r = client.post("/", data={"learner": "anna", "csrf": csrf_of(home.text)})
    assert r.status_code == 502
    assert "Kursussystemet kunne ikke svare" in r.text
    assert "127.0.0.1" not in r.text  # no internals shown to the caseworker


def test_logout_needs_csrf_and_ends_session(client):
    login(client)
    token = csrf_of(client.get("/").text)
    assert client.post("/logout", data={"csrf": "bad"}).status_code == 400
    stolen = client.cookies.get(SESSION_COOKIE)
    r = client.post("/logout", data={"csrf": token})
    assert r.status_code == 303
    assert client.get("/").status_code == 303
    client.cookies.set(SESSION_COOKIE, stolen)  # a copied cookie is dead after logout too
    assert client.get("/").status_code == 303


def test_security_headers_and_no_external_requests(client):
    r = client.get("/login")
    csp = r.headers["content-security-policy"]
    assert "default-src 'none'" in csp and "frame-ancestors 'none'" in csp
    assert r.headers["cache-control"] == "no-store"
    assert not re.search(r'(src|href)="(https?:)?//', r.text)
    assert LOGIN_COOKIE in r.headers["set-cookie"]
    css = client.get("/records.css")
    assert css.status_code == 200 and css.headers["content-type"].startswith("text/css")


@pytest.mark.parametrize("typed", ["010190-1234", "0101901234", "010190 1234"])
def test_cpr_is_refused_before_any_request_and_not_echoed(client, typed):
    login(client)
    r = client.post("/", data={"learner": typed, "csrf": csrf_of(client.get("/").text)})
    assert r.status_code == 400  # not 502: the unreachable LRS was never asked
    assert "ligner et CPR-nummer" in r.text
    assert typed not in r.text and "010190" not in r.text


@pytest.mark.parametrize("path", ["/hold", "/invitationer"])
def test_team_and_links_pages_need_a_session_and_the_csrf_token(client, path):
    r = client.get(path)
    assert r.status_code == 303 and r.headers["location"].endswith("/login")
    assert client.post(path, data={"codes": "x", "csrf": "x"}).status_code == 401
    login(client)
    page = client.get(path)
    assert page.status_code == 200 and "Skriv aldrig navne" in page.text
    assert page.headers["content-security-policy"].startswith("default-src 'none'")
    r = client.post(path, data={"csrf": "forkert", "course": "x", "codes": "K7F3Q-9QX2Z"})
    assert r.status_code == 400 and "Siden var udløbet" in r.text


def test_team_view_refuses_pasted_cpr_before_asking_the_lrs(client):
    login(client)
    token = csrf_of(client.get("/hold").text)
    r = client.post("/hold", data={"csrf": token, "course": "x", "source": "pasted", "codes": "0101901234"})
    assert r.status_code == 400 and "ligner et CPR-nummer" in r.text and "0101901234" not in r.text


def test_parallel_attempts_cannot_outrun_the_lockout():
    """31 attempts at once from one address, reusing one CSRF pair, the right password last:
    only as many as the limit are checked, and the right one does not get in (finding 10)."""

    import httpx

    conn = Connection(f"http://127.0.0.1:{unused_port()}/xapi/", "reader", "pw")
    settings = WebSettings(users={"mette": HASH}, client=lambda: LRSClient(conn), signer=Signer(),
                           throttle=Throttle(limit=5, window=300))
    app = create_app(settings)

    async def attack() -> list[int]:
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://127.0.0.1") as c:
            page = await c.get("/login")
            token, pair = csrf_of(page.text), {"Cookie": f"{LOGIN_COOKIE}={page.cookies[LOGIN_COOKIE]}"}
            c.cookies.clear()
            passwords = [f"forkert-{i}" for i in range(30)] + [PASSWORD]
            answers = await asyncio.gather(*[
                c.post("/login", data={"username": "mette", "password": pw, "csrf": token}, headers=pair)
                for pw in passwords])
            return [a.status_code for a in answers]

    codes = in_own_loop(attack())
    assert codes.count(401) == 5 and codes.count(429) == 26, codes
    assert 303 not in codes


def test_lockout_is_per_name_from_any_address(client):
    for _ in range(3):
        assert login(client, "forkert").status_code == 401
    other = TestClient(client.app, base_url="http://127.0.0.1", follow_redirects=False,
                       client=("10.0.0.99", 50000))
    assert login(other).status_code == 429


def test_logged_out_session_stays_invalid_after_restart(tmp_path):
    from toolkit.records.auth import EndedSessions

    conn = Connection(f"http://127.0.0.1:{unused_port()}/xapi/", "reader", "pw")
    secret = b"s" * 32
    ended_file = tmp_path / "ended.txt"

    def server() -> TestClient:
        settings = WebSettings(users={"mette": HASH}, client=lambda: LRSClient(conn), signer=Signer(secret),
                               ended=EndedSessions(ended_file))
        return TestClient(create_app(settings), base_url="http://127.0.0.1", follow_redirects=False)

    first = server()
    assert login(first).status_code == 303
    cookie = first.cookies.get(SESSION_COOKIE)
    home = first.get("/")
    assert first.post("/logout", data={"csrf": csrf_of(home.text)}).status_code == 303
    again = server()  # a restart with the same secret
    again.cookies.set(SESSION_COOKIE, cookie)
    assert again.get("/").status_code == 303  # sent to the login page: the session stays ended


