"""LMS packages: one module per standard over a shared manifest-plus-zip base.

Each packager writes its own format and reads anyone's (``toolkit validate``
loops over :data:`PACKAGERS`); both SCORMs share the IMS content-packaging
base in :mod:`imscp`.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from toolkit.model import Course
from toolkit.packaging.base import PackageContext, Packager, read_site
from toolkit.packaging.cmi5 import Cmi5
from toolkit.packaging.scorm12 import Scorm12
from toolkit.packaging.scorm2004 import Scorm2004
from toolkit.packaging.web import Web
from toolkit.packaging.xapi import Xapi
from toolkit.packaging.xsd import find_schemas_dir
from toolkit.packaging.zipcopy import ZipReuse
from toolkit.runtime import course_data

PACKAGERS: dict[str, type[Packager]] = {p.name: p for p in (Scorm12, Scorm2004, Cmi5, Xapi, Web)}


def build_packages(course: Course, site_dir: Path, dest: Path, formats: tuple[str, ...],
                   settings: dict[str, Any], files: dict[str, bytes] | None = None,
                   reuse: dict[str, ZipReuse] | None = None) -> dict[str, Path]:
    """Write ``dest/<slug>-<format>.zip`` for each format; return them by format.

    *files* is the site as just written (relative path to bytes); without it
    the site is read back from *site_dir*.  *reuse* (by zip name) lets a zip
    copy its unchanged entries from the previous build's."""
    if not formats:
        return {}
    if files is None:
        files = read_site(site_dir)
    ctx = PackageContext(course, site_dir, settings, find_schemas_dir(), files, course_data(course, settings),
                         reuse or {})
    return {fmt: PACKAGERS[fmt]().package(ctx, dest) for fmt in formats}
