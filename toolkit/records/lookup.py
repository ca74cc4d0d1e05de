"""The two lookups a caseworker makes, shared by the CLI and the web page."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from toolkit.errors import ConfigError, SourceError
from toolkit.records.client import LRSClient
from toolkit.records.codes import CodeTypoError, CprError, learner_id as checked_id
from toolkit.records.status import (
    CourseRecord,
    Learner,
    course_aliases,
    records_for_course,
    records_for_learner,
)
from toolkit.source.yamlutil import load_yaml_file

LOCAL_TZ = ZoneInfo("Europe/Copenhagen")


@dataclass(frozen=True)
class LocalCourse:
    iri: str
    title: str
    paths: dict[str, str] = field(default_factory=dict)  # path option id → label


def _read_course(path: Path) -> LocalCourse | None:
    """A course's id, title and path options from its course.yaml, with the source loader's line marks."""
    try:
        data = load_yaml_file(path)
    except SourceError as exc:
        raise ConfigError(str(exc)) from None
    if not isinstance(data, dict) or not isinstance(data.get("id"), str):
        return None
    paths: dict[str, str] = {}
    options = (data.get("paths") or {}).get("options") if isinstance(data.get("paths"), dict) else None
    for option in options if isinstance(options, list) else []:
        if isinstance(option, dict) and isinstance(option.get("id"), str):
            paths[option["id"]] = str(option.get("label") or option["id"])
    return LocalCourse(data["id"], str(data.get("title") or data["id"]), paths)


def local_courses(root: Path | None = None) -> dict[str, LocalCourse]:
    """Courses under ``<root>/courses`` (each folder with a course.yaml): slug → course.  {} when none."""
    folder = (root or Path.cwd()) / "courses"
    if not folder.is_dir():
        return {}
    out: dict[str, LocalCourse] = {}
    for d in sorted(c for c in folder.iterdir() if (c / "course.yaml").is_file()):
        course = _read_course(d / "course.yaml")
        if course is not None:
            out[d.name] = course
    return out


def path_labels(root: Path | None = None) -> dict[str, dict[str, str]]:
    """Course IRI → {path option id → label} for every local course with paths."""
    return {c.iri: c.paths for c in local_courses(root).values() if c.paths}


def known_course_titles(root: Path | None = None) -> dict[str, str]:
    """Course IRI → title for every local course."""
    return {c.iri: c.title for c in local_courses(root).values()}


def resolve_course(arg: str, root: Path | None = None) -> tuple[str, str | None]:
    """A course IRI (returned as is) or a local slug → (IRI, title or None)."""
    courses = local_courses(root)
    if ":" in arg:  # an IRI: https://..., urn:..., tag:...
        titles = {c.iri: c.title for c in courses.values()}
        return arg, titles.get(arg)
    if arg in courses:
        return courses[arg].iri, courses[arg].title
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
        return moment if moment.tzinfo else moment.replace(tzinfo=dt.UTC)
    if end:
        day += dt.timedelta(days=1)
    return dt.datetime.combine(day, dt.time(0), tzinfo=LOCAL_TZ)


def read_team_file(path: Path) -> list[str]:
    """One learner id per line (``#`` comments); a CPR-shaped line is refused as ``path:line``, not echoed."""
    try:
        lines = path.read_text(encoding="utf-8-sig").splitlines()
    except (OSError, UnicodeDecodeError) as exc:
        raise ConfigError(f"{path}: cannot read the list of learners: {exc}") from None
    team = []
    for number, line in enumerate(lines, start=1):
        if line.strip() and not line.lstrip().startswith("#"):
            try:
                team.append(checked_id(line))
            except (CprError, CodeTypoError) as exc:
                raise ConfigError(f"{path}:{number}: {exc}") from None
    return team


def name_paths(records: list[CourseRecord], labels: dict[str, dict[str, str]] | None) -> list[CourseRecord]:
    """Show each chosen path by its label from the course's course.yaml when the course is local."""
    for r in records:
        if r.progress.path:
            r.progress.path_label = (labels or {}).get(r.course_id, {}).get(r.progress.path, r.progress.path)
    return records


def lookup_learner(client: LRSClient, learner_id: str, known: dict[str, str] | None = None,
                   labels: dict[str, dict[str, str]] | None = None) -> list[CourseRecord]:
    """Every course *learner_id* has statements about, across the configured homePages."""
    learner_id = checked_id(learner_id)  # refuses CPR numbers before any request
    if not learner_id:
        raise ConfigError("learner id is empty")
    statements: dict[str, dict[str, Any]] = {}
    homepages = client.connection.homepages
    for homepage in homepages:
        for s in client.statements(agent=(homepage, learner_id)):
            statements.setdefault(str(s.get("id")), s)
    learner = Learner(learner_id, homepages[0] if len(homepages) == 1 else "")
    return name_paths(records_for_learner(learner, statements.values(), known), labels)


def lookup_course(client: LRSClient, course_id: str, title: str | None = None,
                  since: dt.datetime | None = None, until: dt.datetime | None = None,
                  learners: list[str] | None = None,
                  labels: dict[str, dict[str, str]] | None = None) -> list[CourseRecord]:
    """Every learner's record in one course; *learners* adds "Ikke startet" rows for a team's list.

    *since*/*until* filter on when the LRS stored the statements (the xAPI
    meaning of those parameters).
    """
    team = [Learner(checked_id(name)) for name in learners or []]
    statements: dict[str, dict[str, Any]] = {}
    for activity in course_aliases(course_id):  # the course, and its cmi5 AU
        for s in client.statements(activity=activity, related_activities=True, since=since, until=until):
            statements.setdefault(str(s.get("id")), s)
    return name_paths(records_for_course(course_id, statements.values(), title, team), labels)
