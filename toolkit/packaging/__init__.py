"""LMS packages: one module per standard over a shared manifest-plus-zip base."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from toolkit.model import Course


def build_packages(course: Course, site_dir: Path, dest: Path, formats: tuple[str, ...],
                   settings: dict[str, Any]) -> dict[str, Path]:
    """Write ``dest/<slug>-<format>.zip`` for each format; return them by format.

    Not yet implemented: the site is the only output until packaging lands.
    """
    return {}
