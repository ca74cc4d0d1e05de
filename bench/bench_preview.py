"""Save-to-reload of `toolkit preview`, beside `mkdocs serve`, on a sample course and at 1,000 lessons.

Run:  python3 bench/bench_preview.py [--lessons 1000] [--rounds 5] [--no-mkdocs]

Each server runs as a real process on loopback.  A round saves one lesson
(appends a line to it) in each served course in turn, the order rotated from
round to round, and times from the save until the changed page is served
again, the way the browser sees it:
  * toolkit: an SSE client on ``/preview/events`` (what the preview page
    listens to) waits for the rebuild's event, then fetches the lesson page
    and checks that the new line is in it;
  * MkDocs 1.6.1: a client long-polls ``/livereload/<epoch>/<id>`` (what the
    page MkDocs serves does), then fetches the page and checks the line.
The sample course is a copy of the repository's ``courses/cv`` (4 lessons);
the large one is bench/synthetic.py's.  Not a test: it prints figures and
asserts nothing.
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import queue
import re
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
sys.path.insert(0, str(HERE))
from bench_build import MKDOCS_YML, mkdocs_python  # noqa: E402
from synthetic import generate  # noqa: E402

TIMEOUT = 300.0


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def get(port: int, path: str, timeout: float = TIMEOUT) -> tuple[int, str]:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
    try:
        conn.request("GET", path)
        resp = conn.getresponse()
        return resp.status, resp.read().decode("utf-8", "replace")
    finally:
        conn.close()


def wait_until_up(port: int, path: str, proc: subprocess.Popen[bytes]) -> None:
    deadline = time.monotonic() + TIMEOUT
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise SystemExit(f"server on port {port} exited with {proc.returncode}")
        try:
            if get(port, path, 5)[0] == 200:
                return
        except OSError:
            pass
        time.sleep(0.2)
    raise SystemExit(f"server on port {port} did not come up")


@dataclass
class Served:
    name: str
    lesson: Path  # the file saved each round
    page: str  # the URL path of its page
    port: int
    proc: subprocess.Popen[bytes]
    times: list[float] = field(default_factory=list)
    cpu: list[float] = field(default_factory=list)  # the server's CPU seconds per save
    counter: int = 0

    def cpu_seconds(self) -> float:
        """User + system time of the server process so far, from /proc."""
        with open(f"/proc/{self.proc.pid}/stat", encoding="ascii") as fh:
            fields = fh.read().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")

    def timed(self) -> None:
        before = self.cpu_seconds()
        self.times.append(self.measure())
        self.cpu.append(self.cpu_seconds() - before)

    def save(self) -> str:
        self.counter += 1
        marker = f"Gemt {self.counter} gang"
        with self.lesson.open("a", encoding="utf-8") as fh:
            fh.write(f"\n{marker}.\n")
        return marker

    def served(self, marker: str) -> None:
        status, body = get(self.port, self.page)
        if status != 200 or marker not in body:
            raise SystemExit(f"{self.name}: {self.page} answered {status} without {marker!r}")

    def measure(self) -> float:
        raise NotImplementedError

    def stop(self) -> None:
        self.proc.terminate()
        try:
            self.proc.wait(10)
        except subprocess.TimeoutExpired:
            self.proc.kill()


class Toolkit(Served):
    """`toolkit preview`, followed through its server-sent events."""

    events: queue.Queue[dict[str, object]]

    def listen(self) -> None:
        self.events = queue.Queue()

        def read() -> None:
            conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=None)
            conn.request("GET", "/preview/events")
            resp = conn.getresponse()
            for line in resp:
                if line.startswith(b"data: "):
                    self.events.put(json.loads(line[6:]))

        threading.Thread(target=read, daemon=True).start()
        self.version = self.events.get(timeout=TIMEOUT)["version"]

    def measure(self) -> float:
        start = time.perf_counter()
        marker = self.save()
        while True:
            event = self.events.get(timeout=TIMEOUT)
            if event["errors"]:
                raise SystemExit(f"{self.name}: the rebuild failed: {event['errors']}")
            if event["version"] != self.version:
                self.version = event["version"]
                break
        self.served(marker)
        return time.perf_counter() - start


class Mkdocs(Served):
    """`mkdocs serve`, followed through its livereload long poll."""

    def measure(self) -> float:
        status, body = get(self.port, self.page)
        match = re.search(r"livereload\((\d+),\s*(\d+)\)", body)
        if status != 200 or not match:
            raise SystemExit(f"{self.name}: no livereload script in {self.page}")
        answer: queue.Queue[str] = queue.Queue()
        threading.Thread(target=lambda: answer.put(get(self.port, f"/livereload/{match[1]}/{match[2]}")[1]),
                         daemon=True).start()
        time.sleep(0.05)  # the poll is waiting before the save, as the page's is
        start = time.perf_counter()
        marker = self.save()
        while int(answer.get(timeout=TIMEOUT)) <= int(match[1]):  # a poll timed out: ask again
            threading.Thread(target=lambda: answer.put(get(self.port, f"/livereload/{match[1]}/{match[2]}")[1]),
                             daemon=True).start()
        self.served(marker)
        return time.perf_counter() - start


def start_toolkit(name: str, course: Path, lesson: Path) -> Toolkit:
    port = free_port()
    env = {**os.environ, "PYTHONPATH": str(REPO) + os.pathsep + os.environ.get("PYTHONPATH", "")}
    proc = subprocess.Popen([sys.executable, "-m", "toolkit", "preview", str(course), "--port", str(port)],
                            cwd=course.parent.parent, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    page = "/course/" + re.sub(r"^\d+-", "", lesson.stem) + ".html"
    served = Toolkit(name, lesson, page, port, proc)
    wait_until_up(port, page, proc)
    served.listen()
    return served


def start_mkdocs(name: str, project: Path, python: Path, lesson: Path) -> Mkdocs:
    port = free_port()
    proc = subprocess.Popen([str(python), "-m", "mkdocs", "serve", "-q", "-a", f"127.0.0.1:{port}"], cwd=project,
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    page = f"/{lesson.stem}/"
    served = Mkdocs(name, lesson, page, port, proc)
    wait_until_up(port, page, proc)
    return served


def mkdocs_project(dest: Path, lessons: Path) -> Path:
    shutil.rmtree(dest, ignore_errors=True)
    (dest / "docs").mkdir(parents=True)
    for lesson in sorted(lessons.glob("*.md")):
        shutil.copyfile(lesson, dest / "docs" / lesson.name)
    (dest / "docs" / "index.md").write_text("# Kursus\n", encoding="utf-8")
    (dest / "mkdocs.yml").write_text(MKDOCS_YML, encoding="utf-8")
    return dest


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--lessons", type=int, default=1000)
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--no-mkdocs", action="store_true", help="time the toolkit only")
    parser.add_argument("--work", type=Path, default=Path(tempfile.gettempdir()) / "toolkit-bench-preview")
    args = parser.parse_args()

    work = args.work
    project = work / "project"
    shutil.rmtree(project, ignore_errors=True)
    (project / "courses").mkdir(parents=True)
    shutil.copytree(REPO / "brands", project / "brands")
    for name in ("facts.yaml",):
        if (REPO / "courses" / name).is_file():
            shutil.copyfile(REPO / "courses" / name, project / "courses" / name)
    sample = shutil.copytree(REPO / "courses" / "cv", project / "courses" / "cv")
    big = generate(project / "courses" / "synthetic", args.lessons)
    sample_lesson = sorted((sample / "lessons").glob("*.md"))[1]
    big_lesson = sorted((big / "lessons").glob("*.md"))[args.lessons // 2]

    servers: list[Served] = []
    try:
        servers.append(start_toolkit("toolkit preview, sample course (4 lessons)", sample, sample_lesson))
        servers.append(start_toolkit(f"toolkit preview, {args.lessons} lessons", big, big_lesson))
        if not args.no_mkdocs:
            python = mkdocs_python(work)
            small_mk = mkdocs_project(work / "mk-sample", sample / "lessons")
            big_mk = mkdocs_project(work / "mk-big", big / "lessons")
            servers.append(start_mkdocs("mkdocs serve, sample course (4 lessons)", small_mk, python,
                                        small_mk / "docs" / sample_lesson.name))
            servers.append(start_mkdocs(f"mkdocs serve, {args.lessons} lessons", big_mk, python,
                                        big_mk / "docs" / big_lesson.name))
        loads = [os.getloadavg()[0]]
        for r in range(args.rounds):
            for s in servers[r % len(servers):] + servers[:r % len(servers)]:
                s.timed()
                loads.append(os.getloadavg()[0])
                time.sleep(0.3)  # let the watcher settle
    finally:
        for s in servers:
            s.stop()

    print(f"\nSave to served page, {args.rounds} alternating rounds, {os.cpu_count()} cores; 1-minute load average "
          f"during the run: min {min(loads):.1f}, median {statistics.median(loads):.1f}, max {max(loads):.1f}\n")
    print("| server | save to served page: median s | min s | max s | server CPU s per save, median |")
    print("|---|---:|---:|---:|---:|")
    for s in servers:
        print(f"| {s.name} | {statistics.median(s.times):.3f} | {min(s.times):.3f} | {max(s.times):.3f} | "
              f"{statistics.median(s.cpu):.3f} |")
    print("\ngoals: <= 0.3 s for a sample course, <= 0.5 s at 1,000 lessons")


if __name__ == "__main__":
    main()
