"""Build speed and memory: toolkit against MkDocs on the same Markdown.

Run:  python3 bench/bench_build.py [--lessons 1000] [--runs 5] [--all-formats]

Generates a synthetic course (bench/synthetic.py), then times, as one
comparison that alternates the commands round by round (each round runs every
command once, starting one further along the list each time):
  * `toolkit build --format web --no-cache` (clean build of the site + web zip,
    lessons rendered by one process per core), and the same with `--jobs 1`
  * `mkdocs build` of the same lesson files (MkDocs 1.6.1: this Python's when
    it has that version, else a virtualenv under the work folder)
  * `toolkit build --format web` after one lesson changed, and with nothing
    changed (incremental, warm cache)
  * `toolkit build --format web --watch`, started once on a copy of the
    project: each round appends a line to one lesson of the copy and times
    the save until the watcher prints its "Built in" line (CPU from
    /proc/<pid>/stat, memory its VmHWM); the build's own time, as the watcher
    prints it, is given beside it
  * with --all-formats, `toolkit build` of all five formats (clean)
With --installed, the toolkit runs from a wheel of this checkout installed in
a virtualenv, and MkDocs from a virtualenv of its own, as users install them:
without this Python's site-packages and its `.pth` files (a development
install's editable finders, a sandbox's hooks), which every process started
pays for.
It prints medians of wall and CPU time, the MkDocs ratios, the peak RSS of
each command (of its largest process, ru_maxrss, and of the whole process
tree), and the machine's load average during the run.  On a shared machine
only the ratios of one run mean much.  Not a test: it asserts nothing.
"""

from __future__ import annotations

import argparse
import os
import queue
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
from synthetic import generate  # noqa: E402

from toolkit.parallel import default_jobs  # noqa: E402

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


def run(cmd: list[str], cwd: Path) -> tuple[float, float, int, int]:
    """Wall time and CPU time (user + system, waited-for children included) in
    seconds, peak RSS in MB of the largest process, and peak RSS in MB of the
    whole process tree (sampled every 10 ms) of one command."""
    start = time.perf_counter()
    env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}  # as users run: with .pyc files
    proc = subprocess.Popen(cmd, cwd=cwd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
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
    return elapsed, usage.ru_utime + usage.ru_stime, largest, max(largest, peak[0] // 1024)


def toolkit_python(work: Path) -> Path:
    """A virtualenv with the toolkit installed from a wheel of this checkout, as users install it."""
    venv = work / "venv-toolkit"
    wheels = work / "wheel"
    shutil.rmtree(venv, ignore_errors=True)
    shutil.rmtree(wheels, ignore_errors=True)
    subprocess.run([sys.executable, "-m", "build", "--wheel", "--outdir", str(wheels), str(HERE.parent)], check=True,
                   stdout=subprocess.DEVNULL)
    subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True)
    python = venv / "bin" / "python"
    subprocess.run([str(python), "-m", "pip", "install", "-q", *map(str, wheels.glob("*.whl"))], check=True)
    return python


def mkdocs_python(work: Path, own: bool = False) -> Path:
    """A Python with MkDocs 1.6.1: this one when it has it (unless *own*), else a virtualenv made for the bench."""
    check = subprocess.run([sys.executable, "-m", "mkdocs", "--version"], check=False, capture_output=True, text=True)
    if check.returncode == 0 and " 1.6.1 " in check.stdout and not own:
        return Path(sys.executable)
    venv = work / "venv-mkdocs"
    python = venv / "bin" / "python"
    if not python.exists():
        subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True)
        subprocess.run([str(python), "-m", "pip", "install", "-q", "mkdocs==1.6.1"], check=True)
    return python


@dataclass
class Command:
    name: str
    cmd: list[str]
    cwd: Path
    before: Callable[[], None] | None = None
    runs: list[tuple[float, float, int, int]] = field(default_factory=list)  # wall, cpu, largest MB, tree MB
    measure: Callable[[], tuple[float, float, int, int]] | None = None  # instead of running cmd

    def median(self, i: int) -> float:
        return statistics.median(r[i] for r in self.runs)


class Watcher:
    """`toolkit build --watch` running in *cwd*; :meth:`measure` saves one change to *target*."""

    def __init__(self, cmd: list[str], cwd: Path, target: Path) -> None:
        env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
        self.proc = subprocess.Popen(cmd, cwd=cwd, env=env, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL,
                                     text=True)
        self.target = target
        self.lines: queue.Queue[tuple[float, str]] = queue.Queue()
        self.own: list[float] = []  # the build's time as the watcher prints it
        self.count = 0
        threading.Thread(target=self._read, daemon=True).start()
        self._wait("Watching ")

    def _read(self) -> None:
        assert self.proc.stdout is not None
        for line in self.proc.stdout:
            self.lines.put((time.perf_counter(), line))

    def _wait(self, prefix: str) -> tuple[float, str]:
        while True:
            when, line = self.lines.get(timeout=120)
            if line.startswith(prefix):
                return when, line

    def _cpu(self) -> float:
        with open(f"/proc/{self.proc.pid}/stat", encoding="ascii") as fh:
            fields = fh.read().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")

    def measure(self) -> tuple[float, float, int, int]:
        cpu = self._cpu()
        with self.target.open("a", encoding="utf-8") as fh:
            fh.write(f"\nGemt {self.count}.\n")
        start = time.perf_counter()
        self.count += 1
        when, line = self._wait("Built in ")
        self.own.append(float(line.split()[2]))
        with open(f"/proc/{self.proc.pid}/status", encoding="ascii") as fh:
            peak = next(int(x.split()[1]) for x in fh if x.startswith("VmHWM:")) // 1024
        return when - start, self._cpu() - cpu, peak, peak

    def stop(self) -> None:
        # SIGTERM, which the watcher takes as Ctrl+C: a shell starts a job in its background with
        # SIGINT ignored, and so would this bench's watcher be, run in one.
        self.proc.send_signal(signal.SIGTERM)
        self.proc.wait(timeout=30)


def compare(commands: list[Command], rounds: int) -> list[float]:
    """Every command once per round, the order rotated from round to round, so
    that a change in the machine's load falls on all of them alike.  Returns the
    1-minute load averages sampled around each run."""
    loads = [os.getloadavg()[0]]
    for r in range(rounds):
        order = commands[r % len(commands):] + commands[:r % len(commands)]
        for c in order:
            if c.before:
                c.before()
            c.runs.append(c.measure() if c.measure else run(c.cmd, c.cwd))
            loads.append(os.getloadavg()[0])
    return loads


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--lessons", type=int, default=1000)
    parser.add_argument("--runs", type=int, default=3, help="rounds: each command runs once per round")
    parser.add_argument("--work", type=Path, default=Path(tempfile.gettempdir()) / "toolkit-bench-build")
    parser.add_argument("--all-formats", action="store_true", help="also time a clean build of all five formats")
    parser.add_argument("--installed", action="store_true",
                        help="run the toolkit from a wheel of this checkout in a virtualenv, and MkDocs from one of "
                             "its own, as users install them (without this Python's own .pth files)")
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
    py = mkdocs_python(work, own=args.installed)
    tk = toolkit_python(work) if args.installed else Path(sys.executable)
    version = subprocess.run([str(py), "-m", "mkdocs", "--version"], check=False, capture_output=True, text=True).stdout.strip()

    def toolkit(out: str, *extra: str) -> list[str]:
        return [str(tk), "-m", "toolkit", "build", "courses/synthetic", "--out", str(work / out), *extra]

    def clean(out: str) -> Callable[[], None]:
        return lambda: shutil.rmtree(work / out, ignore_errors=True)

    target = course / "lessons" / f"{args.lessons // 2:04d}-lektion-{args.lessons // 2}.md"
    counter = iter(range(100_000))

    def touch() -> None:
        with target.open("a", encoding="utf-8") as fh:
            fh.write(f"\nÆndring {next(counter)}.\n")

    jobs = default_jobs()
    commands = [
        Command(f"toolkit build --format web (clean, jobs: {jobs})", toolkit("web", "--format", "web", "--no-cache"),
                project, clean("web")),
        Command("toolkit build --format web --jobs 1 (clean)", toolkit("one", "--format", "web", "--no-cache", "--jobs", "1"),
                project, clean("one")),
        Command(f"mkdocs build ({version.split(' from')[0]})", [str(py), "-m", "mkdocs", "build", "-q"], mk),
        Command("toolkit build --format web, 1 lesson changed", toolkit("inc", "--format", "web"), project, touch),
        Command("toolkit build --format web, nothing changed", toolkit("inc", "--format", "web"), project),
    ]
    watch_project = work / "project-watch"
    shutil.rmtree(watch_project, ignore_errors=True)
    shutil.copytree(project, watch_project)
    watcher = Watcher([str(tk), "-m", "toolkit", "build", "courses/synthetic", "--out", str(work / "watch"),
                       "--format", "web", "--watch"], watch_project, watch_project / target.relative_to(project))
    commands.append(Command("toolkit build --format web --watch, 1 lesson changed (save to its line)", [],
                            watch_project, measure=watcher.measure))
    if args.all_formats:
        commands.append(Command("toolkit build, all 5 formats (clean)", toolkit("all", "--no-cache"), project, clean("all")))
    run(toolkit("inc", "--format", "web"), project)  # warm the cache of the incremental rows,
    time.sleep(3.5)  # and again once the lessons' stats are old enough to be trusted (replay.RACY_NS), as
    run(toolkit("inc", "--format", "web"), project)  # a user's next edit finds them
    watcher.measure()  # and the watcher's (its first build after the one it started with)
    watcher.own.clear()
    try:
        loads = compare(commands, args.runs)
    finally:
        watcher.stop()

    print(f"\n{args.lessons} lessons, median of {args.runs} alternating rounds, {os.cpu_count()} cores, "
          f"Python {sys.version.split()[0]}, " + ("toolkit and MkDocs each from a virtualenv of its own (--installed)"
                                                  if args.installed else f"toolkit from {sys.executable}")
          + "; 1-minute load average during the run: "
          f"min {min(loads):.1f}, median {statistics.median(loads):.1f}, max {max(loads):.1f}\n")
    print("| build | wall s | CPU s (user+sys) | peak RSS MB, largest process | peak RSS MB, all processes |")
    print("|---|---:|---:|---:|---:|")
    for c in commands:
        print(f"| {c.name} | {c.median(0):.2f} | {c.median(1):.2f} | {max(r[2] for r in c.runs)} | "
              f"{max(r[3] for r in c.runs)} |")
    web, one, mkd, inc, same, watched = commands[:6]
    for label, i in (("wall", 0), ("CPU", 1)):
        print(f"\n{label}: MkDocs / toolkit clean: {mkd.median(i) / web.median(i):.2f}x (jobs {jobs}), "
              f"{mkd.median(i) / one.median(i):.2f}x (--jobs 1) (goal: >= 5x); "
              f"1 lesson changed: {100 * inc.median(i) / web.median(i):.0f} % of a clean build (goal: <= 15 %); "
              f"nothing changed: {100 * same.median(i) / web.median(i):.0f} % (goal: <= 10 %); "
              f"1 lesson changed, --watch, save to its line: {100 * watched.median(i) / web.median(i):.0f} %")
    own = statistics.median(watcher.own)
    print(f"\n--watch, the build's own time as it prints it (median): {own:.2f} s, "
          f"{100 * own / web.median(0):.0f} % of a clean build's wall time")
    ratios = [(mkd.runs[k][0] / web.runs[k][0], mkd.runs[k][0] / one.runs[k][0]) for k in range(args.runs)]
    print("per round, MkDocs / toolkit wall (jobs default, jobs 1): "
          + ", ".join(f"{a:.2f}x {b:.2f}x" for a, b in ratios))


if __name__ == "__main__":
    main()
