"""Validating manifests offline against the official XSDs shipped in ``schemas/``.

IMS CP allows extension elements with ``processContents="strict"``, so every
namespace a manifest uses must be in the same compiled schema.  A small
wrapper schema imports each one from its local file.  Network access is never
used: the one remote import (``xml.xsd`` in SCORM 2004's IMS CP) is redirected
to the local copy.  The same files are the controlling documents shipped at
the root of every SCORM package.
"""

from __future__ import annotations

import functools
import os
from pathlib import Path

from lxml import etree

from toolkit.errors import PackageError

SCHEMAS_DIR = Path(__file__).resolve().parent / "schemas"
IMSMD12 = "http://www.imsglobal.org/xsd/imsmd_rootv1p2p1"
SCHEMA_SETS: dict[str, tuple[str, dict[str, str]]] = {
    "scorm12": ("scorm12", {
        "http://www.imsproject.org/xsd/imscp_rootv1p1p2": "imscp_rootv1p1p2.xsd",
        "http://www.adlnet.org/xsd/adlcp_rootv1p2": "adlcp_rootv1p2.xsd",
        IMSMD12: "imsmd_rootv1p2p1.xsd",
    }),
    "scorm2004": ("scorm2004-4th", {
        "http://www.imsglobal.org/xsd/imscp_v1p1": "imscp_v1p1.xsd",
        "http://www.adlnet.org/xsd/adlcp_v1p3": "adlcp_v1p3.xsd",
        "http://www.adlnet.org/xsd/adlseq_v1p3": "adlseq_v1p3.xsd",
        "http://www.adlnet.org/xsd/adlnav_v1p3": "adlnav_v1p3.xsd",
        "http://www.imsglobal.org/xsd/imsss": "imsss_v1p0.xsd",
        "http://ltsc.ieee.org/xsd/LOM": "lom.xsd",
    }),
    "cmi5": ("cmi5", {
        "https://w3id.org/xapi/profiles/cmi5/v1/CourseStructure.xsd": "CourseStructure.xsd",
    }),
}
IGNORED_LOG_TYPES = {"NS_ERR_XML_NAMESPACE"}  # libxml2 >= 2.14 on ims_xml.xsd; not fatal
# IMS MD 1.2.1's extension wildcard makes its content models non-deterministic
# for libxml2; narrowed in memory (see schemas/README.md), never on disk.
IMSMD_FILE = "imsmd_rootv1p2p1.xsd"
IMSMD_ANY = (b'<xsd:any namespace="##any" processContents="strict"',
             b'<xsd:any namespace="##other" processContents="strict"')


def find_schemas_dir() -> Path | None:
    """``$TOOLKIT_SCHEMAS_DIR`` when set (None if it is not a folder), else the shipped schemas."""
    env = os.environ.get("TOOLKIT_SCHEMAS_DIR")
    if env:
        return Path(env) if Path(env).is_dir() else None
    return SCHEMAS_DIR


def controlling_documents(kind: str) -> dict[str, bytes]:
    """The official schema files of *kind*, by their path at the package root."""
    folder = SCHEMAS_DIR / SCHEMA_SETS[kind][0]
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*"))
            if p.is_file() and p.suffix in (".xsd", ".dtd")}


class _Local(etree.Resolver):
    def __init__(self, folder: Path) -> None:
        super().__init__()
        self.folder = folder

    def resolve(self, url, pubid, context):  # type: ignore[no-untyped-def]
        if url and url.startswith("http://www.w3.org/2001/xml.xsd"):
            return self.resolve_filename(str(self.folder / "xml.xsd"), context)
        if url and url.endswith("/" + IMSMD_FILE) and (self.folder / IMSMD_FILE).is_file():
            text = (self.folder / IMSMD_FILE).read_bytes().replace(*IMSMD_ANY)
            return self.resolve_string(text, context, base_url=(self.folder / IMSMD_FILE).as_uri())
        return None


@functools.cache
def compiled_schema(kind: str, schemas_dir: str) -> etree.XMLSchema:
    folder_name, imports = SCHEMA_SETS[kind]
    folder = Path(schemas_dir) / folder_name
    xs = "http://www.w3.org/2001/XMLSchema"
    wrapper = etree.Element(f"{{{xs}}}schema", nsmap={"xs": xs})
    for namespace, filename in imports.items():
        path = folder / filename
        if not path.is_file():
            raise PackageError(f"schema file missing: {path}")
        etree.SubElement(wrapper, f"{{{xs}}}import", namespace=namespace, schemaLocation=path.as_uri())
    parser = etree.XMLParser(no_network=True, resolve_entities=False)
    parser.resolvers.add(_Local(folder))
    doc = etree.fromstring(etree.tostring(wrapper), parser, base_url=(folder / "wrapper.xsd").as_uri())
    try:
        return etree.XMLSchema(etree.ElementTree(doc))
    except etree.XMLSchemaParseError as exc:
        raise PackageError(f"cannot compile the {kind} schemas in {folder}: {exc}") from None


def validate(tree: etree._ElementTree | etree._Element, kind: str, schemas_dir: Path) -> list[str]:
    """XSD errors of a manifest as ``line N: message`` strings (empty when valid)."""
    schema = compiled_schema(kind, str(schemas_dir))
    document = tree if isinstance(tree, etree._ElementTree) else etree.ElementTree(tree)
    try:
        if schema.validate(document):
            return []
    except etree.XMLSchemaValidateError as exc:  # libxml2 gives up on some hostile documents
        return [f"line 1: the schema validator gave up: {exc}"]
    return [f"line {e.line}: {e.message}" for e in schema.error_log if e.type_name not in IGNORED_LOG_TYPES]
