"""Benchmark (not a test): one learner's lookup when the LRS holds many statements.

    python3 bench/records/bench_lookup.py                       # 1,000,000 statements, 20,000 learners
    python3 bench/records/bench_lookup.py --statements 100000   # a quicker run

Fills a fresh built-in LRS (SQLite by default, ``--db postgresql://...`` for
PostgreSQL), starts ``toolkit lrs serve`` on a free port, and times
``lookup_learner`` (the code behind ``toolkit records learner`` and the web
page) over HTTP for random learners.  Statements are loaded straight into the
LRS storage through its library API (``--load storage``, fast), or posted over
HTTP in batches (``--load http``, works with any LRS but slow for 1M).
Target: under 1 s per lookup against 1M statements.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import random
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from collections.abc import Iterator
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from tests.records.servers import LRS, child_env, free_port, running, toolkit  # noqa: E402
from toolkit.records.client import Connection, LRSClient  # noqa: E402
from toolkit.records.lookup import lookup_learner  # noqa: E402

ADL = "http://adlnet.gov/expapi/verbs/"
HOME = "https://lms.example.dk"
COURSES = [f"https://kurser.example.dk/bench/kursus-{i}" for i in range(5)]
START = dt.datetime(2026, 1, 5, 7, 0, tzinfo=dt.timezone.utc)


def learner_name(i: int) -> str:
    return f"bench-{i:06d}"


def learner_statements(i: int, count: int, rng: random.Random) -> list[dict]:
    """*count* statements of learner *i*: attempts at 1-3 courses, lessons, answers, results."""
    out: list[dict] = []
    actor = {"objectType": "Agent", "account": {"homePage": HOME, "name": learner_name(i)}}
    when = START + dt.timedelta(minutes=rng.randrange(0, 60 * 24 * 300))
    courses = rng.sample(COURSES, rng.randint(1, 3))
    while len(out) < count:
        course = rng.choice(courses)
        reg = str(uuid.UUID(int=rng.getrandbits(128), version=4))
        plan = ["initialized"] + ["experienced", "answered"] * rng.randint(2, 6)
        plan += [rng.choice(["passed", "failed", "completed"]), "terminated"] if rng.random() < 0.7 else []
        for verb in plan:
            if len(out) >= count:
                break
            when += dt.timedelta(seconds=rng.randint(20, 600))
            obj = course if verb in ("initialized", "passed", "failed", "completed", "terminated") \
                else f"{course}/lektion/{rng.randint(1, 8)}"
            s = {"id": str(uuid.UUID(int=rng.getrandbits(128), version=4)), "actor": actor,
                 "verb": {"id": ADL + verb}, "object": {"objectType": "Activity", "id": obj},
                 "timestamp": when.isoformat().replace("+00:00", "Z"), "context": {"registration": reg}}
            if obj != course:
                s["context"]["contextActivities"] = {"parent": [{"id": course}], "grouping": [{"id": course}]}
            if verb in ("passed", "failed"):
                s["result"] = {"score": {"scaled": round(rng.random(), 2)}, "success": verb == "passed"}
            if verb == "terminated":
                s["result"] = {"duration": f"PT{rng.randint(5, 90)}M"}
            out.append(s)
    return out


def generate(total: int, learners: int, seed: int) -> Iterator[list[dict]]:
    """All statements, one learner's list at a time (spread evenly)."""
    rng = random.Random(seed)
    base, extra = divmod(total, learners)
    for i in range(learners):
        yield learner_statements(i, base + (1 if i < extra else 0), rng)


def load_http(lrs: LRS, batches: Iterator[list[dict]], batch_size: int = 2000) -> None:
    import base64
    import urllib.request

    token = base64.b64encode(f"{lrs.writer[0]}:{lrs.writer[1]}".encode()).decode()
    buffer: list[dict] = []

    def flush() -> None:
        req = urllib.request.Request(lrs.endpoint + "statements", data=json.dumps(buffer).encode(), method="POST",
                                     headers={"Content-Type": "application/json", "Authorization": f"Basic {token}",
                                              "X-Experience-API-Version": "1.0.3"})
        urllib.request.urlopen(req, timeout=600).close()
        buffer.clear()

    for group in batches:
        buffer.extend(group)
        if len(buffer) >= batch_size:
            flush()
    if buffer:
        flush()


def load_storage(db_url: str, batches: Iterator[list[dict]]) -> None:
    """Direct inserts through the LRS library API (no HTTP)."""
    from bench.records.lrs_storage import insert_statements

    insert_statements(db_url, batches)


def time_team(client: LRSClient, args: argparse.Namespace, rng: random.Random) -> None:
    """The team view: *args.team* learners in one course, one by one, and the chart's weekly completions."""
    from toolkit.records.team import completions, lookup_team

    rounds = []
    for _ in range(5):
        team = [(learner_name(rng.randrange(args.learners)), None) for _ in range(args.team)]
        t = time.perf_counter()
        rows = lookup_team(client, COURSES[0], team)
        rounds.append(time.perf_counter() - t)
    print(f"lookup_team, {args.team} learners in one course, 5 rounds: median {statistics.median(rounds) * 1000:.0f} ms, "
          f"max {max(rounds) * 1000:.0f} ms ({len(rows)} rows)")
    t = time.perf_counter()
    done = completions(client, COURSES[0], START)
    print(f"completions for the chart (all learners of one course since {START.date()}): "
          f"{(time.perf_counter() - t) * 1000:.0f} ms, {len(done):,} learners")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--statements", type=int, default=1_000_000)
    ap.add_argument("--learners", type=int, default=20_000)
    ap.add_argument("--db", default=None, help="LRS database URL (default: SQLite in a temporary folder)")
    ap.add_argument("--load", choices=("storage", "http"), default="storage")
    ap.add_argument("--samples", type=int, default=30, help="lookups to time")
    ap.add_argument("--seed", type=int, default=7)
    ap.add_argument("--team", type=int, default=30, help="learners in the team view's lookup (0: skip)")
    args = ap.parse_args()

    work = Path(tempfile.mkdtemp(prefix="records-bench-"))
    db = args.db or f"sqlite:///{work / 'lrs.db'}"
    reader, writer = ("bench-reader", "bench-read-pw"), ("bench-writer", "bench-write-pw")
    for (name, pw), scope in ((reader, "statements/read"), (writer, "statements/write")):
        done = toolkit("lrs", "credentials", "add", name, "--scope", scope, "--password", pw, "--db", db)
        if done.returncode:
            sys.exit(f"credentials add failed: {done.stderr}")
    port = free_port()
    endpoint = f"http://127.0.0.1:{port}/xapi/"
    lrs = LRS(endpoint, reader, writer)
    print(f"LRS database: {db}")
    t0 = time.perf_counter()
    if args.load == "storage":
        load_storage(db, generate(args.statements, args.learners, args.seed))
    with running(["lrs", "serve", "--db", db, "--host", "127.0.0.1", "--port", str(port), "--rate", "0"],
                 endpoint + "about",
                 work / "lrs.log", child_env()):
        if args.load == "http":
            load_http(lrs, generate(args.statements, args.learners, args.seed))
        load_s = time.perf_counter() - t0
        print(f"loaded {args.statements:,} statements from {args.learners:,} learners in {load_s:.1f} s "
              f"({args.statements / load_s:,.0f}/s, {args.load})")
        client = LRSClient(Connection(endpoint, *reader, homepages=(HOME,)))
        rng = random.Random(args.seed + 1)
        picks = [rng.randrange(args.learners) for _ in range(args.samples)]
        timings = []
        per_learner = args.statements / args.learners
        for n, i in enumerate(picks):
            t = time.perf_counter()
            records = lookup_learner(client, learner_name(i))
            timings.append(time.perf_counter() - t)
            if n == 0:
                print(f"first lookup (cold): {timings[0] * 1000:.0f} ms, {len(records)} course(s) for "
                      f"{learner_name(i)} (~{per_learner:.0f} statements)")
        warm = sorted(timings[1:]) or timings
        p95 = warm[min(len(warm) - 1, int(len(warm) * 0.95))]
        print(f"lookup_learner over HTTP, {len(warm)} warm lookups: median {statistics.median(warm) * 1000:.0f} ms, "
              f"p95 {p95 * 1000:.0f} ms, max {max(warm) * 1000:.0f} ms")
        env = child_env(TOOLKIT_LRS_ENDPOINT=endpoint, TOOLKIT_LRS_USERNAME=reader[0],
                        TOOLKIT_LRS_PASSWORD=reader[1], TOOLKIT_ACTOR_HOMEPAGE=HOME)
        t = time.perf_counter()
        done = subprocess.run([sys.executable, "-m", "toolkit", "records", "learner", learner_name(picks[0]),
                               "--format", "json"], cwd=ROOT, env=env, capture_output=True, text=True)
        cli_s = time.perf_counter() - t
        print(f"`toolkit records learner` end to end (process start included): {cli_s * 1000:.0f} ms "
              f"(exit {done.returncode})")
        if args.team:
            time_team(client, args, rng)
        verdict = "MET" if max(warm) < 1.0 else "MISSED"
        print(f"target < 1 s per lookup against {args.statements:,} statements: {verdict}")


if __name__ == "__main__":
    main()
