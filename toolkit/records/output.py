"""Rendering records as a terminal table, CSV, JSON or a printable HTML page.

Every format, and the web page, is built from :func:`display_rows`, so they
all show the same answers.  Times are local (Europe/Copenhagen).

CSV (:mod:`toolkit.records.csvout`) has numeric columns for Danish Excel.
Text for the terminal shows control characters as escapes, so a course title
or an account name from the LRS cannot move the cursor or recolour the screen.
"""

from __future__ import annotations

import datetime as dt
import json
import re
import unicodedata
from collections.abc import Sequence
from typing import Any

from toolkit.records.csvout import to_csv
from toolkit.records.lookup import LOCAL_TZ, local_time
from toolkit.records.status import CourseRecord

REST = ("Status", "Forløb", "Lektioner set", "Fejl i første forsøg", "Afsluttet", "Tid brugt", "Forsøg",
        "Sidst aktiv")
LEARNER_HEADERS = ("Kursus", *REST)
COURSE_HEADERS = ("Borger-id", *REST)
_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f\u200b-\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069]")
FORMATS = ("table", "csv", "json", "html")
EMPTY = "–"


def clean(text: str) -> str:
    """*text* for a terminal: control, zero-width and bidi-override characters are shown as
    ``\\x1b``-style escapes instead of being obeyed, so tampering stays visible."""
    return _CONTROL.sub(lambda m: f"\\x{ord(m.group()):02x}" if ord(m.group()) < 0x100 else f"\\u{ord(m.group()):04x}",
                        text)


def duration(span: dt.timedelta) -> str:
    """Danish short form: ``under 1 min``, ``12 min``, ``1 t 5 min``."""
    minutes = int(span.total_seconds() // 60)
    if span.total_seconds() <= 0:
        return ""
    if minutes < 1:
        return "under 1 min"
    hours, rest = divmod(minutes, 60)
    return f"{hours} t {rest} min" if hours else f"{rest} min"


def display_rows(records: Sequence[CourseRecord], by: str) -> tuple[tuple[str, ...], list[list[str]]]:
    """Headers and rows of strings; *by* is ``learner`` (one row per course) or ``course``."""
    headers = LEARNER_HEADERS if by == "learner" else COURSE_HEADERS
    rows = []
    for r in records:
        first = (r.course_title or r.course_id) if by == "learner" else r.learner.name
        p = r.progress
        rows.append([first, r.label, p.path_label or "", str(len(p.lessons_seen)),
                     "; ".join(q.title for q in p.missed_first), local_time(r.result_at), duration(r.time_spent),
                     str(r.attempt_count), local_time(r.last_activity)])
    return headers, rows


def _width(text: str) -> int:
    return sum(0 if unicodedata.combining(c) else 1 for c in text)


def to_table(records: Sequence[CourseRecord], by: str, heading: str) -> str:
    headers, rows = display_rows(records, by)
    if not rows:
        return f"{clean(heading)}\n{empty_message(by)}\n"
    cells = [list(headers)] + [[clean(c) or EMPTY for c in row] for row in rows]
    widths = [max(_width(row[i]) for row in cells) for i in range(len(headers))]

    def line(row: list[str]) -> str:
        return "  ".join(c + " " * (w - _width(c)) for c, w in zip(row, widths, strict=True)).rstrip()

    out = [clean(heading), line(cells[0]), "  ".join("-" * w for w in widths)]
    out.extend(line(row) for row in cells[1:])
    return "\n".join(out) + "\n"


def _iso_local(moment: dt.datetime | None) -> str | None:
    return moment.astimezone(LOCAL_TZ).isoformat(timespec="seconds") if moment else None


def to_data(records: Sequence[CourseRecord]) -> list[dict[str, Any]]:
    """Records as plain data: what a caseworker needs, no raw statements or e-mails."""
    out = []
    for r in records:
        out.append({
            "learner": r.learner.name,
            "course_id": r.course_id,
            "course_title": r.course_title,
            "status": r.status.value,
            "completion": r.completion.value,
            "success": r.success.value,
            "satisfied": r.satisfied,
            "status_label": r.label,
            "result_at": _iso_local(r.result_at),
            "score": r.score,
            "time_spent_seconds": round(r.time_spent.total_seconds()),
            "attempts": r.attempt_count,
            "last_activity": _iso_local(r.last_activity),
            "path": r.progress.path,
            "path_label": r.progress.path_label,
            "lessons_seen": [{"id": i.id, "title": i.title} for i in r.progress.lessons_seen],
            "missed_first_try": [{"id": i.id, "title": i.title} for i in r.progress.missed_first],
            "attempt_details": [{
                "status": a.status.value,
                "completion": a.completion.value,
                "success": a.success.value,
                "started": _iso_local(a.started),
                "result_at": _iso_local(a.result_at),
                "score": a.score,
                "time_spent_seconds": round(a.time_spent.total_seconds()),
            } for a in r.attempts],
        })
    return out


def to_json(records: Sequence[CourseRecord], by: str, subject: str) -> str:
    key = "learner" if by == "learner" else "course"
    return json.dumps({key: subject, "records": to_data(records)}, ensure_ascii=False, indent=2) + "\n"


def empty_message(by: str) -> str:
    return ("Borgeren har ikke startet nogen kurser." if by == "learner"
            else "Ingen borgere har startet kurset.")


def to_html(records: Sequence[CourseRecord], by: str, heading: str, now: dt.datetime | None = None) -> str:
    """A standalone printable page (no external requests)."""
    from toolkit.records.pages import render_print_page

    headers, rows = display_rows(records, by)
    printed = local_time(now or dt.datetime.now(dt.UTC))
    return render_print_page(heading=heading, headers=headers, rows=rows, printed=printed,
                             empty=empty_message(by))


def heading_for(by: str, subject: str, title: str | None = None) -> str:
    if by == "learner":
        return f"Kursusstatus for borger {subject}"
    return f"Status for kurset {title or subject}"


def render(records: Sequence[CourseRecord], by: str, fmt: str, subject: str, title: str | None = None) -> str:
    heading = heading_for(by, subject, title)
    if fmt == "table":
        return to_table(records, by, heading)
    if fmt == "csv":
        return to_csv(records, by)
    if fmt == "json":
        return to_json(records, by, subject)
    if fmt == "html":
        return to_html(records, by, heading)
    raise ValueError(f"unknown format {fmt!r}")


def tone(r: CourseRecord) -> str:
    """``ok`` (green) only when nothing failed and the course is passed or completed; ``bad`` when failed."""
    from toolkit.records.status import Status

    return {Status.PASSED: "ok", Status.COMPLETED: "ok", Status.FAILED: "bad"}.get(r.status, "")


def cards(records: Sequence[CourseRecord], by: str = "learner") -> list[dict[str, Any]]:
    """The web page's cards: the same cells as :func:`display_rows`, plus the lessons' names."""
    headers, rows = display_rows(records, by)
    return [{"title": row[0], "tone": tone(r), "facts": list(zip(headers[1:], row[1:], strict=True)),
             "lessons": [i.title for i in r.progress.lessons_seen]} for r, row in zip(records, rows, strict=True)]
