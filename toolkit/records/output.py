"""Rendering records as a terminal table, CSV, JSON or a printable HTML page.

Every format, and the web page, is built from :func:`display_rows`, so they
all show the same answers.  Times are local (Europe/Copenhagen).

CSV is written for Excel as Danish caseworkers open it: UTF-8 with a byte
order mark (so æ, ø, å survive a double-click) and ``;`` as separator (the
list separator of Danish Windows, where ``,`` is the decimal comma).
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import re
import unicodedata
from collections.abc import Sequence
from typing import Any

from toolkit.records.lookup import LOCAL_TZ
from toolkit.records.status import CourseRecord

LEARNER_HEADERS = ("Kursus", "Status", "Afsluttet", "Score", "Tid brugt", "Forsøg", "Sidst aktiv")
COURSE_HEADERS = ("Borger-id", "Status", "Afsluttet", "Score", "Tid brugt", "Forsøg", "Sidst aktiv")
FORMATS = ("table", "csv", "json", "html")
EMPTY = "–"


def local_time(moment: dt.datetime | None) -> str:
    """``2026-03-02 09:15`` in Copenhagen time; "" for none."""
    return moment.astimezone(LOCAL_TZ).strftime("%Y-%m-%d %H:%M") if moment else ""


def percent(scaled: float | None) -> str:
    return f"{round(scaled * 100)} %" if scaled is not None else ""


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
        rows.append([first, r.status.label, local_time(r.result_at), percent(r.score), duration(r.time_spent),
                     str(r.attempt_count), local_time(r.last_activity)])
    return headers, rows


_CONTROL = re.compile("[\x00-\x1f\x7f-\x9f\u2028\u2029\u202a-\u202e\u2066-\u2069]")
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r", "\n", "|")


def safe_text(text: str) -> str:
    """Text for a terminal: control characters (escape sequences, bidi overrides) shown as
    ``\\x1b``-style escapes instead of being obeyed."""
    return _CONTROL.sub(lambda m: f"\\x{ord(m.group()):02x}" if ord(m.group()) < 0x100 else f"\\u{ord(m.group()):04x}",
                        text)


def safe_cell(text: str) -> str:
    """A CSV cell Excel shows as text: one that would start a formula gets a leading ``'``
    (the OWASP advice for CSV injection)."""
    return "'" + text if text.startswith(_FORMULA_START) else text


def _width(text: str) -> int:
    return sum(0 if unicodedata.combining(c) else 1 for c in text)


def to_table(records: Sequence[CourseRecord], by: str, heading: str) -> str:
    headers, rows = display_rows(records, by)
    if not rows:
        return f"{heading}\n{empty_message(by)}\n"
    heading = safe_text(heading)
    cells = [list(headers)] + [[safe_text(c) or EMPTY for c in row] for row in rows]
    widths = [max(_width(row[i]) for row in cells) for i in range(len(headers))]

    def line(row: list[str]) -> str:
        return "  ".join(c + " " * (w - _width(c)) for c, w in zip(row, widths)).rstrip()

    out = [heading, line(cells[0]), "  ".join("-" * w for w in widths)]
    out.extend(line(row) for row in cells[1:])
    return "\n".join(out) + "\n"


def to_csv(records: Sequence[CourseRecord], by: str) -> str:
    """CSV text starting with a BOM; write it as UTF-8 bytes."""
    headers, rows = display_rows(records, by)
    buf = io.StringIO()
    writer = csv.writer(buf, delimiter=";", lineterminator="\r\n", quoting=csv.QUOTE_MINIMAL)
    writer.writerow(headers)
    writer.writerows([[safe_cell(c) for c in row] for row in rows])
    return "\ufeff" + buf.getvalue()


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
            "status_label": r.status.label,
            "result_at": _iso_local(r.result_at),
            "score": r.score,
            "time_spent_seconds": round(r.time_spent.total_seconds()),
            "attempts": r.attempt_count,
            "last_activity": _iso_local(r.last_activity),
            "attempt_details": [{
                "status": a.status.value,
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
    printed = local_time(now or dt.datetime.now(dt.timezone.utc))
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
