"""Issue 18: the learner's way through the shipped courses on a 320 px phone (web build
with the catalogue, served over HTTP as a municipality would): feedback that fits, a
counter and a progress bar that follow the chosen path, the screening's answer carried
into the course, links back to the catalogue, honest completion, a plain contact box."""

from __future__ import annotations

import datetime as dt
import threading
from functools import partial
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
from playwright.sync_api import expect

from toolkit.build import BuildOptions, build, discover_courses

from ..conftest import ROOT
from .test_scorm import go, ready

pytestmark = pytest.mark.browser
PHONE = {"width": 320, "height": 640}
COURSE = "ret-og-pligt/site"


class Quiet(SimpleHTTPRequestHandler):
    def log_message(self, *args: object) -> None:
        pass


def serve(root: Path):
    server = ThreadingHTTPServer(("127.0.0.1", 0), partial(Quiet, directory=str(root)))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()


@pytest.fixture(scope="module")
def shipped_site(tmp_path_factory):
    out = tmp_path_factory.mktemp("phone")
    build(discover_courses(None, ROOT), BuildOptions(out=out, formats=("web",), no_cache=True, today=dt.date(2026, 12, 1)))
    yield from serve(out)


@pytest.fixture
def phone(browser):
    ctx = browser.new_context(viewport=PHONE)
    page = ctx.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    yield page
    ctx.close()
    assert errors == []


def open_course(page, base: str, path: str | None = "dagpenge") -> None:
    page.goto(f"{base}/{COURSE}/index.html")
    ready(page)
    if path:
        page.locator(f"#tk-path-{path}").check()


def test_feedback_takes_the_width_of_the_choice_on_a_phone(phone, shipped_site):
    """Finding 1: the feedback of a wrong choice is a row of its own, as wide as the choice."""
    open_course(phone, shipped_site)
    go(phone, "Start kurset")
    form = phone.locator("form.tk-quiz[data-question=start-q1]")
    form.locator("input[value='u3sn']").check()
    form.get_by_role("button", name="Tjek svar").click()
    fb = form.locator(".tk-choice-feedback:visible")
    expect(fb).to_have_count(1)
    choice = form.locator(".tk-choice", has=phone.locator("input[value='u3sn']"))
    fb_box, choice_box = fb.bounding_box(), choice.bounding_box()
    assert fb_box["width"] >= choice_box["width"] - 1, (fb_box, choice_box)
    assert fb_box["y"] >= form.locator("label[for='start-q1-u3sn']").bounding_box()["y"] + 10  # below the label
    assert phone.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]


def test_counter_and_bar_follow_the_chosen_path(phone, shipped_site):
    """Finding 2 and 8: "Lektion 6 af 6" on the dagpenge path, and the bar counts 6 lessons."""
    open_course(phone, shipped_site)
    phone.goto(f"{shipped_site}/{COURSE}/naeste-skridt.html")
    ready(phone)
    expect(phone.locator("[data-tk-counter]")).to_have_text("Lektion 6 af 6")
    expect(phone.locator("[data-tk-progress] .tk-progress-text")).to_contain_text("1 af 6 lektioner set")
    assert phone.locator("[data-tk-progress] progress").get_attribute("max") == "6"
    phone.goto(f"{shipped_site}/{COURSE}/dagpenge-moeder.html")
    ready(phone)
    expect(phone.locator("[data-tk-counter]")).to_have_text("Lektion 3 af 6")


def test_lesson_list_ticks_seen_lessons_and_answered_questions(phone, shipped_site):
    """Finding 8: the overview's list ticks what was seen and what was answered, per lesson."""
    open_course(phone, shipped_site, "kontanthjaelp")
    go(phone, "Start kurset")
    phone.locator("form.tk-quiz[data-question=start-q1] input[value='0gdx']").check()
    phone.locator("form.tk-quiz[data-question=start-q1]").get_by_role("button", name="Tjek svar").click()
    go(phone, "Næste")
    phone.wait_for_url("**/kontanthjaelp.html")
    ready(phone)
    phone.goto(f"{shipped_site}/{COURSE}/index.html")
    ready(phone)
    ticks = phone.locator(".tk-lesson-list li[data-lesson] .tk-ticks")
    first = phone.locator(".tk-lesson-list li").first.locator(".tk-ticks")
    expect(first).to_have_text("✓ Set · ✓ 1 af 1 spørgsmål besvaret")
    second = phone.locator(".tk-lesson-list li:not([hidden])").nth(1).locator(".tk-ticks")
    expect(second).to_have_text("✓ Set · 0 af 2 spørgsmål besvaret")
    assert ticks.filter(has_text="✓ Set").count() == 2
    expect(phone.locator("[data-tk-status] .tk-progress-text")).to_have_text("2 af 6 lektioner set · 1 af 8 spørgsmål besvaret")


def test_screening_answer_chooses_the_path_and_start_asks_for_one(phone, shipped_site):
    """Finding 3: no path chosen, "Start kurset" asks first; the catalogue's answer
    "kontanthjælp" chooses that path in ret-og-pligt (kept in this browser only)."""
    open_course(phone, shipped_site, None)
    phone.get_by_role("link", name="Start kurset").click()
    expect(phone.locator("[data-tk-paths] .tk-ask")).to_be_visible()
    assert phone.url.endswith("/index.html")
    expect(phone.locator("#tk-path-dagpenge")).to_be_focused()
    phone.goto(f"{shipped_site}/catalogue/index.html")
    phone.locator("#s-ydelse-kontanthjaelp").check()
    phone.get_by_role("button", name="Vis forslag").click()
    phone.locator("#tk-recommended li").first.wait_for()
    requests: list[str] = []
    phone.on("request", lambda r: requests.append(r.url))
    phone.goto(f"{shipped_site}/{COURSE}/index.html")
    ready(phone)
    expect(phone.locator("#tk-path-kontanthjaelp")).to_be_checked()
    expect(phone.locator(".tk-screened")).to_be_visible()
    expect(phone.locator(".tk-lesson-list li[data-lesson=dagpenge]")).to_be_hidden()
    assert all(u.startswith(shipped_site) for u in requests)  # the answer never leaves the browser
    go(phone, "Start kurset")
    expect(phone.locator("[data-tk-counter]")).to_have_text("Lektion 1 af 6")


def test_back_links_and_progress_in_the_catalogue(phone, shipped_site):
    """Finding 4: course pages link to the catalogue and "Min liste"; the catalogue shows
    how far the learner got, and "Gennemført" once the course is done."""
    open_course(phone, shipped_site, "dagpenge")
    go(phone, "Start kurset")
    ready(phone)
    phone.get_by_role("link", name="Min liste").click()
    assert phone.url.endswith("/catalogue/index.html#tk-mylist-h")
    card = phone.locator(".tk-card[data-course=ret-og-pligt] .tk-card-progress")
    expect(card).to_have_text("1 af 6 lektioner set")
    phone.goto(f"{shipped_site}/{COURSE}/index.html")
    ready(phone)
    take_path(phone, shipped_site, "dagpenge")
    phone.get_by_role("link", name="Alle kurser").first.click()
    expect(card).to_have_text("✓ Gennemført")


def take_path(page, base: str, path: str, answer_all: bool = True) -> None:
    """Every lesson of the path; every question answered right when *answer_all*."""
    lessons = page.evaluate("""(p) => TK_COURSE.lessons.filter(l => !l.paths.length || l.paths.includes(p))""", path)
    for lesson in lessons:
        page.goto(f"{base}/{COURSE}/{lesson['file']}")
        ready(page)
        for qid in lesson["questions"] if answer_all else []:
            form = page.locator(f"form.tk-quiz[data-question='{qid}']")
            for cid in page.evaluate("(q) => TK_COURSE.questions[q].correct", qid):
                form.locator(f"input[value='{cid}']").check()
            form.get_by_role("button", name="Tjek svar").click()
            expect(form.locator(".tk-feedback")).to_contain_text("Rigtigt")


def test_completion_tells_what_is_left(phone, shipped_site):
    """Finding 5: all lessons seen with questions open is not "gennemført": the status says
    how many questions are left, the button says "Fortsæt" to the first open question,
    and "Se igen" once all is done."""
    open_course(phone, shipped_site, "dagpenge")
    take_path(phone, shipped_site, "dagpenge", answer_all=False)
    phone.goto(f"{shipped_site}/{COURSE}/index.html")
    ready(phone)
    expect(phone.locator("[data-tk-status] .tk-left")).to_have_text(
        "Du har set alle lektioner. Svar på 9 spørgsmål mere for at bestå.")
    assert phone.locator(".tk-complete").count() == 0
    start = phone.locator("[data-tk-start]")
    expect(start).to_have_text("Fortsæt")
    assert start.get_attribute("href") == "start.html#start-q1"
    take_path(phone, shipped_site, "dagpenge")
    phone.goto(f"{shipped_site}/{COURSE}/index.html")
    ready(phone)
    expect(phone.locator(".tk-complete")).to_have_text("Kurset er gennemført")
    expect(start).to_have_text("Se igen")


def test_default_contact_says_where_to_find_kommune_or_a_kasse(phone, shipped_site):
    """Finding 7: with no brand, the contact box tells the learner where to turn."""
    phone.goto(f"{shipped_site}/{COURSE}/index.html")
    box = phone.locator(".tk-contact")
    expect(box).to_contain_text("ring eller skriv til din a-kasse")
    expect(box).to_contain_text("jobcentret i din kommune")
    expect(box.get_by_role("link", name="Find din kommune på borger.dk")).to_have_attribute("href", "https://www.borger.dk/")
    assert "jobcentret · www.borger.dk" not in box.inner_text()


def test_printing_the_exercise_prints_it_alone_with_whole_answers(phone, shipped_site):
    """Finding 6: "Udskriv" prints the exercise alone: the course title, the date and every
    answer in full (a text box of 4 rows would cut a 12-line answer).  The browser's print
    dialog is replaced by a counter; the print itself is Chromium's print media."""
    phone.clock.set_fixed_time(dt.datetime(2026, 12, 1, 10, 0, tzinfo=dt.UTC))
    phone.add_init_script("window.__printed = 0; window.print = () => { window.__printed++; };")
    open_course(phone, shipped_site, "dagpenge")
    phone.goto(f"{shipped_site}/{COURSE}/naeste-skridt.html")
    ready(phone)
    long = "\n".join(f"Linje {i}: et spørgsmål om frister og kurser" for i in range(1, 13))
    box = phone.locator("textarea").first
    box.fill(long)
    phone.get_by_role("button", name="Udskriv").click()
    assert phone.evaluate("window.__printed") == 1
    phone.emulate_media(media="print")
    sheet = phone.locator(".tk-print-sheet")
    expect(sheet).to_be_visible()
    expect(phone.locator("article.tk-lesson")).to_be_hidden()
    expect(phone.locator("form.tk-quiz").first).to_be_hidden()
    expect(sheet.locator(".tk-print-course")).to_have_text("Dine rettigheder og pligter som ledig")
    expect(sheet).to_contain_text("Udskrevet den 1. december 2026")
    expect(sheet.locator("h1")).to_contain_text("Mine spørgsmål til mødet")
    answer_el = sheet.locator(".tk-print-answer").filter(has_text="Linje 12")
    assert answer_el.inner_text() == long
    assert answer_el.evaluate("e => e.scrollHeight <= e.clientHeight + 1")  # nothing cut
    phone.evaluate("window.dispatchEvent(new Event('afterprint'))")
    phone.emulate_media(media="screen")
    expect(sheet).to_have_count(0)
    expect(phone.locator("article.tk-lesson")).to_be_visible()


FAKE_VOICES = """
window.__spoken = [];
const voices = %s;
class FakeUtterance { constructor(text) { this.text = text; } }
window.SpeechSynthesisUtterance = FakeUtterance;
const synth = new EventTarget();
synth.getVoices = () => voices;
synth.speaking = false;
synth.speak = (u) => { window.__spoken.push({text: u.text, lang: u.lang, voice: u.voice && u.voice.name}); };
synth.cancel = () => { window.__spoken.push('cancel'); };
Object.defineProperty(window, 'speechSynthesis', {value: synth});
"""


def test_read_aloud_uses_a_local_voice_in_the_course_language(phone, shipped_site):
    """Finding 9: with a Danish voice on the device, "Læs op" reads the lesson with it, line
    by line, and "Stop oplæsning" stops; no request leaves the page.  (The device's
    speech engine is replaced by a recorder: a headless Chromium has no voices.)"""
    voices = ('[{name: "Net", lang: "da-DK", localService: false}, {name: "Eng", lang: "en-US", localService: true},'
              ' {name: "Dansk", lang: "da-DK", localService: true}]')
    phone.add_init_script(FAKE_VOICES % voices)
    requests: list[str] = []
    phone.on("request", lambda r: requests.append(r.url))
    open_course(phone, shipped_site, "dagpenge")
    phone.goto(f"{shipped_site}/{COURSE}/rettigheder.html")
    ready(phone)
    button = phone.get_by_role("button", name="Læs op")
    expect(button).to_be_visible()
    button.click()
    spoken = phone.evaluate("window.__spoken")
    title = phone.locator("article h1").inner_text()
    assert spoken[0] == {"text": title, "lang": "da-DK", "voice": "Dansk"}
    assert all(s["voice"] == "Dansk" for s in spoken) and len(spoken) > 3
    assert "Læs op" not in [s["text"] for s in spoken]
    expect(phone.get_by_role("button", name="Stop oplæsning")).to_have_attribute("aria-pressed", "true")
    phone.get_by_role("button", name="Stop oplæsning").click()
    assert phone.evaluate("window.__spoken.at(-1)") == "cancel"
    expect(button).to_be_visible()
    assert all(u.startswith(shipped_site) for u in requests)


@pytest.mark.parametrize("voices", ["[]", '[{name: "Net", lang: "da-DK", localService: false}]',
                                    '[{name: "Eng", lang: "en-GB", localService: true}]', None])
def test_read_aloud_is_hidden_without_a_local_voice_in_the_language(phone, shipped_site, voices):
    """No voice, only a network voice, only another language, or Chromium's own (none
    headless): no button."""
    if voices is not None:
        phone.add_init_script(FAKE_VOICES % voices)
    phone.goto(f"{shipped_site}/{COURSE}/start.html")
    ready(phone)
    phone.wait_for_timeout(300)  # voices may arrive late (voiceschanged)
    expect(phone.get_by_role("button", name="Læs op")).to_have_count(0)


@pytest.mark.parametrize("width", [320, 375, 1280])
def test_axe_on_the_new_states(browser, shipped_site, width):
    """axe-core (WCAG 2.1 A/AA and best practice): 0 serious or critical violations on the
    pages as this issue changes them: the overview asking for a path, then with progress
    and ticks; a lesson with wrong-answer feedback, the progress bar and "Læs op"; the
    catalogue with progress."""
    from ..a11y.conftest import AXE
    from ..a11y.test_axe import run_axe
    from ..conftest import require

    require(AXE.is_file(), "axe-core is not installed (npm ci)")
    source = AXE.read_text(encoding="utf-8")
    ctx = browser.new_context(viewport={"width": width, "height": 800})
    page = ctx.new_page()
    page.add_init_script(FAKE_VOICES % '[{name: "Dansk", lang: "da-DK", localService: true}]')
    serious: list[str] = []

    def check(name: str) -> None:
        serious.extend(f"{width}px {name}: {v['id']} {[n['target'] for n in v['nodes']][:3]}"
                       for v in run_axe(page, source) if v["impact"] in ("serious", "critical"))

    open_course(page, shipped_site, None)
    page.get_by_role("link", name="Start kurset").click()
    check("overview asking for a path")
    page.locator("#tk-path-dagpenge").check()
    go(page, "Start kurset")
    form = page.locator("form.tk-quiz[data-question=start-q1]")
    form.locator("input[value='u3sn']").check()
    form.get_by_role("button", name="Tjek svar").click()
    expect(page.get_by_role("button", name="Læs op")).to_be_visible()
    check("lesson with feedback")
    page.goto(f"{shipped_site}/{COURSE}/index.html")
    ready(page)
    check("overview with progress")
    page.goto(f"{shipped_site}/catalogue/index.html")
    page.locator(".tk-card[data-course=ret-og-pligt] .tk-card-progress").wait_for()
    check("catalogue with progress")
    ctx.close()
    assert serious == []
