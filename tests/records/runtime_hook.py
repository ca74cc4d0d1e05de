"""Statements from the real runtime, for ``test_runtime_statements_hook``.

A SCORM 1.2 package built with an embedded LRS (``--lrs-endpoint`` and the
write credential, as a municipality would ship it) runs in scorm-again in
Chromium for three learners: one passes, one fails, one stops half-way.
The runtime's own statements then reach the records CLI.
"""

from __future__ import annotations

import shutil
import tempfile
import threading
import zipfile
from functools import partial
from http.server import ThreadingHTTPServer
from pathlib import Path
from typing import Any

from tests.browser.conftest import HERE as BROWSER_DIR, SCORM_AGAIN, _Quiet
from tests.browser.test_scorm import answer, complete_course, go
from tests.conftest import FIXTURES
from tests.records.conftest import HOMEPAGE
from tests.records.servers import LRS
from toolkit.build import BuildOptions, build

COURSE = "https://kurser.example.dk/test/ok-minimal"


def runtime_statements(lrs: LRS, browser: Any) -> list[tuple[str, str, str]] | None:
    work = Path(tempfile.mkdtemp())
    try:
        build([FIXTURES / "ok-minimal"], BuildOptions(out=work / "out", formats=("scorm12",), no_cache=True, settings={
            "lrs_endpoint": lrs.endpoint, "lrs_key": f"{lrs.writer[0]}:{lrs.writer[1]}", "lrs_homepage": HOMEPAGE}))
        root = work / "www"
        root.mkdir()
        shutil.copyfile(BROWSER_DIR / "lms.html", root / "lms.html")
        shutil.copytree(SCORM_AGAIN, root / "scorm-again")
        with zipfile.ZipFile(work / "out" / "ok-minimal" / "ok-minimal-scorm12.zip") as zf:
            zf.extractall(root / "scorm12")
        server = ThreadingHTTPServer(("127.0.0.1", 0), partial(_Quiet, directory=str(root)))
        threading.Thread(target=server.serve_forever, daemon=True).start()
        base = f"http://127.0.0.1:{server.server_address[1]}"
        cases = []
        # A learner who views every lesson but misses the pass mark gets "completed" then "failed" from the
        # runtime: both facts are shown, and the one-word status is "failed".
        for learner, outcome, expected in (("runtime-pass", "passed", "passed"), ("runtime-fail", "failed", "failed"),
                                           ("runtime-half", "in_progress", "in_progress")):
            ctx = browser.new_context()
            page = ctx.new_page()
            page.goto(f"{base}/lms.html")
            prior = {"cmi": {"core": {"student_id": learner, "student_name": "Borger, Test"}}}
            page.evaluate("([url, prior]) => LMS.start('12', url, prior)", ["scorm12/launch.html", prior])
            frame = page.frame_locator("#sco").frame_locator("#tk-frame")
            if outcome == "in_progress":
                frame.locator("h1", has_text="Prøvekursus").wait_for()
                go(frame, "Start kurset")
                answer(frame, "Hvor lang tid har du til dit CV?", ["14 dage"])
            else:
                complete_course(frame, right=outcome == "passed")
            for _ in range(200):  # the queue drains to the LRS while the learner is still there
                if page.evaluate("JSON.parse(localStorage.getItem('tk-queue') || '[]').length") == 0:
                    break
                page.wait_for_timeout(100)
            else:
                raise AssertionError(f"statements for {learner} never left the queue")
            page.evaluate("LMS.close()")  # "terminated" leaves by beacon
            ctx.close()
            cases.append((learner, COURSE, expected))
        server.shutdown()
        server.server_close()  # shutdown() stops serving; this closes the socket
        return cases
    finally:
        shutil.rmtree(work, ignore_errors=True)
