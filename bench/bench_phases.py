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
import statistics
import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
from bench_rebuild import prepared, round_order  # noqa: E402


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
    with prepared(trees, args.lessons, "bench-phases-") as (project, outs, target):
        results: dict[Path, list[dict[str, float]]] = {t: [] for t in trees}
        loads = []
        for i in range(args.rounds):
            for t in round_order(trees, i, target):
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


if __name__ == "__main__":
    main()
