"""``toolkit preview``: a course in a small mock LMS, with its statements live.

The page frames the built package under a mock SCORM 1.2 API that logs
every call, points the runtime at an LRS running in the same process (an
in-memory store) and shows the statements it receives.  Sources are watched
and the course is rebuilt on change; a failed rebuild shows its errors and
keeps the last good build.  This mock LMS is for authors; the tests prove
packages against scorm-again and the real LRS.
"""

from __future__ import annotations

import secrets
import tempfile
import threading
from pathlib import Path
from typing import Any

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import HTMLResponse, JSONResponse
from starlette.routing import Mount, Route
from starlette.staticfiles import StaticFiles

from toolkit.build import BuildOptions, build
from toolkit.errors import CheckFailed, ToolkitError
from toolkit.lrs.app import create_app
from toolkit.lrs.auth import add_credential
from toolkit.lrs.storage import open_storage

PAGE = """<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>Preview: {title}</title>
<style>
body{{margin:0;font:15px/1.4 system-ui,sans-serif;display:grid;grid-template-columns:minmax(320px,1fr) 420px;height:100vh}}
iframe{{border:0;width:100%;height:100vh}} aside{{overflow:auto;border-left:1px solid #888;padding:0 .75rem;background:#f6f6f6}}
pre{{white-space:pre-wrap;font-size:12px}} .err{{color:#a00;font-weight:bold}}
@media (max-width:800px){{body{{grid-template-columns:1fr}}aside{{border:0}}}}
</style></head><body>
<iframe id="sco" title="{title}" src="course/launch.html"></iframe>
<aside><h1>Preview (mock LMS)</h1>
<p><a href="course/index.html" target="_blank">Open the site without an LMS</a> · <button id="reset">New attempt</button></p>
<div id="build" role="status"></div>
<h2>Statements</h2><ol id="statements"></ol>
<h2>Set aside by the runtime</h2><p id="aside-none">None: the LRS refused no statement.</p><ol id="aside"></ol>
<h2>SCORM calls</h2><pre id="calls"></pre></aside>
<script>
var data = JSON.parse(sessionStorage.getItem("preview-cmi") || "{{}}"), calls = document.getElementById("calls");
function log(t) {{ calls.textContent = t + "\\n" + calls.textContent.slice(0, 20000); }}
window.API = {{
  LMSInitialize: function () {{ log("LMSInitialize"); data["cmi.core.entry"] = data["cmi.suspend_data"] ? "resume" : "ab-initio";
    data["cmi.core.student_id"] = "preview-learner"; return "true"; }},
  LMSFinish: function () {{ log("LMSFinish"); sessionStorage.setItem("preview-cmi", JSON.stringify(data)); return "true"; }},
  LMSGetValue: function (k) {{ var v = data[k] || (k === "cmi.interactions._count" ? "0" : ""); log("LMSGetValue " + k + " = " + v); return v; }},
  LMSSetValue: function (k, v) {{ log("LMSSetValue " + k + " = " + v); data[k] = String(v);
    var m = /^cmi\\.interactions\\.(\\d+)\\.id$/.exec(k); if (m) data["cmi.interactions._count"] = String(+m[1] + 1); return "true"; }},
  LMSCommit: function () {{ log("LMSCommit"); sessionStorage.setItem("preview-cmi", JSON.stringify(data)); return "true"; }},
  LMSGetLastError: function () {{ return "0"; }}, LMSGetErrorString: function () {{ return ""; }}, LMSGetDiagnostic: function () {{ return ""; }}
}};
document.getElementById("reset").onclick = function () {{ sessionStorage.removeItem("preview-cmi"); localStorage.clear(); location.reload(); }};
var version = null;
function poll() {{
  fetch("preview/state").then(function (r) {{ return r.json(); }}).then(function (s) {{
    if (version !== null && s.version !== version) document.getElementById("sco").src = "course/launch.html";
    version = s.version;
    document.getElementById("build").innerHTML = s.errors.length
      ? "<p class='err'>Rebuild failed; showing the last good build:</p><pre>" + s.errors.join("\\n").replace(/</g, "&lt;") + "</pre>"
      : "<p>Build " + s.version + " OK</p>";
    document.getElementById("statements").innerHTML = s.statements.map(function (st) {{
      return "<li>" + st.verb.id.split("/").pop() + " " + st.object.id.replace(/</g, "&lt;") +
        (st.result ? " <code>" + JSON.stringify(st.result).replace(/</g, "&lt;") + "</code>" : "") + "</li>";
    }}).join("");
  }}).catch(function () {{}});
  /* statements the LRS refused for good (kept by the runtime with the answer, TK.rejected()) */
  var tk = null;
  try {{ tk = document.getElementById("sco").contentWindow.TK; }} catch (e) {{ /* not loaded */ }}
  var aside = tk && tk.rejected ? tk.rejected() : [];
  document.getElementById("aside-none").hidden = aside.length > 0;
  document.getElementById("aside").innerHTML = aside.map(function (a) {{
    return "<li>" + a.status + " " + a.statement.verb.id.split("/").pop() + " " + a.statement.object.id.replace(/</g, "&lt;") +
      ": <code>" + String(a.answer).replace(/</g, "&lt;") + "</code></li>";
  }}).join("");
}}
setInterval(poll, 1500); poll();
</script></body></html>"""


class Preview:
    def __init__(self, course_dir: Path, brand: str | None = None, base_url: str = "") -> None:
        self.course_dir = course_dir
        self.brand = brand
        self.work = Path(tempfile.mkdtemp(prefix="toolkit-preview-"))
        self.storage = open_storage(":memory:")
        self.secret = secrets.token_urlsafe(16)
        add_credential(self.storage, "preview", ["statements/write"], password=self.secret)
        self.base_url = base_url
        self.version = 0
        self.errors: list[str] = []
        self.lock = threading.Lock()
        self.site: Path | None = None
        self.title = course_dir.name

    def rebuild(self) -> bool:
        """Build into a fresh folder; on failure keep serving the last good build."""
        with self.lock:
            out = self.work / f"build-{self.version + 1}"
            options = BuildOptions(out=out, formats=(), brand=self.brand, no_cache=True,
                                   settings={"lrs_endpoint": f"{self.base_url}/xapi/", "lrs_key": f"preview:{self.secret}",
                                             "lrs_homepage": "https://preview.invalid"})
            try:
                results, _ = build([self.course_dir], options)
            except CheckFailed as exc:
                self.errors = [str(d) for d in exc.diagnostics if d.severity == "error"]
                return False
            except ToolkitError as exc:
                self.errors = [str(exc)]
                return False
            self.errors = []
            self.version += 1
            self.site = results[0].site
            self.title = results[0].course.title
            return True

    def app(self) -> Starlette:
        lrs_app = create_app("", storage=self.storage, rate=0)

        async def page(request: Request) -> HTMLResponse:
            return HTMLResponse(PAGE.format(title=self.title))

        async def state(request: Request) -> JSONResponse:
            rows = self.storage.query({}, 50, None, False)
            return JSONResponse({"version": self.version, "errors": self.errors, "statements": [s for _, s in rows]})

        async def course(scope: Any, receive: Any, send: Any) -> None:
            if self.site is None:
                await HTMLResponse("The course did not build:<pre>" + "\n".join(self.errors) + "</pre>", 500)(scope, receive, send)
                return
            await StaticFiles(directory=str(self.site), html=True)(scope, receive, send)

        return Starlette(routes=[Route("/", page), Route("/preview/state", state), Mount("/course", app=course),
                                 Mount("/", app=lrs_app)])

    def watch(self, stop: threading.Event) -> None:
        from watchfiles import watch

        roots = [self.course_dir] + [p for p in (self.course_dir.parent.parent / "brands",
                                                 self.course_dir.parent.parent / "templates") if p.is_dir()]
        for _changes in watch(*roots, stop_event=stop):
            self.rebuild()


def serve(course_dir: Path, host: str, port: int, brand: str | None) -> None:
    import uvicorn

    preview = Preview(course_dir, brand, base_url=f"http://{host}:{port}")
    preview.rebuild()
    stop = threading.Event()
    threading.Thread(target=preview.watch, args=(stop,), daemon=True).start()
    try:
        uvicorn.run(preview.app(), host=host, port=port, log_level="warning")
    finally:
        stop.set()
