"""The big part of a course's cache, its pickled lessons and rendered pages, in a file that a
rebuild appends to instead of rewriting.

``blobs-<brand>-<slug>.bin`` is the blobs one after another; the cache file keeps, by key,
where each one is (offset, length) and the blob file's stat as it was after the last write.
A blob file whose stat is not that one (written by anyone else, truncated, or by a build that
stopped before writing the cache file) is not read at all: the build starts cold.  When the
file holds more than twice the bytes still referred to, it is written again, compacted.
"""

from __future__ import annotations

import os
from collections.abc import Iterator, Mapping
from pathlib import Path

from toolkit.errors import naming

Ref = tuple[int, int]  # offset, length
SLACK = 1 << 20  # bytes of dead blobs always tolerated before compacting


def file_stamp(path: Path) -> str:
    try:
        st = os.stat(path)
    except OSError:
        return ""
    return f"{st.st_size}:{st.st_mtime_ns}:{st.st_ino}:{st.st_ctime_ns}"


def read(path: Path, stamp: str) -> bytes | None:
    """The blob file's bytes, if it is still what the cache recorded."""
    if not stamp or file_stamp(path) != stamp:
        return None
    try:
        with open(path, "rb") as fh:
            data = fh.read()
    except OSError:
        return None
    return data if file_stamp(path) == stamp else None


class Blobs(Mapping[str, bytes]):
    """The blobs of *refs* in *data*, by key, each copied out of *data* only when looked up (a
    rebuild that changed one lesson looks up one of a thousand).  A ref that points past the
    end of *data* is not there."""

    def __init__(self, data: bytes, refs: dict[str, Ref]) -> None:
        self._data = data
        self._refs = refs

    def __getitem__(self, key: str) -> bytes:
        start, length = self._ref(key)
        return self._data[start:start + length]

    def _ref(self, key: str) -> Ref:
        start, length = self._refs[key]
        if start < 0 or start + length > len(self._data):
            raise KeyError(key)
        return start, length

    def __contains__(self, key: object) -> bool:
        ref = self._refs.get(key) if isinstance(key, str) else None
        return ref is not None and ref[0] >= 0 and ref[0] + ref[1] <= len(self._data)

    def __iter__(self) -> Iterator[str]:
        return (key for key in self._refs if key in self)

    def __len__(self) -> int:
        return sum(1 for _ in self)


class BlobViews(Mapping[str, memoryview]):
    """:class:`Blobs` as views into *data*, not copies: for what is only unpickled or written."""

    def __init__(self, data: bytes, refs: dict[str, Ref]) -> None:
        self._blobs = Blobs(data, refs)
        self._view = memoryview(data)

    def __getitem__(self, key: str) -> memoryview:
        start, length = self._blobs._ref(key)
        return self._view[start:start + length]

    def __contains__(self, key: object) -> bool:
        return key in self._blobs

    def __iter__(self) -> Iterator[str]:
        return iter(self._blobs)

    def __len__(self) -> int:
        return len(self._blobs)


def write(path: Path, data: bytes | None, old: dict[str, Ref],
          blobs: dict[str, bytes | memoryview]) -> tuple[dict[str, Ref], str]:
    """Where each of *blobs* now is in the blob file, and the file's stamp.

    A blob already in the file (*data*, with *old* its places) stays where it is and the new ones
    are appended; without a valid file, or with too much in it no longer used, it is written
    again from *blobs* alone, through a temporary file."""
    kept = {k: old[k] for k in blobs if data is not None and k in old}
    live = sum(len(b) for b in blobs.values())
    if data is None or len(data) > 2 * live + SLACK:
        tmp = path.with_name(f"{path.name}.tmp-{os.getpid()}")
        refs: dict[str, Ref] = {}
        with naming(path, partial=tmp), open(tmp, "wb") as fh:
            for key, blob in blobs.items():
                refs[key] = (fh.tell(), len(blob))
                fh.write(blob)
        tmp.replace(path)
        return refs, file_stamp(path)
    refs = dict(kept)
    with naming(path), open(path, "r+b") as fh:
        end = fh.seek(0, os.SEEK_END)
        if end != len(data):  # changed since it was read: start again
            return write(path, None, {}, blobs)
        for key, blob in blobs.items():
            if key not in refs:
                refs[key] = (end, len(blob))
                fh.write(blob)
                end += len(blob)
    return refs, file_stamp(path)
