"""Pure completion-status computation from xAPI statements.

Nothing here talks to a network: the functions take statements as plain JSON
dicts (as an LRS returns them) and give back :class:`CourseRecord` values.
The rules, and why:

* Voided statements never count.  A conformant LRS leaves them out of query
  results already, but a voiding statement (verb ``voided``) that shows up in
  the results still removes its target, defensively.
* Each ``context.registration`` is one attempt.  Statements without a
  registration form one attempt of their own.
* Completion and success are two facts, never one word.  An attempt is
  completed when a ``completed`` about the course came (or the LMS sent
  ``satisfied`` about it: its moveOn rule was met); it is passed when a
  ``passed`` came and failed when only a ``failed`` came (a ``passed`` after
  a ``failed`` is a pass; a later ``failed`` does not undo a pass).  A
  ``completed`` about a lesson does not complete the course.
* The best attempt decides what is shown, ranked on both facts: passed, then
  completed, then with a result (failed) over without, then the higher
  score, then the earlier result.
* Statements about the course are those whose object is the course IRI or
  toolkit's cmi5 AU (``<course>/au``), and those whose object is an id a cmi5
  LMS gave the AU or the course, with the course in ``grouping``
  (:func:`toolkit.records.xapi.is_about_course`).
* Time spent in an attempt is the sum of ``result.duration`` of its
  ``terminated`` statements about the course; when it has none, the time from
  its first to its last statement.  The record shows the sum over attempts.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from enum import StrEnum

from toolkit.records.progress import Progress, progress_of
from toolkit.records.xapi import (
    COMPLETED,
    FAILED,
    FAR,
    PASSED,
    SATISFIED,
    TERMINATED,
    Learner,
    Statement,
    canonical_course_id,
    course_aliases,
    course_of,
    course_title_in,
    is_about_course,
    learner_of,
    parse_duration,
    parse_timestamp,
    registration_of,
    remove_voided,
    scaled_score,
    sort_key,
    verb_id,
)

__all__ = ["Attempt", "Completion", "CourseRecord", "Learner", "Status", "Success", "canonical_course_id",
           "course_aliases", "course_of", "parse_duration", "parse_timestamp", "record_from",
           "records_for_course", "records_for_learner", "remove_voided", "status_label"]


class Completion(StrEnum):
    NOT_STARTED = "not_started"
    IN_PROGRESS = "in_progress"
    COMPLETED = "completed"


class Success(StrEnum):
    UNKNOWN = "unknown"
    FAILED = "failed"
    PASSED = "passed"


class Status(StrEnum):
    """One word for sorting and JSON: passed/failed when a result is known, else how far the learner got.

    What a caseworker reads is :func:`status_label`, which always gives both facts.
    """

    NOT_STARTED = "not_started"
    IN_PROGRESS = "in_progress"
    FAILED = "failed"
    COMPLETED = "completed"
    PASSED = "passed"


COMPLETION_LABELS = {Completion.NOT_STARTED: "Ikke startet", Completion.IN_PROGRESS: "I gang",
                     Completion.COMPLETED: "Gennemført"}
SUCCESS_LABELS = {Success.UNKNOWN: "", Success.FAILED: "ikke bestået", Success.PASSED: "bestået"}


def percent_label(scaled: float | None) -> str:
    return f"{round(scaled * 100)} %" if scaled is not None else ""


def status_label(completion: Completion, success: Success, score: float | None) -> str:
    """``Gennemført · ikke bestået (0 %)``, ``I gang``, ``Gennemført · bestået (90 %)``."""
    parts = [COMPLETION_LABELS[completion]]
    if success is not Success.UNKNOWN:
        parts.append(SUCCESS_LABELS[success] + (f" ({percent_label(score)})" if score is not None else ""))
    return " · ".join(parts)


def summary_status(completion: Completion, success: Success) -> Status:
    if success is Success.PASSED:
        return Status.PASSED
    if success is Success.FAILED:
        return Status.FAILED
    return Status(completion.value)


@dataclass
class Attempt:
    """One registration of one learner in one course."""

    registration: str | None
    completion: Completion = Completion.IN_PROGRESS
    success: Success = Success.UNKNOWN
    satisfied: bool = False  # a cmi5 LMS said the course's moveOn rule was met
    started: dt.datetime | None = None
    last_activity: dt.datetime | None = None
    result_at: dt.datetime | None = None  # when the deciding completed/passed/failed came
    score: float | None = None  # scaled, 0..1
    time_spent: dt.timedelta = dt.timedelta(0)

    @property
    def status(self) -> Status:
        return summary_status(self.completion, self.success)

    def rank(self) -> tuple[bool, bool, bool, float]:
        return (self.success is Success.PASSED, self.completion is Completion.COMPLETED,
                self.success is not Success.UNKNOWN, self.score if self.score is not None else -1.0)


@dataclass
class CourseRecord:
    """What a caseworker sees for one learner in one course."""

    learner: Learner
    course_id: str
    course_title: str | None = None
    completion: Completion = Completion.NOT_STARTED
    success: Success = Success.UNKNOWN
    satisfied: bool = False
    result_at: dt.datetime | None = None
    score: float | None = None
    time_spent: dt.timedelta = dt.timedelta(0)
    attempts: list[Attempt] = field(default_factory=list)
    last_activity: dt.datetime | None = None
    progress: Progress = field(default_factory=Progress)

    @property
    def attempt_count(self) -> int:
        return len(self.attempts)

    @property
    def status(self) -> Status:
        return summary_status(self.completion, self.success)

    @property
    def label(self) -> str:
        return status_label(self.completion, self.success, self.score)




# ---------------------------------------------------------------- computing

def attempt_from(registration: str | None, course_id: str, statements: list[Statement]) -> Attempt:
    """The status of one attempt; *statements* must already be sorted by time."""
    attempt = Attempt(registration=registration)
    durations: list[dt.timedelta] = []
    times = [t for s in statements if (t := sort_key(s)[0]) != FAR]
    if times:
        attempt.started, attempt.last_activity = min(times), max(times)
    completed_at = None
    for s in statements:
        if not is_about_course(s, course_id):
            continue
        verb = verb_id(s)
        when = sort_key(s)[0]
        if verb in (COMPLETED, SATISFIED) and attempt.completion is not Completion.COMPLETED:
            attempt.completion = Completion.COMPLETED
            completed_at = when
        attempt.satisfied = attempt.satisfied or verb == SATISFIED
        if verb == PASSED and attempt.success is not Success.PASSED:
            attempt.success, attempt.result_at, attempt.score = Success.PASSED, when, scaled_score(s)
        elif verb == FAILED and attempt.success is Success.UNKNOWN:
            attempt.success, attempt.result_at, attempt.score = Success.FAILED, when, scaled_score(s)
        elif verb == TERMINATED:
            result = s.get("result")
            d = parse_duration(result.get("duration") if isinstance(result, Mapping) else None)
            if d is not None:
                durations.append(d)
    if attempt.result_at is None:
        attempt.result_at = completed_at
    if attempt.score is None:
        scores = [sc for s in statements if is_about_course(s, course_id) and (sc := scaled_score(s)) is not None]
        attempt.score = max(scores) if scores else None
    if durations:
        attempt.time_spent = sum(durations, dt.timedelta(0))
    elif attempt.started and attempt.last_activity:
        attempt.time_spent = attempt.last_activity - attempt.started
    return attempt


def _better(a: Attempt, b: Attempt) -> bool:
    """Is *a* a better attempt than *b*?"""
    if a.rank() != b.rank():
        return a.rank() > b.rank()
    return (a.result_at or a.started or FAR) < (b.result_at or b.started or FAR)


def record_from(learner: Learner, course_id: str, statements: Iterable[Statement],
                title: str | None = None) -> CourseRecord:
    """One learner's record in one course from that learner's statements about it."""
    items = sorted(remove_voided(statements), key=sort_key)
    record = CourseRecord(learner=learner, course_id=course_id, course_title=title)
    by_reg: dict[str | None, list[Statement]] = {}
    for s in items:
        by_reg.setdefault(registration_of(s), []).append(s)
        if record.course_title is None:
            record.course_title = course_title_in(s, course_id)
    attempts = [attempt_from(reg, course_id, group) for reg, group in by_reg.items()]
    attempts.sort(key=lambda a: a.started or FAR)
    record.attempts = attempts
    if not attempts:
        return record
    best = attempts[0]
    for a in attempts[1:]:
        if _better(a, best):
            best = a
    record.completion, record.success, record.satisfied = best.completion, best.success, best.satisfied
    record.result_at = best.result_at
    record.score = best.score
    record.time_spent = sum((a.time_spent for a in attempts), dt.timedelta(0))
    record.last_activity = max((a.last_activity for a in attempts if a.last_activity), default=None)
    record.progress = progress_of(course_id, items)
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
    a row even without statements: "Ikke startet".
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
