"""cmi5: a course structure with one AU; moveOn and masteryScore from the completion rule."""

from __future__ import annotations

from lxml import etree

from toolkit.packaging.base import PackageContext, Packager

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

    def semantic_errors(self, root: etree._Element, ctx: PackageContext, entries: dict[str, bytes]) -> list[str]:
        errors = []
        for au in root.iter(f"{{{NS}}}au"):  # masteryScore's range: value_problems
            url = au.findtext(f"{{{NS}}}url") or ""
            if "://" not in url and url.split("?")[0] not in entries:
                errors.append(f"AU url points at a missing file: {url}")
        return errors
