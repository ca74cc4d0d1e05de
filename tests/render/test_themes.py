"""The built-in themes are package data, under an override chain:
brand, default brand, the project's ``templates/``, then the theme."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest

from toolkit.build import BuildOptions, build
from toolkit.render.env import THEMES, template_chain

from ..conftest import ROOT, tree_digest


def test_builtin_themes_live_inside_the_package():
    import toolkit

    assert THEMES.parent == Path(toolkit.__file__).resolve().parent
    assert (THEMES / "site" / "base.html").is_file() and (THEMES / "site" / "assets" / "toolkit.css").is_file()
    assert (THEMES / "preview" / "preview.html").is_file()
    assert not (ROOT / "templates").exists()  # nothing found beside the package any more


def test_project_templates_override_the_theme_and_a_brand_overrides_the_project(fixture_copy, tmp_path):
    course = fixture_copy("ok-minimal")
    project = course.parent.parent
    shutil.copytree(ROOT / "brands" / "default", project / "brands" / "default")
    (project / "templates").mkdir()
    (project / "templates" / "contact.html").write_text("<p>Projektets kontakt</p>\n", encoding="utf-8")
    build([course], BuildOptions(out=tmp_path / "a", formats=()))
    page = (tmp_path / "a" / "ok-minimal" / "site" / "velkommen.html").read_text(encoding="utf-8")
    assert "Projektets kontakt" in page and "tk-contact" not in page

    brand_templates = project / "brands" / "default" / "templates"
    brand_templates.mkdir()
    (brand_templates / "contact.html").write_text("<p>Brandets kontakt</p>\n", encoding="utf-8")
    build([course], BuildOptions(out=tmp_path / "b", formats=()))
    page = (tmp_path / "b" / "ok-minimal" / "site" / "velkommen.html").read_text(encoding="utf-8")
    assert "Brandets kontakt" in page and "Projektets kontakt" not in page


def test_the_chain_ends_in_the_named_theme(tmp_path):
    (tmp_path / "templates").mkdir()
    assert template_chain(None, tmp_path) == [(tmp_path / "templates").resolve(), THEMES / "site"]
    assert template_chain(None, None, theme="preview") == [THEMES / "preview"]


def test_an_included_template_changed_between_two_builds_in_one_process_is_used(fixture_copy, tmp_path):
    """Pages are rendered without Jinja's mtime checks: each build has an environment of its own,
    so a template changed since the last build (as in ``toolkit preview``) is read again."""
    course = fixture_copy("ok-minimal")
    templates = course.parent.parent / "templates"
    templates.mkdir()
    page = tmp_path / "out" / "ok-minimal" / "site" / "velkommen.html"
    for text in ("Første kontakt", "Anden kontakt"):
        (templates / "contact.html").write_text(f"<p>{text}</p>\n", encoding="utf-8")
        build([course], BuildOptions(out=tmp_path / "out", formats=()))
        assert f"<p>{text}</p>" in page.read_text(encoding="utf-8")


PER_PAGE = "<p>{{ lesson.title if lesson is defined else course.title }}</p>\n"
COURSE_WIDE = "<p>{{ facts['unit.name'].value if facts.get('unit.name') else t('contact') }}</p>\n"


@pytest.mark.parametrize("contact", [PER_PAGE, COURSE_WIDE], ids=["per-page", "course-wide"])
def test_page_parts_are_what_includes_make(fixture_copy, tmp_path, contact):
    """base.html's parts (page_part: rendered once when they show only the course's values) give
    the bytes that {% include %} gives, for a part that reads a page's value and one that does not."""
    course = fixture_copy("ok-minimal")
    templates = course.parent.parent / "templates"
    templates.mkdir()
    (templates / "contact.html").write_text(contact, encoding="utf-8")
    build([course], BuildOptions(out=tmp_path / "parts", formats=()))
    with_includes = re.sub(r'^\{\{ page_part\("([^"]+)"\) \}\}\{#.*?#\}$', r'    {% include "\1" %}',
                           (THEMES / "site" / "base.html").read_text(encoding="utf-8"), flags=re.M)
    assert with_includes.count("{% include") == 3
    (templates / "base.html").write_text(with_includes, encoding="utf-8")
    build([course], BuildOptions(out=tmp_path / "includes", formats=()))
    parts, includes = (tree_digest(tmp_path / d / "ok-minimal" / "site") for d in ("parts", "includes"))
    assert parts == includes
    velkommen = (tmp_path / "parts" / "ok-minimal" / "site" / "velkommen.html").read_text(encoding="utf-8")
    assert ("<p>Velkommen</p>" in velkommen) == (contact == PER_PAGE)


def test_only_a_part_that_shows_the_course_values_alone_is_rendered_once():
    import jinja2

    from toolkit.site import course_wide

    env = jinja2.Environment(loader=jinja2.DictLoader({
        "wide.html": "{% if facts.get('unit.phone') %}{{ t('contact') }} {{ course.title | upper }}{% endif %}",
        "page.html": "{{ lesson.title }}", "nested.html": "{% include 'wide.html' %}",
        "random.html": "{{ help_lines | random }}", "global.html": "{% for i in range(2) %}{{ i }}{% endfor %}",
        "lipsum.html": "{{ lipsum(1) }}"}))
    values = frozenset({"course", "brand", "facts", "t", "path_labels", "help_lines"})
    assert [course_wide(env, name, values) for name in ("wide.html", "page.html", "nested.html", "random.html",
                                                         "global.html", "lipsum.html")] == [True] + [False] * 5
    builtin = jinja2.Environment(loader=jinja2.FileSystemLoader(str(THEMES / "site")))
    assert all(course_wide(builtin, name, values) for name in ("brand-header.html", "help.html", "contact.html"))


def test_a_parts_verdict_is_kept_with_its_sources_digest_and_used_only_for_that_source():
    """course_wide's answer is remembered in the mapping given (the cache's), under the template's
    name with the digest of its source, the values and the globals' names: the same source is not
    parsed again; a changed source, other values, a damaged or foreign entry are judged afresh."""
    import jinja2

    from toolkit.site import course_wide

    sources = {"part.html": "{{ course.title }}"}
    env = jinja2.Environment(loader=jinja2.DictLoader(sources))
    values = frozenset({"course"})
    verdicts: dict[str, bytes] = {}
    assert course_wide(env, "part.html", values, verdicts) is True
    assert list(verdicts) == ["course_wide:part.html"]
    parse = env.parse
    env.parse = lambda *a, **k: pytest.fail("parsed again")  # type: ignore[method-assign]
    assert course_wide(env, "part.html", values, verdicts) is True
    env.parse = parse  # type: ignore[method-assign]
    sources["part.html"] = "{{ lesson.title }}"  # the same name, now per page
    assert course_wide(env, "part.html", values, verdicts) is False
    assert course_wide(env, "part.html", values, verdicts) is False
    sources["part.html"] = "{{ course.title }}"
    assert course_wide(env, "part.html", values, verdicts) is True
    assert course_wide(env, "part.html", frozenset({"lesson"}), verdicts) is False  # other values
    env.globals["course"] = "a global now"
    assert course_wide(env, "part.html", values, verdicts) is False  # other globals
    del env.globals["course"]
    for damaged in (b"", b"1", verdicts["course_wide:part.html"][:-1] + b"0", 7, "1"):
        verdicts["course_wide:part.html"] = damaged  # type: ignore[assignment]
        assert course_wide(env, "part.html", values, verdicts) is True


def test_a_part_changed_between_cached_builds_gives_what_a_clean_build_gives(fixture_copy, tmp_path):
    """A part of base.html edited from course-wide to per-page and back, built each time with the
    cache of the build before: each site is the clean build's, byte for byte."""
    course = fixture_copy("ok-minimal")
    templates = course.parent.parent / "templates"
    templates.mkdir()
    today = __import__("datetime").date(2026, 6, 1)
    for contact in (COURSE_WIDE, PER_PAGE, COURSE_WIDE, PER_PAGE):
        (templates / "contact.html").write_text(contact, encoding="utf-8")
        build([course], BuildOptions(out=tmp_path / "cached", formats=(), today=today))
        shutil.rmtree(tmp_path / "clean", ignore_errors=True)
        build([course], BuildOptions(out=tmp_path / "clean", formats=(), today=today, no_cache=True))
        cached, clean = (tree_digest(tmp_path / d / "ok-minimal" / "site") for d in ("cached", "clean"))
        assert cached == clean, contact
        velkommen = (tmp_path / "cached" / "ok-minimal" / "site" / "velkommen.html").read_text(encoding="utf-8")
        assert ("<p>Velkommen</p>" in velkommen) == (contact == PER_PAGE)
