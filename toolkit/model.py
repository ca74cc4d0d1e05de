"""The content model: what a course is once its sources are loaded."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field, fields
from pathlib import Path
from typing import Any, TypeVar

T = TypeVar("T")


def pickled_by_position(cls: type[T]) -> type[T]:
    """A dataclass pickled as its class and its field values in order, unpickled by calling it:
    a third faster to unpickle than the default (a dict of the fields, set one by one), which
    counts when a rebuild loads a thousand cached lessons with their questions."""
    names = tuple(f.name for f in fields(cls))  # type: ignore[arg-type]

    def __reduce__(self: Any) -> tuple[Any, tuple[Any, ...]]:
        return cls, tuple(getattr(self, name) for name in names)

    cls.__reduce__ = __reduce__  # type: ignore[method-assign]
    return cls


@dataclass
class Fact:
    """A named value that lessons refer to as ``{{ name }}``."""

    name: str
    value: str
    source: str | None = None
    url: str | None = None
    date: str | None = None
    origin: str = ""  # "shared", "course" or "brand:<name>"
    checked: str | None = None  # when someone last checked the value against its source


@dataclass
class Source:
    """A reference behind the facts a course teaches."""

    title: str
    url: str | None = None
    date: str | None = None  # the source's own date
    publisher: str | None = None
    checked: str | None = None  # when the page was last checked against what the course teaches


@pickled_by_position
@dataclass
class Choice:
    """One choice of a quiz question."""

    id: str
    text: str
    correct: bool = False
    feedback: str | None = None


@pickled_by_position
@dataclass
class Question:
    """A quiz question of a lesson."""

    id: str
    prompt: str
    choices: list[Choice]
    explanation: str | None = None
    line: int = 0

    @property
    def multiple(self) -> bool:
        return sum(1 for c in self.choices if c.correct) > 1

    @property
    def correct_ids(self) -> list[str]:
        return [c.id for c in self.choices if c.correct]


@pickled_by_position
@dataclass
class ExerciseField:
    """One field a learner writes in, in an exercise."""

    id: str
    label: str
    kind: str = "textarea"  # "text" | "textarea"
    hint: str | None = None
    rows: int = 4


@pickled_by_position
@dataclass
class Exercise:
    """A written exercise of a lesson."""

    id: str
    title: str
    intro: str | None
    fields: list[ExerciseField]
    line: int = 0


@pickled_by_position
@dataclass
class Video:
    """A video of a lesson, with its captions and transcript."""

    id: str
    title: str
    kind: str  # "file" | "youtube" | "vimeo" | "placeholder"
    src: str | None = None
    captions: str | None = None
    transcript: str | None = None  # as the author wrote them, relative to the lesson or the course
    duration_minutes: float | None = None
    line: int = 0
    # Resolved while loading, so that rendering never looks at the disk:
    src_file: Path | None = None  # a local video file
    captions_file: Path | None = None
    transcript_text: str | None = None  # the transcript's Markdown


# A block of a lesson: a fenced block in its Markdown, replaced by a marker
# that the renderer fills in.  Each kind is its own class; the renderer
# dispatches on the class, never on a name.
Block = Question | Exercise | Video


# (the lesson's entry in "lessons", its questions' entries in "questions" by id, each as the
# `"id":{...}` that goes into that object, its exercise ids)
LessonJSON = tuple[str, tuple[tuple[str, str], ...], tuple[str, ...]]


# What the course-wide checks need of a lesson's blocks (lesson_ids), as plain tuples: a rebuild
# unpickles a thousand of them, eight times faster than as named tuples.
QuestionIds = tuple[str, int, bool, tuple[str, ...]]  # id, line, several choices correct, choice ids
ExerciseIds = tuple[str, int, tuple[str, ...]]  # id, line, field ids
LessonIds = tuple[tuple[QuestionIds, ...], tuple[ExerciseIds, ...]]  # its questions', its exercises'


@pickled_by_position
@dataclass
class Lesson:
    """One lesson: its front matter, body and blocks, and what rendering made of them."""

    id: str
    title: str
    source: Path
    body: str
    body_line: int  # 1-based line of the first body line in ``source``
    paths: list[str] = field(default_factory=list)
    duration_minutes: float | None = None
    description: str | None = None
    blocks: list[Block] = field(default_factory=list)  # in the order of their markers in ``body``
    # Every local file the lesson's Markdown (body, blocks, transcripts) refers
    # to, as written -> the file found; filled while loading.
    media: dict[str, Path] = field(default_factory=dict)
    author_notes: list[tuple[int, str]] = field(default_factory=list)
    origin: str = "course"  # "course" | "brand:<name> (adds)" | "brand:<name> (replaces ...)"
    html: str = ""
    text: str = ""  # visible prose, for LIX and word counts
    index: int = 0
    # The lesson's part of the runtime's course data, as JSON (toolkit.runtime.lesson_json): made
    # once, when the lesson is rendered, and kept with it in the cache, so that a rebuild writes
    # course-data.js without encoding a thousand unchanged lessons again.
    data_json: LessonJSON | None = field(default=None, compare=False, repr=False)
    # Its question and exercise ids, made once (lesson_ids) and kept with it in the cache too.
    ids: LessonIds | None = field(default=None, compare=False, repr=False)

    def __getattr__(self, name: str) -> Any:
        """A field of a lesson from the cache that is not loaded yet (see :func:`outline_lesson`):
        all of them are loaded now.  Only called for an attribute the lesson does not have."""
        load = self.__dict__.get("_load") if name in LAZY_FIELDS else None
        if load is None:
            raise AttributeError(f"{type(self).__name__!r} object has no attribute {name!r}")
        full = load()  # (a load that fails leaves the outline as it was: the next access fails the same way)
        del self.__dict__["_load"]
        for lazy in LAZY_FIELDS:
            self.__dict__.setdefault(lazy, getattr(full, lazy))
        return self.__dict__[name]

    @property
    def filename(self) -> str:
        return f"{self.id}.html"

    @property
    def questions(self) -> list[Question]:
        return [b for b in self.blocks if isinstance(b, Question)]

    @property
    def exercises(self) -> list[Exercise]:
        return [b for b in self.blocks if isinstance(b, Exercise)]

    @property
    def videos(self) -> list[Video]:
        return [b for b in self.blocks if isinstance(b, Video)]


# The fields of a lesson that one from the cache loads when first used (outline_lesson): what
# only rendering its page needs.  html and text have no class attribute, so that an outline's
# missing ones reach Lesson.__getattr__ (a dataclass's __init__ keeps its defaults itself).
LAZY_FIELDS = ("body", "body_line", "blocks", "media", "author_notes", "html", "text")
del Lesson.html, Lesson.text


def outline_lesson(values: dict[str, Any], load: Callable[[], Lesson]) -> Lesson:
    """A lesson with the fields in *values* (all but LAZY_FIELDS), whose other fields are
    *load*'s lesson's, taken the first time one of them is used: a rebuild that renders none of
    a lesson's pages never unpickles its body, blocks and HTML."""
    lesson = Lesson.__new__(Lesson)
    lesson.__dict__.update(values)
    lesson.__dict__["_load"] = load
    return lesson


def when_loaded(lesson: Lesson, then: Callable[[Lesson], None]) -> None:
    """Call *then* on *lesson* once all its fields are there: now, or for an outline (see
    :func:`outline_lesson`), on the lesson it loads, before its fields are taken."""
    load: Callable[[], Lesson] | None = lesson.__dict__.get("_load")
    if load is None:
        then(lesson)
        return

    def loading() -> Lesson:
        full = load()
        then(full)
        return full

    lesson.__dict__["_load"] = loading


def lesson_ids(lesson: Lesson) -> LessonIds:
    """*lesson*'s question and exercise ids (``Lesson.ids``), made from its blocks once."""
    if lesson.ids is None:
        lesson.ids = (tuple((q.id, q.line, q.multiple, tuple(c.id for c in q.choices)) for q in lesson.questions),
                      tuple((ex.id, ex.line, tuple(f.id for f in ex.fields)) for ex in lesson.exercises))
    return lesson.ids


@dataclass
class PathOption:
    """One answer to the course's path question."""

    id: str
    label: str
    description: str | None = None


@dataclass
class PathChoice:
    """The course's path question: which lessons a learner takes."""

    question: str
    options: list[PathOption]


@dataclass
class Brand:
    """A municipality's branding: names, colours, facts and settings."""

    name: str
    title: str
    root: Path | None
    facts: dict[str, Fact] = field(default_factory=dict)
    colors: dict[str, str] = field(default_factory=dict)
    logo: str | None = None
    settings: dict[str, Any] = field(default_factory=dict)
    chain: list[Path] = field(default_factory=list)  # brand roots, most specific first


@dataclass
class Course:
    """A course as loaded from ``course.yaml`` and its lessons."""

    id: str
    slug: str
    root: Path
    title: str
    language: str
    version: str
    description: str
    duration_minutes: float | None = None
    audience: str | None = None
    pass_mark: float = 0.8
    sources: list[Source] = field(default_factory=list)
    lessons: list[Lesson] = field(default_factory=list)
    reviewed: dt.date | None = None
    review_by: dt.date | None = None
    paths: PathChoice | None = None
    facts: dict[str, Fact] = field(default_factory=dict)
    brand: Brand | None = None
    help: list[str] = field(default_factory=list)  # fact prefixes of help lines shown on every page
    lesson_files: list[tuple[Path, str]] = field(default_factory=list)  # (file, origin) in order
    sanitize_html: bool = False  # remove scripts, frames and handlers from the author's HTML

    @property
    def questions(self) -> list[Question]:
        return [q for lesson in self.lessons for q in lesson.questions]

    @property
    def question_count(self) -> int:
        """``len(self.questions)``, from the lessons' ids: a cached lesson's blocks stay unloaded."""
        return sum(len(lesson_ids(lesson)[0]) for lesson in self.lessons)
