"""LMS packages: one module per standard over a shared manifest-plus-zip base.

Each packager writes its own format and reads anyone's (``toolkit validate``
loops over :data:`toolkit.packaging.formats.PACKAGERS`); both SCORMs share the
IMS content-packaging base in :mod:`imscp`.  A build imports only the formats
it writes: a web zip needs neither lxml nor the XSDs.
"""

from __future__ import annotations

from importlib import import_module
from pathlib import Path
from typing import Any

from toolkit.model import Course
from toolkit.packaging.base import PackageContext, Packager, read_site
from toolkit.packaging.zipcopy import ZipReuse
from toolkit.runtime import course_data

MODULES = {"scorm12": "scorm12.Scorm12", "scorm2004": "scorm2004.Scorm2004", "cmi5": "cmi5.Cmi5",
           "xapi": "xapi.Xapi", "web": "web.Web"}  # each format's module and class


def packager(fmt: str) -> type[Packager]:
    """The packager of format *fmt*, its module imported now."""
    module, _, name = MODULES[fmt].partition(".")
    found: type[Packager] = getattr(import_module(f"toolkit.packaging.{module}"), name)
    return found


def __getattr__(name: str) -> Any:  # toolkit.packaging.PACKAGERS, every format imported on first use
    if name == "PACKAGERS":
        from toolkit.packaging.formats import PACKAGERS

        return PACKAGERS
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def build_packages(course: Course, site_dir: Path, dest: Path, formats: tuple[str, ...],
                   settings: dict[str, Any], files: dict[str, bytes] | None = None,
                   reuse: dict[str, ZipReuse] | None = None, data: dict[str, Any] | None = None,
                   digests: dict[str, str] | None = None) -> dict[str, Path]:
    """Write ``dest/<slug>-<format>.zip`` for each format; return them by format.

    *files* is the site as just written (relative path to bytes); without it
    the site is read back from *site_dir*.  *reuse* (by zip name) lets a zip
    copy its unchanged entries from the previous build's.  *data* is the course data the site
    was written with (``Writer.course_data``), if known: computed once for both; *digests* the
    SHA-256 of the files' bytes, where the site's writer has them."""
    if not formats:
        return {}
    if files is None:
        files = read_site(site_dir)
    classes = {fmt: packager(fmt) for fmt in formats}
    schemas = None
    if any(c.schema_kind for c in classes.values()):
        from toolkit.packaging.xsd import find_schemas_dir

        schemas = find_schemas_dir()
    ctx = PackageContext(course, site_dir, settings, schemas, files,
                         course_data(course, settings) if data is None else data, reuse or {}, digests or {})
    return {fmt: c().package(ctx, dest) for fmt, c in classes.items()}
