"""The lesson cache's key in odd layouts (symlinks, output inside the course, editors' files),
templates reached through a symlinked folder, and one course named twice on the command line."""
from __future__ import annotations

import datetime as dt
import os
import shutil
from pathlib import Path

import pytest

from toolkit.build import BuildOptions, build, check

from .compare import project, tree

ROOT = Path(__file__).resolve().parents[2]
TODAY = dt.date(2026, 12, 1)
N = 6


@pytest.fixture
def proj(tmp_path, monkeypatch):
    p = project(tmp_path, N)
    monkeypatch.chdir(p)
    return p


def _build(dirs, out, no_cache=False):
    return build([Path(d) for d in dirs], BuildOptions(out=Path(out), formats=(), today=TODAY, jobs=1,
                                                       no_cache=no_cache))


def _hits(dirs, out) -> list[int]:
    loaded, _ = check([Path(d) for d in dirs], None, TODAY, Path(out) / ".cache", jobs=1)
    return [lc.cache.hits for lc in loaded]


@pytest.mark.parametrize("layout", ["plain", "dotdot", "course-via-link", "out-via-link"])
def test_output_inside_the_course_does_not_invalidate_every_lesson(proj, layout):
    # what a build writes into its output folder must not change the next build's keys, however spelled
    course, out = {"plain": ("courses/syn", "courses/syn/build"),
                   "dotdot": ("courses/syn", "courses/syn/../syn/build"),
                   "course-via-link": ("courses/synlink", "courses/syn/build"),
                   "out-via-link": ("courses/syn", "sl/build")}[layout]
    os.symlink("syn", proj / "courses" / "synlink")
    os.symlink("courses/syn", proj / "sl")
    _build([course], out)
    _build([course], out)
    assert _hits([course], out) == [N]


def test_a_template_in_a_symlinked_template_subfolder_is_part_of_the_key(proj):
    # Jinja's FileSystemLoader follows a symlinked folder under templates/: so must the key
    (proj / "templates").mkdir()
    src = (ROOT / "toolkit" / "themes" / "site" / "blocks.html").read_text(encoding="utf-8")
    marker = "{% macro quiz(q, t, md, inline) %}"
    assert marker in src
    (proj / "templates" / "blocks.html").write_text(src.replace(marker, marker + "{% include 'parts/x.html' %}", 1),
                                                   encoding="utf-8")
    (proj / "shared_parts").mkdir()
    (proj / "shared_parts" / "x.html").write_text("<p>ONE</p>", encoding="utf-8")
    os.symlink("../shared_parts", proj / "templates" / "parts")
    _build(["courses/syn"], "out")
    (proj / "shared_parts" / "x.html").write_text("<p>TWO, changed</p>", encoding="utf-8")
    _build(["courses/syn"], "out")
    _build(["courses/syn"], "clean", no_cache=True)
    assert tree(proj / "out") == tree(proj / "clean")


@pytest.mark.parametrize("what", ["vim-swap", "vim-swap-in-media", "emacs-backup", "touch-course-yaml", "notes"])
def test_an_unrelated_file_in_the_course_keeps_the_lessons_cached(proj, what):
    """A lesson's key covers the files its media lookups looked at, not every file of the course:
    an editor's swap or backup file, notes, a touched course.yaml render nothing again."""
    _build(["courses/syn"], "out")
    lessons = proj / "courses" / "syn" / "lessons"
    first = sorted(lessons.glob("*.md"))[0]
    if what == "vim-swap":
        (lessons / f".{first.name}.swp").write_bytes(b"\0" * 10)
    elif what == "vim-swap-in-media":
        (proj / "courses" / "syn" / "media").mkdir(exist_ok=True)
        (proj / "courses" / "syn" / "media" / ".transcript.md.swp").write_bytes(b"\0" * 10)
    elif what == "emacs-backup":
        shutil.copy(first, f"{first}~")
    elif what == "touch-course-yaml":
        os.utime(proj / "courses" / "syn" / "course.yaml")
    else:
        (proj / "courses" / "syn" / "NOTES.txt").write_text("x", encoding="utf-8")
    assert _hits(["courses/syn"], "out") == [N]


@pytest.mark.parametrize("second", ["courses/syn", "courses/./syn", "courses/syn/", "courses/synlink"])
def test_one_course_named_twice_is_built_once(proj, second):
    # once, not "No such file or directory: out/.staging-XXXX/syn" from swapping out/syn twice
    os.symlink("syn", proj / "courses" / "synlink")
    results, _ = _build(["courses/syn", second], "out")
    assert [r.course.slug for r in results] == ["syn"]
    assert (proj / "out" / "syn" / "site" / "index.html").is_file()
