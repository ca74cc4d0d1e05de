"""The lessons and pages of the cache are in a blob file that a rebuild appends to
(toolkit/blobs.py): a changed lesson adds its own blobs and rewrites nothing else; a blob file
changed behind the cache is never read; dead blobs are compacted away.  And the cyclic GC,
paused while cached lessons are unpickled, always runs again."""

from __future__ import annotations

import gc
import os

import pytest

import toolkit.build
from toolkit import blobs, cache
from toolkit.build import BuildOptions, build

from ..conftest import tree_digest
from .compare import WEB, blob_file, clean_digest, edit_lesson


def test_a_changed_lesson_is_appended(fixture_copy, tmp_path):
    course = fixture_copy("ok-minimal")
    out = tmp_path / "out"
    build([course], BuildOptions(out=out, **WEB))
    first = os.stat(blob_file(out))
    head = blob_file(out).read_bytes()
    edit_lesson(course, 1)
    build([course], BuildOptions(out=out, **WEB))
    after = os.stat(blob_file(out))
    assert after.st_ino == first.st_ino and after.st_size > first.st_size
    assert blob_file(out).read_bytes()[:len(head)] == head, "old blobs were rewritten"
    assert tree_digest(out / course.name) == clean_digest(course, tmp_path, **WEB)
    with cache.LessonCache(cache.cache_path(out / ".cache"), "default-ok-minimal",
                           cache._read_course(cache.cache_path(out / ".cache"), "default-ok-minimal")["context"]) as loaded:
        assert len(loaded.old) == 3 and len(loaded.old_pages) == 5  # three lessons; their pages, overview and launch


def test_a_blob_file_changed_behind_the_cache_is_not_read(fixture_copy, tmp_path):
    course = fixture_copy("ok-minimal")
    out = tmp_path / "out"
    build([course], BuildOptions(out=out, **WEB))
    path = blob_file(out)
    before = os.stat(path)
    data = path.read_bytes()
    assert data.count(b"Et godt CV er kort.") >= 2  # in the pickled lesson and in its page
    data = data.replace(b"Et godt CV er kort.", b"Et godt CV er KORT.")  # the same size, and the mtime put back
    with open(path, "r+b") as fh:
        fh.write(data)
    os.utime(path, ns=(before.st_atime_ns, before.st_mtime_ns))
    edit_lesson(course, 1, "03-video.md")  # cv.html's entry and page would come from the blob file
    build([course], BuildOptions(out=out, **WEB))
    assert tree_digest(out / course.name) == clean_digest(course, tmp_path, **WEB)


def test_dead_blobs_are_compacted(fixture_copy, tmp_path, monkeypatch):
    monkeypatch.setattr(blobs, "SLACK", 0)
    course = fixture_copy("ok-minimal")
    out = tmp_path / "out"
    build([course], BuildOptions(out=out, **WEB))
    live = blob_file(out).stat().st_size
    inodes = set()
    for n in range(6):
        edit_lesson(course, n)
        build([course], BuildOptions(out=out, **WEB))
        inodes.add(blob_file(out).stat().st_ino)
        assert blob_file(out).stat().st_size <= 2 * live + 4096 * (n + 1)
    assert len(inodes) > 1, "never compacted"
    assert tree_digest(out / course.name) == clean_digest(course, tmp_path, **WEB)


def test_the_gc_pause_while_loading_cached_lessons_always_ends(fixture_copy, tmp_path, monkeypatch):
    course = fixture_copy("ok-minimal")
    out = tmp_path / "out"
    build([course], BuildOptions(out=out, **WEB))
    seen = []
    real = toolkit.build.add_lessons

    def spy(*args):
        seen.append(gc.isenabled())
        return real(*args)

    monkeypatch.setattr(toolkit.build, "add_lessons", spy)
    build([course], BuildOptions(out=out, **WEB))
    assert seen == [False] and gc.isenabled()

    def broken(*args):
        raise OSError(5, "Input/output error")

    monkeypatch.setattr(toolkit.build, "add_lessons", broken)
    with pytest.raises(OSError, match="Input/output"):
        build([course], BuildOptions(out=out, **WEB))
    assert gc.isenabled()


@pytest.mark.parametrize("pread", [True, False] if blobs.PREAD else [False])
def test_each_blob_is_read_where_its_ref_says_and_one_cut_short_is_not_there(tmp_path, monkeypatch, pread):
    """With os.pread, and with a seek and a read where there is none (Windows)."""
    monkeypatch.setattr(blobs, "PREAD", pread)
    path = tmp_path / "blobs.bin"
    refs, stamp = blobs.write(path, None, {}, {"a": b"A" * 10, "b": "ø".encode() * 5000, "c": b"C" * 3})
    opened = blobs.BlobFile.open(path, stamp)
    assert opened is not None
    found = blobs.Blobs(opened, {**refs, "outside": (os.path.getsize(path), 1), "negative": (-1, 2)})
    assert (found["a"], found["b"], found["c"]) == (b"A" * 10, "ø".encode() * 5000, b"C" * 3)
    assert "outside" not in found and "negative" not in found
    with open(path, "r+b") as fh:  # someone else cuts the file short while it is read
        fh.truncate(refs["c"][0] + 1)
    assert found.get("a") == b"A" * 10
    assert found.get("c") is None  # not all there: not a blob
    opened.close()
    assert found.get("a") is None  # closed: nothing more is read
