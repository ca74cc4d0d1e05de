"""With a warm cache the previous tree is updated in place (site.InPlaceWriter): only changed
files are written, beside their old versions, and renamed into place once every course has
built.  The result is byte for byte a clean build's, with nothing left over, and a build that
fails on the way leaves the previous tree as it was."""

from __future__ import annotations

import os

import pytest

import toolkit.build
import toolkit.site
from toolkit.build import BuildOptions, build

from ..conftest import tree_digest
from .compare import WEB, clean_digest


def test_a_changed_lesson_rewrites_only_what_changed(fixture_copy, tmp_path):
    course = fixture_copy("ok-minimal")
    out = tmp_path / "out"
    build([course], BuildOptions(out=out, **WEB))
    site = out / course.name / "site"
    before = {p.name: p.stat().st_ino for p in site.iterdir() if p.is_file()}
    lesson = course / "lessons" / "03-video.md"
    lesson.write_text(lesson.read_text(encoding="utf-8") + "\nEn linje mere.\n", encoding="utf-8")
    build([course], BuildOptions(out=out, **WEB))
    after = {p.name: p.stat().st_ino for p in site.iterdir() if p.is_file()}
    assert after["cv.html"] == before["cv.html"] and after["velkommen.html"] == before["velkommen.html"]
    assert after["video.html"] != before["video.html"]
    assert tree_digest(out / course.name) == clean_digest(course, tmp_path, **WEB)


def test_removed_lessons_media_and_stray_files_leave_no_trace(fixture_copy, tmp_path):
    course = fixture_copy("ok-minimal")
    out = tmp_path / "out"
    build([course], BuildOptions(out=out, formats=("web", "xapi")))
    (out / course.name / "a11y-results.json").write_text("{}", encoding="utf-8")
    (out / course.name / "site" / "stray.html").write_text("x", encoding="utf-8")
    (out / course.name / "site" / "media" / "old").mkdir()
    (out / course.name / "site" / "media" / "old" / "x.txt").write_text("x", encoding="utf-8")
    (out / course.name / "site" / "cv.html.tmp-1").write_text("half a file", encoding="utf-8")
    css = out / course.name / "site" / "assets" / "toolkit.css"
    inode = css.stat().st_ino
    (course / "lessons" / "03-video.md").unlink()  # every lesson's cache key changes: the outputs' stamps still hold
    build([course], BuildOptions(out=out, **WEB))
    assert css.stat().st_ino == inode, "not updated in place"
    assert tree_digest(out / course.name) == clean_digest(course, tmp_path, **WEB)
    assert not (out / course.name / "site" / "media" / "old").exists()


@pytest.mark.parametrize("where, fault", [
    ("packaging", OSError(28, "No space left on device")),
    ("site writer", OSError(28, "No space left on device")),
    ("site writer", KeyboardInterrupt()),
], ids=["packaging-disk-full", "site-writer-disk-full", "site-writer-ctrl-c"])
def test_a_build_failing_while_writing_leaves_the_previous_tree(fixture_copy, tmp_path, monkeypatch, where, fault):
    """A fault once the changed page is written beside its old version: in the packaging, after
    the writer was handed back, or in the site writer itself, which then removes what it wrote."""
    course = fixture_copy("ok-minimal")
    out = tmp_path / "out"
    build([course], BuildOptions(out=out, **WEB))
    before = tree_digest(out / course.name)
    lesson = course / "lessons" / "02-cv.md"
    lesson.write_text(lesson.read_text(encoding="utf-8") + "\nNyt.\n", encoding="utf-8")

    def fail(*args, **kwargs):
        assert list((out / course.name / "site").glob("*.tmp-*")), "nothing written yet"
        raise fault

    if where == "packaging":
        monkeypatch.setattr(toolkit.build, "_package", fail)
    else:
        monkeypatch.setattr(toolkit.site, "offline_files", fail)
    with pytest.raises(type(fault)):
        build([course], BuildOptions(out=out, **WEB))
    assert tree_digest(out / course.name) == before
    assert not [p for p in (out / course.name).rglob("*") if ".tmp-" in p.name]
    monkeypatch.undo()
    build([course], BuildOptions(out=out, **WEB))
    assert tree_digest(out / course.name) == clean_digest(course, tmp_path, **WEB)


def test_an_unchanged_file_is_not_touched(fixture_copy, tmp_path):
    course = fixture_copy("ok-minimal")
    out = tmp_path / "out"
    build([course], BuildOptions(out=out, **WEB))
    page = out / course.name / "site" / "cv.html"
    first = os.stat(page)
    build([course], BuildOptions(out=out, **WEB))
    again = os.stat(page)
    assert (again.st_ino, again.st_ctime_ns, again.st_nlink) == (first.st_ino, first.st_ctime_ns, first.st_nlink)
