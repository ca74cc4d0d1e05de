"""A source whose stat is unchanged is not read again (the cache keeps each source's stat
with its hash), and a write is always seen: it changes the ctime, and a source written
less than a second before it was hashed is hashed again next time (the clock ticks
coarsely, so a second write may share the first one's timestamps)."""

from __future__ import annotations

import os

from toolkit import cache
from toolkit.build import BuildOptions, build

OPTIONS = {"formats": ("web",)}


def _stats(out):
    return cache._read_course(cache.cache_path(out / ".cache"), "default-ok-minimal")["stats"]


def test_a_same_size_edit_with_the_old_mtime_put_back_is_seen(fixture_copy, tmp_path, monkeypatch):
    monkeypatch.setattr(cache, "RACY_NS", 0)  # trust every stat at once, to test the ctime alone
    course = fixture_copy("ok-minimal")
    out = tmp_path / "out"
    build([course], BuildOptions(out=out, **OPTIONS))
    lesson = course / "lessons" / "02-cv.md"
    assert str(lesson) in _stats(out)
    before = os.stat(lesson)
    text = lesson.read_text(encoding="utf-8")
    assert "Et godt CV er kort." in text
    lesson.write_text(text.replace("Et godt CV er kort.", "Et godt CV er KORT."), encoding="utf-8")
    os.utime(lesson, ns=(before.st_atime_ns, before.st_mtime_ns))
    after = os.stat(lesson)
    assert (after.st_size, after.st_mtime_ns) == (before.st_size, before.st_mtime_ns)
    build([course], BuildOptions(out=out, **OPTIONS))
    assert "Et godt CV er KORT." in (out / "ok-minimal" / "site" / "cv.html").read_text(encoding="utf-8")


def test_an_unchanged_source_is_not_read_again(fixture_copy, tmp_path, monkeypatch):
    monkeypatch.setattr(cache, "RACY_NS", 0)
    course = fixture_copy("ok-minimal")
    out = tmp_path / "out"
    build([course], BuildOptions(out=out, **OPTIONS))
    reads = []
    real = type(course).read_bytes

    def read_bytes(self):
        if self.suffix == ".md":
            reads.append(self.name)
        return real(self)

    monkeypatch.setattr(type(course), "read_bytes", read_bytes)
    build([course], BuildOptions(out=out, **OPTIONS))
    assert not [r for r in reads if r.startswith("0")], "cache keys were taken by reading the lessons again"


def test_a_source_hashed_right_after_it_was_written_is_hashed_again(fixture_copy, tmp_path, monkeypatch):
    course = fixture_copy("ok-minimal")
    newest = max(max(p.stat().st_mtime_ns, p.stat().st_ctime_ns) for p in course.rglob("*.md"))
    # the build hashes every source 1 ms after its last write, however long the copy took
    monkeypatch.setattr(cache.time, "time_ns", lambda: newest + 1_000_000)
    out = tmp_path / "out"
    build([course], BuildOptions(out=out, **OPTIONS))
    assert not any(p.endswith(".md") for p in _stats(out)), "a racy stat was trusted"


def test_a_no_change_build_leaves_the_cache_file_alone(fixture_copy, tmp_path, monkeypatch):
    monkeypatch.setattr(cache, "RACY_NS", 0)
    course = fixture_copy("ok-minimal")
    out = tmp_path / "out"
    build([course], BuildOptions(out=out, **OPTIONS))
    build([course], BuildOptions(out=out, **OPTIONS))  # the stats of this build's outputs settle
    path = cache.cache_path(out / ".cache")
    first = os.stat(path)
    build([course], BuildOptions(out=out, **OPTIONS))
    assert os.stat(path).st_mtime_ns == first.st_mtime_ns
