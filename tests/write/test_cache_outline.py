"""A rebuild takes each cached lesson as an outline (cache.outline, model.outline_lesson): the
fields that navigation, checks and course data use, from the head of its cache entry; its body,
blocks and HTML are unpickled only when something uses them (rendering its page).  What it
builds must be what a clean build writes, whether or not the rest is ever loaded, and a rest
that cannot be read must never end the build or reach the output."""

from __future__ import annotations

import dataclasses
import io
import pickle
from pathlib import Path

import pytest

from toolkit import blobs, cache, model
from toolkit.build import BuildOptions, build, check

from ..conftest import tree_digest
from .compare import TODAY, WEB, clean_digest, project


def edit(course: Path, name: str, old: str, new: str) -> None:
    lesson = course / "lessons" / name
    lesson.write_text(lesson.read_text(encoding="utf-8").replace(old, new, 1), encoding="utf-8")


def append(course: Path, name: str, text: str) -> None:
    lesson = course / "lessons" / name
    lesson.write_text(lesson.read_text(encoding="utf-8") + text, encoding="utf-8")


def names(course: Path) -> list[str]:
    return sorted(p.name for p in (course / "lessons").glob("*.md"))


def is_outline(lesson: model.Lesson) -> bool:
    return "_load" in lesson.__dict__


def test_every_field_of_a_lesson_is_in_the_outline_or_loaded_with_the_rest():
    fields = {f.name for f in dataclasses.fields(model.Lesson)}
    assert set(cache.OUTLINE) | set(model.LAZY_FIELDS) | {"source", "index"} == fields
    assert not set(cache.OUTLINE) & set(model.LAZY_FIELDS)


def test_a_rebuild_loads_only_the_lessons_whose_pages_it_renders(tmp_path):
    proj = project(tmp_path, 4)
    course = proj / "courses" / "syn"
    out = tmp_path / "out"
    build([course], BuildOptions(out=out, **WEB))
    changed = names(course)[1]
    append(course, changed, "\nEn sætning mere.\n")
    results, _ = build([course], BuildOptions(out=out, **WEB))
    lessons = results[0].course.lessons
    assert [is_outline(le) for le in lessons] == [le.source.name != changed for le in lessons]
    assert tree_digest(out / "syn") == clean_digest(course, tmp_path, **WEB)


def test_an_outline_loaded_after_the_build_is_the_lesson_a_clean_build_makes(tmp_path):
    """Its links resolved as the build resolved the others' (the blob file is closed by then)."""
    proj = project(tmp_path, 4)
    course = proj / "courses" / "syn"
    out = tmp_path / "out"
    build([course], BuildOptions(out=out, **WEB))
    append(course, names(course)[0], "\nEn sætning mere.\n")
    loaded, _ = check([course], today=TODAY, cache_dir=out / ".cache")
    clean, _ = check([course], today=TODAY)
    outlines = [le for le in loaded[0].course.lessons if is_outline(le)]
    assert len(outlines) == 3
    fresh = {le.id: le for le in clean[0].course.lessons}
    links = 0
    for lesson in outlines:
        html = lesson.html
        assert not is_outline(lesson)
        if ".md)" in lesson.body:  # a link to the next lesson's file: to its page, once resolved
            links += 1
            assert '.md"' not in html and 'href="lektion-' in html
        assert lesson == fresh[lesson.id]
        assert (lesson.html, lesson.text, lesson.body, lesson.blocks) == \
            (fresh[lesson.id].html, fresh[lesson.id].text, fresh[lesson.id].body, fresh[lesson.id].blocks)
        assert model.lesson_ids(lesson) == model.lesson_ids(dataclasses.replace(fresh[lesson.id], ids=None))
    assert links >= 2


def cut_tails(monkeypatch):
    """Every cache entry read from now on with its head whole and the rest cut short."""
    real = blobs.Blobs.__getitem__

    def cut(self, key):
        data = real(self, key)
        reading = io.BytesIO(data)
        try:
            pickle.Unpickler(reading).load()
        except Exception:  # a page, not an entry
            return data
        return data[:reading.tell() + 20]

    monkeypatch.setattr(blobs.Blobs, "__getitem__", cut)


def test_a_rest_that_cannot_be_read_while_building_means_the_course_is_built_without_the_cache(tmp_path, monkeypatch):
    proj = project(tmp_path, 4)
    course = proj / "courses" / "syn"
    out = tmp_path / "out"
    build([course], BuildOptions(out=out, **WEB))
    first = names(course)[0]
    title = next(line for line in (course / "lessons" / first).read_text(encoding="utf-8").splitlines()
                 if line.startswith("title:"))
    edit(course, first, title, title + " (ny)")  # a title changed: every page is rendered again
    cut_tails(monkeypatch)
    results, report = build([course], BuildOptions(out=out, **WEB))
    assert not report.errors
    assert not any(is_outline(le) for le in results[0].course.lessons)
    assert tree_digest(out / "syn") == clean_digest(course, tmp_path, **WEB)


def test_a_rest_that_cannot_be_read_after_the_build_is_a_clear_error(tmp_path, monkeypatch):
    proj = project(tmp_path, 3)
    course = proj / "courses" / "syn"
    out = tmp_path / "out"
    build([course], BuildOptions(out=out, **WEB))
    append(course, names(course)[0], "\nEn sætning mere.\n")
    cut_tails(monkeypatch)
    loaded, _ = check([course], today=TODAY, cache_dir=out / ".cache")
    outline = next(le for le in loaded[0].course.lessons if is_outline(le))
    with pytest.raises(cache.CacheDamaged) as raised:
        outline.text  # noqa: B018 (what `toolkit lix` reads)
    message = str(raised.value)
    assert str(cache.cache_path(out / ".cache").with_name("blobs-default-syn.bin")) in message
    assert outline.source.name in message and "build again" in message
    with pytest.raises(cache.CacheDamaged, match="build again"):  # and so on every later access
        outline.html  # noqa: B018
    with pytest.raises(cache.CacheDamaged):
        hasattr(outline, "blocks")
