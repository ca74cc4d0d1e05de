"""bench/phases_child.py times the pipeline functions it names: every one must still exist here,
or a renamed phase would drop out of bench_phases.py's table without a word."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_phases_child_finds_every_phase_and_runs_the_build(tmp_path):
    proj = tmp_path / "proj"
    lessons = proj / "courses" / "synthetic" / "lessons"
    subprocess.run([sys.executable, str(ROOT / "bench" / "synthetic.py"), str(lessons.parent), "--lessons", "5"],
                   check=True, capture_output=True)
    env = {**os.environ, "PYTHONPATH": str(ROOT), "TOOLKIT_TODAY": "2026-12-01"}
    subprocess.run([sys.executable, "-m", "toolkit", "build", "courses/synthetic", "--out", "out", "--format", "web"],
                   cwd=proj, env=env, check=True, capture_output=True)
    lesson = sorted(lessons.glob("*.md"))[2]
    with lesson.open("a", encoding="utf-8") as fh:
        fh.write("\nÆndring.\n")
    done = subprocess.run([sys.executable, str(ROOT / "bench" / "phases_child.py"), "out"], cwd=proj, env=env,
                          check=True, capture_output=True, text=True)
    *before, last = done.stdout.strip().splitlines()
    found = json.loads(last)
    assert found["missing"] == []
    assert any(line.startswith("synthetic: 5 lessons") for line in before)  # the build ran, and said so
    ms = found["ms"]
    child = (ROOT / "bench" / "phases_child.py").read_text(encoding="utf-8")
    labels = [line.split('"')[-2] for line in child.splitlines() if line.startswith('    ("toolkit.')]
    assert len(labels) == 17
    assert set(labels) <= set(ms)
    assert all(v >= 0 for v in ms.values())
    assert ms["whole, from this script's start"] >= ms["build(), in all"] >= ms["load and render, in all"]
    changed = [page.name for page in (proj / "out" / "synthetic" / "site").glob("*.html")
               if "Ændring." in page.read_text(encoding="utf-8")]
    assert len(changed) == 1  # the changed lesson's page, written by the build the child ran
