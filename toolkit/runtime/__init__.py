"""The browser runtime shipped inside every site and package.

``course_data`` is the contract between the build and the JavaScript: it is
written to ``assets/course-data.js`` as ``window.TK_COURSE``.

The JavaScript is kept as source files in ``src/`` (the protocol core ``1x``-``5x``,
with no DOM, and the page layer ``6x``-``9x``) and shipped as one file,
``assets/toolkit.js``: the sources concatenated in file-name order, no bundler.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

from toolkit.i18n import Translator
from toolkit.model import Course, Exercise, Question

COURSE_DATA = "assets/course-data.js"
RUNTIME_DIR = Path(__file__).resolve().parent
SOURCE_DIR = RUNTIME_DIR / "src"
RUNTIME_FILE = "toolkit.js"
RUNTIME_STRINGS = ("check_answer", "correct", "incorrect", "partly", "choose_answer", "complete",
                   "completed_lessons", "standalone", "try_again", "lesson_done", "score",
                   "print", "save_file", "exercise", "continue_course", "launch_failed", "session_ended",
                   "code_bad", "text_not_saved", "receipt", "receipt_code", "receipt_completed",
                   "receipt_open", "receipt_passed", "receipt_failed", "exit_course", "lesson_of", "left_to_pass", "see_again",
                   "start_course", "choose_path_first", "path_from_screening", "seen", "answered_of", "read_aloud",
                   "stop_reading", "printed_on", "back_to_catalogue", "my_list", "progress")


def source_files() -> list[Path]:
    """The runtime's JavaScript sources, in the order they are concatenated."""
    return sorted(SOURCE_DIR.glob("*.js"), key=lambda p: p.name)


def runtime_source() -> str:
    """``assets/toolkit.js``: the sources concatenated, as the browser gets it.

    Block comments and indentation are left out (the sources never hold ``/*`` in a
    string or a regular expression); nothing else is changed.
    """
    text = "".join(p.read_text(encoding="utf-8") for p in source_files())
    text = re.sub(r"/\*.*?\*/", "", text, flags=re.S)
    text = re.sub(r"^[ \t]+", "", text, flags=re.M)
    return re.sub(r"\n\s*\n", "\n", text)


def runtime_assets() -> dict[str, bytes]:
    """File name under ``assets/`` -> content, for every runtime file a site ships."""
    out = {RUNTIME_FILE: runtime_source().encode("utf-8")}
    for p in sorted(RUNTIME_DIR.glob("*.css")):
        out[p.name] = p.read_bytes()
    return out


def _json(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, sort_keys=True, separators=(",", ":"))


# The JSON of the last course data's values, by key: the site's course-data.js and each package's
# differ in a few small values only, so the lessons and questions of 1,000 lessons are encoded
# once, not once per format.  A value is reused only when it is the very object encoded (``is``,
# and the reference kept here stops its id from being reused), so one value per key is kept.
_ENCODED: dict[str, tuple[Any, str]] = {}


def course_data_script(data: dict[str, Any]) -> bytes:
    """``assets/course-data.js``: the course data as ``window.TK_COURSE``; the same text as
    ``json.dumps(data, sort_keys=True)`` with no spaces, written key by key."""
    parts = []
    for key in sorted(data):
        value = data[key]
        known = _ENCODED.get(key)
        if known is None or known[0] is not value:
            known = _ENCODED[key] = (value, _json(value))
        parts.append(f"{_json(key)}:{known[1]}")
    return f"window.TK_COURSE={{{','.join(parts)}}};\n".encode()


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
        **_lessons_and_questions(course),
        "strings": {k: t(k) for k in RUNTIME_STRINGS},
        "catalogue": settings.get("catalogue_url", ""),
        "offline": bool(settings.get("offline", True)),
        "lrs": {k: v for k, v in {
            "endpoint": settings.get("lrs_endpoint"),
            "key": settings.get("lrs_key"),
            "homepage": settings.get("lrs_homepage"),
        }.items() if v},
    }


def _lessons_and_questions(course: Course) -> dict[str, Any]:
    """The course data's lessons, questions and exercises, in one pass over the lessons' blocks."""
    lessons: list[dict[str, Any]] = []
    questions: dict[str, Any] = {}
    exercises: list[str] = []
    for le in course.lessons:
        ids = []
        for block in le.blocks:
            if isinstance(block, Question):
                ids.append(block.id)
                correct = [c.id for c in block.choices if c.correct]
                questions[block.id] = {"lesson": le.id, "prompt": block.prompt, "multiple": len(correct) > 1,
                                       "choices": [{"id": c.id, "text": c.text} for c in block.choices],
                                       "correct": correct,
                                       "feedback": {c.id: c.feedback for c in block.choices if c.feedback}}
            elif isinstance(block, Exercise):
                exercises.append(block.id)
        lessons.append({"id": le.id, "title": le.title, "file": le.filename, "paths": le.paths, "questions": ids})
    return {"lessons": lessons, "questions": questions, "exercises": exercises}
