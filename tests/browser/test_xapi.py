"""xAPI and cmi5 launches against our real LRS over HTTP, in Chromium.

Every statement the runtime sends is checked with Learning Locker's
validator (npm xapi-validation).  The LRS is stopped mid-course and started
again: every statement still arrives, exactly once.
"""

from __future__ import annotations

import base64
import json
import subprocess
import uuid
from collections import Counter
from urllib.parse import urlencode

import pytest

from ..conftest import ROOT, require
from .conftest import FIXTURE_COURSE
from .lrs_server import LiveLRS
from .test_scorm import answer, go

pytestmark = pytest.mark.browser
COURSE = FIXTURE_COURSE
X = "http://adlnet.gov/expapi/verbs/"


def stored(lrs: LiveLRS) -> list[dict]:
    rows = lrs.storage.query({}, 10_000, None, True)
    return [s for _, s in rows]


def validate(statements: list[dict]) -> list[dict]:
    script = ROOT / "tests" / "browser" / "validate_statements.js"
    require((ROOT / "node_modules" / "xapi-validation").is_dir(), "xapi-validation is not installed (npm ci)")
    out = subprocess.run(["node", str(script)], input=json.dumps(statements), capture_output=True, text=True,
                         check=True, cwd=ROOT)
    return json.loads(out.stdout)


ACTOR = {"objectType": "Agent", "account": {"homePage": "https://lms.example.dk", "name": "borger-42"}}


def open_xapi(browser, lms_server, lrs, registration):
    query = urlencode({"endpoint": lrs.endpoint, "auth": "Basic " + base64.b64encode(b"launch:launch-pw").decode(),
                       "actor": json.dumps(ACTOR), "registration": registration, "activity_id": COURSE})
    ctx = browser.new_context()
    page = ctx.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.goto(f"{lms_server}/xapi/launch.html?{query}")
    return ctx, page, page.frame_locator("#tk-frame"), errors


def wait_for(page, lrs, predicate, what):
    for _ in range(150):
        if predicate(stored(lrs)):
            return
        page.wait_for_timeout(100)
    raise AssertionError(f"timed out waiting for {what}: {Counter(s['verb']['id'].rsplit('/', 1)[1] for s in stored(lrs))}")


def test_xapi_launch_statements_survive_an_lrs_outage(browser, lms_server, live_lrs):
    reg = str(uuid.uuid4())
    ctx, page, frame, errors = open_xapi(browser, lms_server, live_lrs, reg)
    frame.locator("h1", has_text="Prøvekursus").wait_for()
    go(frame, "Start kurset")
    answer(frame, "Hvor lang tid har du til dit CV?", ["14 dage"])
    wait_for(page, live_lrs, lambda ss: any(s["verb"]["id"] == X + "answered" for s in ss), "the first answer")

    live_lrs.stop()  # the LRS goes down mid-course
    go(frame, "Næste")
    answer(frame, "Hvad skal med i et CV?", ["Dine job", "Din uddannelse"])
    go(frame, "Næste")
    answer(frame, "Kan du læse teksten til videoen?", ["Ja"])
    go(frame, "Næste")
    frame.locator(".tk-complete").wait_for()
    queued = page.evaluate("Object.keys(localStorage).filter(k => k.startsWith('tk-q:'))"
                           ".reduce((n, k) => n + JSON.parse(localStorage.getItem(k)).length, 0)")
    assert queued >= 5  # experienced x2, answered x2, completed, passed
    live_lrs.start()  # back up: the queue drains with backoff
    wait_for(page, live_lrs, lambda ss: any(s["verb"]["id"] == X + "passed" for s in ss), "passed")
    page.goto("about:blank")  # leaving the course: terminated
    wait_for(page, live_lrs, lambda ss: any(s["verb"]["id"] == X + "terminated" for s in ss), "terminated")
    ctx.close()

    statements = stored(live_lrs)
    verbs = Counter(s["verb"]["id"].rsplit("/", 1)[1] for s in statements)
    assert verbs == {"initialized": 1, "experienced": 3, "answered": 3, "completed": 1, "passed": 1, "terminated": 1}
    assert len({s["id"] for s in statements}) == len(statements) == 10
    assert all(s["context"]["registration"] == reg for s in statements)
    assert all(s["actor"] == ACTOR for s in statements)
    passed = next(s for s in statements if s["verb"]["id"] == X + "passed")
    assert passed["result"] == {"success": True, "score": {"scaled": 1}, "duration": passed["result"]["duration"]}
    lesson = next(s for s in statements if s["verb"]["id"] == X + "experienced")
    assert lesson["context"]["contextActivities"]["parent"] == [{"objectType": "Activity", "id": COURSE}]
    assert validate(statements) == []
    assert errors == []


def test_cmi5_launch(browser, lms_server, live_lrs, tmp_path):
    reg = str(uuid.uuid4())
    au = COURSE + "/au"
    assert base64.b64decode("bGF1bmNoOmxhdW5jaC1wdw==") == b"launch:launch-pw"  # the token served at /cmi5-fetch
    # The LMS side of a cmi5 launch: LaunchData in the State API and a one-time fetch URL.
    launch_data = {"contextTemplate": {"extensions": {"https://w3id.org/xapi/cmi5/context/extensions/sessionid": "s-1"}},
                   "launchMode": "Normal", "moveOn": "CompletedAndPassed", "masteryScore": 0.75}
    live_lrs.storage.put_document("state", au, "account:https://lms.example.dk|borger-42", reg, "LMS.LaunchData",
                                  json.dumps(launch_data).encode(), "application/json", '"x"', "2026-01-01T00:00:00.000000Z")
    ctx = browser.new_context()
    page = ctx.new_page()
    query = urlencode({"endpoint": live_lrs.endpoint, "fetch": f"{lms_server}/cmi5-fetch", "actor": json.dumps(ACTOR),
                       "registration": reg, "activityId": au})
    page.goto(f"{lms_server}/cmi5/launch.html?{query}")
    frame = page.frame_locator("#tk-frame")
    frame.locator("h1", has_text="Prøvekursus").wait_for()
    go(frame, "Start kurset")
    answer(frame, "Hvor lang tid har du til dit CV?", ["14 dage"])
    go(frame, "Næste")
    answer(frame, "Hvad skal med i et CV?", ["Dine job", "Din uddannelse"])
    go(frame, "Næste")
    answer(frame, "Kan du læse teksten til videoen?", ["Ja"])
    go(frame, "Næste")
    frame.locator(".tk-complete").wait_for()
    wait_for(page, live_lrs, lambda ss: any(s["verb"]["id"] == X + "passed" for s in ss), "passed")
    page.goto("about:blank")
    wait_for(page, live_lrs, lambda ss: any(s["verb"]["id"] == X + "terminated" for s in ss), "terminated")
    ctx.close()
    statements = stored(live_lrs)
    cmi5_cat = {"id": "https://w3id.org/xapi/cmi5/context/categories/cmi5"}
    for s in statements:
        verb = s["verb"]["id"].rsplit("/", 1)[1]
        cats = s["context"]["contextActivities"].get("category", [])
        assert (cmi5_cat in cats) == (verb in ("initialized", "completed", "passed", "failed", "terminated")), s
        assert s["context"]["extensions"]["https://w3id.org/xapi/cmi5/context/extensions/sessionid"] == "s-1"
        assert s["context"]["registration"] == reg
    defined = [s for s in statements if s["verb"]["id"].rsplit("/", 1)[1] in ("initialized", "completed", "passed", "terminated")]
    assert {s["object"]["id"] for s in defined} == {au}
    assert validate(statements) == []
