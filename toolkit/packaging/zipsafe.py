"""Reading an untrusted zip without extracting it, with bounded memory.

Entry names are checked for path traversal, NUL bytes and duplicates; symlink
entries are refused; decompression is bounded (total size, per-entry ratio,
entry count) and streamed, so a hostile zip can neither escape nor exhaust
the machine.  XML is parsed without entities, DTDs or network access.
"""

from __future__ import annotations

import posixpath
import stat
import struct
import zipfile
from pathlib import Path, PurePosixPath
from typing import Any

from lxml import etree

MAX_ENTRIES = 20_000
MAX_TOTAL = 512 * 1024 * 1024
MAX_RATIO = 100
MAX_XML = 8 * 1024 * 1024
MAX_DIRECTORY = 64 * 1024 * 1024
RATIO_MIN_SIZE = 1024 * 1024
CHUNK = 1024 * 1024


def unsafe_name(name: str) -> str | None:
    if "\0" in name:
        return "contains a NUL byte"
    if "\\" in name:
        return "contains a backslash"
    if name.startswith("/") or (len(name) > 1 and name[1] == ":"):
        return "is an absolute path"
    if any(part == ".." for part in PurePosixPath(name).parts):
        return "climbs out of the package with '..'"
    return None


def central_entries(path: Path, stop: int = MAX_ENTRIES + 1) -> int | None:
    """How many entries the central directory holds (counting at most *stop*), walked
    before zipfile parses and keeps every one of them; None if the zip has no end record."""
    with path.open("rb") as fh:
        size = fh.seek(0, 2)
        fh.seek(max(0, size - 22 - 65535 - 20))
        tail = fh.read()
        end = tail.rfind(b"PK\x05\x06")
        if end < 0 or len(tail) < end + 22:
            return None
        cd_size, cd_offset = struct.unpack("<II", tail[end + 12:end + 20])
        locator = end - 20
        if locator >= 0 and tail[locator:locator + 4] == b"PK\x06\x07":  # zip64
            fh.seek(struct.unpack("<Q", tail[locator + 8:locator + 16])[0])
            record = fh.read(56)
            if record[:4] == b"PK\x06\x06" and len(record) == 56:
                cd_size, cd_offset = struct.unpack("<QQ", record[40:56])
        fh.seek(cd_offset)
        directory = fh.read(min(cd_size, MAX_DIRECTORY))
    count, pos = 0, 0
    while count < stop and directory.startswith(b"PK\x01\x02", pos) and pos + 46 <= len(directory):
        name, extra, comment = struct.unpack("<HHH", directory[pos + 28:pos + 34])
        pos += 46 + name + extra + comment
        count += 1
    return count


def entry_problems(infos: list[zipfile.ZipInfo]) -> list[str]:
    """Everything wrong with the entries as the central directory declares them."""
    if len(infos) > MAX_ENTRIES:
        return [f"{len(infos)} entries: more than the {MAX_ENTRIES} allowed"]
    problems = []
    seen: set[str] = set()
    total = 0
    for info in infos:
        raw = info.orig_filename  # zipfile cuts .filename at a NUL byte
        problem = unsafe_name(raw)
        if problem:
            problems.append(f"unsafe entry {raw!r}: it {problem}")
        key = posixpath.normpath(raw.rstrip("/"))
        if key in seen:
            problems.append(f"duplicate entry {raw!r}: the zip holds two files of that name")
        seen.add(key)
        if stat.S_ISLNK(info.external_attr >> 16):
            problems.append(f"symbolic link entry '{raw}' refused")
        if info.compress_size and info.file_size > RATIO_MIN_SIZE and info.file_size / info.compress_size > MAX_RATIO:
            problems.append(f"entry '{raw}' has a compression ratio of "
                            f"{info.file_size // info.compress_size}:1 (zip bomb?)")
        total += info.file_size
    if total > MAX_TOTAL:
        problems.append(f"uncompressed size {total} bytes is over the {MAX_TOTAL} byte limit")
    return problems


def inflate_problems(zf: zipfile.ZipFile, infos: list[zipfile.ZipInfo]) -> list[str]:
    """Inflate every entry as a stream, keeping nothing: a lying header or a bad CRC is a problem."""
    problems = []
    for info in infos:
        if info.is_dir():
            continue
        try:
            with zf.open(info) as fh:
                while fh.read(CHUNK):
                    pass
        except (zipfile.BadZipFile, OSError, EOFError, ValueError, NotImplementedError) as exc:
            problems.append(f"entry '{info.filename}' is damaged or larger than its header says: {exc}")
    return problems


def read_entry(zf: zipfile.ZipFile, name: str, limit: int = MAX_XML) -> bytes:
    """One entry, refusing to inflate more than *limit* bytes whatever it claims."""
    with zf.open(name) as fh:
        data = fh.read(limit + 1)
    if len(data) > limit:
        raise ValueError(f"{name} is larger than {limit} bytes")
    return data


def parse_xml(data: bytes) -> etree._Element:
    """An XML document from an untrusted package; ValueError with a one-line reason."""
    parser = etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=False, load_dtd=False)
    try:
        root = etree.fromstring(data, parser)
    except etree.LxmlError as exc:
        raise ValueError(str(exc).splitlines()[0] if str(exc) else type(exc).__name__) from None
    dtd: Any = root.getroottree().docinfo.internalDTD
    if dtd is not None and (list(dtd.entities()) or list(dtd.iterelements())):
        raise ValueError("it declares a DTD with entities or elements; "
                         "package manifests need none, and they are refused")
    return root
