"""The runtime's last-chance delivery and its standalone mode, served by ``toolkit preview``
(site and the real LRS on one origin, the LRS key embedded as in a SCORM package)."""

from __future__ import annotations

import json
import shutil
import threading
import time
import urllib.request

import pytest
from playwright.sync_api import expect
import uvicorn

from toolkit.preview import Preview

from ..conftest import FIXTURES
from .lrs_server import free_port
from .test_scorm import answer, go

pytestmark = pytest.mark.browser


@pytest.fixture
def preview(tmp_path):
    course = tmp_path / "courses" / "runtime-small"
    shutil.copytree(FIXTURES / "runtime-small", course)
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    prev = Preview(course, base_url=base)
    assert prev.rebuild()
    server = uvicorn.Server(uvicorn.Config(prev.app(), host="127.0.0.1", port=port, log_level="error", lifespan="off"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    while not server.started:
        time.sleep(0.02)
    yield base
    server.should_exit = True
    thread.join(timeout=10)
    shutil.rmtree(prev.work, ignore_errors=True)


def received(base: str) -> list[dict]:
    with urllib.request.urlopen(f"{base}/preview/state") as r:
        return json.load(r)["statements"]


def test_statements_left_at_page_hide_arrive_by_beacon(browser, preview):
    """Every PUT fails (as if fetch could not reach the LRS); closing the course sends the
    queue with sendBeacon and the alternate request syntax, each statement once."""
    base = preview
    ctx = browser.new_context()
    page = ctx.new_page()
    ctx.route("**/xapi/statements?statementId=*",
              lambda route: route.abort() if route.request.method == "PUT" else route.continue_())
    page.goto(f"{base}/")
    frame = page.frame_locator("#sco").frame_locator("#tk-frame")
    frame.locator("h1", has_text="Lille kursus").wait_for()
    go(frame, "Start kurset")
    answer(frame, "Må du holde pause?", ["Ja"])
    frame.locator("h1", has_text="Start").wait_for()
    assert received(base) == []  # nothing got through by fetch
    queued = page.evaluate("JSON.parse(document.getElementById('sco').contentWindow.localStorage.getItem('tk-queue'))")
    ids = {item["s"]["id"] for item in queued}
    page.close(run_before_unload=True)
    got: list[dict] = []
    for _ in range(100):
        got = received(base)
        # the beacons are stored in parallel, so wait for all of them, not for the last one sent
        if ids <= {s["id"] for s in got} and "terminated" in {s["verb"]["id"].rsplit("/", 1)[1] for s in got}:
            break
        time.sleep(0.1)
    verbs = sorted(s["verb"]["id"].rsplit("/", 1)[1] for s in got)
    assert verbs == ["answered", "experienced", "initialized", "terminated"]
    assert ids < {s["id"] for s in got} and len(got) == len({s["id"] for s in got})
    # Every PUT was aborted, so they came as POST ?method=PUT beacons (Playwright does not
    # report requests a closing page sends, so the route is the proof, not a request log).
    ctx.close()


def test_site_opened_directly_is_standalone_and_says_so_once(browser, preview):
    base = preview
    ctx = browser.new_context()
    page = ctx.new_page()
    page.goto(f"{base}/course/index.html")
    notice = page.locator("[data-tk-status] .tk-notice")
    notice.wait_for()
    assert notice.inner_text() == "Dit forløb bliver kun gemt i denne browser."
    page.get_by_role("link", name="Start kurset").click()
    answer(page, "Må du holde pause?", ["Nej"])
    page.get_by_role("link", name="Næste", exact=True).click()
    page.locator("h1", has_text="Mødet").wait_for()
    page.goto(f"{base}/course/index.html")
    page.locator("[data-tk-status]", has_text="2 af 3 lektioner set").wait_for()
    assert page.locator("[data-tk-status] .tk-notice").count() == 0  # said once, not on every page
    page.goto(f"{base}/course/start.html")
    form = page.locator("form.tk-quiz", has_text="Må du holde pause?")
    expect(form.get_by_label("Nej", exact=True)).to_be_checked()  # restored by the runtime after load
    ctx.close()
