"""The xAPI 1.0.3 HTTP interface on Starlette.

Every request is first normalised into an :class:`XRequest` (method, query
parameters, headers, body, credential), which is also how the 1.0.3
Alternate Request Syntax (``POST ?method=PUT`` with headers and content as
form fields, as ``navigator.sendBeacon`` sends them) reaches the same
handlers as ordinary requests.
"""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
import json
import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from email import message_from_bytes, policy
from typing import Any
from urllib.parse import parse_qsl, urlencode

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from toolkit.lrs.auth import Authenticator, Credential, RateLimiter
from toolkit.lrs.statements import (SIGNATURE, accept_languages, agent_key, canonical_format, comparable, ids_format,
                                    index_keys, is_voiding, normalise, normalise_time, now_stored)
from toolkit.lrs.storage import Storage, open_storage
from toolkit.lrs.validation import Invalid, validate_agent, validate_statement, is_iri, new_id, UUID_RE

logger = logging.getLogger("toolkit.lrs")
VERSION = "1.0.3"
SUPPORTED = ("1.0.0", "1.0.1", "1.0.2", "1.0.3")
STATEMENT_PARAMS = {"statementId", "voidedStatementId", "agent", "verb", "activity", "registration",
                    "related_activities", "related_agents", "since", "until", "limit", "format", "attachments",
                    "ascending", "more"}
ALT_HEADERS = {"authorization", "x-experience-api-version", "content-type", "content-length", "if-match", "if-none-match"}
EXPOSE = "ETag, Last-Modified, X-Experience-API-Consistent-Through, X-Experience-API-Version, Content-Type"


class HTTPError(Exception):
    def __init__(self, status: int, message: str, headers: dict[str, str] | None = None) -> None:
        super().__init__(message)
        self.status, self.message, self.headers = status, message, headers or {}


@dataclass
class Settings:
    cors_origins: tuple[str, ...] = ()
    max_body: int = 20 * 1024 * 1024
    max_batch: int = 1000
    max_attachment: int = 10 * 1024 * 1024
    page_size: int = 100
    rate: float = 50.0
    burst: int = 200
    base_url: str = "http://127.0.0.1/"


@dataclass
class XRequest:
    method: str
    params: dict[str, str]
    headers: dict[str, str]
    body: bytes
    path: str
    credential: Credential | None = None
    extra: dict[str, Any] = field(default_factory=dict)

    def json(self) -> Any:
        try:
            return json.loads(self.body.decode("utf-8"))
        except (UnicodeDecodeError, json.JSONDecodeError) as exc:
            raise HTTPError(400, f"the body is not valid JSON: {exc}") from None

    @property
    def content_type(self) -> str:
        return self.headers.get("content-type", "").split(";")[0].strip().lower()


def error(status: int, message: str, headers: dict[str, str] | None = None) -> JSONResponse:
    names = {400: "bad_request", 401: "unauthorized", 403: "forbidden", 404: "not_found", 405: "method_not_allowed",
             409: "conflict", 412: "precondition_failed", 413: "too_large", 429: "too_many_requests"}
    return JSONResponse({"error": names.get(status, "error"), "message": message}, status_code=status, headers=headers)


class LRS:
    def __init__(self, storage: Storage, settings: Settings) -> None:
        self.storage = storage
        self.settings = settings
        self.auth = Authenticator(storage)
        self.limiter = RateLimiter(settings.rate, settings.burst)

    # -- request normalisation --------------------------------------------------
    async def normalise(self, request: Request) -> XRequest:
        length = int(request.headers.get("content-length") or 0)
        if length > self.settings.max_body:
            raise HTTPError(413, f"request body over {self.settings.max_body} bytes")
        body = b""
        async for chunk in request.stream():
            body += chunk
            if len(body) > self.settings.max_body:
                raise HTTPError(413, f"request body over {self.settings.max_body} bytes")
        headers = {k.lower(): v for k, v in request.headers.items()}
        params = dict(request.query_params)
        method = request.method
        if "method" in params:
            if method != "POST":
                raise HTTPError(400, "the alternate request syntax must use POST")
            alt = params.pop("method").upper()
            if params:
                raise HTTPError(400, "with the alternate request syntax, only 'method' may be in the query string")
            if not headers.get("content-type", "").startswith("application/x-www-form-urlencoded"):
                raise HTTPError(400, "the alternate request syntax needs a form-encoded body")
            form = dict(parse_qsl(body.decode("utf-8"), keep_blank_values=True))
            body = form.pop("content", "").encode("utf-8")
            for key in list(form):
                if key.lower() in ALT_HEADERS:
                    headers[key.lower()] = form.pop(key)
            headers.pop("content-length", None)
            if "content-type" not in {k.lower() for k in form} and body and headers.get("content-type", "").startswith("application/x-www-form"):
                headers["content-type"] = "application/json"
            params = form
            method = alt
            if method not in ("GET", "PUT", "POST", "DELETE"):
                raise HTTPError(400, f"unsupported method {alt!r}")
        return XRequest(method, params, headers, body, request.url.path)

    def authenticate(self, x: XRequest) -> None:
        cred = self.auth.authenticate(x.headers.get("authorization"))
        if cred is None:
            raise HTTPError(401, "authentication required", {"WWW-Authenticate": 'Basic realm="xAPI"'})
        x.credential = cred

    def require(self, x: XRequest, need: str) -> None:
        assert x.credential is not None
        if not x.credential.can(need):
            raise HTTPError(403, f"this credential may not use {need}")
        if need in ("statements/write", "state") and x.method in ("PUT", "POST", "DELETE"):
            if not self.limiter.allow(x.credential.key):
                raise HTTPError(429, "too many write requests: slow down", {"Retry-After": "1"})

    def check_version(self, x: XRequest) -> None:
        version = x.headers.get("x-experience-api-version")
        if not version:
            raise HTTPError(400, "missing X-Experience-API-Version header")
        if version not in SUPPORTED:
            raise HTTPError(400, f"unsupported X-Experience-API-Version {version!r}")

    # -- ASGI entry -----------------------------------------------------------------
    def endpoint(self, handler: Callable[[XRequest], Awaitable[Response]], needs_auth: bool = True) -> Callable[[Request], Awaitable[Response]]:
        async def run(request: Request) -> Response:
            try:
                if request.method == "OPTIONS":
                    response: Response = Response(status_code=204)
                else:
                    x = await self.normalise(request)
                    if needs_auth:
                        self.authenticate(x)
                        self.check_version(x)
                    response = await handler(x)
                    if request.method == "HEAD":
                        response = Response(status_code=response.status_code, headers=dict(response.headers))
            except HTTPError as exc:
                response = error(exc.status, exc.message, exc.headers)
            except Invalid as exc:
                response = error(400, str(exc))
            except Exception as exc:  # noqa: BLE001 - a bug must still answer in JSON, and be logged
                logger.exception("internal error on %s %s", request.method, request.url.path)
                response = error(500, f"internal error: {type(exc).__name__}")
            response.headers["X-Experience-API-Version"] = VERSION
            if request.url.path.endswith("/statements"):
                response.headers.setdefault("X-Experience-API-Consistent-Through", now_stored())
            self.cors(request, response)
            return response
        return run

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

    # -- statements -----------------------------------------------------------------
    async def statements(self, x: XRequest) -> Response:
        if x.method in ("GET", "HEAD"):
            self.require(x, "statements/read")
            return self.get_statements(x)
        if x.method == "PUT":
            self.require(x, "statements/write")
            sid = x.params.get("statementId")
            if not sid:
                raise HTTPError(400, "PUT needs a statementId parameter")
            if set(x.params) - {"statementId"}:
                raise HTTPError(400, f"unexpected parameters: {', '.join(sorted(set(x.params) - {'statementId'}))}")
            statements, parts = self.read_statements(x)
            if len(statements) != 1 or not isinstance(statements[0], dict):
                raise HTTPError(400, "PUT takes exactly one statement")
            if "id" in statements[0] and statements[0]["id"] != sid:
                raise HTTPError(400, "the statement id does not match the statementId parameter")
            statements[0]["id"] = sid
            self.store(x, statements, parts)
            return Response(status_code=204)
        if x.method == "POST":
            self.require(x, "statements/write")
            if x.params:
                raise HTTPError(400, f"unexpected parameters: {', '.join(sorted(x.params))}")
            statements, parts = self.read_statements(x)
            ids = self.store(x, statements, parts)
            return JSONResponse(ids)
        raise HTTPError(405, f"{x.method} is not allowed on statements")

    def read_statements(self, x: XRequest) -> tuple[list[Any], dict[str, tuple[str, bytes]]]:
        parts: dict[str, tuple[str, bytes]] = {}
        if x.content_type == "multipart/mixed":
            raw = b"Content-Type: " + x.headers["content-type"].encode() + b"\r\nMIME-Version: 1.0\r\n\r\n" + x.body
            msg = message_from_bytes(raw, policy=policy.HTTP)
            if not msg.is_multipart():
                raise HTTPError(400, "multipart/mixed body could not be parsed")
            payloads = list(msg.iter_parts())
            if not payloads or payloads[0].get_content_type() != "application/json":
                raise HTTPError(400, "the first part of a multipart/mixed request must be application/json")
            try:
                data = json.loads(payloads[0].get_payload(decode=True))
            except (ValueError, TypeError) as exc:
                raise HTTPError(400, f"the statement part is not valid JSON: {exc}") from None
            for part in payloads[1:]:
                sha2 = part.get("X-Experience-API-Hash")
                if not sha2:
                    raise HTTPError(400, "every attachment part needs an X-Experience-API-Hash header")
                if part.get("Content-Transfer-Encoding", "binary").lower() not in ("binary", ""):
                    raise HTTPError(400, "attachment parts must use Content-Transfer-Encoding: binary")
                content = part.get_payload(decode=True) or b""
                if len(content) > self.settings.max_attachment:
                    raise HTTPError(413, f"attachment over {self.settings.max_attachment} bytes")
                if hashlib.sha256(content).hexdigest() != sha2.strip():
                    raise HTTPError(400, f"attachment content does not match its hash {sha2}")
                parts[sha2.strip()] = (part.get_content_type(), content)
        elif x.content_type == "application/json" or not x.content_type:
            data = x.json()
        else:
            raise HTTPError(400, f"statements must be application/json or multipart/mixed, not {x.content_type}")
        statements = data if isinstance(data, list) else [data]
        if len(statements) > self.settings.max_batch:
            raise HTTPError(413, f"more than {self.settings.max_batch} statements in one request")
        return statements, parts

    def store(self, x: XRequest, statements: list[Any], parts: dict[str, tuple[str, bytes]]) -> list[str]:
        assert x.credential is not None
        stored = now_stored()
        seen: set[str] = set()
        prepared = []
        needed: set[str] = set()
        for s in statements:
            validate_statement(s)
            normalise(s)
            s.setdefault("id", new_id())
            if s["id"] in seen:
                raise HTTPError(400, f"statement id {s['id']} appears twice in the batch")
            seen.add(s["id"])
            self.check_restrictions(x.credential, s)
            for att in s.get("attachments", []):
                if "fileUrl" not in att:
                    needed.add(att["sha2"])
                if att["usageType"] == SIGNATURE:
                    self.check_signature(s, att, parts)
            prepared.append(s)
        if needed - set(parts):
            raise HTTPError(400, f"missing attachment data for {', '.join(sorted(needed - set(parts)))}")
        if set(parts) - {a["sha2"] for s in prepared for a in s.get("attachments", [])}:
            raise HTTPError(400, "an attachment part is not referenced by any statement")
        existing = self.storage.existing(list(seen))
        targets = [s["object"]["id"] for s in prepared if is_voiding(s)]
        target_rows = self.storage.existing(targets)
        rows = []
        ids = []
        for s in prepared:
            ids.append(s["id"])
            if s["id"] in existing:
                old = dict(existing[s["id"]])
                if "timestamp" not in s:
                    old.pop("timestamp", None)
                if comparable(old) != comparable(s):
                    raise HTTPError(409, f"statement {s['id']} already exists with different content")
                continue
            voids = None
            if is_voiding(s):
                target = target_rows.get(s["object"]["id"])
                if target is not None and is_voiding(target):
                    raise HTTPError(400, "a voiding statement cannot be voided")
                voids = s["object"]["id"]
            s["stored"] = stored
            s.setdefault("timestamp", stored)
            s["authority"] = x.credential.authority(self.settings.base_url)
            agents, activities, definitions = index_keys(s)
            rows.append({"statement": s, "stored": stored, "agents": agents, "activities": activities,
                         "definitions": definitions, "voids": voids,
                         "sha2s": sorted({a["sha2"] for a in s.get("attachments", [])})})
        if rows:
            self.storage.insert(rows, {k: v for k, v in parts.items()})
        return ids

    def check_restrictions(self, cred: Credential, s: dict[str, Any]) -> None:
        if cred.homepage:
            actor = s.get("actor") or {}
            if (actor.get("account") or {}).get("homePage") != cred.homepage:
                raise HTTPError(403, f"this credential may only write statements for accounts at {cred.homepage}")
        if cred.activity_prefixes:
            for act in subject_activities(s):
                if not any(act.startswith(p) for p in cred.activity_prefixes):
                    raise HTTPError(403, f"this credential may not write statements about {act}")

    def check_signature(self, s: dict[str, Any], att: dict[str, Any], parts: dict[str, tuple[str, bytes]]) -> None:
        if att.get("contentType") != "application/octet-stream":
            raise HTTPError(400, "a signature attachment must be application/octet-stream")
        part = parts.get(att["sha2"])
        if part is None:
            raise HTTPError(400, "the signature attachment has no data")
        try:
            header_b64, payload_b64, _sig = part[1].decode("ascii").strip().split(".")
            pad = lambda t: t + "=" * (-len(t) % 4)  # noqa: E731
            header = json.loads(base64.urlsafe_b64decode(pad(header_b64)))
            payload = json.loads(base64.urlsafe_b64decode(pad(payload_b64)))
        except (ValueError, UnicodeDecodeError) as exc:
            raise HTTPError(400, f"the signature is not a valid JWS: {exc}") from None
        if header.get("alg") not in ("RS256", "RS384", "RS512"):
            raise HTTPError(400, "the JWS algorithm must be RS256, RS384 or RS512")
        keys = ("actor", "verb", "object", "result", "context", "timestamp")
        mine = {k: s[k] for k in keys if k in s}
        theirs = {k: payload[k] for k in keys if k in payload}
        if json.dumps(normalise({**theirs}), sort_keys=True) != json.dumps(normalise({**mine}), sort_keys=True):
            raise HTTPError(400, "the signed payload does not match the statement")

    def get_statements(self, x: XRequest) -> Response:
        p = dict(x.params)
        unknown = set(p) - STATEMENT_PARAMS
        if unknown:
            raise HTTPError(400, f"unknown parameters: {', '.join(sorted(unknown))}")
        fmt = p.get("format", "exact")
        if fmt not in ("exact", "ids", "canonical"):
            raise HTTPError(400, "format must be exact, ids or canonical")
        with_attachments = self.flag(p, "attachments")
        langs = accept_languages(x.headers.get("accept-language"))
        single = p.get("statementId") or p.get("voidedStatementId")
        if "statementId" in p and "voidedStatementId" in p:
            raise HTTPError(400, "use statementId or voidedStatementId, not both")
        if single is not None:
            if set(p) - {"statementId", "voidedStatementId", "format", "attachments"}:
                raise HTTPError(400, "statementId and voidedStatementId take no filter parameters")
            if not UUID_RE.match(single):
                raise HTTPError(400, f"{single!r} is not a UUID")
            s = self.storage.statement(single, voided="voidedStatementId" in p)
            if s is None:
                raise HTTPError(404, "no such statement")
            body = self.shape(s, fmt, langs)
            return self.respond([s], body, with_attachments, last=s["stored"])
        if "more" in p:
            try:
                state = json.loads(base64.urlsafe_b64decode(p["more"].encode()))
                p, after = state["p"], state["after"]
            except (ValueError, KeyError, TypeError):
                raise HTTPError(400, "invalid more token") from None
        else:
            after = None
        filters: dict[str, Any] = {}
        if "agent" in p:
            try:
                agent = json.loads(p["agent"])
                validate_agent(agent, "agent")
            except (ValueError, Invalid) as exc:
                raise HTTPError(400, f"invalid agent parameter: {exc}") from None
            filters["agent"] = agent_key(agent)
        for key in ("verb", "activity"):
            if key in p:
                if not is_iri(p[key]):
                    raise HTTPError(400, f"{key} must be an IRI")
                filters[key] = p[key]
        if "registration" in p:
            if not UUID_RE.match(p["registration"]):
                raise HTTPError(400, "registration must be a UUID")
            filters["registration"] = p["registration"]
        for key in ("since", "until"):
            if key in p:
                try:
                    filters[key] = normalise_time(p[key])
                except Invalid as exc:
                    raise HTTPError(400, str(exc)) from None
        filters["related_agents"] = self.flag(p, "related_agents")
        filters["related_activities"] = self.flag(p, "related_activities")
        try:
            limit = int(p.get("limit", "0"))
        except ValueError:
            raise HTTPError(400, "limit must be a whole number") from None
        if limit < 0:
            raise HTTPError(400, "limit must not be negative")
        page = min(limit or self.settings.page_size, self.settings.page_size)
        ascending = self.flag(p, "ascending")
        rows = self.storage.query(filters, page + 1, after, ascending)
        more = ""
        if len(rows) > page:
            rows = rows[:page]
            token = base64.urlsafe_b64encode(json.dumps({"p": p, "after": rows[-1][0]}).encode()).decode()
            more = "/xapi/statements?" + urlencode({"more": token})
        statements = [s for _, s in rows]
        result = {"statements": [self.shape(s, fmt, langs) for s in statements], "more": more}
        last = max((s["stored"] for s in statements), default=None)
        return self.respond(statements, result, with_attachments, last=last)

    def shape(self, s: dict[str, Any], fmt: str, langs: list[str]) -> dict[str, Any]:
        if fmt == "ids":
            return ids_format(s)
        if fmt == "canonical":
            return canonical_format(s, langs)
        return s

    def respond(self, statements: list[dict[str, Any]], body: Any, with_attachments: bool, last: str | None) -> Response:
        now = now_stored()
        headers = {"X-Experience-API-Consistent-Through": now,
                   "Last-Modified": http_date(last or now)}
        payload = json.dumps(body, separators=(",", ":")).encode("utf-8")
        if not with_attachments:
            return Response(payload, media_type="application/json", headers=headers)
        sha2s = [a["sha2"] for s in statements for a in s.get("attachments", []) if "fileUrl" not in a or True]
        data = self.storage.attachment_data(sha2s)
        boundary = "xapi-" + hashlib.sha1(payload).hexdigest()
        chunks = [f"--{boundary}\r\nContent-Type: application/json\r\n\r\n".encode(), payload, b"\r\n"]
        for sha2, (ctype, content) in data.items():
            chunks += [f"--{boundary}\r\nContent-Type: {ctype}\r\nContent-Transfer-Encoding: binary\r\n"
                       f"X-Experience-API-Hash: {sha2}\r\n\r\n".encode(), content, b"\r\n"]
        chunks.append(f"--{boundary}--\r\n".encode())
        return Response(b"".join(chunks), media_type=f"multipart/mixed; boundary={boundary}", headers=headers)

    @staticmethod
    def flag(p: dict[str, str], key: str) -> bool:
        value = p.get(key, "false").lower()
        if value not in ("true", "false"):
            raise HTTPError(400, f"{key} must be true or false")
        return value == "true"

    # -- documents --------------------------------------------------------------------
    def document_scope(self, x: XRequest, kind: str) -> tuple[str, str, str | None, str, str | None]:
        p = x.params
        allowed = {"state": {"activityId", "agent", "registration", "stateId", "since"},
                   "activity_profile": {"activityId", "profileId", "since"},
                   "agent_profile": {"agent", "profileId", "since"}}[kind]
        unknown = set(p) - allowed
        if unknown:
            raise HTTPError(400, f"unknown parameters: {', '.join(sorted(unknown))}")
        activity = agent = ""
        if kind in ("state", "activity_profile"):
            activity = p.get("activityId", "")
            if not is_iri(activity):
                raise HTTPError(400, "activityId must be an IRI")
        if kind in ("state", "agent_profile"):
            try:
                parsed = json.loads(p.get("agent", ""))
                validate_agent(parsed, "agent")
            except (ValueError, Invalid) as exc:
                raise HTTPError(400, f"invalid agent parameter: {exc}") from None
            agent = agent_key(parsed) or json.dumps(parsed, sort_keys=True)
            if kind == "state" and x.credential and x.credential.homepage and \
                    (parsed.get("account") or {}).get("homePage") != x.credential.homepage:
                raise HTTPError(403, "this credential may only use state documents of its own learners")
        registration = p.get("registration")
        if registration is not None and not UUID_RE.match(registration):
            raise HTTPError(400, "registration must be a UUID")
        doc_id = p.get("stateId" if kind == "state" else "profileId")
        since = p.get("since")
        if since is not None:
            try:
                since = normalise_time(since)
            except Invalid as exc:
                raise HTTPError(400, str(exc)) from None
        return activity, agent, registration, doc_id or "", since

    async def documents(self, x: XRequest, kind: str) -> Response:
        need = "state" if kind == "state" else ("profile/read" if x.method in ("GET", "HEAD") else "statements/write")
        if kind != "state" and x.credential and "all" not in x.credential.scopes and x.method not in ("GET", "HEAD"):
            need = "all"
        self.require(x, need)
        activity, agent, registration, doc_id, since = self.document_scope(x, kind)
        reg = registration or ""
        if x.method in ("GET", "HEAD"):
            if not doc_id:
                ids = self.storage.document_ids(kind, activity, agent, registration if kind == "state" else None, since)
                return JSONResponse(ids, headers={"Last-Modified": http_date(now_stored())})
            found = self.storage.document(kind, activity, agent, reg, doc_id)
            if found is None:
                raise HTTPError(404, "no such document")
            content, ctype, etag, updated = found
            return Response(content, media_type=ctype, headers={"ETag": etag, "Last-Modified": http_date(updated)})
        if x.method == "DELETE":
            if doc_id:
                found = self.storage.document(kind, activity, agent, reg, doc_id)
                if found is not None:
                    self.preconditions(x, found[2], required=False)
                self.storage.delete_documents(kind, activity, agent, reg, doc_id)
            elif kind == "state":
                self.storage.delete_documents(kind, activity, agent, registration, None)
            else:
                raise HTTPError(400, "profileId is required")
            return Response(status_code=204)
        if not doc_id:
            raise HTTPError(400, f"{'stateId' if kind == 'state' else 'profileId'} is required")
        found = self.storage.document(kind, activity, agent, reg, doc_id)
        ctype = x.headers.get("content-type") or "application/octet-stream"
        content = x.body
        if x.method == "PUT":
            self.preconditions(x, found[2] if found else None, required=kind != "state")
        elif x.method == "POST":
            self.preconditions(x, found[2] if found else None, required=False)
            if found is not None:
                if not (found[1].startswith("application/json") and ctype.startswith("application/json")):
                    raise HTTPError(400, "POST merges JSON documents only")
                try:
                    old, new = json.loads(found[0]), json.loads(content)
                except ValueError:
                    raise HTTPError(400, "POST merges JSON objects only") from None
                if not isinstance(old, dict) or not isinstance(new, dict):
                    raise HTTPError(400, "POST merges JSON objects only")
                old.update(new)
                content = json.dumps(old).encode()
            elif ctype.startswith("application/json"):
                try:
                    if not isinstance(json.loads(content), dict):
                        raise HTTPError(400, "POST merges JSON objects only")
                except ValueError:
                    raise HTTPError(400, "the body is not valid JSON") from None
        else:
            raise HTTPError(405, f"{x.method} is not allowed here")
        etag = '"' + hashlib.sha1(content).hexdigest() + '"'
        self.storage.put_document(kind, activity, agent, reg, doc_id, content, ctype, etag, now_stored())
        return Response(status_code=204, headers={"ETag": etag})

    def preconditions(self, x: XRequest, current: str | None, required: bool) -> None:
        if_match, if_none = x.headers.get("if-match"), x.headers.get("if-none-match")
        if if_match is not None:
            tags = [t.strip() for t in if_match.split(",")]
            if current is None or ("*" not in tags and current not in tags):
                raise HTTPError(412, "If-Match does not match the current document")
        if if_none is not None and current is not None:
            tags = [t.strip() for t in if_none.split(",")]
            if "*" in tags or current in tags:
                raise HTTPError(412, "If-None-Match matched an existing document")
        if required and if_match is None and if_none is None:
            if current is not None:
                raise HTTPError(409, "the document exists: send If-Match or If-None-Match")
            raise HTTPError(400, "send If-None-Match: * to create a document, or If-Match to replace one")

    # -- activities, agents, about --------------------------------------------------
    async def activities(self, x: XRequest) -> Response:
        self.require(x, "statements/read")
        act = x.params.get("activityId")
        if set(x.params) - {"activityId"} or not is_iri(act):
            raise HTTPError(400, "activityId (an IRI) is the only parameter")
        definition = self.storage.activity(act or "")
        body: dict[str, Any] = {"objectType": "Activity", "id": act}
        if definition:
            body["definition"] = definition
        return JSONResponse(body)

    async def agents(self, x: XRequest) -> Response:
        self.require(x, "statements/read")
        if set(x.params) - {"agent"}:
            raise HTTPError(400, "agent is the only parameter")
        try:
            agent = json.loads(x.params.get("agent", ""))
            validate_agent(agent, "agent")
        except (ValueError, Invalid) as exc:
            raise HTTPError(400, f"invalid agent parameter: {exc}") from None
        person: dict[str, Any] = {"objectType": "Person"}
        for key in ("name", "mbox", "mbox_sha1sum", "openid", "account"):
            if key in agent:
                person[key] = [agent[key]]
        return JSONResponse(person)

    async def about(self, x: XRequest) -> Response:
        return JSONResponse({"version": list(reversed(SUPPORTED)), "extensions": {}})


def subject_activities(s: dict[str, Any]) -> list[str]:
    """The activities a statement is about: its object and its parent and grouping
    activities (category and other are tags, such as the cmi5 profile IRI)."""
    found = []
    for stmt in (s, s.get("object") if (s.get("object") or {}).get("objectType") == "SubStatement" else None):
        if not stmt:
            continue
        obj = stmt.get("object") or {}
        if obj.get("objectType", "Activity") == "Activity" and "id" in obj:
            found.append(obj["id"])
        ctx_acts = (stmt.get("context") or {}).get("contextActivities") or {}
        for key in ("parent", "grouping"):
            found += [a["id"] for a in ctx_acts.get(key, []) if isinstance(a, dict) and "id" in a]
    return found


def http_date(stored: str) -> str:
    parsed = dt.datetime.strptime(stored[:19], "%Y-%m-%dT%H:%M:%S").replace(tzinfo=dt.timezone.utc)
    return parsed.strftime("%a, %d %b %Y %H:%M:%S GMT")


def create_app(db_url: str, *, cors_origins: tuple[str, ...] | list[str] = (), storage: Storage | None = None,
               **options: Any) -> Starlette:
    """The LRS as an ASGI app serving xAPI under ``/xapi/``."""
    settings = Settings(cors_origins=tuple(cors_origins), **options)
    lrs = LRS(storage or open_storage(db_url), settings)
    methods = ["GET", "HEAD", "PUT", "POST", "DELETE", "OPTIONS"]
    routes = [
        Route("/xapi/statements", lrs.endpoint(lrs.statements), methods=methods),
        Route("/xapi/activities/state", lrs.endpoint(lambda x: lrs.documents(x, "state")), methods=methods),
        Route("/xapi/activities/profile", lrs.endpoint(lambda x: lrs.documents(x, "activity_profile")), methods=methods),
        Route("/xapi/agents/profile", lrs.endpoint(lambda x: lrs.documents(x, "agent_profile")), methods=methods),
        Route("/xapi/activities", lrs.endpoint(lrs.activities), methods=["GET", "HEAD", "OPTIONS"]),
        Route("/xapi/agents", lrs.endpoint(lrs.agents), methods=["GET", "HEAD", "OPTIONS"]),
        Route("/xapi/about", lrs.endpoint(lrs.about, needs_auth=False), methods=["GET", "HEAD", "OPTIONS"]),
    ]
    app = Starlette(routes=routes)
    app.state.lrs = lrs
    return app
