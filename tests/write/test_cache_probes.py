"""The media-lookup probes a cached lesson keeps: a cached build against a clean one.

- A probe stamps where a path leads as well as what is there (the media file's name in the site
  and the inside-the-course check follow the path): a symbolic link moved to a hard link of the
  same file, or, within the 3 s in which only the bytes' digest is kept, a file swapped for a link
  to a copy with the same bytes, renders the lesson again.
- A lesson rendered again because a probe changed is stored again under its unchanged key, so it
  is not rendered again on every build after.
- Lessons that look up no media, unrelated files, brands' overrides and forked workers.
"""
from __future__ import annotations

import datetime as dt
import os
import shutil
import time
from pathlib import Path

import pytest

from toolkit import cache as cache_module
from toolkit.build import BuildOptions, build

from .compare import cache_modes, project, tree  # noqa: F401 (cache_modes: the fixture)

pytestmark = pytest.mark.usefixtures("cache_modes")

ROOT = Path(__file__).resolve().parents[2]
TODAY = dt.date(2026, 12, 1)
LESSON = "0001-lektion-1.md"
PAST_RACY = 3.2  # toolkit.replay.RACY_NS is 3 s


def make_project(tmp_path: Path, monkeypatch, n: int = 3) -> Path:
    p = project(tmp_path, n)
    monkeypatch.chdir(p)
    return p


def add_line(name: str, text: str) -> None:
    f = Path("courses/syn/lessons") / name
    f.write_text(f.read_text(encoding="utf-8").replace("## Det vigtigste", text + "\n\n## Det vigtigste", 1),
                 encoding="utf-8")


def run(out: str, no_cache: bool = False, jobs: int = 1, formats: tuple[str, ...] = ()) -> None:
    build([Path("courses/syn")], BuildOptions(out=Path(out), formats=formats, today=TODAY, jobs=jobs,
                                              no_cache=no_cache))


def assert_cached_is_clean(cached: str = "cached", jobs: int = 1) -> None:
    run(cached, jobs=jobs)
    shutil.rmtree("clean", ignore_errors=True)
    run("clean", no_cache=True, jobs=jobs)
    a, b = tree(Path(cached)), tree(Path("clean"))
    assert sorted(k for k in set(a) | set(b) if a.get(k) != b.get(k)) == []


@pytest.fixture
def renders(monkeypatch):
    """How many lessons each build renders (LessonCache.put: a miss rendered without errors)."""
    count = [0]
    put = cache_module.LessonCache.put

    def counting(self, file, entry):
        count[0] += 1
        return put(self, file, entry)

    monkeypatch.setattr(cache_module.LessonCache, "put", counting)

    def built(out: str = "cached") -> int:
        count[0] = 0
        run(out)
        return count[0]
    return built


# --- findings -------------------------------------------------------------------------------


def test_link_moved_to_a_hard_link_of_the_same_image(tmp_path, monkeypatch):
    make_project(tmp_path, monkeypatch)
    media = Path("courses/syn/media")
    media.mkdir()
    (media / "a.png").write_bytes(b"\x89PNG" + b"x" * 100)
    os.link(media / "a.png", media / "b.png")  # two names, one inode (cp -al, rsync --link-dest)
    os.symlink("../media/a.png", "courses/syn/lessons/pic.png")
    add_line(LESSON, "![Et billede](pic.png)")
    time.sleep(PAST_RACY)
    run("cached")
    os.remove("courses/syn/lessons/pic.png")
    os.symlink("../media/b.png", "courses/syn/lessons/pic.png")  # clean: the page shows media/b.png
    assert_cached_is_clean()


def test_file_swapped_for_a_link_to_the_same_bytes_within_the_racy_window(tmp_path, monkeypatch):
    make_project(tmp_path, monkeypatch)
    media = Path("courses/syn/media")
    media.mkdir()
    data = b"\x89PNG" + b"y" * 100
    add_line(LESSON, "![Et billede](pic.png)")
    (media / "pic.png").write_bytes(data)
    Path("courses/syn/lessons/pic.png").write_bytes(data)
    run("cached")  # both files just written: the probe keeps the bytes' digest, not the stat
    os.remove("courses/syn/lessons/pic.png")
    os.symlink("../media/pic.png", "courses/syn/lessons/pic.png")  # same bytes, another target
    assert_cached_is_clean()


def test_lesson_rendered_again_for_a_changed_probe_is_cached_again(tmp_path, monkeypatch, renders):
    make_project(tmp_path, monkeypatch)
    Path("courses/syn/lessons/b.png").write_bytes(b"b")
    add_line(LESSON, "![B](b.png)")
    time.sleep(PAST_RACY)
    assert renders() == 3
    assert renders() == 0
    Path("courses/syn/lessons/b.png").write_bytes(b"B")  # outside media/: only the probe sees it
    time.sleep(PAST_RACY)
    assert renders() == 1
    assert renders() == 0  # (the old entry must not stay in the blob file)


def test_image_saved_just_before_the_first_build_is_not_rendered_on_every_build(tmp_path, monkeypatch, renders):
    # the first build keeps the racy digest stamp ("h:..."), the next sees a stat stamp: a miss,
    # and (as above) the entry rendered again is not stored, so the miss comes back every build
    make_project(tmp_path, monkeypatch)
    add_line(LESSON, "![B](b.png)")
    time.sleep(PAST_RACY)
    Path("courses/syn/lessons/b.png").write_bytes(b"b")  # saved, then built straight away
    assert renders() == 3
    time.sleep(PAST_RACY)
    assert renders() == 1
    assert [renders() for _ in range(3)] == [0, 0, 0]


# --- what held ------------------------------------------------------------------------------


VIDEO = "```video\ntitle: Film\nplaceholder: true\ntranscript: notes/t.md\n```\n"


@pytest.mark.parametrize("wait", [False, True], ids=["racy", "settled"])
def test_transcript_content_edit_outside_media(tmp_path, monkeypatch, wait):
    make_project(tmp_path, monkeypatch)
    Path("courses/syn/notes").mkdir()
    Path("courses/syn/notes/t.md").write_text("Første udskrift.\n", encoding="utf-8")
    add_line(LESSON, VIDEO)
    if wait:
        time.sleep(PAST_RACY)
    run("cached")
    Path("courses/syn/notes/t.md").write_text("Anden  udskrift.\n", encoding="utf-8")  # same size
    if wait:
        time.sleep(PAST_RACY)
    assert_cached_is_clean()


def test_lessons_without_media_are_not_rendered_again_after_unrelated_edits(tmp_path, monkeypatch, renders):
    make_project(tmp_path, monkeypatch, n=4)
    Path("courses/syn/media").mkdir()
    Path("courses/syn/media/a.png").write_bytes(b"a")
    Path("courses/syn/lessons/b.png").write_bytes(b"b")
    add_line(LESSON, "![A](media/a.png) ![B](b.png)")
    add_line("0002-lektion-2.md", "![B](b.png)")
    time.sleep(PAST_RACY)
    assert renders() == 4
    for edit in (lambda: Path("courses/syn/notes.txt").write_text("x"),
                 lambda: Path("courses/syn/course.yaml").touch(),
                 lambda: Path("courses/syn/lessons/.0001-lektion-1.md.swp").write_text("x"),
                 lambda: Path("courses/syn/media/.DS_Store").write_text("x"),
                 lambda: Path("courses/syn/lessons/c.png").write_bytes(b"c")):
        edit()
        assert renders() == 0
    Path("courses/syn/lessons/b.png").write_bytes(b"B")
    assert renders() == 2  # the two lessons that show b.png


def test_dotfile_and_backup_names_overridden_by_the_brand(tmp_path, monkeypatch):
    make_project(tmp_path, monkeypatch)

    def branded(out, no_cache=False):
        build([Path("courses/syn")], BuildOptions(out=Path(out), formats=("web", "scorm12"), today=TODAY, jobs=1,
                                                  no_cache=no_cache, brand="eksempelby"))
    Path("courses/syn/.logo.png").write_bytes(b"course")
    Path("courses/syn/pic~.png").write_bytes(b"course2")
    add_line(LESSON, "![Logo](.logo.png) ![P](pic~.png)")
    time.sleep(PAST_RACY)
    branded("cached")
    folder = Path("brands/eksempelby/courses/syn")
    folder.mkdir(parents=True, exist_ok=True)
    (folder / ".logo.png").write_bytes(b"brand")  # left out of the context: only the probes see it
    (folder / "pic~.png").write_bytes(b"brand2")
    branded("cached")
    branded("clean", no_cache=True)
    assert tree(Path("cached")) == tree(Path("clean"))


def test_probes_from_forked_workers(tmp_path, monkeypatch):
    make_project(tmp_path, monkeypatch, n=120)
    Path("courses/syn/notes").mkdir()
    for k in range(7):
        Path(f"courses/syn/notes/t{k}.md").write_text(f"Udskrift {k}.\n", encoding="utf-8")
    for i, f in enumerate(sorted(Path("courses/syn/lessons").glob("*.md"))):
        Path(f"courses/syn/lessons/p{i % 10}.png").write_bytes(b"img%d" % i)
        add_line(f.name, f"![Billede](p{i % 10}.png)\n\n" + VIDEO.replace("t.md", f"t{i % 7}.md"))
    time.sleep(PAST_RACY)
    run("cached", jobs=2)
    Path("courses/syn/notes/t3.md").write_text("Udskrift ændret 3.\n", encoding="utf-8")
    os.remove("courses/syn/lessons/p4.png")
    os.symlink("p5.png", "courses/syn/lessons/p4.png")
    assert_cached_is_clean(jobs=2)
