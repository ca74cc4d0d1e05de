"""The team view's parts: pasted lists, date filter and sort, weeks in Danish time, the chart's text."""

from __future__ import annotations

import datetime as dt

import pytest

from tests.records.statements import COURSE, reg, stmt
from toolkit.errors import ConfigError
from toolkit.records.chart import weekly_chart
from toolkit.records.codes import CprError, check_symbol
from toolkit.records.status import Learner, record_from
from toolkit.records.team import TeamRow, filter_and_sort, parse_team, weekly

A = "K7F3Q9QX2" + check_symbol("K7F3Q9QX2")
B = "AB2CD3EF4" + check_symbol("AB2CD3EF4")


def test_parse_team_lines_dates_and_duplicates():
    text = f"# holdet\n{A.lower()} 2026-03-12\n\n{B[:5]}-{B[5:]};2026-03-10\n{A}\nanna-7f3a\n"
    assert parse_team(text) == [(f"{A[:5]}-{A[5:]}", dt.date(2026, 3, 12)), (f"{B[:5]}-{B[5:]}", dt.date(2026, 3, 10)),
                                ("anna-7f3a", None)]


def test_parse_team_refuses_cpr_typos_and_bad_dates():
    with pytest.raises(CprError):
        parse_team(f"{A}\n010190-1234\n")
    with pytest.raises(ConfigError, match="Linje 2: Koden passer ikke"):
        parse_team(f"{A}\n{A[:5]}-{A[5:9]}{'Z' if A[9] != 'Z' else 'Y'}\n")
    with pytest.raises(ConfigError, match="line 1: 2026-02-30 is not a date"):
        parse_team(f"{A} 2026-02-30")


def row(name: str, meeting: dt.date | None, verbs: tuple[str, ...]) -> TeamRow:
    g = reg()
    statements = [stmt(name, v, minutes=i, registration=g, scaled=0.5 if v == "failed" else None)
                  for i, v in enumerate(verbs)]
    return TeamRow(record_from(Learner(name), COURSE, statements), meeting)


def test_filter_and_sort():
    rows = [row("c", dt.date(2026, 3, 12), ("completed",)), row("a", None, ()),
            row("b", dt.date(2026, 3, 10), ("completed", "failed")), row("d", dt.date(2026, 3, 11), ("initialized",))]
    assert [r.record.learner.name for r in filter_and_sort(rows, None, None)] == ["b", "d", "c", "a"]
    assert [r.record.learner.name for r in filter_and_sort(rows, dt.date(2026, 3, 11), None)] == ["d", "c"]
    assert [r.record.learner.name for r in filter_and_sort(rows, None, dt.date(2026, 3, 11))] == ["b", "d"]
    assert [r.record.learner.name for r in filter_and_sort(rows, None, None, "code")] == ["a", "b", "c", "d"]
    # furthest from done first: not started, in progress, completed but failed, completed
    assert [r.record.learner.name for r in filter_and_sort(rows, None, None, "status")] == ["a", "d", "b", "c"]


def test_weeks_are_danish_weeks():
    utc = dt.UTC
    moments = [dt.datetime(2026, 3, 8, 23, 30, tzinfo=utc),  # Monday 9 March 00:30 in Copenhagen: week 11
               dt.datetime(2026, 3, 8, 22, 59, tzinfo=utc) - dt.timedelta(hours=1),  # Sunday 8 March: week 10
               dt.datetime(2026, 3, 29, 21, 30, tzinfo=utc),  # Sunday 29 March 23:30 summer time: week 13
               dt.datetime(2025, 1, 1, tzinfo=utc)]  # long before: not in the chart
    weeks = weekly(moments, dt.date(2026, 4, 1), weeks=4)
    assert weeks == [(dt.date(2026, 3, 9), 1), (dt.date(2026, 3, 16), 0), (dt.date(2026, 3, 23), 1),
                     (dt.date(2026, 3, 30), 0)]
    assert weekly(moments, dt.date(2026, 3, 9), weeks=2) == [(dt.date(2026, 3, 2), 1), (dt.date(2026, 3, 9), 1)]


def test_chart_text_names_every_week():
    chart = weekly_chart("Dit CV", [(dt.date(2026, 3, 2), 3), (dt.date(2026, 3, 9), 0)])
    assert chart.title == "Gennemførte pr. uge: Dit CV"
    assert chart.desc == ("Søjlediagram over de sidste 2 uger, i alt 3 gennemført. "
                          "uge 10 (2. marts 2026): 3; uge 11 (9. marts 2026): 0.")
    tall, empty = chart.bars
    assert empty.height == 0 and tall.height > 0 and tall.y + tall.height == chart.baseline
    assert [v for _, v in chart.ticks] == [0, 1, 2, 3, 4]
