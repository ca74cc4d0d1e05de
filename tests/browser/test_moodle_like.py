"""Issue 14, cases 17 and 18: scorm-again set up the way Moodle's SCORM player behaves.

- SCORM 1.2 with "mastery score overrides status" on (Moodle's default): at LMSFinish the
  status is recomputed from ``cmi.core.score.raw`` against the manifest's mastery score.
- ``cmi.entry`` of the next visit comes from the last ``cmi.exit`` (``suspend`` ->
  ``resume``, anything else -> ``ab-initio``).
- The final save may never arrive (the browser is killed): the next visit gets what the
  LMS held at the last commit (``LMS.committed`` in lms.html).
"""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from .test_scorm import answer, choice_id, go, launch, ready, to_second_lesson

pytestmark = pytest.mark.browser
MOODLE = {"mastery_override": True}  # scorm-again's name for "mastery score overrides status"


def next_visit_12(cmi: dict) -> dict:
    core = dict(cmi["core"], entry="resume" if cmi["core"].get("exit") == "suspend" else "ab-initio", exit="")
    return {"cmi": dict(cmi, core=core)}


def next_visit_2004(cmi: dict) -> dict:
    return {"cmi": dict(cmi, entry="resume" if cmi.get("exit") == "suspend" else "ab-initio", exit="")}


def test_scorm12_leaving_early_is_never_failed_under_mastery_override(browser, lms_server):
    # Moodle launches for credit in normal mode, with the manifest's adlcp:masteryscore
    prior = {"cmi": {"core": {"credit": "credit", "lesson_mode": "normal"}, "student_data": {"mastery_score": "75"}}}
    ctx, page, frame, errors = launch(browser, lms_server, "12", prior=prior, settings=MOODLE)
    to_second_lesson(frame, "Et år")  # wrong, one of three
    page.evaluate("LMS.close()")  # the learner leaves: LMSFinish, where Moodle recomputes
    cmi = page.evaluate("LMS.cmi()")
    assert cmi["core"]["lesson_status"] == "incomplete"
    assert cmi["core"]["score"]["raw"] == ""  # no score before it means something
    assert cmi["core"]["exit"] == "suspend"
    assert page.evaluate("LMS.errors") == [] and errors == []
    ctx.close()

    ctx, page, frame, errors = launch(browser, lms_server, "12", prior=next_visit_12(cmi), settings=MOODLE)
    frame.locator("h1", has_text="Dit CV").wait_for()
    answer(frame, "Hvad skal med i et CV?", ["Dine job", "Din uddannelse"])
    go(frame, "Næste")
    answer(frame, "Kan du læse teksten til videoen?", ["Ja"])
    go(frame, "Næste")
    frame.locator(".tk-complete").wait_for()
    page.evaluate("LMS.close()")
    core = page.evaluate("LMS.cmi()")["core"]
    assert (core["lesson_status"], core["score"]["raw"]) == ("failed", "67")  # 2 of 3 right the first time
    assert page.evaluate("LMS.errors") == [] and errors == []
    ctx.close()


@pytest.mark.parametrize("entry", ["from exit", "ab-initio"])
def test_scorm2004_progress_survives_a_lost_final_save(browser, lms_server, entry):
    ctx, page, frame, errors = launch(browser, lms_server, "2004")
    to_second_lesson(frame, "14 dage")
    ready(frame)
    held = page.evaluate("LMS.committed")  # the phone kills the browser: nothing after this arrives
    ctx.close()
    assert held["exit"] == "suspend"
    prior = next_visit_2004(held)
    if entry == "ab-initio":
        prior["cmi"]["entry"] = "ab-initio"  # an LMS that ignores the exit: the data is still there
    ctx, page, frame, errors = launch(browser, lms_server, "2004", prior=prior)
    frame.locator("h1", has_text="Dit CV").wait_for()
    go(frame, "Forrige")
    form = frame.locator("form.tk-quiz", has_text="Hvor lang tid har du til dit CV?")
    expect(form.locator(f'input[value="{choice_id("14 dage")}"]')).to_be_checked()
    page.evaluate("LMS.close()")
    cmi = page.evaluate("LMS.cmi()")
    assert '"velkommen","cv"' in cmi["suspend_data"]  # the saved state was not overwritten
    assert cmi["completion_status"] == "incomplete"
    assert page.evaluate("LMS.errors") == [] and errors == []
    ctx.close()
