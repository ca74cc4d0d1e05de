"""Builders for xAPI statement fixtures used by the records tests."""

from __future__ import annotations

import datetime as dt
import uuid
from dataclasses import dataclass
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


CMI5_CATEGORY = "https://w3id.org/xapi/cmi5/context/categories/cmi5"
SESSION = "https://w3id.org/xapi/cmi5/context/extensions/sessionid"
SATISFIED = "https://w3id.org/xapi/adl/verbs/satisfied"


@dataclass(frozen=True)
class Launch:
    """Where the runtime's statements go and which ids it uses.

    ``au`` is the activity id the LMS launched with (ADL's CATAPULT gives the
    AU an id of its own, ``…/course/<uuid>/au/0``); ``grouping`` is what the
    LMS's contextTemplate puts in ``contextActivities.grouping`` (the
    publisher's AU id from cmi5.xml, ``<course>/au``).
    """

    course: str = COURSE
    registration: str = ""
    au: str | None = None
    grouping: str | None = None
    path: str | None = None
    homepage: str = HOME
    session: str = ""

    @property
    def course_object(self) -> str:
        return self.au or self.course


def catapult_launch(course: str, registration: str, path: str | None = None, homepage: str = HOME) -> Launch:
    """The ids ADL's CATAPULT player uses for a course imported from our cmi5 package."""
    lms_course = f"https://w3id.org/xapi/cmi5/catapult/player/course/{uuid.uuid4()}"
    return Launch(course=course, registration=registration, au=lms_course + "/au/0", grouping=course + "/au",
                  path=path, homepage=homepage, session=str(uuid.uuid4()))


def runtime(learner: str, verb: str, launch: Launch, *, minutes: float = 0, lesson: str | None = None,
            question: str | None = None, success: bool | None = None, scaled: float | None = None,
            duration: str | None = None, title: str | None = None) -> dict[str, Any]:
    """A statement shaped as toolkit.js sends it (``Tracker.emit``)."""
    base = launch.course.rstrip("/")
    if lesson is not None:
        obj: dict[str, Any] = {"objectType": "Activity", "id": f"{base}/lessons/{lesson}", "definition": {
            "name": {"da": title or lesson}, "type": "http://adlnet.gov/expapi/activities/lesson"}}
    elif question is not None:
        obj = {"objectType": "Activity", "id": f"{base}/questions/{question}", "definition": {
            "name": {"da": title or question}, "type": "http://adlnet.gov/expapi/activities/cmi.interaction",
            "interactionType": "choice"}}
    else:
        obj = {"objectType": "Activity", "id": launch.course_object, "definition": {
            "name": {"da": title or COURSE_TITLE}, "type": "http://adlnet.gov/expapi/activities/course"}}
    ctx: dict[str, Any] = {"registration": launch.registration, "contextActivities": {}}
    if launch.grouping:
        ctx["contextActivities"]["grouping"] = [{"id": launch.grouping}]
        ctx["extensions"] = {SESSION: launch.session}
    if obj["id"] != launch.course_object:
        ctx["contextActivities"]["parent"] = [{"objectType": "Activity", "id": launch.course_object}]
    elif launch.grouping:
        ctx["contextActivities"]["category"] = [{"id": CMI5_CATEGORY}]
    if launch.path:
        ctx.setdefault("extensions", {})[f"{base}/extensions/path"] = launch.path
    result: dict[str, Any] = {}
    if question is not None:
        result = {"response": "a", "success": bool(success)}
    elif verb == "completed":
        result = {"completion": True}
    elif verb in ("passed", "failed"):
        result = {"success": verb == "passed", "score": {"scaled": scaled if scaled is not None else 0.0}}
    if duration:
        result["duration"] = duration
    s: dict[str, Any] = {"id": str(uuid.uuid4()), "actor": actor(learner, launch.homepage),
                         "verb": {"id": ADL + verb, "display": {"en-US": verb}}, "object": obj,
                         "context": ctx, "timestamp": _at(minutes)}
    if result:
        s["result"] = result
    return s


def satisfied(learner: str, launch: Launch, minutes: float = 0) -> dict[str, Any]:
    """The LMS's own ``satisfied`` about the course, as CATAPULT's ``interpretMoveOn`` writes it."""
    assert launch.au is not None
    lms_course = launch.au.rsplit("/au/", 1)[0]
    return {"id": str(uuid.uuid4()), "actor": actor(learner, launch.homepage),
            "verb": {"id": SATISFIED, "display": {"en": "satisfied"}},
            "object": {"id": lms_course, "definition": {"type": "https://w3id.org/xapi/cmi5/activitytype/course"}},
            "context": {"registration": launch.registration,
                        "contextActivities": {"category": [{"id": CMI5_CATEGORY}], "grouping": [{"id": launch.course}]},
                        "extensions": {SESSION: launch.session}},
            "timestamp": _at(minutes)}


def _at(minutes: float) -> str:
    return (BASE + dt.timedelta(minutes=minutes)).isoformat().replace("+00:00", "Z")
