"""xAPI (Tin Can) package: ``tincan.xml`` with the course activity and its launch.

No official XSD for tincan.xml is public, so its structure is checked here.
The endpoint, auth and actor come from the launch, never from the package.
"""

from __future__ import annotations

from lxml import etree

from toolkit.packaging.base import (
    LoadXml,
    OutsidePackage,
    PackageContext,
    Packager,
    Reading,
    package_path,
)

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

    @classmethod
    def read(cls, root: etree._Element, names: set[str], load_xml: LoadXml) -> Reading:
        reading = Reading("xAPI (tincan.xml)", needs_launch=False)
        if root.tag != f"{{{NS}}}tincan":
            reading.errors.append(f"root element must be tincan in {NS}")
            return reading
        activities = root.findall(f"{{{NS}}}activities/{{{NS}}}activity")
        if not activities:
            reading.errors.append("tincan.xml has no activity")
        launches = 0
        for activity in activities:
            if "://" not in (activity.get("id") or ""):
                reading.errors.append("every activity needs an absolute IRI id")
            if activity.find(f"{{{NS}}}name") is None:
                reading.errors.append(f"activity {activity.get('id')} has no name")
            for launch in activity.findall(f"{{{NS}}}launch"):
                launches += 1
                target = (launch.text or "").strip()
                try:
                    path = package_path(target) if target else ""
                except OutsidePackage:
                    reading.errors.append(f"launch points outside the package: {target}")
                    continue
                if path is not None and path not in names:
                    reading.errors.append(f"launch file is missing: {target}")
                elif path is not None and reading.launch is None:
                    reading.launch = path
        if launches == 0:
            reading.errors.append("tincan.xml has no launch element")
        return reading

