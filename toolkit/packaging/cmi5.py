"""cmi5: a course structure with one AU; moveOn and masteryScore from the completion rule."""

from __future__ import annotations

from lxml import etree

from toolkit.packaging.base import (
    LoadXml,
    OutsidePackage,
    PackageContext,
    Packager,
    Reading,
    number_problem,
    package_path,
)

NS = "https://w3id.org/xapi/profiles/cmi5/v1/CourseStructure.xsd"


def _text(parent: etree._Element, tag: str, text: str, lang: str) -> None:
    el = etree.SubElement(etree.SubElement(parent, f"{{{NS}}}{tag}"), f"{{{NS}}}langstring", lang=lang)
    el.text = text


def au_id(course_id: str) -> str:
    return course_id.rstrip("/") + "/au"


class Cmi5(Packager):
    name = "cmi5"
    manifest_name = "cmi5.xml"
    schema_kind = "cmi5"
    embeds_lrs_key = False

    def manifest(self, ctx: PackageContext, files: list[str]) -> etree._Element:
        c = ctx.course
        root = etree.Element(f"{{{NS}}}courseStructure", nsmap={None: NS})
        course = etree.SubElement(root, f"{{{NS}}}course", id=c.id)
        _text(course, "title", c.title, c.language)
        _text(course, "description", c.description, c.language)
        au = etree.SubElement(root, f"{{{NS}}}au", id=au_id(c.id), moveOn="CompletedAndPassed",
                              masteryScore=f"{c.pass_mark:g}", launchMethod="AnyWindow")
        _text(au, "title", c.title, c.language)
        _text(au, "description", c.description, c.language)
        etree.SubElement(au, f"{{{NS}}}url").text = self.launch
        return root

    @classmethod
    def value_problems(cls, root: etree._Element) -> list[str]:
        problems = (number_problem(au.get("masteryScore"), 0, 1, "masteryScore must be between 0 and 1, not")
                    for au in root.iter("{*}au") if au.get("masteryScore") is not None)
        return [p for p in problems if p]

    @classmethod
    def read(cls, root: etree._Element, names: set[str], load_xml: LoadXml) -> Reading:
        """Every AU's url: absolute (hosted elsewhere) or a file of the package, ``./`` or not."""
        reading = Reading("cmi5")
        for au in root.iter("{*}au"):
            url = (au.findtext("{*}url") or "").strip()
            try:
                path = package_path(url) if url else ""
            except OutsidePackage:
                reading.errors.append(f"AU url points outside the package: {url}")
                continue
            if path is None:
                continue
            if path not in names:
                reading.errors.append(f"AU url points at a missing file: {url}")
            elif reading.launch is None:
                reading.launch = path
        return reading

