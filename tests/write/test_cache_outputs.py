"""The cache in one file (the outputs' digests in one beside it), and unchanged output reused from it: site files
linked by the digest the cache kept, zip entries copied from the previous zip.
Whatever is reused, the output is byte for byte that of a clean build."""

from __future__ import annotations

import hashlib
import marshal
import os
import zipfile
from pathlib import Path

from toolkit import signing
from toolkit.build import FORMATS, BuildOptions, build
from toolkit.packaging.zipcopy import ZipReuse, write_zip

from ..conftest import tree_digest


def outputs(out: Path, slug: str) -> dict[str, str]:
    """Digests of the site's files and of every package."""
    found = {f"site/{k}": v for k, v in tree_digest(out / slug / "site").items()}
    for package in sorted((out / slug).glob("*.zip")):
        found[package.name] = hashlib.sha256(package.read_bytes()).hexdigest()
    return found


def test_warm_cold_and_changed_builds_give_the_same_bytes(fixture_copy, tmp_path):
    course = fixture_copy("ok-minimal")
    out = tmp_path / "out"
    build([course], BuildOptions(out=out, formats=FORMATS))
    # one index, Jinja's bytecode inside; the lessons and pages in a file appended to; the outputs' digests
    # beside them (they change every build)
    assert sorted(p.name for p in (out / ".cache").iterdir()) == [
        "blobs-default-ok-minimal.bin", "cache.pickle", "outputs-default-ok-minimal.marshal"]
    build([course], BuildOptions(out=out, formats=FORMATS))  # nothing changed: everything reused
    clean = tmp_path / "clean"
    build([course], BuildOptions(out=clean, formats=FORMATS, no_cache=True))
    assert outputs(out, "ok-minimal") == outputs(clean, "ok-minimal")

    lesson = course / "lessons" / "02-cv.md"
    lesson.write_text(lesson.read_text(encoding="utf-8").replace("Et godt CV er kort.", "Et godt CV er kort og klart."),
                      encoding="utf-8")
    build([course], BuildOptions(out=out, formats=FORMATS))
    clean2 = tmp_path / "clean2"
    build([course], BuildOptions(out=clean2, formats=FORMATS, no_cache=True))
    assert outputs(out, "ok-minimal") == outputs(clean2, "ok-minimal") != outputs(clean, "ok-minimal")
    with zipfile.ZipFile(out / "ok-minimal" / "ok-minimal-scorm12.zip") as zf:
        assert zf.testzip() is None
        assert "kort og klart" in zf.read("cv.html").decode("utf-8")


def test_an_old_file_changed_behind_the_cache_is_written_again(fixture_copy, tmp_path):
    """Same size, other bytes: the mtime no longer matches the cache's record, so it is not linked."""
    course = fixture_copy("ok-minimal")
    out = tmp_path / "out"
    build([course], BuildOptions(out=out, formats=("web",)))
    page = out / "ok-minimal" / "site" / "cv.html"
    data = page.read_bytes()
    page.write_bytes(data.replace(b"<", b"{", 1))
    os.utime(page, ns=(1, 1))
    zipped = out / "ok-minimal" / "ok-minimal-web.zip"
    with zipfile.ZipFile(zipped) as zf:
        info = zf.getinfo("cv.html")
    blob = bytearray(zipped.read_bytes())
    middle = info.header_offset + 30 + len(info.filename) + info.compress_size // 2
    blob[middle] ^= 0xFF  # damaged in place: same size, same CRC in the headers
    zipped.write_bytes(bytes(blob))
    build([course], BuildOptions(out=out, formats=("web",)))
    assert page.read_bytes() == data
    with zipfile.ZipFile(zipped) as zf:
        assert zf.testzip() is None and zf.read("cv.html") == data


def test_zip_entries_are_copied_only_when_digest_and_size_match(tmp_path):
    entries = {"a.html": b"<p>a</p>" * 50, "b.html": b"<p>b</p>" * 50, "c.txt": b""}
    first = tmp_path / "first.zip"
    reuse = ZipReuse(None)
    write_zip(first, entries, sorted(entries), reuse)
    assert reuse.copied == 0

    again = ZipReuse(first, reuse.new)
    write_zip(tmp_path / "again.zip", entries, sorted(entries), again)
    assert again.copied == 3 and (tmp_path / "again.zip").read_bytes() == first.read_bytes()

    changed = {**entries, "b.html": b"<p>B</p>" * 50}  # same size
    partly = ZipReuse(first, reuse.new)
    write_zip(tmp_path / "partly.zip", changed, sorted(changed), partly)
    fresh = tmp_path / "fresh.zip"
    write_zip(fresh, changed, sorted(changed))
    assert partly.copied == 2 and (tmp_path / "partly.zip").read_bytes() == fresh.read_bytes()


    first.write_bytes(b"not a zip at all")
    broken = ZipReuse(first, reuse.new)
    write_zip(tmp_path / "broken.zip", entries, sorted(entries), broken)
    assert broken.copied == 0
    with zipfile.ZipFile(tmp_path / "broken.zip") as zf:
        assert zf.testzip() is None and {i.filename: zf.read(i) for i in zf.infolist()} == entries
        assert all(i.date_time == (1980, 1, 1, 0, 0, 0) and i.external_attr >> 16 == 0o100644 for i in zf.infolist())


def test_courses_built_one_by_one_share_the_one_cache_file(fixture_copy, tmp_path):
    from toolkit.build import check

    first, second = fixture_copy("ok-minimal"), fixture_copy("quiz-without-explanation")
    out = tmp_path / "out"
    build([first], BuildOptions(out=out, formats=("web",)))
    build([second], BuildOptions(out=out, formats=("web",)))  # keeps the first course's part
    loaded, _ = check([first, second], cache_dir=out / ".cache")
    assert [lc.cache.hits for lc in loaded] == [len(lc.course.lessons) for lc in loaded]
    assert all(lc.cache.hits > 0 for lc in loaded)

    cache_file = out / ".cache" / "cache.pickle"
    cache_file.write_bytes(cache_file.read_bytes()[:-5])  # damaged: a clean build, not a traceback
    build([first], BuildOptions(out=out, formats=("web",)))
    loaded, _ = check([first, second], cache_dir=out / ".cache")
    assert [lc.cache.hits for lc in loaded] == [len(loaded[0].course.lessons), 0]


def test_zip_entries_deflated_at_another_level_are_not_copied(tmp_path, monkeypatch):
    """A zip from a build that deflated at another level gives no entry to the next one,
    whose zip is then the bytes a clean build writes."""
    from toolkit.packaging import zipcopy

    entries = {"a.html": b"<p>a</p>" * 500, "b.html": b"<p>b</p> tekst og mere tekst " * 300}
    first = tmp_path / "first.zip"
    reuse = ZipReuse(None)
    monkeypatch.setattr(zipcopy, "LEVEL", 9)
    write_zip(first, entries, sorted(entries), reuse)
    monkeypatch.undo()
    again = ZipReuse(first, reuse.new)
    write_zip(tmp_path / "again.zip", entries, sorted(entries), again)
    fresh = tmp_path / "fresh.zip"
    write_zip(fresh, entries, sorted(entries))
    assert again.copied == 0 and (tmp_path / "again.zip").read_bytes() == fresh.read_bytes() != first.read_bytes()


def test_an_output_edited_in_place_with_size_and_mtime_kept_is_written_again(fixture_copy, tmp_path):
    """Only the ctime tells this edit apart: the cache keeps it for site files and for each zip."""
    course = fixture_copy("ok-minimal")
    out = tmp_path / "out"
    build([course], BuildOptions(out=out, formats=("web",)))
    clean = tmp_path / "clean"
    build([course], BuildOptions(out=clean, formats=("web",), no_cache=True))
    page = out / "ok-minimal" / "site" / "cv.html"
    zipped = out / "ok-minimal" / "ok-minimal-web.zip"
    for path in (page, zipped):
        before = os.stat(path)
        data = bytearray(path.read_bytes())
        at = data.index(b"<html") if path == page else 0
        if path == zipped:  # a byte of cv.html's deflated data, which a reused entry is copied from
            with zipfile.ZipFile(zipped) as zf:
                info = zf.getinfo("cv.html")
            at = info.header_offset + 30 + len(info.filename.encode()) + info.compress_size // 2
        data[at] ^= 0x20  # the same size
        with open(path, "r+b") as fh:  # in place: the same inode
            fh.write(data)
        os.utime(path, ns=(before.st_atime_ns, before.st_mtime_ns))
        after = os.stat(path)
        assert (after.st_ino, after.st_size, after.st_mtime_ns) == (before.st_ino, before.st_size, before.st_mtime_ns)
    build([course], BuildOptions(out=out, formats=("web",)))
    assert outputs(out, "ok-minimal") == outputs(clean, "ok-minimal")


def test_unchanged_outputs_stay_linked_build_after_build(fixture_copy, tmp_path):
    """Linking a file and removing the old tree change its ctime: the stamps the cache keeps are
    taken after that, so the next build still links every unchanged file (the same inode)."""
    course = fixture_copy("ok-minimal")
    out = tmp_path / "out"

    def inodes() -> dict[str, int]:
        return {str(p.relative_to(out)): p.stat().st_ino for p in sorted((out / "ok-minimal").rglob("*")) if p.is_file()}

    build([course], BuildOptions(out=out, formats=("web",)))
    first = inodes()
    for _ in range(3):
        build([course], BuildOptions(out=out, formats=("web",)))
        assert inodes() == first


def test_digests_of_the_outputs_that_this_users_builds_did_not_sign_are_not_trusted(fixture_copy, tmp_path):
    """outputs-<brand>-<slug>.marshal decides which zip entries are copied from the old zip without
    being read: one written by anyone else (unsigned, or signed with another key) that claims the
    old zip holds a changed page's new bytes must not put the old page in the new zip."""
    course = fixture_copy("ok-minimal")
    page = course / "lessons" / "02-cv.md"
    before = page.read_text(encoding="utf-8")
    after = before.replace("CV", "Cv", 1)
    assert after != before
    name = "outputs-default-ok-minimal.marshal"
    page.write_text(after, encoding="utf-8")  # the changed page's digests, and the clean output
    ahead, clean = tmp_path / "ahead", tmp_path / "clean"
    build([course], BuildOptions(out=ahead, formats=("web",)))
    build([course], BuildOptions(out=clean, formats=("web",), no_cache=True))
    news = marshal.loads((ahead / ".cache" / name).read_bytes().partition(b"\n")[2])["ok-minimal-web.zip"]
    forgeries = [lambda blob: blob, lambda blob: b"0" * 64 + b"\n" + blob,
                 lambda blob: signing.mac("another-name", blob).encode() + b"\n" + blob]
    for n, forge in enumerate(forgeries):
        out = tmp_path / f"out-{n}"
        page.write_text(before, encoding="utf-8")
        build([course], BuildOptions(out=out, formats=("web",)))
        record = out / ".cache" / name
        mac, _, blob = record.read_bytes().partition(b"\n")
        assert mac == signing.mac(record.name, blob).encode()  # what this user's builds write
        kept = marshal.loads(blob)
        assert news["cv.html"] != kept["ok-minimal-web.zip"]["cv.html"]
        lie = {**kept, "ok-minimal-web.zip": {**kept["ok-minimal-web.zip"], "cv.html": news["cv.html"]}}
        page.write_text(after, encoding="utf-8")
        record.write_bytes(forge(marshal.dumps(lie)))
        build([course], BuildOptions(out=out, formats=("web",)))
        assert outputs(out, "ok-minimal") == outputs(clean, "ok-minimal"), n
