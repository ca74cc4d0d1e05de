"""The Statement resource, reading side: GET with filters, formats, ``more`` paging, attachments."""

from __future__ import annotations

import base64
import binascii
import hashlib
from typing import Any
from urllib.parse import urlencode

from starlette.responses import Response

from toolkit.lrs import jsonsafe
from toolkit.lrs.request import HTTPError, Settings, XRequest, flag, http_date, parse_json
from toolkit.lrs.statements import accept_languages, agent_key, canonical_format, ids_format, normalise_time, now_stored
from toolkit.lrs.storage import Storage
from toolkit.lrs.validation import UUID_RE, Invalid, is_iri, validate_agent

STATEMENT_PARAMS = {"statementId", "voidedStatementId", "agent", "verb", "activity", "registration",
                    "related_activities", "related_agents", "since", "until", "limit", "format", "attachments",
                    "ascending", "more"}
MAX_SEQ = 2 ** 63 - 1


def encode_more(p: dict[str, str], after: int) -> str:
    token = base64.urlsafe_b64encode(jsonsafe.dumps({"p": p, "after": after}).encode()).decode()
    return "/xapi/statements?" + urlencode({"more": token})


def decode_more(token: str) -> tuple[dict[str, str], int]:
    """The query and position a ``more`` token holds.  The token is not secret: anything in it
    is checked again like a query parameter, and ``after`` must be a statement position."""
    try:
        state = jsonsafe.loads(base64.urlsafe_b64decode(token.encode("ascii")))
    except (ValueError, UnicodeEncodeError, binascii.Error):
        raise HTTPError(400, "invalid more token") from None
    if not isinstance(state, dict) or set(state) != {"p", "after"}:
        raise HTTPError(400, "invalid more token")
    p, after = state["p"], state["after"]
    if not isinstance(p, dict) or not all(isinstance(k, str) and isinstance(v, str) for k, v in p.items()) \
            or "more" in p or set(p) - STATEMENT_PARAMS:
        raise HTTPError(400, "invalid more token")
    if isinstance(after, bool) or not isinstance(after, int) or not 0 <= after <= MAX_SEQ:
        raise HTTPError(400, "invalid more token")
    return p, after


class StatementReader:
    def __init__(self, storage: Storage, settings: Settings) -> None:
        self.storage = storage
        self.settings = settings

    def get(self, x: XRequest) -> Response:
        p = dict(x.params)
        unknown = set(p) - STATEMENT_PARAMS
        if unknown:
            raise HTTPError(400, f"unknown parameters: {', '.join(sorted(unknown))[:200]}")
        if "more" in p:
            p, after = decode_more(p["more"])
        else:
            after = None
        fmt = p.get("format", "exact")
        if fmt not in ("exact", "ids", "canonical"):
            raise HTTPError(400, "format must be exact, ids or canonical")
        with_attachments = flag(p, "attachments")
        langs = accept_languages(x.headers.get("accept-language"))
        single = p.get("statementId") or p.get("voidedStatementId")
        if "statementId" in p and "voidedStatementId" in p:
            raise HTTPError(400, "use statementId or voidedStatementId, not both")
        if single is not None:
            if set(p) - {"statementId", "voidedStatementId", "format", "attachments"}:
                raise HTTPError(400, "statementId and voidedStatementId take no filter parameters")
            if not UUID_RE.match(single):
                raise HTTPError(400, "statementId must be a UUID")
            s = self.storage.statement(single, voided="voidedStatementId" in p)
            if s is None:
                raise HTTPError(404, "no such statement")
            return self.respond([s], shape(s, fmt, langs), with_attachments, last=s["stored"])
        filters = self.filters(p)
        try:
            limit = int(p.get("limit", "0"))
        except ValueError:
            raise HTTPError(400, "limit must be a whole number") from None
        if limit < 0:
            raise HTTPError(400, "limit must not be negative")
        page = min(limit or self.settings.page_size, self.settings.page_size)
        rows = self.storage.query(filters, page + 1, after, flag(p, "ascending"))
        more = ""
        if len(rows) > page:
            rows = rows[:page]
            more = encode_more(p, rows[-1][0])
        statements = [s for _, s in rows]
        result = {"statements": [shape(s, fmt, langs) for s in statements], "more": more}
        last = max((s["stored"] for s in statements), default=None)
        return self.respond(statements, result, with_attachments, last=last)

    @staticmethod
    def filters(p: dict[str, str]) -> dict[str, Any]:
        filters: dict[str, Any] = {}
        if "agent" in p:
            agent = parse_json(p["agent"], "the agent parameter")
            try:
                validate_agent(agent, "agent")
            except Invalid as exc:
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
                except (Invalid, ValueError, OverflowError) as exc:
                    raise HTTPError(400, f"{key}: {exc}") from None
        filters["related_agents"] = flag(p, "related_agents")
        filters["related_activities"] = flag(p, "related_activities")
        return filters

    def respond(self, statements: list[dict[str, Any]], body: Any, with_attachments: bool, last: str | None) -> Response:
        now = now_stored()
        headers = {"X-Experience-API-Consistent-Through": now, "Last-Modified": http_date(last or now)}
        payload = jsonsafe.dumps(body).encode("utf-8")
        if not with_attachments:
            return Response(payload, media_type="application/json", headers=headers)
        data = self.storage.attachment_data([a["sha2"] for s in statements for a in s.get("attachments", [])])
        boundary = "xapi-" + hashlib.sha1(payload).hexdigest()
        chunks = [f"--{boundary}\r\nContent-Type: application/json\r\n\r\n".encode(), payload, b"\r\n"]
        for sha2, (ctype, content) in data.items():
            chunks += [f"--{boundary}\r\nContent-Type: {ctype}\r\nContent-Transfer-Encoding: binary\r\n"
                       f"X-Experience-API-Hash: {sha2}\r\n\r\n".encode(), content, b"\r\n"]
        chunks.append(f"--{boundary}--\r\n".encode())
        return Response(b"".join(chunks), media_type=f"multipart/mixed; boundary={boundary}", headers=headers)


def shape(s: dict[str, Any], fmt: str, langs: list[str]) -> dict[str, Any]:
    if fmt == "ids":
        return ids_format(s)
    if fmt == "canonical":
        return canonical_format(s, langs)
    return s
