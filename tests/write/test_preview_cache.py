"""A long-running process (as toolkit preview) building again and again with the cache in
memory and sites updated in place: each site must be what a clean build writes."""
from __future__ import annotations

import datetime as dt
import hashlib
import random
import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def tree(root: Path) -> dict[str, str]:
    return {str(p.relative_to(root)): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(root.rglob("*")) if p.is_file()}


def test_memory_cache_and_live_sites_match_clean_builds(tmp_path, monkeypatch):
    from toolkit.build import BuildOptions, build
    from toolkit.cache import IN_MEMORY, keep_in_memory

    proj = tmp_path / "proj"
    for name in ("a", "b"):
        subprocess.run([sys.executable, str(ROOT / "bench" / "synthetic.py"), str(proj / "courses" / name),
                        "--lessons", "5"], check=True, capture_output=True)
        y = proj / "courses" / name / "course.yaml"
        y.write_text(y.read_text(encoding="utf-8").replace("bench/synthetic", f"bench/{name}"), encoding="utf-8")
    monkeypatch.chdir(proj)
    dirs = [Path("courses/a"), Path("courses/b")]
    live: dict = {}
    keep_in_memory(Path("live") / ".cache")
    try:
        rng = random.Random(5)
        for step in range(8):
            for name in ("a", "b"):
                files = sorted((proj / "courses" / name / "lessons").glob("*.md"))
                f = rng.choice(files)
                text = f.read_text(encoding="utf-8")
                if rng.random() < 0.5:
                    text = text.replace("title: ", f"title: T{step} ", 1)
                else:
                    text = text.replace("question: ", f"question: Q{step} ", 1)
                f.write_text(text, encoding="utf-8")
            today = dt.date(2026, 12, 1)
            build(dirs, BuildOptions(out=Path("live"), formats=(), today=today, live_sites=live, jobs=1))
            shutil.rmtree("clean", ignore_errors=True)
            build(dirs, BuildOptions(out=Path("clean"), formats=(), today=today, no_cache=True, jobs=1))
            for name in ("a", "b"):
                assert tree(Path("live") / name / "site") == tree(Path("clean") / name / "site"), (step, name)
    finally:
        IN_MEMORY.pop((Path("live") / ".cache" / "cache.pickle"), None)
