"""xAPI (Tin Can) package: ``tincan.xml`` with the course activity and its launch.

No official XSD for tincan.xml is public, so its structure is checked here.
The endpoint, auth and actor come from the launch, never from the package.
"""

from __future__ import annotations

from lxml import etree

from toolkit.packaging.base import PackageContext, Packager

NS = "http://projecttincan.com/tincan.xsd"
COURSE_TYPE = "http://adlnet.gov/expapi/activities/course"


class Xapi(Packager):
    name = "xapi"
    manifest_name = "tincan.xml"
    embeds_lrs_key = False

    def manifest(self, ctx: PackageContext, files: list[str]) -> etree._Element:
        c = ctx.course
        root = etree.Element(f"{{{NS}}}tincan", nsmap={None: NS})
        activities = etree.SubElement(root, f"{{{NS}}}activities")
        activity = etree.SubElement(activities, f"{{{NS}}}activity", id=c.id, type=COURSE_TYPE)
        etree.SubElement(activity, f"{{{NS}}}name", lang=c.language).text = c.title
        etree.SubElement(activity, f"{{{NS}}}description", lang=c.language).text = c.description
        etree.SubElement(activity, f"{{{NS}}}launch", lang=c.language).text = self.launch
        return root

    def semantic_errors(self, root: etree._Element, ctx: PackageContext, entries: dict[str, bytes]) -> list[str]:
        return tincan_errors(root, entries)


def tincan_errors(root: etree._Element, entries: dict[str, bytes]) -> list[str]:
    errors = []
    if root.tag != f"{{{NS}}}tincan":
        return [f"root element must be tincan in {NS}"]
    activities = root.findall(f"{{{NS}}}activities/{{{NS}}}activity")
    if not activities:
        errors.append("tincan.xml has no activity")
    launches = 0
    for activity in activities:
        if not activity.get("id") or "://" not in (activity.get("id") or ""):
            errors.append("every activity needs an absolute IRI id")
        if activity.find(f"{{{NS}}}name") is None:
            errors.append(f"activity {activity.get('id')} has no name")
        for launch in activity.findall(f"{{{NS}}}launch"):
            launches += 1
            target = (launch.text or "").strip().split("?")[0]
            if target not in entries:
                errors.append(f"launch file is missing: {target}")
    if launches == 0:
        errors.append("tincan.xml has no launch element")
    return errors
