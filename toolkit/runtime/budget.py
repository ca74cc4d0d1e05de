"""Suspend-data budget: can the learner's resume state outgrow SCORM 1.2?

SCORM 1.2 gives ``cmi.suspend_data`` 4,096 characters.  The runtime
(``toolkit.js``, functions ``emptyState``/``encode``) stores the resume state
as compact JSON keyed by stable lesson and question ids::

    {"v":2,"s":[lesson ids seen],"a":{qid:"1a,b"},"x":{exercise answers},
     "p":"path id","l":"last lesson id","c":0,"k":0,"reg":"registration uuid"}

where each answer is the first-try flag (``1`` right, ``0`` wrong) followed by
the choice ids now ticked.  Exercise text (``x``) is dropped by the encoder
whenever the whole state does not fit, so the worst case that must always fit
is the state with ``x`` empty, every lesson seen, every question answered with
every choice ticked (the longest choice id where only one can be chosen), the
longest path id and the longest lesson id as the location.
"""

from __future__ import annotations

import json
from typing import Any

from toolkit.model import Course

SCORM12_SUSPEND_LIMIT = 4096
REGISTRATION = "00000000-0000-4000-8000-000000000000"  # a UUID v4 has this length


def worst_case_state(course: Course) -> dict[str, Any]:
    """The largest resume state the runtime can write for *course* (exercise text excluded)."""
    lessons = course.lessons
    questions = [q for le in lessons for q in le.questions]
    path_ids = [o.id for o in course.paths.options] if course.paths else []
    return {
        "v": 2,
        "s": [le.id for le in lessons],
        "a": {q.id: "0" + (",".join(c.id for c in q.choices) if q.multiple
                           else max((c.id for c in q.choices), key=len, default="")) for q in questions},
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
    questions = sum(len(le.questions) for le in course.lessons)
    return (f"the resume state can reach {size} characters, more than SCORM 1.2's {limit} for "
            f"cmi.suspend_data ({len(course.lessons)} lessons, {questions} questions): use shorter "
            f"lesson, question and choice ids, or split the course")


# Names the first version of this module used (tests/test_budget_suspend.py).
SCORM12_LIMIT = SCORM12_SUSPEND_LIMIT
worst_case_size = worst_case_length
