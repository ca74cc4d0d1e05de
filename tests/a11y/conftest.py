"""Built sites of every course (and the catalogue) for the accessibility tests.

The tests write what they measured into the build they tested, as
``<out>/<slug>/a11y-results.json`` (see toolkit.a11y_results), for
``toolkit statement`` to read.  With ``TOOLKIT_A11Y_BUILD=DIR`` they test an
existing build (``toolkit build`` output) instead of a fresh one, so a
publisher's own build gets its results.
"""

from __future__ import annotations

import datetime as dt
import os
from pathlib import Path
from typing import Any

import pytest

from toolkit.a11y_results import record
from toolkit.build import BuildOptions, build, discover_courses
from toolkit.source.yamlutil import load_yaml_file

from ..conftest import FIXTURES, ROOT, require

AXE = Path(os.environ.get("TOOLKIT_AXE_JS", ROOT / "node_modules" / "axe-core" / "axe.min.js"))


def course_dirs() -> list[Path]:
    dirs = []
    if (ROOT / "courses").is_dir() and any((ROOT / "courses").glob("*/course.yaml")):
        dirs += discover_courses(None, ROOT)  # first, so the catalogue is built too
    return [*dirs, FIXTURES / "ok-minimal"]


@pytest.fixture(scope="session")
def built(tmp_path_factory) -> Path:
    given = os.environ.get("TOOLKIT_A11Y_BUILD")
    if given:
        require(Path(given).is_dir(), f"TOOLKIT_A11Y_BUILD={given} is not a folder")
        return Path(given)
    out = tmp_path_factory.mktemp("a11y")
    build(course_dirs(), BuildOptions(out=out, formats=("web",), no_cache=True, today=dt.date(2026, 12, 1)))
    return out


def now() -> str:
    """When a test measured: the real time, written into the results only."""
    return dt.datetime.now(dt.UTC).isoformat(timespec="seconds")


def record_results(built: Path, section: str, by_course: dict[str, dict[str, Any]], key: str | None = None) -> None:
    """Write each course's results into its folder of the tested build."""
    for slug, entry in by_course.items():
        course_out = built / slug
        if (course_out / "site").is_dir():
            record(course_out, _version(course_out), section, entry, key)


def _version(course_out: Path) -> str:
    for d in course_dirs():
        if d.name == course_out.name:
            return str(load_yaml_file(d / "course.yaml")["version"])
    raise AssertionError(f"no course folder for {course_out}")


def site_pages(out: Path) -> list[Path]:
    pages = sorted(p for p in out.glob("*/site/*.html") if p.name != "launch.html")
    pages += sorted((out / "catalogue").glob("*.html")) if (out / "catalogue").is_dir() else []
    return pages


@pytest.fixture(scope="session")
def axe_source() -> str:
    require(AXE.is_file(), f"axe-core is not installed at {AXE} (npm ci)")
    return AXE.read_text(encoding="utf-8")
