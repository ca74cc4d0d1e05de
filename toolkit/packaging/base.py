"""The shared lifecycle of every package: manifest, validation, deterministic zip.

A format is a small subclass that says what its manifest looks like.  The
base collects the site's files, builds the manifest with lxml, validates it
against the official XSD (when the schemas are available) and with semantic
checks the XSDs are too lax for, then writes a zip whose bytes depend only on
its contents: fixed timestamps, sorted entries, fixed permissions.
"""

from __future__ import annotations

import json
import re
import warnings
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, ClassVar

from lxml import etree

from toolkit.errors import PackageError
from toolkit.model import Course
from toolkit.packaging import xsd, zipcopy

LAUNCH_FILE = "launch.html"
ZIP_DATE = (1980, 1, 1, 0, 0, 0)
COURSE_DATA = "assets/course-data.js"
COURSE_DATA_RE = re.compile(r"^window\.TK_COURSE=(.*);\s*$", re.DOTALL)


@dataclass
class PackageContext:
    course: Course
    site: Path
    settings: dict[str, Any]
    schemas: Path | None
    files: dict[str, bytes] = field(default_factory=dict)
    reuse: dict[str, zipcopy.ZipReuse] = field(default_factory=dict)  # by zip name: the previous zip


def read_site(site: Path) -> dict[str, bytes]:
    return {p.relative_to(site).as_posix(): p.read_bytes() for p in sorted(site.rglob("*")) if p.is_file()}


def write_zip(path: Path, entries: dict[str, bytes], first: tuple[str, ...] = (),
              reuse: zipcopy.ZipReuse | None = None) -> None:
    """A reproducible zip: same entries, same bytes (unchanged ones copied from *reuse*'s previous zip)."""
    order = [n for n in first if n in entries] + sorted(n for n in entries if n not in first)
    zipcopy.write_zip(path, entries, order, reuse)


def xml_bytes(root: etree._Element) -> bytes:
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", pretty_print=True)


def course_data_for(files: dict[str, bytes], **changes: Any) -> bytes:
    """``assets/course-data.js`` with some keys replaced for one package."""
    match = COURSE_DATA_RE.match(files[COURSE_DATA].decode("utf-8"))
    if not match:
        raise PackageError(f"{COURSE_DATA} is not in the expected form")
    data = json.loads(match.group(1))
    data.update(changes)
    text = json.dumps(data, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    return f"window.TK_COURSE={text};\n".encode("utf-8")


class Packager:
    """One package format.  Subclasses set the class attributes and build the manifest."""

    name: ClassVar[str]
    manifest_name: ClassVar[str | None] = None
    schema_kind: ClassVar[str | None] = None
    launch: ClassVar[str] = LAUNCH_FILE
    embeds_lrs_key: ClassVar[bool] = True

    def package(self, ctx: PackageContext, dest: Path) -> Path:
        entries = dict(ctx.files)
        if self.launch not in entries:
            raise PackageError(f"{ctx.course.slug}: launch file {self.launch} is missing from the site")
        if COURSE_DATA in entries:
            changes: dict[str, Any] = {"format": self.name}
            if not self.embeds_lrs_key:
                changes["lrs"] = {}  # endpoint, auth and actor come from the launch
            entries[COURSE_DATA] = course_data_for(entries, **changes)
        extra = self.extra_files(ctx)
        entries.update(extra)
        if self.manifest_name:
            root = self.manifest(ctx, sorted(n for n in entries))
            errors = self.check(root, ctx, entries)
            if errors:
                raise PackageError(f"{ctx.course.slug}: invalid {self.manifest_name} for {self.name}:\n  " + "\n  ".join(errors))
            entries[self.manifest_name] = xml_bytes(root)
        path = dest / f"{ctx.course.slug}-{self.name}.zip"
        write_zip(path, entries, first=tuple(n for n in (self.manifest_name,) if n), reuse=ctx.reuse.get(path.name))
        return path

    def extra_files(self, ctx: PackageContext) -> dict[str, bytes]:
        return {}

    def manifest(self, ctx: PackageContext, files: list[str]) -> etree._Element:
        raise NotImplementedError

    def semantic_errors(self, root: etree._Element, ctx: PackageContext, entries: dict[str, bytes]) -> list[str]:
        return []

    def check(self, root: etree._Element, ctx: PackageContext, entries: dict[str, bytes]) -> list[str]:
        errors = []
        if self.schema_kind:
            if ctx.schemas is not None:
                errors += xsd.validate(root, self.schema_kind, ctx.schemas)
            else:
                warnings.warn("official XSDs not found: manifests checked semantically only "
                              "(set TOOLKIT_SCHEMAS_DIR)", stacklevel=2)
        return errors + value_problems(self.schema_kind, root) + self.semantic_errors(root, ctx, entries)


def value_problems(kind: str | None, root: etree._Element) -> list[str]:
    """Value checks the XSDs are too lax for (they accept masteryscore="abc").

    Shared by the build (our own manifests) and ``toolkit validate`` (anyone's)."""
    problems = []
    if kind == "scorm12":
        for score in root.iter("{*}masteryscore"):
            text = (score.text or "").strip()
            try:
                ok = 0 <= float(text) <= 100
            except ValueError:
                ok = False
            if not ok:
                problems.append(f"masteryscore must be a number from 0 to 100, not {text!r}")
    elif kind == "scorm2004":
        for measure in root.iter("{*}minNormalizedMeasure"):
            try:
                ok = -1 <= float((measure.text or "").strip()) <= 1
            except ValueError:
                ok = False
            if not ok:
                problems.append(f"minNormalizedMeasure must be between -1 and 1, not {measure.text!r}")
    elif kind == "cmi5":
        for au in root.iter("{*}au"):
            if au.get("masteryScore") is not None:
                try:
                    ok = 0 <= float(au.get("masteryScore", "")) <= 1
                except ValueError:
                    ok = False
                if not ok:
                    problems.append(f"masteryScore must be between 0 and 1, not {au.get('masteryScore')!r}")
    return problems


def mastery_percent(course: Course) -> int:
    return round(course.pass_mark * 100)


def ncname(text: str) -> str:
    """A valid xs:ID from any text."""
    cleaned = re.sub(r"[^A-Za-z0-9_.-]", "-", text)
    return cleaned if re.match(r"^[A-Za-z_]", cleaned) else f"tk-{cleaned}"
