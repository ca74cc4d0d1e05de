"""toolkit validate on packages made by others: the features our own packages never use.

Each folder of ``packages/`` is zipped as it is (it must validate with no
finding at all), then broken in one way (the one finding must name it).
"""

from __future__ import annotations

import zipfile
from collections.abc import Callable
from pathlib import Path

import pytest

from toolkit.packaging.validate import Inspection, inspect
from toolkit.packaging.xsd import find_schemas_dir

PACKAGES = Path(__file__).resolve().parent / "packages"
Change = Callable[[dict[str, bytes]], dict[str, bytes]]


def zipped(name: str, dest: Path, change: Change = lambda e: e) -> Path:
    folder = PACKAGES / name
    entries = {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}
    path = dest / f"{name}.zip"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zf:
        for entry, data in change(entries).items():
            zf.writestr(entry, data)
    return path


def edit(entry: str, old: bytes, new: bytes) -> Change:
    def change(entries: dict[str, bytes]) -> dict[str, bytes]:
        assert old in entries[entry], (entry, old)
        return {**entries, entry: entries[entry].replace(old, new, 1)}
    return change


def without(entry: str) -> Change:
    return lambda entries: {k: v for k, v in entries.items() if k != entry}


def run(name: str, tmp_path: Path, change: Change = lambda e: e) -> Inspection:
    return inspect(zipped(name, tmp_path, change), find_schemas_dir())


@pytest.mark.parametrize("name, standard, launch", [
    ("scorm2004-xml-base", "SCORM 2004 4th Edition", "content/scos/one/start.html"),
    ("scorm12-multi-sco-inline-lom", "SCORM 1.2", "sco1/index.html"),
    ("scorm12-external-lom", "SCORM 1.2", "index.html"),
    ("cmi5-relative-urls", "cmi5", "index.html"),
])
def test_valid_foreign_packages_have_no_finding(tmp_path, name, standard, launch):
    r = run(name, tmp_path)
    assert (r.standard, r.launch, r.schema_valid, r.findings) == (standard, launch, True, [])


BROKEN = [
    # xml:base is what makes the files findable: without the manifest's, every file is missing
    ("scorm2004-xml-base", edit("imsmanifest.xml", b' xml:base="content/"', b""),
     "launch file is missing from the zip: scos/one/start.html"),
    ("scorm2004-xml-base", without("content/scos/two/page two.html"),
     "listed in the manifest but missing from the zip: content/scos/two/page two.html"),
    ("scorm2004-xml-base", edit("imsmanifest.xml", b'xml:base="../../shared/"', b'xml:base="../../../shared/"'),
     "href 'style.css' (line 47) points outside the package"),
    ("scorm2004-xml-base", edit("imsmanifest.xml", b'identifierref="SCO-TWO"', b'identifierref="SCO-2"'),
     "item 'B-2-1' (line 24) refers to 'SCO-2', which is neither a resource nor a (sub)manifest"),
    ("scorm2004-xml-base", edit("imsmanifest.xml", b'identifierref="SCO-TWO"', b'identifierref="SCO-2"'),
     "resource 'SCO-TWO' is used by no item and no dependency"),
    ("scorm2004-xml-base", edit("imsmanifest.xml", b'default="ORG-B"', b'default="ORG-C"'),
     "organizations default 'ORG-C' names no organization"),
    ("scorm2004-xml-base", edit("imsmanifest.xml", b"<imsss:minNormalizedMeasure>0.6", b"<imsss:minNormalizedMeasure>6"),
     "imsmanifest.xml: minNormalizedMeasure must be between -1 and 1, not '6'"),
    # the inline IMS MD record is checked against its schema: language comes before description
    ("scorm12-multi-sco-inline-lom",
     edit("imsmanifest.xml", b"<imsmd:language>da</imsmd:language>\n", b"<imsmd:coverage/>\n"),
     "imsmanifest.xml is not valid against the SCORM 1.2 schema: line 16"),
    ("scorm12-multi-sco-inline-lom", edit("imsmanifest.xml", b"<adlcp:masteryscore>80", b"<adlcp:masteryscore>800"),
     "imsmanifest.xml: masteryscore must be a number from 0 to 100, not '800'"),
    ("scorm12-external-lom", without("meta/course.xml"), "metadata file is missing from the zip: meta/course.xml"),
    ("scorm12-external-lom", edit("meta/course.xml", b"<language>en</language>", b"<langue>en</langue>"),
     "meta/course.xml is not valid against the SCORM 1.2 schema: line 5"),
    ("cmi5-relative-urls", without("au2/start.html"), "AU url points at a missing file: ./au2/start.html?lang=da"),
    ("cmi5-relative-urls", edit("cmi5.xml", b"<url>./index.html", b"<url>../index.html"),
     "AU url points outside the package: ../index.html"),
]


@pytest.mark.parametrize("name, change, message", BROKEN, ids=[f"{b[0]}-{i}" for i, b in enumerate(BROKEN)])
def test_one_break_one_finding(tmp_path, name, change, message):
    r = run(name, tmp_path, change)
    assert not r.ok
    assert any(f.message.startswith(message) for f in r.findings), [str(f) for f in r.findings]
