"""The shared lifecycle of every package: manifest, validation, deterministic zip.

A format is a small subclass that knows its standard both ways: how to write
its manifest (the build) and how to read anyone's (``toolkit validate``):
whether a manifest is its own, which file it launches, and the value checks
the official XSDs are too lax for.  The base collects the site's files,
builds the manifest with lxml, validates it against the official XSD and
with those checks, then writes a zip whose bytes depend only on its
contents: fixed timestamps, sorted entries, fixed permissions.
"""

from __future__ import annotations

import re
import warnings
from collections.abc import Callable, Collection
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, ClassVar
from urllib.parse import unquote, urljoin, urlsplit

from toolkit.errors import PackageError
from toolkit.model import Course
from toolkit.packaging import zipcopy
from toolkit.runtime import COURSE_DATA, course_data_script

if TYPE_CHECKING:  # lxml, the XSDs and the zip guards are imported by the formats with a manifest
    from lxml import etree

LAUNCH_FILE = "launch.html"
ZIP_DATE = (1980, 1, 1, 0, 0, 0)
XML_BASE = "{http://www.w3.org/XML/1998/namespace}base"
_TOP = "/tk-package-root-5c1e/"
_ROOT = f"http://package.invalid{_TOP}"  # resolve hrefs as URLs below a sentinel root

LoadXml = Callable[[str], "etree._Element"]


@dataclass
class PackageContext:
    """What a packager is given: the course, its built site and settings."""

    course: Course
    site: Path
    settings: dict[str, Any]
    schemas: Path | None
    files: dict[str, bytes] = field(default_factory=dict)
    course_data: dict[str, Any] = field(default_factory=dict)
    reuse: dict[str, zipcopy.ZipReuse] = field(default_factory=dict)  # by zip name: the previous zip
    digests: dict[str, str] = field(default_factory=dict)  # SHA-256 of files' bytes, when the site writer had them


@dataclass
class Reading:
    """What a packager makes of anyone's manifest."""

    standard: str
    launch: str | None = None
    needs_launch: bool = True
    errors: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    documents: dict[str, etree._Element] = field(default_factory=dict)  # more XML for the schema check


class OutsidePackage(ValueError):
    """An href that climbs above the package root."""


def read_site(site: Path) -> dict[str, bytes]:
    return {p.relative_to(site).as_posix(): p.read_bytes() for p in sorted(site.rglob("*")) if p.is_file()}


def write_zip(path: Path, entries: dict[str, bytes], first: tuple[str, ...] = (),
              reuse: zipcopy.ZipReuse | None = None, known: dict[str, str] | None = None) -> None:
    """A reproducible zip: same entries, same bytes (unchanged ones copied from *reuse*'s previous zip)."""
    order = [n for n in first if n in entries] + sorted(n for n in entries if n not in first)
    zipcopy.write_zip(path, entries, order, reuse, known)


def xml_bytes(root: etree._Element) -> bytes:
    from lxml import etree

    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", pretty_print=True)


def xml_bases(element: etree._Element) -> list[str]:
    """The ``xml:base`` values that apply to *element*, outermost first."""
    bases = []
    node: etree._Element | None = element
    while node is not None:
        base = node.get(XML_BASE)
        if base is not None:
            bases.append(base.strip())
        node = node.getparent()
    return bases[::-1]


def package_path(href: str, bases: Collection[str] = ()) -> str | None:
    """The zip entry an href names, after its ``xml:base`` chain (RFC 3986 resolution).

    None for an external URL; :class:`OutsidePackage` for one that climbs out."""
    url = _ROOT
    for part in (*bases, href.strip()):
        url = urljoin(url, part)
    parts = urlsplit(url)
    if (parts.scheme, parts.netloc) != ("http", "package.invalid"):
        return None
    if not parts.path.startswith(_TOP):
        raise OutsidePackage(href)
    return unquote(parts.path[len(_TOP):])


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
        if ctx.course_data:
            data = {**ctx.course_data, "format": self.name, "catalogue": ""}  # a package stands alone
            if not self.embeds_lrs_key:
                data["lrs"] = {}  # endpoint, auth and actor come from the launch
            entries[COURSE_DATA] = course_data_script(data)
        entries.update(self.extra_files(ctx))
        if self.manifest_name:
            root = self.manifest(ctx, sorted(entries))
            errors = self.check(root, ctx, entries)
            if errors:
                raise PackageError(f"{ctx.course.slug}: invalid {self.manifest_name} for {self.name}:\n  " + "\n  ".join(errors))
            entries[self.manifest_name] = xml_bytes(root)
        entries.update(self.controlling_documents())
        path = dest / f"{ctx.course.slug}-{self.name}.zip"
        reuse = ctx.reuse.get(path.name)
        # The site writer's digests hold for the entries that are its very bytes.
        known = {n: d for n, d in ctx.digests.items() if entries.get(n) is ctx.files[n]} if reuse is not None else None
        write_zip(path, entries, first=tuple(n for n in (self.manifest_name,) if n), reuse=reuse, known=known)
        return path

    def extra_files(self, ctx: PackageContext) -> dict[str, bytes]:
        """Files of the package beside the site, listed in the manifest."""
        return {}

    def controlling_documents(self) -> dict[str, bytes]:
        """Schema files at the package root, not listed in the manifest."""
        return {}

    def manifest(self, ctx: PackageContext, files: list[str]) -> etree._Element:
        raise NotImplementedError

    def semantic_errors(self, root: etree._Element, reading: Reading) -> list[str]:
        """Checks of our own manifests beyond what anyone's must pass."""
        return []

    def check(self, root: etree._Element, ctx: PackageContext, entries: dict[str, bytes]) -> list[str]:
        """Our manifest as ``toolkit validate`` reads anyone's, plus :meth:`semantic_errors`."""
        from toolkit.packaging import xsd, zipsafe

        reading = self.read(root, set(entries), lambda name: zipsafe.parse_xml(entries[name]))
        errors = []
        if self.schema_kind:
            if ctx.schemas is not None:
                for doc in (root, *reading.documents.values()):
                    errors += xsd.validate(doc, self.schema_kind, ctx.schemas)
            else:
                warnings.warn("official XSDs not found: manifests checked semantically only "
                              "(TOOLKIT_SCHEMAS_DIR is not a folder)", stacklevel=2)
        return errors + self.value_problems(root) + reading.errors + self.semantic_errors(root, reading)

    # Reading anyone's package (toolkit validate).

    @classmethod
    def recognises(cls, root: etree._Element) -> bool:
        """Whether a manifest called ``manifest_name`` is of this format."""
        return True

    @classmethod
    def value_problems(cls, root: etree._Element) -> list[str]:
        """Value checks the XSDs are too lax for (they accept masteryscore="abc")."""
        return []

    @classmethod
    def read(cls, root: etree._Element, names: set[str], load_xml: LoadXml) -> Reading:
        """The standard, launch file and problems of anyone's manifest; *names* are the zip's files."""
        raise NotImplementedError

    @classmethod
    def read_plain(cls, names: set[str]) -> Reading | None:
        """For a format without a manifest: what a zip with no manifest at all is, if it is this
        format (*names* are its files); None if it is not."""
        return None


def number_problem(text: str | None, low: float, high: float, what: str) -> str | None:
    """``what must be ...`` unless *text* is a number from *low* to *high*."""
    try:
        ok = low <= float((text or "").strip()) <= high
    except ValueError:
        ok = False
    return None if ok else f"{what} {text!r}"


def mastery_percent(course: Course) -> int:
    return round(course.pass_mark * 100)


def ncname(text: str) -> str:
    """A valid xs:ID from any text."""
    cleaned = re.sub(r"[^A-Za-z0-9_.-]", "-", text)
    return cleaned if re.match(r"^[A-Za-z_]", cleaned) else f"tk-{cleaned}"
