"""The document resources (State, Activity Profile, Agent Profile) with ETag concurrency,
and the small read-only ones: Activities, Agents, About."""

from __future__ import annotations

import hashlib
import json
from typing import Any

from starlette.responses import JSONResponse, Response

from toolkit.lrs import jsonsafe, scope
from toolkit.lrs.request import HTTPError, XRequest, http_date, parse_json
from toolkit.lrs.statements import agent_key, normalise_time, now_stored
from toolkit.lrs.storage import Document, Storage
from toolkit.lrs.validation import UUID_RE, Invalid, is_iri, validate_agent

SUPPORTED = ("1.0.0", "1.0.1", "1.0.2", "1.0.3")
MAX_DOC_ID = 200
MAX_AGENT_KEY = 1300
ALLOWED = {"state": {"activityId", "agent", "registration", "stateId", "since"},
           "activity_profile": {"activityId", "profileId", "since"},
           "agent_profile": {"agent", "profileId", "since"}}


def parse_agent(text: str | None) -> dict[str, Any]:
    agent = parse_json(text or "", "the agent parameter")
    try:
        validate_agent(agent, "agent")
    except Invalid as exc:
        raise HTTPError(400, f"invalid agent parameter: {exc}") from None
    return dict(agent)


class Documents:
    def __init__(self, storage: Storage) -> None:
        self.storage = storage

    def scope(self, x: XRequest, kind: str) -> tuple[str, str, str | None, str, str | None]:
        p = x.params
        unknown = set(p) - ALLOWED[kind]
        if unknown:
            raise HTTPError(400, f"unknown parameters: {', '.join(sorted(unknown))[:200]}")
        activity = agent = ""
        parsed: dict[str, Any] = {}
        if kind in ("state", "activity_profile"):
            activity = p.get("activityId", "")
            if not is_iri(activity):
                raise HTTPError(400, "activityId must be an IRI")
        if kind in ("state", "agent_profile"):
            parsed = parse_agent(p.get("agent"))
            agent = agent_key(parsed) or json.dumps(parsed, sort_keys=True)
            if len(agent.encode("utf-8")) > MAX_AGENT_KEY:
                raise HTTPError(400, "the agent parameter is too long to be a document key")
        if kind == "state" and x.credential is not None:
            scope.check_state(x.credential, parsed, activity)
        registration = p.get("registration")
        if registration is not None and not UUID_RE.match(registration):
            raise HTTPError(400, "registration must be a UUID")
        doc_id = p.get("stateId" if kind == "state" else "profileId") or ""
        if len(doc_id.encode("utf-8", "replace")) > MAX_DOC_ID or "\x00" in doc_id:
            raise HTTPError(400, f"a document id has at most {MAX_DOC_ID} bytes and no NUL")
        since = p.get("since")
        if since is not None:
            try:
                since = normalise_time(since)
            except Invalid as exc:
                raise HTTPError(400, str(exc)) from None
        return activity, agent, registration, doc_id, since

    def handle(self, x: XRequest, kind: str) -> Response:
        activity, agent, registration, doc_id, since = self.scope(x, kind)
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
        if x.method == "DELETE" and not doc_id:
            if kind != "state":
                raise HTTPError(400, "profileId is required")
            self.storage.delete_documents(kind, activity, agent, registration, None)
            return Response(status_code=204)
        if x.method not in ("PUT", "POST", "DELETE"):
            raise HTTPError(405, f"{x.method} is not allowed here")
        if not doc_id:
            raise HTTPError(400, f"{'stateId' if kind == 'state' else 'profileId'} is required")
        # Read, check the preconditions and write in one transaction that no other change of this
        # document can enter: two tabs merging into one state document, or two writers with the
        # same If-Match, never lose an update, and whoever comes second is checked against the new
        # document.  An HTTPError from the checks changes nothing.
        ctype = (x.headers.get("content-type") or "application/octet-stream")[:200]

        def change(found: Document | None) -> tuple[bytes, str, str] | None:
            current = found[2] if found else None
            if x.method == "DELETE":
                preconditions(x, current, required=False)
                return None
            preconditions(x, current, required=x.method == "PUT" and kind != "state")
            content = merged(found, ctype, x.body) if x.method == "POST" else x.body
            return content, ctype, '"' + hashlib.sha1(content).hexdigest() + '"'

        written = self.storage.change_document(kind, activity, agent, reg, doc_id, change, now_stored())
        return Response(status_code=204, headers={"ETag": written[2]} if written else None)

    def activities(self, x: XRequest) -> Response:
        act = x.params.get("activityId")
        if set(x.params) - {"activityId"} or not is_iri(act):
            raise HTTPError(400, "activityId (an IRI) is the only parameter")
        definition = self.storage.activity(act or "")
        body: dict[str, Any] = {"objectType": "Activity", "id": act}
        if definition:
            body["definition"] = definition
        return JSONResponse(body)

    @staticmethod
    def agents(x: XRequest) -> Response:
        if set(x.params) - {"agent"}:
            raise HTTPError(400, "agent is the only parameter")
        agent = parse_agent(x.params.get("agent"))
        person: dict[str, Any] = {"objectType": "Person"}
        for key in ("name", "mbox", "mbox_sha1sum", "openid", "account"):
            if key in agent:
                person[key] = [agent[key]]
        return JSONResponse(person)

    @staticmethod
    def about(x: XRequest) -> Response:
        return JSONResponse({"version": list(reversed(SUPPORTED)), "extensions": {}})


def merged(found: Document | None, ctype: str, content: bytes) -> bytes:
    """The body a POST stores: the JSON object merged into the stored one."""
    if found is None:
        if ctype.startswith("application/json") and not isinstance(parse_json(content, "the body"), dict):
            raise HTTPError(400, "POST merges JSON objects only")
        return content
    if not (found[1].startswith("application/json") and ctype.startswith("application/json")):
        raise HTTPError(400, "POST merges JSON documents only")
    old, new = parse_json(found[0], "the stored document"), parse_json(content, "the body")
    if not isinstance(old, dict) or not isinstance(new, dict):
        raise HTTPError(400, "POST merges JSON objects only")
    old.update(new)
    return jsonsafe.dumps(old).encode()


def preconditions(x: XRequest, current: str | None, required: bool) -> None:
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
