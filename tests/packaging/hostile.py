"""A corpus of hostile zips, written byte by byte (zipfile itself refuses to
write most of them: NUL bytes and duplicates in names, lying sizes, bombs).

Shared by ``test_hostile.py`` and ``bench/bench_hostile.py``.  Bombs are
made of one deflate segment of zeros repeated (each ends with a full flush,
so the segments are independent): 10 GiB costs 10 MB of disk and no CPU.
"""

from __future__ import annotations

import os
import random
import struct
import zlib
from dataclasses import dataclass
from pathlib import Path

GiB = 1024 ** 3
MiB = 1024 ** 2
INDEX = b"<!doctype html><title>x</title>"


@dataclass
class Raw:
    name: bytes
    payload: bytes  # as stored: raw deflate for method 8
    crc: int
    size: int  # the uncompressed size the headers declare
    method: int = 8
    mode: int = 0o100644


def deflated(name: str | bytes, data: bytes, mode: int = 0o100644) -> Raw:
    c = zlib.compressobj(6, zlib.DEFLATED, -15)
    raw_name = name.encode() if isinstance(name, str) else name
    return Raw(raw_name, c.compress(data) + c.flush(), zlib.crc32(data), len(data), mode=mode)


def repeated(name: str, chunk: bytes, count: int, declared: int | None = None) -> Raw:
    """*chunk* repeated *count* times, deflated without deflating it *count* times."""
    c = zlib.compressobj(9, zlib.DEFLATED, -15)
    segment = c.compress(chunk) + c.flush(zlib.Z_FULL_FLUSH)
    payload = segment * count + c.flush()
    crc = 0
    if declared is None:  # an honest entry needs its real CRC
        for _ in range(count):
            crc = zlib.crc32(chunk, crc)
    return Raw(name.encode(), payload, crc, len(chunk) * count if declared is None else declared)


def write_raw_zip(path: Path, entries: list[Raw], declared_count: int | None = None) -> Path:
    """A zip with exactly these entries and headers (zip64 where sizes or counts need it);
    the end record declares *declared_count* entries when given."""
    with path.open("wb") as out:
        central = bytearray()
        for e in entries:
            offset = out.tell()
            big = e.size >= 0xFFFFFFFF or len(e.payload) >= 0xFFFFFFFF
            version = 45 if big else 20
            extra = struct.pack("<HHQQ", 1, 16, e.size, len(e.payload)) if big else b""
            size32, csize32 = (0xFFFFFFFF, 0xFFFFFFFF) if big else (e.size, len(e.payload))
            out.write(struct.pack("<IHHHHHIIIHH", 0x04034B50, version, 0, e.method, 0, 0x21, e.crc,
                                  csize32, size32, len(e.name), len(extra)) + e.name + extra)
            out.write(e.payload)
            central += struct.pack("<IHHHHHHIIIHHHHHII", 0x02014B50, (3 << 8) | version, version, 0, e.method,
                                   0, 0x21, e.crc, csize32, size32, len(e.name), len(extra), 0, 0, 0,
                                   e.mode << 16, offset) + e.name + extra
        start, n = out.tell(), len(entries) if declared_count is None else declared_count
        out.write(central)
        if n >= 0xFFFF:
            end64 = out.tell()
            out.write(struct.pack("<IQHHIIQQQQ", 0x06064B50, 44, 45, 45, 0, 0, n, n, len(central), start))
            out.write(struct.pack("<IIQI", 0x07064B50, 0, end64, 1))
        out.write(struct.pack("<IHHHHIIH", 0x06054B50, 0, 0, min(n, 0xFFFF), min(n, 0xFFFF),
                              len(central), start, 0))
    return path


def web(*more: Raw) -> list[Raw]:
    return [deflated("index.html", INDEX), *more]


def scorm12(manifest: bytes, *more: Raw) -> list[Raw]:
    return [deflated("imsmanifest.xml", manifest), deflated("index.html", INDEX), *more]


MANIFEST = b"""<?xml version="1.0"?>
<manifest identifier="M" xmlns="http://www.imsproject.org/xsd/imscp_rootv1p1p2"
 xmlns:adlcp="http://www.adlnet.org/xsd/adlcp_rootv1p2">
<metadata><schema>ADL SCORM</schema><schemaversion>1.2</schemaversion></metadata>
<organizations default="O"><organization identifier="O"><title>%s</title>
<item identifier="I" identifierref="R"><title>t</title></item></organization></organizations>
<resources><resource identifier="R" type="webcontent" adlcp:scormtype="sco" href="index.html">
<file href="index.html"/>%s</resource></resources></manifest>"""
LAUGHS = (b'<?xml version="1.0"?>\n<!DOCTYPE manifest [\n<!ENTITY l0 "ha">\n'
          + b"".join(b'<!ENTITY l%d "%s">\n' % (i, b"&l%d;" % (i - 1) * 10) for i in range(1, 10))
          + b"]>\n" + (MANIFEST.split(b"\n", 1)[1] % (b"&l9;", b"")))
XXE = (b'<?xml version="1.0"?>\n<!DOCTYPE manifest [<!ENTITY x SYSTEM "file:///etc/passwd">]>\n'
       + (MANIFEST.split(b"\n", 1)[1] % (b"&x;", b"")))
DEEP = b'<?xml version="1.0"?>\n' + b"<a>" * 20_000 + b"</a>" * 20_000


def corpus(dest: Path) -> dict[str, tuple[Path, str]]:
    """Every hostile zip, by name, with a fragment of the error it must get."""
    cases: dict[str, tuple[list[Raw], str]] = {
        "zip-slip": (web(deflated("../evil.html", b"x")), "climbs out of the package"),
        "zip-slip-deep": (web(deflated("a/../../evil.html", b"x")), "climbs out of the package"),
        "absolute-path": (web(deflated("/etc/evil", b"x")), "is an absolute path"),
        "drive-letter": (web(deflated("C:/evil", b"x")), "is an absolute path"),
        "backslash": (web(deflated("a\\..\\evil", b"x")), "contains a backslash"),
        "symlink": (web(deflated("assets/link", b"/etc/passwd", mode=0o120777)), "symbolic link entry"),
        "duplicate-name": (web(deflated("index.html", b"<script>evil()</script>")), "duplicate entry 'index.html'"),
        "nul-in-name": (web(deflated(b"index.html\0.exe", b"x")), "contains a NUL byte"),
        "bomb-10gib-honest": (web(repeated("bomb.bin", bytes(MiB), 10 * 1024, declared=10 * GiB)), "compression ratio"),
        "bomb-10gib-lying": (web(repeated("bomb.bin", bytes(MiB), 10 * 1024, declared=1000)),
                             "damaged or larger than its header says"),
        "entries-100k": ([deflated(f"f{i}.txt", b"") for i in range(100_000)], "more than the 20000 allowed"),
        "billion-laughs": (scorm12(LAUGHS), "imsmanifest.xml cannot be read"),
        "xxe": (scorm12(XXE), "imsmanifest.xml cannot be read"),
        "deep-xml": (scorm12(DEEP), "imsmanifest.xml cannot be read"),
        "href-outside": (scorm12(MANIFEST % (b"t", b'<file href="../../etc/passwd"/>')), "points outside the package"),
    }
    written = {name: (write_raw_zip(dest / f"{name}.zip", raws), message) for name, (raws, message) in cases.items()}
    many = cases["entries-100k"][0]
    written["entries-100k-lying-count"] = (write_raw_zip(dest / "entries-100k-lying-count.zip", many, 2),
                                           "more than the 20000 allowed")
    return written


def big_entry(dest: Path, size: int = 500 * MiB) -> Path:
    """A valid web zip with one entry of *size* bytes that deflates about 80:1 (under the bomb ratio)."""
    rng = random.Random(21)
    chunk = bytes(rng.getrandbits(8) for _ in range(800)) + bytes(64 * 1024 - 800)
    return write_raw_zip(dest / "big-entry.zip", web(repeated("media/big.bin", chunk, size // len(chunk))))


if __name__ == "__main__":
    folder = Path(os.environ.get("HOSTILE_DIR", "hostile"))
    folder.mkdir(exist_ok=True)
    for path, message in corpus(folder).values():
        print(f"{path}  ({message})")
    print(big_entry(folder))


# ``python -c PEAK -m toolkit ...`` runs toolkit and writes the process's own peak RSS
# (VmHWM, in kB) to $TK_PEAK_FILE.  ru_maxrss cannot be used: a child started by
# fork/vfork+exec inherits its parent's peak in that figure.
PEAK = """
import os, runpy, sys
sys.argv = sys.argv[2:]
try:
    runpy.run_module(sys.argv[0], run_name="__main__", alter_sys=True)
finally:
    with open("/proc/self/status") as status:
        peak = next(line.split()[1] for line in status if line.startswith("VmHWM:"))
    with open(os.environ["TK_PEAK_FILE"], "w") as out:
        out.write(peak)
"""
