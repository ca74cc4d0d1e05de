"""Finding 2: statements through a conformant cmi5 LMS, with the ids ADL's CATAPULT player assigns.

CATAPULT gives the course ``https://w3id.org/xapi/cmi5/catapult/player/course/<uuid>`` and the AU
``…/au/0``; the publisher's AU id (``<course>/au``, from our cmi5.xml) and course id only appear in
``context.contextActivities.grouping``; its own ``satisfied`` is about its course id.
"""

from __future__ import annotations

import pytest

from tests.records.statements import (
    COURSE,
    COURSE_TITLE,
    HOME,
    catapult_launch,
    reg,
    runtime,
    satisfied,
)
from toolkit.records.status import (
    Completion,
    Learner,
    Status,
    Success,
    records_for_course,
    records_for_learner,
)
from toolkit.records.xapi import course_of, is_about_course

ANNA = Learner("anna-7f3a", HOME)


def passed_through_catapult(learner: str = "anna-7f3a") -> list[dict]:
    launch = catapult_launch(COURSE, reg())
    return [runtime(learner, "initialized", launch, minutes=0),
            runtime(learner, "experienced", launch, minutes=1, lesson="cv", title="Dit CV"),
            runtime(learner, "answered", launch, minutes=2, question="q1", success=True),
            runtime(learner, "completed", launch, minutes=8, duration="PT8M"),
            runtime(learner, "passed", launch, minutes=8, scaled=0.9, duration="PT8M"),
            satisfied(learner, launch, minutes=8),
            runtime(learner, "terminated", launch, minutes=9, duration="PT9M")]


def test_the_fixture_has_conformant_ids():
    statements = passed_through_catapult()
    au = statements[0]["object"]["id"]
    assert au.startswith("https://w3id.org/xapi/cmi5/catapult/player/course/") and au.endswith("/au/0")
    assert not au.startswith(COURSE)
    assert all(COURSE not in s["object"]["id"] for s in statements if s["object"]["id"] == au)
    assert statements[0]["context"]["contextActivities"]["grouping"] == [{"id": COURSE + "/au"}]
    assert statements[5]["context"]["contextActivities"]["grouping"] == [{"id": COURSE}]


@pytest.mark.parametrize("known", [{}, {COURSE: COURSE_TITLE}])
def test_passed_and_satisfied_through_catapult(known):
    statements = passed_through_catapult()
    assert {course_of(s, known) for s in statements} == {COURSE}
    (r,) = records_for_learner(ANNA, statements, known)
    assert r.course_id == COURSE
    assert (r.completion, r.success, r.satisfied) == (Completion.COMPLETED, Success.PASSED, True)
    assert r.label == "Gennemført · bestået (90 %)"
    (by_course,) = records_for_course(COURSE, statements)
    assert by_course.status is Status.PASSED and by_course.time_spent.total_seconds() == 9 * 60


def test_lms_satisfied_alone_completes():
    launch = catapult_launch(COURSE, reg())
    (r,) = records_for_learner(ANNA, [runtime("anna-7f3a", "initialized", launch), satisfied("anna-7f3a", launch, 5)])
    assert r.completion is Completion.COMPLETED and r.success is Success.UNKNOWN


def test_lessons_are_not_the_course_through_catapult():
    launch = catapult_launch(COURSE, reg())
    lesson = runtime("anna-7f3a", "completed", launch, lesson="cv")
    assert not is_about_course(lesson, COURSE)
    (r,) = records_for_learner(ANNA, [runtime("anna-7f3a", "initialized", launch), lesson])
    assert r.completion is Completion.IN_PROGRESS and r.label == "I gang"


def test_other_course_in_grouping_is_not_this_course():
    launch = catapult_launch(COURSE + "-andet", reg())
    assert not is_about_course(runtime("anna-7f3a", "passed", launch, scaled=1.0), COURSE)
