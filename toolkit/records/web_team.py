"""The caseworkers' team view and personal links: two more pages of :mod:`toolkit.records.web`.

Both are POST forms with the session's CSRF token, so learner codes stay out
of URLs and logs.  The team view shows a list of codes (pasted, or the
caseworker's own invitations) with status, path, lessons seen, questions
missed at the first try and last activity; sorts by meeting date; filters
by date; exports CSV; and charts completions per week.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Callable
from typing import Any

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import Response

from toolkit.errors import ConfigError
from toolkit.records.auth import same_token
from toolkit.records.chart import weekly_chart
from toolkit.records.client import LRSError
from toolkit.records.codes import (
    CPR_MESSAGE,
    CodeTypoError,
    CprError,
    looks_like_cpr,
    new_code,
)
from toolkit.records.csvout import to_csv
from toolkit.records.invitations import Invitation, check_note, utc_now
from toolkit.records.output import display_rows, tone
from toolkit.records.pages import SECURITY_HEADERS
from toolkit.records.team import (
    chart_since,
    completions,
    filter_and_sort,
    lookup_team,
    parse_team,
    weekly,
)

log = logging.getLogger("toolkit.records.web")
SORTS = (("meeting", "Mødedato"), ("status", "Status (længst fra færdig først)"), ("code", "Kode"))
TEAM_HEADERS = ("Kode", "Mødedato", "Status", "Forløb", "Lektioner set", "Fejl i første forsøg", "Sidst aktiv")
LRS_DOWN = "Kursussystemet kunne ikke svare lige nu. Prøv igen om lidt."
Page = Callable[..., Response]


def _day(value: str, what: str) -> dt.date | None:
    if not value.strip():
        return None
    try:
        return dt.date.fromisoformat(value.strip())
    except ValueError:
        raise ConfigError(f"{what} er ikke en dato (ÅÅÅÅ-MM-DD).") from None


def team_rows(rows: list[Any]) -> list[dict[str, Any]]:
    records = [r.record for r in rows]
    _, cells = display_rows(records, "course")
    out = []
    for row, r, c in zip(rows, records, cells, strict=True):
        missed = "; ".join(i.title for i in r.progress.missed_first)
        out.append({"tone": tone(r), "cells": [c[0], row.meeting.isoformat() if row.meeting else "", c[1], c[2],
                                               c[3], missed, c[8]]})
    return out


async def team_page(request: Request, settings: Any, session: dict[str, Any], page: Page) -> Response:
    courses = sorted(settings.known_courses.items(), key=lambda kv: kv[1].lower())
    common: dict[str, Any] = {"courses": courses, "sorts": SORTS, "can_store": settings.invitations is not None,
                              "headers": TEAM_HEADERS, "rows": [], "shown": False, "chart": None, "error": "",
                              "course_title": "", "here": "team"}
    blank = {"course": courses[0][0] if courses else "", "source": "mine" if settings.invitations else "pasted",
             "codes": "", "since": "", "until": "", "sort": "meeting"}
    if request.method == "GET":
        return page(request, "team.html", form=blank, **common)
    form = {k: str(v) for k, v in (await request.form()).items()}
    shown = {**blank, **{k: form.get(k, blank[k])[:20_000] for k in blank}}
    if not same_token(form.get("csrf"), session.get("c")):
        return page(request, "team.html", 400, form=shown, **{**common, "error": "Siden var udløbet. Prøv igen."})
    if looks_like_cpr(shown["codes"]):  # refused before any request, never echoed
        return page(request, "team.html", 400, form={**shown, "codes": ""}, **{**common, "error": CPR_MESSAGE})
    course = shown["course"]
    if course not in settings.known_courses:
        return page(request, "team.html", 400, form=shown, **{**common, "error": "Vælg et kursus."})
    try:
        since, until = _day(shown["since"], "Møde fra"), _day(shown["until"], "Møde til")
        if shown["source"] == "mine" and settings.invitations is not None:
            settings.invitations.purge(settings.retention_days)
            team = [(i.code, i.meeting) for i in settings.invitations.mine(session["u"], course)]
        else:
            team = parse_team(shown["codes"])
        rows = await run_in_threadpool(lambda: lookup_team(settings.client(), course, team,
                                                           settings.known_courses.get(course), settings.path_labels))
        today = settings.clock().date()
        moments = await run_in_threadpool(lambda: completions(settings.client(), course, chart_since(today)))
    except CprError:
        return page(request, "team.html", 400, form={**shown, "codes": ""}, **{**common, "error": CPR_MESSAGE})
    except (ConfigError, CodeTypoError) as exc:
        return page(request, "team.html", 400, form=shown, **{**common, "error": str(exc)})
    except LRSError as exc:
        log.error("records team lookup failed: %s", exc)
        return page(request, "team.html", 502, form=shown, **{**common, "error": LRS_DOWN})
    rows = filter_and_sort(rows, since, until, shown["sort"])
    if form.get("action") == "csv":
        meetings = {r.record.learner.name: r.meeting.isoformat() if r.meeting else "" for r in rows}
        body = to_csv([r.record for r in rows], "course", meetings)
        return Response(body.encode("utf-8"), media_type="text/csv; charset=utf-8", headers={
            **SECURITY_HEADERS, "Content-Disposition": 'attachment; filename="hold.csv"'})
    title = settings.known_courses[course]
    chart = weekly_chart(title, weekly(moments, today))
    return page(request, "team.html", form=shown, **{**common, "rows": team_rows(rows), "shown": True,
                                                     "chart": chart, "course_title": title})


async def invite_page(request: Request, settings: Any, session: dict[str, Any], page: Page) -> Response:
    courses = sorted(settings.known_courses.items(), key=lambda kv: kv[1].lower())
    store = settings.invitations
    blank = {"course": courses[0][0] if courses else "", "count": "1", "base_url": "", "meeting": "", "note": ""}

    def show(status: int = 200, form: dict[str, str] = blank, made: list[tuple[str, str]] | None = None,
             error: str = "") -> Response:
        if store is not None:
            store.purge(settings.retention_days)
        mine = store.mine(session["u"]) if store is not None else None
        return page(request, "invite.html", status, courses=courses, form=form, made=made or [], error=error,
                    mine=mine, titles=settings.known_courses, retention_days=settings.retention_days, here="invite")

    if request.method == "GET":
        return show()
    data = {k: str(v) for k, v in (await request.form()).items()}
    form = {**blank, **{k: data.get(k, blank[k])[:600] for k in blank}}
    if not same_token(data.get("csrf"), session.get("c")):
        return show(400, form, error="Siden var udløbet. Prøv igen.")
    if data.get("action") == "delete" and store is not None:
        store.delete(session["u"], data.get("code", ""))
        return show()
    if looks_like_cpr(form["note"]):
        return show(400, {**form, "note": ""}, error=CPR_MESSAGE)
    if form["course"] not in settings.known_courses:
        return show(400, form, error="Vælg et kursus.")
    try:
        count = int(form["count"])
        meeting = _day(form["meeting"], "Mødedato")
        if not 1 <= count <= 500:
            raise ValueError
    except ValueError:
        return show(400, form, error="Skriv et antal mellem 1 og 500.")
    except ConfigError as exc:
        return show(400, form, error=str(exc))
    base_url = form["base_url"].strip() or form["course"]
    if not base_url.startswith(("https://", "http://")):
        return show(400, form, error="Kursets adresse skal begynde med https://.")
    try:
        note = check_note(form["note"])
        if store is not None:
            made = store.create(form["course"], session["u"], count, meeting, note)
        else:
            made = [Invitation(new_code(), form["course"], session["u"], utc_now(), meeting, note) for _ in range(count)]
    except ConfigError as exc:
        return show(400, form, error=str(exc))
    return show(200, {**blank, "course": form["course"], "base_url": form["base_url"]},
                [(i.code, i.link(base_url)) for i in made])
