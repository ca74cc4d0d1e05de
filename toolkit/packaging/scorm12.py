"""SCORM 1.2: IMS CP 1.1.2 + ADL CP 1.2, one SCO with the mastery score."""

from __future__ import annotations

from lxml import etree

from toolkit.packaging.base import PackageContext, Packager, mastery_percent, ncname, xml_bytes

CP = "http://www.imsproject.org/xsd/imscp_rootv1p1p2"
ADLCP = "http://www.adlnet.org/xsd/adlcp_rootv1p2"
IMSMD = "http://www.imsglobal.org/xsd/imsmd_rootv1p2p1"
XSI = "http://www.w3.org/2001/XMLSchema-instance"
METADATA_FILE = "metadata.xml"


def lom_metadata(ctx: PackageContext) -> etree._Element:
    """IMS MD 1.2.1 record for title, description, language and version.

    Kept in its own file (referenced by adlcp:location) because the IMS MD
    1.2.1 schema does not compile in libxml2 and inline metadata is a common
    cause of LMS import errors.
    """
    c = ctx.course
    root = etree.Element(f"{{{IMSMD}}}lom", nsmap={None: IMSMD})
    general = etree.SubElement(root, f"{{{IMSMD}}}general")
    for tag, text in (("title", c.title), ("description", c.description[:1000])):
        el = etree.SubElement(etree.SubElement(general, f"{{{IMSMD}}}{tag}"), f"{{{IMSMD}}}langstring")
        el.set("{http://www.w3.org/XML/1998/namespace}lang", c.language)
        el.text = text
    etree.SubElement(general, f"{{{IMSMD}}}language").text = c.language
    life = etree.SubElement(root, f"{{{IMSMD}}}lifecycle")
    version = etree.SubElement(etree.SubElement(life, f"{{{IMSMD}}}version"), f"{{{IMSMD}}}langstring")
    version.set("{http://www.w3.org/XML/1998/namespace}lang", "x-none")
    version.text = c.version
    return root


class Scorm12(Packager):
    name = "scorm12"
    manifest_name = "imsmanifest.xml"
    schema_kind = "scorm12"

    def extra_files(self, ctx: PackageContext) -> dict[str, bytes]:
        return {METADATA_FILE: xml_bytes(lom_metadata(ctx))}

    def manifest(self, ctx: PackageContext, files: list[str]) -> etree._Element:
        c = ctx.course
        m = etree.Element(f"{{{CP}}}manifest", nsmap={None: CP, "adlcp": ADLCP, "xsi": XSI})
        m.set("identifier", ncname(f"MANIFEST-{c.slug}"))
        m.set("version", c.version)
        m.set(f"{{{XSI}}}schemaLocation", f"{CP} imscp_rootv1p1p2.xsd {ADLCP} adlcp_rootv1p2.xsd")
        meta = etree.SubElement(m, f"{{{CP}}}metadata")
        etree.SubElement(meta, f"{{{CP}}}schema").text = "ADL SCORM"
        etree.SubElement(meta, f"{{{CP}}}schemaversion").text = "1.2"
        etree.SubElement(meta, f"{{{ADLCP}}}location").text = METADATA_FILE
        orgs = etree.SubElement(m, f"{{{CP}}}organizations", default="ORG-1")
        org = etree.SubElement(orgs, f"{{{CP}}}organization", identifier="ORG-1")
        etree.SubElement(org, f"{{{CP}}}title").text = c.title
        item = etree.SubElement(org, f"{{{CP}}}item", identifier="ITEM-1", identifierref="RES-1", isvisible="true")
        etree.SubElement(item, f"{{{CP}}}title").text = c.title
        etree.SubElement(item, f"{{{ADLCP}}}masteryscore").text = str(mastery_percent(c))
        resources = etree.SubElement(m, f"{{{CP}}}resources")
        res = etree.SubElement(resources, f"{{{CP}}}resource", identifier="RES-1", type="webcontent", href=self.launch)
        res.set(f"{{{ADLCP}}}scormtype", "sco")
        for name in files:
            etree.SubElement(res, f"{{{CP}}}file", href=name)
        return m

    def semantic_errors(self, root: etree._Element, ctx: PackageContext, entries: dict[str, bytes]) -> list[str]:
        ns = {"cp": CP, "adlcp": ADLCP}
        errors = []
        if root.findtext("cp:metadata/cp:schemaversion", namespaces=ns) != "1.2":
            errors.append("schemaversion must be 1.2")
        for score in root.findall(".//adlcp:masteryscore", ns):  # the range: value_problems
            if not (score.text or "").isdigit():
                errors.append(f"masteryscore must be an integer 0-100, not {score.text!r}")
        errors += listed_files_errors(root.findall(".//cp:file", ns), entries)
        return errors


def listed_files_errors(file_elements: list[etree._Element], entries: dict[str, bytes]) -> list[str]:
    listed = {f.get("href") for f in file_elements}
    return [f"listed file is missing: {name}" for name in sorted(n for n in listed if n not in entries)]
