"""The catalogue: validation of courses/catalogue.yaml at path:line, and the
page itself in a real Chromium from file:// (screening, Min liste, reload)."""

from __future__ import annotations

import datetime as dt
import shutil
from pathlib import Path

import pytest

from toolkit.build import BuildOptions, build
from toolkit.errors import CheckFailed

from ..conftest import ROOT


@pytest.fixture(scope="module")
def built(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("catalogue")
    courses = sorted(c for c in (ROOT / "courses").iterdir() if (c / "course.yaml").is_file())
    build(courses, BuildOptions(out=out, formats=("web",), today=dt.date(2026, 12, 1)))
    return out


def test_build_of_every_course_writes_the_catalogue(built):
    html = (built / "catalogue" / "index.html").read_text(encoding="utf-8")
    for slug in ("ret-og-pligt", "cv", "ansoegning", "psykisk-belastning"):
        assert f'href="../{slug}/site/index.html"' in html
        assert (built / slug / "site" / "index.html").is_file()
    assert html.count("<fieldset>") == html.count("<legend>") == 4
    assert "http://" not in html and "https://" not in html  # no external request
    assert (built / "catalogue" / "assets" / "catalogue.js").is_file()
    positions = [html.index(f'id="course-{s}"') for s in ("ret-og-pligt", "cv", "ansoegning", "psykisk-belastning")]
    assert positions == sorted(positions)  # the catalogue's order, not the slugs'



def test_building_one_course_writes_no_catalogue(tmp_path):
    build([ROOT / "courses" / "cv"], BuildOptions(out=tmp_path, formats=("web",), today=dt.date(2026, 12, 1)))
    assert not (tmp_path / "catalogue").exists()


def test_bad_catalogue_is_reported_at_its_line(tmp_path):
    project = tmp_path / "p"
    shutil.copytree(ROOT / "courses" / "cv", project / "courses" / "cv")
    shutil.copytree(ROOT / "brands", project / "brands")
    (project / "courses" / "catalogue.yaml").write_text(
        "title: Kurser\n"
        "questions:\n"
        "  - id: cv\n"
        "    question: Har du et CV?\n"
        "    options:\n"
        "      - id: nej\n"
        "        label: Nej\n"
        "        recommends: [cv, kursus-der-ikke-findes]\n"
        "      - id: ja\n"
        "        lable: Ja\n", encoding="utf-8")
    with pytest.raises(CheckFailed) as exc:
        build([project / "courses" / "cv"], BuildOptions(out=tmp_path / "out", formats=("web",), today=dt.date(2026, 12, 1)))
    text = "\n".join(str(d) for d in exc.value.diagnostics)
    assert "catalogue.yaml:8:" in text and "kursus-der-ikke-findes" in text
    assert "catalogue.yaml:10:" in text and "'label'" in text
    assert not (tmp_path / "out" / "catalogue").exists()


@pytest.mark.browser
def test_screening_recommends_and_my_list_survives_a_reload(built, browser):
    page = browser.new_page()
    requests: list[str] = []
    page.on("request", lambda r: requests.append(r.url))
    url = (built / "catalogue" / "index.html").as_uri()
    page.goto(url)
    page.get_by_label("Kontanthjælp fra kommunen").check()
    page.get_by_label("Ja", exact=True).first.check()            # has a CV
    page.get_by_label("Ja, men det er svært").check()
    page.get_by_label("Nej", exact=True).last.check()             # no stress
    page.get_by_role("button", name="Vis mine kurser").click()
    result = page.locator("#tk-result-list")
    links = result.get_by_role("link").all_inner_texts()
    assert links == ["Dine rettigheder og pligter som ledig", "Søg job med succes"], links
    assert page.evaluate("document.activeElement.id") == "tk-result-h"
    assert "psykisk" not in result.inner_html()
    result.get_by_role("button").first.click()
    mine = page.locator("#tk-mine")
    assert mine.get_by_role("link").all_inner_texts() == ["Dine rettigheder og pligter som ledig"]
    assert "tilføjet" in page.locator("#tk-status").inner_text()
    page.reload()
    assert page.locator("#tk-mine").get_by_role("link").all_inner_texts() == ["Dine rettigheder og pligter som ledig"]
    assert page.locator("#tk-mine-empty").is_hidden()
    assert all(r.startswith("file://") for r in requests), requests
    page.close()


def test_check_reports_a_bad_catalogue_too(tmp_path, runner):
    from toolkit.cli import main

    project = tmp_path / "p"
    shutil.copytree(ROOT / "courses" / "cv", project / "courses" / "cv")
    (project / "courses" / "catalogue.yaml").write_text("title: Kurser\nquestions: []\n", encoding="utf-8")
    result = runner.invoke(main, ["check", str(project / "courses"), "--today", "2026-12-01"])
    assert result.exit_code == 1
    assert "catalogue.yaml:2: 'questions' must be a list" in result.output
