"""The suspend-data budget check: worst case of the runtime's resume state vs. SCORM 1.2."""

from __future__ import annotations

import json

import pytest

from toolkit.build import BuildOptions, build, check
from toolkit.errors import CheckFailed
from toolkit.runtime.budget import SCORM12_SUSPEND_LIMIT, js_length, worst_case_length, worst_case_state

from .coursegen import write_course

BUDGET = "cmi.suspend_data"


def budget_warnings(report):
    return [d for d in report.warnings if BUDGET in d.message]


def test_largest_realistic_course_fits(tmp_path):
    # 20 lessons of 4 questions with 4 choices, long Danish lesson names: five times the
    # largest course we ship (ret-og-pligt: 4 lessons, 4 questions).
    course_dir = write_course(tmp_path / "courses", "stort", lessons=20, questions=4, choices=4)
    (loaded,), report = check([course_dir])
    size = worst_case_length(loaded.course)
    assert 2000 < size <= SCORM12_SUSPEND_LIMIT
    assert budget_warnings(report) == []


def test_worst_case_counts_every_id(tmp_path):
    course_dir = write_course(tmp_path / "courses", "lille", lessons=2, questions=3, choices=4)
    (loaded,), _ = check([course_dir])
    state = worst_case_state(loaded.course)
    assert state["s"] == [le.id for le in loaded.course.lessons]
    assert state["a"]["velkommen-til-forloebet-q3"] == "0a,b,c,d"  # two correct: checkboxes
    assert state["a"]["velkommen-til-forloebet-q1"] == "0a"  # one correct: a single radio
    assert len(state["a"]) == 6 and "f" not in state
    assert worst_case_length(loaded.course) == len(json.dumps(state, ensure_ascii=False, separators=(",", ":")))


def test_js_length_counts_utf16_units():
    assert js_length("æøå") == 3
    assert js_length("😀") == 2


def test_too_large_course_warns_at_course_yaml_and_fails_strict(tmp_path):
    course_dir = write_course(tmp_path / "courses", "kaempe", lessons=40, questions=6, choices=5)
    (loaded,), report = check([course_dir])
    warnings = budget_warnings(report)
    assert len(warnings) == 1
    assert warnings[0].path.endswith("course.yaml") and warnings[0].line == 1
    assert str(worst_case_length(loaded.course)) in warnings[0].message
    with pytest.raises(CheckFailed):
        build([course_dir], BuildOptions(out=tmp_path / "out", formats=("web",), strict=True, no_cache=True))
