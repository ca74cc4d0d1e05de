"""The plain (click-less) ``python -m toolkit build`` against the click command: hostile command lines and streams."""
from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from ..conftest import ROOT, assemble_course

CLICK = [sys.executable, "-c", "from toolkit.cli import main; main(prog_name='toolkit')"]
PLAIN = [sys.executable, "-m", "toolkit"]


def both(tmp_path: Path, args: list[str], env_extra: dict[str, str] | None = None, prep=None):
    env = {**os.environ, "PYTHONPATH": str(ROOT), "TOOLKIT_TODAY": "2026-12-01", **(env_extra or {})}
    got = []
    for side, cmd in (("click", CLICK), ("plain", PLAIN)):
        d = tmp_path / side
        assemble_course("ok-minimal", d / "courses" / "ok-minimal")
        if prep is not None:
            prep(d)
        p = subprocess.run([*cmd, "build", "courses/ok-minimal", *args], cwd=d, capture_output=True, env=env,
                           check=False)
        got.append((p.returncode, p.stdout, p.stderr.replace(b"python -m toolkit", b"toolkit")))
    return got


def test_short_option_with_equals_is_refused_as_click_refuses_it(tmp_path):
    # click reads "-j=3" as -j with the value "=3" and refuses it (exit 2): so must the plain path
    by_click, plain = both(tmp_path, ["--out", "out", "--format", "web", "-j=3"])
    assert by_click[0] == 2
    assert plain == by_click


@pytest.mark.parametrize("encoding", ["ascii"])
def test_non_ascii_output_on_an_ascii_stream_is_printed_as_click_prints_it(tmp_path, encoding):
    # click re-wraps a stream it finds misconfigured as ASCII (UTF-8, errors=replace): so must the plain path
    by_click, plain = both(tmp_path, ["--out", "out-æ", "--format", "web"], {"PYTHONIOENCODING": encoding})
    assert by_click[0] == 0
    assert plain == by_click


def test_replayed_non_ascii_output_on_an_ascii_stream(tmp_path):
    # the replay in from_argv writes to sys.stdout directly as well (pre-existing path, same cause)
    env = {"PYTHONIOENCODING": "ascii"}
    by_click, plain = both(tmp_path, ["--out", "out-æ", "--format", "web"], prep=None)  # first builds, UTF-8
    assert by_click[0] == plain[0] == 0
    envd = {**os.environ, "PYTHONPATH": str(ROOT), "TOOLKIT_TODAY": "2026-12-01", **env}
    args = ["build", "courses/ok-minimal", "--out", "out-æ", "--format", "web"]
    c = subprocess.run([*CLICK, *args], cwd=tmp_path / "click", capture_output=True, env=envd, check=False)
    p = subprocess.run([*PLAIN, *args], cwd=tmp_path / "plain", capture_output=True, env=envd, check=False)
    assert (p.returncode, p.stdout, p.stderr) == (c.returncode, c.stdout, c.stderr)


@pytest.mark.parametrize("closed", [">&-", "2>&-"])
def test_a_closed_stream_is_skipped_as_click_skips_it(tmp_path, closed):
    # sys.stdout/sys.stderr is None: click.echo prints nothing and the build succeeds;
    import shlex

    env = {**os.environ, "PYTHONPATH": str(ROOT), "TOOLKIT_TODAY": "2026-12-01"}
    got = []
    for side, cmd in (("click", CLICK), ("plain", PLAIN)):
        d = tmp_path / side
        assemble_course("ok-minimal", d / "courses" / "ok-minimal")
        line = " ".join(map(shlex.quote, [*cmd, "build", "courses/ok-minimal", "--out", "out", "--format", "web"]))
        p = subprocess.run(f"{line} {closed}", shell=True, cwd=d, capture_output=True, env=env, check=False)
        got.append((p.returncode, (d / "out" / "ok-minimal" / "site" / "index.html").is_file()))
    assert got[0] == (0, True)
    assert got[1] == got[0]
