"""The catalogue: a start page over every course, with a short screening.

``courses/catalogue.yaml`` holds the page's title, intro and the screening
questions; each answer may recommend course slugs.  The page is written to
``build/catalogue/index.html`` with its script and styles beside it.  It works
from ``file://``, makes no request and keeps the learner's list only in
``localStorage``.
"""

from __future__ import annotations

import json
import shutil
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from toolkit.errors import SourceError
from toolkit.model import Course
from toolkit.render.env import make_environment
from toolkit.source.fields import ID_RE, check_keys, line_of
from toolkit.source.report import Report
from toolkit.source.yamlutil import load_yaml_file

CATALOGUE_KEYS = {"title", "intro", "order", "questions"}
QUESTION_KEYS = {"id", "question", "options"}
OPTION_KEYS = {"id", "label", "recommends"}


@dataclass
class Option:
    id: str
    label: str
    recommends: list[str] = field(default_factory=list)


@dataclass
class Question:
    id: str
    question: str
    options: list[Option] = field(default_factory=list)


@dataclass
class Catalogue:
    path: Path
    title: str
    intro: str
    questions: list[Question] = field(default_factory=list)
    order: list[str] = field(default_factory=list)

    def sort(self, courses: list[Course]) -> list[Course]:
        """Courses in the catalogue's ``order``; any not named follow by slug."""
        rank = {slug: i for i, slug in enumerate(self.order)}
        return sorted(courses, key=lambda c: (rank.get(c.slug, len(rank)), c.slug))


def catalogue_path(courses_dir: Path) -> Path:
    return courses_dir / "catalogue.yaml"


def load_catalogue(path: Path, slugs: set[str], report: Report) -> Catalogue | None:
    """Parse and validate *path*; every problem is reported at its line."""
    try:
        data: Any = load_yaml_file(path)
    except SourceError as exc:
        report.absorb(exc)
        return None
    if not isinstance(data, dict):
        report.error(path, 1, "catalogue.yaml must be a mapping with 'title', 'intro' and 'questions'")
        return None
    check_keys(data, CATALOGUE_KEYS, path, report, "catalogue.yaml")
    cat = Catalogue(path, _text(data, "title", path, report, 1), _text(data, "intro", path, report, 1, required=False))
    order = data.get("order") or []
    if not isinstance(order, list):
        report.error(path, line_of(data, "order", 1), "'order' must be a list of course slugs")
        order = []
    for i, slug in enumerate(order):
        if str(slug) not in slugs:
            report.error(path, line_of(order, i, line_of(data, "order", 1)), f"unknown course '{slug}' in order")
    cat.order = [str(s) for s in order if str(s) in slugs]
    raw = data.get("questions")
    if not isinstance(raw, list) or not raw:
        report.error(path, line_of(data, "questions", 1), "'questions' must be a list of 1–5 screening questions")
        return cat
    if len(raw) > 5:
        report.error(path, line_of(data, "questions", 1), f"{len(raw)} questions: keep the screening to at most 5")
    seen: set[str] = set()
    for i, q in enumerate(raw):
        qline = line_of(raw, i, 1)
        if not isinstance(q, dict):
            report.error(path, qline, "each question must be a mapping with 'id', 'question' and 'options'")
            continue
        check_keys(q, QUESTION_KEYS, path, report, "a question")
        qid = _id(q, path, report, qline, seen)
        question = Question(qid, _text(q, "question", path, report, qline))
        options = q.get("options")
        if not isinstance(options, list) or len(options) < 2:
            report.error(path, line_of(q, "options", qline), "a question needs at least two 'options'")
            options = []
        oseen: set[str] = set()
        for j, o in enumerate(options):
            oline = line_of(options, j, qline)
            if not isinstance(o, dict):
                report.error(path, oline, "each option must be a mapping with 'id' and 'label'")
                continue
            check_keys(o, OPTION_KEYS, path, report, "an option")
            rec = o.get("recommends") or []
            if not isinstance(rec, list):
                report.error(path, line_of(o, "recommends", oline), "'recommends' must be a list of course slugs")
                rec = []
            for slug in rec:
                if str(slug) not in slugs:
                    known = ", ".join(sorted(slugs)) or "none"
                    report.error(path, line_of(o, "recommends", oline), f"unknown course '{slug}' in recommends (courses: {known})")
            question.options.append(Option(_id(o, path, report, oline, oseen), _text(o, "label", path, report, oline),
                                           [str(s) for s in rec if str(s) in slugs]))
        cat.questions.append(question)
    return cat


def _text(mapping: dict[str, Any], key: str, path: Path, report: Report, line: int, required: bool = True) -> str:
    value = mapping.get(key)
    if value is None or (isinstance(value, str) and not value.strip()):
        if required:
            report.error(path, line, f"missing required key '{key}'")
        return ""
    if not isinstance(value, (str, int, float)) or isinstance(value, bool):
        report.error(path, line_of(mapping, key, line), f"'{key}' must be text")
        return ""
    return str(value).strip()


def _id(mapping: dict[str, Any], path: Path, report: Report, line: int, seen: set[str]) -> str:
    value = str(mapping.get("id") or "")
    if not ID_RE.match(value):
        report.error(path, line_of(mapping, "id", line), f"id '{value}' must be lower-case letters, digits, '-' and '_'")
    elif value in seen:
        report.error(path, line_of(mapping, "id", line), f"duplicate id '{value}'")
    seen.add(value)
    return value


def catalogue_data(cat: Catalogue, courses: list[Course]) -> dict[str, Any]:
    """What the page's script needs (no function of the build machine)."""
    return {
        "courses": [{"slug": c.slug, "title": c.title} for c in courses],
        "questions": [{"id": q.id, "options": [{"id": o.id, "recommends": o.recommends} for o in q.options]}
                      for q in cat.questions],
    }


def write_catalogue(cat: Catalogue, courses: list[Course], project: Path, dest: Path) -> Path:
    """Write ``dest/index.html`` plus ``assets/catalogue.js`` and ``assets/toolkit.css``."""
    courses = cat.sort(courses)
    env = make_environment(None, project)
    data = json.dumps(catalogue_data(cat, courses), ensure_ascii=False).replace("</", "<\\/")
    html = env.get_template("catalogue.html").render(catalogue=cat, courses=courses, data=data)
    dest.mkdir(parents=True, exist_ok=True)
    (dest / "index.html").write_text(html, encoding="utf-8")
    assets = dest / "assets"
    assets.mkdir(exist_ok=True)
    for name in ("catalogue.js", "toolkit.css"):
        for root in (project / "templates" / "assets", Path(__file__).resolve().parent.parent / "templates" / "assets"):
            if (root / name).is_file():
                shutil.copyfile(root / name, assets / name)
                break
    return dest / "index.html"
