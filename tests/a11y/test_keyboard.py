"""Complete a course with the keyboard alone (Tab, Enter, Space), with the
focus always visible and moved sensibly after navigation and answering."""

from __future__ import annotations

import datetime as dt

import pytest
from playwright.sync_api import expect

from toolkit.build import check

from .conftest import course_dirs, now, record_results

pytestmark = pytest.mark.browser

FOCUS_JS = """() => {
  const e = document.activeElement;
  if (!e || e === document.body) return null;
  const s = getComputedStyle(e);
  const visible = (s.outlineStyle !== 'none' && parseFloat(s.outlineWidth) > 0) || s.boxShadow !== 'none';
  return {tag: e.tagName, text: (e.innerText || e.value || '').trim().slice(0, 60), id: e.id, visible: visible,
          cls: e.className};
}"""


def tab_to(page, match, limit=80):
    for _ in range(limit):
        page.keyboard.press("Tab")
        info = page.evaluate(FOCUS_JS)
        assert info is None or info["visible"], f"focus not visible on {info}"
        if info and match(info):
            return info
    raise AssertionError("never reached the element by Tab")


def answer_by_keyboard(page, choices_to_press_space: int):
    info = tab_to(page, lambda i: i["tag"] == "INPUT")
    for _ in range(choices_to_press_space - 1):
        page.keyboard.press("Tab")  # checkboxes: one stop each
    page.keyboard.press("Space")
    tab_to(page, lambda i: i["text"] == "Tjek svar")
    page.keyboard.press("Enter")
    after = page.evaluate(FOCUS_JS)
    assert after and "tk-feedback" in after["cls"], f"focus should move to the feedback, not {after}"
    return info


def test_complete_a_course_with_the_keyboard(built, browser):
    site = built / "ok-minimal" / "site"
    ctx = browser.new_context(viewport={"width": 375, "height": 800})
    page = ctx.new_page()
    result = {"date": now(), "browser": f"Chromium {browser.version}", "passed": False,
              "pages": ["index.html", "velkommen.html", "cv.html", "video.html"]}
    try:
        _complete(page, site)
        result["passed"] = True
    finally:
        ctx.close()
        record_results(built, "keyboard", {"ok-minimal": result})


def _complete(page, site):
    page.goto((site / "index.html").as_uri())
    first = tab_to(page, lambda i: i["tag"] == "A")
    assert first["text"] == "Gå til indhold"  # the skip link comes first
    tab_to(page, lambda i: i["text"] == "Start kurset")
    page.keyboard.press("Enter")
    page.wait_for_url("**/velkommen.html")
    answer_by_keyboard(page, 1)  # Space on the focused radio: "14 dage"
    assert "Rigtigt!" in page.locator(".tk-feedback").inner_text()
    tab_to(page, lambda i: i["text"] == "Næste")
    page.keyboard.press("Enter")
    page.wait_for_url("**/cv.html")
    answer_by_keyboard(page, 1)  # checkbox "Dine job" only: not enough
    assert "Ikke helt." in page.locator(".tk-feedback").inner_text()
    tab_to(page, lambda i: i["text"] == "Næste")
    page.keyboard.press("Enter")
    page.wait_for_url("**/video.html")
    answer_by_keyboard(page, 1)
    tab_to(page, lambda i: i["text"] == "Næste")
    page.keyboard.press("Enter")
    page.wait_for_url("**/index.html")
    expect(page.locator("[data-tk-status]")).to_contain_text("Kurset er gennemført")  # set by the runtime after load


SHIPPED = [d for d in course_dirs() if d.parent.name == "courses"]


def answer_right_by_keyboard(page, question) -> None:
    """Reach the question by Tab, choose its right answers (arrow keys in a
    radio group, Space on each checkbox), check it and read the feedback."""
    tab_to(page, lambda i: i["id"].startswith(f"{question.id}-"), limit=200)
    if question.multiple:
        for n, choice in enumerate(question.choices):
            if n:
                page.keyboard.press("Tab")
            if choice.correct:
                page.keyboard.press("Space")
    else:
        right = next(n for n, c in enumerate(question.choices) if c.correct)
        page.keyboard.press("Space")
        for _ in range(right):
            page.keyboard.press("ArrowDown")
    tab_to(page, lambda i: i["text"] == "Tjek svar")
    page.keyboard.press("Enter")
    after = page.evaluate(FOCUS_JS)
    assert after and after["id"] == f"{question.id}-feedback", f"focus should move to the feedback, not {after}"
    assert "Rigtigt!" in page.locator(f"#{question.id}-feedback").inner_text()


@pytest.mark.parametrize("course_dir", SHIPPED, ids=lambda d: d.name)
def test_complete_each_shipped_course_with_the_keyboard(built, browser, course_dir):
    """Every path of every sample course, from the overview to "Kurset er
    gennemført", answering every question right, with Tab, arrows, Space and
    Enter only."""
    loaded, _ = check([course_dir], today=dt.date(2026, 12, 1))
    course = loaded[0].course
    site = built / course.slug / "site"
    options = [o.id for o in course.paths.options] if course.paths else [None]
    result = {"date": now(), "browser": f"Chromium {browser.version}", "passed": False, "pages": ["index.html"]}
    try:
        for option in options:
            ctx = browser.new_context(viewport={"width": 375, "height": 800})
            page = ctx.new_page()
            page.goto((site / "index.html").as_uri())
            if option is not None:
                tab_to(page, lambda i: i["id"].startswith("tk-path-"), limit=200)
                page.keyboard.press("Space")
                for _ in range(options.index(option)):
                    page.keyboard.press("ArrowDown")
            tab_to(page, lambda i: i["text"] == "Start kurset", limit=200)
            page.keyboard.press("Enter")
            for lesson in course.lessons:
                if lesson.paths and option not in lesson.paths:
                    continue
                page.wait_for_url(f"**/{lesson.filename}")
                for question in lesson.questions:
                    answer_right_by_keyboard(page, question)
                if lesson.filename not in result["pages"]:
                    result["pages"].append(lesson.filename)
                tab_to(page, lambda i: i["text"] == "Næste", limit=200)
                page.keyboard.press("Enter")
            page.wait_for_url("**/index.html")
            expect(page.locator("[data-tk-status]")).to_contain_text("Kurset er gennemført")
            ctx.close()
        result["passed"] = True
    finally:
        record_results(built, "keyboard", {course.slug: result})
