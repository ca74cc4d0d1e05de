"""The caseworkers' web page: log in, type a learner code, see that learner's courses.

Danish, works on a phone, makes no external requests.  It only reads the
LRS; the one thing it writes is the caseworker's own personal links, in the
records' own database (:mod:`toolkit.records.web_team`).  Every page
but the login page needs a session: a signed, HttpOnly, SameSite=Strict
cookie.  Forms carry a CSRF token (double-submit on the login form, tied to
the session afterwards).  The lookup is a POST so learner ids stay out of
URLs, browser history and access logs.  Answers come from the same lookup
and row code as the CLI.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from starlette.applications import Starlette
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import (
    HTMLResponse,
    PlainTextResponse,
    RedirectResponse,
    Response,
)
from starlette.routing import Route

from toolkit.records.auth import (
    LOGIN_FORM_SECONDS,
    SESSION_SECONDS,
    EndedSessions,
    Signer,
    Throttle,
    new_token,
    same_token,
    verify_password,
)
from toolkit.records.client import LRSClient, LRSError
from toolkit.records.codes import CPR_MESSAGE, CodeTypoError, learner_id as checked_id, looks_like_cpr
from toolkit.records.invitations import DEFAULT_RETENTION_DAYS, InvitationStore, utc_now
from toolkit.records.lookup import lookup_learner
from toolkit.records.output import cards, empty_message
from toolkit.records.pages import SECURITY_HEADERS, css as stylesheet, render_page
from toolkit.records.web_team import invite_page, team_page

log = logging.getLogger("toolkit.records.web")

SESSION_COOKIE = "tk_records_session"
LOGIN_COOKIE = "tk_records_login"
MAX_ID_LENGTH = 200


@dataclass
class WebSettings:
    users: dict[str, str]  # name → password hash
    client: Callable[[], LRSClient]  # a client with a read-only credential
    known_courses: dict[str, str] = field(default_factory=dict)
    signer: Signer = field(default_factory=Signer)
    secure_cookies: bool = False  # set behind HTTPS; plain http on loopback needs it off
    base_path: str = ""
    throttle: Throttle = field(default_factory=Throttle)
    ended: EndedSessions = field(default_factory=EndedSessions)  # sessions logged out before they expired
    invitations: InvitationStore | None = None  # the records' own database, when invitations are kept
    retention_days: int = DEFAULT_RETENTION_DAYS
    path_labels: dict[str, dict[str, str]] = field(default_factory=dict)
    clock: Callable[[], dt.datetime] = utc_now  # "this week" for the chart; pinned in tests


def create_app(settings: WebSettings) -> Starlette:
    base = settings.base_path.rstrip("/")

    def page(request: Request, name: str, status: int = 200, **context: Any) -> HTMLResponse:
        resp = HTMLResponse(render_page(name, base=base, **context), status_code=status)
        resp.headers.update(SECURITY_HEADERS)
        return resp

    def session_of(request: Request) -> dict[str, Any] | None:
        data = settings.signer.unsign("session", request.cookies.get(SESSION_COOKIE))
        if data and data.get("u") in settings.users and data.get("c") not in settings.ended:
            return data
        return None

    def set_cookie(resp: Response, name: str, value: str, seconds: int) -> None:
        resp.set_cookie(name, value, max_age=seconds, path=base or "/", httponly=True, samesite="strict",
                        secure=settings.secure_cookies)

    def to_login() -> Response:
        resp = RedirectResponse(f"{base}/login", status_code=303)
        resp.headers.update(SECURITY_HEADERS)
        return resp

    def login_page(request: Request, error: str = "", username: str = "", status: int = 200) -> Response:
        token = new_token()
        resp = page(request, "login.html", status, csrf=token, error=error, username=username, user=None,
                    here="login")
        set_cookie(resp, LOGIN_COOKIE, settings.signer.sign("login", {"t": token}, LOGIN_FORM_SECONDS),
                   LOGIN_FORM_SECONDS)
        return resp

    async def css(request: Request) -> Response:
        return Response(stylesheet(), media_type="text/css", headers={"Cache-Control": "max-age=3600",
                                                               "X-Content-Type-Options": "nosniff"})

    async def login(request: Request) -> Response:
        if request.method == "GET":
            return to_home() if session_of(request) else login_page(request)
        form = await request.form()
        cookie = settings.signer.unsign("login", request.cookies.get(LOGIN_COOKIE))
        username = str(form.get("username", ""))[:200]
        if not cookie or not same_token(form.get("csrf"), cookie.get("t")):
            return login_page(request, "Siden var udløbet. Prøv at logge ind igen.", username, 400)
        key = username.lower()  # per name, wherever the attempts come from
        if not settings.throttle.attempt(key):
            return login_page(request, "For mange forkerte forsøg. Vent 5 minutter, og prøv igen.", username, 429)
        password = str(form.get("password", ""))
        ok = await run_in_threadpool(verify_password, password, settings.users.get(username))
        if not ok:
            return login_page(request, "Forkert brugernavn eller adgangskode.", username, 401)
        settings.throttle.clear(key)
        resp = to_home()
        set_cookie(resp, SESSION_COOKIE, settings.signer.sign("session", {"u": username, "c": new_token()},
                                                              SESSION_SECONDS), SESSION_SECONDS)
        resp.delete_cookie(LOGIN_COOKIE, path=base or "/")
        return resp

    def to_home() -> Response:
        resp = RedirectResponse(f"{base}/", status_code=303)
        resp.headers.update(SECURITY_HEADERS)
        return resp

    async def logout(request: Request) -> Response:
        session = session_of(request)
        form = await request.form()
        if session and not same_token(form.get("csrf"), session.get("c")):
            return PlainTextResponse("Ugyldig formular.", status_code=400, headers=SECURITY_HEADERS)
        if session:
            settings.ended.add(str(session.get("c")), int(session.get("exp", 0)))
        resp = to_login()
        resp.delete_cookie(SESSION_COOKIE, path=base or "/")
        return resp

    def with_session(handler: Callable[..., Any]) -> Callable[[Request], Any]:
        async def endpoint(request: Request) -> Response:
            session = session_of(request)
            if session is None:
                if request.method == "GET":
                    return to_login()
                return PlainTextResponse("Log ind først.", status_code=401, headers=SECURITY_HEADERS)

            def session_page(request: Request, name: str, status: int = 200, **context: Any) -> HTMLResponse:
                return page(request, name, status, user=session["u"], csrf=session["c"], **context)

            response: Response = await handler(request, settings, session, session_page)
            return response
        return endpoint

    async def home(request: Request, _: WebSettings, session: dict[str, Any], page: Callable[..., Response]) -> Response:
        common: dict[str, Any] = {"cards": [], "empty": empty_message("learner"), "here": "lookup"}
        if request.method == "GET":
            return page(request, "lookup.html", learner="", searched=False, error="", **common)
        form = await request.form()
        learner = str(form.get("learner", "")).strip()
        if not same_token(form.get("csrf"), session.get("c")):
            return page(request, "lookup.html", 400, learner=learner, searched=False,
                        error="Siden var udløbet. Prøv igen.", **common)
        if looks_like_cpr(learner):  # refused before any request, and never echoed
            return page(request, "lookup.html", 400, learner="", searched=False, error=CPR_MESSAGE, **common)
        if not learner or len(learner) > MAX_ID_LENGTH:
            return page(request, "lookup.html", 400, learner=learner[:MAX_ID_LENGTH], searched=False,
                        error="Skriv borgerens kode.", **common)
        try:
            learner = checked_id(learner)
        except CodeTypoError as exc:
            return page(request, "lookup.html", 400, learner=learner, searched=False, error=str(exc), **common)
        try:
            records = await run_in_threadpool(lambda: lookup_learner(settings.client(), learner,
                                                                     settings.known_courses, settings.path_labels))
        except LRSError as exc:
            log.error("records lookup failed: %s", exc)
            return page(request, "lookup.html", 502, learner=learner, searched=False,
                        error="Kursussystemet kunne ikke svare lige nu. Prøv igen om lidt.", **common)
        common.update(cards=cards(records))
        return page(request, "lookup.html", learner=learner, searched=True, error="", **common)

    routes = [
        Route(f"{base}/hold", with_session(team_page), methods=["GET", "POST"]),
        Route(f"{base}/invitationer", with_session(invite_page), methods=["GET", "POST"]),
        Route(f"{base}/", with_session(home), methods=["GET", "POST"]),
        Route(f"{base}/login", login, methods=["GET", "POST"]),
        Route(f"{base}/logout", logout, methods=["POST"]),
        Route(f"{base}/records.css", css, methods=["GET"]),
    ]
    return Starlette(routes=routes)
