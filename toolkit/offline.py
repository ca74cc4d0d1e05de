"""A web package as an installable web app: ``manifest.webmanifest``, an icon and the service
worker ``sw.js`` (toolkit/runtime/sw.js) that keeps the course on the device at the first
visit.  Video and sound are left out of that first download: a learner on prepaid data pays
for them only when playing them."""

from __future__ import annotations

import functools
import hashlib
import json
import struct
import zlib

from toolkit.model import Course
from toolkit.runtime import RUNTIME_DIR

SW_FILE = "sw.js"
MANIFEST_FILE = "manifest.webmanifest"
ICON_FILE = "assets/icon.png"
HEAVY = (".mp4", ".webm", ".m4v", ".mov", ".mp3", ".m4a", ".ogg", ".wav")
LMS_ONLY = ("launch.html",)
DEFAULT_COLOR = "#0b5394"  # toolkit.css --tk-primary


def _png(size: int, rgb: tuple[int, int, int]) -> bytes:
    """A square PNG of one colour (the brand's primary colour), the icon an installed app needs:
    a palette of that one colour and a bit per pixel, 64 bytes a row for 512 pixels, so that a
    build compresses 33 KB, not the 787 KB of the same image in RGB (6 ms of every build)."""
    row = b"\0" + bytes((size + 7) // 8)  # filter "none", then every pixel palette entry 0
    raw = zlib.compress(row * size, 9)

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)

    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", size, size, 1, 3, 0, 0, 0))
            + chunk(b"PLTE", bytes(rgb)) + chunk(b"IDAT", raw) + chunk(b"IEND", b""))


@functools.lru_cache(maxsize=8)
def _icon(rgb: tuple[int, int, int]) -> bytes:
    """The 512-pixel icon (one per colour in a process that builds many sites: ``preview``)."""
    return _png(512, rgb)


def _rgb(color: str) -> tuple[int, int, int]:
    c = color.lstrip("#")
    if len(c) == 3:
        c = "".join(ch * 2 for ch in c)
    try:
        return int(c[0:2], 16), int(c[2:4], 16), int(c[4:6], 16)
    except ValueError:
        return _rgb(DEFAULT_COLOR)


def precached(files: dict[str, bytes]) -> list[str]:
    """The site's files a first visit downloads for offline use."""
    return sorted(rel for rel in files if not rel.lower().endswith(HEAVY) and rel not in LMS_ONLY and rel != SW_FILE)


def offline_files(course: Course, files: dict[str, bytes], digests: dict[str, str] | None = None) -> dict[str, bytes]:
    """manifest, icon and service worker for a site whose other files are *files*.  The service
    worker's VERSION is a digest of the precached files' names and SHA-256 digests; *digests*
    has those the caller computed already (hex, by name)."""
    color = (course.brand.colors.get("primary") if course.brand else None) or DEFAULT_COLOR
    manifest = {"name": course.title, "short_name": course.title[:30], "lang": course.language,
                "description": course.description, "start_url": "index.html", "scope": "./",
                "display": "standalone", "background_color": "#ffffff", "theme_color": color,
                "icons": [{"src": ICON_FILE, "sizes": "512x512", "type": "image/png", "purpose": "any"}]}
    out = {ICON_FILE: _icon(_rgb(color)),
           MANIFEST_FILE: json.dumps(manifest, ensure_ascii=False, indent=1).encode("utf-8")}
    everything = {**files, **out}
    names = precached(everything)
    known = digests or {}
    digest = hashlib.sha256()
    for rel in names:
        own = known.get(rel) if rel not in out else None  # one made here is hashed: the site may have had its own
        digest.update(f"{rel}\0{own or hashlib.sha256(everything[rel]).hexdigest()}\n".encode())
    head = f"var FILES = {json.dumps(names)};\nvar VERSION = \"{digest.hexdigest()[:16]}\";\n"
    out[SW_FILE] = (head + (RUNTIME_DIR / "sw.js").read_text(encoding="utf-8")).encode("utf-8")
    return out
