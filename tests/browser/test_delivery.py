"""The runtime's last-chance delivery and its standalone mode, served by ``toolkit preview``
(site and the real LRS on one origin, the LRS key embedded as in a SCORM package)."""

from __future__ import annotations

import json
import shutil
import threading
import time
import urllib.request
from pathlib import Path

import pytest
import uvicorn
from playwright.sync_api import expect

from toolkit.preview import Preview

from ..conftest import FIXTURES
from .lrs_server import free_port
from .test_scorm import answer, go, ready

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


def test_statements_left_at_page_hide_arrive_by_keepalive_put(browser, preview):
    """Every PUT fails while the learner works (as if the LRS could not be reached), so the
    queue waits with a growing backoff; the LRS comes back and the learner closes the
    course at once: the page-hide flush sends the whole queue as keepalive PUTs with the
    real headers, each statement once, and nothing by the alternate request syntax."""
    base = preview
    ctx = browser.new_context()
    page = ctx.new_page()
    lrs_up = threading.Event()
    alternate: list[str] = []
    ctx.route("**/xapi/statements?method=*", lambda route: (alternate.append(route.request.url), route.abort()))
    ctx.route("**/xapi/statements?statementId=*",
              lambda route: route.continue_() if lrs_up.is_set() or route.request.method != "PUT" else route.abort())
    page.goto(f"{base}/")
    frame = page.frame_locator("#sco").frame_locator("#tk-frame")
    frame.locator("h1", has_text="Lille kursus").wait_for()
    go(frame, "Start kurset")
    answer(frame, "Må du holde pause?", ["Ja"])
    frame.locator("h1", has_text="Start").wait_for()
    page.wait_for_timeout(3500)  # 1 + 2 s of backoff: the next retry is 4 s away
    assert received(base) == []  # nothing got through by fetch
    queued = page.evaluate("""() => { const s = document.getElementById('sco').contentWindow.localStorage;
        return Object.keys(s).filter(k => k.startsWith('tk-q:')).flatMap(k => JSON.parse(s.getItem(k))); }""")
    ids = {stmt["id"] for stmt in queued}
    assert len(ids) == 3
    lrs_up.set()
    page.close(run_before_unload=True)
    got: list[dict] = []
    for _ in range(100):
        got = received(base)
        if "terminated" in {s["verb"]["id"].rsplit("/", 1)[1] for s in got}:
            break
        time.sleep(0.1)
    verbs = sorted(s["verb"]["id"].rsplit("/", 1)[1] for s in got)
    assert verbs == ["answered", "experienced", "initialized", "terminated"]
    assert ids < {s["id"] for s in got} and len(got) == len({s["id"] for s in got})
    assert alternate == []
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
    ready(page)  # the runtime has seen the lesson
    page.goto(f"{base}/course/index.html")
    page.locator("[data-tk-status]", has_text="2 af 3 lektioner set").wait_for()
    assert page.locator("[data-tk-status] .tk-notice").count() == 0  # said once, not on every page
    page.goto(f"{base}/course/start.html")
    form = page.locator("form.tk-quiz", has_text="Må du holde pause?")
    expect(form.get_by_label("Nej", exact=True)).to_be_checked()  # restored by the runtime after load
    ctx.close()


def test_a_refused_statement_is_set_aside_and_shown_in_preview(browser, preview):
    """Issue 14, case 6 in a real browser: the LRS refuses one statement for good (400);
    it is set aside with the answer, shown in the preview page and the console, and every
    statement after it still arrives."""
    base = preview
    ctx = browser.new_context()
    page = ctx.new_page()
    console: list[str] = []
    page.on("console", lambda m: console.append(m.text))

    def refuse_answers(route):
        body = route.request.post_data or ""
        if route.request.method == "PUT" and '"answered"' in body:
            route.fulfill(status=400, body="result.response is not allowed here")
        else:
            route.continue_()
    ctx.route("**/xapi/statements?statementId=*", refuse_answers)
    page.goto(f"{base}/")
    frame = page.frame_locator("#sco").frame_locator("#tk-frame")
    frame.locator("h1", has_text="Lille kursus").wait_for()
    go(frame, "Start kurset")
    answer(frame, "Må du holde pause?", ["Ja"])
    go(frame, "Næste")
    expect(page.locator("#aside li")).to_have_count(1, timeout=10_000)
    expect(page.locator("#aside li")).to_contain_text("400 answered")
    expect(page.locator("#aside li")).to_contain_text("result.response is not allowed here")
    for _ in range(300):
        verbs = [s["verb"]["id"].rsplit("/", 1)[1] for s in received(base)]
        if verbs.count("experienced") >= 2:
            break
        page.wait_for_timeout(100)  # not time.sleep: the route above only runs while Playwright is called
    assert "answered" not in verbs and verbs.count("experienced") >= 2
    assert any("set aside" in line and "400" in line for line in console)
    ctx.close()


def learner_code(page, base: str) -> str:
    """A valid code, its check symbol from the shipped runtime loaded on a blank page (no
    course, no LRS: nothing is sent).  The node tests check the symbol independently."""
    page.set_content("<script>window.TK_COURSE = {id: 'x', lessons: [], paths: [], questions: {}, strings: {}};</script>")
    page.add_script_tag(url=f"{base}/course/assets/toolkit.js")
    return page.evaluate("(b => b + TK.codeCheck(b))('K7F3Q9QX2')")


def take_small_course(frame) -> None:
    go(frame, "Start kurset")
    answer(frame, "Må du holde pause?", ["Ja"])
    go(frame, "Næste")
    answer(frame, "Hvad kan du tage med til mødet?", ["Dine noter", "Dit CV"])
    go(frame, "Næste")
    answer(frame, "Hvem kan hjælpe dig?", ["Jobcentret"])
    answer(frame, "Hvornår er mødet?", ["Det står i dit brev"])


def test_a_personal_link_reports_as_the_code_and_ends_with_a_receipt(browser, preview):
    """Issue 16, the runtime half, in a web package built with an LRS key (the site that
    ``toolkit preview`` serves): the code from the link is the account actor of every
    statement, kept for the course in this browser, and the last page shows the receipt."""
    base = preview
    ctx = browser.new_context(viewport={"width": 375, "height": 800})
    page = ctx.new_page()
    code = learner_code(page, base)
    page.goto(f"{base}/course/index.html?learner={code[:5].lower()}-{code[5:].lower()}")
    take_small_course(page)
    receipt = page.locator(".tk-receipt")
    expect(receipt).to_contain_text(f"Din kode: {code[:5]}-{code[5:]}")
    expect(receipt).to_contain_text("Kurset er gennemført den")
    expect(receipt).to_contain_text("Bestået den")
    expect(receipt.get_by_role("heading", name="Vis koden til dit møde")).to_be_visible()
    expect(receipt.get_by_role("button", name="Udskriv")).to_be_visible()
    page.evaluate("document.documentElement.classList.add('tk-print-receipt')")  # as the print button does
    page.emulate_media(media="print")
    expect(page.locator("h1").first).to_be_hidden()  # only the receipt is on the paper
    expect(receipt.get_by_text("Din kode")).to_be_visible()
    page.emulate_media(media="screen")
    page.evaluate("document.documentElement.classList.remove('tk-print-receipt')")
    with page.expect_download() as saved:
        receipt.get_by_role("button", name="Gem som fil").click()
    text = Path(saved.value.path()).read_text(encoding="utf-8")
    assert f"Din kode: {code[:5]}-{code[5:]}" in text and "Bestået den" in text
    page.goto(f"{base}/course/index.html")  # the bookmark, without the code: still this learner
    expect(page.locator(".tk-receipt")).to_contain_text(f"{code[:5]}-{code[5:]}")
    for _ in range(100):
        got = received(base)
        if "passed" in {s["verb"]["id"].rsplit("/", 1)[1] for s in got}:
            break
        time.sleep(0.1)
    assert got and all(s["actor"] == {"objectType": "Agent", "account": {"homePage": "https://preview.invalid",
                                                                          "name": f"{code[:5]}-{code[5:]}"}} for s in got)
    ctx.close()


def test_a_mistyped_code_is_told_and_sends_nothing(browser, preview):
    base = preview
    ctx = browser.new_context()
    page = ctx.new_page()
    code = learner_code(page, base)
    typo = code[:3] + ("A" if code[3] != "A" else "B") + code[4:]
    page.goto(f"{base}/course/index.html?learner={typo}")
    expect(page.locator(".tk-problem")).to_contain_text("Koden i dit link er forkert")
    go(page, "Start kurset")
    page.wait_for_timeout(1000)
    assert received(base) == []
    ctx.close()
