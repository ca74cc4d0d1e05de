"""SCORM 2004 4th edition: one SCO whose sequencing matches the completion rule.

The content sets completion itself (all lessons of the learner's path
viewed).  Success follows the pass mark: the primary objective is satisfied
by measure, with ``minNormalizedMeasure`` equal to the pass mark, so the LMS
and the runtime cannot disagree on "passed".
"""

from __future__ import annotations

from lxml import etree

from toolkit.packaging.base import PackageContext, Packager, ncname
from toolkit.packaging.scorm12 import listed_files_errors

CP = "http://www.imsglobal.org/xsd/imscp_v1p1"
ADLCP = "http://www.adlnet.org/xsd/adlcp_v1p3"
ADLSEQ = "http://www.adlnet.org/xsd/adlseq_v1p3"
ADLNAV = "http://www.adlnet.org/xsd/adlnav_v1p3"
IMSSS = "http://www.imsglobal.org/xsd/imsss"
LOM = "http://ltsc.ieee.org/xsd/LOM"
XSI = "http://www.w3.org/2001/XMLSchema-instance"


def _langstring(parent: etree._Element, tag: str, text: str, lang: str) -> None:
    el = etree.SubElement(etree.SubElement(parent, f"{{{LOM}}}{tag}"), f"{{{LOM}}}string", language=lang)
    el.text = text


class Scorm2004(Packager):
    name = "scorm2004"
    manifest_name = "imsmanifest.xml"
    schema_kind = "scorm2004"

    def manifest(self, ctx: PackageContext, files: list[str]) -> etree._Element:
        c = ctx.course
        m = etree.Element(f"{{{CP}}}manifest", nsmap={None: CP, "adlcp": ADLCP, "adlseq": ADLSEQ, "adlnav": ADLNAV,
                                                       "imsss": IMSSS, "lom": LOM, "xsi": XSI})
        m.set("identifier", ncname(f"MANIFEST-{c.slug}"))
        m.set("version", c.version)
        m.set(f"{{{XSI}}}schemaLocation",
              f"{CP} imscp_v1p1.xsd {ADLCP} adlcp_v1p3.xsd {ADLSEQ} adlseq_v1p3.xsd "
              f"{ADLNAV} adlnav_v1p3.xsd {IMSSS} imsss_v1p0.xsd {LOM} lom.xsd")
        meta = etree.SubElement(m, f"{{{CP}}}metadata")
        etree.SubElement(meta, f"{{{CP}}}schema").text = "ADL SCORM"
        etree.SubElement(meta, f"{{{CP}}}schemaversion").text = "2004 4th Edition"
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

        orgs = etree.SubElement(m, f"{{{CP}}}organizations", default="ORG-1")
        org = etree.SubElement(orgs, f"{{{CP}}}organization", identifier="ORG-1")
        org.set(f"{{{ADLSEQ}}}objectivesGlobalToSystem", "false")
        etree.SubElement(org, f"{{{CP}}}title").text = c.title
        item = etree.SubElement(org, f"{{{CP}}}item", identifier="ITEM-1", identifierref="RES-1", isvisible="true")
        etree.SubElement(item, f"{{{CP}}}title").text = c.title
        seq = etree.SubElement(item, f"{{{IMSSS}}}sequencing")
        objectives = etree.SubElement(seq, f"{{{IMSSS}}}objectives")
        primary = etree.SubElement(objectives, f"{{{IMSSS}}}primaryObjective", objectiveID="PRIMARYOBJ",
                                   satisfiedByMeasure="true")
        etree.SubElement(primary, f"{{{IMSSS}}}minNormalizedMeasure").text = f"{c.pass_mark:g}"
        etree.SubElement(seq, f"{{{IMSSS}}}deliveryControls", tracked="true",
                         completionSetByContent="true", objectiveSetByContent="false")
        org_seq = etree.SubElement(org, f"{{{IMSSS}}}sequencing")
        etree.SubElement(org_seq, f"{{{IMSSS}}}controlMode", choice="true", flow="true")

        resources = etree.SubElement(m, f"{{{CP}}}resources")
        res = etree.SubElement(resources, f"{{{CP}}}resource", identifier="RES-1", type="webcontent", href=self.launch)
        res.set(f"{{{ADLCP}}}scormType", "sco")
        for name in files:
            etree.SubElement(res, f"{{{CP}}}file", href=name)
        return m

    def semantic_errors(self, root: etree._Element, ctx: PackageContext, entries: dict[str, bytes]) -> list[str]:
        ns = {"cp": CP, "imsss": IMSSS}
        errors = []
        if root.findtext("cp:metadata/cp:schemaversion", namespaces=ns) != "2004 4th Edition":
            errors.append("schemaversion must be '2004 4th Edition'")
        errors += listed_files_errors(root.findall(".//cp:file", ns), entries)
        return errors
