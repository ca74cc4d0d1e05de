"""Our real LRS in the test process, on a fixed port so it can be stopped and started again."""

from __future__ import annotations

import socket
import threading
import time

import uvicorn

from toolkit.lrs.app import create_app
from toolkit.lrs.storage import Storage


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class LiveLRS:
    def __init__(self, storage: Storage, port: int, cors: tuple[str, ...]) -> None:
        self.storage, self.port, self.cors = storage, port, cors
        self.server: uvicorn.Server | None = None
        self.thread: threading.Thread | None = None

    @property
    def endpoint(self) -> str:
        return f"http://127.0.0.1:{self.port}/xapi/"

    def start(self) -> None:
        app = create_app("", storage=self.storage, cors_origins=self.cors, rate=0)
        config = uvicorn.Config(app, host="127.0.0.1", port=self.port, log_level="error", lifespan="off")
        self.server = uvicorn.Server(config)
        self.thread = threading.Thread(target=self.server.run, daemon=True)
        self.thread.start()
        for _ in range(200):
            if self.server.started:
                return
            time.sleep(0.02)
        raise RuntimeError("LRS did not start")

    def stop(self) -> None:
        if self.server is not None:
            self.server.should_exit = True
            assert self.thread is not None
            self.thread.join(timeout=10)
            self.server = None
