"""``toolkit validate``: inspect any package, ours or a foreign one, safely.

Nothing is extracted to disk (see :mod:`zipsafe`).  Each packager knows its
own standard: whether a manifest is its own, its launch file and its value
checks, so this module only loops over them.
"""

from __future__ import annotations

import zipfile
from dataclasses import dataclass, field
from pathlib import Path

from lxml import etree

from toolkit.packaging import xsd, zipsafe
from toolkit.packaging.base import Packager
from toolkit.packaging.formats import PACKAGERS


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


READERS: list[type[Packager]] = [p for p in PACKAGERS.values() if p.manifest_name]


def inspect(path: Path, schemas: Path | None = None) -> Inspection:
    result = Inspection(path)
    try:
        result.size = path.stat().st_size
        counted = zipsafe.central_entries(path)
        if counted is not None and counted > zipsafe.MAX_ENTRIES:
            result.entries = counted
            result.error(f"over {zipsafe.MAX_ENTRIES} entries: more than the {zipsafe.MAX_ENTRIES} allowed")
            return result
        zf = zipfile.ZipFile(path)
    except (OSError, zipfile.BadZipFile, ValueError) as exc:
        result.error(f"not a readable zip file: {exc}")
        return result
    with zf:
        infos = zf.infolist()
        result.entries = len(infos)
        result.uncompressed = sum(i.file_size for i in infos)
        for problem in zipsafe.entry_problems(infos) or zipsafe.inflate_problems(zf, infos):
            result.error(problem)
        if not result.ok:
            return result
        names = {i.filename for i in infos if not i.is_dir()}
        _inspect_content(result, zf, names, schemas)
    return result


def _load(zf: zipfile.ZipFile, name: str) -> etree._Element:
    try:
        return zipsafe.parse_xml(zipsafe.read_entry(zf, name))
    except (zipfile.BadZipFile, KeyError) as exc:
        raise ValueError(str(exc)) from None


def _inspect_content(result: Inspection, zf: zipfile.ZipFile, names: set[str], schemas: Path | None) -> None:
    manifests = list(dict.fromkeys(p.manifest_name for p in READERS if p.manifest_name in names))
    if not manifests:
        plain = next(filter(None, (p.read_plain(names) for p in PACKAGERS.values() if not p.manifest_name)), None)
        if plain is None:
            known = ", ".join(dict.fromkeys(p.manifest_name for p in READERS if p.manifest_name))
            result.error(f"no manifest ({known}) and no index.html")
            return
        result.standard, result.launch = plain.standard, plain.launch
        return
    manifest = manifests[0]
    try:
        root = _load(zf, manifest)
    except ValueError as exc:
        result.error(f"{manifest} cannot be read: {exc}")
        return
    reader = next((p for p in READERS if p.manifest_name == manifest and p.recognises(root)), None)
    if reader is None:
        result.error(f"{manifest} is not a manifest of any standard the toolkit knows (root {etree.QName(root).text})")
        return
    reading = reader.read(root, names, lambda name: _load(zf, name))
    result.standard, result.launch = reading.standard, reading.launch
    result.findings += [Finding("error", m) for m in reading.errors]
    result.findings += [Finding("warning", m) for m in reading.warnings]
    result.findings += [Finding("error", f"{manifest}: {m}") for m in reader.value_problems(root)]
    if reader.schema_kind is not None:
        if schemas is None:
            result.warning("official XSDs not found: schema validity not checked (TOOLKIT_SCHEMAS_DIR is not a folder)")
        else:
            errors = [f"{name} is not valid against the {reading.standard} schema: {e}"
                      for name, doc in ((manifest, root), *reading.documents.items())
                      for e in xsd.validate(doc, reader.schema_kind, schemas)]
            result.schema_valid = not errors
            for e in errors[:20]:
                result.error(e)
    if reading.needs_launch and reading.launch is None and not reading.errors:
        result.error("no launch file is named in the manifest")
