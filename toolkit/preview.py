"""``toolkit preview``: one course in a mock LMS, with its statements live.

The preview server (Starlette on uvicorn) serves, on one origin:

* ``/`` — a small mock LMS page: a SCORM 1.2 ``API`` that keeps the cmi data
  in the browser and logs every call, framing the course's ``launch.html``,
  plus a live list of the xAPI statements the runtime sent;
* ``/site/`` — the course's built site (rebuilt when a source file changes);
* ``/lrs/xapi/`` — the toolkit's real LRS on a throwaway SQLite file, with one
  credential whose key is embedded in the preview build (as in a SCORM
  package with an embedded LRS);
* ``/preview/status`` — build number and the last build's diagnostics.
"""

from __future__ import annotations

import tempfile
import threading
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import HTMLResponse, JSONResponse, RedirectResponse, Response
from starlette.routing import Mount, Route
from starlette.staticfiles import StaticFiles

from toolkit.build import BuildOptions, build, discover_courses
from toolkit.errors import CheckFailed, ToolkitError
from toolkit.lrs.app import create_app
from toolkit.lrs.auth import add_credential
from toolkit.lrs.storage import open_storage

PREVIEW_KEY = "preview"
PREVIEW_SECRET = "preview-only"
PAGE = Path(__file__).resolve().parent / "runtime" / "preview" / "lms.html"


@dataclass
class PreviewState:
    course_dir: Path
    work: Path
    base_url: str
    build_number: int = 0
    diagnostics: list[str] = field(default_factory=list)
    site: Path | None = None
    failure: ToolkitError | None = None
    lock: threading.Lock = field(default_factory=threading.Lock)

    def rebuild(self) -> bool:
        """Build the course's site; on failure keep the previous one and record why."""
        settings = {"lrs_endpoint": f"{self.base_url}/lrs/xapi/", "lrs_key": f"{PREVIEW_KEY}:{PREVIEW_SECRET}",
                    "lrs_homepage": f"{self.base_url}/"}
        options = BuildOptions(out=self.work / "build", formats=("web",), settings=settings)
        with self.lock:
            try:
                results, report = build(discover_courses([self.course_dir]), options)
            except CheckFailed as exc:
                self.failure = exc
                self.diagnostics = [str(d) for d in exc.diagnostics if d.severity != "info"]
                return False
            except ToolkitError as exc:
                self.failure = exc
                self.diagnostics = [str(exc)]
                return False
            self.failure = None
            self.site = results[0].site
            self.diagnostics = [str(d) for d in report.items if d.severity != "info"]
            self.build_number += 1
            return True


def create_preview_app(course_dir: Path, work: Path, base_url: str) -> tuple[Starlette, PreviewState]:
    """The preview app for *course_dir*; *work* holds the build and the LRS database."""
    state = PreviewState(course_dir, work, base_url.rstrip("/"))
    if not state.rebuild():
        assert state.failure is not None
        raise state.failure  # the CLI prints it as path:line diagnostics
    storage = open_storage(str(work / "preview-lrs.sqlite3"))
    if not any(c["key"] == PREVIEW_KEY for c in storage.credentials()):
        add_credential(storage, PREVIEW_KEY, ["all"], password=PREVIEW_SECRET)
    lrs = create_app("", storage=storage, rate=0)
    assert state.site is not None
    site_dir = state.site

    async def index(_: Request) -> Response:
        return HTMLResponse(PAGE.read_text(encoding="utf-8"))

    async def status(_: Request) -> Response:
        return JSONResponse({"build": state.build_number, "diagnostics": state.diagnostics,
                             "auth": f"{PREVIEW_KEY}:{PREVIEW_SECRET}"})

    async def site_root(_: Request) -> Response:
        return RedirectResponse("/site/launch.html")

    app = Starlette(routes=[
        Route("/", index),
        Route("/preview/status", status),
        Route("/site", site_root),
        Mount("/site", app=StaticFiles(directory=str(site_dir), html=True, check_dir=False)),
        Mount("/lrs", app=lrs),
    ])
    return app, state


def watch(state: PreviewState, stop: threading.Event, echo: Any = print) -> None:
    """Rebuild whenever a file of the course changes (runs until *stop* is set)."""
    from watchfiles import watch as watch_files

    for _changes in watch_files(state.course_dir, stop_event=stop, debounce=300):
        ok = state.rebuild()
        echo(f"rebuilt (build {state.build_number})" if ok else "build failed; showing the previous build:")
        for line in state.diagnostics:
            echo(f"  {line}")


def serve(course_dir: Path, port: int, host: str = "127.0.0.1", echo: Any = print) -> None:
    import uvicorn

    dirs = discover_courses([course_dir])
    if len(dirs) != 1:
        raise ToolkitError(f"{course_dir}: preview shows one course; name one course folder")
    with tempfile.TemporaryDirectory(prefix="toolkit-preview-") as tmp:
        base = f"http://{host}:{port}"
        app, state = create_preview_app(dirs[0], Path(tmp), base)
        for line in state.diagnostics:
            echo(f"  {line}")
        stop = threading.Event()
        watcher = threading.Thread(target=watch, args=(state, stop, echo), daemon=True)
        watcher.start()
        echo(f"Preview of {dirs[0].name}: {base}/  (Ctrl+C stops)")
        try:
            uvicorn.run(app, host=host, port=port, log_level="warning")
        finally:
            stop.set()
