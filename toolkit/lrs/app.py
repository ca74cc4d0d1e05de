"""The xAPI 1.0.3 HTTP layer on Starlette.

Every request is first normalised into an :class:`XRequest` (method, query
parameters, headers, body, credential), which is also how the 1.0.3
Alternate Request Syntax (``POST ?method=PUT`` with headers and content as
form fields, as ``navigator.sendBeacon`` sends them) reaches the same
handlers as ordinary requests.  The event loop only reads bodies and writes
answers: authentication (scrypt), parsing (JSON, multipart, JWS) and the
database all run in worker threads, so one heavy request never stalls the
others.  Every failure becomes a JSON answer: 4xx for what the client sent,
503 while the database is unreachable, 500 (logged) only for a bug.
"""

from __future__ import annotations

import logging
import os
from collections.abc import Awaitable, Callable
from typing import Any
from urllib.parse import parse_qsl

from starlette.applications import Starlette
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from toolkit.lrs.auth import Authenticator, Limits, Throttled
from toolkit.lrs.document_api import SUPPORTED, Documents
from toolkit.lrs.request import HTTPError, Settings, XRequest, address_key
from toolkit.lrs.statement_api import StatementWriter
from toolkit.lrs.statement_query import StatementReader
from toolkit.lrs.statements import now_stored
from toolkit.lrs.storage import Storage, Unavailable, Unstorable, open_storage
from toolkit.lrs.validation import Invalid

__all__ = ["LRS", "HTTPError", "Settings", "XRequest", "create_app", "create_app_from_env"]

logger = logging.getLogger("toolkit.lrs")
VERSION = "1.0.3"
ALT_HEADERS = {"authorization", "x-experience-api-version", "content-type", "content-length", "if-match", "if-none-match"}
EXPOSE = "ETag, Last-Modified, X-Experience-API-Consistent-Through, X-Experience-API-Version, Content-Type"
NAMES = {400: "bad_request", 401: "unauthorized", 403: "forbidden", 404: "not_found", 405: "method_not_allowed",
         409: "conflict", 412: "precondition_failed", 413: "too_large", 429: "too_many_requests",
         503: "unavailable"}
Handler = Callable[[XRequest], Response]


def error(status: int, message: str, headers: dict[str, str] | None = None) -> JSONResponse:
    return JSONResponse({"error": NAMES.get(status, "error"), "message": message}, status_code=status, headers=headers)


class LRS:
    def __init__(self, storage: Storage, settings: Settings) -> None:
        self.storage = storage
        self.settings = settings
        self.limits = Limits(storage)
        self.auth = Authenticator(storage, self.limits, settings.login_failures, settings.login_failure_seconds)
        self.writer = StatementWriter(storage, settings)
        self.reader = StatementReader(storage, settings)
        self.docs = Documents(storage)

    # -- request normalisation --------------------------------------------------
    async def read(self, request: Request) -> XRequest:
        try:
            length = int(request.headers.get("content-length") or 0)
        except ValueError:
            raise HTTPError(400, "Content-Length is not a number") from None
        if length > self.settings.max_body:
            raise HTTPError(413, f"request body over {self.settings.max_body} bytes")
        chunks, size = [], 0
        async for chunk in request.stream():
            chunks.append(chunk)
            size += len(chunk)
            if size > self.settings.max_body:
                raise HTTPError(413, f"request body over {self.settings.max_body} bytes")
        headers = {k.lower(): v for k, v in request.headers.items()}
        client = address_key(request.client.host) if request.client else ""
        return XRequest(request.method, dict(request.query_params), headers, b"".join(chunks), request.url.path, client)

    @staticmethod
    def alternate(x: XRequest) -> None:
        """Turn an Alternate Request Syntax POST into the request it stands for."""
        if "method" not in x.params:
            return
        if x.method != "POST":
            raise HTTPError(400, "the alternate request syntax must use POST")
        alt = x.params.pop("method").upper()
        if x.params:
            raise HTTPError(400, "with the alternate request syntax, only 'method' may be in the query string")
        if not x.headers.get("content-type", "").startswith("application/x-www-form-urlencoded"):
            raise HTTPError(400, "the alternate request syntax needs a form-encoded body")
        try:
            form = dict(parse_qsl(x.body.decode("utf-8"), keep_blank_values=True, errors="strict"))
        except (UnicodeDecodeError, ValueError):
            raise HTTPError(400, "the form body is not UTF-8 form data") from None
        x.body = form.pop("content", "").encode("utf-8")
        for key in list(form):
            if key.lower() in ALT_HEADERS:
                x.headers[key.lower()] = form.pop(key)
        x.headers.pop("content-length", None)
        if x.body and x.headers.get("content-type", "").startswith("application/x-www-form"):
            x.headers["content-type"] = "application/json"
        x.params = form
        x.method = alt
        if x.method not in ("GET", "PUT", "POST", "DELETE"):
            raise HTTPError(400, f"unsupported method {alt[:20]!r}")

    def authenticate(self, x: XRequest) -> None:
        try:
            cred = self.auth.authenticate(x.headers.get("authorization"), x.client)
        except Throttled as exc:
            raise HTTPError(429, str(exc), {"Retry-After": str(int(self.settings.login_failure_seconds) or 1)}) from None
        if cred is None:
            raise HTTPError(401, "authentication required", {"WWW-Authenticate": 'Basic realm="xAPI"'})
        x.credential = cred
        version = x.headers.get("x-experience-api-version")
        if not version:
            raise HTTPError(400, "missing X-Experience-API-Version header")
        if version not in SUPPORTED:
            raise HTTPError(400, f"unsupported X-Experience-API-Version {version[:20]!r}")

    def require(self, x: XRequest, need: str) -> None:
        cred = x.credential
        assert cred is not None
        if not cred.can(need):
            raise HTTPError(403, f"this credential may not use {need}")
        if x.method not in ("PUT", "POST", "DELETE"):
            return
        s = self.settings
        if "all" in cred.scopes:
            buckets = [(f"cred:{cred.key}", s.rate_all, s.burst)]
        else:
            buckets = [(f"cred:{cred.key}", s.rate, s.burst), (f"addr:{x.client}", s.rate_address, s.burst_address)]
        if not self.limits.take([(name, rate, float(burst)) for name, rate, burst in buckets]):
            raise HTTPError(429, "too many write requests: slow down", {"Retry-After": "1"})

    # -- resources --------------------------------------------------------------------
    def statements(self, x: XRequest) -> Response:
        if x.method in ("GET", "HEAD"):
            self.require(x, "statements/read")
            return self.reader.get(x)
        if x.method not in ("PUT", "POST"):
            raise HTTPError(405, f"{x.method} is not allowed on statements")
        self.require(x, "statements/write")
        return self.writer.put(x) if x.method == "PUT" else self.writer.post(x)

    def documents(self, kind: str) -> Handler:
        def handle(x: XRequest) -> Response:
            assert x.credential is not None
            reading = x.method in ("GET", "HEAD")
            need = "state" if kind == "state" else ("profile/read" if reading else "all")
            self.require(x, need)
            return self.docs.handle(x, kind)
        return handle

    def activities(self, x: XRequest) -> Response:
        self.require(x, "statements/read")
        return self.docs.activities(x)

    def agents(self, x: XRequest) -> Response:
        self.require(x, "statements/read")
        return self.docs.agents(x)

    # -- ASGI entry -----------------------------------------------------------------
    def endpoint(self, handler: Handler, needs_auth: bool = True) -> Callable[[Request], Awaitable[Response]]:
        def run_sync(x: XRequest) -> Response:
            self.alternate(x)
            if needs_auth:
                self.authenticate(x)
            return handler(x)

        async def run(request: Request) -> Response:
            response: Response
            try:
                if request.method == "OPTIONS":
                    response = Response(status_code=204)
                else:
                    x = await self.read(request)
                    response = await run_in_threadpool(self.answer, run_sync, x)
                    if request.method == "HEAD":
                        response = Response(status_code=response.status_code, headers=dict(response.headers))
            except HTTPError as exc:
                response = error(exc.status, exc.message, exc.headers)
            response.headers["X-Experience-API-Version"] = VERSION
            if request.url.path.endswith("/statements"):
                response.headers.setdefault("X-Experience-API-Consistent-Through", now_stored())
            self.cors(request, response)
            return response
        return run

    @staticmethod
    def answer(run: Handler, x: XRequest) -> Response:
        try:
            return run(x)
        except HTTPError as exc:
            return error(exc.status, exc.message, exc.headers)
        except Invalid as exc:
            return error(400, str(exc)[:2000])
        except Unstorable as exc:
            return error(400, f"the database cannot store this: {exc}"[:2000])
        except Unavailable as exc:
            logger.warning("database unavailable on %s %s: %s", x.method, x.path, exc)
            return error(503, "the database is unavailable; try again shortly", {"Retry-After": "2"})
        except Exception as exc:
            logger.exception("internal error on %s %s", x.method, x.path)
            return error(500, f"internal error: {type(exc).__name__}")

    def cors(self, request: Request, response: Response) -> None:
        origin = request.headers.get("origin")
        allowed = self.settings.cors_origins
        if origin is None or not allowed:
            return
        if "*" in allowed or origin in allowed:
            response.headers["Access-Control-Allow-Origin"] = origin if "*" not in allowed else "*"
            response.headers["Vary"] = "Origin"
            response.headers["Access-Control-Expose-Headers"] = EXPOSE
            if request.method == "OPTIONS":
                response.headers["Access-Control-Allow-Methods"] = "GET, HEAD, PUT, POST, DELETE, OPTIONS"
                response.headers["Access-Control-Allow-Headers"] = (
                    "Authorization, Content-Type, X-Experience-API-Version, If-Match, If-None-Match")
                response.headers["Access-Control-Max-Age"] = "600"


def create_app(db_url: str, *, cors_origins: tuple[str, ...] | list[str] = (), storage: Storage | None = None,
               **options: Any) -> Starlette:
    """The LRS as an ASGI app serving xAPI under ``/xapi/``."""
    settings = Settings(cors_origins=tuple(cors_origins), **options)
    lrs = LRS(storage or open_storage(db_url, settings.pool_size), settings)
    methods = ["GET", "HEAD", "PUT", "POST", "DELETE", "OPTIONS"]
    routes = [
        Route("/xapi/statements", lrs.endpoint(lrs.statements), methods=methods),
        Route("/xapi/activities/state", lrs.endpoint(lrs.documents("state")), methods=methods),
        Route("/xapi/activities/profile", lrs.endpoint(lrs.documents("activity_profile")), methods=methods),
        Route("/xapi/agents/profile", lrs.endpoint(lrs.documents("agent_profile")), methods=methods),
        Route("/xapi/activities", lrs.endpoint(lrs.activities), methods=["GET", "HEAD", "OPTIONS"]),
        Route("/xapi/agents", lrs.endpoint(lrs.agents), methods=["GET", "HEAD", "OPTIONS"]),
        Route("/xapi/about", lrs.endpoint(lrs.docs.about, needs_auth=False), methods=["GET", "HEAD", "OPTIONS"]),
    ]
    app = Starlette(routes=routes)
    app.state.lrs = lrs
    return app


ENV = "TOOLKIT_LRS_SERVE"


def create_app_from_env() -> Starlette:
    """The app for `toolkit lrs serve --workers N`: each worker process builds its own from
    the settings the command put in the environment as JSON."""
    import json

    options = json.loads(os.environ[ENV])
    return create_app(options.pop("db_url"), **options)
