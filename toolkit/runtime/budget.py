"""Budgets: can the learner's resume state outgrow SCORM 1.2, and the runtime's weight.

SCORM 1.2 gives ``cmi.suspend_data`` 4,096 characters.  The runtime
(``toolkit.js``, functions ``emptyState``/``encode``) stores the resume state
as compact JSON keyed by stable lesson and question ids::

    {"v":2,"s":[lesson ids seen],"a":{qid:"1a,b"},"x":{exercise answers},
     "p":"path id","l":"last lesson id","c":0,"k":0,"reg":"registration uuid"}

where each answer is the first-try flag (``1`` right, ``0`` wrong) followed by
the choice ids now ticked.  Exercise text (``x``) is dropped by the encoder
whenever the whole state does not fit (the learner is then told on the page to save
or print the text), so the worst case that must always fit
is the state with ``x`` empty, every lesson seen, every question answered with
every choice ticked (the longest choice id where only one can be chosen), the
longest path id and the longest lesson id as the location.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from toolkit.model import Course, lesson_ids
from toolkit.runtime import runtime_source

SCORM12_SUSPEND_LIMIT = 4096
REGISTRATION = "00000000-0000-4000-8000-000000000000"  # a UUID v4 has this length


def worst_case_state(course: Course) -> dict[str, Any]:
    """The largest resume state the runtime can write for *course* (exercise text excluded)."""
    lessons = course.lessons
    questions = [q for le in lessons for q in lesson_ids(le)[0]]
    path_ids = [o.id for o in course.paths.options] if course.paths else []
    return {
        "v": 2,
        "s": [le.id for le in lessons],
        "a": {qid: "0" + (",".join(choices) if multiple else max(choices, key=len, default=""))
              for qid, _, multiple, choices in questions},
        "x": {},
        "p": max(path_ids, key=len, default=""),
        "l": max((le.id for le in lessons), key=len, default=""),
        "c": 1,
        "k": 1,
        "reg": REGISTRATION,
    }


def js_length(text: str) -> int:
    """``String.prototype.length`` in JavaScript: UTF-16 code units."""
    return len(text.encode("utf-16-le")) // 2


def worst_case_length(course: Course) -> int:
    """Characters of the worst-case ``cmi.suspend_data``, as JSON.stringify writes it."""
    text = json.dumps(worst_case_state(course), ensure_ascii=False, separators=(",", ":"))
    return js_length(text)


def budget_message(course: Course, limit: int = SCORM12_SUSPEND_LIMIT) -> str | None:
    """A warning when the resume state could exceed *limit*, else None."""
    size = worst_case_length(course)
    if size <= limit:
        return None
    return (f"the resume state can reach {size} characters, more than SCORM 1.2's {limit} for "
            f"cmi.suspend_data ({len(course.lessons)} lessons, {course.question_count} questions): use shorter "
            f"lesson, question and choice ids, or split the course")


RUNTIME_GZIP_LIMIT = 15 * 1024  # bytes: assets/toolkit.js as a server sends it gzipped


def runtime_gzip_size() -> int:
    """Bytes of the shipped ``assets/toolkit.js``, gzipped (level 6, as servers do)."""
    import gzip  # (for this check only: not for every build)

    return len(gzip.compress(runtime_source().encode("utf-8"), compresslevel=6, mtime=0))


CSS_GZIP_LIMIT = 3 * 1024  # bytes: the default theme's assets/toolkit.css, gzipped
THEME_CSS = Path(__file__).resolve().parent.parent / "themes" / "site" / "assets" / "toolkit.css"


def css_gzip_size() -> int:
    """Bytes of the default theme's stylesheet, gzipped (level 6, as servers do)."""
    import gzip

    return len(gzip.compress(THEME_CSS.read_bytes(), compresslevel=6, mtime=0))


EXERCISE_ROOM_WARNING = 1000  # characters: less than this for all exercise text is a warning


def exercise_room_message(course: Course, limit: int = SCORM12_SUSPEND_LIMIT) -> tuple[bool, str] | None:
    """For a course with exercises: (is it a warning?, what SCORM 1.2 keeps of their text)."""
    exercises = [ex for le in course.lessons for ex in lesson_ids(le)[1]]
    if not exercises:
        return None
    skeleton = {exid: dict.fromkeys(fields, "") for exid, _, fields in exercises}  # "x" with empty answers
    room = max(0, limit - worst_case_length(course) - js_length(json.dumps(skeleton, separators=(",", ":"))) + 2)
    return room < EXERCISE_ROOM_WARNING, (
        f"in a SCORM 1.2 package the resume data keeps about {room} characters of exercise text "
        f"({len(exercises)} exercise(s)); past that the text is kept for the rest of the visit only, "
        f"and the learner is told to save it as a file or print it")
