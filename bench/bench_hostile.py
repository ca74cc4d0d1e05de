"""Hostile zips: time and peak memory of `toolkit validate` on each, beside `unzip -tq`.

Run:  python3 bench/bench_hostile.py [--rounds 3]

Writes the corpus of tests/packaging/hostile.py (plus a valid zip with one
500 MiB entry) to a temporary folder, then for each zip runs, alternating
round by round, `python -m toolkit validate ZIP` and Info-ZIP's `unzip -tq ZIP`
(the peer: it tests every entry by inflating it; stopped after 20 s).
Reports the median wall time and the peak RSS (ru_maxrss of the child).
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

from tests.packaging.hostile import PEAK

PEER_TIMEOUT = 20.0


def hwm_kb(pid: int) -> int:
    try:
        with open(f"/proc/{pid}/status") as status:
            return int(next(line.split()[1] for line in status if line.startswith("VmHWM:")))
    except (OSError, StopIteration):
        return 0


def measure(args: list[str], timeout: float | None = None, peak_file: Path | None = None) -> tuple[float, int, int]:
    """Wall seconds, peak RSS in MB and exit code of one child (code -9: stopped at the timeout).

    The peak is the child's own VmHWM: written by the PEAK wrapper when *peak_file*
    is given, else polled every 10 ms (ru_maxrss would include the parent's peak)."""
    start = time.perf_counter()
    env = {**os.environ, "TK_PEAK_FILE": str(peak_file)} if peak_file else None
    proc = subprocess.Popen(args, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=env)
    peak = 0
    while proc.poll() is None:
        peak = max(peak, hwm_kb(proc.pid))
        if timeout is not None and time.perf_counter() - start > timeout:
            proc.kill()
            proc.wait()
            break
        time.sleep(0.01)
    if peak_file is not None:
        peak = int(peak_file.read_text())
    return time.perf_counter() - start, peak // 1024, proc.returncode


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
        print(f"{'zip':28} {'size':>9} | {'toolkit s':>9} {'MB':>4} {'exit':>4} | {'unzip -t s':>10} {'MB':>4} {'exit':>4}")
        for name, path in zips.items():
            ours: list[tuple[float, int, int]] = []
            peer: list[tuple[float, int, int]] = []
            for _ in range(args.rounds):  # alternate the two, round by round
                ours.append(measure([*toolkit, str(path)], peak_file=Path(tmp) / "peak"))
                if unzip:
                    peer.append(measure([unzip, "-tq", str(path)], PEER_TIMEOUT))
            t = statistics.median(r[0] for r in ours)
            line = f"{name:28} {path.stat().st_size / 1e6:8.2f}M | {t:9.2f} {max(r[1] for r in ours):4} {ours[-1][2]:4}"
            if peer:
                p = statistics.median(r[0] for r in peer)
                line += f" | {p:10.2f} {max(r[1] for r in peer):4} {peer[-1][2]:4}"
            print(line, flush=True)


if __name__ == "__main__":
    os.environ.setdefault("PYTHONPATH", str(ROOT))
    main()
