"""A real LMS for browser tests: scorm-again in a page that frames the built package."""

from __future__ import annotations

import shutil
import threading
import zipfile
from functools import partial
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from toolkit.build import BuildOptions, build
from toolkit.lrs.auth import add_credential
from toolkit.lrs.storage import open_storage

from ..conftest import FIXTURES, ROOT, require
from .lrs_server import LiveLRS, free_port

SCORM_AGAIN = ROOT / "node_modules" / "scorm-again" / "dist"
HERE = Path(__file__).resolve().parent
FIXTURE_COURSE = "https://kurser.example.dk/test/ok-minimal"  # the id of the ok-minimal course


class _Quiet(SimpleHTTPRequestHandler):
    def log_message(self, *args: object) -> None:
        pass

    def do_POST(self) -> None:  # a cmi5 fetch URL is POSTed: answer with the file, like GET
        self.rfile.read(int(self.headers.get("Content-Length") or 0))
        self.do_GET()


@pytest.fixture(scope="session")
def packages(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("pkgs")
    build([FIXTURES / "ok-minimal"], BuildOptions(out=out, formats=("scorm12", "scorm2004", "xapi", "cmi5"), no_cache=True))
    return out


def serve_lms(root: Path, packages: dict[str, Path]):
    """Serves the LMS page, scorm-again and each package zip unzipped under /<name>/."""
    require((SCORM_AGAIN / "scorm12.js").is_file(), "scorm-again is not installed (npm ci)")
    shutil.copyfile(HERE / "lms.html", root / "lms.html")
    # The one-time auth token a cmi5 LMS hands out at its fetch URL (credential launch:launch-pw).
    (root / "cmi5-fetch").write_text('{"auth-token": "bGF1bmNoOmxhdW5jaC1wdw=="}', encoding="utf-8")
    shutil.copytree(SCORM_AGAIN, root / "scorm-again")
    for name, zpath in packages.items():
        with zipfile.ZipFile(zpath) as zf:
            zf.extractall(root / name)
    server = ThreadingHTTPServer(("127.0.0.1", 0), partial(_Quiet, directory=str(root)))
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()  # shutdown() stops serving; this closes the socket


@pytest.fixture(scope="session")
def lms_server(packages, tmp_path_factory):
    """The fixture course's packages under /<format>/."""
    zips = {zpath.stem.rsplit("-", 1)[1]: zpath for zpath in packages.glob("*/*.zip")}
    yield from serve_lms(tmp_path_factory.mktemp("lms"), zips)


@pytest.fixture
def live_lrs(tmp_path, lms_server):
    """Our real LRS for xAPI and cmi5 launches of the fixture course: a launch key that may
    write about that course for learners of https://lms.example.dk, and an admin key."""
    storage = open_storage(str(tmp_path / "lrs.sqlite3"))
    add_credential(storage, "launch", ["statements/write"], password="launch-pw",
                   activity_prefixes=[FIXTURE_COURSE], homepage="https://lms.example.dk")
    add_credential(storage, "admin", ["all"], password="admin-pw")
    lrs = LiveLRS(storage, free_port(), cors=(lms_server,))
    lrs.start()
    yield lrs
    lrs.stop()
    storage.close()
