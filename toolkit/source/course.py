"""Loading ``course.yaml`` and gathering a course's lessons."""

from __future__ import annotations

import datetime as dt
import os
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any
from urllib.parse import urlparse

from toolkit.errors import SourceError
from toolkit.model import Brand, Course, Fact, Lesson, PathChoice, PathOption, Source
from toolkit.source.facts import parse_facts
from toolkit.source.fields import (
    check_keys,
    each_mapping,
    escape_problem,
    get_id,
    get_list,
    get_number,
    get_str,
    line_of,
    load_mapping,
)
from toolkit.source.lesson import load_lesson
from toolkit.source.report import Report
from toolkit.source.yamlutil import load_yaml_file

COURSE_KEYS = {"id", "title", "language", "version", "description", "duration_minutes",
               "audience", "completion", "sources", "lessons", "reviewed", "review_by", "paths", "help",
               "sanitize_html"}
COMPLETION_KEYS = {"pass_mark"}
SOURCE_KEYS = {"title", "url", "date", "publisher", "checked"}
PATHS_KEYS = {"question", "options"}
OPTION_KEYS = {"id", "label", "description"}
SHARED_FACTS = "facts.yaml"  # beside the course folders: courses/facts.yaml
BCP47_RE = re.compile(r"^[a-zA-Z]{2,3}(-[a-zA-Z0-9]{2,8})*$")
IRI_SCHEME_RE = re.compile(r"^[a-zA-Z][a-zA-Z0-9+.-]*:")


def is_absolute_iri(value: str) -> bool:
    if not IRI_SCHEME_RE.match(value) or any(c.isspace() for c in value):
        return False
    parsed = urlparse(value)
    if parsed.scheme in ("http", "https"):
        return bool(parsed.netloc)
    return bool(parsed.scheme) and len(value) > len(parsed.scheme) + 1


def _date(data: dict[str, Any], key: str, path: Path, report: Report) -> dt.date | None:
    value = data.get(key)
    if value is None:
        return None
    if isinstance(value, dt.date):
        return value
    report.error(path, line_of(data, key), f"'{key}' must be a date as YYYY-MM-DD, not '{value}'")
    return None


def load_course(course_dir: Path, brand: Brand, report: Report) -> Course | None:
    """Load one course folder; every problem goes to *report*.

    Returns ``None`` when ``course.yaml`` itself is unusable.
    """
    path = course_dir / "course.yaml"
    if not path.is_file():
        report.error(course_dir, 0, "not a course folder: course.yaml is missing")
        return None
    data = load_mapping(path, report, "course.yaml must be a mapping of keys to values")
    if data is None:
        return None
    check_keys(data, COURSE_KEYS, path, report, "course.yaml")
    what = "course.yaml"
    cid = get_str(data, "id", path, report, what, required=True, default_line=1)
    if cid and not is_absolute_iri(cid):
        report.error(path, line_of(data, "id"),
                     f"'id' must be an absolute IRI such as https://example.org/courses/x, not '{cid}'")
    title = get_str(data, "title", path, report, what, required=True, default_line=1)
    language = get_str(data, "language", path, report, what, required=True, default_line=1)
    if language and not BCP47_RE.match(language):
        report.error(path, line_of(data, "language"), f"'language' must be a BCP 47 tag such as 'da' or 'en', not '{language}'")
    version = get_str(data, "version", path, report, what, required=True, default_line=1)
    description = get_str(data, "description", path, report, what, required=True, default_line=1)
    course = Course(
        id=cid or "", slug=course_dir.name, root=course_dir, title=title or course_dir.name,
        language=language or "en", version=version or "0", description=description or "",
        duration_minutes=get_number(data, "duration_minutes", path, report, what, 1, 600),
        audience=get_str(data, "audience", path, report, what),
        reviewed=_date(data, "reviewed", path, report),
        review_by=_date(data, "review_by", path, report),
        brand=brand,
    )
    sanitize = data.get("sanitize_html", False)
    if not isinstance(sanitize, bool):
        report.error(path, line_of(data, "sanitize_html"), f"'sanitize_html' must be true or false, not '{sanitize}'")
    course.sanitize_html = sanitize is True
    completion = data.get("completion")
    if completion is not None:
        if not isinstance(completion, dict):
            report.error(path, line_of(data, "completion"), "'completion' must be a mapping with 'pass_mark'")
        else:
            check_keys(completion, COMPLETION_KEYS, path, report, "completion")
            mark = get_number(completion, "pass_mark", path, report, "completion", 0, 1)
            if mark is not None:
                course.pass_mark = mark
    course.sources = _sources(data, path, report)
    course.paths = _paths(data, path, report)
    shared = _facts_file(course_dir.parent / SHARED_FACTS, report, "shared")
    course.facts.update(shared)
    course.facts.update(_facts_file(course_dir / "facts.yaml", report, "course", shared))
    course.facts.update(brand.facts)
    course.help = _help(data, course.facts, path, report)
    course.lesson_files = _lesson_files(course, data, path, report)
    return course


def _facts_file(path: Path, report: Report, origin: str, shared: dict[str, Fact] | None = None) -> dict[str, Fact]:
    if not path.is_file():
        return {}
    try:
        return parse_facts(load_yaml_file(path), path, report, origin, shared=shared)
    except SourceError as exc:
        report.absorb(exc)
        return {}


def _help(data: dict[str, Any], facts: dict[str, Fact], path: Path, report: Report) -> list[str]:
    """``help``: help lines shown on every page, each a fact prefix with ``.name`` and ``.phone``."""
    prefixes = []
    for i, item in enumerate(get_list(data, "help", path, report, "course.yaml")):
        line = line_of(data["help"], i)
        if not isinstance(item, str):
            report.error(path, line, "each 'help' entry must be the name of a fact group, such as helpline.livslinien")
            continue
        missing = [f"{item}.{part}" for part in ("name", "phone") if f"{item}.{part}" not in facts]
        if missing:
            report.error(path, line, f"help line '{item}' needs the facts {' and '.join(missing)}")
            continue
        prefixes.append(item)
    return prefixes


def _sources(data: dict[str, Any], path: Path, report: Report) -> list[Source]:
    """The ``sources`` list; the same page listed twice is an error."""
    sources: list[Source] = []
    seen: dict[str, int] = {}
    for _, line, item in each_mapping(data, "sources", path, report, "course.yaml", SOURCE_KEYS, "a source",
                                      "each source must be a mapping with 'title', 'url' and 'date'"):
        title = get_str(item, "title", path, report, "a source", required=True, default_line=line)
        url = get_str(item, "url", path, report, "a source")
        dates = [_date(item, key, path, report) for key in ("date", "checked")]
        if url and url in seen:
            report.error(path, line, f"source {url} is listed twice (also at line {seen[url]})")
            continue
        if url:
            seen[url] = line
        date, checked = (d.isoformat() if d else None for d in dates)
        sources.append(Source(title or "", url, date, get_str(item, "publisher", path, report, "a source"), checked))
    return sources


def _paths(data: dict[str, Any], path: Path, report: Report) -> PathChoice | None:
    raw = data.get("paths")
    if raw is None:
        return None
    if not isinstance(raw, dict):
        report.error(path, line_of(data, "paths"), "'paths' must be a mapping with 'question' and 'options'")
        return None
    check_keys(raw, PATHS_KEYS, path, report, "paths")
    question = get_str(raw, "question", path, report, "paths", required=True)
    options = []
    for _, line, item in each_mapping(raw, "options", path, report, "paths", OPTION_KEYS, "a path option",
                                      "each path option must be a mapping with 'id' and 'label'"):
        oid = get_id(item, "id", path, report, "a path option")
        label = get_str(item, "label", path, report, "a path option", required=True, default_line=line)
        if oid is None:
            report.error(path, line, "a path option needs an 'id'")
        elif label:
            options.append(PathOption(oid, label, get_str(item, "description", path, report, "a path option")))
    if len(options) < 2:
        report.error(path, line_of(data, "paths"), "'paths' needs at least two options")
    return PathChoice(question or "", options)


LINKED_FOLDER = "the lessons folder is a symbolic link; the build reads no file from outside the course and its brand"


def _lesson_files(course: Course, data: dict[str, Any], path: Path, report: Report) -> list[tuple[Path, str]]:
    """The lesson files in course order, with where each came from."""
    lessons_dir = course.root / "lessons"
    files: list[Path] = []
    if lessons_dir.is_symlink():  # the files in it would be read from wherever it points
        report.error(lessons_dir, 0, LINKED_FOLDER)
        return []
    listed = get_list(data, "lessons", path, report, "course.yaml")
    if listed:
        for i, name in enumerate(listed):
            candidate = lessons_dir / str(name)
            if not isinstance(name, str) or not candidate.is_file():
                report.error(path, line_of(data["lessons"], i), f"listed lesson not found: lessons/{name}")
            elif problem := escape_problem(candidate, lessons_dir):
                report.error(path, line_of(data["lessons"], i), f"lesson lessons/{name} {problem}")
            else:
                files.append(candidate)
    elif lessons_dir.is_dir():
        with os.scandir(lessons_dir) as entries:  # cheaper than glob and sorting paths, at 1,000 lessons
            # normcase: on Windows, as glob did, .MD counts and names sort without case
            found = sorted(((e.name, e.is_symlink()) for e in entries
                            if os.path.normcase(e.name).endswith(".md") and e.is_file()),
                           key=lambda item: os.path.normcase(item[0]))
        # A file right in lessons/ that is no link stays inside it; the directory entry says which
        # are links (no stat), and only those are checked.
        files = [lessons_dir / name for name, _ in found]
        links = [file for file, (_, link) in zip(files, found, strict=True) if link]
        if links:
            kept = set(_confined(links, lessons_dir, report))
            files = [file for file, (_, link) in zip(files, found, strict=True) if not link or file in kept]
    origins = {f.name: "course" for f in files}
    brand = course.brand
    if brand is not None:
        for root in reversed(brand.chain):  # least specific first, so the chosen brand wins
            local_dir = root / "courses" / course.slug / "lessons"
            if local_dir.is_symlink():
                report.error(local_dir, 0, LINKED_FOLDER)
                continue
            if not local_dir.is_dir():
                continue
            for local in _confined(sorted(local_dir.glob("*.md")), local_dir, report):
                names = [f.name for f in files]
                if local.name in names:
                    files[names.index(local.name)] = local
                    origins[local.name] = f"brand:{root.name} (replaces lessons/{local.name})"
                else:
                    position = sum(1 for n in names if n <= local.name) if not listed else \
                        max((i + 1 for i, n in enumerate(names) if n <= local.name), default=0)
                    files.insert(position, local)
                    origins[local.name] = f"brand:{root.name} (adds)"
    if not files:
        report.error(path, 1, "the course has no lessons: add Markdown files under lessons/")
    return [(f, origins.get(f.name, "course")) for f in files]


def _confined(files: list[Path], folder: Path, report: Report) -> list[Path]:
    """*files* without those that would be read from outside *folder* (each an error)."""
    kept = []
    for file in files:
        if problem := escape_problem(file, folder):
            report.error(file, 0, f"lesson file {problem}")
        else:
            kept.append(file)
    return kept


LessonLoader = Callable[[Path, Course, Report], "Lesson | None"]


def add_lessons(course: Course, report: Report, loader: LessonLoader = load_lesson) -> None:
    """Load every lesson file with *loader*, in order, rejecting duplicate ids."""
    seen: dict[str, Path] = {}
    for file, origin in course.lesson_files:
        lesson = loader(file, course, report)
        if lesson is None:
            continue
        lesson.origin = origin
        lesson.index = len(course.lessons)
        if lesson.id in seen:
            report.error(file, 1, f"duplicate lesson id '{lesson.id}' (also used by {seen[lesson.id].name})")
            continue
        seen[lesson.id] = file
        course.lessons.append(lesson)
    path_ids = {o.id for o in course.paths.options} if course.paths else set()
    for lesson in course.lessons:
        for pid in lesson.paths:
            if pid not in path_ids:
                report.error(lesson.source, 2, f"lesson path '{pid}' is not an option of 'paths' in course.yaml")
