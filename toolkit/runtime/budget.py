"""The suspend-data budget: the largest resume state a course can produce.

The runtime stores its resume state as compact JSON keyed to stable lesson
and question ids (see ``emptyState`` in toolkit.js).  SCORM 1.2 allows 4,096
characters of ``cmi.suspend_data``.  The worst case is every lesson seen,
every question answered with every choice, the longest path and lesson ids,
and a registration.  Exercise text is not counted: the runtime drops it from
suspend data first when space runs out (it stays in the learner's browser).
"""

from __future__ import annotations

import json

from toolkit.model import Course

SCORM12_LIMIT = 4096


def worst_case_state(course: Course) -> dict[str, object]:
    lessons = [le.id for le in course.lessons]
    return {
        "v": 1,
        "s": lessons,
        "a": {q.id: ",".join(c.id for c in q.choices) for q in course.questions},
        "f": {q.id: 1 for q in course.questions},
        "x": {},
        "p": max((o.id for o in course.paths.options), key=len) if course.paths else "",
        "l": max(lessons, key=len) if lessons else "",
        "c": 0,
        "k": 1,
        "reg": "00000000-0000-4000-8000-000000000000",
    }


def worst_case_size(course: Course) -> int:
    return len(json.dumps(worst_case_state(course), ensure_ascii=False, separators=(",", ":")))
