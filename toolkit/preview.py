"""``toolkit preview``: a course in a small mock LMS, with its statements live.

The page frames the built package under a mock SCORM 1.2 API that logs
every call, points the runtime at an LRS running in the same process (an
in-memory store) and shows the statements it receives.  Sources are watched
and the course is rebuilt on change; a failed rebuild shows its errors and
keeps the last good build.  Rebuilds use the build cache, so a save costs
what changed, and the page learns of each rebuild through server-sent events
(``/preview/events``) and reloads its frame at once.  This mock LMS is for
authors; the tests prove packages against scorm-again and the real LRS.
"""

from __future__ import annotations

import asyncio
import gc
import json
import secrets
import tempfile
import threading
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import HTMLResponse, JSONResponse, StreamingResponse
from starlette.routing import Mount, Route
from starlette.staticfiles import StaticFiles

from toolkit.build import BuildOptions, build
from toolkit.cache import keep_in_memory
from toolkit.errors import CheckFailed, ToolkitError
from toolkit.lrs.app import create_app
from toolkit.lrs.auth import add_credential
from toolkit.lrs.storage import open_storage
from toolkit.render.env import make_environment
from toolkit.source.brand import project_root_of


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
        self.listeners: list[tuple[asyncio.AbstractEventLoop, asyncio.Queue[str]]] = []
        self.listeners_lock = threading.Lock()
        self.live: dict[Path, dict[str, bytes]] = {}  # the served site, updated in place (see BuildOptions)
        keep_in_memory(self.work / "build" / ".cache")

    def event(self) -> str:
        """The build's state as one server-sent event."""
        return f"data: {json.dumps({'version': self.version, 'errors': self.errors})}\n\n"

    def _announce(self) -> None:
        message = self.event()
        with self.listeners_lock:
            for loop, queue in self.listeners:
                loop.call_soon_threadsafe(queue.put_nowait, message)

    async def events(self, keepalive: float = 15.0) -> AsyncIterator[str]:
        """The current state, then one event per rebuild (a comment now and then keeps proxies from closing it)."""
        queue: asyncio.Queue[str] = asyncio.Queue()
        listener = (asyncio.get_running_loop(), queue)
        with self.listeners_lock:
            self.listeners.append(listener)
        try:
            yield self.event()
            while True:
                try:
                    yield await asyncio.wait_for(queue.get(), keepalive)
                except TimeoutError:
                    yield ": keep-alive\n\n"
        finally:
            with self.listeners_lock:
                self.listeners.remove(listener)

    def rebuild(self) -> bool:
        """Build with the cache (a build swaps its output in only when it succeeded,
        so on failure the last good build is still served), then tell the pages."""
        with self.lock:
            gc.disable()  # a rebuild makes few cycles; collecting during it costs more than it frees
            try:
                return self._rebuild()
            finally:
                gc.enable()
                self._announce()

    def settings(self) -> dict[str, Any]:
        """What the preview's build is given beyond the brand's settings."""
        return {"lrs_endpoint": f"{self.base_url}/xapi/", "lrs_key": f"preview:{self.secret}",
                "lrs_homepage": "https://preview.invalid",
                "offline": False}  # no service worker: a rebuild shows at once

    def _rebuild(self) -> bool:
        options = BuildOptions(out=self.work / "build", formats=(), brand=self.brand, settings=self.settings(),
                               live_sites=self.live)
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
        template = make_environment(None, project_root_of(self.course_dir), theme="preview").get_template("preview.html")

        async def page(request: Request) -> HTMLResponse:
            return HTMLResponse(template.render(title=self.title))

        async def state(request: Request) -> JSONResponse:
            rows = self.storage.query({}, 50, None, False)
            return JSONResponse({"version": self.version, "errors": self.errors, "statements": [s for _, s in rows]})

        async def events(request: Request) -> StreamingResponse:
            return StreamingResponse(self.events(), media_type="text/event-stream",
                                     headers={"Cache-Control": "no-store", "X-Accel-Buffering": "no"})

        async def course(scope: Any, receive: Any, send: Any) -> None:
            if self.site is None:
                failed = HTMLResponse("The course did not build:<pre>" + "\n".join(self.errors) + "</pre>", 500)
                await failed(scope, receive, send)
                return
            await StaticFiles(directory=str(self.site), html=True)(scope, receive, send)

        return Starlette(routes=[Route("/", page), Route("/preview/state", state),
                                 Route("/preview/events", events), Mount("/course", app=course),
                                 Mount("/", app=lrs_app)])

    def watch(self, stop: threading.Event) -> None:
        from watchfiles import watch

        project = project_root_of(self.course_dir)
        roots = [self.course_dir] + [p for p in (project / "brands", project / "templates") if p.is_dir()]
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
