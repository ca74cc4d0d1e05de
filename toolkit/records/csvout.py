"""CSV for Danish Excel: numbers as numbers, labels in their own columns.

UTF-8 with a byte order mark (so æ, ø, å survive a double-click), ``;`` as
separator (the list separator of Danish Windows) and the decimal comma
(``85,7``), so the score and minute columns sort and sum in Excel.  Every
cell goes through :func:`_cell`, which defuses text that Excel would run as
a formula.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Mapping, Sequence

from toolkit.records.lookup import local_time
from toolkit.records.status import Completion, CourseRecord, Success

_FORMULA_START = ("=", "+", "-", "@", "\t", "\r", "\n", "|")


def _cell(value: object) -> str:
    """One cell as text; text that starts like a formula gets a leading ``'`` (OWASP CSV injection)."""
    text = "" if value is None else str(value)
    return "'" + text if text.startswith(_FORMULA_START) else text


def number(value: float | None) -> str:
    """``85,7`` (one decimal, decimal comma); "" for none."""
    return "" if value is None else f"{value:.1f}".replace(".", ",")


def _yes_no(flag: bool | None) -> str:
    return "" if flag is None else ("ja" if flag else "nej")


def csv_headers(by: str, with_meeting: bool = False) -> list[str]:
    first = ["Kursus", "Kursus-id"] if by == "learner" else ["Borger-id"]
    return first + (["Mødedato"] if with_meeting else []) + [
        "Status", "Gennemført", "Bestået", "Score (%)", "Tid brugt (min)", "Forsøg", "Afsluttet", "Sidst aktiv",
        "Forløb", "Lektioner set (antal)", "Lektioner set", "Fejl i første forsøg (antal)",
        "Fejl i første forsøg"]


def csv_row(r: CourseRecord, by: str, meeting: str | None = None, with_meeting: bool = False) -> list[str]:
    first = [r.course_title or r.course_id, r.course_id] if by == "learner" else [r.learner.name]
    success = None if r.success is Success.UNKNOWN else r.success is Success.PASSED
    p = r.progress
    return first + ([meeting or ""] if with_meeting else []) + [
        r.label, _yes_no(r.completion is Completion.COMPLETED), _yes_no(success),
        number(r.score * 100 if r.score is not None else None),
        number(r.time_spent.total_seconds() / 60) if r.time_spent.total_seconds() > 0 else "",
        str(r.attempt_count), local_time(r.result_at), local_time(r.last_activity), p.path_label or "",
        str(len(p.lessons_seen)), "; ".join(i.title for i in p.lessons_seen),
        str(len(p.missed_first)), "; ".join(i.title for i in p.missed_first)]


def to_csv(records: Sequence[CourseRecord], by: str, meetings: Mapping[str, str] | None = None) -> str:
    """CSV text starting with a BOM; write it as UTF-8 bytes.  *meetings*: learner → meeting date."""
    buf = io.StringIO()
    writer = csv.writer(buf, delimiter=";", lineterminator="\r\n", quoting=csv.QUOTE_MINIMAL)
    with_meeting = meetings is not None
    writer.writerow([_cell(h) for h in csv_headers(by, with_meeting)])
    for r in records:
        meeting = (meetings or {}).get(r.learner.name)
        writer.writerow([_cell(c) for c in csv_row(r, by, meeting, with_meeting)])
    return "\ufeff" + buf.getvalue()
