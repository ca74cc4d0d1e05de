"""The big part of a course's cache, its pickled lessons and rendered pages, in a file that a
rebuild appends to instead of rewriting.

``blobs-<brand>-<slug>.bin`` is the blobs one after another; the cache file keeps, by key,
where each one is (offset, length) and the blob file's stat as it was after the last write.
A blob file whose stat is not that one (written by anyone else, truncated, or by a build that
stopped before writing the cache file) is not read at all: the build starts cold.  When the
file holds more than twice the bytes still referred to, it is written again, compacted.
"""

from __future__ import annotations

import errno
import os
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import BinaryIO

from toolkit.errors import naming
from toolkit.files import open_regular

Ref = tuple[int, int]  # offset, length
SLACK = 1 << 20  # bytes of dead blobs always tolerated before compacting
PREAD = hasattr(os, "pread")  # not on Windows


def file_stamp(path: Path) -> str:
    try:
        return stamp_of(os.stat(path))
    except OSError:
        return ""


def stamp_of(st: os.stat_result) -> str:
    return f"{st.st_size}:{st.st_mtime_ns}:{st.st_ino}:{st.st_ctime_ns}"


class BlobFile:
    """The blob file open for reading, if it is still what the cache recorded (*stamp*): each
    blob is read when it is looked up, not the whole file at once.  A rebuild that changed one
    lesson of a thousand reads the entries and pages it uses, not the dead blobs between them
    (the file may hold twice as many bytes as are still referred to), and holds no copy of the
    file.  Blobs appended, or the file replaced, by another build while this one reads leave
    these bytes as they were; a blob the file no longer holds in full (truncated by someone
    else) is not there.  :meth:`close` it when done (Windows cannot replace an open file)."""

    def __init__(self, fh: BinaryIO, stamp: str, size: int) -> None:
        self._fh = fh
        self.stamp = stamp
        self.size = size  # as it was when opened: the blobs to look up end before it

    @classmethod
    def open(cls, path: Path, stamp: str) -> BlobFile | None:
        if not stamp:
            return None
        try:
            fh = open_regular(path)
        except OSError:
            return None
        try:
            st = os.fstat(fh.fileno())
        except OSError:
            st = None
        if st is None or stamp_of(st) != stamp:
            fh.close()
            return None
        return cls(fh, stamp, st.st_size)

    def unchanged(self) -> bool:
        """Whether the file read is still as it was opened: not written in place since (a copy
        onto it, a restore), which would have changed what this build read from it."""
        try:
            return not self._fh.closed and stamp_of(os.fstat(self._fh.fileno())) == self.stamp
        except OSError:
            return False

    def holds(self, ref: Ref) -> bool:
        """Whether *ref* lies inside the file as it was opened."""
        start, length = ref
        return start >= 0 and length >= 0 and start + length <= self.size

    def read(self, ref: Ref) -> bytes | None:
        if not self.holds(ref) or self._fh.closed:
            return None
        start, length = ref
        try:
            if PREAD:  # one system call, and no copy through the file object's buffer
                data = os.pread(self._fh.fileno(), length, start)
            else:
                self._fh.seek(start)
                data = self._fh.read(length)
        except (OSError, ValueError, OverflowError):
            return None
        return data if data is not None and len(data) == length else None

    @property
    def closed(self) -> bool:
        return self._fh.closed

    def close(self) -> None:
        self._fh.close()


class Blobs(Mapping[str, bytes]):
    """The blobs of *refs* in *file*, by key, each read only when looked up.  One that the file
    does not hold in full is not there."""

    def __init__(self, file: BlobFile, refs: dict[str, Ref]) -> None:
        self._file = file
        self._refs = refs

    def __getitem__(self, key: str) -> bytes:
        data = self._file.read(self._refs[key])
        if data is None:
            raise KeyError(key)
        return data

    def __contains__(self, key: object) -> bool:
        ref = self._refs.get(key) if isinstance(key, str) else None
        return ref is not None and self._file.holds(ref)

    def __iter__(self) -> Iterator[str]:
        return (key for key in self._refs if key in self)

    def __len__(self) -> int:
        return sum(1 for _ in self)


def write(path: Path, opened: BlobFile | None, old: dict[str, Ref],
          blobs: dict[str, bytes]) -> tuple[dict[str, Ref], str]:
    """Where each of *blobs* now is in the blob file, and the file's stamp.

    A blob already in the file (*opened*, with *old* their places) stays where it is and the new
    ones are appended, if the file is still as it was opened; without a valid file, or with too
    much in it no longer used, it is written again from *blobs* alone, through a temporary file.

    Another build may write the file at the same time (two builds into one output folder): each
    blob is appended where the end of the file is when it is written (append mode), and the stamp
    returned is the one of the file this build wrote, taken from its descriptor, so that a file
    another build appended to or replaced since does not match it (its next build is cold)."""
    kept = {k: old[k] for k in blobs if opened is not None and k in old}
    live = sum(len(b) for b in blobs.values())
    if opened is None or opened.size > 2 * live + SLACK:
        tmp = path.with_name(f"{path.name}.tmp-{os.getpid()}")
        refs: dict[str, Ref] = {}
        with naming(path, partial=tmp), open(tmp, "wb") as fh:
            for key, blob in blobs.items():
                refs[key] = (fh.tell(), len(blob))
                fh.write(blob)
            fh.flush()
            if os.name == "nt":  # (where an open file cannot be renamed)
                fh.close()
                tmp.replace(path)
                return refs, file_stamp(path)
            tmp.replace(path)
            return refs, stamp_of(os.fstat(fh.fileno()))  # after the rename, which changes the ctime
    refs = dict(kept)
    try:
        appending = open_regular(path, append=True)
    except OSError:  # removed since it was opened, not a file now, or not this user's to write
        return write(path, None, {}, blobs)
    with naming(path), appending:
        same = stamp_of(os.fstat(appending.fileno())) == opened.stamp  # else changed since it was opened
        if same:
            for key, blob in blobs.items():
                if key not in refs:
                    _write_all(appending, blob)
                    refs[key] = (appending.tell() - len(blob), len(blob))
            stamp = stamp_of(os.fstat(appending.fileno()))
    if not same:
        return write(path, None, {}, blobs)
    return refs, stamp


def _write_all(fh: BinaryIO, blob: bytes) -> None:
    """*blob* appended in one write, as an unbuffered file in append mode does it, or failing."""
    if fh.write(blob) != len(blob):
        raise OSError(errno.EIO, "a short write to the blob file")
