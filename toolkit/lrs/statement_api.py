"""The Statement resource, writing side: PUT and POST, multipart attachments, signatures.

Handlers are plain functions run in a worker thread by the HTTP layer, so the
parsing of large or many-part bodies never blocks the event loop.
"""

from __future__ import annotations

import base64
import hashlib
from email import message_from_bytes, policy
from typing import Any

from starlette.responses import JSONResponse, Response

from toolkit.lrs import jsonsafe, scope
from toolkit.lrs.request import HTTPError, Settings, XRequest, parse_json
from toolkit.lrs.statement_store import Conflict
from toolkit.lrs.statements import SIGNATURE, comparable, index_keys, is_voiding, normalise, now_stored
from toolkit.lrs.storage import Storage
from toolkit.lrs.validation import new_id, validate_statement

Parts = dict[str, tuple[str, bytes]]


class StatementWriter:
    def __init__(self, storage: Storage, settings: Settings) -> None:
        self.storage = storage
        self.settings = settings

    def put(self, x: XRequest) -> Response:
        sid = x.params.get("statementId")
        if not sid:
            raise HTTPError(400, "PUT needs a statementId parameter")
        if set(x.params) - {"statementId"}:
            raise HTTPError(400, f"unexpected parameters: {', '.join(sorted(set(x.params) - {'statementId'}))}")
        statements, parts = self.read(x)
        if len(statements) != 1 or not isinstance(statements[0], dict):
            raise HTTPError(400, "PUT takes exactly one statement")
        if "id" in statements[0] and statements[0]["id"] != sid:
            raise HTTPError(400, "the statement id does not match the statementId parameter")
        statements[0]["id"] = sid
        self.store(x, statements, parts)
        return Response(status_code=204)

    def post(self, x: XRequest) -> Response:
        if x.params:
            raise HTTPError(400, f"unexpected parameters: {', '.join(sorted(x.params))}")
        statements, parts = self.read(x)
        return JSONResponse(self.store(x, statements, parts))

    # -- reading the body ---------------------------------------------------------
    def read(self, x: XRequest) -> tuple[list[Any], Parts]:
        parts: Parts = {}
        if x.content_type == "multipart/mixed":
            data = self.read_multipart(x, parts)
        elif x.content_type == "application/json" or not x.content_type:
            data = x.json()
        else:
            raise HTTPError(400, f"statements must be application/json or multipart/mixed, not {x.content_type}")
        statements = data if isinstance(data, list) else [data]
        if len(statements) > self.settings.max_batch:
            raise HTTPError(413, f"more than {self.settings.max_batch} statements in one request")
        return statements, parts

    def read_multipart(self, x: XRequest, parts: Parts) -> Any:
        ctype = x.headers["content-type"]
        boundary = next((p.strip().partition("=")[2].strip('"') for p in ctype.split(";")[1:]
                         if p.strip().lower().startswith("boundary=")), "")
        if not boundary:
            raise HTTPError(400, "multipart/mixed needs a boundary")
        if x.body.count(b"--" + boundary.encode("utf-8", "replace")) > self.settings.max_parts + 1:
            raise HTTPError(413, f"more than {self.settings.max_parts} parts in one multipart request")
        raw = b"Content-Type: " + ctype.encode("utf-8", "replace") + b"\r\nMIME-Version: 1.0\r\n\r\n" + x.body
        msg = message_from_bytes(raw, policy=policy.HTTP)
        if not msg.is_multipart():
            raise HTTPError(400, "multipart/mixed body could not be parsed")
        payloads = list(msg.iter_parts())
        if not payloads or payloads[0].get_content_type() != "application/json":
            raise HTTPError(400, "the first part of a multipart/mixed request must be application/json")
        first = payloads[0].get_payload(decode=True)
        data = parse_json(first if isinstance(first, bytes) else b"", "the statement part")
        for part in payloads[1:]:
            sha2 = str(part.get("X-Experience-API-Hash") or "").strip()
            if not sha2:
                raise HTTPError(400, "every attachment part needs an X-Experience-API-Hash header")
            if str(part.get("Content-Transfer-Encoding", "binary")).lower() not in ("binary", ""):
                raise HTTPError(400, "attachment parts must use Content-Transfer-Encoding: binary")
            content = part.get_payload(decode=True) or b""
            if not isinstance(content, bytes):
                raise HTTPError(400, "an attachment part could not be read")
            if len(content) > self.settings.max_attachment:
                raise HTTPError(413, f"attachment over {self.settings.max_attachment} bytes")
            if hashlib.sha256(content).hexdigest() != sha2.lower():
                raise HTTPError(400, f"attachment content does not match its hash {sha2[:128]}")
            parts[sha2] = (part.get_content_type(), content)
        return data

    # -- storing ------------------------------------------------------------------
    def store(self, x: XRequest, statements: list[Any], parts: Parts) -> list[str]:
        """Validate and store.  Most batches are new statements, so the first try does not look
        up the ids: the insert itself finds any that exist (ON CONFLICT), and then the batch is
        decided again against what is stored (same content: fine; different: 409)."""
        try:
            return self._store(x, statements, parts, look=False)
        except Conflict:
            pass
        try:
            return self._store(x, statements, parts, look=True)
        except Conflict as exc:  # yet another request got in between: let the client retry
            raise HTTPError(409, f"statements {exc} were being stored by another request; send again") from None

    def _store(self, x: XRequest, statements: list[Any], parts: Parts, look: bool) -> list[str]:
        cred = x.credential
        assert cred is not None
        stored = now_stored()
        seen: set[str] = set()
        prepared = []
        needed: set[str] = set()
        for s in statements:
            validate_statement(s)
            normalise(s)
            if "id" not in s:  # not setdefault: a uuid4 per statement costs a system call
                s["id"] = new_id()
            if s["id"] in seen:
                raise HTTPError(400, f"statement id {s['id']} appears twice in the batch")
            seen.add(s["id"])
            scope.check_statement(cred, s)
            for att in s.get("attachments", []):
                if "fileUrl" not in att:
                    needed.add(att["sha2"])
                if att["usageType"] == SIGNATURE:
                    check_signature(s, att, parts)
            prepared.append(s)
        if needed - set(parts):
            raise HTTPError(400, f"missing attachment data for {', '.join(sorted(needed - set(parts)))}")
        if set(parts) - {a["sha2"] for s in prepared for a in s.get("attachments", [])}:
            raise HTTPError(400, "an attachment part is not referenced by any statement")
        existing = self.storage.existing(list(seen)) if look else {}
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
                scope.check_voiding(cred, target, s["object"]["id"])
                if target is not None and is_voiding(target):
                    raise HTTPError(400, "a voiding statement cannot be voided")
                voids = s["object"]["id"]
            s["stored"] = stored
            s.setdefault("timestamp", stored)
            s["authority"] = cred.authority(self.settings.base_url)
            agents, activities, definitions = index_keys(s)
            rows.append({"statement": s, "body": jsonsafe.dumps(s), "stored": stored, "agents": agents,
                         "activities": activities, "definitions": definitions, "voids": voids,
                         "sha2s": sorted({a["sha2"] for a in s.get("attachments", [])})})
        if rows:
            self.storage.insert(rows, dict(parts))
        return ids


def check_signature(s: dict[str, Any], att: dict[str, Any], parts: Parts) -> None:
    if att.get("contentType") != "application/octet-stream":
        raise HTTPError(400, "a signature attachment must be application/octet-stream")
    part = parts.get(att["sha2"])
    if part is None:
        raise HTTPError(400, "the signature attachment has no data")
    try:
        header_b64, payload_b64, _sig = part[1].decode("ascii").strip().split(".")
        header = jsonsafe.loads(base64.urlsafe_b64decode(header_b64 + "=" * (-len(header_b64) % 4)))
        payload = jsonsafe.loads(base64.urlsafe_b64decode(payload_b64 + "=" * (-len(payload_b64) % 4)))
    except (ValueError, UnicodeDecodeError) as exc:
        raise HTTPError(400, f"the signature is not a valid JWS: {exc}") from None
    if not isinstance(header, dict) or not isinstance(payload, dict):
        raise HTTPError(400, "the JWS header and payload must be JSON objects")
    if header.get("alg") not in ("RS256", "RS384", "RS512"):
        raise HTTPError(400, "the JWS algorithm must be RS256, RS384 or RS512")
    keys = ("actor", "verb", "object", "result", "context", "timestamp")
    mine = {k: s[k] for k in keys if k in s}
    theirs = {k: payload[k] for k in keys if k in payload}
    if comparable_signed(theirs) != comparable_signed(mine):
        raise HTTPError(400, "the signed payload does not match the statement")


def comparable_signed(part: dict[str, Any]) -> str:
    import json

    try:
        return json.dumps(normalise(dict(part)), sort_keys=True)
    except (TypeError, AttributeError, ValueError):
        return ""
