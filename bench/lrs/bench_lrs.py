"""LRS benchmark: write throughput and agent-filtered read latency.

Run:
    python3 bench/lrs/bench_lrs.py [--sizes 10000,100000,1000000] [--pg postgresql://...]
                                   [--ralph /path/to/ralph-venv]

Measures, over HTTP on loopback, against real server processes (the writing clients use the
standard library's http.client by default, a kept-alive connection each, bodies encoded before
the clock starts; `--client httpx` for httpx):
  * statements/s for batched POST (100 statements a request) and single POST,
    from one client and from several at once;
  * agent-filtered GET latency (median and p95) as the store grows.
Every measure runs in rounds (--rounds); in each round every target takes its
turn, in an order that rotates, so a busy moment of a shared machine falls on
all targets alike.  Write figures are the median of the rounds (min–max).

Targets, side by side in one run:
  * `toolkit lrs serve` on SQLite (a temporary file);
  * `toolkit lrs serve` on SQLite with synchronous=NORMAL (`--sqlite-normal`),
    to show what the default synchronous=FULL costs;
  * `toolkit lrs serve` on PostgreSQL (`--pg`, a fresh database is made), with
    one worker and with `--pg-workers` workers;
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
import base64
import http.client
import json
import os
import random
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from datetime import datetime, timezone
from pathlib import Path
from urllib.parse import urlsplit

import httpx

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))
from bench.records.lrs_storage import insert_statements  # noqa: E402
from toolkit.lrs.auth import add_credential  # noqa: E402
from toolkit.lrs.storage import open_storage  # noqa: E402

H = {"X-Experience-API-Version": "1.0.3"}
# The writing clients: "http" (the standard library's http.client, one kept-alive connection per
# client, the default: it leaves most of the 2 cores to the servers) or "httpx".
CLIENT = "http"
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
    restricted = False  # has a package key (statements/write, one activity prefix and homePage)

    def start(self) -> subprocess.Popen:
        raise NotImplementedError

    def count(self) -> int:
        raise NotImplementedError

    def fill(self, statements: list[dict]) -> None:
        raise NotImplementedError


class Toolkit(Target):
    restricted = True

    def __init__(self, name: str, url: str, workers: int = 1, env: dict[str, str] | None = None) -> None:
        self.name, self.url, self.workers = name, url, workers
        self.env = {**os.environ, **(env or {})}
        self.port = free_port()
        self.base = f"http://127.0.0.1:{self.port}/xapi/"

    def start(self) -> subprocess.Popen:
        storage = open_storage(self.url)
        add_credential(storage, "bench", ["all"], password="bench")
        add_credential(storage, "package", ["statements/write"], password="package",
                       activity_prefixes=["https://kurser.example.dk/"], homepage="https://lms.example.dk")
        storage.close()
        # The package key's two rate buckets (per key, per address) are taken on every write, but
        # set high enough never to refuse one: the row measures their cost, not a 429.
        return subprocess.Popen([sys.executable, "-m", "toolkit", "lrs", "serve", "--db", self.url,
                                 "--port", str(self.port), "--workers", str(self.workers),
                                 "--rate", "1000000", "--burst", "1000000", "--rate-per-address", "1000000"],
                                stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=self.env)

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
    for _ in range(300):
        try:
            client.get(url)
            return
        except httpx.HTTPError:
            time.sleep(0.1)
    raise SystemExit(f"server at {url} did not start")


def parallel(clients: int, job) -> None:
    errors: list[BaseException] = []

    def run_one(n: int) -> None:
        try:
            job(n)
        except BaseException as exc:  # noqa: BLE001 - reported below
            errors.append(exc)

    threads = [threading.Thread(target=run_one, args=(n,)) for n in range(clients)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    if errors:
        raise errors[0]


def writes(target: Target, rng: random.Random, learners: int) -> dict[str, float]:
    """One round of write measures against *target*: statements/s for each.  The request bodies
    are encoded before the clock starts, so the figure is the server's, not the client's JSON
    encoder's (the client runs on the same cores)."""
    out: dict[str, float] = {}
    for label, clients, per_client, batch, key in WRITES:
        if key != "bench" and not target.restricted:
            continue
        work = [[json.dumps([statement(rng.randrange(learners), rng) for _ in range(batch)] if batch > 1
                            else statement(rng.randrange(learners), rng)).encode()
                 for _ in range(per_client)] for _ in range(clients)]

        def job(n: int) -> None:
            headers = {**H, "Content-Type": "application/json"}
            if CLIENT == "httpx":
                with httpx.Client(auth=(key, key), headers=headers, timeout=600) as c:
                    for body in work[n]:
                        c.post(target.base + "statements", content=body).raise_for_status()
                return
            url = urlsplit(target.base + "statements")
            headers["Authorization"] = "Basic " + base64.b64encode(f"{key}:{key}".encode()).decode()
            conn = http.client.HTTPConnection(url.hostname or "127.0.0.1", url.port, timeout=600)
            try:
                for body in work[n]:
                    conn.request("POST", url.path, body=body, headers=headers)
                    answer = conn.getresponse()
                    answer.read()
                    if answer.status != 200:
                        raise RuntimeError(f"{target.name}: POST answered {answer.status}")
            finally:
                conn.close()

        start = time.perf_counter()
        parallel(clients, job)
        out[label] = clients * per_client * batch / (time.perf_counter() - start)
    return out


WRITES = [("batched POST (100/request), 1 client", 1, 30, 100, "bench"),
          ("batched POST (100/request), 4 clients", 4, 10, 100, "bench"),
          ("single POST, 1 client", 1, 300, 1, "bench"),
          ("single POST, 8 clients", 8, 60, 1, "bench"),
          ("single POST with a package key (2 rate buckets), 8 clients", 8, 60, 1, "package")]


def lookups(target: Target, learners: int, rng: random.Random) -> list[float]:
    times = []
    with httpx.Client(auth=("bench", "bench"), headers=H, timeout=600) as client:
        for _ in range(target.lookups):
            agent = json.dumps({"objectType": "Agent", "account": {"homePage": "https://lms.example.dk",
                                                                   "name": f"borger-{rng.randrange(learners)}"}})
            t = time.perf_counter()
            client.get(target.base + "statements", params={"agent": agent, "limit": 100}).raise_for_status()
            times.append((time.perf_counter() - t) * 1000)
    return times


def load() -> str:
    return os.getloadavg().__repr__()


def bench(targets: list[Target], sizes: list[int], learners: int, rounds: int) -> dict[str, dict[str, str]]:
    """Every measure in *rounds* rounds; in each round every target in turn, the order rotating,
    so that a busy moment of the machine falls on all of them alike."""
    procs = [t.start() for t in targets]
    results: dict[str, dict[str, str]] = {t.name: {} for t in targets}
    try:
        for t in targets:
            with httpx.Client(auth=("bench", "bench"), headers=H, timeout=60) as c:
                wait_ready(c, t.base + "statements?limit=1")
        rates: dict[str, dict[str, list[float]]] = {t.name: {} for t in targets}
        for r in range(rounds):
            for t in targets[r % len(targets):] + targets[:r % len(targets)]:
                for label, value in writes(t, random.Random(100 * r + 7), learners).items():
                    rates[t.name].setdefault(label, []).append(value)
            print(f"  round {r + 1}/{rounds} of writes done, load {load()}", file=sys.stderr)
        for t in targets:
            for label, values in rates[t.name].items():
                results[t.name][label] = (f"{statistics.median(values):,.0f} st/s "
                                          f"({min(values):,.0f}–{max(values):,.0f})")
        fill_rng = random.Random(11)
        have = {t.name: t.count() for t in targets}
        for size in sizes:  # every store gets the same statements, 50,000 at a time
            while min(have.values()) < size:
                chunk = [statement(fill_rng.randrange(learners), fill_rng)
                         for _ in range(min(50_000, size - min(have.values())))]
                for t in targets:
                    part = chunk[:max(0, size - have[t.name])]
                    if part:
                        t.fill([dict(s) for s in part])
                        have[t.name] += len(part)
            times: dict[str, list[float]] = {t.name: [] for t in targets}
            for r in range(rounds):
                for t in targets[r % len(targets):] + targets[:r % len(targets)]:
                    times[t.name] += lookups(t, learners, random.Random(13 + r))
            for t in targets:
                ts = sorted(times[t.name])
                p95 = ts[max(0, round(len(ts) * 0.95) - 1)]
                results[t.name][f"agent GET at {size:,} statements"] = (
                    f"median {statistics.median(ts):,.1f} ms, p95 {p95:,.1f} ms")
    finally:
        for proc in procs:
            proc.terminate()
            proc.wait(timeout=30)
    return results


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", default="10000,100000,1000000")
    parser.add_argument("--learners", type=int, default=20000)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--pg", default=os.environ.get("TOOLKIT_TEST_PG_URL"), help="PostgreSQL URL (fresh databases are made)")
    parser.add_argument("--pg-workers", type=int, default=2, help="workers of the second PostgreSQL target (0: none)")
    parser.add_argument("--sqlite-normal", action="store_true",
                        help="also SQLite with synchronous=NORMAL, to show what synchronous=FULL costs")
    parser.add_argument("--ralph", type=Path, help="a virtualenv with ralph-malph installed, to run side by side")
    parser.add_argument("--client", choices=["http", "httpx"], default="http",
                        help="the writing clients' HTTP library (http: the standard library's, lighter)")
    args = parser.parse_args()
    global CLIENT
    CLIENT = args.client
    sizes = [int(s) for s in args.sizes.split(",") if s]
    databases: list[str] = []
    print(f"load average at start {load()}", file=sys.stderr)
    with tempfile.TemporaryDirectory() as tmp:
        targets: list[Target] = [Toolkit("toolkit, SQLite", str(Path(tmp) / "bench.sqlite3"))]
        if args.sqlite_normal:
            targets.append(Toolkit("toolkit, SQLite NORMAL", str(Path(tmp) / "normal.sqlite3"),
                                   env={"TOOLKIT_LRS_SQLITE_SYNCHRONOUS": "NORMAL"}))
        if args.pg:
            import psycopg

            for workers in [1] + ([args.pg_workers] if args.pg_workers > 1 else []):
                name = f"bench_{uuid.uuid4().hex[:8]}"
                with psycopg.connect(args.pg, autocommit=True) as conn:
                    conn.execute(f'CREATE DATABASE "{name}"')
                databases.append(name)
                label = "toolkit, PostgreSQL" + (f" ({workers} workers)" if workers > 1 else "")
                targets.append(Toolkit(label, args.pg.rpartition("/")[0] + "/" + name, workers))
        if args.ralph:
            targets.append(Ralph(args.ralph, Path(tmp) / "ralph"))
        try:
            results = bench(targets, sizes, args.learners, args.rounds)
        finally:
            if databases:
                import psycopg

                with psycopg.connect(args.pg, autocommit=True) as conn:
                    for name in databases:
                        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    print(f"load average at end {load()}", file=sys.stderr)
    names = list(results)
    print(f"\n| measure | {' | '.join(names)} |")
    print("|---|" + "---|" * len(names))
    for label in results[names[0]]:
        print(f"| {label} | {' | '.join(results[n].get(label, '-') for n in names)} |")


if __name__ == "__main__":
    main()
