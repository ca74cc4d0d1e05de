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
from toolkit.model import Course, Lesson, LessonJSON

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


class RawJSON(str):
    """A value of the course data that is JSON text already (see ``course_data(encoded=True)``)."""


def course_data_script(data: dict[str, Any]) -> bytes:
    """``assets/course-data.js``: the course data as ``window.TK_COURSE``; the same text as
    ``json.dumps(data, sort_keys=True)`` with no spaces, written key by key (a :class:`RawJSON`
    value as it is)."""
    parts = []
    for key in sorted(data):
        value = data[key]
        if isinstance(value, RawJSON):
            parts.append(f"{_json(key)}:{value}")
            continue
        known = _ENCODED.get(key)
        if known is None or known[0] is not value:
            known = _ENCODED[key] = (value, _json(value))
        parts.append(f"{_json(key)}:{known[1]}")
    return f"window.TK_COURSE={{{','.join(parts)}}};\n".encode()


def course_data(course: Course, settings: dict[str, Any] | None = None, encoded: bool = False) -> dict[str, Any]:
    """The course data (the contract with the JavaScript).  With *encoded*, its lessons,
    questions and exercises are :class:`RawJSON`, put together from each lesson's
    :func:`lesson_json`: the text that encoding them whole gives, without encoding again the
    lessons that came from the cache."""
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
        **(_encoded_lessons(course) if encoded else _lessons_and_questions(course)),
        "strings": {k: t(k) for k in RUNTIME_STRINGS},
        "catalogue": settings.get("catalogue_url", ""),
        "offline": bool(settings.get("offline", True)),
        "lrs": {k: v for k, v in {
            "endpoint": settings.get("lrs_endpoint"),
            "key": settings.get("lrs_key"),
            "homepage": settings.get("lrs_homepage"),
        }.items() if v},
    }


def _lesson_part(le: Lesson) -> tuple[dict[str, Any], list[tuple[str, dict[str, Any]]], list[str]]:
    """A lesson's entry in the course data's lessons, its questions' entries and its exercise ids."""
    questions = le.questions
    return ({"id": le.id, "title": le.title, "file": le.filename, "paths": le.paths,
             "questions": [q.id for q in questions]},
            [(q.id, {"lesson": le.id, "prompt": q.prompt, "multiple": q.multiple,
                     "choices": [{"id": c.id, "text": c.text} for c in q.choices],
                     "correct": q.correct_ids,
                     "feedback": {c.id: c.feedback for c in q.choices if c.feedback}}) for q in questions],
            [ex.id for ex in le.exercises])


def _lessons_and_questions(course: Course) -> dict[str, Any]:
    """The course data's lessons, questions and exercises, in one pass over the lessons' blocks."""
    lessons: list[dict[str, Any]] = []
    questions: dict[str, Any] = {}
    exercises: list[str] = []
    for le in course.lessons:
        lesson, own, ex = _lesson_part(le)
        lessons.append(lesson)
        questions.update(own)  # a duplicate id (an error of the check) keeps the last, as a dict does
        exercises += ex
    return {"lessons": lessons, "questions": questions, "exercises": exercises}


def lesson_json(le: Lesson) -> LessonJSON:
    """:func:`_lesson_part` as JSON text, made once per lesson (``Lesson.data_json``)."""
    if le.data_json is None:
        lesson, questions, exercises = _lesson_part(le)
        le.data_json = (_json(lesson), tuple((qid, f"{_json(qid)}:{_json(q)}") for qid, q in questions),
                        tuple(exercises))
    return le.data_json


def _encoded_lessons(course: Course) -> dict[str, RawJSON]:
    """:func:`_lessons_and_questions` as the JSON text it encodes to, from each lesson's part."""
    parts = [lesson_json(le) for le in course.lessons]
    questions = dict(q for _, own, _ in parts for q in own)
    return {"lessons": RawJSON(f"[{','.join(lesson for lesson, _, _ in parts)}]"),
            "questions": RawJSON("{" + ",".join(questions[qid] for qid in sorted(questions)) + "}"),
            "exercises": RawJSON(_json([ex for _, _, own in parts for ex in own]))}
