"""Incremental builds reuse unchanged lessons and give the same output as a
clean build."""

from __future__ import annotations

from pathlib import Path

import pytest

from toolkit.build import BuildOptions, build

from ..conftest import tree_digest
from .compare import cache_modes  # noqa: F401 (the fixture)

pytestmark = pytest.mark.usefixtures("cache_modes")


def site_digest(out: Path, slug: str) -> dict[str, str]:
    return tree_digest(out / slug / "site")


def test_rebuild_after_one_change_matches_clean_build(fixture_copy, tmp_path):
    course = fixture_copy("ok-minimal")
    out = tmp_path / "out"
    build([course], BuildOptions(out=out, formats=("web",)))
    assert (out / ".cache").is_dir()

    lesson = course / "lessons" / "02-cv.md"
    lesson.write_text(lesson.read_text(encoding="utf-8").replace("Et godt CV er kort.", "Et godt CV er kort og klart."),
                      encoding="utf-8")
    _results, _ = build([course], BuildOptions(out=out, formats=("web",)))
    clean = tmp_path / "clean"
    build([course], BuildOptions(out=clean, formats=("web",), no_cache=True))

    assert site_digest(out, "ok-minimal") == site_digest(clean, "ok-minimal")
    assert "kort og klart" in (out / "ok-minimal" / "site" / "cv.html").read_text(encoding="utf-8")


def test_unchanged_lessons_come_from_the_cache(fixture_copy, tmp_path):
    from toolkit.build import check

    course = fixture_copy("ok-minimal")
    out = tmp_path / "out"
    build([course], BuildOptions(out=out, formats=("web",)))
    (course / "lessons" / "03-video.md").write_text(
        (course / "lessons" / "03-video.md").read_text(encoding="utf-8") + "\nEkstra linje.\n", encoding="utf-8")
    loaded, _ = check([course], cache_dir=out / ".cache")
    assert loaded[0].cache is not None and loaded[0].cache.hits == 2


def test_changing_a_fact_invalidates_every_lesson(fixture_copy, tmp_path):
    from toolkit.build import check

    course = fixture_copy("ok-minimal")
    out = tmp_path / "out"
    build([course], BuildOptions(out=out, formats=("web",)))
    facts = course / "facts.yaml"
    facts.write_text(facts.read_text(encoding="utf-8").replace("14 dage", "2 uger"), encoding="utf-8")
    loaded, _ = check([course], cache_dir=out / ".cache")
    assert loaded[0].cache.hits == 0
    assert "2 uger" in loaded[0].course.lessons[0].html


def test_renaming_a_lesson_id_updates_links_from_cached_lessons(fixture_copy, tmp_path):
    course = fixture_copy("ok-minimal")
    out = tmp_path / "out"
    build([course], BuildOptions(out=out, formats=("web",)))
    cv = course / "lessons" / "02-cv.md"
    cv.write_text(cv.read_text(encoding="utf-8").replace("title: Dit CV\n", "title: Dit CV\nid: mit-cv\n"), encoding="utf-8")
    build([course], BuildOptions(out=out, formats=("web",)))
    first = (out / "ok-minimal" / "site" / "velkommen.html").read_text(encoding="utf-8")
    assert 'href="mit-cv.html"' in first
    assert (out / "ok-minimal" / "site" / "mit-cv.html").is_file()


def test_cached_warnings_are_reported_again(fixture_copy, tmp_path):
    course = fixture_copy("quiz-without-explanation")
    out = tmp_path / "out"
    _, first = build([course], BuildOptions(out=out, formats=("web",)))
    _, second = build([course], BuildOptions(out=out, formats=("web",)))
    assert [str(d) for d in first.warnings] == [str(d) for d in second.warnings] != []


def _edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text, (path, old)
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def test_unchanged_pages_are_not_rendered_again(fixture_copy, tmp_path):
    from toolkit.build import check

    course = fixture_copy("ok-minimal")
    out = tmp_path / "out"
    build([course], BuildOptions(out=out, formats=("web",)))
    loaded, _ = check([course], cache_dir=out / ".cache")
    assert loaded[0].cache.page_hits == 5  # every lesson page, the overview and the launch page
    _edit(course / "lessons" / "03-video.md", "title: ", "title: Ny ")
    loaded, _ = check([course], cache_dir=out / ".cache")
    assert loaded[0].cache.page_hits == 0  # titles are in every page's key (the pager shows them)


def test_page_keys_follow_what_the_templates_show(fixture_copy, tmp_path):
    """Each edit is something a lesson page shows although the lesson's own
    source did not change; after it, the cached build must equal a clean one."""
    course = fixture_copy("ok-minimal")
    out = tmp_path / "out"
    build([course], BuildOptions(out=out, formats=("web",)))
    edits = [
        (course / "lessons" / "03-video.md", "title: ", "title: Ny "),   # the neighbour's title, in the pager
        (course / "course.yaml", "title: ", "title: Nyt "),               # the course title, in every page
        (course / "course.yaml", "version: ", "version: 9"),              # shown in the footer
    ]
    for n, (path, old, new) in enumerate(edits):
        _edit(path, old, new)
        build([course], BuildOptions(out=out, formats=("web",)))
        clean = tmp_path / f"clean-{n}"
        build([course], BuildOptions(out=clean, formats=("web",), no_cache=True))
        assert site_digest(out, "ok-minimal") == site_digest(clean, "ok-minimal"), path


def test_the_page_digests_the_cache_keeps_are_those_of_the_pages(fixture_copy, tmp_path):
    """A rebuild takes each cached page's SHA-256 from the cache instead of hashing the page:
    they must be the digests of the very bytes it writes."""
    import hashlib

    from toolkit.build import check

    course = fixture_copy("ok-minimal")
    out = tmp_path / "out"
    build([course], BuildOptions(out=out, formats=("web",)))
    _edit(course / "lessons" / "02-cv.md", "Et godt CV er kort.", "Et godt CV er kort og klart.")
    loaded, _ = check([course], cache_dir=out / ".cache")
    lc = loaded[0]
    assert lc.cache.page_hits > 0 and set(lc.page_digests) == set(lc.pages)
    assert all(hashlib.sha256(lc.pages[name]).hexdigest() == d for name, d in lc.page_digests.items())
