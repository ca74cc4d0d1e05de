"""The built SCORM packages in a real LMS runtime (scorm-again) in Chromium.

A learner clicks through every lesson and answers the questions; the test
then reads what the LMS recorded.  Any call scorm-again rejects fails the test.
"""

from __future__ import annotations

import json
from functools import cache

import pytest
from playwright.sync_api import expect

from toolkit.build import check

from ..conftest import FIXTURES

pytestmark = pytest.mark.browser


@cache
def choice_id(text: str) -> str:
    """The id the build gives the fixture course's choice *text* (derived from the text)."""
    (loaded,), _ = check([FIXTURES / "ok-minimal"])
    ids = {c.text: c.id for le in loaded.course.lessons for q in le.questions for c in q.choices}
    return ids[text]


def launch(browser, lms_server, version: str, prior: dict | None = None, settings: dict | None = None, **context):
    ctx = browser.new_context(**context)
    page = ctx.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.goto(f"{lms_server}/lms.html")
    fmt = "scorm2004" if version == "2004" else "scorm12"
    page.evaluate("([v, url, prior, settings]) => LMS.start(v, url, prior, settings)",
                  [version, f"{fmt}/launch.html", prior, settings])
    frame = page.frame_locator("#sco").frame_locator("#tk-frame")
    return ctx, page, frame, errors


def ready(frame) -> None:
    """Wait until the runtime has bound the page's questions, paths and pager."""
    frame.locator("html[data-tk-ready]").wait_for(state="attached")


def answer(frame, question: str, choices: list[str], tap: bool = False):
    form = frame.locator("form.tk-quiz", has_text=question)
    form.wait_for()
    ready(frame)
    for choice in choices:
        target = form.get_by_label(choice, exact=True)
        target.tap() if tap else target.check()
    button = form.get_by_role("button", name="Tjek svar")
    button.tap() if tap else button.click()
    return form.locator(".tk-feedback")


def to_second_lesson(frame, first_answer: str) -> None:
    """From the overview: the first lesson, its question answered, then on to "Dit CV"."""
    frame.locator("h1", has_text="Prøvekursus").wait_for()
    go(frame, "Start kurset")
    answer(frame, "Hvor lang tid har du til dit CV?", [first_answer])
    go(frame, "Næste")
    frame.locator("h1", has_text="Dit CV").wait_for()


def go(frame, name: str, tap: bool = False):
    ready(frame)
    link = frame.get_by_role("link", name=name, exact=True).first
    link.tap() if tap else link.click()


def complete_course(frame, right: bool = True, tap: bool = False):
    frame.locator("h1", has_text="Prøvekursus").wait_for()
    go(frame, "Start kurset", tap)
    feedback = answer(frame, "Hvor lang tid har du til dit CV?", ["14 dage" if right else "Et år"], tap)
    assert ("Rigtigt!" if right else "Ikke helt.") in feedback.inner_text()
    go(frame, "Næste", tap)
    assert "Rigtigt!" in answer(frame, "Hvad skal med i et CV?", ["Dine job", "Din uddannelse"], tap).inner_text()
    go(frame, "Næste", tap)
    assert "Rigtigt!" in answer(frame, "Kan du læse teksten til videoen?", ["Ja"], tap).inner_text()
    go(frame, "Næste", tap)
    frame.locator(".tk-complete", has_text="Kurset er gennemført").wait_for()


def test_scorm12_completion_score_interactions(browser, lms_server):
    ctx, page, frame, errors = launch(browser, lms_server, "12")
    complete_course(frame)
    cmi = page.evaluate("LMS.cmi()")
    core = cmi["core"]
    assert core["lesson_status"] == "passed"
    assert core["score"]["raw"] == "100"
    assert core["lesson_location"] == "video"
    state = json.loads(cmi["suspend_data"])
    assert state["s"] == ["velkommen", "cv", "video"]
    assert state["v"] == 2  # answers carry the first-try flag in front: "1" = right first time
    job, school = choice_id("Dine job"), choice_id("Din uddannelse")
    assert state["a"] == {"velkommen-q1": "1" + choice_id("14 dage"), "cv-dele": f"1{job},{school}",
                          "video-q1": "1" + choice_id("Ja")}
    assert len(state and cmi["suspend_data"]) <= 4096
    interactions = cmi["interactions"]
    assert [interactions[str(i)]["id"] for i in range(3)] == ["velkommen-q1", "cv-dele", "video-q1"]
    assert [interactions[str(i)]["result"] for i in range(3)] == ["correct"] * 3
    page.evaluate("LMS.close()")
    calls = page.evaluate("LMS.calls")
    assert calls["LMSInitialize"] == 1 and calls["LMSFinish"] == 1
    assert page.evaluate("LMS.errors") == [] and errors == []
    ctx.close()


def test_scorm12_failed_when_first_answer_wrong(browser, lms_server):
    ctx, page, frame, errors = launch(browser, lms_server, "12")
    complete_course(frame, right=False)
    core = page.evaluate("LMS.cmi()")["core"]
    assert core["lesson_status"] == "failed"  # 2 of 3 = 67 < pass mark 75
    assert core["score"]["raw"] == "67"
    assert page.evaluate("LMS.errors") == [] and errors == []
    ctx.close()


def test_scorm12_resume_at_last_lesson_with_answers(browser, lms_server):
    ctx, page, frame, errors = launch(browser, lms_server, "12")
    to_second_lesson(frame, "14 dage")
    page.evaluate("LMS.close()")
    prior = page.evaluate("LMS.cmi()")
    assert prior["core"]["exit"] == "suspend"
    assert page.evaluate("LMS.errors") == []
    ctx.close()

    prior["core"]["entry"] = "resume"
    ctx, page, frame, errors = launch(browser, lms_server, "12", prior={"cmi": prior})
    frame.locator("h1", has_text="Dit CV").wait_for()
    go(frame, "Forrige")
    form = frame.locator("form.tk-quiz", has_text="Hvor lang tid har du til dit CV?")
    expect(form.get_by_label("14 dage", exact=True)).to_be_checked()  # restored by the runtime after load
    expect(form.locator(".tk-feedback")).to_contain_text("Rigtigt!")
    assert page.evaluate("LMS.errors") == [] and errors == []
    ctx.close()


def test_scorm2004_completion_success_score(browser, lms_server):
    ctx, page, frame, errors = launch(browser, lms_server, "2004")
    complete_course(frame)
    cmi = page.evaluate("LMS.cmi()")
    assert cmi["completion_status"] == "completed"
    assert cmi["success_status"] == "passed"
    assert float(cmi["score"]["scaled"]) == 1.0
    assert cmi["location"] == "video"
    assert len(cmi["interactions"]) == 3
    assert cmi["interactions"]["1"]["learner_response"] == choice_id("Dine job") + "[,]" + choice_id("Din uddannelse")
    page.evaluate("LMS.close()")
    calls = page.evaluate("LMS.calls")
    assert calls["Initialize"] == 1 and calls["Terminate"] == 1
    assert page.evaluate("LMS.errors") == [] and errors == []
    ctx.close()


def test_touch_on_a_phone_viewport(browser, lms_server):
    ctx, page, frame, errors = launch(browser, lms_server, "12", viewport={"width": 375, "height": 740},
                                      has_touch=True, is_mobile=True)
    complete_course(frame, tap=True)
    assert page.evaluate("LMS.cmi()")["core"]["lesson_status"] == "passed"
    assert page.evaluate("LMS.errors") == [] and errors == []
    ctx.close()


def test_scorm2004_resume(browser, lms_server):
    ctx, page, frame, errors = launch(browser, lms_server, "2004")
    to_second_lesson(frame, "Et år")
    page.evaluate("LMS.close()")
    prior = page.evaluate("LMS.cmi()")
    assert prior["exit"] == "suspend" and prior["completion_status"] == "incomplete"
    ctx.close()

    prior["entry"] = "resume"
    ctx, page, frame, errors = launch(browser, lms_server, "2004", prior={"cmi": prior})
    frame.locator("h1", has_text="Dit CV").wait_for()
    go(frame, "Forrige")
    form = frame.locator("form.tk-quiz", has_text="Hvor lang tid har du til dit CV?")
    expect(form.get_by_label("Et år", exact=True)).to_be_checked()  # restored by the runtime after load
    expect(form.locator(".tk-feedback")).to_contain_text("Ikke helt.")
    assert page.evaluate("LMS.errors") == [] and errors == []
    ctx.close()


def test_scorm12_resumes_state_written_by_an_older_package(browser, lms_server):
    """Suspend data of the v1 format, with a lesson the republished course no longer has, and
    the answer of a package whose choice ids were positions ("b"): that choice is not ticked
    (it may now be another one), and the first try still counts."""
    old = {"v": 1, "s": ["velkommen", "fjernet-lektion"], "a": {"velkommen-q1": "b", "fjernet-q1": "a"},
           "f": {"velkommen-q1": 0, "fjernet-q1": 1}, "x": {}, "p": "", "l": "cv", "c": 0, "k": 0,
           "reg": "3f0e1c2a-8b7d-4c1e-9a5b-2d4f6e8a0b1c"}
    prior = {"cmi": {"core": {"entry": "resume", "lesson_location": "cv", "lesson_status": "incomplete"},
                     "suspend_data": json.dumps(old)}}
    ctx, page, frame, errors = launch(browser, lms_server, "12", prior=prior)
    frame.locator("h1", has_text="Dit CV").wait_for()
    go(frame, "Forrige")
    form = frame.locator("form.tk-quiz", has_text="Hvor lang tid har du til dit CV?")
    ready(frame)
    assert form.locator("input:checked").count() == 0
    # The first (wrong) answer still counts: correcting it now does not change the score.
    answer(frame, "Hvor lang tid har du til dit CV?", ["14 dage"])
    state = json.loads(page.evaluate("LMS.cmi()")["suspend_data"])
    assert state["v"] == 2 and state["a"]["velkommen-q1"] == "0" + choice_id("14 dage")
    assert state["reg"] == old["reg"]
    assert page.evaluate("LMS.errors") == [] and errors == []
    ctx.close()


@pytest.mark.parametrize("width", [375, 1280])
def test_axe_inside_the_scorm_launch(browser, lms_server, width):
    """axe-core on every lesson as the LMS shows it: framed, inside the launch shell."""
    from ..a11y.conftest import AXE
    from ..conftest import require

    require(AXE.is_file(), "axe-core is not installed (npm ci)")
    ctx, page, frame, errors = launch(browser, lms_server, "12", viewport={"width": width, "height": 800})
    frame.locator("h1", has_text="Prøvekursus").wait_for()
    lesson_frame = page.frame_locator("#sco").frame_locator("#tk-frame")
    serious: list[str] = []
    checked: list[str] = []
    for name in ["Start kurset", "Næste", "Næste"]:
        go(lesson_frame, name)

        def lesson():  # the lesson this click opened, not the one it left
            return next((f for f in page.frames if f.url.endswith(".html") and f.url not in checked
                         and f.url.split("/")[-1] not in ("index.html", "launch.html", "lms.html")), None)
        for _ in range(100):
            if lesson() is not None:
                break
            page.wait_for_timeout(100)
        target = lesson()
        assert target is not None
        checked.append(target.url)
        ready(lesson_frame)
        target.add_script_tag(content=AXE.read_text(encoding="utf-8"))
        result = target.evaluate("() => axe.run(document, {runOnly: {type: 'tag', values: "
                                 "['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']}, resultTypes: ['violations']})")
        for v in result["violations"]:
            print(f"{width}px {target.url.split('/')[-1]}: {v['impact']} {v['id']}: {v['help']}")
            if v["impact"] in ("serious", "critical"):
                serious.append(f"{target.url}: {v['id']}")
    ctx.close()
    assert serious == [] and errors == []
