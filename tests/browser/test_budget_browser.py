"""The largest realistic course in a real SCORM 1.2 LMS (scorm-again): the resume state
the runtime writes stays within the budget check's worst case and within 4,096 chars."""

from __future__ import annotations

import json
import shutil
import threading
from functools import partial
from http.server import ThreadingHTTPServer

import pytest

from toolkit.build import BuildOptions, build
from toolkit.runtime.budget import SCORM12_SUSPEND_LIMIT, worst_case_length

from ..conftest import require
from ..runtime.coursegen import write_course
from .conftest import HERE, SCORM_AGAIN, _Quiet
from .test_scorm import ready

pytestmark = pytest.mark.browser

ANSWER_ALL = """(_body) => {
  for (const form of document.querySelectorAll("form.tk-quiz")) {
    const inputs = [...form.querySelectorAll("input")];
    if (form.dataset.multiple === "true") inputs.forEach(i => { i.checked = true; });
    else inputs[inputs.length - 1].checked = true;
    form.requestSubmit();
  }
  return document.querySelectorAll("form.tk-quiz").length;
}"""


def test_largest_course_suspend_data_within_budget(browser, tmp_path):
    require((SCORM_AGAIN / "scorm12.js").is_file(), "scorm-again is not installed (npm ci)")
    course_dir = write_course(tmp_path / "courses", "stort", lessons=20, questions=4, choices=4)
    results, _ = build([course_dir], BuildOptions(out=tmp_path / "out", formats=("scorm12",), no_cache=True))
    course = results[0].course
    root = tmp_path / "lms"
    root.mkdir()
    shutil.copyfile(HERE / "lms.html", root / "lms.html")
    shutil.copytree(SCORM_AGAIN, root / "scorm-again")
    shutil.copytree(results[0].site, root / "scorm12")
    server = ThreadingHTTPServer(("127.0.0.1", 0), partial(_Quiet, directory=str(root)))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        ctx = browser.new_context()
        page = ctx.new_page()
        errors: list[str] = []
        page.on("pageerror", lambda e: errors.append(str(e)))
        page.goto(f"http://127.0.0.1:{server.server_address[1]}/lms.html")
        page.evaluate("LMS.start('12', 'scorm12/launch.html', null)")
        frame = page.frame_locator("#sco").frame_locator("#tk-frame")
        ready(frame)
        frame.get_by_role("link", name="Start kurset").click()
        answered = 0
        for lesson in course.lessons:
            frame.locator(f"article.tk-lesson[data-lesson='{lesson.id}']").wait_for()
            ready(frame)  # answering before the runtime binds the forms would submit them to the server
            answered += frame.locator("body").evaluate(ANSWER_ALL)
            frame.get_by_role("link", name="Næste", exact=True).click()
        frame.locator(".tk-complete").wait_for()
        assert answered == 80
        cmi = page.evaluate("LMS.cmi()")
        data = cmi["suspend_data"]
        state = json.loads(data)
        assert len(state["s"]) == 20 and len(state["a"]) == 80
        assert len(data) <= worst_case_length(course) <= SCORM12_SUSPEND_LIMIT
        assert cmi["core"]["lesson_status"] in ("passed", "failed")
        assert page.evaluate("LMS.errors") == [] and errors == []
        ctx.close()
    finally:
        server.shutdown()
        server.server_close()  # shutdown() stops serving; this closes the socket
