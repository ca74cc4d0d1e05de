"""Where a one-lesson rebuild's time goes, phase by phase, for one or more checkouts, alternating.

Run:  python3 bench/bench_phases.py [--lessons 1000] [--rounds 9] TREE [TREE ...]

Set up as bench_rebuild.py is (a synthetic course built once per TREE, with the cache on); then
each round appends a line to one lesson and runs bench/phases_child.py once per tree, starting
one further along the list each round.  The child runs `toolkit build --format web` in its own
process, as `python -m toolkit build` does, with a timer around each pipeline function; this
prints the lowest and the median milliseconds of each phase per tree.  Phases nest (the
"in all" rows hold the rows above them), and the whole excludes the interpreter's own start.
What it is for: finding what a rebuild spends outside the lesson that changed.  Not a test: it
asserts nothing.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
from bench_rebuild import run  # noqa: E402
from synthetic import generate  # noqa: E402


def phases(tree: Path, project: Path, out: Path) -> dict[str, float]:
    env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}  # with .pyc files
    env["PYTHONPATH"] = str(tree)
    done = subprocess.run([sys.executable, str(HERE / "phases_child.py"), str(out)], cwd=project, env=env,
                          capture_output=True, text=True, check=True)
    found = json.loads(done.stdout.strip().splitlines()[-1])  # after the build's own summary line
    if found["missing"]:
        print(f"{tree}: not timed, not in this tree: {', '.join(found['missing'])}", file=sys.stderr)
    return dict(found["ms"])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("trees", nargs="+", type=Path)
    parser.add_argument("--lessons", type=int, default=1000)
    parser.add_argument("--rounds", type=int, default=9)
    args = parser.parse_args()
    trees = [t.resolve() for t in args.trees]
    work = Path(tempfile.mkdtemp(prefix="bench-phases-"))
    try:
        project = work / "project"
        course = generate(project / "courses" / "synthetic", args.lessons)
        outs = {t: work / f"out-{i}" for i, t in enumerate(trees)}
        for t in trees:  # the cache filled, and the lesson files' stats old enough to be trusted
            run(t, project, outs[t])
        time.sleep(3.5)
        for t in trees:
            run(t, project, outs[t])
        target = course / "lessons" / f"{args.lessons // 2:04d}-lektion-{args.lessons // 2}.md"
        results: dict[Path, list[dict[str, float]]] = {t: [] for t in trees}
        loads = []
        for i in range(args.rounds):
            with target.open("a", encoding="utf-8") as fh:
                fh.write(f"\nÆndring {i}.\n")
            for t in trees[i % len(trees):] + trees[:i % len(trees)]:
                results[t].append(phases(t, project, outs[t]))
            loads.append(os.getloadavg()[0])
        print(f"{args.lessons} lessons, one lesson changed, {args.rounds} alternating rounds, {os.cpu_count()} cores; "
              f"1-minute load average {min(loads):.1f} to {max(loads):.1f}\n")
        labels = list(dict.fromkeys(k for t in trees for r in results[t] for k in r))
        print("| phase | " + " | ".join(f"{t.name}: lowest / median ms" for t in trees) + " |")
        print("|---|" + "---:|" * len(trees))
        for label in labels:
            cells = []
            for t in trees:
                values = [r[label] for r in results[t] if label in r]
                cells.append(f"{min(values):.1f} / {statistics.median(values):.1f}" if values else "-")
            print(f"| {label} | " + " | ".join(cells) + " |")
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
