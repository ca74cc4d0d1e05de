"""Replaying a build that would change nothing, before anything heavy is imported.

After a successful ``toolkit build`` with the cache on, ``<out>/.cache/replay.marshal``
records a fingerprint of everything that build depended on, and what it printed:

* the options that change output or diagnostics (courses, formats, brand, LRS
  settings, sanitising, the output folder as given, the working directory, and
  the date the review checks compare with), the toolkit's version, Python;
* the stat (mtime, size, inode, ctime) of every file and the name of every
  folder under each course folder, the brands and project templates, the
  folder holding the courses (shared facts, the catalogue, which courses it
  has), the toolkit package itself and the libraries that render;
* the same of every file the build wrote: ``<out>/<slug>/`` and ``<out>/catalogue/``;
* the diagnostics and the summary lines.

When all of it is unchanged the next build prints the same diagnostics and
summary and exits as the build would have (with ``--strict``, failing on a
warning), without loading a lesson.  A file whose stat is too fresh to be
trusted gets its SHA-256 recorded, and is read again next time: for inputs,
the rule of :mod:`toolkit.cache` (written within ``RACY_NS`` of being
stat'ed); for outputs, a file not older than the record file itself, by the
file system's own clock.  Inputs are stat'ed before the build reads them, so
an edit during the build is seen next time.  Anything this cannot describe (a
symlinked folder, an unreadable file) disables replay for that build.

This module imports only the standard library (and toolkit.errors to raise
one, toolkit.files to open a file that may be a FIFO, toolkit.signing for the
record's HMAC: a record this user's builds did not write is never replayed):
it runs before the CLI imports click or the pipeline.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import marshal
import os
import stat
import sys
import time
from importlib.util import find_spec
from pathlib import Path
from typing import Any

from toolkit import __version__, clock
from toolkit.files import open_regular  # (a FIFO among the inputs or in the output folder would block for ever)

FORMATS = ("scorm12", "scorm2004", "xapi", "cmi5", "web")
RECORD = "replay.marshal"
RECORD_FORMAT = 3  # 3: signed (toolkit.signing)
RACY_NS = 3_000_000_000  # a source written within 3 s of being hashed is hashed again (FAT keeps mtimes in 2 s)
# On Windows st_ctime is the creation time, which a write leaves alone: there a source is always hashed.
TRUST_STAT = os.name != "nt"
# What renders: a new version of one of these may change the output.
LIBRARIES = ("jinja2", "markupsafe", "yaml", "markdown_it", "mdit_py_plugins", "markdown_it_pyrs", "lxml", "nh3")
PACKAGE = os.path.dirname(os.path.abspath(__file__))

# path -> "mtime:size:inode:ctime" (a file; a symlink adds the link's inode and ctime), DIR or MISSING.
# Strings: marshal reads 2,000 of them in well under a millisecond, 2,000 lists of big ints in ten.
Stats = dict[str, str]
DIR, MISSING = "d", "-"


def project_root_of(course_dir: Path) -> Path:
    """As :func:`toolkit.source.brand.project_root_of` (which imports the YAML loader)."""
    resolved = course_dir.resolve()
    return resolved.parent.parent if resolved.parent.name == "courses" else resolved.parent


def discover_courses(paths: list[Path] | None, cwd: Path | None = None) -> list[Path]:
    """Course folders named on the command line, or every one under ``courses/``."""
    if paths:
        out = []
        for p in paths:
            if (p / "course.yaml").is_file():
                out.append(p)
            elif p.is_dir() and any((c / "course.yaml").is_file() for c in p.iterdir()):
                out.extend(sorted(c for c in p.iterdir() if (c / "course.yaml").is_file()))
            else:
                from toolkit.errors import ConfigError  # here: its dataclasses cost the fast path 10 ms

                raise ConfigError(f"{p}: not a course folder (no course.yaml)")
        return out
    root = (cwd or Path.cwd()) / "courses"
    found = sorted(c for c in root.iterdir() if (c / "course.yaml").is_file()) if root.is_dir() else []
    if not found:
        from toolkit.errors import ConfigError

        raise ConfigError(f"no courses found under {root}: pass a course folder or run from the project folder")
    return found


class Unreplayable(Exception):
    """A tree this fingerprint cannot describe."""


def signature(st: os.stat_result) -> str:
    """What a stat says of a file's content: its mtime, size, inode and ctime (an edit that keeps
    the size and puts the mtime back still changes the ctime).  The replay record and the build
    cache's sources (cache.LessonCache.key) keep it in this one form."""
    return f"{st.st_mtime_ns}:{st.st_size}:{st.st_ino}:{st.st_ctime_ns}"


def newest(sig: str) -> int:
    """The later of the mtime and the ctime that a :func:`signature` holds."""
    fields = sig.split(":")
    return max(int(fields[0]), int(fields[3]))


def scan(root: str, into: Stats, recursive: bool = True, skip: frozenset[str] = frozenset(),
         fresh: list[str] | None = None, since: int = 0) -> None:
    """*root* and, for a folder, what is below it (only its own entries unless *recursive*),
    leaving out the paths in *skip* and ``__pycache__`` folders.  Raises :class:`Unreplayable`
    on a symlinked folder, whose contents could change without any stat here changing.  Each
    file whose mtime or ctime is *since* or later is added to *fresh*, if given."""
    def sig(path: str, st: os.stat_result) -> str:
        if fresh is not None and max(st.st_mtime_ns, st.st_ctime_ns) >= since:
            fresh.append(path)
        return signature(st)

    try:
        st = os.stat(root)
    except OSError:
        into[root] = MISSING
        return
    if not stat.S_ISDIR(st.st_mode):
        into[root] = sig(root, st)
        return
    into[root] = DIR
    stack = [root]
    while stack:
        with os.scandir(stack.pop()) as entries:
            for e in entries:
                path = e.path
                if path in skip:
                    continue
                if e.is_symlink():
                    try:
                        target = os.stat(path)
                    except OSError:
                        into[path] = MISSING
                        continue
                    if stat.S_ISDIR(target.st_mode):
                        raise Unreplayable(path)
                    link = e.stat(follow_symlinks=False)
                    into[path] = f"{sig(path, target)}:{link.st_ino}:{link.st_ctime_ns}"
                elif e.is_dir():
                    if e.name != "__pycache__":
                        into[path] = DIR
                        if recursive:
                            stack.append(path)
                else:
                    into[path] = sig(path, e.stat())


def file_digest(path: str) -> str:
    import hashlib  # only for a stat too fresh to trust

    try:
        with open_regular(Path(path)) as fh:
            return hashlib.sha256(fh.read()).hexdigest()
    except OSError:
        return ""


def _input_stats(courses: list[Path], out: Path, fresh: list[str] | None = None, since: int = 0) -> Stats:
    """The stats of everything a build of *courses* reads; those changed *since* in *fresh*."""
    skip = frozenset({str(out)})
    found: Stats = {}

    def look(root: str, into: Stats, recursive: bool = True, skip: frozenset[str] = frozenset()) -> None:
        scan(root, into, recursive, skip, fresh, since)

    look(PACKAGE, found)
    for name in LIBRARIES:  # a package's own folder (its compiled modules too), or the module's file
        spec = find_spec(name)
        if spec is not None and spec.origin:
            package = spec.submodule_search_locations is not None
            look(os.path.dirname(spec.origin) if package else spec.origin, found, recursive=False)
    schemas = os.environ.get("TOOLKIT_SCHEMAS_DIR")  # the packagers' XSDs, when not the shipped ones
    if schemas:
        look(os.path.abspath(schemas), found)
    for course in courses:
        root = course.resolve()
        look(str(root), found, skip=skip)
        # The folder holding the course: shared facts, catalogue.yaml, which folders are courses.  Both
        # the one it is in and, for a symlinked course, the one it resolves into (the loader reads both).
        for parent in dict.fromkeys([str(root.parent), os.path.dirname(os.path.abspath(course))]):
            level: Stats = {}
            look(parent, level, recursive=False, skip=skip)
            found.update(level)
            for sibling in [p for p, s in level.items() if s == DIR and p != parent]:
                look(os.path.join(sibling, "course.yaml"), found)
        project = project_root_of(course)
        for folder in ("brands", "templates"):
            look(str(project / folder), found, skip=skip)
    return found


def _output_stats(out: Path, slugs: list[str], fresh: list[str] | None = None, since: int = 0) -> Stats:
    found: Stats = {}
    for name in [*slugs, "catalogue"]:
        scan(str(out / name), found, fresh=fresh, since=since)
    return found


def _same(now: Stats, then: Stats, digests: dict[str, str]) -> bool:
    """Whether *now* is the state *then* described; files in *digests* are compared by content."""
    if now.keys() != then.keys():
        return False
    for path, sig in now.items():
        known = digests.get(path)
        if known is not None:
            if not known or sig in (DIR, MISSING) or file_digest(path) != known:
                return False
        elif sig != then[path]:
            return False
    return True




def _fs_now(fd: int) -> int:
    """The file system's clock, now: the mtime of a file just created (its own granularity, its own skew)."""
    return os.fstat(fd).st_mtime_ns


_STARTED: dict[Path, Fingerprint] = {}  # see hand_over


def hand_over(fp: Fingerprint) -> None:
    """The fingerprint from_argv took, for the CLI's :func:`start` that comes right after it in this
    process (it takes it once, if its key is the same): the inputs are not stat'ed twice."""
    _STARTED[fp.path] = fp


class Fingerprint:
    """One ``toolkit build``: what it depends on, and the record of the last build if it still holds."""

    def __init__(self, path: Path, key: dict[str, Any], inputs: Stats | None) -> None:
        self.path = path
        self.key = key
        self.inputs = inputs  # None: this build cannot be replayed
        self.racy: dict[str, str] = {}  # inputs whose stat is too fresh to trust, by digest
        self.record: dict[str, Any] | None = None  # the last build's record, when everything matched
        self.out = path.parent.parent  # the output folder, resolved
        # From a plain command line (from_argv): the courses and the options as read there.
        self.plain: tuple[list[Path], dict[str, Any]] | None = None

    def save(self, slugs: list[str], diagnostics: list[tuple[str, int, str, str]], summary: list[str]) -> None:
        """Record this build, once it has written everything (a failure to do so only costs speed)."""
        if self.inputs is None:
            return
        tmp = self.path.with_name(f"{RECORD}.tmp-{os.getpid()}")
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            from toolkit.signing import signed

            with open(tmp, "wb") as fh:
                marker = _fs_now(fh.fileno())
                out = Path(self.key["out_resolved"])
                fresh: list[str] = []  # written since the marker (all, where a stat cannot be trusted)
                outputs = _output_stats(out, slugs, fresh, marker if TRUST_STAT else 0)
                fh.write(signed(RECORD, marshal.dumps({
                    "key": self.key, "inputs": self.inputs, "racy": self.racy, "slugs": slugs, "outputs": outputs,
                    "racy_outputs": {p: file_digest(p) for p in fresh}, "diagnostics": diagnostics,
                    "summary": summary})))
            os.replace(tmp, self.path)
        except (OSError, Unreplayable):
            with contextlib.suppress(OSError):
                os.unlink(tmp)


def start(courses: list[Path], out: Path, options: dict[str, Any], today: dt.date | None) -> Fingerprint:
    """The fingerprint of a build about to run; ``record`` is set when the last build can be replayed.

    Otherwise the inputs are stat'ed (and hashed where their stat is too fresh) now, before the
    build reads them.  An old record that does not match is left alone (a failed build writes
    nothing): it can only match the state it describes."""
    resolved = out.resolve()
    key = {"format": RECORD_FORMAT, "version": __version__, "python": [sys.executable, sys.version],
           "cwd": os.getcwd(), "courses": [str(c) for c in courses], "courses_resolved": [str(c.resolve()) for c in courses],
           "out": str(out), "out_resolved": str(resolved), "today": clock.today(today).isoformat(),
           "schemas": os.environ.get("TOOLKIT_SCHEMAS_DIR"), **options}
    path = resolved / ".cache" / RECORD
    known = _STARTED.pop(path, None)
    if known is not None and known.key == key:  # started a moment ago by from_argv, in this process
        return known
    # An input written within RACY_NS of now is recorded by its digest too (all of them where a
    # stat cannot be trusted): its stat could be the same after a second write in the same tick.
    fresh: list[str] = []
    since = time.time_ns() - RACY_NS if TRUST_STAT else 0
    try:
        inputs = _input_stats(courses, resolved, fresh, since)
    except (OSError, Unreplayable):
        inputs = None
    fp = Fingerprint(path, key, inputs)
    if inputs is None:
        return fp
    try:
        from toolkit.signing import unsigned

        with open_regular(path) as fh:  # one this user's builds signed (toolkit.signing): else no replay
            blob = unsigned(RECORD, fh.read())
        record = marshal.loads(blob) if blob is not None else None
        if (isinstance(record, dict) and record.get("key") == key
                and _same(inputs, record["inputs"], record["racy"])
                and _same(_output_stats(resolved, record["slugs"]), record["outputs"], record["racy_outputs"])):
            fp.record = record
            return fp
    except (OSError, EOFError, ValueError, KeyError, TypeError, AttributeError, Unreplayable):
        pass
    fp.racy = {p: file_digest(p) for p in fresh}
    return fp


def diagnostic_line(d: tuple[str, int, str, str]) -> str:
    """``str(toolkit.errors.Diagnostic(*d))``, without importing it (tests/cli/test_replay.py compares them)."""
    path, line, message, severity = d
    where = f"{path}:{line}" if line else path
    return f"{where}: {'' if severity == 'error' else severity + ': '}{message}"


# ``toolkit build`` options, for from_argv: those taking a value, and flags.
VALUE_OPTIONS = {"--out": "out", "--format": "format", "--brand": "brand", "--lrs-endpoint": "lrs_endpoint",
                 "--lrs-key": "lrs_key", "--actor-homepage": "lrs_homepage", "--today": "today", "--jobs": "jobs",
                 "-j": "jobs"}
FLAGS = {"--strict": "strict", "--sanitize-html": "sanitize_html"}


def from_argv(argv: list[str]) -> tuple[int | None, Fingerprint | None]:
    """``python -m toolkit build ...`` replayed without importing click, when the last build holds:
    the exit code.  Only plain command lines are read here: anything else (another command, an
    unknown or repeated option, ``--no-cache``, a value that click would refuse, a build that
    would fail) gives no exit code, and the CLI handles it as always; with the fingerprint taken
    here, when there is one, for :func:`hand_over`."""
    if not argv or argv[0] != "build":
        return None, None
    values: dict[str, Any] = {}
    formats: list[str] = []
    paths: list[str] = []
    args = iter(argv[1:])
    for arg in args:
        # "--out=x" as click reads it; a short option's "=" is part of its value ("-j=3" is "=3")
        name, eq, inline = arg.partition("=") if arg.startswith("--") else (arg, "", "")
        if name in VALUE_OPTIONS:
            value = inline if eq else next(args, None)
            if not value or value.startswith("-") or (VALUE_OPTIONS[name] in values and name != "--format"):
                return None, None
            if name == "--format":
                formats.append(value)
            else:
                values[VALUE_OPTIONS[name]] = value
        elif arg in FLAGS:
            values[FLAGS[arg]] = True
        elif arg.startswith("-") or not arg or not os.path.isdir(arg) or not os.access(arg, os.R_OK):
            return None, None
        else:
            paths.append(arg)
    jobs = values.get("jobs")
    if jobs is not None and not (jobs.isascii() and jobs.isdigit() and int(jobs) >= 1):
        return None, None
    out = values.get("out")
    if out is not None and os.path.exists(out) and not (os.path.isdir(out) and os.access(out, os.R_OK)):
        return None, None
    today = values.get("today") if "today" in values else os.environ.get("TOOLKIT_TODAY") or None
    try:
        day = dt.date.fromisoformat(today) if today is not None else None
        courses = discover_courses([Path(p) for p in paths])
    except Exception:  # a bad date, no course (a ConfigError): click reports it
        return None, None
    brand = values.get("brand")
    out_path = Path(out) if out is not None else Path("build") / "brands" / brand if brand else Path("build")
    settings = {k: values[k] for k in ("lrs_endpoint", "lrs_key", "lrs_homepage") if values.get(k)}
    fp = start(courses, out_path, {"formats": tuple(formats) or FORMATS, "brand": brand, "settings": settings,
                                   "sanitize_html": bool(values.get("sanitize_html"))}, day)
    fp.out = out_path
    fp.plain = (courses, {"formats": tuple(formats) or FORMATS, "brand": brand, "strict": bool(values.get("strict")),
                          "today": day, "settings": settings, "jobs": int(jobs) if jobs is not None else None,
                          "sanitize_html": bool(values.get("sanitize_html"))})
    record = fp.record
    items = sorted(record["diagnostics"], key=lambda d: (d[0], d[1], d[2])) if record is not None else []
    if record is None or any(d[3] == "error" or (values.get("strict") and d[3] == "warning") for d in items) \
            or any("\x1b" in x for x in [*map(diagnostic_line, items), *record["summary"]]):
        return None, fp  # to build, or failing, or with escapes to strip: toolkit.command prints it
    for d in items:  # as toolkit.cli prints them
        if d[3] != "info":
            emit(diagnostic_line(d), err=True)
    for text in record["summary"]:
        emit(text)
    return 0, None


ANSI_RE = r"\033\[[;?0-9]*[a-zA-Z]"  # click._compat._ansi_re
_WRAPPED: dict[int, tuple[Any, Any]] = {}  # id of a standard stream -> (it, its UTF-8 wrapper)


def _text_stream(err: bool) -> Any:
    """stdout or stderr as ``click.echo`` writes to it: None when there is none (a closed
    stream), and one whose encoding is ASCII (a misconfigured locale) re-wrapped as UTF-8 with
    unencodable characters replaced."""
    stream = sys.stderr if err else sys.stdout
    if stream is None:
        return None
    import codecs

    try:
        ascii_only = codecs.lookup(getattr(stream, "encoding", None) or "ascii").name == "ascii"
    except LookupError:
        ascii_only = False
    buffer = getattr(stream, "buffer", None)
    if not ascii_only or buffer is None:
        return stream
    known = _WRAPPED.get(id(stream))
    if known is None or known[0] is not stream:
        import io

        class NonClosing(io.TextIOWrapper):  # as click's: its end must not close the stream's buffer
            def __del__(self) -> None:
                try:  # noqa: SIM105 (no contextlib here: __del__ may run when modules are torn down)
                    self.detach()
                except Exception:
                    pass

        known = _WRAPPED[id(stream)] = (stream, NonClosing(buffer, encoding="utf-8", errors="replace",
                                                           line_buffering=True))
    return known[1]


def emit(text: str, err: bool = False) -> None:
    """*text* and a newline, as ``click.echo`` prints it (ANSI escapes removed off a terminal)."""
    stream = _text_stream(err)
    if stream is None:
        return
    try:
        tty = bool(stream.isatty())
    except Exception:  # as click's isatty
        tty = False
    if not tty:
        import re

        text = re.sub(ANSI_RE, "", text)
    stream.write(f"{text}\n")
    stream.flush()
