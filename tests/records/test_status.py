"""Unit tests for the status rules, on statement fixtures."""

from __future__ import annotations

import datetime as dt

import pytest

from tests.records.statements import (
    BASE,
    COURSE,
    COURSE_TITLE,
    OTHER,
    reg,
    stmt,
    voiding,
)
from toolkit.records.status import (
    Completion,
    Learner,
    Status,
    Success,
    course_of,
    parse_duration,
    parse_timestamp,
    record_from,
    records_for_course,
    records_for_learner,
    remove_voided,
)

ANNA = Learner("anna-7f3a", "https://lms.example.dk")


def record(statements, course=COURSE):
    return record_from(ANNA, course, statements)


def test_no_statements_is_not_started():
    r = record([])
    assert r.status is Status.NOT_STARTED
    assert r.attempt_count == 0
    assert r.result_at is None and r.score is None
    assert records_for_learner(ANNA, []) == []


def test_statements_without_completion_are_in_progress():
    g = reg()
    r = record([stmt("anna-7f3a", "initialized", registration=g),
                stmt("anna-7f3a", "experienced", minutes=3, obj=COURSE + "/lesson/cv", registration=g)])
    assert r.status is Status.IN_PROGRESS
    assert r.attempt_count == 1
    assert r.result_at is None


def test_completed_lesson_does_not_complete_the_course():
    g = reg()
    r = record([stmt("anna-7f3a", "initialized", registration=g),
                stmt("anna-7f3a", "completed", minutes=5, obj=COURSE + "/lesson/cv", registration=g)])
    assert r.status is Status.IN_PROGRESS


def test_pass_then_fail_in_same_registration_stays_passed():
    g = reg()
    r = record([stmt("anna-7f3a", "initialized", registration=g),
                stmt("anna-7f3a", "passed", minutes=10, registration=g, scaled=0.9),
                stmt("anna-7f3a", "failed", minutes=20, registration=g, scaled=0.4)])
    assert r.status is Status.PASSED
    assert r.score == pytest.approx(0.9)
    assert r.result_at == BASE + dt.timedelta(minutes=10)


def test_completed_then_failed_is_both_facts():
    g = reg()
    r = record([stmt("anna-7f3a", "completed", minutes=10, registration=g),
                stmt("anna-7f3a", "failed", minutes=12, registration=g, scaled=0.2)])
    assert (r.completion, r.success) == (Completion.COMPLETED, Success.FAILED)
    assert r.status is Status.FAILED
    assert r.label == "Gennemført · ikke bestået (20 %)"
    assert r.result_at == BASE + dt.timedelta(minutes=12)


def test_every_question_wrong_is_not_shown_as_done():
    """Finding 1: completed with a score of 0 % says so."""
    g = reg()
    r = record([stmt("anna-7f3a", "completed", minutes=10, registration=g),
                stmt("anna-7f3a", "failed", minutes=10, registration=g, scaled=0.0)])
    assert r.label == "Gennemført · ikke bestået (0 %)"


@pytest.mark.parametrize("verbs,label", [
    ((), "Ikke startet"),
    (("initialized",), "I gang"),
    (("initialized", "completed"), "Gennemført"),
    (("completed", "passed"), "Gennemført · bestået (90 %)"),
    (("passed",), "I gang · bestået (90 %)"),
    (("failed",), "I gang · ikke bestået (90 %)"),
])
def test_labels_name_completion_and_success(verbs, label):
    g = reg()
    r = record([stmt("anna-7f3a", v, minutes=i, registration=g, scaled=0.9 if v in ("passed", "failed") else None)
                for i, v in enumerate(verbs)])
    assert r.label == label


def test_failed_then_passed_in_same_registration_is_passed():
    g = reg()
    r = record([stmt("anna-7f3a", "failed", minutes=10, registration=g, scaled=0.5),
                stmt("anna-7f3a", "passed", minutes=15, registration=g, scaled=0.85)])
    assert r.status is Status.PASSED
    assert r.result_at == BASE + dt.timedelta(minutes=15)


def test_failed_only_is_failed():
    r = record([stmt("anna-7f3a", "failed", minutes=10, registration=reg(), scaled=0.5)])
    assert r.status is Status.FAILED
    assert r.score == pytest.approx(0.5)


def test_each_registration_is_an_attempt_and_best_wins():
    a1, a2, a3 = reg(), reg(), reg()
    r = record([
        stmt("anna-7f3a", "failed", minutes=0, registration=a1, scaled=0.3),
        stmt("anna-7f3a", "passed", minutes=60, registration=a2, scaled=0.8),
        stmt("anna-7f3a", "initialized", minutes=120, registration=a3),  # a later attempt in progress
    ])
    assert r.attempt_count == 3
    assert r.status is Status.PASSED
    assert r.score == pytest.approx(0.8)
    assert r.result_at == BASE + dt.timedelta(minutes=60)
    assert [a.status for a in r.attempts] == [Status.FAILED, Status.PASSED, Status.IN_PROGRESS]


def test_best_ranking_passed_over_completed_over_failed():
    a1, a2 = reg(), reg()
    r = record([stmt("anna-7f3a", "completed", minutes=0, registration=a1),
                stmt("anna-7f3a", "failed", minutes=30, registration=a2, scaled=0.7)])
    assert r.status is Status.COMPLETED and r.label == "Gennemført"


def test_ranking_uses_both_facts():
    """A completed-and-failed attempt beats a failed-only one; a passed one beats both."""
    a1, a2, a3 = reg(), reg(), reg()
    attempts = [stmt("anna-7f3a", "failed", minutes=0, registration=a1, scaled=0.75),
                stmt("anna-7f3a", "completed", minutes=30, registration=a2),
                stmt("anna-7f3a", "failed", minutes=31, registration=a2, scaled=0.5)]
    assert record(attempts).label == "Gennemført · ikke bestået (50 %)"
    attempts += [stmt("anna-7f3a", "passed", minutes=60, registration=a3, scaled=0.8)]
    assert record(attempts).label == "I gang · bestået (80 %)"
    a3 = reg()
    r2 = record([stmt("anna-7f3a", "initialized", minutes=0, registration=a3),
                 stmt("anna-7f3a", "failed", minutes=30, registration=a1, scaled=0.1)])
    assert r2.status is Status.FAILED


def test_tie_between_passes_goes_to_higher_score():
    a1, a2 = reg(), reg()
    r = record([stmt("anna-7f3a", "passed", minutes=0, registration=a1, scaled=0.8),
                stmt("anna-7f3a", "passed", minutes=30, registration=a2, scaled=1.0)])
    assert r.score == pytest.approx(1.0)
    assert r.result_at == BASE + dt.timedelta(minutes=30)


def test_voided_statement_does_not_count():
    g = reg()
    passed = stmt("anna-7f3a", "passed", minutes=10, registration=g, scaled=0.9)
    r = record([stmt("anna-7f3a", "initialized", registration=g), passed, voiding(passed["id"], minutes=11)])
    assert r.status is Status.IN_PROGRESS
    assert r.score is None


def test_voiding_statement_alone_is_not_an_attempt():
    passed = stmt("anna-7f3a", "passed", minutes=10, registration=reg())
    assert remove_voided([passed, voiding(passed["id"])]) == []
    assert record([passed, voiding(passed["id"].upper())]).status is Status.NOT_STARTED


def test_time_spent_sums_terminated_durations_per_attempt():
    a1, a2 = reg(), reg()
    r = record([
        stmt("anna-7f3a", "initialized", minutes=0, registration=a1),
        stmt("anna-7f3a", "terminated", minutes=300, registration=a1, duration="PT10M"),
        stmt("anna-7f3a", "initialized", minutes=400, registration=a1),
        stmt("anna-7f3a", "terminated", minutes=500, registration=a1, duration="PT5M30S"),
        stmt("anna-7f3a", "initialized", minutes=1000, registration=a2),
        stmt("anna-7f3a", "experienced", minutes=1007, registration=a2, obj=COURSE + "/lesson/a"),
    ])
    assert r.attempts[0].time_spent == dt.timedelta(minutes=15, seconds=30)
    # no terminated statement: last minus first timestamp
    assert r.attempts[1].time_spent == dt.timedelta(minutes=7)
    assert r.time_spent == dt.timedelta(minutes=22, seconds=30)


def test_statements_without_registration_form_one_attempt():
    r = record([stmt("anna-7f3a", "initialized"), stmt("anna-7f3a", "completed", minutes=4)])
    assert r.attempt_count == 1
    assert r.status is Status.COMPLETED


def test_score_from_raw_and_max():
    s = stmt("anna-7f3a", "passed", registration=reg())
    s["result"]["score"] = {"raw": 8, "max": 10, "min": 0}
    assert record([s]).score == pytest.approx(0.8)


def test_learner_lookup_groups_by_course_and_takes_title():
    statements = [
        stmt("anna-7f3a", "passed", minutes=5, registration=reg(), scaled=1.0),
        stmt("anna-7f3a", "answered", minutes=1, course=OTHER, obj=OTHER + "/q/1", registration=reg()),
    ]
    records = records_for_learner(ANNA, statements, {OTHER: "Dine rettigheder"})
    by_id = {r.course_id: r for r in records}
    assert set(by_id) == {COURSE, OTHER}
    assert by_id[COURSE].course_title == COURSE_TITLE
    assert by_id[COURSE].status is Status.PASSED
    assert by_id[OTHER].course_title == "Dine rettigheder"
    assert by_id[OTHER].status is Status.IN_PROGRESS


def test_course_lookup_per_learner_with_team_list():
    statements = [
        stmt("anna-7f3a", "passed", minutes=5, registration=reg(), scaled=1.0),
        stmt("bo-19c2", "initialized", minutes=1, registration=reg()),
        {"actor": {"mbox": "mailto:someone@example.dk"}, "verb": {"id": "http://adlnet.gov/expapi/verbs/passed"},
         "object": {"id": COURSE}, "id": "x", "timestamp": "2026-03-02T08:00:00Z"},
    ]
    records = records_for_course(COURSE, statements)
    assert [(r.learner.name, r.status) for r in records] == [("anna-7f3a", Status.PASSED),
                                                              ("bo-19c2", Status.IN_PROGRESS)]
    team = [Learner("bo-19c2"), Learner("cai-0000")]
    records = records_for_course(COURSE, statements, learners=team)
    assert [(r.learner.name, r.status) for r in records] == [("bo-19c2", Status.IN_PROGRESS),
                                                              ("cai-0000", Status.NOT_STARTED)]
    assert all(r.course_title == COURSE_TITLE for r in records)


def test_course_of_prefers_known_then_grouping():
    s = stmt("a", "answered", obj=COURSE + "/q/1")
    assert course_of(s) == COURSE
    s["context"]["contextActivities"] = {"parent": [{"id": COURSE + "/lesson/x"}], "grouping": [{"id": COURSE}]}
    assert course_of(s) == COURSE
    assert course_of(s, {COURSE + "/lesson/x"}) == COURSE + "/lesson/x"


@pytest.mark.parametrize("text,seconds", [("PT1H2M3.5S", 3723.5), ("PT0S", 0), ("P1DT1M", 86460),
                                          ("PT90S", 90), ("PT1,5M", 90)])
def test_parse_duration(text, seconds):
    assert parse_duration(text).total_seconds() == pytest.approx(seconds)


@pytest.mark.parametrize("text", ["", "P", "PT", "1H", "PT1H2", None, 5, "P1DT"])
def test_parse_duration_rejects(text):
    assert parse_duration(text) is None


def test_parse_timestamp():
    assert parse_timestamp("2026-03-02T09:00:00.123456789+01:00") == dt.datetime(
        2026, 3, 2, 8, 0, 0, 123456, tzinfo=dt.UTC)
    assert parse_timestamp("2026-03-02T08:00:00Z") == BASE
    assert parse_timestamp("nonsense") is None


def runtime_like(learner: str, verb: str, obj: str, minutes: float, registration: str, **result) -> dict:
    """Shaped like toolkit.js sends them: lessons and questions carry only a parent."""
    s = stmt(learner, verb, minutes=minutes, registration=registration, course=COURSE + "/au" if obj == "au" else COURSE)
    if obj == "au":
        s["context"]["contextActivities"] = {"category": [{"id": "https://w3id.org/xapi/cmi5/context/categories/cmi5"}]}
    elif obj != "course":
        s["object"] = {"objectType": "Activity", "id": f"{COURSE}/{obj}"}
        s["context"]["contextActivities"] = {"parent": [{"id": COURSE + "/au"}]}
    if result:
        s["result"] = result
    return s


def test_cmi5_au_statements_count_as_the_course():
    g = reg()
    statements = [runtime_like("anna-7f3a", "initialized", "au", 0, g),
                  runtime_like("anna-7f3a", "experienced", "lesson/cv", 2, g),
                  runtime_like("anna-7f3a", "answered", "question/q1", 3, g),
                  runtime_like("anna-7f3a", "passed", "au", 9, g, score={"scaled": 0.75}, duration="PT9M"),
                  runtime_like("anna-7f3a", "terminated", "au", 10, g, duration="PT10M")]
    (r,) = records_for_learner(ANNA, statements)
    assert r.course_id == COURSE and r.course_title == COURSE_TITLE
    assert r.status is Status.PASSED and r.score == pytest.approx(0.75)
    assert r.time_spent == dt.timedelta(minutes=10)
    (by_course,) = records_for_course(COURSE, statements)
    assert by_course.status is Status.PASSED


def test_page_session_without_terminated_uses_first_to_last():
    g = reg()
    statements = [runtime_like("anna-7f3a", "initialized", "course", 0, g),
                  runtime_like("anna-7f3a", "experienced", "lesson/a", 4, g),
                  runtime_like("anna-7f3a", "completed", "course", 12, g, completion=True, duration="PT12M")]
    r = record(statements)
    assert r.status is Status.COMPLETED and r.time_spent == dt.timedelta(minutes=12)
