"""Hostile zips: time and peak memory of `toolkit validate` on each, beside `unzip -tq`.

Run:  python3 bench/bench_hostile.py [--rounds 3]

Writes the corpus of tests/packaging/hostile.py (plus a valid zip with one
500 MiB entry) to a temporary folder, then for each zip runs, alternating
round by round, `python -m toolkit validate ZIP` and Info-ZIP's `unzip -tq ZIP`
(the peer: it tests every entry by inflating it; stopped after 20 s).
Reports the median wall and CPU time and the peak RSS (VmHWM) of each.
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

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests.packaging.hostile import PEAK  # noqa: E402

PEER_TIMEOUT = 20.0


def hwm_kb(pid: int) -> int:
    try:
        with open(f"/proc/{pid}/status") as status:
            return int(next(line.split()[1] for line in status if line.startswith("VmHWM:")))
    except (OSError, StopIteration):
        return 0


def measure(args: list[str], timeout: float | None = None, peak_file: Path | None = None) -> tuple[float, float, int, int]:
    """Wall and CPU seconds, peak RSS in MB and exit code of one child (-9: stopped at the timeout).

    The peak is the child's own VmHWM: written by the PEAK wrapper when *peak_file*
    is given, else polled every 10 ms (ru_maxrss would include the parent's peak).
    CPU time (user + system, from wait4) is what the machine's load does not change."""
    start = time.perf_counter()
    env = {**os.environ, "TK_PEAK_FILE": str(peak_file)} if peak_file else None
    proc = subprocess.Popen(args, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=env)
    peak = 0
    while True:
        pid, status, usage = os.wait4(proc.pid, os.WNOHANG)
        if pid:
            break
        peak = max(peak, hwm_kb(proc.pid))
        if timeout is not None and time.perf_counter() - start > timeout:
            proc.kill()
            _, status, usage = os.wait4(proc.pid, 0)
            break
        time.sleep(0.01)
    proc.returncode = os.waitstatus_to_exitcode(status)
    wall = time.perf_counter() - start
    if peak_file is not None:
        peak = int(peak_file.read_text())
    return wall, usage.ru_utime + usage.ru_stime, peak // 1024, proc.returncode


def row(runs: list[tuple[float, float, int, int]], width: int) -> str:
    wall = statistics.median(r[0] for r in runs)
    cpu = statistics.median(r[1] for r in runs)
    return f"{wall:{width}.2f} {cpu:5.2f} {max(r[2] for r in runs):4} {runs[-1][3]:4}"


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    toolkit = [sys.executable, "-c", PEAK, "-m", "toolkit", "validate"]
    unzip = shutil.which("unzip")
    with tempfile.TemporaryDirectory() as tmp:
        # written by a child, so that this process stays small
        subprocess.run([sys.executable, str(ROOT / "tests/packaging/hostile.py")], check=True,
                       stdout=subprocess.DEVNULL, env={**os.environ, "HOSTILE_DIR": tmp})
        zips = {p.stem: p for p in sorted(Path(tmp).glob("*.zip")) if p.stem != "big-entry"}
        zips["big-entry-500mib (valid)"] = Path(tmp) / "big-entry.zip"
        print(f"{'zip':28} {'size':>9} | {'toolkit wall':>12} {'cpu':>5} {'MB':>4} {'exit':>4} |"
              f" {'unzip -t wall':>13} {'cpu':>5} {'MB':>4} {'exit':>4}")
        for name, path in zips.items():
            ours: list[tuple[float, float, int, int]] = []
            peer: list[tuple[float, float, int, int]] = []
            for _ in range(args.rounds):  # alternate the two, round by round
                ours.append(measure([*toolkit, str(path)], peak_file=Path(tmp) / "peak"))
                if unzip:
                    peer.append(measure([unzip, "-tq", str(path)], PEER_TIMEOUT))
            line = f"{name:28} {path.stat().st_size / 1e6:8.2f}M | " + row(ours, 12)
            if peer:
                line += " | " + row(peer, 13)
            print(line, flush=True)


if __name__ == "__main__":
    os.environ.setdefault("PYTHONPATH", str(ROOT))
    main()
