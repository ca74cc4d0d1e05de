"""The four shipped courses, each taken to the end in a real LMS runtime.

For every course under ``courses/``: the SCORM 1.2 and SCORM 2004 packages
run in the scorm-again LMS page, and the cmi5 package is launched against our
real LRS.  A learner takes every lesson on one path and answers every
question right (the answers come from the course sources, not from the test);
the test then reads what the LMS and the LRS recorded.  Any call that
scorm-again rejects, any page error and any invalid statement fails the test.
ret-og-pligt, the largest course, also proves that its resume state fits in
SCORM 1.2's 4,096 characters after a full run.  In the SCORM runs, axe-core
checks every lesson as the LMS shows it (framed, inside the launch shell),
after its questions are answered: at 375 px in SCORM 1.2, 1280 px in 2004.
"""

from __future__ import annotations

import datetime as dt
import json
import uuid
from collections import Counter
from urllib.parse import urlencode

import pytest

from toolkit.build import BuildOptions, build, check
from toolkit.lrs.auth import add_credential
from toolkit.lrs.storage import open_storage
from toolkit.model import Course, Lesson

from ..conftest import ROOT
from .conftest import serve_lms
from .lrs_server import LiveLRS, free_port
from .test_scorm import ready
from .test_xapi import ACTOR, X, validate

pytestmark = pytest.mark.browser
SLUGS = ["ret-og-pligt", "cv", "ansoegning", "psykisk-belastning"]
FORMATS = ("scorm12", "scorm2004", "cmi5")
TODAY = dt.date(2026, 12, 1)


@pytest.fixture(scope="module")
def shipped(tmp_path_factory):
    dirs = [ROOT / "courses" / slug for slug in SLUGS]
    loaded, report = check(dirs, today=TODAY)
    assert not report.errors, report.errors
    out = tmp_path_factory.mktemp("shipped")
    build(dirs, BuildOptions(out=out, formats=FORMATS, today=TODAY, no_cache=True))
    zips = {f"{slug}/{fmt}": out / slug / f"{slug}-{fmt}.zip" for slug in SLUGS for fmt in FORMATS}
    courses = {lc.course.slug: lc.course for lc in loaded}
    for url in serve_lms(tmp_path_factory.mktemp("lms-shipped"), zips):
        yield url, courses


def path_of(course: Course, fmt: str) -> str | None:
    """The path a learner picks: the first one for SCORM 1.2 and cmi5, the last for 2004."""
    if course.paths is None:
        return None
    options = course.paths.options
    return (options[-1] if fmt == "scorm2004" else options[0]).id


def lessons_on(course: Course, path: str | None) -> list[Lesson]:
    return [le for le in course.lessons if not le.paths or path is None or path in le.paths]


def take_course(frame, course: Course, path: str | None, on_lesson=None, wrong_first: frozenset[str] = frozenset()) -> int:
    """Every lesson on *path*, every question answered right; returns the question count.

    The questions in *wrong_first* are first answered with a wrong choice, then right.
    *on_lesson(lesson)* is called on each lesson once its questions are answered."""
    frame.locator(".tk-lesson-list").wait_for()
    ready(frame)
    if path is not None:
        frame.locator(f"#tk-path-{path}").check()
    frame.get_by_role("link", name="Start kurset", exact=True).first.click()
    asked = 0
    for lesson in lessons_on(course, path):
        frame.locator("h1", has_text=lesson.title).wait_for()
        ready(frame)
        for q in lesson.questions:
            form = frame.locator(f'form.tk-quiz[data-question="{q.id}"]')
            if q.id in wrong_first:
                wrong = form.locator(f'input[value="{next(c.id for c in q.choices if c.id not in q.correct_ids)}"]')
                wrong.check()
                form.get_by_role("button", name="Tjek svar").click()
                assert "Rigtigt!" not in form.locator(".tk-feedback").inner_text(), (lesson.source, q.id)
                if wrong.get_attribute("type") == "checkbox":
                    wrong.uncheck()
            for choice in q.correct_ids:
                form.locator(f'input[value="{choice}"]').check()
            form.get_by_role("button", name="Tjek svar").click()
            assert "Rigtigt!" in form.locator(".tk-feedback").inner_text(), (lesson.source, q.id)
            asked += 1
        if on_lesson is not None:
            on_lesson(lesson)
        frame.get_by_role("link", name="Næste", exact=True).first.click()
    frame.locator(".tk-complete", has_text="Kurset er gennemført").wait_for()
    return asked


class AxeInLaunch:
    """axe-core (WCAG 2.1 A/AA) on the lesson frame inside the launch shell."""

    def __init__(self, page, width: int) -> None:
        from ..a11y.conftest import AXE
        from ..conftest import require

        require(AXE.is_file(), "axe-core is not installed (npm ci)")
        self.page, self.width, self.source = page, width, AXE.read_text(encoding="utf-8")
        self.serious: list[str] = []

    def __call__(self, lesson: Lesson) -> None:
        target = next(f for f in self.page.frames if f.url.split("?")[0].endswith("/" + lesson.filename))
        target.add_script_tag(content=self.source)
        result = target.evaluate("() => axe.run(document, {runOnly: {type: 'tag', values: "
                                 "['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']}, resultTypes: ['violations']})")
        for v in result["violations"]:
            line = f"{self.width}px {lesson.source.parent.parent.name}/{lesson.filename}: {v['impact']} {v['id']}: {v['help']}"
            print(line)
            if v["impact"] in ("serious", "critical"):
                self.serious.append(line)


def open_scorm(browser, url: str, slug: str, fmt: str):
    width = 1280 if fmt == "scorm2004" else 375
    ctx = browser.new_context(viewport={"width": width, "height": 800})
    page = ctx.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.goto(f"{url}/lms.html")
    version = "2004" if fmt == "scorm2004" else "12"
    page.evaluate("([v, u]) => LMS.start(v, u, null)", [version, f"{slug}/{fmt}/launch.html"])
    return ctx, page, page.frame_locator("#sco").frame_locator("#tk-frame"), errors


@pytest.mark.parametrize("slug", SLUGS)
def test_scorm12_full_course(browser, shipped, slug):
    url, courses = shipped
    course = courses[slug]
    ctx, page, frame, errors = open_scorm(browser, url, slug, "scorm12")
    axe = AxeInLaunch(page, 375)
    asked = take_course(frame, course, path_of(course, "scorm12"), axe)
    assert axe.serious == []
    page.evaluate("LMS.close()")
    cmi = page.evaluate("LMS.cmi()")
    assert cmi["core"]["lesson_status"] == "passed"
    assert cmi["core"]["score"]["raw"] == "100"
    assert cmi["core"]["exit"] == ""  # finished, not suspended
    assert 0 < len(cmi["suspend_data"]) <= 4096
    results = [cmi["interactions"][str(i)]["result"] for i in range(len(cmi["interactions"]))]
    assert results == ["correct"] * asked
    calls = page.evaluate("LMS.calls")
    assert calls["LMSInitialize"] == 1 and calls["LMSFinish"] == 1
    assert page.evaluate("LMS.errors") == [] and errors == []
    ctx.close()


@pytest.mark.parametrize("slug", SLUGS)
def test_scorm2004_full_course(browser, shipped, slug):
    url, courses = shipped
    course = courses[slug]
    ctx, page, frame, errors = open_scorm(browser, url, slug, "scorm2004")
    axe = AxeInLaunch(page, 1280)
    asked = take_course(frame, course, path_of(course, "scorm2004"), axe)
    assert axe.serious == []
    page.evaluate("LMS.close()")
    cmi = page.evaluate("LMS.cmi()")
    assert cmi["completion_status"] == "completed"
    assert cmi["success_status"] == "passed"
    assert float(cmi["score"]["scaled"]) == 1.0
    assert len(cmi["interactions"]) == asked
    calls = page.evaluate("LMS.calls")
    assert calls["Initialize"] == 1 and calls["Terminate"] == 1
    assert page.evaluate("LMS.errors") == [] and errors == []
    ctx.close()


@pytest.mark.parametrize("slug", SLUGS)
def test_cmi5_full_course(browser, shipped, slug, tmp_path):
    url, courses = shipped
    course = courses[slug]
    au = course.id.rstrip("/") + "/au"
    storage = open_storage(str(tmp_path / "lrs.sqlite3"))
    # The key the LMS hands the AU may only write about this course, for learners of this LMS.
    add_credential(storage, "launch", ["statements/write"], password="launch-pw",
                   activity_prefixes=[course.id], homepage="https://lms.example.dk")
    lrs = LiveLRS(storage, free_port(), cors=(url,))
    lrs.start()
    try:
        reg = str(uuid.uuid4())
        launch_data = {"contextTemplate": {"extensions": {"https://w3id.org/xapi/cmi5/context/extensions/sessionid": "s-9"}},
                       "launchMode": "Normal", "moveOn": "CompletedAndPassed", "masteryScore": course.pass_mark}
        storage.put_document("state", au, "account:https://lms.example.dk|borger-42", reg, "LMS.LaunchData",
                             json.dumps(launch_data).encode(), "application/json", '"x"', "2026-01-01T00:00:00.000000Z")
        ctx = browser.new_context(viewport={"width": 375, "height": 800})
        page = ctx.new_page()
        errors: list[str] = []
        page.on("pageerror", lambda e: errors.append(str(e)))
        query = urlencode({"endpoint": lrs.endpoint, "fetch": f"{url}/cmi5-fetch", "actor": json.dumps(ACTOR),
                           "registration": reg, "activityId": au})
        page.goto(f"{url}/{slug}/cmi5/launch.html?{query}")
        asked = take_course(page.frame_locator("#tk-frame"), course, path_of(course, "cmi5"))
        page.goto("about:blank")

        def verbs() -> Counter:
            return Counter(s["verb"]["id"].rsplit("/", 1)[1] for _, s in storage.query({}, 10_000, None, True))

        for _ in range(150):
            if verbs()["terminated"]:
                break
            page.wait_for_timeout(100)
        ctx.close()
        statements = [s for _, s in storage.query({}, 10_000, None, True)]
        counted = verbs()
        assert counted["initialized"] == counted["completed"] == counted["passed"] == counted["terminated"] == 1, counted
        assert counted["answered"] == asked and counted["failed"] == 0, counted
        assert counted["experienced"] == len(lessons_on(course, path_of(course, "cmi5"))), counted
        passed = next(s for s in statements if s["verb"]["id"] == X + "passed")
        assert passed["result"]["score"]["scaled"] == 1.0 and passed["object"]["id"] == au
        assert len({s["id"] for s in statements}) == len(statements)
        assert all(s["context"]["registration"] == reg for s in statements)
        assert validate(statements) == []
        assert errors == []
    finally:
        lrs.stop()
        storage.close()

