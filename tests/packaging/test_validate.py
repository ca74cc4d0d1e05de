"""toolkit validate: our packages pass; tampered and incomplete zips are caught (hostile ones: test_hostile.py)."""

from __future__ import annotations

import zipfile
from pathlib import Path

import pytest

from toolkit.build import BuildOptions, build
from toolkit.cli import main
from toolkit.packaging.validate import inspect
from toolkit.packaging.xsd import find_schemas_dir

from ..conftest import FIXTURES


@pytest.fixture(scope="module")
def packages(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("val")
    build([FIXTURES / "ok-minimal"], BuildOptions(out=out, no_cache=True))
    return out / "ok-minimal"


def rewrite(src: Path, dest: Path, change) -> Path:
    """Copy a zip entry by entry, letting *change* edit or add entries."""
    with zipfile.ZipFile(src) as zin, zipfile.ZipFile(dest, "w", zipfile.ZIP_DEFLATED) as zout:
        entries = {i.filename: zin.read(i) for i in zin.infolist()}
        for name, data in change(entries).items():
            zout.writestr(name, data)
    return dest


def test_our_packages_are_valid(runner, packages):
    result = runner.invoke(main, ["validate", *map(str, sorted(packages.glob("*.zip")))])
    assert result.exit_code == 0, result.output
    assert "SCORM 1.2" in result.output and "SCORM 2004 4th Edition" in result.output
    assert result.output.count("schema valid") == 3


def test_tampered_manifest(packages, tmp_path):
    bad = rewrite(packages / "ok-minimal-scorm12.zip", tmp_path / "t.zip", lambda e: {
        **e, "imsmanifest.xml": e["imsmanifest.xml"].replace(b"<organizations", b"<organisations")
                                                   .replace(b"</organizations>", b"</organisations>")})
    r = inspect(bad, find_schemas_dir())
    assert not r.ok and r.schema_valid is False


def test_missing_launch_file(runner, packages, tmp_path):
    bad = rewrite(packages / "ok-minimal-scorm2004.zip", tmp_path / "m.zip",
                  lambda e: {k: v for k, v in e.items() if k != "launch.html"})
    result = runner.invoke(main, ["validate", str(bad)])
    assert result.exit_code == 1
    assert "launch file is missing from the zip: launch.html" in result.output
    assert "listed in the manifest but missing from the zip: launch.html" in result.output


def test_unlisted_file_is_reported(packages, tmp_path):
    extra = rewrite(packages / "ok-minimal-scorm12.zip", tmp_path / "u.zip", lambda e: {**e, "extra/secret.txt": b"x"})
    r = inspect(extra, find_schemas_dir())
    assert any("not listed in the manifest: extra/secret.txt" in f.message for f in r.findings)


def test_oversized_total(packages, tmp_path, monkeypatch):
    from toolkit.packaging import zipsafe

    monkeypatch.setattr(zipsafe, "MAX_TOTAL", 10_000)
    r = inspect(packages / "ok-minimal-web.zip")
    assert any("over the 10000 byte limit" in f.message for f in r.findings)


def test_not_a_zip(runner, tmp_path):
    junk = tmp_path / "junk.zip"
    junk.write_bytes(b"not a zip")
    result = runner.invoke(main, ["validate", str(junk)])
    assert result.exit_code == 1 and "not a readable zip file" in result.output


def test_semantic_values_the_xsd_lets_through(packages, tmp_path):
    bad = rewrite(packages / "ok-minimal-scorm12.zip", tmp_path / "ms.zip", lambda e: {
        **e, "imsmanifest.xml": e["imsmanifest.xml"].replace(b"<adlcp:masteryscore>75<", b"<adlcp:masteryscore>abc<")})
    r = inspect(bad, find_schemas_dir())
    assert r.schema_valid is True  # the official XSD accepts it...
    assert any("masteryscore must be a number from 0 to 100, not 'abc'" in f.message for f in r.findings)  # ...we do not


def test_entry_larger_than_its_header(packages, tmp_path):
    src = packages / "ok-minimal-web.zip"
    data = bytearray(src.read_bytes())
    with zipfile.ZipFile(src) as zf:
        info = zf.getinfo("index.html")
    # Shrink the declared size in the central directory: the entry now inflates beyond it.
    name = b"index.html"
    pos = data.find(b"PK\x01\x02")
    while pos != -1:
        length = int.from_bytes(data[pos + 28:pos + 30], "little")
        if data[pos + 46:pos + 46 + length] == name:
            data[pos + 24:pos + 28] = (info.file_size // 2).to_bytes(4, "little")
            break
        pos = data.find(b"PK\x01\x02", pos + 4)
    else:
        raise AssertionError("index.html not found in the central directory")
    bad = tmp_path / "lie.zip"
    bad.write_bytes(bytes(data))
    r = inspect(bad)
    assert any("damaged or larger than its header says" in f.message for f in r.findings)


def test_a_plain_web_zip_and_a_zip_that_is_no_package(packages, tmp_path):
    r = inspect(packages / "ok-minimal-web.zip")
    assert (r.standard, r.launch, r.ok) == ("web", "index.html", True)
    bare = tmp_path / "bare.zip"
    with zipfile.ZipFile(bare, "w") as zf:
        zf.writestr("lesson.html", "<p>hej</p>")
    r = inspect(bare)
    assert (r.standard, r.launch, r.ok) == ("unknown", None, False)
    assert [f.message for f in r.findings] == ["no manifest (imsmanifest.xml, cmi5.xml, tincan.xml) and no index.html"]
