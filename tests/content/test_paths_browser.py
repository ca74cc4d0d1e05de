"""ret-og-pligt in Chromium: choosing kontanthjælp hides the dagpenge lessons
(and the reverse), and the pager skips the other group's lessons."""

from __future__ import annotations

import datetime as dt

import pytest

from toolkit.build import BuildOptions, build

from ..conftest import ROOT


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    out = tmp_path_factory.mktemp("paths")
    build([ROOT / "courses" / "ret-og-pligt"], BuildOptions(out=out, formats=("web",), today=dt.date(2026, 12, 1), no_cache=True))
    return out / "ret-og-pligt" / "site"


@pytest.mark.browser
@pytest.mark.parametrize("choice,shown,hidden", [
    ("Kontanthjælp fra kommunen", "Det skal du gøre på kontanthjælp", "Det skal du gøre på dagpenge"),
    ("Dagpenge fra en a-kasse", "Møder, sygdom og ferie på dagpenge", "Møder og sygdom på kontanthjælp"),
])
def test_path_choice_shows_only_your_lessons(site, browser, choice, shown, hidden):
    ctx = browser.new_context(viewport={"width": 375, "height": 800})
    page = ctx.new_page()
    page.goto((site / "index.html").as_uri())
    page.get_by_label(choice).check()
    lessons = page.locator(".tk-lesson-list li:visible")
    titles = " | ".join(lessons.all_inner_texts())
    assert shown in titles and hidden not in titles, titles
    assert "Det har du ret til" in titles and "Det gør du nu" in titles
    ctx.close()
