"""The catalogue: a start page listing every course, with a short screening
("which courses fit me?") that recommends courses and lets the learner keep
a list of their own.  It works from ``file://`` and stores nothing outside
the browser.  The screening lives in ``courses/catalogue.yaml``."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from toolkit.i18n import Translator
from toolkit.model import Brand, Course
from toolkit.render.env import asset_chain
from toolkit.site import Writer, brand_css
from toolkit.source.fields import check_keys, each_mapping, get_id, get_list, get_str, line_of, load_mapping
from toolkit.source.report import Report

if TYPE_CHECKING:
    import jinja2

CATALOGUE_KEYS = {"title", "intro", "questions"}
QUESTION_KEYS = {"id", "question", "answers"}
ANSWER_KEYS = {"id", "label", "recommend"}


@dataclass
class Answer:
    """One answer to a screening question, and the courses it recommends."""

    id: str
    label: str
    recommend: list[str] = field(default_factory=list)


@dataclass
class ScreeningQuestion:
    """A question of the catalogue page that helps a citizen find a course."""

    id: str
    question: str
    answers: list[Answer]


@dataclass
class Catalogue:
    """``catalogue.yaml``: the page that lists a project's courses."""

    title: str
    intro: str
    questions: list[ScreeningQuestion]


def load_catalogue(path: Path, slugs: set[str], report: Report) -> Catalogue | None:
    if not path.is_file():
        return None
    data = load_mapping(path, report, "catalogue.yaml must be a mapping with 'title', 'intro' and 'questions'")
    if data is None:
        return None
    check_keys(data, CATALOGUE_KEYS, path, report, "catalogue.yaml")
    questions = []
    for i, qline, q in each_mapping(data, "questions", path, report, "catalogue.yaml", QUESTION_KEYS,
                                    "a screening question",
                                    "each question must be a mapping with 'id', 'question' and 'answers'"):
        answers = []
        for j, aline, a in each_mapping(q, "answers", path, report, "a screening question", ANSWER_KEYS, "an answer",
                                        "each answer must be a mapping with 'id' and 'label'", qline):
            recommend = [str(s) for s in get_list(a, "recommend", path, report, "an answer")]
            for slug in recommend:
                if slug not in slugs:
                    report.error(path, line_of(a, "recommend", aline), f"recommends an unknown course '{slug}'")
            answers.append(Answer(get_id(a, "id", path, report, "an answer") or f"a{j + 1}",
                                  get_str(a, "label", path, report, "an answer", required=True, default_line=aline) or "",
                                  recommend))
        if len(answers) < 2:
            report.error(path, qline, "a screening question needs at least two answers")
        questions.append(ScreeningQuestion(get_id(q, "id", path, report, "a screening question") or f"q{i + 1}",
                                           get_str(q, "question", path, report, "a screening question",
                                                   required=True, default_line=qline) or "", answers))
    if not 1 <= len(questions) <= 6:
        report.warning(path, 1, "a screening works best with 3 to 5 questions")
    return Catalogue(get_str(data, "title", path, report, "catalogue.yaml", required=True, default_line=1) or "",
                     get_str(data, "intro", path, report, "catalogue.yaml") or "", questions)


def write_catalogue(catalogue: Catalogue, courses: list[Course], brand: Brand | None, env: jinja2.Environment,
                    dest: Path, project_root: Path | None, previous: Path | None) -> None:
    language = courses[0].language if courses else "da"
    t = Translator(language)
    data = {"courses": [c.slug for c in courses],
            "questions": [{"id": q.id, "answers": {a.id: a.recommend for a in q.answers}} for q in catalogue.questions]}
    html = env.get_template("catalogue.html").render(
        catalogue=catalogue, courses=courses, brand=brand, t=t, language=language,
        data=json.dumps(data, ensure_ascii=False, sort_keys=True))
    writer = Writer(dest, previous)
    for folder in reversed(asset_chain(brand, project_root)):
        for file in sorted(folder.rglob("*")):
            if file.is_file():
                writer.copy(f"assets/{file.relative_to(folder).as_posix()}", file)
    if courses:
        writer.write_text("assets/brand.css", brand_css(courses[0]))
    writer.write_text("index.html", html)
