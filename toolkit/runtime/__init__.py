"""The browser runtime shipped inside every site and package.

``course_data`` is the contract between the build and the JavaScript: it is
written to ``assets/course-data.js`` as ``window.TK_COURSE``.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from toolkit.i18n import Translator
from toolkit.model import Course

COURSE_DATA = "assets/course-data.js"
RUNTIME_DIR = Path(__file__).resolve().parent
RUNTIME_STRINGS = ("check_answer", "correct", "incorrect", "partly", "choose_answer", "complete",
                   "completed_lessons", "standalone", "try_again", "lesson_done", "score",
                   "print", "save_file", "exercise")


def runtime_files() -> list[Path]:
    """JavaScript and CSS files copied to ``assets/``."""
    return sorted(p for p in RUNTIME_DIR.iterdir() if p.suffix in (".js", ".css") and p.is_file())


def course_data_script(data: dict[str, Any]) -> bytes:
    """``assets/course-data.js``: the course data as ``window.TK_COURSE``."""
    text = json.dumps(data, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    return f"window.TK_COURSE={text};\n".encode("utf-8")


def course_data(course: Course, settings: dict[str, Any] | None = None) -> dict[str, Any]:
    t = Translator(course.language)
    settings = settings or {}
    return {
        "id": course.id,
        "slug": course.slug,
        "title": course.title,
        "language": course.language,
        "version": course.version,
        "passMark": course.pass_mark,
        "paths": [{"id": o.id, "label": o.label} for o in course.paths.options] if course.paths else [],
        "lessons": [
            {"id": le.id, "title": le.title, "file": le.filename, "paths": le.paths,
             "questions": [q.id for q in le.questions]}
            for le in course.lessons
        ],
        "questions": {
            q.id: {"lesson": le.id, "prompt": q.prompt, "multiple": q.multiple,
                   "choices": [{"id": c.id, "text": c.text} for c in q.choices],
                   "correct": q.correct_ids,
                   "feedback": {c.id: c.feedback for c in q.choices if c.feedback}}
            for le in course.lessons for q in le.questions
        },
        "exercises": [ex.id for le in course.lessons for ex in le.exercises],
        "strings": {k: t(k) for k in RUNTIME_STRINGS},
        "lrs": {k: v for k, v in {
            "endpoint": settings.get("lrs_endpoint"),
            "key": settings.get("lrs_key"),
            "homepage": settings.get("lrs_homepage"),
        }.items() if v},
    }
