"""Every shipped course's cmi5 package, launched the way a conformant cmi5 LMS does, through
a stand-in for CATAPULT's LRS proxy (cmi5_proxy.mjs: 403 + requirement id on any AU rule
broken), in Normal, Browse and Review, in Chromium, against our real LRS.

The LMS side: the AU has the LMS's own activity id (not under the course IRI), the course
IRI is in the context template's ``grouping``, ``LMS.LaunchData`` holds ``masteryScore``,
``launchMode``, ``returnURL`` and ``moveOn``, and the learner preferences agent profile is
there before the launch.  The AU's token (from the fetch URL) is only good at the proxy,
which forwards with the LMS's own credential, as CATAPULT does.
"""

from __future__ import annotations

import base64
import json
import subprocess
import uuid
from collections import Counter
from urllib.parse import urlencode
from urllib.request import Request, urlopen

import pytest

from toolkit.lrs.auth import add_credential
from toolkit.lrs.storage import open_storage

from ..conftest import ROOT, require
from .lrs_server import LiveLRS, free_port
from .test_courses import SLUGS, lessons_on, path_of, shipped, take_course  # noqa: F401 (fixture)
from .test_xapi import ACTOR, X, validate

pytestmark = pytest.mark.browser
PROXY = ROOT / "tests" / "browser" / "cmi5_proxy.mjs"
AU_TOKEN = "bGF1bmNoOmxhdW5jaC1wdw=="  # what serve_lms's /cmi5-fetch hands out
AGENT = "account:https://lms.example.dk|borger-42"


@pytest.fixture
def catapult_like(tmp_path, shipped):  # noqa: F811 (the fixture imported above)
    require((ROOT / "node_modules" / "@cmi5" / "requirements").is_dir(), "@cmi5/requirements is not installed (npm ci)")
    url, _ = shipped
    storage = open_storage(str(tmp_path / "lrs.sqlite3"))
    add_credential(storage, "lms", ["all"], password="lms-pw")
    lrs = LiveLRS(storage, free_port(), cors=(url,))
    lrs.start()
    proxy = subprocess.Popen(["node", str(PROXY), lrs.endpoint, "Basic " + base64.b64encode(b"lms:lms-pw").decode()],
                             stdout=subprocess.PIPE, text=True, cwd=ROOT)
    assert proxy.stdout is not None
    port = json.loads(proxy.stdout.readline())["port"]
    try:
        yield storage, f"http://127.0.0.1:{port}"
    finally:
        proxy.terminate()
        proxy.wait(timeout=10)
        proxy.stdout.close()
        lrs.stop()
        storage.close()


def lms_launch(storage, proxy: str, course_id: str, mode: str, mastery: float, return_url: str) -> tuple[str, str, str]:
    """What the LMS writes before it launches the AU; returns (registration, AU id, session id)."""
    reg, session = str(uuid.uuid4()), str(uuid.uuid4())
    au = f"https://lms.example.dk/course/{uuid.uuid4()}/au/0"
    launch_data = {
        "contextTemplate": {"contextActivities": {"grouping": [{"objectType": "Activity", "id": course_id}]},
                            "extensions": {"https://w3id.org/xapi/cmi5/context/extensions/sessionid": session}},
        "launchMode": mode, "moveOn": "CompletedAndPassed", "masteryScore": mastery,
        "returnURL": return_url}
    storage.put_document("state", au, AGENT, reg, "LMS.LaunchData", json.dumps(launch_data).encode(),
                         "application/json", '"ld"', "2026-01-01T00:00:00.000000Z")
    prefs = {"languagePreference": "da-DK,en-US", "audioPreference": "on"}
    storage.put_document("agent_profile", "", AGENT, "", "cmi5LearnerPreferences", json.dumps(prefs).encode(),
                         "application/json", '"lp"', "2026-01-01T00:00:00.000000Z")
    body = json.dumps({"sessionId": session, "mode": mode, "masteryScore": mastery, "registration": reg,
                       "grouping": [course_id], "auth": f"Basic {AU_TOKEN}"}).encode()
    urlopen(Request(f"{proxy}/__launch", data=body, method="POST"), timeout=10).close()
    return reg, au, session


@pytest.mark.parametrize("mode", ["Normal", "Browse", "Review"])
@pytest.mark.parametrize("slug", SLUGS)
def test_cmi5_package_breaks_no_au_rule(browser, shipped, catapult_like, slug, mode):  # noqa: F811
    url, courses = shipped
    course = courses[slug]
    storage, proxy = catapult_like
    reg, au, _ = lms_launch(storage, proxy, course.id, mode, course.pass_mark, f"{url}/lms.html?back")
    ctx = browser.new_context(viewport={"width": 375, "height": 800})
    page = ctx.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    query = urlencode({"endpoint": f"{proxy}/xapi/", "fetch": f"{url}/cmi5-fetch", "actor": json.dumps(ACTOR),
                       "registration": reg, "activityId": au})
    page.goto(f"{url}/{slug}/cmi5/launch.html?{query}")
    frame = page.frame_locator("#tk-frame")
    asked = take_course(frame, course, path_of(course, "cmi5"))
    # the learner leaves by the course's own button: terminated, then the LMS's returnURL (10.2.6.0-1)
    frame.get_by_role("button", name="Afslut kurset").click()
    page.wait_for_url(f"{url}/lms.html?back")

    def statements() -> list[dict]:
        return [s for _, s in storage.query({}, 10_000, None, True)]

    for _ in range(150):
        if any(s["verb"]["id"] == X + "terminated" for s in statements()):
            break
        page.wait_for_timeout(100)
    ctx.close()
    with urlopen(f"{proxy}/__violations", timeout=10) as r:
        assert json.load(r) == []
    got = statements()
    verbs = Counter(s["verb"]["id"].rsplit("/", 1)[1] for s in got)
    judged = {"completed": 1, "passed": 1} if mode == "Normal" else {}
    assert {v: n for v, n in verbs.items() if v in ("completed", "passed", "failed")} == judged, verbs
    assert verbs["initialized"] == verbs["terminated"] == 1
    assert verbs["answered"] == asked
    assert verbs["experienced"] == len(lessons_on(course, path_of(course, "cmi5")))
    ordered = sorted(got, key=lambda s: s["timestamp"])
    assert ordered[0]["verb"]["id"] == X + "initialized" and ordered[-1]["verb"]["id"] == X + "terminated"
    for s in got:
        assert s["context"]["registration"] == reg
        assert {"objectType": "Activity", "id": course.id} in s["context"]["contextActivities"]["grouping"]
        ext = s["context"].get("extensions", {})
        if course.paths and s["verb"]["id"] != X + "initialized":  # the path is chosen after initialized
            assert ext[course.id.rstrip("/") + "/extensions/path"] == path_of(course, "cmi5"), s["verb"]
    if mode == "Normal":
        passed = next(s for s in got if s["verb"]["id"] == X + "passed")
        assert passed["object"]["id"] == au
        assert passed["context"]["extensions"]["https://w3id.org/xapi/cmi5/context/extensions/masteryscore"] == course.pass_mark
    assert len({s["id"] for s in got}) == len(got)
    assert validate(got) == []
    assert errors == []
