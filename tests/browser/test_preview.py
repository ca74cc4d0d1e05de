"""``toolkit preview``: the mock LMS page, the real LRS behind it, rebuild on change."""

from __future__ import annotations

import json
import shutil
import threading
import time
import urllib.request

import pytest
import uvicorn

from toolkit.errors import CheckFailed
from toolkit.preview import create_preview_app, watch

from ..conftest import FIXTURES
from .lrs_server import free_port
from .test_scorm import answer, go

X = "http://adlnet.gov/expapi/verbs/"


@pytest.fixture
def preview(tmp_path):
    course = tmp_path / "courses" / "runtime-small"
    shutil.copytree(FIXTURES / "runtime-small", course)
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    app, state = create_preview_app(course, tmp_path / "work", base)
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="error", lifespan="off"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    stop = threading.Event()
    watcher = threading.Thread(target=watch, args=(state, stop, lambda _line: None), daemon=True)
    watcher.start()
    while not server.started:
        time.sleep(0.02)
    yield base, course, state
    stop.set()
    server.should_exit = True
    thread.join(timeout=10)


def status(base: str) -> dict:
    with urllib.request.urlopen(f"{base}/preview/status") as r:
        return json.load(r)


@pytest.mark.browser
def test_preview_runs_course_in_mock_lms_and_shows_statements(browser, preview):
    base, course, state = preview
    ctx = browser.new_context()
    page = ctx.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.goto(f"{base}/")
    frame = page.frame_locator("#sco").frame_locator("#tk-frame")
    frame.locator("h1", has_text="Lille kursus").wait_for()
    go(frame, "Start kurset")
    assert "Rigtigt!" in answer(frame, "Må du holde pause?", ["Ja"]).inner_text()
    go(frame, "Næste")
    assert "Rigtigt!" in answer(frame, "Hvad kan du tage med til mødet?", ["Dine noter", "Dit CV"]).inner_text()
    go(frame, "Næste")
    answer(frame, "Hvem kan hjælpe dig?", ["Jobcentret"])
    answer(frame, "Hvornår er mødet?", ["Det ved ingen"])
    go(frame, "Næste")
    frame.locator(".tk-complete", has_text="Kurset er gennemført").wait_for()
    # The live panel lists what the real LRS received: 3 lessons, 4 answers, completed, passed/failed.
    page.locator("#statements li", has_text="completed").wait_for(timeout=15_000)
    page.locator("#statements li", has_text="passed").wait_for(timeout=15_000)  # 3 of 4 = 0.75 >= 0.75
    verbs = [t.split(" ")[1] for t in page.locator("#statements li").all_inner_texts()]
    assert sorted(v for v in verbs if v in ("experienced", "answered")) == ["answered"] * 4 + ["experienced"] * 3
    log = page.evaluate("TK_PREVIEW.log")
    assert [line for line in log if "ERROR" in line] == []
    assert sum(1 for line in log if line.startswith("LMSInitialize")) == 1
    assert page.evaluate("TK_PREVIEW.cmi()['cmi.core.lesson_status']") == "passed"
    assert errors == []

    # Editing a lesson rebuilds the site and the page picks up the new text.
    lesson = course / "lessons" / "01-start.md"
    lesson.write_text(lesson.read_text(encoding="utf-8").replace("Her starter du.", "Her begynder du."),
                      encoding="utf-8")
    for _ in range(300):
        if status(base)["build"] >= 2:
            break
        time.sleep(0.1)
    assert status(base)["build"] >= 2
    with urllib.request.urlopen(f"{base}/site/start.html") as r:
        assert "Her begynder du." in r.read().decode("utf-8")
    ctx.close()


def test_preview_of_a_broken_course_is_a_clean_error(tmp_path):
    course = tmp_path / "courses" / "broken"
    shutil.copytree(FIXTURES / "quiz-no-correct-answer", course)
    with pytest.raises(CheckFailed) as info:
        create_preview_app(course, tmp_path / "work", "http://127.0.0.1:1")
    assert any(d.severity == "error" and d.line > 0 for d in info.value.diagnostics)


def test_preview_keeps_last_good_build_when_an_edit_breaks_it(preview):
    base, course, state = preview
    lesson = course / "lessons" / "01-start.md"
    lesson.write_text(lesson.read_text(encoding="utf-8").replace("    correct: true\n", ""), encoding="utf-8")
    assert state.rebuild() is False
    now = status(base)
    assert now["build"] == 1 and any("01-start.md" in d and "no correct answer" in d for d in now["diagnostics"])
    with urllib.request.urlopen(f"{base}/site/start.html") as r:
        assert r.status == 200


def lrs_statements(base: str) -> list[dict]:
    req = urllib.request.Request(f"{base}/lrs/xapi/statements?limit=500", headers={
        "Authorization": "Basic cHJldmlldzpwcmV2aWV3LW9ubHk=", "X-Experience-API-Version": "1.0.3"})
    with urllib.request.urlopen(req) as r:
        return json.load(r)["statements"]


@pytest.mark.browser
def test_statements_left_at_page_hide_arrive_by_beacon(browser, preview):
    """Every PUT fails (as if the LRS were unreachable by fetch); closing the course sends
    the queue with sendBeacon and the alternate request syntax, each statement once."""
    base, _course, _state = preview
    ctx = browser.new_context()
    page = ctx.new_page()
    ctx.route("**/lrs/xapi/statements?statementId=*",
              lambda route: route.abort() if route.request.method == "PUT" else route.continue_())
    page.goto(f"{base}/")
    frame = page.frame_locator("#sco").frame_locator("#tk-frame")
    frame.locator("h1", has_text="Lille kursus").wait_for()
    go(frame, "Start kurset")
    answer(frame, "Må du holde pause?", ["Ja"])
    frame.locator("h1", has_text="Start").wait_for()
    assert lrs_statements(base) == []  # nothing got through by fetch
    queued = page.evaluate("JSON.parse(document.getElementById('sco').contentWindow.localStorage.getItem('tk-queue'))")
    ids = {item["s"]["id"] for item in queued}
    page.close(run_before_unload=True)
    for _ in range(100):
        got = lrs_statements(base)
        if {"terminated"} <= {s["verb"]["id"].rsplit("/", 1)[1] for s in got}:
            break
        time.sleep(0.1)
    verbs = sorted(s["verb"]["id"].rsplit("/", 1)[1] for s in got)
    assert verbs == ["answered", "experienced", "initialized", "terminated"]
    assert ids < {s["id"] for s in got} and len(got) == len({s["id"] for s in got})
    # Every PUT was aborted, so they came as POST ?method=PUT beacons (Playwright does not
    # report requests a closing page sends, so the route is the proof, not a request log).
    ctx.close()


@pytest.mark.browser
def test_site_opened_directly_is_standalone_and_says_so_once(browser, preview):
    base, _course, _state = preview
    ctx = browser.new_context()
    page = ctx.new_page()
    page.goto(f"{base}/site/index.html")
    notice = page.locator("[data-tk-status] .tk-notice")
    notice.wait_for()
    assert notice.inner_text() == "Dit forløb bliver kun gemt i denne browser."
    page.get_by_role("link", name="Start kurset").click()
    answer(page, "Må du holde pause?", ["Nej"])
    page.get_by_role("link", name="Næste", exact=True).click()
    page.locator("h1", has_text="Mødet").wait_for()
    page.goto(f"{base}/site/index.html")
    page.locator("[data-tk-status]", has_text="2 af 3 lektioner set").wait_for()
    assert page.locator("[data-tk-status] .tk-notice").count() == 0  # said once, not on every page
    page.goto(f"{base}/site/start.html")
    form = page.locator("form.tk-quiz", has_text="Må du holde pause?")
    assert form.get_by_label("Nej", exact=True).is_checked()
    ctx.close()
