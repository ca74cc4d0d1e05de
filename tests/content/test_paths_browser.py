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


@pytest.mark.browser
def test_a_choice_made_before_the_runtime_started_counts(site, browser):
    """On a slow phone the page shows before its script runs.  A path ticked in
    that moment must be kept, not reset by the runtime."""
    ctx = browser.new_context(viewport={"width": 375, "height": 800})
    page = ctx.new_page()
    # Hold the course data back so the runtime (toolkit.js) finds nothing and stops.
    page.add_init_script("""Object.defineProperty(window, 'TK_COURSE', {configurable: true,
        get() { return undefined; }, set(v) { window.__held = v; }});""")
    page.goto((site / "index.html").as_uri())
    assert page.evaluate("document.documentElement.hasAttribute('data-tk-ready')") is False
    page.get_by_label("Kontanthjælp fra kommunen").check()
    # Now let the runtime start, as it would once its script had arrived.
    page.evaluate("() => { const v = window.__held; delete window.TK_COURSE; window.TK_COURSE = v; }")
    page.add_script_tag(path=str(site / "assets" / "toolkit.js"))
    page.locator("html[data-tk-ready]").wait_for(state="attached")
    assert page.get_by_label("Kontanthjælp fra kommunen").is_checked()
    titles = " | ".join(page.locator(".tk-lesson-list li:visible").all_inner_texts())
    assert "Det skal du gøre på kontanthjælp" in titles and "Det skal du gøre på dagpenge" not in titles, titles
    later = ctx.new_page()  # the choice was saved: a fresh page of the same browser shows it
    later.goto((site / "index.html").as_uri())
    later.locator("html[data-tk-ready]").wait_for(state="attached")
    assert later.get_by_label("Kontanthjælp fra kommunen").is_checked()
    ctx.close()
