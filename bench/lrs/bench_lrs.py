"""LRS benchmark: write throughput and agent-filtered read latency.

Run:
    python3 bench/lrs/bench_lrs.py [--sizes 10000,100000,1000000] [--pg postgresql://...]
                                   [--ralph /path/to/ralph-venv]

Measures, over HTTP on loopback, against real server processes (one uvicorn
worker each):
  * statements/s for batched POST (100 statements a request) and single POST;
  * agent-filtered GET latency (median and p95) as the store grows.

Targets, side by side in one run:
  * `toolkit lrs serve` on SQLite (a temporary file);
  * `toolkit lrs serve` on PostgreSQL (`--pg`, a fresh database is made);
  * Ralph (ralph-malph, fs backend) when `--ralph` names a virtualenv that has
    it (`python3 -m venv V && V/bin/pip install 'ralph-malph[lrs,cli]' requests`),
    started by ralph_serve.py (see there for the one setting it changes).

To reach 1M statements in minutes rather than hours, each store is filled
outside HTTP in its own native format: ours through the storage API (the same
`normalise`/`index_keys`/`insert` path a POST takes), Ralph's by appending the
JSON lines its fs backend writes for a POST (the statement plus `id`, `stored`
and `authority`).  Every store holds the same generated statements.
Prints a Markdown table.  Not a test: it asserts nothing.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from datetime import datetime, timezone
from pathlib import Path

import httpx

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))
from bench.records.lrs_storage import insert_statements  # noqa: E402
from toolkit.lrs.auth import add_credential  # noqa: E402
from toolkit.lrs.storage import open_storage  # noqa: E402

H = {"X-Experience-API-Version": "1.0.3"}
COURSES = [f"https://kurser.example.dk/c{i}" for i in range(4)]
VERBS = ["initialized", "experienced", "answered", "completed", "passed", "terminated"]


def statement(learner: int, rng: random.Random) -> dict:
    course = rng.choice(COURSES)
    return {"id": str(uuid.UUID(int=rng.getrandbits(128), version=4)),
            "actor": {"objectType": "Agent", "account": {"homePage": "https://lms.example.dk", "name": f"borger-{learner}"}},
            "verb": {"id": "http://adlnet.gov/expapi/verbs/" + rng.choice(VERBS)},
            "object": {"objectType": "Activity", "id": f"{course}/lessons/l{rng.randint(1, 8)}"},
            "context": {"registration": str(uuid.UUID(int=rng.getrandbits(128), version=4)),
                        "contextActivities": {"parent": [{"id": course}]}},
            "timestamp": "2026-11-20T10:00:00.000Z"}


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Target:
    """One LRS under test: a server process plus a way to bulk-fill its store."""

    name = ""
    base = ""
    lookups = 50

    def start(self) -> subprocess.Popen:
        raise NotImplementedError

    def count(self) -> int:
        raise NotImplementedError

    def fill(self, statements: list[dict]) -> None:
        raise NotImplementedError


class Toolkit(Target):
    def __init__(self, name: str, url: str) -> None:
        self.name, self.url = name, url
        self.port = free_port()
        self.base = f"http://127.0.0.1:{self.port}/xapi/"

    def start(self) -> subprocess.Popen:
        storage = open_storage(self.url)
        add_credential(storage, "bench", ["all"], password="bench")
        storage.close()
        return subprocess.Popen([sys.executable, "-m", "toolkit", "lrs", "serve", "--db", self.url,
                                 "--port", str(self.port), "--rate", "0"],
                                stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)

    def count(self) -> int:
        storage = open_storage(self.url)
        try:
            return storage.fetchall("SELECT COUNT(*) FROM statements")[0][0]
        finally:
            storage.close()

    def fill(self, statements: list[dict]) -> None:
        insert_statements(self.url, [statements])  # the records benchmark's bulk loader


class Ralph(Target):
    lookups = 10  # each lookup scans the whole file, so fewer of them

    def __init__(self, venv: Path, workdir: Path) -> None:
        self.name = "Ralph 5 (fs)"
        self.venv, self.dir = venv, workdir
        self.port = free_port()
        self.base = f"http://127.0.0.1:{self.port}/xAPI/"
        self.data = workdir / "data"
        self.data.mkdir(parents=True, exist_ok=True)
        self.file = self.data / "fs_lrs.jsonl"
        self.env = {**os.environ, "RALPH_APP_DIR": str(workdir / "app"), "RALPH_AUTH_FILE": str(workdir / "auth.json"),
                    "RALPH_RUNSERVER_BACKEND": "fs",
                    "RALPH_BACKENDS__LRS__FS__DEFAULT_DIRECTORY_PATH": str(self.data)}

    def start(self) -> subprocess.Popen:
        subprocess.run([str(self.venv / "bin" / "ralph"), "auth", "-u", "bench", "-p", "bench", "-s", "all",
                        "-M", "mailto:bench@example.dk", "-w"], env=self.env, check=True,
                       stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        return subprocess.Popen([str(self.venv / "bin" / "python"), str(Path(__file__).with_name("ralph_serve.py")),
                                 str(self.port)], env=self.env, cwd=self.dir,
                                stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)

    def count(self) -> int:
        if not self.file.exists():
            return 0
        with self.file.open("rb") as f:
            return sum(1 for _ in f)

    def fill(self, statements: list[dict]) -> None:
        authority = {"mbox": "mailto:bench@example.dk", "objectType": "Agent"}
        with self.file.open("a", encoding="utf-8") as f:
            for s in statements:
                s = dict(s, stored=datetime.now(timezone.utc).isoformat(), authority=authority)
                f.write(json.dumps(s) + "\n")


def wait_ready(client: httpx.Client, url: str) -> None:
    for _ in range(200):
        try:
            client.get(url)
            return
        except httpx.HTTPError:
            time.sleep(0.1)
    raise SystemExit(f"server at {url} did not start")


def run(target: Target, sizes: list[int], learners: int) -> list[tuple[str, str]]:
    proc = target.start()
    rows: list[tuple[str, str]] = []
    rng = random.Random(7)
    try:
        client = httpx.Client(auth=("bench", "bench"), headers=H, timeout=600)
        wait_ready(client, target.base + "statements?limit=1")
        batches = 30
        start = time.perf_counter()
        for _ in range(batches):
            r = client.post(target.base + "statements", json=[statement(rng.randrange(learners), rng) for _ in range(100)])
            r.raise_for_status()
        rows.append(("batched POST (100/request)", f"{batches * 100 / (time.perf_counter() - start):,.0f} st/s"))
        singles = 300
        start = time.perf_counter()
        for _ in range(singles):
            client.post(target.base + "statements", json=statement(rng.randrange(learners), rng)).raise_for_status()
        rows.append(("single POST", f"{singles / (time.perf_counter() - start):,.0f} st/s"))
        fill_rng = random.Random(11)  # every target gets the same statements
        have = target.count()
        for size in sizes:
            t = time.perf_counter()
            while have < size:
                chunk = [statement(fill_rng.randrange(learners), fill_rng) for _ in range(min(50_000, size - have))]
                target.fill(chunk)
                have += len(chunk)
            print(f"  {target.name}: filled to {size:,} in {time.perf_counter() - t:.0f} s", file=sys.stderr)
            times = []
            look_rng = random.Random(13)
            for _ in range(target.lookups):
                agent = json.dumps({"objectType": "Agent", "account": {"homePage": "https://lms.example.dk",
                                                                       "name": f"borger-{look_rng.randrange(learners)}"}})
                t = time.perf_counter()
                r = client.get(target.base + "statements", params={"agent": agent, "limit": 100})
                r.raise_for_status()
                times.append((time.perf_counter() - t) * 1000)
            times.sort()
            p95 = times[max(0, round(len(times) * 0.95) - 1)]
            rows.append((f"agent GET at {size:,} statements",
                         f"median {statistics.median(times):,.1f} ms, p95 {p95:,.1f} ms"))
    finally:
        proc.terminate()
        proc.wait(timeout=30)
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", default="10000,100000,1000000")
    parser.add_argument("--learners", type=int, default=20000)
    parser.add_argument("--pg", default=os.environ.get("TOOLKIT_TEST_PG_URL"), help="PostgreSQL URL (a fresh database is made)")
    parser.add_argument("--ralph", type=Path, help="a virtualenv with ralph-malph installed, to run side by side")
    args = parser.parse_args()
    sizes = [int(s) for s in args.sizes.split(",")]
    results: dict[str, list[tuple[str, str]]] = {}
    with tempfile.TemporaryDirectory() as tmp:
        results["toolkit, SQLite"] = run(Toolkit("toolkit, SQLite", str(Path(tmp) / "bench.sqlite3")), sizes, args.learners)
        if args.pg:
            import psycopg

            name = f"bench_{uuid.uuid4().hex[:8]}"
            with psycopg.connect(args.pg, autocommit=True) as conn:
                conn.execute(f'CREATE DATABASE "{name}"')
            try:
                url = args.pg.rpartition("/")[0] + "/" + name
                results["toolkit, PostgreSQL"] = run(Toolkit("toolkit, PostgreSQL", url), sizes, args.learners)
            finally:
                with psycopg.connect(args.pg, autocommit=True) as conn:
                    conn.execute(f'DROP DATABASE "{name}" WITH (FORCE)')
        if args.ralph:
            target = Ralph(args.ralph, Path(tmp) / "ralph")
            results[target.name] = run(target, sizes, args.learners)
    names = list(results)
    print(f"\n| measure | {' | '.join(names)} |")
    print("|---|" + "---|" * len(names))
    for i, (label, _) in enumerate(results[names[0]]):
        print(f"| {label} | {' | '.join(results[n][i][1] for n in names)} |")
    ours = results[names[0]]
    for other in names[1:]:
        print(f"\nratio {names[0]} / {other}: batched POST "
              f"{_num(ours[0][1]) / _num(results[other][0][1]):.1f}x, single POST "
              f"{_num(ours[1][1]) / _num(results[other][1][1]):.1f}x; agent GET at {sizes[-1]:,}: "
              f"{_num(results[other][-1][1].split()[1]) / _num(ours[-1][1].split()[1]):.1f}x faster")


def _num(text: str) -> float:
    return float(text.split()[0].replace(",", ""))


if __name__ == "__main__":
    main()
