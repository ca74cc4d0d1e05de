"""This user's key for what the build keeps between builds, and the HMACs made with it.

The build cache (toolkit/cache.py) and the replay record (toolkit/replay.py) are read back by
later builds and trusted: a pickle runs what it names, the outputs' digests decide which files
are left alone and which zip entries are copied unread, and a replay record that matches
means no build runs at all.  Each carries an HMAC made with this key, so that one written by
anyone else (a co-user of the output folder, a copy from another machine) or damaged is not
trusted.  A small module of its own: the replay imports it before the pipeline.
"""

from __future__ import annotations

import functools
import hashlib
import hmac
import os
from pathlib import Path

from toolkit.files import open_regular

KEY_FILE = "markdown-course-toolkit/cache-key"  # under $XDG_CACHE_HOME, or ~/.cache


@functools.cache
def cache_key() -> bytes:
    """This user's secret for the build cache: 32 random bytes in a file only this user can read
    (made on first use).  cache.pickle is unpickled, and a pickle runs what it names, so each of
    its parts carries an HMAC made with this key: a cache file written by anyone else (a co-user
    of the output folder, a copy from another machine) or damaged is not unpickled, and the build
    starts cold.  Without a usable file, a key for this process only (every build is then cold)."""
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    path = Path(base) / KEY_FILE
    try:
        with open_regular(path) as fh:
            st = os.fstat(fh.fileno())
            key = fh.read(64)
        mine = not hasattr(os, "getuid") or (st.st_uid == os.getuid() and not st.st_mode & 0o077)
        if mine and len(key) == 32:
            return key
    except OSError:
        pass
    key = os.urandom(32)
    try:
        path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        tmp = path.with_name(f"{path.name}.tmp-{os.getpid()}")
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_BINARY", 0), 0o600)
        with os.fdopen(fd, "wb") as out:
            out.write(key)
        os.replace(tmp, path)
    except OSError:
        pass  # (this process's key, then)
    return key


def mac(name: str, blob: bytes) -> str:
    """The HMAC (SHA-256, hex) of *blob* kept under *name*, made with :func:`cache_key`."""
    return hmac.new(cache_key(), name.encode() + b"\0" + blob, hashlib.sha256).hexdigest()


def signed(name: str, blob: bytes) -> bytes:
    """*blob* as a file that keeps it under *name*: its HMAC, a newline, then *blob*."""
    return mac(name, blob).encode() + b"\n" + blob


def unsigned(name: str, data: bytes) -> bytes | None:
    """What :func:`signed` wrote under *name*, or None when *data* is not that (someone else's,
    damaged, or of a format without the HMAC)."""
    found, _, blob = data.partition(b"\n")
    return blob if hmac.compare_digest(found, mac(name, blob).encode()) else None
