"""Rendering a large course's lessons on several cores.

Each lesson is parsed, rendered and checked on its own: the result is the
same (lesson, diagnostics, media used) triple the lesson cache stores, so the
main process merges it exactly as it merges a cache hit.  Workers are forked,
so they start with the loaded course and the lesson renderer already in
memory; where ``fork`` is not available, or the course is small enough that
starting workers costs more than it saves, lessons are rendered in-process.
"""

from __future__ import annotations

import os
import pickle
from collections.abc import Callable
from pathlib import Path

from toolkit.errors import Diagnostic
from toolkit.model import Course, Lesson
from toolkit.render.markdown import LessonRenderer, MediaMap
from toolkit.source.checks import check_lesson
from toolkit.source.lesson import load_lesson, probes_recorded, read_lesson
from toolkit.source.report import Report

MIN_LESSONS = 100  # measured: below this, forking workers costs more than it saves
# The lesson, its diagnostics, the media it uses, and the paths its media lookups looked at
# (toolkit.source.lesson.probes_recorded).
Rendered = tuple[Lesson | None, list[Diagnostic], list[Path], dict[str, str]]

_job: tuple[Course, LessonRenderer, set[str]] | None = None


def default_jobs() -> int:
    try:
        cores = len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        cores = os.cpu_count() or 1
    return max(1, min(cores, 8))


def render_one(file: Path, course: Course, renderer: LessonRenderer, lesson_names: set[str]) -> Rendered:
    """Load, render and check one lesson file on its own.

    *renderer* is reused from lesson to lesson (building one costs about a
    millisecond); each lesson gets a fresh media map, so the media it uses are
    its own."""
    media = MediaMap()
    media.recorded = []
    renderer.media = media
    report = Report()
    with probes_recorded() as probes:
        text = read_lesson(file, report)
        lesson = load_lesson(file, course, report, text) if text is not None else None
        if lesson is not None:
            renderer.render(lesson)
            check_lesson(lesson, course, lesson_names, report, text)  # the text loaded, not read again
    return lesson, report.items, media.recorded, probes


def _work(file: Path) -> bytes:
    assert _job is not None
    return pickle.dumps(render_one(file, *_job), protocol=pickle.HIGHEST_PROTOCOL)


def render_lessons(files: list[Path], course: Course, renderer: LessonRenderer, lesson_names: set[str], jobs: int,
                   progress: Callable[[str], None] | None = None) -> dict[Path, Rendered]:
    """Each file rendered by *jobs* forked workers, or ``{}`` when that is not worth it."""
    if jobs < 2 or len(files) < MIN_LESSONS:
        return {}
    import multiprocessing  # (with concurrent.futures, 15 ms of imports a build in one process does without)
    from concurrent.futures import ProcessPoolExecutor

    if "fork" not in multiprocessing.get_all_start_methods():
        return {}
    global _job  # noqa: PLW0603 - the forked workers inherit the job through this module global
    _job = (course, renderer, lesson_names)
    out: dict[Path, Rendered] = {}
    try:
        context = multiprocessing.get_context("fork")
        with ProcessPoolExecutor(max_workers=jobs, mp_context=context) as pool:
            chunk = max(1, len(files) // (jobs * 8))
            for file, blob in zip(files, pool.map(_work, files, chunksize=chunk), strict=True):
                out[file] = pickle.loads(blob)
                if progress is not None:
                    progress(file.name)
    finally:
        _job = None
    return out
