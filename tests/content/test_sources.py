"""Rules for the shipped course sources: no hard-coded phone numbers, none
of the abolished rules, and every course clean under --strict, with and
without each brand."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path
from urllib.parse import urlparse

import pytest

from toolkit.build import check, discover_courses
from toolkit.source.brand import available_brands
from toolkit.source.facts import parse_facts
from toolkit.source.report import Report
from toolkit.source.yamlutil import load_yaml_file

from ..conftest import ROOT

# The day the suite checks the real courses on: a fixed date, never today, so
# that the suite keeps passing when a course's review_by date passes.  The
# publisher's gate (a warning, and a failure under --strict) is tested with
# pinned dates in test_facts.py.
CHECKED_ON = dt.date(2026, 12, 1)

COURSES = discover_courses(None, ROOT)
LESSONS = sorted(ROOT.glob("courses/*/lessons/*.md")) + sorted(ROOT.glob("brands/*/courses/*/lessons/*.md"))
PHONE_RE = re.compile(r"(?<![\d.,-])(?:\+45\s?)?(?:\d{2}\s?){3}\d{2}(?![\d.,-])"
                      r"|(?<![\d.,-])\d{2}\s\d{3}\s\d{3}(?![\d.,-])|\b1813\b|\b11[02]\b")
FORBIDDEN = ["225 timer", "225-timers", "hver 7. dag", "hver syvende dag"]


def test_the_four_courses_ship():
    assert [c.name for c in COURSES] == ["ansoegning", "cv", "psykisk-belastning", "ret-og-pligt"]


@pytest.mark.parametrize("lesson", LESSONS, ids=lambda p: str(p.relative_to(ROOT)))
def test_no_hard_coded_phone_numbers(lesson: Path):
    for n, line in enumerate(lesson.read_text(encoding="utf-8").splitlines(), 1):
        assert not PHONE_RE.search(line), f"{lesson}:{n}: phone numbers belong in facts: {line.strip()}"


@pytest.mark.parametrize("lesson", LESSONS, ids=lambda p: str(p.relative_to(ROOT)))
def test_no_abolished_rules(lesson: Path):
    text = lesson.read_text(encoding="utf-8").lower()
    for phrase in FORBIDDEN:
        assert phrase not in text, f"{lesson} teaches an abolished rule: {phrase!r}"


def test_phone_pattern_catches_the_usual_forms():
    for sample in ["Ring 70 201 201", "tlf. 70 23 27 50", "+45 12345678", "ring 112", "ring 1813"]:
        assert PHONE_RE.search(sample), sample
    for sample in ["2 uger", "1. juli 2025", "37 timer", "kl. 9-15", "{{ helpline.sind.phone }}"]:
        assert not PHONE_RE.search(sample), sample


# The default brand has no accessibility statement (statement.url): that is
# the municipality's to publish, so the default brand warns, once per run.
NO_STATEMENT = "brands/default/brand.yaml:1: warning: brand 'default' has no accessibility statement"


@pytest.mark.parametrize("brand", [None, *available_brands(ROOT / "brands")])
def test_courses_clean_under_strict(brand):
    loaded, report = check(COURSES, brand, today=CHECKED_ON)
    assert len(loaded) == 4
    problems = [str(d) for d in report.errors + report.warnings]
    if brand in (None, "default"):
        assert len(problems) == 1 and NO_STATEMENT in problems[0], problems
        assert "(ansoegning, cv, psykisk-belastning, ret-og-pligt)" in problems[0]
    else:
        assert problems == []
    for lc in loaded:
        course = lc.course
        assert course.sources and course.duration_minutes and course.reviewed and course.review_by
        assert all(le.questions for le in course.lessons)
        assert all(q.explanation for q in course.questions)
        assert any(le.exercises for le in course.lessons), f"{course.slug} has no exercise"


@pytest.mark.parametrize("course", COURSES, ids=lambda p: p.name)
def test_sources_are_the_pages_that_state_the_rules(course: Path):
    """A reader can check every source: a deep page, not a homepage, with the
    day it was checked; its own date when it has one, and never a made-up
    1 January; no page listed twice."""
    sources = load_yaml_file(course / "course.yaml")["sources"]
    assert sources
    urls = [s["url"] for s in sources]
    assert len(urls) == len(set(urls)), f"{course.name}: a source is listed twice"
    for s in sources:
        where = f"{course.name}: {s['title']}"
        assert urlparse(s["url"]).path.strip("/"), f"{where}: {s['url']} is a homepage, not the page with the rule"
        assert isinstance(s.get("checked"), dt.date) and s["checked"] <= CHECKED_ON, f"{where}: no 'checked' date"
        if "date" in s:
            assert isinstance(s["date"], dt.date) and s["date"] <= s["checked"], where
            assert (s["date"].month, s["date"].day) != (1, 1), f"{where}: {s['date']} looks like a placeholder"


def test_shared_facts_name_their_page_and_when_it_was_checked():
    for name, fact in parse_facts(load_yaml_file(ROOT / "courses" / "facts.yaml"), ROOT, Report(), "shared").items():
        assert fact.url and urlparse(fact.url).path.strip("/"), name
        assert fact.checked and fact.checked <= CHECKED_ON.isoformat(), name
