"""Build speed and memory: toolkit against MkDocs on the same Markdown.

Run:  python3 bench/bench_build.py [--lessons 1000] [--runs 3]

Generates a synthetic course (bench/synthetic.py), then in one process run
times, side by side:
  * `toolkit build --format web --no-cache` (clean build of the site + web zip,
    lessons rendered by one process per core), and the same with `--jobs 1`
  * `mkdocs build` of the same lesson files (MkDocs installed in its own
    virtualenv under the benchmark's work folder, created on first run)
  * `toolkit build` of all five formats (clean)
  * `toolkit build --format web` after one lesson changed (incremental)
and reports medians, the MkDocs ratio and the peak RSS of each command (of
its largest process: ru_maxrss, which counts the workers one by one).
Not a test: it prints figures and asserts nothing.
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
from synthetic import generate  # noqa: E402

MKDOCS_YML = """site_name: Syntetisk kursus
docs_dir: docs
site_dir: site
theme:
  name: mkdocs
markdown_extensions:
  - tables
  - admonition
  - attr_list
  - sane_lists
  - def_list
  - toc
"""


def tree_rss_kb(pid: int) -> int:
    """Resident memory of a process and all its descendants, from /proc (shared pages counted in each)."""
    total, stack = 0, [pid]
    while stack:
        p = stack.pop()
        try:
            with open(f"/proc/{p}/status", encoding="ascii") as fh:
                total += next((int(line.split()[1]) for line in fh if line.startswith("VmRSS:")), 0)
            for task in os.listdir(f"/proc/{p}/task"):
                with open(f"/proc/{p}/task/{task}/children", encoding="ascii") as fh:
                    stack += [int(c) for c in fh.read().split()]
        except (OSError, ValueError):
            pass
    return total


def run(cmd: list[str], cwd: Path) -> tuple[float, int, int]:
    """Wall time in seconds, peak RSS in MB of the largest process, and peak
    RSS in MB of the whole process tree (sampled every 10 ms) of one command."""
    start = time.perf_counter()
    proc = subprocess.Popen(cmd, cwd=cwd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    peak = [0]
    done = threading.Event()

    def sample() -> None:
        while not done.wait(0.01):
            peak[0] = max(peak[0], tree_rss_kb(proc.pid))

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    _, status, usage = os.wait4(proc.pid, 0)
    elapsed = time.perf_counter() - start
    done.set()
    sampler.join()
    proc.returncode = os.waitstatus_to_exitcode(status)
    if proc.returncode != 0:
        err = proc.stderr.read().decode() if proc.stderr else ""
        raise SystemExit(f"{' '.join(cmd)} failed ({proc.returncode}):\n{err[-2000:]}")
    if proc.stderr:
        proc.stderr.close()
    largest = usage.ru_maxrss // 1024
    return elapsed, largest, max(largest, peak[0] // 1024)


def mkdocs_python(work: Path) -> Path:
    venv = work / "venv-mkdocs"
    python = venv / "bin" / "python"
    if not python.exists():
        subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True)
        subprocess.run([str(python), "-m", "pip", "install", "-q", "mkdocs"], check=True)
    return python


def median_run(cmd: list[str], cwd: Path, runs: int, before=None) -> tuple[float, int, int]:
    times, largest, tree = [], 0, 0
    for _ in range(runs):
        if before:
            before()
        t, one, allp = run(cmd, cwd)
        times.append(t)
        largest, tree = max(largest, one), max(tree, allp)
    return statistics.median(times), largest, tree


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--lessons", type=int, default=1000)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--work", type=Path, default=Path(tempfile.gettempdir()) / "toolkit-bench-build")
    args = parser.parse_args()

    work = args.work
    project = work / "project"
    shutil.rmtree(project, ignore_errors=True)
    course = generate(project / "courses" / "synthetic", args.lessons)
    mk = work / "mkdocs"
    shutil.rmtree(mk, ignore_errors=True)
    (mk / "docs").mkdir(parents=True)
    for lesson in sorted((course / "lessons").glob("*.md")):
        shutil.copyfile(lesson, mk / "docs" / lesson.name)
    (mk / "docs" / "index.md").write_text("# Syntetisk kursus\n", encoding="utf-8")
    (mk / "mkdocs.yml").write_text(MKDOCS_YML, encoding="utf-8")
    py = mkdocs_python(work)
    version = subprocess.run([str(py), "-m", "mkdocs", "--version"], capture_output=True, text=True).stdout.strip()

    toolkit = [sys.executable, "-m", "toolkit", "build", "courses/synthetic", "--out", str(work / "out")]
    clean = lambda: shutil.rmtree(work / "out", ignore_errors=True)  # noqa: E731
    web = median_run(toolkit + ["--format", "web", "--no-cache"], project, args.runs, clean)
    one = median_run(toolkit + ["--format", "web", "--no-cache", "--jobs", "1"], project, args.runs, clean)
    mk_run = median_run([str(py), "-m", "mkdocs", "build", "-q"], mk, args.runs)
    every = median_run(toolkit + ["--no-cache"], project, args.runs, clean)

    run(toolkit + ["--format", "web"], project)  # warm the cache
    target = course / "lessons" / f"{args.lessons // 2:04d}-lektion-{args.lessons // 2}.md"
    counter = iter(range(10_000))

    def touch() -> None:
        with target.open("a", encoding="utf-8") as fh:
            fh.write(f"\nÆndring {next(counter)}.\n")

    inc = median_run(toolkit + ["--format", "web"], project, args.runs, touch)

    rows = [
        (f"toolkit build --format web (clean, jobs: {os.cpu_count()})", web),
        ("toolkit build --format web --jobs 1 (clean)", one),
        (f"mkdocs build ({version.split(' from')[0]})", mk_run),
        ("toolkit build, all 5 formats (clean)", every),
        ("toolkit build --format web, 1 lesson changed", inc),
    ]
    print(f"\n{args.lessons} lessons, median of {args.runs} runs, {os.cpu_count()} cores, Python {sys.version.split()[0]}\n")
    print("| build | seconds | peak RSS MB, largest process | peak RSS MB, all processes |")
    print("|---|---:|---:|---:|")
    for name, (t, largest, tree) in rows:
        print(f"| {name} | {t:.2f} | {largest} | {tree} |")
    print(f"\nMkDocs / toolkit (web, clean): {mk_run[0] / web[0]:.2f}x (goal: >= 2x); "
          f"with --jobs 1: {mk_run[0] / one[0]:.2f}x")
    toolkit_rows = [web, one, every, inc]
    print(f"Incremental rebuild: {inc[0]:.2f} s (goal: < 1 s); peak RSS of a toolkit build, all processes: "
          f"{max(r[2] for r in toolkit_rows)} MB (goal: < 300 MB)")


if __name__ == "__main__":
    main()
