"""The suspend-data budget check: worst case of the runtime's resume state vs. SCORM 1.2."""

from __future__ import annotations

import json

import pytest

from toolkit.build import BuildOptions, build, check, discover_courses
from toolkit.errors import CheckFailed
from toolkit.runtime.budget import (
    CSS_GZIP_LIMIT,
    RUNTIME_GZIP_LIMIT,
    SCORM12_SUSPEND_LIMIT,
    css_gzip_size,
    js_length,
    runtime_gzip_size,
    worst_case_length,
    worst_case_state,
)

from ..conftest import ROOT
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
    # emptyState() in the runtime, as encode() writes it (v2: the first-try flag packed into "a")
    assert set(state) == {"v", "s", "a", "x", "p", "l", "c", "k", "reg"}
    assert state["s"] == [le.id for le in loaded.course.lessons]
    questions = {q.id: q for le in loaded.course.lessons for q in le.questions}
    every = [c.id for c in questions["velkommen-til-forloebet-q3"].choices]
    one = max((c.id for c in questions["velkommen-til-forloebet-q1"].choices), key=len)
    assert len(every) == 4
    assert state["a"]["velkommen-til-forloebet-q3"] == "0" + ",".join(every)  # two correct: checkboxes
    assert state["a"]["velkommen-til-forloebet-q1"] == "0" + one  # one correct: a single radio
    assert len(state["a"]) == 6 and "f" not in state
    assert worst_case_length(loaded.course) == len(json.dumps(state, ensure_ascii=False, separators=(",", ":")))


def test_the_shipped_courses_fit():
    courses = discover_courses(None, ROOT)
    loaded, _ = check(courses)
    sizes = {lc.course.slug: worst_case_length(lc.course) for lc in loaded}
    assert len(sizes) == len(courses) and max(sizes.values()) < SCORM12_SUSPEND_LIMIT, sizes


def test_js_length_counts_utf16_units():
    assert js_length("æøå") == 3
    assert js_length("😀") == 2


def test_too_large_course_warns_at_course_yaml_and_fails_strict(tmp_path):
    course_dir = write_course(tmp_path / "courses", "kaempe", lessons=40, questions=6, choices=5)
    (loaded,), report = check([course_dir])
    warnings = budget_warnings(report)
    assert len(warnings) == 1
    assert warnings[0].path.endswith("course.yaml") and warnings[0].line == 1
    size = worst_case_length(loaded.course)
    assert size > SCORM12_SUSPEND_LIMIT and str(size) in warnings[0].message
    with pytest.raises(CheckFailed):
        build([course_dir], BuildOptions(out=tmp_path / "out", formats=("web",), strict=True, no_cache=True))


def test_exercise_room_is_reported_at_build(tmp_path):
    """Issue 14, case 16: what SCORM 1.2 keeps of exercise text is said at build time."""
    course_dir = write_course(tmp_path / "courses", "mappe", lessons=2, questions=1, choices=3)
    lesson = next((course_dir / "lessons").glob("*.md"))
    lesson.write_text(lesson.read_text(encoding="utf-8") + "\n```exercise\nid: mappe\ntitle: Min mappe\n"
                      "fields:\n  - id: job\n    label: Hvor har du arbejdet?\n```\n", encoding="utf-8")
    (loaded,), report = check([course_dir])
    notes = [d for d in report.items if "exercise text" in d.message]
    assert len(notes) == 1 and notes[0].path.endswith("course.yaml")
    room = int(notes[0].message.split("about ")[1].split(" ")[0])
    state = worst_case_state(loaded.course)
    state["x"] = {"mappe": {"job": "x" * room}}
    assert js_length(json.dumps(state, ensure_ascii=False, separators=(",", ":"))) == SCORM12_SUSPEND_LIMIT
    assert notes[0] not in report.warnings  # plenty of room: a note, not a warning


def test_runtime_stays_under_15_kb_gzipped():
    size = runtime_gzip_size()
    print(f"assets/toolkit.js: {size} bytes gzipped")
    assert 4000 < size < RUNTIME_GZIP_LIMIT


def test_theme_css_stays_under_3_kb_gzipped():
    size = css_gzip_size()
    print(f"assets/toolkit.css: {size} bytes gzipped")
    assert 1000 < size < CSS_GZIP_LIMIT
