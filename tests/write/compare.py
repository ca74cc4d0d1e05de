"""Builds through ``python -m toolkit`` on a synthetic course, for the tests that compare a cached
build with a clean one."""

from __future__ import annotations

import hashlib
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
ENV = {**os.environ, "PYTHONPATH": str(ROOT), "TOOLKIT_TODAY": "2026-12-01"}


def tree(root: Path) -> dict[str, str]:
    """The digest of every output file under *root*, the cache and the replay record left out."""
    return {str(p.relative_to(root)): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(root.rglob("*")) if p.is_file() and ".cache" not in p.parts and "record" not in p.name
            and ".replay" not in str(p)}


def build(proj: Path, out: str, *extra: str, formats: tuple[str, ...] = ("web",)) -> subprocess.CompletedProcess:
    fmts = [arg for fmt in formats for arg in ("--format", fmt)]
    return subprocess.run([sys.executable, "-m", "toolkit", "build", "courses/syn", "--out", out, *fmts, "-j", "1",
                           *extra], cwd=proj, env=ENV, capture_output=True, text=True, check=False)


def synthetic(tmp_path: Path, n: int = 3) -> Path:
    proj = tmp_path / "proj"
    subprocess.run([sys.executable, str(ROOT / "bench" / "synthetic.py"), str(proj / "courses" / "syn"),
                    "--lessons", str(n)], check=True, capture_output=True)
    return proj
