"""toolkit preview updates its site in place and keeps its cache in memory:
after every kind of save, what it serves is what a fresh build writes."""

from __future__ import annotations

import os
from pathlib import Path

from starlette.testclient import TestClient

from toolkit.build import BuildOptions, build
from toolkit.preview import Preview


def tree(root: Path) -> dict[str, bytes]:
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()}


def fresh_site(preview: Preview, out: Path) -> dict[str, bytes]:
    """The site a clean build with no cache writes, with the preview's settings."""
    options = BuildOptions(out=out, formats=(), settings=preview.settings(), no_cache=True)
    results, _ = build([preview.course_dir], options)
    return tree(results[0].site)


def same_as_fresh(preview: Preview, out: Path) -> None:
    assert preview.site is not None
    served, fresh = tree(preview.site), fresh_site(preview, out)
    assert sorted(served) == sorted(fresh)
    assert [rel for rel in fresh if served[rel] != fresh[rel]] == []


def test_the_served_site_is_a_fresh_build_after_each_save(fixture_copy, tmp_path):
    course = fixture_copy("ok-minimal")
    preview = Preview(course, base_url="http://testserver")
    assert preview.rebuild()
    same_as_fresh(preview, tmp_path / "fresh1")
    client = TestClient(preview.app())
    lessons = course / "lessons"

    cv = lessons / "02-cv.md"  # an edit: the page changes, and so does what links to it (course data)
    cv.write_text(cv.read_text(encoding="utf-8").replace("Et godt CV er kort.", "Et godt CV er meget kort."),
                  encoding="utf-8")
    assert preview.rebuild()
    assert "Et godt CV er meget kort." in client.get("/course/cv.html").text
    same_as_fresh(preview, tmp_path / "fresh2")

    cv.write_text(cv.read_text(encoding="utf-8").replace("---\n", "---\nid: mit-cv\n", 1), encoding="utf-8")
    assert preview.rebuild()  # the unchanged lesson that links to it, from the cache, links to its new page
    assert 'href="mit-cv.html"' in client.get("/course/velkommen.html").text
    same_as_fresh(preview, tmp_path / "fresh2b")
    cv.write_text(cv.read_text(encoding="utf-8").replace("id: mit-cv\n", ""), encoding="utf-8")
    assert preview.rebuild()
    assert 'href="cv.html"' in client.get("/course/velkommen.html").text

    (lessons / "03-video.md").rename(lessons / "00-video.md")  # moved: the order and the neighbours' links change
    assert preview.rebuild()
    same_as_fresh(preview, tmp_path / "fresh3")

    velkommen = lessons / "01-velkommen.md"  # a new id: the old page is gone from the served site
    velkommen.write_text(velkommen.read_text(encoding="utf-8").replace("---\n", "---\nid: hej\n", 1),
                         encoding="utf-8")
    assert preview.rebuild()
    assert client.get("/course/hej.html").status_code == 200
    assert client.get("/course/velkommen.html").status_code == 404
    same_as_fresh(preview, tmp_path / "fresh4")

    (lessons / "00-video.md").unlink()
    assert preview.rebuild()
    assert client.get("/course/video.html").status_code == 404
    same_as_fresh(preview, tmp_path / "fresh5")


def test_a_save_that_keeps_size_and_mtime_is_still_seen(fixture_copy, tmp_path):
    """Bad luck: the same number of bytes, and the old mtime put back (as some tools do)."""
    course = fixture_copy("ok-minimal")
    preview = Preview(course, base_url="http://testserver")
    assert preview.rebuild()
    cv = course / "lessons" / "02-cv.md"
    before = cv.stat()
    text = cv.read_text(encoding="utf-8")
    cv.write_text(text.replace("Et godt CV er kort.", "Et godt CV er kirt."), encoding="utf-8")
    os.utime(cv, ns=(before.st_atime_ns, before.st_mtime_ns))
    assert cv.stat().st_size == before.st_size and cv.stat().st_mtime_ns == before.st_mtime_ns
    assert preview.rebuild()
    assert "Et godt CV er kirt." in TestClient(preview.app()).get("/course/cv.html").text
    same_as_fresh(preview, tmp_path / "fresh")


def test_a_failed_save_keeps_the_last_good_site_and_the_next_one_catches_up(fixture_copy, tmp_path):
    course = fixture_copy("ok-minimal")
    preview = Preview(course, base_url="http://testserver")
    assert preview.rebuild()
    cv = course / "lessons" / "02-cv.md"
    good = cv.read_text(encoding="utf-8")
    before = tree(preview.site) if preview.site else {}
    cv.write_text("---\ntitel: brudt\n---\n", encoding="utf-8")
    assert not preview.rebuild()
    assert preview.site is not None and tree(preview.site) == before
    cv.write_text(good.replace("Et godt CV er kort.", "Et CV er kort."), encoding="utf-8")
    assert preview.rebuild()
    same_as_fresh(preview, tmp_path / "fresh")


def test_a_served_lesson_left_unchanged_by_a_save_is_not_rewritten(fixture_copy):
    course = fixture_copy("ok-minimal")
    preview = Preview(course, base_url="http://testserver")
    assert preview.rebuild()
    assert preview.site is not None
    untouched = preview.site / "velkommen.html"
    inode = untouched.stat().st_ino, untouched.stat().st_mtime_ns
    cv = course / "lessons" / "02-cv.md"
    cv.write_text(cv.read_text(encoding="utf-8") + "\nNy linje.\n", encoding="utf-8")
    changed = (preview.site / "cv.html").stat().st_ino
    assert preview.rebuild()
    assert (untouched.stat().st_ino, untouched.stat().st_mtime_ns) == inode
    assert (preview.site / "cv.html").stat().st_ino != changed  # replaced by a rename, not written over
