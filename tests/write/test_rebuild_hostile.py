"""An incremental build after hostile edits must write the clean build's bytes."""
from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from .compare import ENV, ROOT, build, synthetic, tree


def same_as_clean(proj: Path) -> None:
    cached, clean = build(proj, "out"), build(proj, "clean", "--no-cache")
    assert (cached.returncode, cached.stderr) == (clean.returncode, clean.stderr)
    if clean.returncode == 0:
        a, b = tree(proj / "out"), tree(proj / "clean")
        assert a == b, sorted(k for k in set(a) | set(b) if a.get(k) != b.get(k))


@pytest.mark.parametrize("where_first, where_then", [
    ("courses/syn/pic.png", "courses/syn/lessons/pic.png"),   # a nearer file appears: silently the old one
    ("courses/syn/lessons/pic.png", "courses/syn/pic.png"),   # moved: the cached build fails, no file:line
    ("courses/syn/lessons/pic.png", None),                    # removed: 'No such file', not 'image file not found'
])
def test_an_image_next_to_the_lesson_or_in_the_course_folder(tmp_path, where_first, where_then):
    """resolve_media finds files beside the lesson and anywhere in the course (and brand course)
    folder, not only in media/: the lesson cache's context must list them all."""
    proj = synthetic(tmp_path)
    lesson = proj / "courses/syn/lessons/0002-lektion-2.md"
    lesson.write_text(lesson.read_text(encoding="utf-8") + "\n\n![Et billede](pic.png)\n", encoding="utf-8")
    (proj / where_first).write_bytes(b"\x89PNG\r\n\x1a\nFIRST")
    assert build(proj, "out").returncode == 0
    if where_then is None:
        (proj / where_first).unlink()
    elif (proj / where_then).exists():
        (proj / where_then).unlink()
    else:
        (proj / where_then).write_bytes(b"\x89PNG\r\n\x1a\nTHEN")
        if where_first.endswith("lessons/pic.png"):
            (proj / where_first).unlink()
    same_as_clean(proj)


def test_a_fact_source_edited_shows_on_the_overview(tmp_path):
    """A fact's source/url/date, shown in
    the overview's sources, is not in them."""
    proj = synthetic(tmp_path)
    (proj / "courses" / "facts.yaml").write_text(
        "frist:\n  value: 14 dage\n  source: Kilde A\n  url: https://a.example/\n  date: 2026-01-01\n", encoding="utf-8")
    lesson = proj / "courses/syn/lessons/0001-lektion-1.md"
    lesson.write_text(lesson.read_text(encoding="utf-8") + "\n\nDu har {{ frist }}.\n", encoding="utf-8")
    first = build(proj, "out")
    assert first.returncode == 0, first.stderr
    facts = proj / "courses" / "facts.yaml"
    facts.write_text(facts.read_text(encoding="utf-8").replace("Kilde A", "Kilde B"), encoding="utf-8")
    same_as_clean(proj)


def test_random_edits(tmp_path):
    """A few seeds of tests/write/edit_fuzz.py (random edits of bodies, titles, ids, links, quizzes,
    course.yaml, facts and their sources, images, lessons added/removed/renamed/listed, brand lessons)."""
    for seed in (11, 12):
        p = subprocess.run([sys.executable, str(ROOT / "tests/write/edit_fuzz.py"), str(seed), "10"],
                           env=ENV, capture_output=True, text=True, check=False)
        assert p.returncode == 0, p.stdout + p.stderr


def test_a_brand_asset_at_the_offline_icons_path(tmp_path):
    """A brand asset at assets/icon.png is replaced by the generated icon: the service worker's
    VERSION must come from the icon served, not from the digest the writer had of the brand's."""
    import shutil

    proj = synthetic(tmp_path)
    shutil.copytree(ROOT / "brands" / "default", proj / "brands" / "default")
    (proj / "brands" / "default" / "assets").mkdir(exist_ok=True)
    (proj / "brands" / "default" / "assets" / "icon.png").write_bytes(b"\x89PNG\r\n\x1a\nBRANDICON")
    same_as_clean(proj)


def test_a_template_edited_with_its_size_and_mtime_kept_is_seen(tmp_path):
    """cp -p, rsync -t or touch -r can put a template's mtime back; its ctime still changes."""
    proj = synthetic(tmp_path)
    theme = ROOT / "toolkit" / "themes" / "site"
    (proj / "templates").mkdir()
    template = proj / "templates" / "base.html"
    template.write_text((theme / "base.html").read_text(encoding="utf-8"), encoding="utf-8")
    assert build(proj, "out").returncode == 0
    before = template.stat()
    text = template.read_text(encoding="utf-8")
    assert "<main" in text
    template.write_text(text.replace("<main", "<mAin", 1), encoding="utf-8")  # the same size
    os.utime(template, ns=(before.st_atime_ns, before.st_mtime_ns))
    same_as_clean(proj)


def test_a_change_to_the_pickled_model_classes_leaves_the_cache_unread(tmp_path, monkeypatch):
    """Lessons are pickled by position: a cache written with other fields must not be read."""
    from toolkit import cache
    from toolkit.build import check

    proj = synthetic(tmp_path)
    monkeypatch.chdir(proj)
    assert build(proj, "out").returncode == 0
    loaded, _ = check([Path("courses/syn")], cache_dir=Path("out/.cache"))
    assert loaded[0].cache.hits == 3
    monkeypatch.setattr(cache, "_model_fields", lambda: [["id", "title"]])
    loaded, _ = check([Path("courses/syn")], cache_dir=Path("out/.cache"))
    assert loaded[0].cache.hits == 0


def test_two_courses_of_one_name_in_one_build_are_an_error_naming_both(tmp_path):
    proj = synthetic(tmp_path)
    other = tmp_path / "other" / "courses" / "syn"
    subprocess.run([sys.executable, str(ROOT / "bench" / "synthetic.py"), str(other), "--lessons", "2"], check=True,
                   capture_output=True)
    p = subprocess.run([sys.executable, "-m", "toolkit", "build", "courses/syn", str(other), "--out", "out",
                        "--format", "web"], cwd=proj, env=ENV, capture_output=True, text=True, check=False)
    assert p.returncode == 1
    assert "two courses named 'syn'" in p.stderr and str(other) in p.stderr and "Traceback" not in p.stderr
    assert not (proj / "out" / "syn").exists()


def test_an_image_beside_the_lesson_replaced_in_place_is_seen(tmp_path):
    """The same path, other bytes, the size and mtime kept: the lesson's probe of it changes (ctime)."""
    proj = synthetic(tmp_path)
    lesson = proj / "courses/syn/lessons/0002-lektion-2.md"
    lesson.write_text(lesson.read_text(encoding="utf-8") + "\n\n![Et billede](pic.png)\n", encoding="utf-8")
    pic = proj / "courses/syn/lessons/pic.png"
    pic.write_bytes(b"\x89PNG\r\n\x1a\nFIRST")
    assert build(proj, "out").returncode == 0
    before = pic.stat()
    pic.write_bytes(b"\x89PNG\r\n\x1a\nOTHER")
    os.utime(pic, ns=(before.st_atime_ns, before.st_mtime_ns))
    same_as_clean(proj)
