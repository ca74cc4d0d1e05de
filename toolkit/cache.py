"""Incremental builds: rendered lessons are reused when nothing they depend on changed.

A lesson's cache key is the hash of its own bytes plus a context digest of
everything else that can change its output or its diagnostics: the toolkit
version, the course's facts, the list of lesson files (for link checks), the
template and media files, the brand and the working directory (diagnostics
carry relative paths).  Entries are pickled the moment they are stored, so
later changes to the in-memory lesson never leak into the cache.

Rendered lesson pages are kept too, keyed by ``site.page_keys``: the context
digest, course.yaml, the brand, the outline of every lesson (ids, titles,
paths, order) and the page's own rendered lesson body.

The cache is one file, ``build/.cache/cache.pickle``: per course, where its
lesson entries and pages are in ``blobs-<brand>-<slug>.bin`` (appended to, see
:mod:`toolkit.blobs`), and Jinja's compiled templates.  Beside it, per course,
``outputs-<brand>-<slug>.marshal`` has the digests and stats of the files the
previous build wrote (the site's files and each zip's entries), so that
unchanged output is linked or copied without reading the old files; it
changes with every build, the big file only when a lesson or page did.  It
carries an HMAC made with this user's cache key too, as each part of the
cache file does: its digests are trusted as the files' bytes would be.
"""

from __future__ import annotations

import copyreg
import dataclasses
import hashlib
import hmac
import io
import json
import marshal
import os
import pickle
import struct
import sys
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, BinaryIO

from toolkit import __version__, blobs
from toolkit.errors import Diagnostic, ToolkitError, replacing
from toolkit.files import open_regular
from toolkit.model import (
    Choice,
    Course,
    Exercise,
    ExerciseField,
    Lesson,
    Question,
    Video,
    lesson_ids,
    outline_lesson,
    pickled_by_position,
)
from toolkit.replay import RACY_NS, TRUST_STAT, newest, signature
from toolkit.runtime import lesson_json
from toolkit.signing import mac as _mac, signed, unsigned
from toolkit.source.lesson import probe_stamp
from toolkit.source.yamlutil import ParsedTexts

CACHE_FORMAT = 11  # 2: blocks as typed classes, media found while loading; 3: one file, output digests;
# 4: pages as UTF-8, stats by str; 5: lessons and pages in a blob file appended to; 6: Lesson.data_json;
# 7: lessons and blocks pickled by position; 8: pages' digests; 9: the probes of media lookups;
# 10: a lesson's source path not pickled (see dumps); 11: an entry's head first, its lesson's ids, each
# question's course data with its key
CACHE_FILE = "cache.pickle"
# What reading a damaged or foreign cache file can raise (it is then a cache with nothing in it).
# OverflowError and MemoryError: a damaged length or size inside a pickle.
DAMAGED = (OSError, pickle.UnpicklingError, EOFError, KeyError, AttributeError, TypeError, ValueError, IndexError,
           struct.error, OverflowError, MemoryError, RecursionError)


@pickled_by_position
@dataclass
class Entry:
    """What the cache keeps of one lesson file: the lesson as rendered, its diagnostics and media."""

    lesson: Lesson
    diagnostics: list[Diagnostic]
    media: list[Path]
    # The paths the lesson's media lookups looked at, with what was there (source.lesson.probe_stamp):
    # the entry holds while each is as it was.
    probes: dict[str, str] = field(default_factory=dict)

    def holds(self) -> bool:
        return all(probe_stamp(path) == known for path, known in self.probes.items())


# What an entry's head keeps of its lesson (see dumps): all a rebuild uses of a lesson whose
# page it does not render.  The rest, model.LAZY_FIELDS, is unpickled when first used.
OUTLINE = ("id", "title", "paths", "duration_minutes", "description", "origin", "data_json", "ids")


def dumps(entry: Entry) -> bytes:
    """*entry* as two pickles, one after the other: its head (its lesson's OUTLINE fields, its
    diagnostics, media and probes), then the whole entry.  Neither holds the lesson's path
    (``Lesson.source``), which whoever unpickles it sets again (:meth:`LessonCache.get`): the
    file it is looked up by, whose path is part of its key.  Making a thousand Path objects
    again was a quarter of unpickling a thousand lessons.  A rebuild that changed one lesson of
    a thousand unpickles the heads of the others, a fifth of their bytes (:func:`outline`)."""
    lesson = entry.lesson
    lesson_ids(lesson)
    lesson_json(lesson)
    out = io.BytesIO()
    pickler = pickle.Pickler(out, protocol=pickle.HIGHEST_PROTOCOL)
    pickler.dispatch_table = {**copyreg.dispatch_table, Lesson: _lesson_without_source}  # (copyreg's too)
    pickler.dump((tuple(getattr(lesson, name) for name in OUTLINE), entry.diagnostics, entry.media, entry.probes))
    pickler.dump(entry)  # (with the same memo: what the head has is not pickled twice)
    return out.getvalue()


def loads(blob: bytes, source: Path) -> Any:
    """The entry :func:`dumps` pickled, whole, with *source* as its lesson's path."""
    data = pickle.Unpickler(io.BytesIO(blob))  # one for both: the entry refers to the head's objects
    data.load()  # the head
    entry = data.load()
    if isinstance(entry, Entry):
        entry.lesson.source = source
    return entry


class CacheDamaged(ToolkitError):
    """The rest of a cache entry whose head was read cannot be unpickled (see :func:`outline`)."""


def outline(blob: bytes, source: Path, where: Path) -> Any:
    """The entry :func:`dumps` pickled, from its head: its lesson an outline (model.outline_lesson)
    whose other fields are unpickled from the rest of *blob* when first used; CacheDamaged then
    if they cannot be (a build loads the course again without the cache: build.load_and_render).
    *where*: the blob file it was read from, for the message."""
    data = pickle.Unpickler(io.BytesIO(blob))  # kept for the rest, which refers to the head's objects
    values, diagnostics, media, probes = data.load()

    failed: list[str] = []  # the message, once a load has failed (the unpickler is past the damage then)

    def load() -> Lesson:
        if not failed:
            try:
                entry = data.load()
                if isinstance(entry, Entry):
                    return entry.lesson
                raise TypeError("not a cache entry")
            except Exception as exc:
                failed.append(f"{where}: the build cache is damaged: the lesson {source} kept in it cannot be read "
                              f"({type(exc).__name__}); delete {where.parent} and build again")
        raise CacheDamaged(failed[0])

    return Entry(outline_lesson({"source": source, "index": 0, **dict(zip(OUTLINE, values, strict=True))}, load),
                 diagnostics, media, probes)


_LESSON_FIELDS = tuple(f.name for f in dataclasses.fields(Lesson))


def _lesson_without_source(lesson: Lesson) -> tuple[Any, tuple[Any, ...]]:
    """As model.pickled_by_position pickles a lesson, with None for its path."""
    return Lesson, tuple(None if name == "source" else getattr(lesson, name) for name in _LESSON_FIELDS)


def _tree_listing(root: Path, skip: frozenset[str] = frozenset(), out: Path | None = None,
                  follow: bool = False, editors: bool = True) -> list[str]:
    """Every file under *root* but those in *skip* and the folder *out*, with its size, mtime,
    inode and ctime (an edit that keeps the size and puts the mtime back still changes the
    ctime); without *editors*, editors' own files are left out too (names starting with ``.``
    or ending in ``~``: swap files, backups; a lesson that refers to one has it in its probes).
    Folders that are symbolic links are followed only with *follow* (Jinja follows them; the
    loader refuses lessons in them), each real folder once."""
    found: list[str] = []
    if not root.is_dir():
        return found
    try:
        skip_dir = os.stat(out) if out is not None else None
    except OSError:
        skip_dir = None
    seen = {os.path.realpath(root)}
    stack = [str(root)]
    while stack:
        with os.scandir(stack.pop()) as entries:
            for e in entries:
                if e.path in skip or (not editors and (e.name.startswith(".") or e.name.endswith("~"))):
                    continue
                try:
                    if e.is_dir(follow_symlinks=follow):
                        if out is not None and skip_dir is not None and e.inode() == skip_dir.st_ino \
                                and os.path.samefile(e.path, out):
                            continue  # the build's own output, however it is spelled
                        if e.is_symlink():
                            real = os.path.realpath(e.path)
                            if real in seen:
                                continue
                            seen.add(real)
                        stack.append(e.path)
                    elif e.is_file():
                        st = e.stat()
                        found.append(f"{e.path}:{st.st_size}:{st.st_mtime_ns}:{st.st_ino}:{st.st_ctime_ns}")
                except OSError:
                    found.append(f"{e.path}:?")
    return sorted(found)


def _model_fields() -> list[list[str]]:
    """The field names of the classes pickled by position (model.pickled_by_position): a cache
    written with other fields, or in another order, is not read."""
    return [[f.name for f in dataclasses.fields(cls)]
            for cls in (Entry, Lesson, Question, Choice, Exercise, ExerciseField, Video)]


def context_digest(course: Course, template_dirs: list[Path], out: Path | None = None) -> str:
    """Everything but a lesson's own file that can change its rendering or its diagnostics, but
    the files its media lookups look at, which each entry checks itself (``Entry.probes``):
    the toolkit, the templates, the facts, the list of lesson files, and the media folder and
    brand course folders (but the lesson files in them and the output folder, *out*)."""
    brand = course.brand
    roots = [course.root / "media"] + ([r / "courses" / course.slug for r in brand.chain] if brand else [])
    skip = frozenset(str(f) for f, _ in course.lesson_files)
    payload = {
        "format": CACHE_FORMAT,
        "version": __version__,
        "model": _model_fields(),
        "cwd": os.getcwd(),
        "course": str(course.root.resolve()),
        "language": course.language,
        "brand": [str(r) for r in brand.chain] if brand else [],
        "facts": sorted((f.name, f.value) for f in course.facts.values()),
        "lessons": [str(f) for f, _ in course.lesson_files],
        "sanitize_html": course.sanitize_html,
        "templates": [x for d in template_dirs for x in _tree_listing(d, follow=True)],
        "media": [x for r in roots for x in _tree_listing(r, skip, out, editors=False)],
    }
    return hashlib.sha256(json.dumps(payload, sort_keys=True).encode()).hexdigest()


class LessonCache:
    """The cache of one course (*name*) inside the build's one cache file, *path*."""

    def __init__(self, path: Path, name: str, context: str, read_blobs: bool = True,
                 signatures: Mapping[str, str] | None = None) -> None:
        self.path = path
        # Sources' stats taken a moment ago by the replay's fingerprint (replay.signature), by the
        # path the cache keys them by: each is not stat'ed again (see key).
        self.signatures = signatures or {}
        self.name = name
        self.context = context
        self.old: Mapping[str, bytes] = {}  # pickled entries, by key (see dumps)
        self.new: dict[str, bytes] = {}
        self.old_pages: Mapping[str, bytes] = {}  # rendered pages, UTF-8 (as they are written)
        self.new_pages: dict[str, bytes] = {}
        self.old_page_digests: dict[str, str] = {}  # SHA-256 of each page kept, by key: a rebuild need not hash it
        self.new_page_digests: dict[str, str] = {}
        self.added = 0  # entries and pages put that the old cache did not have
        self.bytecode: dict[str, bytes] = {}  # Jinja's compiled templates (it checks their sources' checksums)
        self.old_outputs: dict[str, dict[str, str]] = {}  # "site" or a zip's name -> file -> digest
        self.new_outputs: dict[str, dict[str, str]] = {}
        # The digests and stats of the outputs change with every build (linking an old file changes its
        # ctime), so they have a small file of their own: the big one is left alone when nothing changed.
        self.outputs_path = path.with_name(f"outputs-{name}.marshal")
        # The pickled lessons and the pages are in a file appended to (toolkit/blobs.py).
        self.blob_path = path.with_name(f"blobs-{name}.bin")
        self.blob_file: blobs.BlobFile | None = None  # open while the build reads it: see close_blobs
        self.read_changed = False  # the blob file was written in place while it was read (close_blobs)
        self.blob_refs: dict[str, blobs.Ref] = {}  # "e<key>" and "p<key>" -> where in the blob file
        self.hits = 0
        self.page_hits = 0
        self.keys: dict[Path, str] = {}  # per build: a source read once
        self.with_probes: set[str] = set()  # keys of the entries of this build that looked up media
        self.replaced: set[str] = set()  # blob names put again this build, under a key the blob file has
        # Kept in memory only (see keep_in_memory): the entries unpickled, by
        # key, and each source's key with the stat it was read at.
        self.memory = path in IN_MEMORY
        # The entries unpickled, by key, kept in this process: with the cache in memory, or beside
        # its file (remember_unpickled: those of the last build into it, in this context).
        self.remembering = path in REMEMBERING
        then, remembered = REMEMBERED.get((path, name), ("", {}))
        self.old_objects: dict[str, Entry] = remembered if self.remembering and then == context else {}
        self.new_objects: dict[str, Entry] = {}
        self.stats: dict[str, tuple[str, str]] = {}  # by path: its signature (replay.signature), its key
        self.old_stats: dict[str, tuple[str, str]] = {}
        self.old_bytecode: dict[str, bytes] = {}
        try:
            memory = IN_MEMORY.get(path)
            data = memory.get(name, {}) if memory is not None else _read_course(path, name)
            if isinstance(data, dict) and data.get("context") == context and memory is not None:
                self.old = data["entries"]
                self.old_pages = data["pages"]
                self.old_page_digests = data["page_digests"]
                self.old_objects = data.get("objects", {})
            elif (isinstance(data, dict) and data.get("context") == context and data.get("format") == CACHE_FORMAT
                  and read_blobs):
                self.blob_file = blobs.BlobFile.open(self.blob_path, data["blobs"])
                if self.blob_file is not None:
                    self.old = blobs.Blobs(self.blob_file, data["entries"])
                    self.old_pages = blobs.Blobs(self.blob_file, data["pages"])
                    self.old_page_digests = data["page_digests"]
                    self.blob_refs = {**{"e" + k: r for k, r in data["entries"].items()},
                                      **{"p" + k: r for k, r in data["pages"].items()}}
            if isinstance(data, dict) and data.get("format") == CACHE_FORMAT:
                if memory is not None:
                    self.old_outputs = data["outputs"]
                self.stats = dict(data.get("stats", {}))
                self.bytecode = dict(data["bytecode"])  # valid whatever the context: Jinja checks the source
            self.old_stats, self.old_bytecode = dict(self.stats), dict(self.bytecode)
        except DAMAGED:
            self.close_blobs()
            self.blob_file = None
            self.old, self.old_pages, self.old_outputs, self.old_page_digests = {}, {}, {}, {}
        if not self.memory:  # whatever the context: each stamp is checked against its file
            self.old_outputs = _read_outputs(self.outputs_path)

    def key(self, file: Path) -> str:
        """The hash of a source's path and bytes.  A source whose stat (mtime, size, inode, ctime)
        is what it was when it was last hashed is not read again, as git does with its index.  A
        write changes the ctime, which no tool can set back; but the clock behind it ticks only
        every few milliseconds, so a file changed less than RACY_NS before it was hashed is
        hashed again next time, in case a second write came within the same tick.  Not on
        Windows, where st_ctime is the creation time."""
        key = self.keys.get(file)
        if key is None:
            path = str(file)
            sig = self.signatures.get(path) or signature(os.stat(file))
            known = self.stats.get(path)
            if TRUST_STAT and known is not None and known[0] == sig:
                key = known[1]
            else:
                key = hashlib.sha256(os.path.abspath(file).encode() + b"\0" + file.read_bytes()).hexdigest()
                if time.time_ns() - newest(sig) > RACY_NS:
                    self.stats[path] = (sig, key)
                else:
                    self.stats.pop(path, None)
            self.keys[file] = key
        return key

    def plain_keys(self) -> dict[Path, str]:
        """The key of each lesson file read this build whose rendering looked up no media: its
        source alone (within the context) decides its body (see ``site.page_keys``)."""
        return {file: key for file, key in self.keys.items() if key not in self.with_probes}

    def has(self, file: Path) -> bool:
        return self.key(file) in self.old

    def get(self, file: Path) -> Entry | None:
        key = self.key(file)
        blob = self.old.get(key)
        if blob is None:
            return None
        entry = self.old_objects.get(key)  # unpickled before, in this process
        if entry is None:
            try:  # kept in this process: whole; else its lesson an outline, loaded when used
                entry = loads(blob, file) if self.memory or self.remembering else outline(blob, file, self.blob_path)
            except Exception:  # a damaged entry is just a miss
                return None
        if not isinstance(entry, Entry) or not entry.holds():  # an image moved, added or removed: a miss
            return None
        if entry.probes:
            self.with_probes.add(key)
        self.new[key] = blob
        self.hits += 1
        if self.memory or self.remembering:  # kept as it came out of the cache: the build changes a copy
            self.new_objects[key] = entry  # (the build sets the lesson's index, origin and html)
            return Entry(dataclasses.replace(entry.lesson), entry.diagnostics, entry.media, entry.probes)
        return entry

    def put(self, file: Path, entry: Entry) -> None:
        key = self.key(file)
        lesson_json(entry.lesson)  # kept with the lesson: a rebuild does not encode it again
        if key in self.old:
            self.replaced.add("e" + key)
        if entry.probes:
            self.with_probes.add(key)
        self.new[key] = dumps(entry)
        self.added += 1
        if self.memory:
            self.new_objects[key] = loads(self.new[key], file)  # not the lesson the build goes on to change

    def page(self, key: str, render: Callable[[], bytes]) -> bytes:
        """A rendered page by *key* (see ``site.page_keys``), rendered only when not cached."""
        html = self.old_pages.get(key)
        digest = self.old_page_digests.get(key) if html is not None else None
        if html is None:
            html = render()
            self.added += 1
        else:
            self.page_hits += 1
        self.new_pages[key] = html
        self.new_page_digests[key] = digest or hashlib.sha256(html).hexdigest()
        return html

    def page_digest(self, key: str) -> str:
        """The SHA-256 of the page :meth:`page` gave for *key* (kept with it: not hashed again)."""
        return self.new_page_digests[key]

    def data(self) -> dict[str, Any]:
        return {"format": CACHE_FORMAT, "context": self.context, "entries": self.new, "pages": self.new_pages,
                "bytecode": self.bytecode, "outputs": self.new_outputs if self.memory else {}, "stats": self.stats,
                "page_digests": self.new_page_digests}

    def disk_data(self) -> dict[str, Any]:
        """What the cache file keeps of this course, once the new blobs are in the blob file."""
        named = {**{"e" + k: b for k, b in self.new.items()}, **{"p" + k: b for k, b in self.new_pages.items()}}
        # An entry put again under a key the file has (a lesson rendered again because an image it
        # looked up changed: its source, and so its key, did not) is appended, not the old one kept.
        kept = {k: r for k, r in self.blob_refs.items() if k not in self.replaced}
        self.close_blobs()
        refs, stamp = blobs.write(self.blob_path, self.blob_file, kept, named)
        return {**self.data(), "entries": {k: refs["e" + k] for k in self.new},
                "pages": {k: refs["p" + k] for k in self.new_pages}, "blobs": stamp}

    def close_blobs(self) -> None:
        """Done reading the blob file: entries and pages not looked up by now are not there.
        ``read_changed`` says whether it was written in place while it was read."""
        if self.blob_file is not None and not self.blob_file.closed:
            self.read_changed = not self.blob_file.unchanged()
            self.blob_file.close()

    def __enter__(self) -> LessonCache:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close_blobs()

    def changed(self) -> bool:
        """Whether this build's cache differs from the one it read (else the file is not rewritten)."""
        return (self.added > 0 or self.new.keys() != self.old.keys() or self.new_pages.keys() != self.old_pages.keys()
                or self.stats != self.old_stats or self.bytecode != self.old_bytecode)


IN_MEMORY: dict[Path, dict[str, dict[str, Any]]] = {}  # cache files kept in this process instead, by path
REMEMBERING: set[Path] = set()  # cache files whose unpickled entries this process keeps (remember_unpickled)
REMEMBERED: dict[tuple[Path, str], tuple[str, dict[str, Entry]]] = {}  # by file and course: context, entries


def remember_unpickled(cache_dir: Path) -> None:
    """Keep, in this process, the entries that the builds into *cache_dir* unpickle (``toolkit
    build --watch``: a long-lived process whose builds each find 999 of 1,000 lessons unchanged).
    The cache file is read and written as always, and decides which entries there are: one is
    taken from memory instead of unpickled when the file has it, under the same key (its source)
    in the same context, and is then checked as always (``Entry.holds``: its media lookups).  One
    that fails that check is let go, and the entry put in its place under the same key is
    unpickled from the file next time; so is each entry that a build puts."""
    REMEMBERING.add(cache_path(cache_dir))


def cache_path(cache_dir: Path) -> Path:
    return cache_dir / CACHE_FILE


def keep_in_memory(cache_dir: Path) -> None:
    """Keep the cache of builds into *cache_dir* in this process's memory
    instead of in its file (``toolkit preview``: a long-lived process that
    rebuilds on every save need not pickle its cache each time).  There the
    lessons are kept unpickled too, and a source is read and hashed again
    only when its stat (mtime, size, inode, ctime) changed."""
    IN_MEMORY.setdefault(cache_path(cache_dir), {})


MAGIC = b"TKCACHE5"  # 4: each part's CRC-32 in the index; 5: its HMAC instead, the index as JSON
Part = tuple[int, int, str]  # where a part of the cache file starts, its length and its HMAC (hex)
FOOTER = struct.Struct("<Q")
def _index(fh: BinaryIO) -> dict[str, Part]:
    """The cache file's index: by part (a course's, the YAML parser's), where it starts, how long
    it is and its HMAC.

    The file is ``MAGIC``, one pickle per part, the index (JSON: it is read before anything in
    the file is trusted) and the index's length, so that a course's part is read, and the
    others' copied, without unpickling the rest."""
    if fh.read(len(MAGIC)) != MAGIC:
        return {}
    fh.seek(-FOOTER.size, os.SEEK_END)
    (length,) = FOOTER.unpack(fh.read(FOOTER.size))
    fh.seek(-FOOTER.size - length, os.SEEK_END)
    index = json.loads(fh.read(length))
    return {name: tuple(where) for name, where in index.items()} if isinstance(index, dict) else {}


def _part(fh: BinaryIO, name: str, start: int, length: int, mac: str) -> bytes:
    """The bytes of part *name* of the cache file, as its index places them; ValueError when they
    are not all in the file (a damaged index) or not what this user's builds wrote there (their
    HMAC: a damaged part, or one written by someone else, whose template bytecode, kept YAML or
    page refs would be trusted, and whose pickles would run what they name)."""
    size = os.fstat(fh.fileno()).st_size
    if not (isinstance(start, int) and isinstance(length, int) and 0 <= start <= start + length <= size):
        raise ValueError("a part outside the cache file")
    fh.seek(start)
    blob = fh.read(length)
    if len(blob) != length:
        raise EOFError
    if not isinstance(mac, str) or not hmac.compare_digest(_mac(name, blob), mac):
        raise ValueError("a part of the cache file this user's builds did not write")
    return blob


def _read_course(path: Path, name: str) -> Any:
    """A course's part of the cache file (or another part, by its name), unpickled from its own
    bytes: a damaged length inside it is an UnpicklingError, not an allocation of that length."""
    with open_regular(path) as fh:
        blob = _part(fh, name, *_index(fh)[name])
    return pickle.loads(blob)


def _read_outputs(path: Path) -> dict[str, dict[str, str]]:
    """What the last build wrote (see ``LessonCache.old_outputs``), if this user's builds wrote
    this file: its HMAC first (as each part of the cache file has one), then the marshalled
    digests.  The build trusts them as it trusts the files' own bytes (an unchanged site file is
    left alone, a zip entry is copied from the old zip without being read), so a file written
    by anyone else, or damaged, is nothing."""
    try:
        with open_regular(path) as fh:
            blob = unsigned(path.name, fh.read())
        if blob is None:
            return {}
        data = marshal.loads(blob)
    except DAMAGED:
        return {}
    return data if isinstance(data, dict) else {}


def _write_outputs(cache: LessonCache) -> None:
    if cache.new_outputs == cache.old_outputs:
        return
    cache.outputs_path.parent.mkdir(parents=True, exist_ok=True)
    with replacing(cache.outputs_path) as fh:
        fh.write(signed(cache.outputs_path.name, marshal.dumps(cache.new_outputs)))


PARSED = "\0yaml"  # the cache file's part that keeps the YAML parser's results (yamlutil.ParsedTexts)


def _parser_stamp() -> str:
    """What the parser's results depend on besides each text: the toolkit, this Python, and
    PyYAML as installed (the stat of its package and the names of its compiled loaders, libyaml's,
    which this Python may or may not load), found without importing it."""
    from importlib.util import find_spec

    spec = find_spec("yaml")
    try:
        origin = os.stat(spec.origin) if spec is not None and spec.origin else None
        compiled = sorted(n for n in os.listdir(os.path.dirname(spec.origin)) if n.startswith("_yaml")) \
            if spec is not None and spec.origin else []
    except OSError:
        origin = None
    if origin is None:
        return ""
    return repr((__version__, CACHE_FORMAT, sys.version, origin.st_mtime_ns, origin.st_size, origin.st_ino, compiled))


def read_parsed(cache_dir: Path) -> ParsedTexts | None:
    """The YAML parser's results that the builds into *cache_dir* keep (none for a cache kept in
    memory: a process that stays up imports PyYAML once)."""
    path = cache_path(cache_dir)
    if path in IN_MEMORY:
        return None
    stamp = _parser_stamp()
    try:
        data = _read_course(path, PARSED)
    except DAMAGED:
        data = None
    texts = data.get("texts") if isinstance(data, dict) and stamp and data.get("parser") == stamp else None
    return ParsedTexts(texts if isinstance(texts, dict) else {}, stamp)


def save_caches(caches: list[LessonCache], parsed: ParsedTexts | None = None) -> None:
    """Write the caches of the courses just built into their one file, keeping the other courses',
    with the YAML parser's results (*parsed*, from :func:`read_parsed`)."""
    if not caches:
        return
    path = caches[0].path
    for c in caches:
        if c.remembering:  # what this build used: entries of lessons gone or changed are let go
            REMEMBERED[(c.path, c.name)] = (c.context, c.new_objects)
    memory = IN_MEMORY.get(path)
    if memory is not None:
        memory.update({c.name: {**c.data(), "objects": c.new_objects} for c in caches})
        return
    for c in caches:
        _write_outputs(c)
    parsed = parsed if parsed is not None and parsed.stamp and parsed.changed() else None
    if not any(c.changed() for c in caches) and parsed is None:
        return
    path.parent.mkdir(parents=True, exist_ok=True)
    mine = {c.name for c in caches} | ({PARSED} if parsed is not None else set())
    index: dict[str, Part] = {}

    def put(out: BinaryIO, name: str, blob: bytes) -> None:
        index[name] = (out.tell(), len(blob), _mac(name, blob))
        out.write(blob)

    with replacing(path) as out:
        out.write(MAGIC)
        try:
            with open_regular(path) as old:
                for name, where in _index(old).items():
                    if name not in mine:
                        put(out, name, _part(old, name, *where))
        except DAMAGED:
            pass  # no previous cache, or a damaged one: only the courses just built are kept
        for c in caches:
            put(out, c.name, pickle.dumps(c.disk_data(), protocol=pickle.HIGHEST_PROTOCOL))
        if parsed is not None:
            put(out, PARSED, pickle.dumps({"parser": parsed.stamp, "texts": parsed.texts()},
                                          protocol=pickle.HIGHEST_PROTOCOL))
        footer = json.dumps(index).encode()
        out.write(footer + FOOTER.pack(len(footer)))
