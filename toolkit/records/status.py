"""Pure completion-status computation from xAPI statements.

Nothing here talks to a network: the functions take statements as plain JSON
dicts (as an LRS returns them) and give back :class:`CourseRecord` values.
The rules, and why:

* Voided statements never count.  A conformant LRS leaves them out of query
  results already, but a voiding statement (verb ``voided``) that shows up in
  the results still removes its target, defensively.
* Each ``context.registration`` is one attempt.  Statements without a
  registration form one attempt of their own.
* Within an attempt, ``passed`` wins over ``completed`` wins over ``failed``:
  a later ``failed`` does not undo an earlier ``completed``/``passed`` (and a
  ``passed`` after a ``failed`` is a pass).  An attempt with statements but no
  ``completed``/``passed``/``failed`` *about the course itself* is in progress.
  A ``completed`` about a lesson does not complete the course.
* The best attempt decides the reported status: passed > completed > failed >
  in progress.  Ties go to the higher score, then to the earlier result.
* A cmi5 package sends its statements about the AU, whose id is the course
  IRI + ``/au`` (``toolkit.packaging.cmi5.au_id``); such ids count as the
  course itself (:func:`canonical_course_id`).
* Time spent in an attempt is the sum of ``result.duration`` of its
  ``terminated`` statements about the course; when it has none, the time from
  its first to its last statement.  The record shows the sum over attempts.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from enum import Enum
from typing import Any

ADL = "http://adlnet.gov/expapi/verbs/"
VOIDED = ADL + "voided"
INITIALIZED = ADL + "initialized"
COMPLETED = ADL + "completed"
PASSED = ADL + "passed"
FAILED = ADL + "failed"
TERMINATED = ADL + "terminated"
COURSE_TYPES = {"http://adlnet.gov/expapi/activities/course",
                "https://w3id.org/xapi/cmi5/activitytype/course"}

Statement = Mapping[str, Any]
AU_SUFFIX = "/au"  # toolkit's cmi5 AU id: <course IRI>/au


def canonical_course_id(activity_id: str) -> str:
    """The course IRI behind an activity id: a cmi5 AU id (``<course>/au``) maps to its course."""
    return activity_id[: -len(AU_SUFFIX)] if activity_id.endswith(AU_SUFFIX) else activity_id


def course_aliases(course_id: str) -> tuple[str, ...]:
    """The activity ids that stand for the course in statements: itself and its cmi5 AU."""
    return (course_id, course_id.rstrip("/") + AU_SUFFIX)


class Status(str, Enum):
    """A learner's status in one course, ranked by :attr:`rank`."""

    NOT_STARTED = "not_started"
    IN_PROGRESS = "in_progress"
    FAILED = "failed"
    COMPLETED = "completed"
    PASSED = "passed"

    @property
    def rank(self) -> int:
        return _RANK[self]

    @property
    def label(self) -> str:
        """The Danish label shown to caseworkers."""
        return LABELS[self]


_RANK = {Status.NOT_STARTED: 0, Status.IN_PROGRESS: 1, Status.FAILED: 2,
         Status.COMPLETED: 3, Status.PASSED: 4}
LABELS = {Status.NOT_STARTED: "ikke startet", Status.IN_PROGRESS: "i gang",
          Status.COMPLETED: "gennemført", Status.PASSED: "bestået", Status.FAILED: "ikke bestået"}
_OUTCOME = {PASSED: Status.PASSED, COMPLETED: Status.COMPLETED, FAILED: Status.FAILED}


@dataclass(frozen=True)
class Learner:
    """A pseudonymous learner: an xAPI account (homePage + name)."""

    name: str
    homepage: str = ""


@dataclass
class Attempt:
    """One registration of one learner in one course."""

    registration: str | None
    status: Status = Status.IN_PROGRESS
    started: dt.datetime | None = None
    last_activity: dt.datetime | None = None
    result_at: dt.datetime | None = None  # when the deciding completed/passed/failed came
    score: float | None = None  # scaled, 0..1
    time_spent: dt.timedelta = dt.timedelta(0)


@dataclass
class CourseRecord:
    """What a caseworker sees for one learner in one course."""

    learner: Learner
    course_id: str
    course_title: str | None = None
    status: Status = Status.NOT_STARTED
    result_at: dt.datetime | None = None
    score: float | None = None
    time_spent: dt.timedelta = dt.timedelta(0)
    attempts: list[Attempt] = field(default_factory=list)
    last_activity: dt.datetime | None = None

    @property
    def attempt_count(self) -> int:
        return len(self.attempts)


# ---------------------------------------------------------------- parsing

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
        parsed = parsed.replace(tzinfo=dt.timezone.utc)
    return parsed.astimezone(dt.timezone.utc)


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


def _activity_ids(items: object) -> list[str]:
    if isinstance(items, Mapping):  # 0.95-style single object
        items = [items]
    if not isinstance(items, list):
        return []
    return [a["id"] for a in items if isinstance(a, Mapping) and isinstance(a.get("id"), str)]


def _context_activities(statement: Statement) -> Mapping[str, Any]:
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
    IRI; one whose definition type is a course type; the first ``grouping``
    activity (lessons and questions group under their course); the last
    ``parent``; the object itself.
    """
    found = _course_of(statement, set(known))
    return canonical_course_id(found) if found is not None else None


def _course_of(statement: Statement, known_set: set[str]) -> str | None:
    ca = _context_activities(statement)
    grouping = _activity_ids(ca.get("grouping"))
    parent = _activity_ids(ca.get("parent"))
    oid = object_id(statement)
    candidates = ([oid] if oid else []) + grouping + parent
    for c in candidates:
        if c in known_set or canonical_course_id(c) in known_set:
            return c
    obj = statement.get("object")
    definition = obj.get("definition") if isinstance(obj, Mapping) else None
    if oid and isinstance(definition, Mapping) and definition.get("type") in COURSE_TYPES:
        return oid
    for group in (ca.get("grouping"), ca.get("parent")):
        for a in group if isinstance(group, list) else []:
            d = a.get("definition") if isinstance(a, Mapping) else None
            if isinstance(d, Mapping) and d.get("type") in COURSE_TYPES and isinstance(a.get("id"), str):
                return str(a["id"])
    if grouping:
        return grouping[0]
    if parent:
        return parent[-1]
    return oid


def course_title_in(statement: Statement, course_id: str) -> str | None:
    """The course's display name, if the statement carries its definition."""
    activities: list[Any] = [statement.get("object")]
    ca = _context_activities(statement)
    for key in ("grouping", "parent"):
        group = ca.get(key)
        activities.extend(group if isinstance(group, list) else [])
    for a in activities:
        if isinstance(a, Mapping) and isinstance(a.get("id"), str) and canonical_course_id(a["id"]) == course_id:
            name = (a.get("definition") or {}).get("name") if isinstance(a.get("definition"), Mapping) else None
            if isinstance(name, Mapping) and name:
                for lang in ("da", "da-DK", "en", "en-US"):
                    if isinstance(name.get(lang), str):
                        return str(name[lang])
                first = next(iter(name.values()))
                return first if isinstance(first, str) else None
    return None


def _scaled_score(statement: Statement) -> float | None:
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


def _sort_key(s: Statement) -> tuple[dt.datetime, dt.datetime]:
    far = dt.datetime.max.replace(tzinfo=dt.timezone.utc)
    return (parse_timestamp(s.get("timestamp")) or parse_timestamp(s.get("stored")) or far,
            parse_timestamp(s.get("stored")) or far)


# ---------------------------------------------------------------- computing

def attempt_from(registration: str | None, course_id: str, statements: list[Statement]) -> Attempt:
    """The status of one attempt; *statements* must already be sorted by time."""
    attempt = Attempt(registration=registration)
    durations: list[dt.timedelta] = []
    times = [t for s in statements if (t := _sort_key(s)[0]) != dt.datetime.max.replace(tzinfo=dt.timezone.utc)]
    if times:
        attempt.started, attempt.last_activity = min(times), max(times)
    def about_course(s: Statement) -> bool:
        oid = object_id(s)
        return oid is not None and canonical_course_id(oid) == course_id

    for s in statements:
        if not about_course(s):
            continue
        verb = verb_id(s)
        when = _sort_key(s)[0]
        outcome = _OUTCOME.get(verb)
        if outcome is not None and outcome.rank > attempt.status.rank:
            attempt.status = outcome
            attempt.result_at = when
            attempt.score = _scaled_score(s)
        elif outcome is not None and outcome == attempt.status and attempt.score is None:
            attempt.score = _scaled_score(s)
        if verb == TERMINATED:
            d = parse_duration((s.get("result") or {}).get("duration") if isinstance(s.get("result"), Mapping) else None)
            if d is not None:
                durations.append(d)
    if attempt.score is None:
        scores = [sc for s in statements if about_course(s) and (sc := _scaled_score(s)) is not None]
        attempt.score = max(scores) if scores else None
    if durations:
        attempt.time_spent = sum(durations, dt.timedelta(0))
    elif attempt.started and attempt.last_activity:
        attempt.time_spent = attempt.last_activity - attempt.started
    return attempt


def _better(a: Attempt, b: Attempt) -> bool:
    """Is *a* a better attempt than *b*?"""
    if a.status.rank != b.status.rank:
        return a.status.rank > b.status.rank
    sa, sb = a.score if a.score is not None else -1.0, b.score if b.score is not None else -1.0
    if sa != sb:
        return sa > sb
    far = dt.datetime.max.replace(tzinfo=dt.timezone.utc)
    return (a.result_at or a.started or far) < (b.result_at or b.started or far)


def record_from(learner: Learner, course_id: str, statements: Iterable[Statement],
                title: str | None = None) -> CourseRecord:
    """One learner's record in one course from that learner's statements about it."""
    items = sorted(remove_voided(statements), key=_sort_key)
    record = CourseRecord(learner=learner, course_id=course_id, course_title=title)
    by_reg: dict[str | None, list[Statement]] = {}
    for s in items:
        by_reg.setdefault(registration_of(s), []).append(s)
        if record.course_title is None:
            record.course_title = course_title_in(s, course_id)
    attempts = [attempt_from(reg, course_id, group) for reg, group in by_reg.items()]
    attempts.sort(key=lambda a: a.started or dt.datetime.max.replace(tzinfo=dt.timezone.utc))
    record.attempts = attempts
    if not attempts:
        return record
    best = attempts[0]
    for a in attempts[1:]:
        if _better(a, best):
            best = a
    record.status = best.status
    record.result_at = best.result_at
    record.score = best.score
    record.time_spent = sum((a.time_spent for a in attempts), dt.timedelta(0))
    record.last_activity = max((a.last_activity for a in attempts if a.last_activity), default=None)
    return record


def records_for_learner(learner: Learner, statements: Iterable[Statement],
                        known_courses: Mapping[str, str] | None = None) -> list[CourseRecord]:
    """Every course the learner has statements about (*known_courses*: IRI → title)."""
    known = dict(known_courses or {})
    live = remove_voided(statements)
    by_course: dict[str, list[Statement]] = {}
    for s in live:
        course = course_of(s, known)
        if course is not None:
            by_course.setdefault(course, []).append(s)
    records = [record_from(learner, cid, group, known.get(cid)) for cid, group in by_course.items()]
    return sorted(records, key=lambda r: ((r.course_title or r.course_id).lower(), r.course_id))


def records_for_course(course_id: str, statements: Iterable[Statement], title: str | None = None,
                       learners: Iterable[Learner] = ()) -> list[CourseRecord]:
    """Every learner's record in one course.

    *statements* are those related to the course (``activity`` +
    ``related_activities``).  Each learner in *learners* (a team's list) gets
    a row even without statements: "ikke startet".
    """
    live = remove_voided(statements)
    by_learner: dict[Learner, list[Statement]] = {}
    for s in live:
        who = learner_of(s)
        if who is not None:
            by_learner.setdefault(who, []).append(s)
    wanted = list(learners)
    records = {who: record_from(who, course_id, group, title) for who, group in by_learner.items()}
    for who in wanted:
        match = [r for key, r in records.items() if key.name == who.name and (not who.homepage or key.homepage == who.homepage)]
        if not match:
            records[who] = CourseRecord(learner=who, course_id=course_id, course_title=title)
    out = list(records.values())
    if wanted:
        names = {w.name for w in wanted}
        out = [r for r in out if r.learner.name in names]
    if title is None:
        found = next((r.course_title for r in out if r.course_title), None)
        for r in out:
            r.course_title = r.course_title or found
    return sorted(out, key=lambda r: (r.learner.name, r.learner.homepage))
