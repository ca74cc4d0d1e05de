"""Golden-file test: the rendered pages of a small fixture course are stable.

Regenerate after an intended change with ``UPDATE_GOLDEN=1 pytest tests/render/test_golden.py``
and review the diff.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from toolkit.build import BuildOptions, build

from ..conftest import FIXTURES

GOLDEN = Path(__file__).resolve().parent / "golden" / "ok-minimal"
FILES = ["index.html", "velkommen.html", "cv.html", "video.html", "assets/course-data.js", "assets/brand.css"]


@pytest.fixture(scope="module")
def site(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("golden")
    build([FIXTURES / "ok-minimal"], BuildOptions(out=out, formats=("web",)))
    return out / "ok-minimal" / "site"


@pytest.mark.parametrize("name", FILES)
def test_page_matches_golden(site, name):
    got = (site / name).read_text(encoding="utf-8")
    golden = GOLDEN / name
    if os.environ.get("UPDATE_GOLDEN"):
        golden.parent.mkdir(parents=True, exist_ok=True)
        golden.write_text(got, encoding="utf-8")
    assert golden.is_file(), f"no golden file {golden}: run with UPDATE_GOLDEN=1"
    assert got == golden.read_text(encoding="utf-8")


def test_media_copied_once_with_site_paths(site):
    assert sorted(p.relative_to(site).as_posix() for p in (site / "media").rglob("*") if p.is_file()) == \
        ["media/smil.svg", "media/video2.da.vtt"]
