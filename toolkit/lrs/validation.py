"""Statement validation per xAPI 1.0.3 (Part 2, Data).

``validate_statement`` raises :class:`Invalid` with a message that names the
offending property; the HTTP layer turns it into a 400.
"""

from __future__ import annotations

import functools
import re
import uuid
from typing import Any, cast
from urllib.parse import urlparse

UUID_RE = re.compile(r"^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[1-5][0-9a-fA-F]{3}-[89abAB][0-9a-fA-F]{3}-[0-9a-fA-F]{12}$")
ISO_RE = re.compile(
    r"^\d{4}-(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])T([01]\d|2[0-3]):[0-5]\d:([0-5]\d|60)(\.\d+)?(Z|[+-]([01]\d|2[0-3]):?[0-5]\d)$")
DURATION_RE = re.compile(
    r"^P(?:(?:\d+(?:\.\d+)?Y)?(?:\d+(?:\.\d+)?M)?(?:\d+(?:\.\d+)?D)?(?:T(?:\d+(?:\.\d+)?H)?(?:\d+(?:\.\d+)?M)?(?:\d+(?:\.\d+)?S)?)?|\d+(?:\.\d+)?W)$")
LANG_RE = re.compile(r"^(?:[a-zA-Z]{2,3}(?:-[a-zA-Z]{3}){0,3}|[a-zA-Z]{4,8})(?:-[a-zA-Z]{4})?(?:-(?:[a-zA-Z]{2}|\d{3}))?"
                     r"(?:-(?:[a-zA-Z\d]{5,8}|\d[a-zA-Z\d]{3}))*(?:-[\da-wy-zA-WY-Z](?:-[a-zA-Z\d]{2,8})+)*(?:-x(?:-[a-zA-Z\d]{1,8})+)?$"
                     r"|^x(?:-[a-zA-Z\d]{1,8})+$|^und$")
MBOX_RE = re.compile(r"^mailto:[^@\s]+@[^@\s]+$")
SHA1_RE = re.compile(r"^[0-9a-fA-F]{40}$")
INTERACTION_TYPES = {"true-false", "choice", "fill-in", "long-fill-in", "matching", "performance", "sequencing",
                     "likert", "numeric", "other"}
COMPONENT_KEYS = {"choice": "choices", "sequencing": "choices", "likert": "scale", "matching": ("source", "target"),
                  "performance": "steps"}
VOIDED = "http://adlnet.gov/expapi/verbs/voided"


class Invalid(ValueError):
    pass


def _obj(value: Any, where: str) -> dict[str, Any]:
    if not isinstance(value, dict):
        raise Invalid(f"{where} must be a JSON object")
    return value


def _keys(value: dict[str, Any], allowed: set[str], where: str) -> None:
    extra = set(value) - allowed
    if extra:
        raise Invalid(f"{where} has unknown properties: {', '.join(sorted(extra))}")


def _str(value: Any, where: str) -> str:
    if not isinstance(value, str):
        raise Invalid(f"{where} must be a string")
    return value


_SPACE = re.compile(r"\s")
_SCHEME = re.compile(r"[a-zA-Z][a-zA-Z0-9+.-]*")


MAX_IRI = 1000  # bytes: IRIs are index keys, and PostgreSQL's btree takes at most ~2,700 bytes a row
MAX_NAME = 255  # bytes of an account name, also part of an index key
_CONTROL = re.compile(r"[\x00-\x1f\x7f]")


def is_iri(value: Any) -> bool:
    return isinstance(value, str) and _is_iri(value)


@functools.lru_cache(maxsize=8192)  # the same verbs, courses and homePages come again and again
def _is_iri(value: str) -> bool:
    if not value or _SPACE.search(value) or _CONTROL.search(value) \
            or len(value.encode("utf-8", "surrogatepass")) > MAX_IRI:
        return False
    parsed = urlparse(value)
    return bool(parsed.scheme) and _SCHEME.fullmatch(parsed.scheme) is not None and \
        (bool(parsed.netloc) or bool(parsed.path) or parsed.scheme in ("urn", "tag", "mailto"))


def _iri(value: Any, where: str) -> str:
    if not is_iri(value):
        raise Invalid(f"{where} must be an IRI, not {value!r}")
    return cast(str, value)


def _uuid(value: Any, where: str) -> str:
    if not isinstance(value, str) or not UUID_RE.match(value):
        raise Invalid(f"{where} must be a UUID, not {value!r}")
    return value


def valid_timestamp(value: Any) -> bool:
    return isinstance(value, str) and ISO_RE.match(value) is not None and not value.endswith("-00:00") \
        and not value.endswith("-0000")


def _timestamp(value: Any, where: str) -> None:
    if not valid_timestamp(value):
        raise Invalid(f"{where} must be an ISO 8601 timestamp with a time zone, not {value!r}")


def _langmap(value: Any, where: str) -> None:
    _obj(value, where)
    for key, text in value.items():
        if not LANG_RE.match(key):
            raise Invalid(f"{where} has an invalid language tag {key!r}")
        _str(text, f"{where}[{key}]")


def _extensions(value: Any, where: str) -> None:
    _obj(value, where)
    for key in value:
        _iri(key, f"{where} key")


def validate_agent(value: Any, where: str = "actor", allow_group: bool = True, identified: bool = True) -> None:
    agent = _obj(value, where)
    kind = agent.get("objectType", "Agent")
    if kind == "Group" and allow_group:
        _keys(agent, {"objectType", "name", "member", "mbox", "mbox_sha1sum", "openid", "account"}, where)
        ifis = _ifis(agent, where)
        if ifis > 1:
            raise Invalid(f"{where} has more than one inverse functional identifier")
        if "member" in agent:
            members = agent["member"]
            if not isinstance(members, list):
                raise Invalid(f"{where}.member must be an array")
            for i, m in enumerate(members):
                if _obj(m, f"{where}.member[{i}]").get("objectType", "Agent") != "Agent":
                    raise Invalid(f"{where}.member[{i}] must be an Agent")
                validate_agent(m, f"{where}.member[{i}]", allow_group=False)
        elif ifis == 0:
            raise Invalid(f"{where}: an anonymous Group needs a member list")
        if "name" in agent:
            _str(agent["name"], f"{where}.name")
        return
    if kind != "Agent":
        raise Invalid(f"{where}.objectType must be Agent{' or Group' if allow_group else ''}")
    _keys(agent, {"objectType", "name", "mbox", "mbox_sha1sum", "openid", "account"}, where)
    if _ifis(agent, where) != 1:
        raise Invalid(f"{where} must have exactly one of mbox, mbox_sha1sum, openid, account")
    if "name" in agent:
        _str(agent["name"], f"{where}.name")


def _ifis(agent: dict[str, Any], where: str) -> int:
    count = 0
    if "mbox" in agent:
        count += 1
        if not isinstance(agent["mbox"], str) or not MBOX_RE.match(agent["mbox"]) or not is_iri(agent["mbox"]):
            raise Invalid(f"{where}.mbox must be a mailto: IRI")
    if "mbox_sha1sum" in agent:
        count += 1
        if not isinstance(agent["mbox_sha1sum"], str) or not SHA1_RE.match(agent["mbox_sha1sum"]):
            raise Invalid(f"{where}.mbox_sha1sum must be a SHA1 hex string")
    if "openid" in agent:
        count += 1
        _iri(agent["openid"], f"{where}.openid")
    if "account" in agent:
        count += 1
        account = _obj(agent["account"], f"{where}.account")
        _keys(account, {"homePage", "name"}, f"{where}.account")
        _iri(account.get("homePage"), f"{where}.account.homePage")
        name = _str(account.get("name"), f"{where}.account.name")
        if _CONTROL.search(name) or len(name.encode("utf-8", "surrogatepass")) > MAX_NAME:
            raise Invalid(f"{where}.account.name must be at most {MAX_NAME} bytes without control characters")
    return count


def _verb(value: Any) -> None:
    verb = _obj(value, "verb")
    _keys(verb, {"id", "display"}, "verb")
    _iri(verb.get("id"), "verb.id")
    if "display" in verb:
        _langmap(verb["display"], "verb.display")


def _definition(value: Any, where: str) -> None:
    d = _obj(value, where)
    _keys(d, {"name", "description", "type", "moreInfo", "extensions", "interactionType", "correctResponsesPattern",
              "choices", "scale", "source", "target", "steps"}, where)
    for key in ("name", "description"):
        if key in d:
            _langmap(d[key], f"{where}.{key}")
    for key in ("type", "moreInfo"):
        if key in d:
            _iri(d[key], f"{where}.{key}")
    if "extensions" in d:
        _extensions(d["extensions"], f"{where}.extensions")
    itype = d.get("interactionType")
    components = {"choices", "scale", "source", "target", "steps"} & set(d)
    if itype is None:
        if components or "correctResponsesPattern" in d:
            raise Invalid(f"{where}: interaction properties need an interactionType")
        return
    if not isinstance(itype, str) or itype not in INTERACTION_TYPES:
        raise Invalid(f"{where}.interactionType {itype!r} is not a valid interaction type")
    keys = COMPONENT_KEYS.get(itype, ())
    allowed = {keys} if isinstance(keys, str) else set(keys)
    if components - allowed:
        raise Invalid(f"{where}: {', '.join(sorted(components - allowed))} not allowed for {itype}")
    if "correctResponsesPattern" in d:
        crp = d["correctResponsesPattern"]
        if not isinstance(crp, list) or not all(isinstance(x, str) for x in crp):
            raise Invalid(f"{where}.correctResponsesPattern must be an array of strings")
    for key in components:
        items = d[key]
        if not isinstance(items, list):
            raise Invalid(f"{where}.{key} must be an array")
        ids = set()
        for i, raw in enumerate(items):
            item = _obj(raw, f"{where}.{key}[{i}]")
            _keys(item, {"id", "description"}, f"{where}.{key}[{i}]")
            _str(item.get("id"), f"{where}.{key}[{i}].id")
            if item["id"] in ids:
                raise Invalid(f"{where}.{key} has a duplicate id {item['id']!r}")
            ids.add(item["id"])
            if "description" in item:
                _langmap(item["description"], f"{where}.{key}[{i}].description")


def _object(value: Any, sub: bool, where: str = "object") -> str:
    obj = _obj(value, where)
    kind = obj.get("objectType", "Activity")
    if kind == "Activity":
        _keys(obj, {"objectType", "id", "definition"}, where)
        _iri(obj.get("id"), f"{where}.id")
        if "definition" in obj:
            _definition(obj["definition"], f"{where}.definition")
    elif kind in ("Agent", "Group"):
        validate_agent(obj, where)
    elif kind == "StatementRef":
        _keys(obj, {"objectType", "id"}, where)
        _uuid(obj.get("id"), f"{where}.id")
    elif kind == "SubStatement":
        if sub:
            raise Invalid("a SubStatement cannot contain a SubStatement")
        _keys(obj, {"objectType", "actor", "verb", "object", "result", "context", "timestamp", "attachments"}, where)
        validate_agent(obj.get("actor"), f"{where}.actor")
        _verb(obj.get("verb"))
        inner = _object(obj.get("object"), True, f"{where}.object")
        if "result" in obj:
            _result(obj["result"])
        if "context" in obj:
            _context(obj["context"], inner)
        if "timestamp" in obj:
            _timestamp(obj["timestamp"], f"{where}.timestamp")
        if "attachments" in obj:
            _attachments(obj["attachments"])
    else:
        raise Invalid(f"{where}.objectType {kind!r} is not valid")
    return cast(str, kind)


def _result(value: Any) -> None:
    r = _obj(value, "result")
    _keys(r, {"score", "success", "completion", "response", "duration", "extensions"}, "result")
    if "score" in r:
        s = _obj(r["score"], "result.score")
        _keys(s, {"scaled", "raw", "min", "max"}, "result.score")
        for key in s:
            if isinstance(s[key], bool) or not isinstance(s[key], (int, float)):
                raise Invalid(f"result.score.{key} must be a number")
        if "scaled" in s and not -1 <= s["scaled"] <= 1:
            raise Invalid("result.score.scaled must be between -1 and 1")
        if "min" in s and "max" in s and s["min"] > s["max"]:
            raise Invalid("result.score.min must not be greater than max")
        if "raw" in s and (("min" in s and s["raw"] < s["min"]) or ("max" in s and s["raw"] > s["max"])):
            raise Invalid("result.score.raw must be between min and max")
    for key in ("success", "completion"):
        if key in r and not isinstance(r[key], bool):
            raise Invalid(f"result.{key} must be true or false")
    if "response" in r:
        _str(r["response"], "result.response")
    duration = r.get("duration")
    if "duration" in r and (not isinstance(duration, str) or not DURATION_RE.match(duration) or duration in ("P", "PT")):
        raise Invalid("result.duration must be an ISO 8601 duration")
    if "extensions" in r:
        _extensions(r["extensions"], "result.extensions")


def _context(value: Any, object_type: str) -> None:
    c = _obj(value, "context")
    _keys(c, {"registration", "instructor", "team", "contextActivities", "revision", "platform", "language",
              "statement", "extensions"}, "context")
    if "registration" in c:
        _uuid(c["registration"], "context.registration")
    if "instructor" in c:
        validate_agent(c["instructor"], "context.instructor")
    if "team" in c:
        if _obj(c["team"], "context.team").get("objectType") != "Group":
            raise Invalid("context.team must be a Group")
        validate_agent(c["team"], "context.team")
    for key in ("revision", "platform"):
        if key in c:
            _str(c[key], f"context.{key}")
            if object_type != "Activity":
                raise Invalid(f"context.{key} is only allowed when the object is an Activity")
    if "language" in c and (not isinstance(c["language"], str) or not LANG_RE.match(c["language"])):
        raise Invalid("context.language must be a language tag")
    if "statement" in c:
        ref = _obj(c["statement"], "context.statement")
        if ref.get("objectType") != "StatementRef":
            raise Invalid("context.statement must be a StatementRef")
        _keys(ref, {"objectType", "id"}, "context.statement")
        _uuid(ref.get("id"), "context.statement.id")
    if "extensions" in c:
        _extensions(c["extensions"], "context.extensions")
    if "contextActivities" in c:
        ca = _obj(c["contextActivities"], "context.contextActivities")
        _keys(ca, {"parent", "grouping", "category", "other"}, "context.contextActivities")
        for key, acts in ca.items():
            for i, act in enumerate(acts if isinstance(acts, list) else [acts]):
                if _obj(act, f"context.contextActivities.{key}").get("objectType", "Activity") != "Activity":
                    raise Invalid(f"context.contextActivities.{key} must hold Activities")
                _object(act, True, f"context.contextActivities.{key}[{i}]")


def _attachments(value: Any) -> None:
    if not isinstance(value, list):
        raise Invalid("attachments must be an array")
    for i, raw in enumerate(value):
        a = _obj(raw, f"attachments[{i}]")
        _keys(a, {"usageType", "display", "description", "contentType", "length", "sha2", "fileUrl"}, f"attachments[{i}]")
        _iri(a.get("usageType"), f"attachments[{i}].usageType")
        _langmap(a.get("display"), f"attachments[{i}].display")
        if "description" in a:
            _langmap(a["description"], f"attachments[{i}].description")
        _str(a.get("contentType"), f"attachments[{i}].contentType")
        if isinstance(a.get("length"), bool) or not isinstance(a.get("length"), int):
            raise Invalid(f"attachments[{i}].length must be an integer")
        sha2 = _str(a.get("sha2"), f"attachments[{i}].sha2")
        if not 0 < len(sha2) <= 128 or _CONTROL.search(sha2):
            raise Invalid(f"attachments[{i}].sha2 must be a SHA-2 hash")
        if "fileUrl" in a:
            _iri(a["fileUrl"], f"attachments[{i}].fileUrl")


def validate_statement(value: Any) -> dict[str, Any]:
    s = _obj(value, "statement")
    _keys(s, {"id", "actor", "verb", "object", "result", "context", "timestamp", "stored", "authority", "version",
              "attachments"}, "statement")
    if "id" in s:
        _uuid(s["id"], "id")
    validate_agent(s.get("actor"), "actor")
    _verb(s.get("verb"))
    object_type = _object(s.get("object"), False)
    if s["verb"]["id"] == VOIDED and object_type != "StatementRef":
        raise Invalid("a voiding statement's object must be a StatementRef")
    if "result" in s:
        _result(s["result"])
    if "context" in s:
        _context(s["context"], object_type)
    if "timestamp" in s:
        _timestamp(s["timestamp"], "timestamp")
    if "stored" in s:
        _timestamp(s["stored"], "stored")
    if "authority" in s:
        auth = _obj(s["authority"], "authority")
        validate_agent(auth, "authority")
        if auth.get("objectType") == "Group":
            if any(k in auth for k in ("mbox", "mbox_sha1sum", "openid", "account")):
                raise Invalid("an authority Group must be anonymous (an OAuth consumer and user)")
            if len(auth.get("member", [])) != 2:
                raise Invalid("an authority Group must have exactly two members (OAuth)")
    if "version" in s and (not isinstance(s["version"], str) or not re.match(r"^1\.0(\.\d+)?$", s["version"])):
        raise Invalid("version must be 1.0.x")
    if "attachments" in s:
        _attachments(s["attachments"])
    return s


def new_id() -> str:
    return str(uuid.uuid4())
