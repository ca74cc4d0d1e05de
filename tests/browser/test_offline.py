"""Issue 18, finding 10: the web package offline on a phone.  The built site of ret-og-pligt
(our real LRS embedded, as a municipality's web package has it) is loaded once at 320 px;
then the phone goes offline (Chromium's offline mode, and the web server and the LRS are
really stopped), the learner takes the whole dagpenge path, and the phone comes back
online: every statement arrives, each once.  The bytes of that first visit are counted
at the web server."""

from __future__ import annotations

import datetime as dt
import gzip
import threading
from collections import Counter
from functools import partial
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from typing import ClassVar

import pytest
from playwright.sync_api import expect

from toolkit.build import BuildOptions, build
from toolkit.lrs.auth import add_credential
from toolkit.lrs.storage import open_storage

from ..conftest import ROOT
from .lrs_server import LiveLRS, free_port
from .test_scorm import ready
from .test_xapi import X, stored, validate

pytestmark = pytest.mark.browser
COURSE_ID = "https://kurser.example.dk/ret-og-pligt"
HOMEPAGE = "https://kurser.example.dk"


class Counting(SimpleHTTPRequestHandler):
    sent: ClassVar[list[tuple[str, int]]] = []

    def log_message(self, *args: object) -> None:
        pass

    def end_headers(self) -> None:
        self.send_header("Cache-Control", "no-cache")
        super().end_headers()

    def copyfile(self, source, outputfile) -> None:  # type: ignore[no-untyped-def]
        data = source.read()
        Counting.sent.append((self.path, len(data)))
        outputfile.write(data)


@pytest.fixture
def offline_site(tmp_path):
    port = free_port()
    origin = f"http://127.0.0.1:{port}"
    storage = open_storage(str(tmp_path / "lrs.sqlite3"))
    add_credential(storage, "web", ["statements/write"], password="web-pw", activity_prefixes=[COURSE_ID],
                   homepage=HOMEPAGE)
    lrs = LiveLRS(storage, free_port(), cors=(origin,))
    lrs.start()
    out = tmp_path / "out"
    build([ROOT / "courses" / "ret-og-pligt"], BuildOptions(
        out=out, formats=("web",), no_cache=True, today=dt.date(2026, 12, 1),
        settings={"lrs_endpoint": lrs.endpoint, "lrs_key": "web:web-pw", "lrs_homepage": HOMEPAGE}))
    Counting.sent = []
    server = ThreadingHTTPServer(("127.0.0.1", port), partial(Counting, directory=str(out / "ret-og-pligt" / "site")))
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield origin, server, lrs, out / "ret-og-pligt" / "site"
    lrs.stop()
    storage.close()
    server.server_close()


def test_offline_after_the_first_visit_and_every_statement_arrives_once(browser, offline_site):
    origin, server, lrs, site = offline_site
    ctx = browser.new_context(viewport={"width": 320, "height": 640})
    page = ctx.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.goto(f"{origin}/index.html")
    ready(page)
    assert page.evaluate("navigator.serviceWorker.ready.then(r => !!r.active)")
    page.wait_for_function("!!navigator.serviceWorker.controller")
    first_visit = sum(n for _, n in Counting.sent)
    gz = sum(len(gzip.compress((site / p.lstrip("/")).read_bytes(), 6)) for p, _ in Counting.sent)
    print(f"first visit: {len(Counting.sent)} files, {first_visit} bytes as sent ({gz} bytes gzipped)")
    installable = ctx.new_cdp_session(page).send("Page.getInstallabilityErrors")
    # an incognito context (every Playwright context) is the one thing that stops an install
    assert [e for e in installable["installabilityErrors"] if e["errorId"] != "in-incognito"] == [], installable
    page.wait_for_function("() => !Object.keys(localStorage).some(k => k.startsWith('tk-q:') && localStorage[k] !== '[]')")

    # offline: Chromium's network off, and nothing to reach either
    ctx.set_offline(True)
    server.shutdown()
    lrs.stop()
    page.locator("#tk-path-dagpenge").check()
    with page.expect_navigation():  # the first lesson loaded, its scripts run, before TK_COURSE is read there
        page.get_by_role("link", name="Start kurset").click()
    lessons = page.evaluate("TK_COURSE.lessons.filter(l => !l.paths.length || l.paths.includes('dagpenge'))")
    for lesson in lessons:
        page.wait_for_url(f"**/{lesson['file']}")
        ready(page)
        for qid in lesson["questions"]:
            form = page.locator(f"form.tk-quiz[data-question='{qid}']")
            for cid in page.evaluate("(q) => TK_COURSE.questions[q].correct", qid):
                form.locator(f"input[value='{cid}']").check()
            form.get_by_role("button", name="Tjek svar").click()
            expect(form.locator(".tk-feedback")).to_contain_text("Rigtigt")
        page.get_by_role("link", name="Næste", exact=True).first.click()
    page.wait_for_url("**/index.html")
    expect(page.locator(".tk-complete")).to_have_text("Kurset er gennemført")
    waiting = page.evaluate("Object.keys(localStorage).filter(k => k.startsWith('tk-q:'))"
                            ".flatMap(k => JSON.parse(localStorage[k])).length")
    assert waiting >= len(lessons) + 9 + 2  # experienced, answered, completed, passed
    assert stored(lrs) and all(s["verb"]["id"] == X + "initialized" for s in stored(lrs))

    # back online: the queue empties by itself
    lrs.start()
    ctx.set_offline(False)
    expected = Counter({"initialized": 1, "experienced": len(lessons), "answered": 9, "completed": 1, "passed": 1})
    for _ in range(300):
        got = Counter(s["verb"]["id"].rsplit("/", 1)[1] for s in stored(lrs))
        if got == expected:
            break
        page.wait_for_timeout(100)
    statements = stored(lrs)
    assert Counter(s["verb"]["id"].rsplit("/", 1)[1] for s in statements) == expected
    assert len({s["id"] for s in statements}) == len(statements)
    assert all(s["context"]["extensions"][COURSE_ID + "/extensions/path"] == "dagpenge"
               for s in statements if s["verb"]["id"] != X + "initialized")
    assert validate(statements) == []
    assert errors == []
    ctx.close()
