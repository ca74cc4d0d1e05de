"""What a first meeting needs beyond the status: the chosen path, lessons seen, questions missed.

* **Path.** The runtime puts the learner's chosen path option on every
  statement about a course with paths, as
  ``context.extensions["<course IRI>/extensions/path"]``; the latest value
  counts (a learner may change their mind).
* **Lessons seen.** ``experienced`` statements whose object is one of the
  course's lessons (``<course IRI>/lessons/<id>``), in the order first seen.
* **Questions missed at the first try.** For each question
  (``<course IRI>/questions/<id>``), the learner's very first ``answered``
  statement across all attempts; it counts as missed when its
  ``result.success`` is false.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, field

from toolkit.records.xapi import (
    ANSWERED,
    EXPERIENCED,
    Statement,
    display_name,
    extension,
    object_id,
    result_success,
    sort_key,
    verb_id,
)


@dataclass(frozen=True)
class Item:
    """A lesson or question: its id in the course and its display name."""

    id: str
    title: str


@dataclass
class Progress:
    path: str | None = None  # the path option id
    path_label: str | None = None  # its label, when the course is known locally
    lessons_seen: list[Item] = field(default_factory=list)
    missed_first: list[Item] = field(default_factory=list)
    answered: int = 0  # questions answered at least once


def path_key(course_id: str) -> str:
    """The context extension that carries the chosen path (the shared contract of issue 16)."""
    return course_id.rstrip("/") + "/extensions/path"


def _item(statement: Statement, prefix: str) -> Item | None:
    oid = object_id(statement)
    if oid is None or not oid.startswith(prefix) or len(oid) == len(prefix):
        return None
    local = oid[len(prefix):]
    return Item(local, display_name(statement.get("object")) or local)


def progress_of(course_id: str, statements: Iterable[Statement]) -> Progress:
    """The meeting facts from one learner's statements about one course."""
    base = course_id.rstrip("/")
    out = Progress()
    seen: set[str] = set()
    first_answer: dict[str, tuple[Item, bool | None]] = {}
    path_at: dt.datetime | None = None
    for s in sorted(statements, key=sort_key):
        value = extension(s, path_key(course_id))
        when = sort_key(s)[0]
        if isinstance(value, str) and value.strip() and (path_at is None or when >= path_at):
            out.path, path_at = value.strip(), when
        verb = verb_id(s)
        if verb == EXPERIENCED and (lesson := _item(s, base + "/lessons/")) and lesson.id not in seen:
            seen.add(lesson.id)
            out.lessons_seen.append(lesson)
        elif verb == ANSWERED and (question := _item(s, base + "/questions/")) and question.id not in first_answer:
            first_answer[question.id] = (question, result_success(s))
    out.path_label = out.path
    out.answered = len(first_answer)
    out.missed_first = [q for q, success in first_answer.values() if success is False]
    return out
