"""The built pages are valid HTML5 (W3C Nu checker) and render in a real
Chromium without console errors, at phone width."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from pathlib import Path

import pytest

from toolkit.build import BuildOptions, build

from ..conftest import FIXTURES, ROOT, require

VNU = Path(os.environ.get("TOOLKIT_VNU_JAR", ROOT / "node_modules" / "vnu-jar" / "build" / "dist" / "vnu.jar"))


@pytest.fixture(scope="module")
def site(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("html")
    build([FIXTURES / "ok-minimal"], BuildOptions(out=out, formats=("web",)))
    return out / "ok-minimal" / "site"


def test_pages_are_valid_html5(site):
    require(VNU.is_file(), f"the Nu HTML checker is not installed at {VNU} (npm ci)")
    require(shutil.which("java") is not None, "java is not installed")
    pages = sorted(str(p) for p in site.glob("*.html"))
    assert len(pages) == 5  # overview, three lessons, the launch shell
    proc = subprocess.run(["java", "-jar", str(VNU), "--format", "json", "--also-check-css", *pages],
                          capture_output=True, text=True, timeout=300, check=False)
    messages = json.loads(proc.stderr or proc.stdout or '{"messages": []}')["messages"]
    problems = [f"{m.get('url', '').rsplit('/', 1)[-1]}:{m.get('lastLine')}: {m['message']}"
                for m in messages if m.get("type") == "error" or m.get("subType") == "warning"]
    assert problems == []


@pytest.mark.browser
@pytest.mark.parametrize("width", [320, 1280])
def test_pages_render_without_console_errors(site, browser, width):
    context = browser.new_context(viewport={"width": width, "height": 800})
    page = context.new_page()
    errors: list[str] = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.on("requestfailed", lambda r: errors.append(f"failed request {r.url}"))
    for html in sorted(p for p in site.glob("*.html") if p.name != "launch.html"):
        page.goto(html.as_uri())
        page.wait_for_load_state("load")
        assert page.locator("h1").count() == 1
        # Nothing wider than the viewport: readable at 320 px without sideways scrolling.
        overflow = page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")
        assert overflow <= 0, f"{html.name} scrolls sideways by {overflow}px at {width}px"
    context.close()
    assert errors == []


@pytest.mark.browser
def test_pages_work_without_javascript(site, browser):
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    page.goto((site / "velkommen.html").as_uri())
    assert page.get_by_role("link", name="Næste").get_attribute("href") == "cv.html"
    assert page.get_by_role("button", name="Tjek svar").count() == 1
    page.locator("details.tk-answer summary").click()
    assert page.locator("details.tk-answer").get_attribute("open") is not None
    assert "14 dage" in page.locator("details.tk-answer").inner_text()
    context.close()
