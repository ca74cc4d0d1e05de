"""A tampered cache or output folder, then an edit and a cached build: the clean build's bytes."""
from __future__ import annotations

import os
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from .compare import ROOT, build as cli_build, tree


def build(proj: Path, out: str, *extra: str) -> subprocess.CompletedProcess:
    return cli_build(proj, out, *extra, formats=("web", "scorm12"))


def _keep_times(path: Path, change) -> None:
    st = path.stat()
    change(path)
    os.utime(path, ns=(st.st_atime_ns, st.st_mtime_ns))


def flip_blob(out: Path) -> None:
    blob = next((out / ".cache").glob("blobs-*.bin"))
    _keep_times(blob, lambda p: p.write_bytes(bytes(b ^ 0x20 if 60 < i < 5000 else b
                                                    for i, b in enumerate(p.read_bytes()))))


def truncate_blob(out: Path) -> None:
    blob = next((out / ".cache").glob("blobs-*.bin"))
    blob.write_bytes(blob.read_bytes()[: blob.stat().st_size // 2])


def garbage_pickle(out: Path) -> None:
    (out / ".cache" / "cache.pickle").write_bytes(b"\x80\x05garbage" * 10)


def truncated_pickle(out: Path) -> None:
    p = out / ".cache" / "cache.pickle"
    p.write_bytes(p.read_bytes()[:-7])


def garbage_outputs(out: Path) -> None:
    for p in (out / ".cache").glob("outputs-*"):
        p.write_bytes(b"\x00\x01garbage")


def zip_edited(out: Path) -> None:
    z = out / "syn" / "syn-web.zip"
    with zipfile.ZipFile(z, "a") as zf:
        zf.writestr("extra.txt", "x")


def zip_same_size(out: Path) -> None:
    z = out / "syn" / "syn-scorm12.zip"
    data = bytearray(z.read_bytes())
    i = data.find(b"lektion-2.html") + 200
    data[i] ^= 1
    _keep_times(z, lambda p: p.write_bytes(bytes(data)))


def site_same_size(out: Path) -> None:
    p = out / "syn" / "site" / "lektion-3.html"
    data = bytearray(p.read_bytes())
    data[100] ^= 1
    _keep_times(p, lambda q: q.write_bytes(bytes(data)))


def site_removed(out: Path) -> None:
    (out / "syn" / "site" / "assets" / "course-data.js").unlink()


@pytest.mark.parametrize("tamper", [flip_blob, truncate_blob, garbage_pickle, truncated_pickle, garbage_outputs,
                                    zip_edited, zip_same_size, site_same_size, site_removed])
def test_tampered_then_rebuilt_is_the_clean_build(tmp_path, tamper):
    proj = tmp_path / "proj"
    subprocess.run([sys.executable, str(ROOT / "bench" / "synthetic.py"), str(proj / "courses" / "syn"),
                    "--lessons", "12"], check=True, capture_output=True)
    assert build(proj, "out").returncode == 0
    tamper(proj / "out")
    lesson = proj / "courses" / "syn" / "lessons" / "0005-lektion-5.md"
    lesson.write_text(lesson.read_text(encoding="utf-8") + "\n\nEn ny sætning.\n", encoding="utf-8")
    cached = build(proj, "out")
    clean = build(proj, "clean", "--no-cache")
    assert cached.returncode == clean.returncode == 0, (cached.stderr, clean.stderr)
    assert tree(proj / "out") == tree(proj / "clean")
    # and once more with no edit (replay or a cache hit), the same
    again = build(proj, "out")
    assert again.returncode == 0
    assert tree(proj / "out") == tree(proj / "clean")
