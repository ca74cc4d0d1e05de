"""Shared fixtures.  In CI (``CI=true``) a missing prerequisite fails a test
instead of skipping it, so a green CI run always means the check ran."""

from __future__ import annotations

import hashlib
import os
import shutil
from collections.abc import Callable
from pathlib import Path

import pytest
from click.testing import CliRunner

from toolkit.source.course import SHARED_FACTS

# The date the review checks compare with, for every build the tests make, in-process or in a
# process of their own, that does not give one (toolkit/clock.py): a test never depends on the
# day it runs.  A test about another date sets it, or passes --today.
PINNED_TODAY = "2026-12-01"
os.environ.setdefault("TOOLKIT_TODAY", PINNED_TODAY)

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = Path(__file__).resolve().parent / "fixtures"
BASE = FIXTURES / "ok-minimal"  # the one whole course the variants are laid over
VARIANTS = FIXTURES / "variants"  # <name>/: only the files a variant changes or adds
IN_CI = os.environ.get("CI", "").lower() in ("1", "true", "yes")
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run", "--disable-quic"]


def require(condition: bool, reason: str) -> None:
    """Skip locally, fail in CI, when a prerequisite is missing."""
    if condition:
        return
    if IN_CI:
        pytest.fail(f"prerequisite missing in CI: {reason}")
    pytest.skip(reason)


def tree_digest(root: Path) -> dict[str, str]:
    """Every file below ``root`` (relative path) with its SHA-256."""
    return {str(p.relative_to(root)): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(root.rglob("*")) if p.is_file()}


@pytest.fixture
def runner() -> CliRunner:
    return CliRunner()


def assemble_course(name: str, dest: Path) -> Path:
    """Write the fixture course *name* to *dest* and return *dest*.

    A whole course (``tests/fixtures/<name>/course.yaml``) is copied as it is.
    A variant (``tests/fixtures/variants/<name>/``) holds only the files it
    changes or adds: the base course is copied and those files laid over it.
    """
    whole, overlay = FIXTURES / name, VARIANTS / name
    if (whole / "course.yaml").is_file():
        shutil.copytree(whole, dest)
    elif overlay.is_dir():
        shutil.copytree(BASE, dest)
        shutil.copytree(overlay, dest, dirs_exist_ok=True)
    else:
        raise LookupError(f"no fixture course {whole} and no variant {overlay}")
    return dest


def place_course(name: str, root: Path) -> Path:
    """The fixture course *name* assembled in ``root/<name>``, beside a copy of the
    shared ``tests/fixtures/facts.yaml``: laid out as if it were in ``tests/fixtures``."""
    if not (root / SHARED_FACTS).exists():
        root.mkdir(parents=True, exist_ok=True)
        shutil.copy(FIXTURES / SHARED_FACTS, root / SHARED_FACTS)
    return assemble_course(name, root / name)


@pytest.fixture
def course_variant(tmp_path: Path) -> Callable[[str], Path]:
    """``course_variant("lix-too-high")``: that fixture course, assembled for this
    test in ``tmp_path/fixtures`` beside the shared facts (see ``place_course``)."""

    def get(name: str) -> Path:
        return place_course(name, tmp_path / "fixtures")

    return get


@pytest.fixture
def fixture_copy(tmp_path: Path) -> Callable[[str], Path]:
    """A fixture course (whole or variant) to change: a writable copy in a
    temporary project, ``courses/<name>``, without the shared facts."""

    def copy(name: str) -> Path:
        return assemble_course(name, tmp_path / "project" / "courses" / name)

    return copy


@pytest.fixture(scope="session")
def browser():
    require(Path(CHROMIUM).exists(), f"{CHROMIUM} is not installed")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield b
        b.close()
