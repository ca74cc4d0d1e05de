"""The date the review checks compare with (toolkit/clock.py): the one given, else TOOLKIT_TODAY,
else today; a library call without --today follows the variable as the CLI does."""

from __future__ import annotations

import datetime as dt

import pytest

from toolkit import clock
from toolkit.errors import ConfigError
from toolkit.scaffold import scaffold
from toolkit.source.brand import find_brands_dir, load_brand
from toolkit.source.checks import check_course
from toolkit.source.course import load_course
from toolkit.source.report import Report


def test_the_date_given_then_the_variable_then_today(monkeypatch):
    monkeypatch.setenv("TOOLKIT_TODAY", "2030-05-06")
    assert clock.today(dt.date(2001, 2, 3)) == dt.date(2001, 2, 3)
    assert clock.today() == dt.date(2030, 5, 6)
    monkeypatch.setenv("TOOLKIT_TODAY", "")
    before = dt.date.today()
    assert clock.today() in (before, dt.date.today())  # (around midnight, either)
    monkeypatch.delenv("TOOLKIT_TODAY")
    assert clock.today() in (before, dt.date.today())
    monkeypatch.setenv("TOOLKIT_TODAY", "1 December")
    with pytest.raises(ConfigError, match="TOOLKIT_TODAY='1 December' is not a date as YYYY-MM-DD"):
        clock.today()


def test_a_library_check_without_a_date_follows_the_variable(tmp_path, monkeypatch):
    monkeypatch.setenv("TOOLKIT_TODAY", "2031-01-02")
    course_dir = scaffold("demo", tmp_path / "courses")  # reviewed today, to review in a year
    text = (course_dir / "course.yaml").read_text(encoding="utf-8")
    assert "2031-01-02" in text and "2032-01-02" in text
    course = load_course(course_dir, load_brand(find_brands_dir(course_dir), None, Report()), Report())
    assert course is not None
    for day, warned in (("2031-06-01", False), ("2032-01-03", True)):
        monkeypatch.setenv("TOOLKIT_TODAY", day)
        report = Report()
        check_course(course, report)
        assert any("review_by 2032-01-02 has passed" in d.message for d in report.items) == warned, day
