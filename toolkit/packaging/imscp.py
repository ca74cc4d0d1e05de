"""IMS Content Packaging: the ``imsmanifest.xml`` both SCORMs share.

Writing: one organisation with one item over one SCO resource that lists every
file, plus the official schema files at the package root (the "controlling
documents" ADL's checker requires).  A SCORM edition fills in its namespaces,
metadata and what it puts on the item and organisation.

Reading anyone's manifest: ``xml:base`` at manifest, resources and resource
level (RFC 3986 resolution), several organisations and SCOs, sub-manifests,
and metadata kept in a separate file (``adlcp:location``).
"""

from __future__ import annotations

from typing import ClassVar

from lxml import etree

from toolkit.packaging import xsd
from toolkit.packaging.base import (
    LoadXml,
    OutsidePackage,
    PackageContext,
    Packager,
    Reading,
    ncname,
    package_path,
    xml_bases,
)

XSI = "http://www.w3.org/2001/XMLSchema-instance"
MANIFEST = "imsmanifest.xml"


class ImsContentPackage(Packager):
    manifest_name = MANIFEST
    cp: ClassVar[str]  # the IMS CP namespace
    adlcp: ClassVar[str]
    scorm_type: ClassVar[str]  # the attribute's local name: scormtype (1.2) or scormType (2004)
    schema_version: ClassVar[str]
    namespaces: ClassVar[dict[str, str]]  # prefix -> namespace, besides CP and xsi
    schema_files: ClassVar[dict[str, str]]  # namespace -> its controlling document

    # Writing.

    def controlling_documents(self) -> dict[str, bytes]:
        assert self.schema_kind is not None
        return xsd.controlling_documents(self.schema_kind)

    def manifest(self, ctx: PackageContext, files: list[str]) -> etree._Element:
        c, cp = ctx.course, self.cp
        nsmap: dict[str | None, str] = {None: cp}
        nsmap.update(self.namespaces)
        nsmap["xsi"] = XSI
        m = etree.Element(f"{{{cp}}}manifest", nsmap=nsmap)
        m.set("identifier", ncname(f"MANIFEST-{c.slug}"))
        m.set("version", c.version)
        m.set(f"{{{XSI}}}schemaLocation", " ".join(f"{ns} {f}" for ns, f in self.schema_files.items()))
        meta = etree.SubElement(m, f"{{{cp}}}metadata")
        etree.SubElement(meta, f"{{{cp}}}schema").text = "ADL SCORM"
        etree.SubElement(meta, f"{{{cp}}}schemaversion").text = self.schema_version
        self.metadata(meta, ctx)
        orgs = etree.SubElement(m, f"{{{cp}}}organizations", default="ORG-1")
        org = etree.SubElement(orgs, f"{{{cp}}}organization", identifier="ORG-1")
        etree.SubElement(org, f"{{{cp}}}title").text = c.title
        item = etree.SubElement(org, f"{{{cp}}}item", identifier="ITEM-1", identifierref="RES-1", isvisible="true")
        etree.SubElement(item, f"{{{cp}}}title").text = c.title
        self.fill_item(item, org, ctx)
        resources = etree.SubElement(m, f"{{{cp}}}resources")
        res = etree.SubElement(resources, f"{{{cp}}}resource", identifier="RES-1", type="webcontent", href=self.launch)
        res.set(f"{{{self.adlcp}}}{self.scorm_type}", "sco")
        for name in files:
            etree.SubElement(res, f"{{{cp}}}file", href=name)
        return m

    def metadata(self, meta: etree._Element, ctx: PackageContext) -> None:
        """Add the course's metadata to the manifest's ``<metadata>``."""

    def fill_item(self, item: etree._Element, org: etree._Element, ctx: PackageContext) -> None:
        """Add what the edition carries on the item and its organisation."""

    def semantic_errors(self, root: etree._Element, reading: Reading) -> list[str]:
        errors = list(reading.warnings)
        if self.schemaversion(root) != self.schema_version:
            errors.append(f"schemaversion must be {self.schema_version!r}")
        return errors

    # Reading.

    @classmethod
    def schemaversion(cls, root: etree._Element) -> str:
        return (root.findtext("{*}metadata/{*}schemaversion") or "").strip()

    @classmethod
    def read(cls, root: etree._Element, names: set[str], load_xml: LoadXml) -> Reading:
        reading = Reading(cls.standard(root))
        cp = etree.QName(root).namespace or ""
        launches = _launches(root, cp, reading)
        listed: set[str] = set()
        for element in [*root.iter(f"{{{cp}}}resource"), *root.iter(f"{{{cp}}}file")]:
            path = _entry(element, element.get("href"), reading)
            if path is not None:
                listed.add(path)
        for launch in launches:
            if launch not in names:
                reading.errors.append(f"launch file is missing from the zip: {launch}")
        reading.launch = launches[0] if launches else None
        for missing in sorted(listed - names):
            reading.errors.append(f"listed in the manifest but missing from the zip: {missing}")
        for location in root.iter(f"{{{cls.adlcp}}}location"):
            path = _entry(location, location.text, reading)
            if path is None:
                continue
            if path not in names:
                reading.errors.append(f"metadata file is missing from the zip: {path}")
                continue
            try:
                reading.documents[path] = load_xml(path)
            except ValueError as exc:
                reading.errors.append(f"metadata file {path} cannot be read: {exc}")
        unlisted = sorted(n for n in names - listed - set(reading.documents) - {MANIFEST}
                          if not n.endswith((".xsd", ".dtd")))
        if unlisted:
            reading.warnings.append(f"{len(unlisted)} file(s) in the zip are not listed in the manifest: "
                                    f"{', '.join(unlisted[:5])}")
        return reading

    @classmethod
    def standard(cls, root: etree._Element) -> str:
        raise NotImplementedError


def _entry(element: etree._Element, href: str | None, reading: Reading) -> str | None:
    """The zip entry *href* on *element* names, or None (no href, external URL, outside: an error)."""
    if href is None or not href.strip():
        return None
    try:
        return package_path(href, xml_bases(element))
    except OutsidePackage:
        reading.errors.append(f"href '{href}' (line {element.sourceline}) points outside the package")
        return None


def _id(value: str | None) -> str:
    """An xs:ID or xs:IDREF as the schema sees it: whitespace collapsed."""
    return " ".join((value or "").split())


def _launches(root: etree._Element, cp: str, reading: Reading) -> list[str]:
    """Check the organisations' references; return the files their items launch."""
    resources = {_id(r.get("identifier")): r for r in root.iter(f"{{{cp}}}resource")}
    manifests = {_id(m.get("identifier")) for m in root.iter(f"{{{cp}}}manifest")}
    organizations = root.find(f"{{{cp}}}organizations")
    orgs = [] if organizations is None else organizations.findall(f"{{{cp}}}organization")
    default = None if organizations is None else _id(organizations.get("default"))
    if default and default not in {_id(o.get("identifier")) for o in orgs}:
        reading.errors.append(f"organizations default '{default}' names no organization")
    launches: list[str] = []
    used = {_id(d.get("identifierref")) for d in root.iter(f"{{{cp}}}dependency")}
    for org in orgs:
        for item in org.iter(f"{{{cp}}}item"):
            ref = _id(item.get("identifierref"))
            if not ref:
                continue
            used.add(ref)
            resource = resources.get(ref)
            if resource is None:
                if ref not in manifests:
                    reading.errors.append(f"item '{item.get('identifier')}' (line {item.sourceline}) refers to "
                                          f"'{ref}', which is neither a resource nor a (sub)manifest")
                continue
            href = resource.get("href")
            if href is None:
                reading.errors.append(f"resource '{ref}' is launched by item '{item.get('identifier')}' but has no href")
                continue
            path = _entry(resource, href, reading)
            if path is not None and path not in launches:
                launches.append(path)
    for ref in sorted(set(resources) - used - {""}):
        reading.warnings.append(f"resource '{ref}' is used by no item and no dependency (a dangling reference?)")
    return launches
