"""SCORM 2004 4th edition: one SCO whose sequencing matches the completion rule.

The content sets completion itself (all lessons of the learner's path
viewed).  Success follows the pass mark: the primary objective is satisfied
by measure, with ``minNormalizedMeasure`` equal to the pass mark, so the LMS
and the runtime cannot disagree on "passed".
"""

from __future__ import annotations

from typing import ClassVar

from lxml import etree

from toolkit.packaging.base import PackageContext, number_problem
from toolkit.packaging.imscp import ImsContentPackage

CP = "http://www.imsglobal.org/xsd/imscp_v1p1"
ADLCP = "http://www.adlnet.org/xsd/adlcp_v1p3"
ADLSEQ = "http://www.adlnet.org/xsd/adlseq_v1p3"
ADLNAV = "http://www.adlnet.org/xsd/adlnav_v1p3"
IMSSS = "http://www.imsglobal.org/xsd/imsss"
LOM = "http://ltsc.ieee.org/xsd/LOM"


def _langstring(parent: etree._Element, tag: str, text: str, lang: str) -> None:
    el = etree.SubElement(etree.SubElement(parent, f"{{{LOM}}}{tag}"), f"{{{LOM}}}string", language=lang)
    el.text = text


class Scorm2004(ImsContentPackage):
    name = "scorm2004"
    schema_kind = "scorm2004"
    cp = CP
    adlcp = ADLCP
    scorm_type = "scormType"
    schema_version = "2004 4th Edition"
    namespaces: ClassVar[dict[str, str]] = {"adlcp": ADLCP, "adlseq": ADLSEQ, "adlnav": ADLNAV, "imsss": IMSSS, "lom": LOM}
    schema_files: ClassVar[dict[str, str]] = {CP: "imscp_v1p1.xsd", ADLCP: "adlcp_v1p3.xsd", ADLSEQ: "adlseq_v1p3.xsd",
                    ADLNAV: "adlnav_v1p3.xsd", IMSSS: "imsss_v1p0.xsd", LOM: "lom.xsd"}

    def metadata(self, meta: etree._Element, ctx: PackageContext) -> None:
        c = ctx.course
        lom = etree.SubElement(meta, f"{{{LOM}}}lom")
        general = etree.SubElement(lom, f"{{{LOM}}}general")
        identifier = etree.SubElement(general, f"{{{LOM}}}identifier")
        etree.SubElement(identifier, f"{{{LOM}}}catalog").text = "URI"
        etree.SubElement(identifier, f"{{{LOM}}}entry").text = c.id
        _langstring(general, "title", c.title, c.language)
        etree.SubElement(general, f"{{{LOM}}}language").text = c.language
        _langstring(general, "description", c.description[:1000], c.language)
        life = etree.SubElement(lom, f"{{{LOM}}}lifeCycle")
        _langstring(life, "version", c.version, "x-none")

    def fill_item(self, item: etree._Element, org: etree._Element, ctx: PackageContext) -> None:
        org.set(f"{{{ADLSEQ}}}objectivesGlobalToSystem", "false")
        seq = etree.SubElement(item, f"{{{IMSSS}}}sequencing")
        objectives = etree.SubElement(seq, f"{{{IMSSS}}}objectives")
        primary = etree.SubElement(objectives, f"{{{IMSSS}}}primaryObjective", objectiveID="PRIMARYOBJ",
                                   satisfiedByMeasure="true")
        etree.SubElement(primary, f"{{{IMSSS}}}minNormalizedMeasure").text = f"{ctx.course.pass_mark:g}"
        etree.SubElement(seq, f"{{{IMSSS}}}deliveryControls", tracked="true",
                         completionSetByContent="true", objectiveSetByContent="false")
        org_seq = etree.SubElement(org, f"{{{IMSSS}}}sequencing")
        etree.SubElement(org_seq, f"{{{IMSSS}}}controlMode", choice="true", flow="true")

    @classmethod
    def recognises(cls, root: etree._Element) -> bool:
        return etree.QName(root).localname == "manifest"  # after SCORM 1.2 has declined

    @classmethod
    def standard(cls, root: etree._Element) -> str:
        return f"SCORM {cls.schemaversion(root) or '2004'}"

    @classmethod
    def value_problems(cls, root: etree._Element) -> list[str]:
        problems = (number_problem(m.text, -1, 1, "minNormalizedMeasure must be between -1 and 1, not")
                    for m in root.iter(f"{{{IMSSS}}}minNormalizedMeasure"))
        return [p for p in problems if p]
