"""Reading xAPI statements as plain JSON dicts: ids, times, durations, scores, the course.

Nothing here talks to a network.  :mod:`toolkit.records.status` builds the
records from these accessors; :mod:`toolkit.records.progress` the facts a
first meeting needs.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

ADL = "http://adlnet.gov/expapi/verbs/"
VOIDED = ADL + "voided"
INITIALIZED = ADL + "initialized"
COMPLETED = ADL + "completed"
PASSED = ADL + "passed"
FAILED = ADL + "failed"
TERMINATED = ADL + "terminated"
EXPERIENCED = ADL + "experienced"
ANSWERED = ADL + "answered"
SATISFIED = "https://w3id.org/xapi/adl/verbs/satisfied"  # sent by a cmi5 LMS when moveOn is met
COURSE_TYPES = {"http://adlnet.gov/expapi/activities/course",
                "https://w3id.org/xapi/cmi5/activitytype/course"}

Statement = Mapping[str, Any]
AU_SUFFIX = "/au"  # toolkit's cmi5 AU id: <course IRI>/au
FAR = dt.datetime.max.replace(tzinfo=dt.UTC)


def canonical_course_id(activity_id: str) -> str:
    """The course IRI behind an activity id: a cmi5 AU id (``<course>/au``) maps to its course."""
    return activity_id[: -len(AU_SUFFIX)] if activity_id.endswith(AU_SUFFIX) else activity_id


def course_aliases(course_id: str) -> tuple[str, ...]:
    """The activity ids that stand for the course in statements: itself and its cmi5 AU."""
    return (course_id, course_id.rstrip("/") + AU_SUFFIX)


@dataclass(frozen=True)
class Learner:
    """A pseudonymous learner: an xAPI account (homePage + name)."""

    name: str
    homepage: str = ""


_DURATION = re.compile(
    r"^P(?:(?P<y>\d+(?:[.,]\d+)?)Y)?(?:(?P<mo>\d+(?:[.,]\d+)?)M)?(?:(?P<w>\d+(?:[.,]\d+)?)W)?"
    r"(?:(?P<d>\d+(?:[.,]\d+)?)D)?"
    r"(?:T(?:(?P<h>\d+(?:[.,]\d+)?)H)?(?:(?P<mi>\d+(?:[.,]\d+)?)M)?(?:(?P<s>\d+(?:[.,]\d+)?)S)?)?$")
_SECONDS = {"y": 365 * 86400, "mo": 30 * 86400, "w": 7 * 86400, "d": 86400, "h": 3600, "mi": 60, "s": 1}


def parse_duration(value: object) -> dt.timedelta | None:
    """An ISO 8601 duration (``PT1H2M3.5S``) as a timedelta; None if it is not one.

    Years and months are taken as 365 and 30 days: xAPI durations are spans of
    time spent, and content never reports them in calendar units in practice.
    """
    if not isinstance(value, str):
        return None
    m = _DURATION.match(value.strip())
    if not m or value.strip() in ("P", "PT") or value.strip().endswith("T"):
        return None
    total = 0.0
    for key, factor in _SECONDS.items():
        part = m.group(key)
        if part:
            total += float(part.replace(",", ".")) * factor
    return dt.timedelta(seconds=total)


def parse_timestamp(value: object) -> dt.datetime | None:
    """An xAPI timestamp as an aware UTC datetime; None if missing or bad.

    A timestamp without a zone is read as UTC (the spec says such values
    SHOULD not occur; we do not guess a local zone).
    """
    if not isinstance(value, str) or not value:
        return None
    text = value.strip()
    if text.endswith(("Z", "z")):
        text = text[:-1] + "+00:00"
    # Python < 3.11 parsers choke on more than 6 fractional digits; 3.11 copes,
    # but trim to be safe with LRSs that store nanoseconds.
    text = re.sub(r"(\.\d{6})\d+", r"\1", text)
    try:
        parsed = dt.datetime.fromisoformat(text)
    except ValueError:
        return None
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=dt.UTC)
    return parsed.astimezone(dt.UTC)


def learner_of(statement: Statement) -> Learner | None:
    """The account of the statement's actor; None for non-account actors.

    Actors identified by e-mail (``mbox``) are left out on purpose: records
    show pseudonymous ids only.
    """
    actor = statement.get("actor")
    if not isinstance(actor, Mapping):
        return None
    account = actor.get("account")
    if not isinstance(account, Mapping) or not isinstance(account.get("name"), str):
        return None
    return Learner(name=account["name"], homepage=str(account.get("homePage", "")))


def activity_ids(items: object) -> list[str]:
    if isinstance(items, Mapping):  # 0.95-style single object
        items = [items]
    if not isinstance(items, list):
        return []
    return [a["id"] for a in items if isinstance(a, Mapping) and isinstance(a.get("id"), str)]


def context_activities(statement: Statement) -> Mapping[str, Any]:
    ctx = statement.get("context")
    ca = ctx.get("contextActivities") if isinstance(ctx, Mapping) else None
    return ca if isinstance(ca, Mapping) else {}


def object_id(statement: Statement) -> str | None:
    obj = statement.get("object")
    if isinstance(obj, Mapping) and obj.get("objectType", "Activity") == "Activity":
        oid = obj.get("id")
        return oid if isinstance(oid, str) else None
    return None


def verb_id(statement: Statement) -> str:
    verb = statement.get("verb")
    vid = verb.get("id") if isinstance(verb, Mapping) else None
    return vid if isinstance(vid, str) else ""


def registration_of(statement: Statement) -> str | None:
    ctx = statement.get("context")
    reg = ctx.get("registration") if isinstance(ctx, Mapping) else None
    return reg.lower() if isinstance(reg, str) else None


def course_of(statement: Statement, known: Iterable[str] = ()) -> str | None:
    """Which course a statement belongs to.

    In order: an activity (object, grouping, parent) that is a known course
    IRI; a ``grouping`` activity whose definition type is a course type; the
    first ``grouping`` activity (lessons, questions and a conformant cmi5
    LMS's AU ids group under the publisher's id); a course-typed object or
    parent; the last ``parent``; the object itself.
    """
    found = _course_of(statement, set(known))
    return canonical_course_id(found) if found is not None else None


def _typed_course(items: object) -> str | None:
    for a in items if isinstance(items, list) else []:
        d = a.get("definition") if isinstance(a, Mapping) else None
        if isinstance(d, Mapping) and d.get("type") in COURSE_TYPES and isinstance(a.get("id"), str):
            return str(a["id"])
    return None


def _course_of(statement: Statement, known_set: set[str]) -> str | None:
    ca = context_activities(statement)
    grouping = activity_ids(ca.get("grouping"))
    parent = activity_ids(ca.get("parent"))
    oid = object_id(statement)
    for c in ([oid] if oid else []) + grouping + parent:
        if c in known_set or canonical_course_id(c) in known_set:
            return c
    obj = statement.get("object")
    found = _typed_course(ca.get("grouping")) or (grouping[0] if grouping else None)
    found = found or (_typed_course([obj]) if oid else None) or _typed_course(ca.get("parent"))
    return found or (parent[-1] if parent else oid)


def is_about_course(statement: Statement, course_id: str) -> bool:
    """Is the statement about the course itself (not one of its lessons or questions)?

    Yes when its object is the course or toolkit's AU (``<course>/au``), and
    also when a cmi5 LMS gave the AU or the course an id of its own (ADL's
    CATAPULT: ``…/course/<uuid>/au/0``): then the object is not under the
    course IRI, has no ``parent``, and the course (or its AU) is in
    ``grouping``.
    """
    oid = object_id(statement)
    if oid is None:
        return False
    if canonical_course_id(oid) == course_id:
        return True
    ca = context_activities(statement)
    if oid.startswith(course_id.rstrip("/") + "/") or activity_ids(ca.get("parent")):
        return False
    return any(canonical_course_id(g) == course_id for g in activity_ids(ca.get("grouping")))


def extension(statement: Statement, key: str) -> Any:
    """``context.extensions[key]``, or None."""
    ctx = statement.get("context")
    ext = ctx.get("extensions") if isinstance(ctx, Mapping) else None
    return ext.get(key) if isinstance(ext, Mapping) else None


def result_success(statement: Statement) -> bool | None:
    result = statement.get("result")
    success = result.get("success") if isinstance(result, Mapping) else None
    return success if isinstance(success, bool) else None


def display_name(activity: object) -> str | None:
    """An activity's ``definition.name`` in Danish if there is one, else English, else any."""
    definition = activity.get("definition") if isinstance(activity, Mapping) else None
    name = definition.get("name") if isinstance(definition, Mapping) else None
    if not isinstance(name, Mapping) or not name:
        return None
    for lang in ("da", "da-DK", "en", "en-US"):
        if isinstance(name.get(lang), str):
            return str(name[lang])
    first = next(iter(name.values()))
    return first if isinstance(first, str) else None


def course_title_in(statement: Statement, course_id: str) -> str | None:
    """The course's display name, if the statement carries its definition."""
    activities: list[Any] = [statement.get("object")]
    ca = context_activities(statement)
    for key in ("grouping", "parent"):
        group = ca.get(key)
        activities.extend(group if isinstance(group, list) else [])
    for a in activities:
        if isinstance(a, Mapping) and isinstance(a.get("id"), str) and canonical_course_id(a["id"]) == course_id:
            name = display_name(a)
            if name:
                return name
    return None


def scaled_score(statement: Statement) -> float | None:
    result = statement.get("result")
    score = result.get("score") if isinstance(result, Mapping) else None
    if not isinstance(score, Mapping):
        return None
    scaled = score.get("scaled")
    if isinstance(scaled, (int, float)) and not isinstance(scaled, bool):
        return float(scaled)
    numbers = [score.get("raw"), score.get("max"), score.get("min", 0)]
    if not all(isinstance(v, (int, float)) and not isinstance(v, bool) for v in numbers):
        return None
    raw, top, low = (float(v) for v in numbers)
    return (raw - low) / (top - low) if top > low else None


def remove_voided(statements: Iterable[Statement]) -> list[Statement]:
    """Drop voiding statements and the statements they void."""
    items = list(statements)
    voided: set[str] = set()
    for s in items:
        if verb_id(s) == VOIDED:
            obj = s.get("object")
            if isinstance(obj, Mapping) and obj.get("objectType") == "StatementRef" and isinstance(obj.get("id"), str):
                voided.add(obj["id"].lower())
    return [s for s in items
            if verb_id(s) != VOIDED and str(s.get("id", "")).lower() not in voided]


def sort_key(s: Statement) -> tuple[dt.datetime, dt.datetime]:
    return (parse_timestamp(s.get("timestamp")) or parse_timestamp(s.get("stored")) or FAR,
            parse_timestamp(s.get("stored")) or FAR)
