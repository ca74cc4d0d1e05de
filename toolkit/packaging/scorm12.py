"""SCORM 1.2: IMS CP 1.1.2 + ADL CP 1.2, one SCO with the mastery score.

The course's IMS MD 1.2.1 record (title, description, language, version) is
kept in its own file, referenced by ``adlcp:location``: inline metadata is a
common cause of LMS import errors.  ``toolkit validate`` reads both forms.
"""

from __future__ import annotations

from typing import ClassVar

from lxml import etree

from toolkit.packaging.base import (
    PackageContext,
    Reading,
    mastery_percent,
    number_problem,
    xml_bytes,
)
from toolkit.packaging.imscp import ImsContentPackage

CP = "http://www.imsproject.org/xsd/imscp_rootv1p1p2"
ADLCP = "http://www.adlnet.org/xsd/adlcp_rootv1p2"
IMSMD = "http://www.imsglobal.org/xsd/imsmd_rootv1p2p1"
METADATA_FILE = "metadata.xml"
XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"


def lom_metadata(ctx: PackageContext) -> etree._Element:
    """IMS MD 1.2.1 record for title, description, language and version."""
    c = ctx.course
    root = etree.Element(f"{{{IMSMD}}}lom", nsmap={None: IMSMD})
    general = etree.SubElement(root, f"{{{IMSMD}}}general")
    _langstring(general, "title", c.title, c.language)
    etree.SubElement(general, f"{{{IMSMD}}}language").text = c.language  # before description (IMS MD 1.2.1)
    _langstring(general, "description", c.description[:1000], c.language)
    life = etree.SubElement(root, f"{{{IMSMD}}}lifecycle")
    _langstring(life, "version", c.version, "x-none")
    return root


def _langstring(parent: etree._Element, tag: str, text: str, lang: str) -> None:
    el = etree.SubElement(etree.SubElement(parent, f"{{{IMSMD}}}{tag}"), f"{{{IMSMD}}}langstring")
    el.set(XML_LANG, lang)
    el.text = text


class Scorm12(ImsContentPackage):
    name = "scorm12"
    schema_kind = "scorm12"
    cp = CP
    adlcp = ADLCP
    scorm_type = "scormtype"
    schema_version = "1.2"
    namespaces: ClassVar[dict[str, str]] = {"adlcp": ADLCP}
    schema_files: ClassVar[dict[str, str]] = {CP: "imscp_rootv1p1p2.xsd", ADLCP: "adlcp_rootv1p2.xsd"}

    def extra_files(self, ctx: PackageContext) -> dict[str, bytes]:
        return {METADATA_FILE: xml_bytes(lom_metadata(ctx))}

    def metadata(self, meta: etree._Element, ctx: PackageContext) -> None:
        etree.SubElement(meta, f"{{{ADLCP}}}location").text = METADATA_FILE

    def fill_item(self, item: etree._Element, org: etree._Element, ctx: PackageContext) -> None:
        etree.SubElement(item, f"{{{ADLCP}}}masteryscore").text = str(mastery_percent(ctx.course))

    def semantic_errors(self, root: etree._Element, reading: Reading) -> list[str]:
        errors = super().semantic_errors(root, reading)
        for score in root.iter(f"{{{ADLCP}}}masteryscore"):  # ours are whole percentages
            if not (score.text or "").isdigit():
                errors.append(f"masteryscore must be an integer 0-100, not {score.text!r}")
        return errors

    @classmethod
    def recognises(cls, root: etree._Element) -> bool:
        return etree.QName(root).localname == "manifest" and (
            cls.schemaversion(root) == "1.2" or etree.QName(root).namespace == CP)

    @classmethod
    def standard(cls, root: etree._Element) -> str:
        return "SCORM 1.2"

    @classmethod
    def value_problems(cls, root: etree._Element) -> list[str]:
        problems = (number_problem(s.text, 0, 100, "masteryscore must be a number from 0 to 100, not")
                    for s in root.iter("{*}masteryscore"))
        return [p for p in problems if p]
