"""Statement processing: indexing keys, storing batches, formats and comparison."""

from __future__ import annotations

import contextlib
import copy
import datetime as dt
import json
from typing import Any, cast

from toolkit.lrs.validation import VOIDED, Invalid

SIGNATURE = "http://adlnet.gov/expapi/attachments/signature"


def now_stored() -> str:
    return dt.datetime.now(dt.UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def normalise_time(value: str) -> str:
    """A client timestamp as a UTC string comparable with stored times."""
    text = value.replace("Z", "+00:00")
    try:
        parsed = dt.datetime.fromisoformat(text)
        if parsed.tzinfo is None:
            parsed = parsed.replace(tzinfo=dt.UTC)
        return parsed.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")
    except (ValueError, OverflowError):
        raise Invalid(f"not an ISO 8601 timestamp in range: {value[:64]!r}") from None


def agent_key(agent: dict[str, Any] | None) -> str | None:
    """The inverse functional identifier of an Agent or identified Group."""
    if not isinstance(agent, dict):
        return None
    if "mbox" in agent:
        return f"mbox:{agent['mbox'].lower()}"
    if "mbox_sha1sum" in agent:
        return f"sha1:{agent['mbox_sha1sum'].lower()}"
    if "openid" in agent:
        return f"openid:{agent['openid']}"
    if "account" in agent and isinstance(agent["account"], dict):
        return f"account:{agent['account'].get('homePage')}|{agent['account'].get('name')}"
    return None


def _agents_of(agent: Any) -> list[str]:
    keys = []
    if isinstance(agent, dict):
        if (k := agent_key(agent)) is not None:
            keys.append(k)
        for member in agent.get("member", []) if agent.get("objectType") == "Group" else []:
            if (k := agent_key(member)) is not None:
                keys.append(k)
    return keys


def index_keys(s: dict[str, Any]) -> tuple[list[tuple[str, int]], list[tuple[str, int]], dict[str, dict[str, Any]]]:
    """(agents, activities, definitions): related=0 for actor/object, 1 for the rest."""
    agents: list[tuple[str, int]] = [(k, 0) for k in _agents_of(s.get("actor"))]
    activities: list[tuple[str, int]] = []
    definitions: dict[str, dict[str, Any]] = {}

    def walk(stmt: dict[str, Any], related: int) -> None:
        obj = stmt.get("object") or {}
        kind = obj.get("objectType", "Activity")
        if kind == "Activity":
            activities.append((obj["id"], related))
            if "definition" in obj:
                definitions[obj["id"]] = obj["definition"]
        elif kind in ("Agent", "Group"):
            agents.extend((k, related) for k in _agents_of(obj))
        elif kind == "SubStatement":
            agents.extend((k, 1) for k in _agents_of(obj.get("actor")))
            walk(obj, 1)
        ctx = stmt.get("context") or {}
        for key in ("instructor", "team"):
            agents.extend((k, 1) for k in _agents_of(ctx.get(key)))
        for acts in (ctx.get("contextActivities") or {}).values():
            for act in acts if isinstance(acts, list) else [acts]:
                activities.append((act["id"], 1))

    walk(s, 0)
    agents.extend((k, 1) for k in _agents_of(s.get("authority")))
    return sorted(set(agents)), sorted(set(activities)), definitions


def normalise(s: dict[str, Any]) -> dict[str, Any]:
    """contextActivities as arrays; version defaulted."""
    ctx = s.get("context")
    if isinstance(ctx, dict) and isinstance(ctx.get("contextActivities"), dict):
        for key, value in ctx["contextActivities"].items():
            if isinstance(value, dict):
                ctx["contextActivities"][key] = [value]
    obj = s.get("object")
    if isinstance(obj, dict) and obj.get("objectType") == "SubStatement":
        normalise(obj)
    if isinstance(obj, dict) and "objectType" not in obj:
        obj["objectType"] = "Activity"
    s.setdefault("version", "1.0.0")
    return s


def comparable(s: dict[str, Any]) -> str:
    """The parts of a statement that decide whether a re-sent one is the same."""
    body = {k: v for k, v in s.items() if k not in ("stored", "authority", "version")}
    if "timestamp" in body:
        with contextlib.suppress(Invalid):
            body["timestamp"] = normalise_time(body["timestamp"])
    return json.dumps(normalise(copy.deepcopy(body)), sort_keys=True)


def is_voiding(s: dict[str, Any]) -> bool:
    return bool(s.get("verb", {}).get("id") == VOIDED)


def ids_format(s: dict[str, Any]) -> dict[str, Any]:
    out = copy.deepcopy(s)

    def agent(a: Any) -> Any:
        if not isinstance(a, dict):
            return a
        slim = {k: a[k] for k in ("objectType", "mbox", "mbox_sha1sum", "openid", "account") if k in a}
        if a.get("objectType") == "Group" and "member" in a and agent_key(a) is None:
            slim["member"] = [agent(m) for m in a["member"]]
        return slim

    def walk(stmt: dict[str, Any]) -> None:
        stmt["actor"] = agent(stmt.get("actor"))
        obj = stmt.get("object") or {}
        if obj.get("objectType", "Activity") == "Activity":
            stmt["object"] = {"id": obj["id"]}
        elif obj.get("objectType") in ("Agent", "Group"):
            stmt["object"] = agent(obj)
        elif obj.get("objectType") == "SubStatement":
            walk(obj)
        ctx = stmt.get("context") or {}
        for key in ("instructor", "team"):
            if key in ctx:
                ctx[key] = agent(ctx[key])
        for key, acts in (ctx.get("contextActivities") or {}).items():
            ctx["contextActivities"][key] = [{"id": a["id"]} for a in acts]

    walk(out)
    if "authority" in out:
        out["authority"] = agent(out["authority"])
    return out


def canonical_format(s: dict[str, Any], languages: list[str]) -> dict[str, Any]:
    out = copy.deepcopy(s)

    def pick(m: dict[str, str]) -> dict[str, str]:
        for lang in languages:
            for key, text in m.items():
                if key.lower() == lang.lower():
                    return {key: text}
            for key, text in m.items():
                if key.lower().split("-")[0] == lang.lower().split("-")[0]:
                    return {key: text}
        first = next(iter(m), None)
        return {first: m[first]} if first is not None else {}

    def walk(value: Any, parent: str = "") -> Any:
        if isinstance(value, dict):
            if value.get("objectType") == "Group" and agent_key(value) is not None:
                value.pop("member", None)
            for key, item in list(value.items()):
                if key in ("display", "name", "description") and isinstance(item, dict) and \
                        all(isinstance(v, str) for v in item.values()) and parent != "account":
                    value[key] = pick(item)
                else:
                    walk(item, key)
        elif isinstance(value, list):
            for item in value:
                walk(item, parent)
        return value

    return cast(dict[str, Any], walk(out))


def accept_languages(header: str | None) -> list[str]:
    if not header:
        return []
    langs = []
    for part in header.split(","):
        lang, _, q = part.strip().partition(";q=")
        try:
            weight = float(q) if q else 1.0
        except ValueError:
            weight = 0.0
        if lang and lang != "*":
            langs.append((weight, lang))
    return [lang for _, lang in sorted(langs, key=lambda x: -x[0])]
