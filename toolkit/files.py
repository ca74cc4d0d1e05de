"""Opening the build's own files (its cache, its replay record) without trusting what is there.

Only the standard library: :mod:`toolkit.replay` uses it before anything heavy is imported.
"""

from __future__ import annotations

import errno
import os
import stat
from pathlib import Path
from typing import BinaryIO


def open_regular(path: Path, append: bool = False) -> BinaryIO:
    """*path* opened for reading (or, with *append*, for appending), unbuffered, if it is a
    regular file; else OSError.  It is opened without blocking, so that a FIFO there (a stray
    tool, a hostile co-user of the output folder) does not make the build wait for ever."""
    flags = (os.O_WRONLY | os.O_APPEND) if append else os.O_RDONLY
    fd = os.open(path, flags | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_BINARY", 0))
    try:
        if not stat.S_ISREG(os.fstat(fd).st_mode):
            raise OSError(errno.EINVAL, "not a regular file", str(path))
        return os.fdopen(fd, "ab" if append else "rb", buffering=0)
    except BaseException:
        os.close(fd)
        raise
