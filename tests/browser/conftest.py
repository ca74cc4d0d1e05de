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

from ..conftest import FIXTURES, ROOT, require

SCORM_AGAIN = ROOT / "node_modules" / "scorm-again" / "dist"
HERE = Path(__file__).resolve().parent


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
