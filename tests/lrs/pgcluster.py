"""A PostgreSQL cluster of a test's own, which the test may stop and restart (the shared
test cluster of scripts/test.sh serves other tests in parallel and must stay up)."""

from __future__ import annotations

import contextlib
import os
import pwd
import shutil
import socket
import subprocess
import tempfile
from pathlib import Path

from ..conftest import require


def _pgbin() -> Path | None:
    found = sorted(Path("/usr/lib/postgresql").glob("*/bin/initdb"), key=lambda p: int(p.parts[-3]))
    return found[-1].parent if found else None


class Cluster:
    def __init__(self) -> None:
        pgbin = _pgbin()
        require(pgbin is not None, "PostgreSQL server binaries are not installed (scripts/setup.sh installs them)")
        assert pgbin is not None
        self.bin = pgbin
        self.dir = Path(tempfile.mkdtemp(prefix="toolkit-pg-restart."))
        self.dir.chmod(0o755)
        self.runas: list[str] = []
        if os.getuid() == 0:  # PostgreSQL refuses to run as root
            require(_has_user("postgres"), "no postgres user to run a test cluster as")
            shutil.chown(self.dir, "postgres")
            self.runas = ["runuser", "-u", "postgres", "--"]
        with socket.socket() as s:
            s.bind(("127.0.0.1", 0))
            self.port = s.getsockname()[1]
        self.run("initdb", "-D", str(self.dir / "data"), "-U", "toolkit", "--auth=trust", "-E", "UTF8")
        self.start()
        self.url = f"postgresql://toolkit@127.0.0.1:{self.port}/postgres"

    def run(self, tool: str, *args: str) -> None:
        subprocess.run([*self.runas, str(self.bin / tool), *args], check=True, capture_output=True, timeout=120)

    def start(self) -> None:
        self.run("pg_ctl", "-D", str(self.dir / "data"), "-l", str(self.dir / "log"), "-w", "-o",
                 f"-p {self.port} -k {self.dir} -c listen_addresses=127.0.0.1 -c fsync=off", "start")

    def stop(self, mode: str = "fast") -> None:
        self.run("pg_ctl", "-D", str(self.dir / "data"), "-m", mode, "-w", "stop")

    def remove(self) -> None:
        with contextlib.suppress(subprocess.CalledProcessError):
            self.stop("immediate")
        shutil.rmtree(self.dir, ignore_errors=True)


def _has_user(name: str) -> bool:
    try:
        pwd.getpwnam(name)
        return True
    except KeyError:
        return False
