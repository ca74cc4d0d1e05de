"""Builders for xAPI statement fixtures used by the records tests."""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Any

ADL = "http://adlnet.gov/expapi/verbs/"
HOME = "https://lms.example.dk"
COURSE = "https://kurser.example.dk/cv-paa-jobnet"
COURSE_TITLE = "Dit CV på Jobnet"
OTHER = "https://kurser.example.dk/rettigheder"
BASE = dt.datetime(2026, 3, 2, 8, 0, tzinfo=dt.UTC)


def actor(name: str, homepage: str = HOME) -> dict[str, Any]:
    return {"objectType": "Agent", "account": {"homePage": homepage, "name": name}}


def stmt(learner: str, verb: str, *, minutes: float = 0, course: str = COURSE, obj: str | None = None,
         registration: str | None = None, scaled: float | None = None, duration: str | None = None,
         success: bool | None = None, homepage: str = HOME, title: str | None = None,
         sid: str | None = None) -> dict[str, Any]:
    """A statement by *learner* with an ADL *verb*, *minutes* after BASE.

    The object is the course unless *obj* names a lesson/question, which then
    gets the course as parent and grouping, as the runtime sends them.
    """
    when = (BASE + dt.timedelta(minutes=minutes)).isoformat().replace("+00:00", "Z")
    target = obj or course
    s: dict[str, Any] = {
        "id": sid or str(uuid.uuid4()),
        "actor": actor(learner, homepage),
        "verb": {"id": ADL + verb, "display": {"en-US": verb}},
        "object": {"objectType": "Activity", "id": target},
        "timestamp": when,
    }
    if target == course:
        s["object"]["definition"] = {"type": "http://adlnet.gov/expapi/activities/course",
                                     "name": {"da": title or COURSE_TITLE}}
    ctx: dict[str, Any] = {}
    if registration:
        ctx["registration"] = registration
    if obj:
        ctx["contextActivities"] = {"parent": [{"id": course}], "grouping": [{"id": course}]}
    if ctx:
        s["context"] = ctx
    result: dict[str, Any] = {}
    if scaled is not None:
        result["score"] = {"scaled": scaled}
    if duration is not None:
        result["duration"] = duration
    if success is not None:
        result["success"] = success
    if verb in ("completed", "passed"):
        result.setdefault("completion", True)
    if result:
        s["result"] = result
    return s


def voiding(target_id: str, minutes: float = 0, learner: str = "admin") -> dict[str, Any]:
    when = (BASE + dt.timedelta(minutes=minutes)).isoformat().replace("+00:00", "Z")
    return {"id": str(uuid.uuid4()), "actor": actor(learner), "verb": {"id": ADL + "voided"},
            "object": {"objectType": "StatementRef", "id": target_id}, "timestamp": when}


def reg() -> str:
    return str(uuid.uuid4())
