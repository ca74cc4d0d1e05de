"""Build speed and memory: toolkit against MkDocs on the same Markdown.

Run:  python3 bench/bench_build.py [--lessons 1000] [--runs 3]

Generates a synthetic course (bench/synthetic.py), then in one process run
times, side by side:
  * `toolkit build --format web --no-cache` (clean build of the site + web zip)
  * `mkdocs build` of the same lesson files (MkDocs installed in its own
    virtualenv under the benchmark's work folder, created on first run)
  * `toolkit build` of all five formats (clean)
  * `toolkit build --format web` after one lesson changed (incremental)
and reports medians, the MkDocs ratio and the peak RSS of each command.
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


def run(cmd: list[str], cwd: Path) -> tuple[float, int]:
    """Wall time in seconds and peak RSS in MB of one command."""
    start = time.perf_counter()
    proc = subprocess.Popen(cmd, cwd=cwd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    _, status, usage = os.wait4(proc.pid, 0)
    elapsed = time.perf_counter() - start
    proc.returncode = os.waitstatus_to_exitcode(status)
    if proc.returncode != 0:
        err = proc.stderr.read().decode() if proc.stderr else ""
        raise SystemExit(f"{' '.join(cmd)} failed ({proc.returncode}):\n{err[-2000:]}")
    if proc.stderr:
        proc.stderr.close()
    return elapsed, usage.ru_maxrss // 1024


def mkdocs_python(work: Path) -> Path:
    venv = work / "venv-mkdocs"
    python = venv / "bin" / "python"
    if not python.exists():
        subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True)
        subprocess.run([str(python), "-m", "pip", "install", "-q", "mkdocs"], check=True)
    return python


def median_run(cmd: list[str], cwd: Path, runs: int, before=None) -> tuple[float, int]:
    times, peak = [], 0
    for _ in range(runs):
        if before:
            before()
        t, rss = run(cmd, cwd)
        times.append(t)
        peak = max(peak, rss)
    return statistics.median(times), peak


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
    web_t, web_rss = median_run(toolkit + ["--format", "web", "--no-cache"], project, args.runs, clean)
    mk_t, mk_rss = median_run([str(py), "-m", "mkdocs", "build", "-q"], mk, args.runs)
    all_t, all_rss = median_run(toolkit + ["--no-cache"], project, args.runs, clean)

    run(toolkit + ["--format", "web"], project)  # warm the cache
    target = course / "lessons" / f"{args.lessons // 2:04d}-lektion-{args.lessons // 2}.md"
    counter = iter(range(10_000))

    def touch() -> None:
        with target.open("a", encoding="utf-8") as fh:
            fh.write(f"\nÆndring {next(counter)}.\n")

    inc_t, inc_rss = median_run(toolkit + ["--format", "web"], project, args.runs, touch)

    rows = [
        ("toolkit build --format web (clean)", web_t, web_rss),
        (f"mkdocs build ({version.split(' from')[0]})", mk_t, mk_rss),
        ("toolkit build, all 5 formats (clean)", all_t, all_rss),
        ("toolkit build --format web, 1 lesson changed", inc_t, inc_rss),
    ]
    print(f"\n{args.lessons} lessons, median of {args.runs} runs, {os.cpu_count()} cores, Python {sys.version.split()[0]}\n")
    print(f"| {'build':<46} | {'seconds':>8} | {'peak RSS MB':>11} |")
    print(f"|{'-' * 48}|{'-' * 10}|{'-' * 13}|")
    for name, t, rss in rows:
        print(f"| {name:<46} | {t:8.2f} | {rss:11d} |")
    print(f"\nMkDocs / toolkit (web, clean): {mk_t / web_t:.2f}x  (goal: >= 2x)")
    print(f"Incremental rebuild: {inc_t:.2f} s (goal: < 1 s); peak RSS {max(web_rss, all_rss, inc_rss)} MB (goal: < 300 MB)")


if __name__ == "__main__":
    main()
