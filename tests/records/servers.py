"""Real servers for the records integration tests: the built-in LRS and the records web page.

Both run as subprocesses of the real CLI on random free ports.  Set
``TOOLKIT_RECORDS_TEST_LRS=ENDPOINT|READER:PW|WRITER:PW`` to run the same
tests against an LRS that is already running (any conformant xAPI 1.0.3 LRS).
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
# Scope names given to `toolkit lrs credentials add --scope` (the xAPI OAuth scope vocabulary).
READ_SCOPE = "statements/read"
WRITE_SCOPE = "statements/write"


@dataclass(frozen=True)
class LRS:
    endpoint: str
    reader: tuple[str, str]
    writer: tuple[str, str]
    db: str | None = None  # the built-in LRS's database, for `toolkit lrs credentials add`; None for another LRS

    def add_credential(self, name: str, password: str, *options: str) -> tuple[str, str]:
        """A further credential through the real CLI, e.g. a key scoped to one course and homePage."""
        if self.db is None:
            raise RuntimeError("credentials can only be added to the built-in LRS")
        done = toolkit("lrs", "credentials", "add", name, "--password", password, "--db", self.db, *options)
        if done.returncode != 0:
            raise RuntimeError(f"toolkit lrs credentials add failed:\n{done.stdout}\n{done.stderr}")
        return name, password


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def child_env(**extra: str) -> dict[str, str]:
    env = dict(os.environ)
    env["PYTHONPATH"] = str(ROOT) + os.pathsep + env.get("PYTHONPATH", "")
    for key in ("TOOLKIT_LRS_ENDPOINT", "TOOLKIT_LRS_USERNAME", "TOOLKIT_LRS_PASSWORD", "TOOLKIT_ACTOR_HOMEPAGE",
                "TOOLKIT_RECORDS_CONFIG", "TOOLKIT_RECORDS_USERS"):
        env.pop(key, None)
    env.update(extra)
    return env


def toolkit(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "toolkit", *args], cwd=ROOT, env=env or child_env(),
                          capture_output=True, text=True, timeout=120, check=False)


def wait_for(url: str, proc: subprocess.Popen[bytes] | None, log: Path, seconds: float = 60) -> None:
    """Poll *url* until the server answers (any HTTP status)."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if proc is not None and proc.poll() is not None:
            raise RuntimeError(f"server exited with {proc.returncode}:\n{log.read_text(errors='replace')[-3000:]}")
        try:
            urllib.request.urlopen(url, timeout=2).close()
            return
        except urllib.error.HTTPError as answer:  # it answered; the error holds the open response
            answer.close()
            return
        except OSError:
            time.sleep(0.2)
    raise RuntimeError(f"server at {url} did not start:\n{log.read_text(errors='replace')[-3000:]}")


@contextmanager
def running(args: list[str], url: str, log: Path, env: dict[str, str]) -> Iterator[subprocess.Popen[bytes]]:
    with log.open("wb") as out:
        proc = subprocess.Popen([sys.executable, "-m", "toolkit", *args], cwd=ROOT, env=env,
                                stdout=out, stderr=subprocess.STDOUT)
    try:
        wait_for(url, proc, log)
        yield proc
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


@contextmanager
def built_in_lrs(workdir: Path) -> Iterator[LRS]:
    """``toolkit lrs serve`` on SQLite with a read and a write credential made through the CLI."""
    external = os.environ.get("TOOLKIT_RECORDS_TEST_LRS")
    if external:
        endpoint, reader, writer = external.split("|")
        r, w = reader.split(":", 1), writer.split(":", 1)
        yield LRS(endpoint, (r[0], r[1]), (w[0], w[1]))
        return
    db = f"sqlite:///{workdir / 'lrs.db'}"
    reader = ("records-reader", "læse-kode-1234")
    writer = ("content-writer", "skrive-kode-5678")
    for (name, password), scope in ((reader, READ_SCOPE), (writer, WRITE_SCOPE)):
        done = toolkit("lrs", "credentials", "add", name, "--scope", scope, "--password", password, "--db", db)
        if done.returncode != 0:
            raise RuntimeError(f"toolkit lrs credentials add failed:\n{done.stdout}\n{done.stderr}")
    port = free_port()
    endpoint = f"http://127.0.0.1:{port}/xapi/"
    with running(["lrs", "serve", "--db", db, "--host", "127.0.0.1", "--port", str(port), "--cors-origin", "*"],
                 endpoint + "about", workdir / "lrs.log", child_env()):
        yield LRS(endpoint, reader, writer, db)


@contextmanager
def records_web(lrs: LRS, users: list[str], workdir: Path, homepage: str, *extra: str) -> Iterator[str]:
    """``toolkit records serve`` reading *lrs* with the read credential; yields its base URL."""
    port = free_port()
    args = ["records", "serve", "--host", "127.0.0.1", "--port", str(port), "--homepage", homepage,
            "--db", str(workdir / "records.sqlite3"), *extra]
    for user in users:
        args += ["--user", user]
    env = child_env(TOOLKIT_LRS_ENDPOINT=lrs.endpoint, TOOLKIT_LRS_USERNAME=lrs.reader[0],
                    TOOLKIT_LRS_PASSWORD=lrs.reader[1])
    base = f"http://127.0.0.1:{port}"
    with running(args, base + "/login", workdir / "records-web.log", env):
        yield base
