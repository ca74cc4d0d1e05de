"""For the tests that compare a cached build with a clean one: projects with a synthetic course,
builds through ``python -m toolkit`` or in-process, and digests of what they wrote."""

from __future__ import annotations

import datetime as dt
import hashlib
import os
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from toolkit import cache as cache_module
from toolkit.build import BuildOptions, build as build_in_process

from ..conftest import tree_digest

ROOT = Path(__file__).resolve().parents[2]
TODAY = dt.date(2026, 12, 1)
WEB = {"formats": ("web",), "today": TODAY}  # BuildOptions of a web-only build on the pinned date
ENV = {**os.environ, "PYTHONPATH": str(ROOT), "TOOLKIT_TODAY": TODAY.isoformat()}


def tree(root: Path) -> dict[str, str]:
    """The digest of every output file under *root*, the cache and the replay record left out."""
    return {str(p.relative_to(root)): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(root.rglob("*")) if p.is_file() and ".cache" not in p.parts and "record" not in p.name
            and ".replay" not in str(p)}


def build(proj: Path, out: str, *extra: str, formats: tuple[str, ...] = ("web",)) -> subprocess.CompletedProcess:
    fmts = [arg for fmt in formats for arg in ("--format", fmt)]
    return subprocess.run([sys.executable, "-m", "toolkit", "build", "courses/syn", "--out", out, *fmts, "-j", "1",
                           *extra], cwd=proj, env=ENV, capture_output=True, text=True, check=False)


def synthetic(tmp_path: Path, n: int = 3) -> Path:
    proj = tmp_path / "proj"
    subprocess.run([sys.executable, str(ROOT / "bench" / "synthetic.py"), str(proj / "courses" / "syn"),
                    "--lessons", str(n)], check=True, capture_output=True)
    return proj


def project(tmp_path: Path, n: int = 3) -> Path:
    """A project with the repository's brands and shared facts and a synthetic course, courses/syn."""
    p = tmp_path / "p"
    shutil.copytree(ROOT / "brands", p / "brands")
    (p / "courses").mkdir(parents=True)
    shutil.copy(ROOT / "courses" / "facts.yaml", p / "courses" / "facts.yaml")
    subprocess.run([sys.executable, str(ROOT / "bench" / "synthetic.py"), str(p / "courses" / "syn"),
                    "--lessons", str(n)], check=True, capture_output=True)
    return p


def clean_digest(course: Path, tmp_path: Path, **options: Any) -> dict[str, str]:
    """The digests of what a clean build (``--no-cache``) of *course* writes, in-process."""
    clean = tmp_path / "clean"
    options.setdefault("today", TODAY)  # the date the review checks compare with, pinned
    build_in_process([course], BuildOptions(out=clean, no_cache=True, **options))
    return tree_digest(clean / course.name)


class _Every(set):
    def __contains__(self, item: object) -> bool:
        return True


@pytest.fixture(params=["unpickled", "remembered"])
def cache_modes(request: Any, monkeypatch: Any) -> str:
    """Each test twice: entries unpickled from the cache at every build, as ``toolkit build`` does,
    and kept between the builds of the process, as ``toolkit build --watch`` does
    (``cache.remember_unpickled``, here for every cache)."""
    if request.param == "remembered":
        monkeypatch.setattr(cache_module, "REMEMBERING", _Every())
    monkeypatch.setattr(cache_module, "REMEMBERED", {})
    return str(request.param)


def blob_file(out: Path, course: str = "default-ok-minimal") -> Path:
    """The blob file of *course* (brand-slug) in the build cache under *out*."""
    return out / ".cache" / f"blobs-{course}.bin"


def edit_lesson(course: Path, n: int, name: str = "02-cv.md") -> None:
    """Lesson *name* of *course* with a sentence more (its *n*-th change)."""
    lesson = course / "lessons" / name
    lesson.write_text(lesson.read_text(encoding="utf-8") + f"\nÆndring {n}.\n", encoding="utf-8")


def changing_blobs_in_place(out: Path, then: Any) -> Any:
    """*then* (toolkit.build.add_lessons), once the blob file under *out* has been changed in place,
    the same size (a copy onto it, a restore), after the build opened it: a sentence of ok-minimal's
    cv lesson, in its cached lesson and page, becomes another."""
    def changed_meanwhile(*args: Any) -> Any:
        path = blob_file(out)
        data = path.read_bytes()
        if data.count(b"Et godt CV er kort.") >= 2:
            with open(path, "r+b") as fh:
                fh.write(data.replace(b"Et godt CV er kort.", b"Et godt CV er KORT."))
        return then(*args)

    return changed_meanwhile
