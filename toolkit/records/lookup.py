"""The two lookups a caseworker makes, shared by the CLI and the web page."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import yaml

from toolkit.errors import ConfigError
from toolkit.records.client import LRSClient
from toolkit.records.status import (CourseRecord, Learner, course_aliases, records_for_course,
                                    records_for_learner)

LOCAL_TZ = ZoneInfo("Europe/Copenhagen")


def _read_course_yaml(path: Path) -> dict[str, Any]:
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = mark.line + 1 if mark is not None else 1
        raise ConfigError(f"{path}:{line}: not valid YAML") from None
    return data if isinstance(data, dict) else {}


def local_courses(root: Path | None = None) -> dict[str, tuple[str, str]]:
    """Courses under ``<root>/courses``: slug → (IRI, title).  {} when there are none."""
    from toolkit.build import discover_courses

    try:
        dirs = discover_courses(None, cwd=root or Path.cwd())
    except ConfigError:
        return {}
    out: dict[str, tuple[str, str]] = {}
    for d in dirs:
        data = _read_course_yaml(d / "course.yaml")
        if isinstance(data.get("id"), str):
            out[d.name] = (data["id"], str(data.get("title") or data["id"]))
    return out


def known_course_titles(root: Path | None = None) -> dict[str, str]:
    """Course IRI → title for every local course."""
    return {iri: title for iri, title in local_courses(root).values()}


def resolve_course(arg: str, root: Path | None = None) -> tuple[str, str | None]:
    """A course IRI (returned as is) or a local slug → (IRI, title or None)."""
    courses = local_courses(root)
    if ":" in arg:  # an IRI: https://..., urn:..., tag:...
        titles = {iri: title for iri, title in courses.values()}
        return arg, titles.get(arg)
    if arg in courses:
        return courses[arg]
    where = (root or Path.cwd()) / "courses"
    known = ", ".join(sorted(courses)) or "none"
    raise ConfigError(f"unknown course {arg!r}: not an IRI and not a folder with course.yaml under {where} "
                      f"(known slugs: {known})")


def local_time(moment: dt.datetime | None) -> str:
    """``2026-03-02 09:15`` in Copenhagen time; "" for none."""
    return moment.astimezone(LOCAL_TZ).strftime("%Y-%m-%d %H:%M") if moment else ""


def parse_day(value: str, end: bool = False) -> dt.datetime:
    """``YYYY-MM-DD`` as the start of that day in Copenhagen (with *end*: the start of the next day).

    A full ISO date-time is taken as given (UTC when it has no zone).
    """
    try:
        day = dt.date.fromisoformat(value)
    except ValueError:
        try:
            moment = dt.datetime.fromisoformat(value)
        except ValueError:
            raise ConfigError(f"{value!r} is not a date (YYYY-MM-DD) or ISO date-time") from None
        return moment if moment.tzinfo else moment.replace(tzinfo=dt.timezone.utc)
    if end:
        day += dt.timedelta(days=1)
    return dt.datetime.combine(day, dt.time(0), tzinfo=LOCAL_TZ)


def lookup_learner(client: LRSClient, learner_id: str, known: dict[str, str] | None = None) -> list[CourseRecord]:
    """Every course *learner_id* has statements about, across the configured homePages."""
    learner_id = learner_id.strip()
    if not learner_id:
        raise ConfigError("learner id is empty")
    statements: dict[str, dict[str, Any]] = {}
    homepages = client.connection.homepages
    for homepage in homepages:
        for s in client.statements(agent=(homepage, learner_id)):
            statements.setdefault(str(s.get("id")), s)
    learner = Learner(learner_id, homepages[0] if len(homepages) == 1 else "")
    return records_for_learner(learner, statements.values(), known)


def lookup_course(client: LRSClient, course_id: str, title: str | None = None,
                  since: dt.datetime | None = None, until: dt.datetime | None = None,
                  learners: list[str] | None = None) -> list[CourseRecord]:
    """Every learner's record in one course; *learners* adds "ikke startet" rows for a team's list.

    *since*/*until* filter on when the LRS stored the statements (the xAPI
    meaning of those parameters).
    """
    statements: dict[str, dict[str, Any]] = {}
    for activity in course_aliases(course_id):  # the course, and its cmi5 AU
        for s in client.statements(activity=activity, related_activities=True, since=since, until=until):
            statements.setdefault(str(s.get("id")), s)
    team = [Learner(name) for name in learners or []]
    return records_for_course(course_id, statements.values(), title, team)
