"""LRS benchmark: write throughput and agent-filtered read latency, SQLite and PostgreSQL.

Run:  python3 bench/lrs/bench_lrs.py [--sizes 10000,100000,1000000] [--pg postgresql://...]

Starts `toolkit lrs serve` (a real uvicorn process) per database and measures
over HTTP on loopback:
  * statements/s for batched POST (100 statements a request) and single POST
  * agent-filtered GET latency (median and p95 of 50 lookups) as the store grows;
    the store is filled to each size through the storage API, which is far
    faster than HTTP for millions of statements.
Prints a table.  Not a test: it asserts nothing.
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
from pathlib import Path

import httpx

from toolkit.lrs.auth import add_credential
from toolkit.lrs.statements import index_keys, normalise, now_stored
from toolkit.lrs.storage import open_storage

H = {"X-Experience-API-Version": "1.0.3"}
COURSES = [f"https://kurser.example.dk/c{i}" for i in range(4)]
VERBS = ["initialized", "experienced", "answered", "completed", "passed", "terminated"]


def statement(learner: int, rng: random.Random) -> dict:
    course = rng.choice(COURSES)
    return {"id": str(uuid.uuid4()),
            "actor": {"objectType": "Agent", "account": {"homePage": "https://lms.example.dk", "name": f"borger-{learner}"}},
            "verb": {"id": "http://adlnet.gov/expapi/verbs/" + rng.choice(VERBS)},
            "object": {"objectType": "Activity", "id": f"{course}/lessons/l{rng.randint(1, 8)}"},
            "context": {"registration": str(uuid.uuid4()), "contextActivities": {"parent": [{"id": course}]}},
            "timestamp": "2026-11-20T10:00:00.000Z"}


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def fill(url: str, target: int, learners: int, rng: random.Random) -> None:
    storage = open_storage(url)
    have = storage.fetchall("SELECT COUNT(*) FROM statements")[0][0]
    auth = {"objectType": "Agent", "account": {"homePage": "http://127.0.0.1/", "name": "bench"}}
    while have < target:
        rows = []
        stored = now_stored()
        for _ in range(min(5000, target - have)):
            s = normalise(statement(rng.randrange(learners), rng))
            s.update(stored=stored, authority=auth)
            agents, activities, definitions = index_keys(s)
            rows.append({"statement": s, "stored": stored, "agents": agents, "activities": activities,
                         "definitions": {}, "voids": None, "sha2s": []})
        storage.insert(rows, {})
        have += len(rows)
    storage.analyze()  # as autovacuum would after a bulk load
    storage.close()


def run(url: str, sizes: list[int], learners: int) -> list[tuple[str, str]]:
    storage = open_storage(url)
    add_credential(storage, "bench", ["all"], password="bench")
    storage.close()
    port = free_port()
    proc = subprocess.Popen([sys.executable, "-m", "toolkit", "lrs", "serve", "--db", url, "--port", str(port),
                             "--rate", "0"], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    base = f"http://127.0.0.1:{port}/xapi/"
    rows: list[tuple[str, str]] = []
    rng = random.Random(7)
    try:
        client = httpx.Client(auth=("bench", "bench"), headers=H, timeout=60)
        for _ in range(100):
            try:
                client.get(base + "about")
                break
            except httpx.HTTPError:
                time.sleep(0.1)
        batches = 30
        start = time.perf_counter()
        for _ in range(batches):
            r = client.post(base + "statements", json=[statement(rng.randrange(learners), rng) for _ in range(100)])
            r.raise_for_status()
        rows.append(("batched POST (100/request)", f"{batches * 100 / (time.perf_counter() - start):,.0f} statements/s"))
        singles = 300
        start = time.perf_counter()
        for _ in range(singles):
            client.post(base + "statements", json=statement(rng.randrange(learners), rng)).raise_for_status()
        rows.append(("single POST", f"{singles / (time.perf_counter() - start):,.0f} statements/s"))
        for size in sizes:
            fill(url, size, learners, rng)
            times = []
            for _ in range(50):
                agent = json.dumps({"account": {"homePage": "https://lms.example.dk", "name": f"borger-{rng.randrange(learners)}"}})
                t = time.perf_counter()
                r = client.get(base + "statements", params={"agent": agent, "limit": 100})
                r.raise_for_status()
                times.append((time.perf_counter() - t) * 1000)
            times.sort()
            rows.append((f"agent GET at {size:,} statements",
                         f"median {statistics.median(times):.1f} ms, p95 {times[int(len(times) * 0.95) - 1]:.1f} ms"))
    finally:
        proc.terminate()
        proc.wait(timeout=10)
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", default="10000,100000,1000000")
    parser.add_argument("--learners", type=int, default=20000)
    parser.add_argument("--pg", default=os.environ.get("TOOLKIT_TEST_PG_URL"), help="PostgreSQL URL (a fresh database is made)")
    args = parser.parse_args()
    sizes = [int(s) for s in args.sizes.split(",")]
    results = {}
    with tempfile.TemporaryDirectory() as tmp:
        results["SQLite"] = run(str(Path(tmp) / "bench.sqlite3"), sizes, args.learners)
    if args.pg:
        import psycopg

        name = f"bench_{uuid.uuid4().hex[:8]}"
        with psycopg.connect(args.pg, autocommit=True) as conn:
            conn.execute(f'CREATE DATABASE "{name}"')
        try:
            results["PostgreSQL"] = run(args.pg.rpartition("/")[0] + "/" + name, sizes, args.learners)
        finally:
            with psycopg.connect(args.pg, autocommit=True) as conn:
                conn.execute(f'DROP DATABASE "{name}" WITH (FORCE)')
    names = list(results)
    print(f"\n| measure | {' | '.join(names)} |")
    print("|---|" + "---|" * len(names))
    for i, (label, _) in enumerate(results[names[0]]):
        print(f"| {label} | {' | '.join(results[n][i][1] for n in names)} |")


if __name__ == "__main__":
    main()
