"""``toolkit validate``: inspect any package, ours or a foreign one, safely.

Nothing is extracted to disk.  Entry names are checked for path traversal,
symlink entries are refused, and decompression is bounded (total size,
per-entry ratio, entry count), so a hostile zip cannot escape or exhaust the
machine.
"""

from __future__ import annotations

import stat
import zipfile
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath

from lxml import etree

from toolkit.packaging import xsd
from toolkit.packaging.base import value_problems
from toolkit.packaging.xapi import tincan_errors

MAX_ENTRIES = 20_000
MAX_TOTAL = 512 * 1024 * 1024
MAX_RATIO = 100
MAX_MANIFEST = 8 * 1024 * 1024
RATIO_MIN_SIZE = 1024 * 1024
MANIFESTS = ("imsmanifest.xml", "cmi5.xml", "tincan.xml")


@dataclass
class Finding:
    level: str  # "error" | "warning"
    message: str

    def __str__(self) -> str:
        return f"{self.level}: {self.message}"


@dataclass
class Inspection:
    path: Path
    standard: str = "unknown"
    size: int = 0
    uncompressed: int = 0
    entries: int = 0
    launch: str | None = None
    schema_valid: bool | None = None
    findings: list[Finding] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not any(f.level == "error" for f in self.findings)

    def error(self, message: str) -> None:
        self.findings.append(Finding("error", message))

    def warning(self, message: str) -> None:
        self.findings.append(Finding("warning", message))


def unsafe_name(name: str) -> str | None:
    if "\\" in name:
        return "contains a backslash"
    if name.startswith("/") or (len(name) > 1 and name[1] == ":"):
        return "is an absolute path"
    if any(part == ".." for part in PurePosixPath(name).parts):
        return "climbs out of the package with '..'"
    if "\0" in name:
        return "contains a NUL byte"
    return None


def read_bounded(zf: zipfile.ZipFile, info: zipfile.ZipInfo, limit: int) -> bytes:
    """Read one entry, refusing to inflate more than *limit* bytes whatever it claims."""
    with zf.open(info) as fh:
        data = fh.read(limit + 1)
    if len(data) > limit:
        raise ValueError(f"{info.filename} inflates beyond {limit} bytes")
    return data


def inspect(path: Path, schemas: Path | None = None) -> Inspection:
    result = Inspection(path)
    try:
        result.size = path.stat().st_size
        zf = zipfile.ZipFile(path)
    except (OSError, zipfile.BadZipFile) as exc:
        result.error(f"not a readable zip file: {exc}")
        return result
    with zf:
        infos = zf.infolist()
        result.entries = len(infos)
        if len(infos) > MAX_ENTRIES:
            result.error(f"{len(infos)} entries: more than the {MAX_ENTRIES} allowed")
            return result
        names: set[str] = set()
        for info in infos:
            problem = unsafe_name(info.filename)
            if problem:
                result.error(f"unsafe entry '{info.filename}': it {problem}")
            if stat.S_ISLNK(info.external_attr >> 16):
                result.error(f"symbolic link entry '{info.filename}' refused")
            if info.compress_size and info.file_size > RATIO_MIN_SIZE and info.file_size / info.compress_size > MAX_RATIO:
                result.error(f"entry '{info.filename}' has a compression ratio of "
                             f"{info.file_size // info.compress_size}:1 (zip bomb?)")
            result.uncompressed += info.file_size
            if not info.is_dir():
                names.add(info.filename)
        if result.uncompressed > MAX_TOTAL:
            result.error(f"uncompressed size {result.uncompressed} bytes is over the {MAX_TOTAL} byte limit")
        if not result.ok:
            return result
        for info in infos:  # inflate every entry, bounded: a lying size header or a bad CRC is an error
            if info.is_dir():
                continue
            try:
                read_bounded(zf, info, min(info.file_size, MAX_TOTAL))
            except (ValueError, zipfile.BadZipFile, OSError, EOFError) as exc:
                result.error(f"entry '{info.filename}' is damaged or larger than its header says: {exc}")
        if not result.ok:
            return result
        manifest = next((m for m in MANIFESTS if m in names), None)
        if manifest is None:
            result.standard = "web" if "index.html" in names else "unknown"
            result.launch = "index.html" if "index.html" in names else None
            if result.launch is None:
                result.error("no manifest (imsmanifest.xml, cmi5.xml, tincan.xml) and no index.html")
            return result
        try:
            data = read_bounded(zf, zf.getinfo(manifest), MAX_MANIFEST)
            parser = etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=False)
            root = etree.fromstring(data, parser)
        except (ValueError, etree.XMLSyntaxError, zipfile.BadZipFile) as exc:
            result.error(f"{manifest} cannot be read: {exc}")
            return result
        _inspect_manifest(result, manifest, root, names, schemas)
    return result


def _inspect_manifest(result: Inspection, manifest: str, root: etree._Element, names: set[str],
                      schemas: Path | None) -> None:
    kind: str | None = None
    listed: set[str] | None = None
    if manifest == "imsmanifest.xml":
        version = (root.findtext("{*}metadata/{*}schemaversion") or "").strip()
        if version == "1.2" or "imsproject.org" in root.tag:
            kind, result.standard = "scorm12", "SCORM 1.2"
        else:
            kind, result.standard = "scorm2004", f"SCORM {version or '2004'}"
        sco = [r for r in root.iter("{*}resource") if r.get("href")]
        result.launch = sco[0].get("href").split("?")[0] if sco else None  # type: ignore[union-attr]
        listed = {f.get("href") for f in root.iter("{*}file") if f.get("href")}  # type: ignore[misc]
        base = {"imsmanifest.xml", "metadata.xml"}
        unlisted = sorted(n for n in names - listed - base if not n.endswith((".xsd", ".dtd")))
        if unlisted:
            result.warning(f"{len(unlisted)} file(s) in the zip are not listed in the manifest: {', '.join(unlisted[:5])}")
        for missing in sorted(listed - names):
            result.error(f"listed in the manifest but missing from the zip: {missing}")
    elif manifest == "cmi5.xml":
        kind, result.standard = "cmi5", "cmi5"
        url = root.findtext(".//{*}au/{*}url") or ""
        result.launch = url.split("?")[0] if "://" not in url else None
    else:
        result.standard = "xAPI (tincan.xml)"
        for problem in tincan_errors(root, {n: b"" for n in names}):
            result.error(f"tincan.xml: {problem}")
        launch = root.findtext(".//{*}launch")
        result.launch = launch.strip().split("?")[0] if launch else None
    result.findings += [Finding("error", f"{manifest}: {m}") for m in value_problems(kind, root)]
    if kind is not None:
        if schemas is None:
            result.warning("official XSDs not found: schema validity not checked (set TOOLKIT_SCHEMAS_DIR)")
        else:
            errors = xsd.validate(root, kind, schemas)
            result.schema_valid = not errors
            for e in errors[:20]:
                result.error(f"{manifest} is not valid against the {result.standard} schema: {e}")
    if result.launch is None and manifest != "tincan.xml":
        result.error("no launch file is named in the manifest")
    elif result.launch is not None and result.launch not in names:
        result.error(f"launch file is missing from the zip: {result.launch}")
