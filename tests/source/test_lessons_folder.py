"""Lesson files are never read from outside the course; a cache entry that cannot be read is a miss."""
from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from ..conftest import tree_digest

ROOT = Path(__file__).resolve().parents[2]


def test_a_symlinked_lessons_folder_is_refused(tmp_path):
    proj = tmp_path / "p"
    subprocess.run([sys.executable, str(ROOT / "bench" / "synthetic.py"), str(proj / "courses" / "syn"),
                    "--lessons", "2"], check=True, capture_output=True)
    outside = tmp_path / "outside"
    outside.mkdir()
    (proj / "courses" / "syn" / "lessons").rename(outside / "lessons")
    os.symlink(outside / "lessons", proj / "courses" / "syn" / "lessons")
    p = subprocess.run([sys.executable, "-m", "toolkit", "build", "courses/syn", "--out", "out", "--format", "web"],
                       cwd=proj, capture_output=True, text=True, check=False,
                       env={**os.environ, "PYTHONPATH": str(ROOT), "TOOLKIT_TODAY": "2026-12-01"})
    assert p.returncode == 1, p.stdout + p.stderr
    assert "courses/syn/lessons: the lessons folder is a symbolic link" in p.stderr


def test_a_damaged_cache_entry_is_a_miss_not_an_assertion(tmp_path, monkeypatch):
    """has() says hit, get() fails to unpickle: the lesson is rendered, not a bare AssertionError.
    (Reached when the blob file's stamp matches bytes that are not the ones recorded, e.g. two
    builds appending within one timestamp tick; simulated by skipping the stamp check.)"""
    import datetime as dt

    from toolkit import blobs
    from toolkit.build import BuildOptions, build

    subprocess.run([sys.executable, str(ROOT / "bench" / "synthetic.py"), str(tmp_path / "courses" / "syn"),
                    "--lessons", "3"], check=True, capture_output=True)
    monkeypatch.chdir(tmp_path)
    opts = BuildOptions(out=Path("out"), formats=("web",), today=dt.date(2026, 12, 1), jobs=1)
    build([Path("courses/syn")], opts)
    blob = next(Path("out/.cache").glob("blobs-*.bin"))
    data = bytearray(blob.read_bytes())
    for i in range(len(data) // 3, len(data) // 3 + 40):
        data[i] ^= 0x55
    blob.write_bytes(bytes(data))
    monkeypatch.setattr(blobs.BlobFile, "open", classmethod(  # the file as it is, whatever its stamp
        lambda cls, path, stamp: cls(open(path, "rb", buffering=0), stamp, path.stat().st_size)))  # noqa: SIM115
    build([Path("courses/syn")], opts)
    build([Path("courses/syn")], BuildOptions(out=Path("clean"), formats=("web",), today=dt.date(2026, 12, 1),
                                              jobs=1, no_cache=True))
    assert tree_digest(Path("out/syn/site")) == tree_digest(Path("clean/syn/site"))
