"""axe-core in a real Chromium on every page of every built course.

Zero violations at the serious or critical level; every other violation is
printed.  Every run is written into the tested build's
<slug>/a11y-results.json (date, axe-core and Chromium versions, pages,
violations) for `toolkit statement`.
"""

from __future__ import annotations

import pytest

from .conftest import now, record_results, site_pages

TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "best-practice"]


def run_axe(page, axe_source: str) -> list[dict]:
    page.add_script_tag(content=axe_source)
    result = page.evaluate(
        "(tags) => axe.run(document, {runOnly: {type: 'tag', values: tags}, resultTypes: ['violations']})", TAGS)
    return result["violations"]


@pytest.mark.browser
@pytest.mark.parametrize("width", [320, 375, 1280])
def test_no_serious_or_critical_violations(built, browser, axe_source, width):
    pages = site_pages(built)
    assert pages, "nothing was built"
    context = browser.new_context(viewport={"width": width, "height": 900})
    page = context.new_page()
    serious: list[str] = []
    by_course: dict[str, dict] = {}
    started = now()
    axe_version = ""
    for html in pages:
        page.goto(html.as_uri())
        page.wait_for_load_state("load")
        name = str(html.relative_to(built))
        violations = run_axe(page, axe_source)
        axe_version = axe_version or page.evaluate("axe.version")
        slug, rel = name.split("/", 1)
        run = by_course.setdefault(slug, {"date": started, "browser": f"Chromium {browser.version}",
                                          "pages": [], "violations": []})
        run["pages"].append(rel.removeprefix("site/"))
        run["violations"] += [{"page": rel.removeprefix("site/"), "id": v["id"], "impact": v["impact"],
                               "help": v["help"], "nodes": len(v["nodes"])} for v in violations]
        for v in violations:
            line = f"{width}px {name}: {v['impact']} {v['id']} ({len(v['nodes'])}x): {v['help']}"
            print(line)
            if v["impact"] in ("serious", "critical"):
                serious.append(line + f" {[n['target'] for n in v['nodes']][:3]}")
    context.close()
    for run in by_course.values():
        run["axe_core"] = axe_version
    record_results(built, "axe", by_course, key=str(width))
    assert serious == []


@pytest.mark.browser
@pytest.mark.parametrize("width", [320, 640])
def test_zoom_and_text_spacing_break_nothing(built, browser, width):
    """200% zoom of a 640/1280 px window is a 320/640 CSS px viewport; WCAG
    1.4.12 text spacing is applied on top.  Nothing may scroll sideways and
    no control may clip its text."""
    context = browser.new_context(viewport={"width": width, "height": 800})
    page = context.new_page()
    problems = []
    for html in site_pages(built):
        page.goto(html.as_uri())
        page.add_style_tag(content="* { line-height: 1.5 !important; letter-spacing: .12em !important; "
                                   "word-spacing: .16em !important; } p { margin-bottom: 2em !important; }")
        overflow = page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")
        clipped = page.evaluate("""() => [...document.querySelectorAll('a, button, label, legend, summary, h1, h2, h3')]
            .filter(e => e.offsetParent && (e.scrollWidth > e.clientWidth + 1) && getComputedStyle(e).overflow !== 'visible')
            .map(e => e.outerHTML.slice(0, 80))""")
        if overflow > 0 or clipped:
            problems.append(f"{html.name}: overflow {overflow}px, clipped {clipped}")
    context.close()
    assert problems == []


@pytest.mark.browser
def test_reduced_motion_is_honoured(built, browser):
    context = browser.new_context(reduced_motion="reduce")
    page = context.new_page()
    for html in site_pages(built)[:5]:
        page.goto(html.as_uri())
        running = page.evaluate("document.getAnimations().length")
        smooth = page.evaluate("getComputedStyle(document.documentElement).scrollBehavior")
        assert running == 0 and smooth != "smooth", html.name
    context.close()


@pytest.mark.browser
def test_phone_numbers_never_wrap_at_320px(built, browser):
    """A number split over two lines is misread or mistyped: every tel: link
    fits on one line at 320 CSS px (a 640 px window at 200 % zoom)."""
    context = browser.new_context(viewport={"width": 320, "height": 800})
    page = context.new_page()
    seen, wrapped = 0, []
    for html in site_pages(built):
        page.goto(html.as_uri())
        lines = page.evaluate("() => [...document.querySelectorAll('a[href^=\"tel:\"]')]"
                              ".map(a => [a.textContent, a.getClientRects().length])")
        seen += len(lines)
        wrapped += [f"{html.relative_to(built)}: {text!r} on {n} lines" for text, n in lines if n != 1]
    context.close()
    assert seen > 0 and wrapped == []
