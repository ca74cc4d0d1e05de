"""Every format: valid manifests (official XSDs), listed files present,
reproducible bytes, one pass mark everywhere, no credentials in xAPI/cmi5."""

from __future__ import annotations

import hashlib
import json
import re
import zipfile
from pathlib import Path

import pytest
from lxml import etree

from toolkit.build import FORMATS, BuildOptions, build
from toolkit.packaging import xsd

from ..conftest import place_course, require

NS = {"cp12": "http://www.imsproject.org/xsd/imscp_rootv1p1p2", "adlcp12": "http://www.adlnet.org/xsd/adlcp_rootv1p2",
      "cp": "http://www.imsglobal.org/xsd/imscp_v1p1", "imsss": "http://www.imsglobal.org/xsd/imsss",
      "cmi5": "https://w3id.org/xapi/profiles/cmi5/v1/CourseStructure.xsd", "tc": "http://projecttincan.com/tincan.xsd",
      "lom": "http://ltsc.ieee.org/xsd/LOM"}


@pytest.fixture(scope="module")
def schemas() -> Path:
    found = xsd.find_schemas_dir()
    require(found is not None, "the official XSDs (../shared/schemas) are not present")
    return found


SETTINGS = {"lrs_endpoint": "https://lrs.example.dk/xapi/", "lrs_key": "pkgkey:s3cret"}


@pytest.fixture(scope="module")
def built(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("pkg")
    course = place_course("pkg-passmark-65", tmp_path_factory.mktemp("fixtures"))
    build([course], BuildOptions(out=out, no_cache=True, settings=SETTINGS))
    return out / "pkg-passmark-65"


def read(zpath: Path, name: str) -> bytes:
    with zipfile.ZipFile(zpath) as zf:
        return zf.read(name)


def course_data(zpath: Path) -> dict:
    text = read(zpath, "assets/course-data.js").decode()
    return json.loads(re.match(r"window\.TK_COURSE=(.*);\s*$", text, re.S).group(1))


def test_every_format_is_written(built):
    assert sorted(p.name for p in built.glob("*.zip")) == sorted(f"pkg-passmark-65-{f}.zip" for f in FORMATS)


@pytest.mark.parametrize("fmt, manifest, kind", [("scorm12", "imsmanifest.xml", "scorm12"),
                                                 ("scorm2004", "imsmanifest.xml", "scorm2004"),
                                                 ("cmi5", "cmi5.xml", "cmi5")])
def test_manifest_valid_against_official_xsd(built, schemas, fmt, manifest, kind):
    root = etree.fromstring(read(built / f"pkg-passmark-65-{fmt}.zip", manifest))
    assert xsd.validate(root, kind, schemas) == []


@pytest.mark.parametrize("fmt", ["scorm12", "scorm2004"])
def test_every_listed_file_exists_and_every_file_is_listed(built, fmt):
    zpath = built / f"pkg-passmark-65-{fmt}.zip"
    root = etree.fromstring(read(zpath, "imsmanifest.xml"))
    listed = {f.get("href") for f in root.iter("{*}file")}
    with zipfile.ZipFile(zpath) as zf:
        names = set(zf.namelist())
    assert listed <= names
    assert names - listed == {"imsmanifest.xml"} | set(xsd.controlling_documents(fmt))
    launch = next(r.get("href") for r in root.iter("{*}resource"))
    assert launch == "launch.html" and launch in names


# What the controlling documents may add to a package, deflated (measured: 38.9 KB and 6.2 KB).
SCHEMA_BUDGET = {"scorm2004": 45 * 1024, "scorm12": 8 * 1024}


@pytest.mark.parametrize("fmt, count", [("scorm2004", 37), ("scorm12", 4)])
def test_controlling_documents_at_the_package_root(built, fmt, count):
    """ADL's checker wants every schema the manifest names at the root: the official files, unmodified."""
    zpath = built / f"pkg-passmark-65-{fmt}.zip"
    root = etree.fromstring(read(zpath, "imsmanifest.xml"))
    located = root.get("{http://www.w3.org/2001/XMLSchema-instance}schemaLocation").split()[1::2]
    folder = xsd.SCHEMAS_DIR / xsd.SCHEMA_SETS[fmt][0]
    sums = dict(reversed(line.split()) for line in (folder / "SHA256SUMS").read_text().splitlines() if line.strip())
    with zipfile.ZipFile(zpath) as zf:
        shipped = {i.filename: i for i in zf.infolist() if i.filename.endswith((".xsd", ".dtd"))}
        assert set(located) <= set(shipped)
        assert len(shipped) == count and set(shipped) == {n.removeprefix("./") for n in sums}
        for name in shipped:
            assert hashlib.sha256(zf.read(name)).hexdigest() == sums.get(name, sums.get(f"./{name}")), name
    assert sum(i.compress_size for i in shipped.values()) <= SCHEMA_BUDGET[fmt]


def test_one_pass_mark_everywhere(built):
    s12 = etree.fromstring(read(built / "pkg-passmark-65-scorm12.zip", "imsmanifest.xml"))
    s04 = etree.fromstring(read(built / "pkg-passmark-65-scorm2004.zip", "imsmanifest.xml"))
    c5 = etree.fromstring(read(built / "pkg-passmark-65-cmi5.zip", "cmi5.xml"))
    mastery = int(s12.findtext(".//adlcp12:masteryscore", namespaces=NS))
    measure = float(s04.findtext(".//imsss:minNormalizedMeasure", namespaces=NS))
    satisfied = s04.find(".//imsss:primaryObjective", NS).get("satisfiedByMeasure")
    cmi5_score = float(c5.find("cmi5:au", NS).get("masteryScore"))
    runtime = {course_data(z)["passMark"] for z in built.glob("*.zip")}
    assert (mastery, measure, cmi5_score, runtime) == (65, 0.65, 0.65, {0.65})
    assert satisfied == "true"
    assert c5.find("cmi5:au", NS).get("moveOn") == "CompletedAndPassed"


def test_metadata_reaches_the_manifests(built):
    s04 = etree.fromstring(read(built / "pkg-passmark-65-scorm2004.zip", "imsmanifest.xml"))
    assert s04.findtext(".//cp:metadata/cp:schemaversion", namespaces=NS) == "2004 4th Edition"
    assert s04.findtext(".//lom:general/lom:title/lom:string", namespaces=NS) == "Prøvekursus"
    assert s04.findtext(".//lom:general/lom:language", namespaces=NS) == "da"
    assert s04.findtext(".//lom:lifeCycle/lom:version/lom:string", namespaces=NS) == "1.0.0"
    s12 = etree.fromstring(read(built / "pkg-passmark-65-scorm12.zip", "imsmanifest.xml"))
    assert s12.findtext(".//cp12:organization/cp12:title", namespaces=NS) == "Prøvekursus"
    lom12 = read(built / "pkg-passmark-65-scorm12.zip", "metadata.xml").decode()
    assert "Et lille kursus til test af værktøjet." in lom12 and ">1.0.0<" in lom12
    tc = etree.fromstring(read(built / "pkg-passmark-65-xapi.zip", "tincan.xml"))
    activity = tc.find(".//tc:activity", NS)
    assert activity.get("id") == "https://kurser.example.dk/test/pkg-passmark-65"
    assert activity.findtext("tc:launch", namespaces=NS) == "launch.html"


def test_lrs_key_only_in_scorm_and_web(built):
    for fmt in ("scorm12", "scorm2004", "web"):
        assert course_data(built / f"pkg-passmark-65-{fmt}.zip")["lrs"]["key"] == "pkgkey:s3cret"
    for fmt in ("xapi", "cmi5"):
        zpath = built / f"pkg-passmark-65-{fmt}.zip"
        assert course_data(zpath)["lrs"] == {}
        with zipfile.ZipFile(zpath) as zf:
            assert not any(b"s3cret" in zf.read(n) for n in zf.namelist())


def test_builds_are_byte_identical(tmp_path, course_variant):
    digests, course = [], course_variant("pkg-passmark-65")
    for run in ("a", "b"):
        out = tmp_path / run
        build([course], BuildOptions(out=out, no_cache=True))
        digests.append({p.name: p.read_bytes() for p in sorted((out / "pkg-passmark-65").glob("*.zip"))})
    assert digests[0] == digests[1]
    with zipfile.ZipFile(tmp_path / "a" / "pkg-passmark-65" / "pkg-passmark-65-scorm12.zip") as zf:
        infos = zf.infolist()
    assert infos[0].filename == "imsmanifest.xml"
    assert [i.filename for i in infos[1:]] == sorted(i.filename for i in infos[1:])
    assert {i.date_time for i in infos} == {(1980, 1, 1, 0, 0, 0)}
    assert {i.external_attr >> 16 for i in infos} == {0o100644}


def test_invalid_manifest_fails_the_build(fixture_copy, tmp_path, monkeypatch):
    from toolkit.errors import PackageError
    from toolkit.packaging import scorm2004

    course = fixture_copy("ok-minimal")
    original = scorm2004.Scorm2004.manifest

    def broken(self, ctx, files):
        root = original(self, ctx, files)
        root.find(".//{http://www.imsglobal.org/xsd/imsss}minNormalizedMeasure").text = "abc"
        return root

    monkeypatch.setattr(scorm2004.Scorm2004, "manifest", broken)
    out = tmp_path / "out"
    with pytest.raises(PackageError, match="minNormalizedMeasure"):
        build([course], BuildOptions(out=out, formats=("scorm2004",), no_cache=True))
    assert not (out / "ok-minimal").exists()


def test_packages_from_memory_equal_packages_from_the_written_site(built, tmp_path, course_variant):
    """The build hands the packagers the bytes it just wrote; reading the site
    back from disk must give the very same zips."""
    from toolkit.build import check
    from toolkit.packaging import build_packages

    loaded, _ = check([course_variant("pkg-passmark-65")])
    course = loaded[0].course
    rebuilt = build_packages(course, built / "site", tmp_path, FORMATS, SETTINGS)
    for fmt, zpath in rebuilt.items():
        assert zpath.read_bytes() == (built / zpath.name).read_bytes(), fmt


@pytest.mark.parametrize("fmt,message", [("scorm12", "masteryscore must be a number from 0 to 100"),
                                         ("scorm2004", "minNormalizedMeasure must be between -1 and 1"),
                                         ("cmi5", "masteryScore must be between 0 and 1")])
def test_the_build_refuses_a_manifest_value_out_of_range(built, tmp_path, course_variant, fmt, message):
    """The value checks toolkit validate runs on anyone's package also guard our own
    (a pass mark that slipped past course.yaml's check would reach the manifest)."""
    from toolkit.build import check
    from toolkit.packaging import build_packages
    from toolkit.packaging.base import PackageError

    course = check([course_variant("pkg-passmark-65")])[0][0].course
    course.pass_mark = 1.5
    with pytest.raises(PackageError, match=message):
        build_packages(course, built / "site", tmp_path, (fmt,), {})


def test_a_web_zip_is_written_without_lxml_or_the_other_formats(fixture_copy, tmp_path):
    """A build imports only the packagers it uses: the web zip has no manifest to make or check."""
    import subprocess
    import sys

    course = fixture_copy("ok-minimal")
    code = ("import sys; from pathlib import Path; from toolkit.build import BuildOptions, build; "
            f"build([Path({str(course)!r})], BuildOptions(out=Path({str(tmp_path / 'out')!r}), formats=('web',), jobs=1)); "
            "print(sorted(m for m in sys.modules if m.split('.')[0] == 'lxml' or m in "
            "('toolkit.packaging.xsd', 'toolkit.packaging.scorm12', 'toolkit.packaging.cmi5')))")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert done.stdout.strip() == "[]"
    assert (tmp_path / "out" / "ok-minimal" / "ok-minimal-web.zip").is_file()


def test_every_format_is_still_listed_for_validate():
    import toolkit.packaging
    from toolkit.packaging.formats import PACKAGERS

    assert sorted(PACKAGERS) == sorted(toolkit.packaging.MODULES) == sorted(toolkit.packaging.PACKAGERS)
    assert all(toolkit.packaging.packager(name) is cls for name, cls in PACKAGERS.items())
