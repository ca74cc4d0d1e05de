"""`toolkit lrs serve --workers N`: N server processes sharing one listening socket.

uvicorn's own ``--workers`` makes its socket as ``socket(AF_INET, SOCK_STREAM)``,
whose protocol number is 0, so asyncio does not set TCP_NODELAY on accepted
connections, and every answer written in two parts waits for the client's
delayed ACK: about 40 ms a request.  Here the socket is made with
``IPPROTO_TCP``.  The workers share nothing but the socket and the database:
PostgreSQL holds the rate-limit buckets, the credentials (read per request)
and the statements, so any worker can answer any request.
"""

from __future__ import annotations

import multiprocessing
import signal
import socket
import sys
from types import FrameType
from typing import Any


def _serve(sock: socket.socket, log_level: str) -> None:
    import uvicorn

    config = uvicorn.Config("toolkit.lrs.app:create_app_from_env", factory=True, log_level=log_level)
    uvicorn.Server(config).run(sockets=[sock])


def listening_socket(host: str, port: int) -> socket.socket:
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_STREAM, socket.IPPROTO_TCP)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind((host, port))
    sock.listen(2048)
    sock.set_inheritable(True)
    return sock


def run(host: str, port: int, workers: int, log_level: str = "warning") -> None:
    """Serve until SIGINT or SIGTERM; a worker that dies is started again."""
    sock = listening_socket(host, port)
    ctx = multiprocessing.get_context("spawn")
    procs: list[Any] = []
    stopping = False

    def stop(signum: int, frame: FrameType | None) -> None:
        nonlocal stopping
        stopping = True
        for p in procs:
            if p.is_alive():
                p.terminate()

    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)
    for _ in range(workers):
        procs.append(ctx.Process(target=_serve, args=(sock, log_level), daemon=False))
        procs[-1].start()
    try:
        while not stopping:
            for i, p in enumerate(procs):
                p.join(timeout=0.5)
                if not p.is_alive() and not stopping:
                    print(f"LRS worker {p.pid} stopped (exit code {p.exitcode}); starting another", file=sys.stderr)
                    procs[i] = ctx.Process(target=_serve, args=(sock, log_level), daemon=False)
                    procs[i].start()
    finally:
        for p in procs:
            p.join(timeout=10)
            if p.is_alive():
                p.kill()
        sock.close()
