"""The catalogue and its screening, in Chromium; and its source checks."""

from __future__ import annotations

import shutil

import pytest

from toolkit.build import BuildOptions, build, discover_courses
from toolkit.errors import CheckFailed

from ..conftest import ROOT


@pytest.fixture(scope="module")
def catalogue(tmp_path_factory):
    out = tmp_path_factory.mktemp("cat")
    build(discover_courses(None, ROOT), BuildOptions(out=out, formats=("web",), no_cache=True))
    return out / "catalogue" / "index.html"


def test_catalogue_lists_every_course(catalogue):
    html = catalogue.read_text(encoding="utf-8")
    for slug in ("ret-og-pligt", "cv", "ansoegning", "psykisk-belastning"):
        assert f'href="../{slug}/site/index.html"' in html
    assert (catalogue.parent.parent / "cv" / "site" / "index.html").is_file()


def test_a_single_course_build_has_no_catalogue(tmp_path):
    build([ROOT / "courses" / "cv"], BuildOptions(out=tmp_path, formats=("web",)))
    assert not (tmp_path / "catalogue").exists()


def test_unknown_course_in_screening_is_a_path_line_error(tmp_path):
    project = tmp_path / "p"
    shutil.copytree(ROOT / "courses", project / "courses")
    shutil.copytree(ROOT / "brands", project / "brands")
    cat = project / "courses" / "catalogue.yaml"
    cat.write_text(cat.read_text(encoding="utf-8").replace("recommend: [cv]", "recommend: [cv-kursus]"), encoding="utf-8")
    with pytest.raises(CheckFailed) as err:
        build(discover_courses(None, project), BuildOptions(out=tmp_path / "out", formats=("web",)))
    messages = [str(d) for d in err.value.diagnostics]
    assert any("catalogue.yaml:" in m and "recommends an unknown course 'cv-kursus'" in m for m in messages), messages


@pytest.mark.browser
def test_screening_recommends_and_my_list_survives_reload(catalogue, browser):
    ctx = browser.new_context(viewport={"width": 375, "height": 800})
    page = ctx.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.goto(catalogue.as_uri())
    page.get_by_label("Kontanthjælp fra kommunen").check()
    page.get_by_label("Nej, eller det skal rettes").check()
    page.locator("fieldset", has_text="Vil du gerne blive bedre").get_by_label("Nej, det går fint").check()
    page.locator("fieldset", has_text="presset").get_by_label("Nej", exact=True).check()
    page.get_by_role("button", name="Vis forslag").click()
    results = page.locator("#tk-recommended")
    assert results.locator("a").all_inner_texts() == ["Dit gode CV", "Dine rettigheder og pligter som ledig"]
    assert page.evaluate("document.activeElement.id") == "tk-rec-h"
    results.get_by_role("button", name="Tilføj til min liste").first.click()
    page.locator(".tk-card[data-course='psykisk-belastning'] button").click()
    assert page.locator("#tk-mylist a").all_inner_texts() == ["Dit gode CV", "Når livet som ledig er svært"]
    page.reload()
    assert page.locator("#tk-mylist a").all_inner_texts() == ["Dit gode CV", "Når livet som ledig er svært"]
    assert page.locator(".tk-card[data-course='cv'] button").get_attribute("aria-pressed") == "true"
    ctx.close()
    assert errors == []
