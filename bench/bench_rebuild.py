"""One-lesson rebuilds of the same course by several checkouts of the toolkit, alternating.

Run:  python3 bench/bench_rebuild.py [--lessons 1000] [--rounds 11] [--clean [--jobs N]] TREE [TREE ...]

Each TREE is a checkout of this repository (for one, `git worktree add ../base <commit>`); the
toolkit is imported from it (PYTHONPATH).  A synthetic course (bench/synthetic.py) is built
once per tree into its own output folder with the cache on; then each round appends a line to
one lesson and runs `python -m toolkit build --format web` once per tree, starting one further
along the list each round.  It prints the median and lowest wall and CPU time per tree: what a
change to the rebuild path gains, measured against the commit before it in the same minutes.
With --clean, each round times a clean build (`--no-cache`, and `--jobs N` if given) instead.
Not a test: it asserts nothing.
"""

from __future__ import annotations

import argparse
import contextlib
import os
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from synthetic import generate


def run(tree: Path, project: Path, out: Path, *extra: str) -> tuple[float, float]:
    env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}  # with .pyc files
    env["PYTHONPATH"] = str(tree)
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    subprocess.run([sys.executable, "-m", "toolkit", "build", "courses/synthetic", "--out", str(out), "--format", "web",
                    *extra],
                   cwd=project, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=True)
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    return wall, after.ru_utime + after.ru_stime - before.ru_utime - before.ru_stime


@contextlib.contextmanager
def prepared(trees: list[Path], lessons: int, prefix: str) -> Iterator[tuple[Path, dict[Path, Path], Path]]:
    """A synthetic course of *lessons* built once per tree into an output folder of its own, with
    the cache filled and the lesson files' stats old enough to be trusted: (the project, each
    tree's output folder, the lesson each round changes).  All of it is removed afterwards."""
    work = Path(tempfile.mkdtemp(prefix=prefix))
    try:
        project = work / "project"
        course = generate(project / "courses" / "synthetic", lessons)
        outs = {t: work / f"out-{i}" for i, t in enumerate(trees)}
        for t in trees:
            run(t, project, outs[t])
        time.sleep(3.5)
        for t in trees:
            run(t, project, outs[t])
        yield project, outs, course / "lessons" / f"{lessons // 2:04d}-lektion-{lessons // 2}.md"
    finally:
        shutil.rmtree(work, ignore_errors=True)


def round_order(trees: list[Path], i: int, target: Path) -> list[Path]:
    """Round *i*: a line appended to *target*, and the trees, starting one further along each round."""
    with target.open("a", encoding="utf-8") as fh:
        fh.write(f"\nÆndring {i}.\n")
    return trees[i % len(trees):] + trees[:i % len(trees)]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("trees", nargs="+", type=Path)
    parser.add_argument("--lessons", type=int, default=1000)
    parser.add_argument("--rounds", type=int, default=11)
    parser.add_argument("--clean", action="store_true", help="time clean builds (--no-cache) instead")
    parser.add_argument("--jobs", type=int, default=None, help="with --clean: --jobs N")
    args = parser.parse_args()
    extra = (["--no-cache"] + (["--jobs", str(args.jobs)] if args.jobs else [])) if args.clean else []
    trees = [t.resolve() for t in args.trees]
    with prepared(trees, args.lessons, "bench-rebuild-") as (project, outs, target):
        results: dict[Path, list[tuple[float, float]]] = {t: [] for t in trees}
        loads = []
        for i in range(args.rounds):
            for t in round_order(trees, i, target):
                results[t].append(run(t, project, outs[t], *extra))
            loads.append(os.getloadavg()[0])
        what = f"clean builds {' '.join(extra)}" if args.clean else "one lesson changed"
        print(f"{args.lessons} lessons, {what}, {args.rounds} alternating rounds; "
              f"1-minute load average {min(loads):.1f} to {max(loads):.1f}\n")
        print("| tree | wall s, median | wall s, lowest | CPU s, median | CPU s, lowest |")
        print("|---|---:|---:|---:|---:|")
        for t in trees:
            wall = [w for w, _ in results[t]]
            cpu = [c for _, c in results[t]]
            print(f"| {t} | {statistics.median(wall):.3f} | {min(wall):.3f} | {statistics.median(cpu):.3f} | "
                  f"{min(cpu):.3f} |")


if __name__ == "__main__":
    main()
