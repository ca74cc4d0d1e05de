"""Built sites of every course (and the catalogue) for the accessibility tests."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from toolkit.build import BuildOptions, build, discover_courses

from ..conftest import FIXTURES, ROOT, require

AXE = Path(os.environ.get("TOOLKIT_AXE_JS", ROOT / "node_modules" / "axe-core" / "axe.min.js"))


def course_dirs() -> list[Path]:
    dirs = []
    if (ROOT / "courses").is_dir() and any((ROOT / "courses").glob("*/course.yaml")):
        dirs += discover_courses(None, ROOT)  # first, so the catalogue is built too
    return [*dirs, FIXTURES / "ok-minimal"]


@pytest.fixture(scope="session")
def built(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("a11y")
    build(course_dirs(), BuildOptions(out=out, formats=("web",), no_cache=True))
    return out


def site_pages(out: Path) -> list[Path]:
    pages = sorted(p for p in out.glob("*/site/*.html") if p.name != "launch.html")
    pages += sorted((out / "catalogue").glob("*.html")) if (out / "catalogue").is_dir() else []
    return pages


@pytest.fixture(scope="session")
def axe_source() -> str:
    require(AXE.is_file(), f"axe-core is not installed at {AXE} (npm ci)")
    return AXE.read_text(encoding="utf-8")
