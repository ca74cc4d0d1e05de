"""Running a coroutine from a synchronous test."""

from __future__ import annotations

import asyncio
from collections.abc import Coroutine
from concurrent.futures import ThreadPoolExecutor
from typing import Any, TypeVar

T = TypeVar("T")


def in_own_loop(coro: Coroutine[Any, Any, T]) -> T:
    """Run *coro* on a fresh event loop in a thread of its own: another test in this process
    (the browser tests' Playwright) may have left a loop running in this thread."""
    with ThreadPoolExecutor(1) as pool:
        return pool.submit(asyncio.run, coro).result()
