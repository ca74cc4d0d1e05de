"""An accessible SVG bar chart of completions per week, with the numbers as a table beside it.

The SVG has ``role="img"`` and is named by its ``<title>`` and ``<desc>``
(which states every week's number in words), and the same numbers are in a
real table, so nothing is only visual.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass

WIDTH, HEIGHT = 640, 260
LEFT, RIGHT, TOP, BOTTOM = 48, 10, 16, 56


@dataclass(frozen=True)
class Bar:
    x: float
    y: float
    width: float
    height: float
    count: int
    label: str  # "uge 10"
    week: str  # "uge 10 (2. marts 2026)"


@dataclass(frozen=True)
class Chart:
    title: str
    desc: str
    bars: list[Bar]
    ticks: list[tuple[float, int]]  # (y, value)
    width: int = WIDTH
    height: int = HEIGHT
    left: int = LEFT
    baseline: float = HEIGHT - BOTTOM


MONTHS = ("januar", "februar", "marts", "april", "maj", "juni", "juli", "august", "september", "oktober",
          "november", "december")


def danish_date(day: dt.date) -> str:
    return f"{day.day}. {MONTHS[day.month - 1]} {day.year}"


def _nice_max(value: int) -> int:
    for step in (1, 2, 5, 10, 20, 25, 50, 100, 200, 250, 500, 1000, 2000, 5000):
        if value <= step * 4:
            return step * 4
    return value


def weekly_chart(course_title: str, weeks: Sequence[tuple[dt.date, int]]) -> Chart:
    top = _nice_max(max([c for _, c in weeks] + [1]))
    plot_w, plot_h = WIDTH - LEFT - RIGHT, HEIGHT - TOP - BOTTOM
    slot = plot_w / max(len(weeks), 1)
    bars = []
    for i, (monday, count) in enumerate(weeks):
        h = plot_h * count / top
        number = monday.isocalendar()[1]
        bars.append(Bar(round(LEFT + i * slot + slot * 0.15, 1), round(TOP + plot_h - h, 1), round(slot * 0.7, 1),
                        round(h, 1), count, f"uge {number}", f"uge {number} ({danish_date(monday)})"))
    ticks = [(round(TOP + plot_h - plot_h * v / top, 1), v) for v in range(0, top + 1, top // 4)]
    total = sum(c for _, c in weeks)
    title = f"Gennemførte pr. uge: {course_title}"
    desc = (f"Søjlediagram over de sidste {len(weeks)} uger, i alt {total} gennemført. "
            + "; ".join(f"{b.week}: {b.count}" for b in bars) + ".")
    return Chart(title, desc, bars, ticks)
