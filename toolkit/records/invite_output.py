"""Invitations (learner codes and personal links) as a table, CSV, JSON or a printable page."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
from collections.abc import Sequence

from toolkit.records.csvout import _cell
from toolkit.records.invitations import Invitation

HEADERS = ("Kode", "Personligt link", "Mødedato", "Note")


def invitation_rows(made: Sequence[Invitation], base_url: str) -> list[list[str]]:
    return [[i.code, i.link(base_url), i.meeting.isoformat() if i.meeting else "", i.note or ""] for i in made]


def render_invitations(made: Sequence[Invitation], base_url: str, fmt: str, title: str,
                       now: dt.datetime | None = None) -> str:
    rows = invitation_rows(made, base_url)
    if fmt == "json":
        return json.dumps({"course_title": title, "invitations": [dict(zip(("code", "link", "meeting", "note"), r, strict=True))
                                                                  for r in rows]},
                          ensure_ascii=False, indent=2) + "\n"
    if fmt == "csv":
        buf = io.StringIO()
        writer = csv.writer(buf, delimiter=";", lineterminator="\r\n")
        writer.writerow([_cell(h) for h in HEADERS])
        writer.writerows([[_cell(c) for c in row] for row in rows])
        return "\ufeff" + buf.getvalue()
    if fmt == "html":
        from toolkit.records.lookup import local_time
        from toolkit.records.pages import render_print_page

        return render_print_page(heading=f"Personlige links til {title}", headers=HEADERS, rows=rows,
                                 printed=local_time(now or dt.datetime.now(dt.UTC)), empty="")
    from toolkit.records.output import clean

    width = max([len(r[0]) for r in rows] + [4])
    lines = [clean(f"Personlige links til {title}")]
    lines += [f"{r[0]:<{width}}  {r[1]}" + (f"  møde {r[2]}" if r[2] else "") for r in rows]
    return "\n".join(lines) + "\n"
