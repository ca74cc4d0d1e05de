"""Issue 16's done-when, in Chromium: invitation → the course on a phone → receipt → the caseworker's record.

Nothing is simulated: ``toolkit records invite`` makes the code, Chromium at a 375 px phone viewport opens the
personal link into the web package built with a scoped key (``scoped_package``), chooses the dagpenge path, takes
the course with one question wrong at the first try (``take_course``), and sees the receipt; the runtime's own
statements reach the built-in LRS, and ``toolkit records learner`` and the team view of ``toolkit records serve``
must then show completion and success, the path, the lessons seen and the question missed.
"""

from __future__ import annotations

import contextlib
import json
import re
import time
import zipfile

import pytest
from playwright.sync_api import expect

from tests.browser.test_courses import lessons_on, take_course
from tests.browser.test_phone import serve
from tests.records.test_learner_loop import (
    COURSE,
    COURSE_DIR,
    Loop,
    caseworker_page,
    invite,
    logged_in,
    lookup_cli,
    scoped_package,
    team,
    team_table,
)
from toolkit.build import check

pytestmark = pytest.mark.browser
PATH = "dagpenge"
MISSED = "dagpenge-moeder-q2"  # "Hvornår kan du få karantæne?", answered wrong, then right
MEETING = "2026-03-12"


@pytest.fixture(scope="module")
def course():
    (loaded,), report = check([COURSE_DIR])
    assert not report.errors, report.errors
    return loaded.course


def passed_in_lrs(loop: Loop, code: str, seconds: float = 30) -> dict:
    """The CLI's record for *code* once the runtime's statements (sent in the background) show a result."""
    deadline = time.monotonic() + seconds
    while True:
        result = lookup_cli(loop, code, "--format", "json")
        assert result.exit_code == 0, result.output
        records = [r for r in json.loads(result.stdout)["records"] if r["course_id"] == COURSE]
        if (records and records[0]["status_label"].startswith("Gennemført · ")) or time.monotonic() > deadline:
            return records[0] if records else {}
        time.sleep(0.5)


def test_invitation_course_on_a_phone_receipt_and_the_caseworkers_record(lrs, browser, course, tmp_path):
    package = scoped_package(lrs, tmp_path)
    site = tmp_path / "site"
    with zipfile.ZipFile(package) as zf:
        zf.extractall(site)
    db = tmp_path / "records.sqlite3"
    with contextlib.contextmanager(serve)(site) as base:
        invitation = invite(db, MEETING, base_url=base + "/")
        code = invitation["code"]
        assert invitation["link"] == f"{base}/index.html?learner={code}"

        ctx = browser.new_context(viewport={"width": 375, "height": 800}, locale="da-DK")
        page = ctx.new_page()
        errors: list[str] = []
        page.on("pageerror", lambda e: errors.append(str(e)))
        page.goto(invitation["link"])
        asked = take_course(page, course, PATH, wrong_first=frozenset({MISSED}))
        receipt = page.locator(".tk-receipt")
        expect(receipt).to_contain_text(f"Din kode: {code}")
        expect(receipt).to_contain_text("Kurset er gennemført den")
        expect(receipt).to_contain_text("Bestået den")
        expect(receipt.get_by_role("heading", name="Vis koden til dit møde")).to_be_visible()
        assert page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth") <= 0
        assert errors == []

        loop = Loop(lrs, package, db, {"browser": code}, {"browser": MEETING}, {})
        record = passed_in_lrs(loop, code)
        ctx.close()  # after the statements are in: closing the tab must not be what sends them

    seen = [le.id for le in lessons_on(course, PATH)]
    missed_title = next(q.prompt for le in course.lessons for q in le.questions if q.id == MISSED)
    score = round(100 * (asked - 1) / asked)
    label = f"Gennemført · bestået ({score} %)"
    assert record, "the LRS has no record of the learner's code"
    assert record["status_label"] == label
    assert record["path_label"] == "Dagpenge fra en a-kasse"
    assert [x["id"] for x in record["lessons_seen"]] == seen
    assert [x["title"] for x in record["missed_first_try"]] == [missed_title]

    (tmp_path / "records-web").mkdir()
    with caseworker_page(lrs, db, tmp_path / "records-web") as web, logged_in(web) as (http, csrf):
        r = team(http, csrf)
        assert r.status_code == 200, r.text[-500:]
        (row,) = re.findall(r'<tr><th scope="row">([^<]+)</th>(.*?)</tr>', team_table(r.text), re.S)
        cells = re.findall(r"<td[^>]*>([^<]*)</td>", row[1])
        assert row[0] == code
        # Mødedato, Status, Forløb, Lektioner set, Fejl i første forsøg (Sidst aktiv is today's clock)
        assert cells[:5] == [MEETING, label, "Dagpenge fra en a-kasse", str(len(seen)), missed_title]
        r = http.post("/", data={"learner": code.lower(), "csrf": csrf})  # the code typed from the receipt
        assert r.status_code == 200
        assert label in r.text and "Dagpenge fra en a-kasse" in r.text and missed_title in r.text
