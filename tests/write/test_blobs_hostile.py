"""(Review of the blob file read blob by blob.)  Two builds that write one output folder's blob
file at once, a blob file changed in place while a build reads it, and a blob file that is not a
regular file: each costs at most a cold cache, never wrong output, a hang or a stray file."""

from __future__ import annotations

import os
import subprocess
import sys
import threading
from pathlib import Path

import pytest

import toolkit.build
from toolkit import blobs
from toolkit.build import BuildOptions, build

from ..conftest import tree_digest
from .compare import ENV, WEB, blob_file, changing_blobs_in_place, clean_digest, edit_lesson


def _read_back(path: Path, refs: dict[str, blobs.Ref], stamp: str) -> dict[str, bytes | None] | None:
    """The blobs at *refs*, as a later build reads them under *stamp*; None when it would not
    read the file at all (its cache is cold: fine)."""
    reading = blobs.BlobFile.open(path, stamp)
    if reading is None:
        return None
    try:
        return {key: reading.read(ref) for key, ref in refs.items()}
    finally:
        reading.close()


class _Closing:
    """A file as blobs.write opens it to append, calling *then* once it is closed."""

    def __init__(self, fh, then) -> None:
        self._fh, self._then = fh, then

    def __getattr__(self, name: str):
        return getattr(self._fh, name)

    def __enter__(self) -> _Closing:
        return self

    def __exit__(self, *exc: object) -> None:
        self._fh.close()
        self._then()


def test_a_blob_file_replaced_right_after_an_append_does_not_match_the_appenders_stamp(tmp_path, monkeypatch):
    """Build A appends and closes the file; build B replaces it (compacted, through a temporary
    file) before A records the stamp.  A stamp read from the path then was B's file's, under
    which A's refs read other bytes.  The stamp A records is its own file's."""
    path = tmp_path / "blobs-default-x.bin"
    path.write_bytes(b"o" * 100)
    opened = blobs.BlobFile.open(path, blobs.file_stamp(path))
    assert opened is not None
    opened.close()
    real_open = open

    def replace_it() -> None:
        other = path.with_name("other.tmp")
        other.write_bytes(b"B" * 150)
        other.replace(path)

    def opening(file, mode="r", *args, **kwargs):
        fh = real_open(file, mode, *args, **kwargs)
        return _Closing(fh, replace_it) if mode in ("ab", "r+b") else fh

    def opening_regular(file, append=False):
        fh = real_regular(file, append)
        return _Closing(fh, replace_it) if append else fh

    real_regular = blobs.open_regular
    monkeypatch.setattr(blobs, "open", opening, raising=False)
    monkeypatch.setattr(blobs, "open_regular", opening_regular)
    refs, stamp = blobs.write(path, opened, {"old": (0, 100)}, {"old": b"o" * 100, "new": b"A" * 50})
    got = _read_back(path, refs, stamp)
    assert got is None or got == {"old": b"o" * 100, "new": b"A" * 50}


class _Appending:
    """The blob file as blobs.write opens it to append, waiting at *seeked* after a seek: two
    writers interleaved as two processes may be (the GIL would otherwise run each from its seek
    to its close in one go)."""

    def __init__(self, fh, seeked: threading.Barrier) -> None:
        self._fh, self._seeked = fh, seeked

    def __getattr__(self, name: str):
        return getattr(self._fh, name)

    def seek(self, *args: int) -> int:
        at = self._fh.seek(*args)
        self._seeked.wait(timeout=30)
        return at

    def __enter__(self) -> _Appending:
        return self

    def __exit__(self, *exc: object) -> None:
        self._fh.close()


def test_two_builds_appending_at_once_each_find_their_own_blobs(tmp_path, monkeypatch):
    """Two builds that opened the same blob file append to it at once, each having checked its
    stamp before either writes.  Appending at an end found before writing (seek, then write) put
    both at the same offset, and both recorded the stamp of the file as it was after both: the
    refs of whichever cache file came last read the other build's bytes under a stamp that
    matched."""
    path = tmp_path / "blobs-default-x.bin"
    path.write_bytes(b"o" * 100)
    stamp = blobs.file_stamp(path)
    checked, seeked = threading.Barrier(2), threading.Barrier(2)
    real_open, real_stamp = open, blobs.stamp_of
    checks: set[int] = set()

    def opening(file, mode="r", *args, **kwargs):
        fh = real_open(file, mode, *args, **kwargs)
        return _Appending(fh, seeked) if mode in ("ab", "r+b") else fh

    def stamp_of(st: os.stat_result) -> str:
        got = real_stamp(st)
        if sys._getframe(1).f_code is blobs.write.__code__ and threading.get_ident() not in checks:
            checks.add(threading.get_ident())
            checked.wait(timeout=30)  # both have checked the file before either writes
        return got

    monkeypatch.setattr(blobs, "open", opening, raising=False)
    monkeypatch.setattr(blobs, "stamp_of", stamp_of)
    results: dict[str, tuple[dict[str, blobs.Ref], str]] = {}
    mine = {"a": {"old": b"o" * 100, "new": b"A" * 50}, "b": {"old": b"o" * 100, "new": b"B" * 50}}
    opened = {name: blobs.BlobFile.open(path, stamp) for name in mine}  # both read the cache first

    def writer(name: str) -> None:
        mine_opened = opened[name]
        assert mine_opened is not None
        mine_opened.close()
        results[name] = blobs.write(path, mine_opened, {"old": (0, 100)}, mine[name])

    threads = [threading.Thread(target=writer, args=(name,)) for name in mine]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    monkeypatch.setattr(blobs, "stamp_of", real_stamp)
    assert set(results) == {"a", "b"}
    assert path.stat().st_size == 200  # both appended, neither over the other
    for name, (refs, recorded) in results.items():
        got = _read_back(path, refs, recorded)
        assert got is None or got == mine[name], f"build {name}'s blobs, read back under the stamp it recorded"


def test_a_fifo_in_place_of_the_blob_file_or_the_cache_file_does_not_hang_the_build(fixture_copy, tmp_path):
    """Opening a FIFO for reading blocks until someone writes to it: the build waited for ever,
    saying nothing.  It now starts cold, with the same output."""
    course = fixture_copy("ok-minimal")
    out = tmp_path / "out"
    build([course], BuildOptions(out=out, **WEB))
    for path in (blob_file(out), out / ".cache" / "cache.pickle"):
        path.unlink()
        os.mkfifo(path)
        edit_lesson(course, len(path.name))
        proc = subprocess.Popen([sys.executable, "-m", "toolkit", "build", str(course), "--out", str(out),
                                 "--format", "web", "-j", "1"], env=ENV, stdout=subprocess.PIPE,
                                stderr=subprocess.PIPE, text=True)
        try:
            _, err = proc.communicate(timeout=60)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.communicate()
            raise AssertionError(f"the build hung opening a FIFO at {path.name}") from None
        assert proc.returncode == 0, err
        assert tree_digest(out / course.name) == clean_digest(course, tmp_path, **WEB)
        assert path.is_file()  # written again in its place


def test_a_directory_at_the_blob_files_path_is_named_and_leaves_no_temporary_file(fixture_copy, tmp_path):
    """The blob file written again through a temporary file that cannot replace the path (a
    directory is there): the error named the temporary file, and each such build left another
    one, of the whole course's blobs, behind."""
    course = fixture_copy("ok-minimal")
    out = tmp_path / "out"
    build([course], BuildOptions(out=out, **WEB))
    blob_file(out).unlink()
    blob_file(out).mkdir()
    (blob_file(out) / "x").touch()
    edit_lesson(course, 1)
    with pytest.raises(IsADirectoryError) as failed:  # a directory there: the build cannot keep its cache
        build([course], BuildOptions(out=out, **WEB))
    assert failed.value.filename == str(blob_file(out)), f"names {failed.value.filename}"
    left = sorted(p.name for p in (out / ".cache").iterdir() if ".tmp" in p.name)
    assert left == [], f"temporary files left: {left}"


def test_a_blob_file_changed_in_place_while_the_build_reads_it_is_not_trusted(fixture_copy, tmp_path, monkeypatch):
    """The stamp is compared when the build opens the blob file, and its blobs are read later
    through that descriptor: a change in place meanwhile (cp or rsync --inplace onto the cache, a
    restore of a backup: the same inode) was read as the cache, and written again, compacted,
    under a new stamp that matched, so the next builds trusted it too.  Now the course is loaded
    again without the blob file."""
    course = fixture_copy("ok-minimal")
    out = tmp_path / "out"
    build([course], BuildOptions(out=out, **WEB))
    edit_lesson(course, 1, "03-video.md")  # a rebuild: cv.html's entry and page come from the blob file
    real = toolkit.build.add_lessons

    monkeypatch.setattr(toolkit.build, "add_lessons", changing_blobs_in_place(out, real))
    build([course], BuildOptions(out=out, **WEB))
    monkeypatch.setattr(toolkit.build, "add_lessons", real)
    clean = clean_digest(course, tmp_path, **WEB)
    assert tree_digest(out / course.name) == clean, "the build read bytes changed in place after it opened the file"
    build([course], BuildOptions(out=out, **WEB))  # nothing changed since
    assert tree_digest(out / course.name) == clean, "the next build still has the bytes changed in place"
