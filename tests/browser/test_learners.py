"""Issue 14: learners as they are, in Chromium, against our real LRS (xAPI and cmi5 launches
of the fixture course): two tabs, a reload, the back button, a shared phone, a slow
network.  In every run: no statement lost, no id twice, and completed, passed and failed
at most once per registration.  (The LRS outage is tests/browser/test_xapi.py.)"""

from __future__ import annotations

import base64
import json
import uuid
from collections import Counter
from urllib.parse import urlencode

import pytest
from playwright.sync_api import expect

from ..conftest import CHROMIUM, CHROMIUM_ARGS
from .test_scorm import answer, go, ready
from .test_xapi import ACTOR, COURSE, X, stored, validate, wait_for

pytestmark = pytest.mark.browser
ACTOR_B = {"objectType": "Agent", "account": {"homePage": "https://lms.example.dk", "name": "borger-43"}}


def xapi_url(lms_server, lrs, registration: str, actor: dict = ACTOR) -> str:
    query = urlencode({"endpoint": lrs.endpoint, "auth": "Basic " + base64.b64encode(b"launch:launch-pw").decode(),
                       "actor": json.dumps(actor), "registration": registration, "activity_id": COURSE})
    return f"{lms_server}/xapi/launch.html?{query}"


def sound(statements: list[dict]) -> Counter:
    """The invariants of every run; returns the verbs."""
    assert len({s["id"] for s in statements}) == len(statements)
    for verb in ("completed", "passed", "failed"):
        per = Counter(s["context"]["registration"] for s in statements if s["verb"]["id"] == X + verb)
        assert all(n == 1 for n in per.values()), (verb, per)
    assert validate(statements) == []
    return Counter(s["verb"]["id"].rsplit("/", 1)[1] for s in statements)


def finish_course(frame) -> None:
    answer(frame, "Hvad skal med i et CV?", ["Dine job", "Din uddannelse"])
    go(frame, "Næste")
    answer(frame, "Kan du læse teksten til videoen?", ["Ja"])
    go(frame, "Næste")
    frame.locator(".tk-complete").wait_for()


def test_two_tabs_of_one_attempt(browser, lms_server, live_lrs):
    reg = str(uuid.uuid4())
    ctx = browser.new_context()
    one, two = ctx.new_page(), ctx.new_page()
    one.goto(xapi_url(lms_server, live_lrs, reg))
    f1 = one.frame_locator("#tk-frame")
    go(f1, "Start kurset")
    answer(f1, "Hvor lang tid har du til dit CV?", ["14 dage"])
    go(f1, "Næste")
    f1.locator("h1", has_text="Dit CV").wait_for()
    ready(f1)  # the lesson is viewed and saved
    two.goto(xapi_url(lms_server, live_lrs, reg))  # opens at the lesson the first tab reached
    f2 = two.frame_locator("#tk-frame")
    f2.locator("h1", has_text="Dit CV").wait_for()
    finish_course(f2)
    go(f1, "Næste")  # the first tab goes on too
    f1.locator("h1", has_text="Video").wait_for()
    wait_for(one, live_lrs, lambda ss: any(s["verb"]["id"] == X + "passed" for s in ss), "passed")
    ctx.close()
    verbs = sound(stored(live_lrs))
    assert verbs["completed"] == verbs["passed"] == 1 and verbs["experienced"] == 3 and verbs["answered"] == 3


def test_a_reload_loses_nothing(browser, lms_server, live_lrs):
    reg = str(uuid.uuid4())
    ctx = browser.new_context()
    page = ctx.new_page()
    page.goto(xapi_url(lms_server, live_lrs, reg))
    frame = page.frame_locator("#tk-frame")
    go(frame, "Start kurset")
    answer(frame, "Hvor lang tid har du til dit CV?", ["14 dage"])
    page.reload()
    frame = page.frame_locator("#tk-frame")
    frame.locator("h1", has_text="Velkommen").wait_for()
    go(frame, "Næste")
    finish_course(frame)
    page.goto("about:blank")
    wait_for(page, live_lrs, lambda ss: Counter(s["verb"]["id"] for s in ss)[X + "terminated"] == 2, "two terminated")
    ctx.close()
    verbs = sound(stored(live_lrs))
    assert verbs["answered"] == 3 and verbs["experienced"] == 3 and verbs["initialized"] == 2


def test_a_cmi5_reload_ends_the_session_cleanly(browser, lms_server, live_lrs):
    reg, au = str(uuid.uuid4()), COURSE + "/au"
    launch_data = {"contextTemplate": {"extensions": {"https://w3id.org/xapi/cmi5/context/extensions/sessionid": "s-r"}},
                   "launchMode": "Normal", "moveOn": "CompletedAndPassed", "masteryScore": 0.75}
    live_lrs.storage.put_document("state", au, "account:https://lms.example.dk|borger-42", reg, "LMS.LaunchData",
                                  json.dumps(launch_data).encode(), "application/json", '"x"', "2026-01-01T00:00:00.000000Z")
    query = urlencode({"endpoint": live_lrs.endpoint, "fetch": f"{lms_server}/cmi5-fetch", "actor": json.dumps(ACTOR),
                       "registration": reg, "activityId": au})
    ctx = browser.new_context()
    page = ctx.new_page()
    page.goto(f"{lms_server}/cmi5/launch.html?{query}")
    frame = page.frame_locator("#tk-frame")
    go(frame, "Start kurset")
    answer(frame, "Hvor lang tid har du til dit CV?", ["14 dage"])
    fetches: list[str] = []
    page.on("request", lambda r: fetches.append(r.url) if r.url.split("?")[0].endswith("/cmi5-fetch") else None)
    page.reload()
    frame = page.frame_locator("#tk-frame")
    expect(frame.locator(".tk-problem")).to_contain_text("Du har lukket kurset")
    go(frame, "Næste")
    answer(frame, "Hvad skal med i et CV?", ["Dine job", "Din uddannelse"])
    page.wait_for_timeout(500)
    ctx.close()
    verbs = sound(stored(live_lrs))
    assert fetches == []  # the token of this launch was kept, not asked for again
    assert verbs == {"initialized": 1, "experienced": 1, "answered": 1, "terminated": 1}
    ordered = sorted(stored(live_lrs), key=lambda s: s["timestamp"])
    assert ordered[-1]["verb"]["id"] == X + "terminated"


@pytest.fixture
def bfcache_browser(browser):
    """Chromium with its back/forward cache on (Playwright turns it off by default)."""
    b = browser.browser_type.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS,
                                    ignore_default_args=["--disable-back-forward-cache"])
    yield b
    b.close()


def test_the_back_button(bfcache_browser, lms_server, live_lrs):
    reg = str(uuid.uuid4())
    ctx = bfcache_browser.new_context()
    page = ctx.new_page()
    page_errors: list[str] = []
    page.on("pageerror", lambda e: page_errors.append(str(e)))
    page.goto(xapi_url(lms_server, live_lrs, reg))
    page.evaluate("addEventListener('pageshow', e => { window.restored = e.persisted; })")
    frame = page.frame_locator("#tk-frame")
    go(frame, "Start kurset")
    answer(frame, "Hvor lang tid har du til dit CV?", ["14 dage"])
    page.goto(f"{lms_server}/lms.html")  # away: terminated
    wait_for(page, live_lrs, lambda ss: any(s["verb"]["id"] == X + "terminated" for s in ss), "terminated")
    page.go_back(wait_until="commit")  # a restored page fires no load event
    page.wait_for_function("window.restored !== undefined")
    assert page.evaluate("window.restored") is True  # the very page, from the back/forward cache
    # The learner goes on in the restored page.  Playwright loses the frame of a restored
    # page, so the clicks go through the frame's document.
    lesson = "document.getElementById('tk-frame').contentDocument"
    page.evaluate(f"{lesson}.querySelector('a.tk-next').click()")
    page.wait_for_function(f"{lesson}.querySelector('h1')?.textContent.includes('Dit CV') && "
                           f"{lesson}.documentElement.hasAttribute('data-tk-ready')")
    page.evaluate(f"{lesson}.querySelectorAll('form.tk-quiz input').forEach(i => {{ i.checked = true; }});"
                  f"{lesson}.querySelector('form.tk-quiz button').click()")
    page.wait_for_function(f"{lesson}.querySelector('form.tk-quiz .tk-feedback').textContent.length > 0")
    page.wait_for_timeout(1500)
    ctx.close()
    statements = sorted(stored(live_lrs), key=lambda s: s["timestamp"])
    verbs = sound(statements)
    assert statements[-1]["verb"]["id"] == X + "terminated"  # nothing after it
    assert verbs == {"initialized": 1, "experienced": 1, "answered": 1, "terminated": 1}
    assert page_errors == []


def test_a_shared_phone(browser, lms_server, live_lrs):
    ctx = browser.new_context()  # one browser, two learners
    page = ctx.new_page()
    page.goto(xapi_url(lms_server, live_lrs, str(uuid.uuid4()), ACTOR))
    frame = page.frame_locator("#tk-frame")
    go(frame, "Start kurset")
    answer(frame, "Hvor lang tid har du til dit CV?", ["Et år"])
    page.goto("about:blank")
    page.goto(xapi_url(lms_server, live_lrs, str(uuid.uuid4()), ACTOR_B))
    frame = page.frame_locator("#tk-frame")
    frame.locator("h1", has_text="Prøvekursus").wait_for()  # B starts at the start, not at A's lesson
    go(frame, "Start kurset")
    form = frame.locator("form.tk-quiz", has_text="Hvor lang tid har du til dit CV?")
    ready(frame)
    assert form.locator("input:checked").count() == 0
    expect(form.locator(".tk-feedback")).not_to_contain_text("Ikke helt")
    page.goto("about:blank")
    wait_for(page, live_lrs, lambda ss: Counter(s["verb"]["id"] for s in ss)[X + "terminated"] == 2, "two terminated")
    ctx.close()
    statements = stored(live_lrs)
    sound(statements)
    by = Counter((s["actor"]["account"]["name"], s["verb"]["id"].rsplit("/", 1)[1]) for s in statements)
    assert by[("borger-42", "answered")] == 1 and by[("borger-43", "answered")] == 0


def test_a_slow_network(browser, lms_server, live_lrs):
    reg = str(uuid.uuid4())
    ctx = browser.new_context()
    page = ctx.new_page()
    cdp = ctx.new_cdp_session(page)
    cdp.send("Network.enable")
    page.goto(xapi_url(lms_server, live_lrs, reg))
    # 2G-like: every request waits 1.5 s, 20 KB/s each way
    cdp.send("Network.emulateNetworkConditions", {"offline": False, "latency": 1500,
                                                   "downloadThroughput": 20_000, "uploadThroughput": 20_000})
    frame = page.frame_locator("#tk-frame")
    go(frame, "Start kurset")
    answer(frame, "Hvor lang tid har du til dit CV?", ["14 dage"])
    go(frame, "Næste")
    finish_course(frame)
    page.goto("about:blank")  # closing while the queue still waits: the page-hide flush
    cdp.send("Network.emulateNetworkConditions", {"offline": False, "latency": 0,
                                                   "downloadThroughput": -1, "uploadThroughput": -1})
    wait_for(page, live_lrs, lambda ss: any(s["verb"]["id"] == X + "terminated" for s in ss), "terminated")
    page.wait_for_timeout(500)
    arrived = len(stored(live_lrs))
    if arrived < 10:  # whatever the page-hide flush could not send waits for the next visit
        page.goto(xapi_url(lms_server, live_lrs, reg))
        page.frame_locator("#tk-frame").locator("h1").first.wait_for()
        wait_for(page, live_lrs, lambda ss: len(ss) >= 11, "the rest of the queue")
    ctx.close()
    verbs = sound(stored(live_lrs))
    assert verbs["answered"] == 3 and verbs["experienced"] == 3 and verbs["completed"] == verbs["passed"] == 1
