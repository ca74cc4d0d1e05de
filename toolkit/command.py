"""``toolkit build`` after its arguments are read, without click: the click command
(:mod:`toolkit.cli`) and the plain command lines that :func:`toolkit.replay.from_argv` reads
both run it, so that a rebuild does not import click just to print a few lines.

Output is what click prints: a line per diagnostic on stderr (infos not shown), the summary on
stdout, failures in red; ANSI escapes are removed from what goes to a stream that is not a
terminal, as ``click.echo`` does.
"""

from __future__ import annotations

import os
import sys
import time
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

from toolkit.errors import CheckFailed, Diagnostic, ToolkitError
from toolkit.replay import emit

if TYPE_CHECKING:
    from toolkit.build import BuildOptions
    from toolkit.replay import Fingerprint


def echo(text: str, err: bool = False, red: bool = False) -> None:
    """*text* and a newline on stdout (stderr with *err*), as ``click.echo``/``click.secho(fg="red")``."""
    emit(f"\033[31m{text}\033[0m" if red else text, err)


def print_diagnostics(items: list[Diagnostic], verbose: bool = False,
                      out: Callable[..., None] = echo) -> None:
    for d in sorted(items, key=lambda d: (d.path, d.line, d.message)):
        if d.severity == "info" and not verbose:
            continue
        out(str(d), err=d.severity != "info")


def failure(exc: BaseException, out: Callable[..., None] = echo) -> bool:
    """The message of a build that raised *exc*, if it is one the toolkit reports (then True):
    the diagnostics of a failed check, a toolkit error, a disk full or a read-only folder."""
    if isinstance(exc, CheckFailed):
        print_diagnostics(exc.diagnostics, out=out)
        errors = sum(1 for d in exc.diagnostics if d.severity == "error")
        warnings = sum(1 for d in exc.diagnostics if d.severity == "warning")
        out(f"Build failed: {errors} error(s), {warnings} warning(s). Nothing was written.", err=True, red=True)
    elif isinstance(exc, ToolkitError):
        out(f"Error: {exc}", err=True, red=True)
    elif isinstance(exc, OSError):
        where = f": {exc.filename}" if exc.filename else ""
        out(f"Error: {exc.strerror or exc}{where}", err=True, red=True)
    else:
        return False
    return True


def run_build(dirs: list[Path], options: BuildOptions, fingerprint: Fingerprint | None,
              progress: Callable[[str], None] | None = None, out: Callable[..., None] = echo) -> None:
    """Build, print the diagnostics and the summary, and record the build for replay."""
    import dataclasses

    from toolkit.build import build

    if fingerprint is not None and fingerprint.inputs is not None:  # stat'ed a moment ago: not again,
        racy = fingerprint.racy  # but for those too fresh to trust, which the cache stats and hashes itself
        options = dataclasses.replace(options, input_stats={p: s for p, s in fingerprint.inputs.items()
                                                            if p not in racy})
    results, report = build(dirs, options, progress)
    print_diagnostics(report.items, out=out)
    summary = []
    for r in results:
        c = r.course
        pkgs = ", ".join(sorted(r.packages)) or "no packages"
        summary.append(f"{c.slug}: {len(c.lessons)} lessons, {c.question_count} questions -> {r.site} ({pkgs})")
        out(summary[-1])
    if fingerprint is not None:
        fingerprint.save([r.course.slug for r in results],
                         [(d.path, d.line, d.message, d.severity) for d in report.items], summary)


def replay(record: dict[str, Any], strict: bool, out: Callable[..., None] = echo) -> None:
    """What the last build printed, and its exit: with *strict*, a warning fails as it would have."""
    items = [Diagnostic(str(p), int(n), str(m), str(s)) for p, n, m, s in record["diagnostics"]]
    if any(d.severity == "error" or (strict and d.severity == "warning") for d in items):
        raise CheckFailed(items)
    print_diagnostics(items, out=out)
    for line in record["summary"]:
        out(line)


def wants_progress(dirs: list[Path]) -> bool:
    """Whether the build shows a progress bar (click's): many lessons, and a terminal to show it on."""
    if sys.stderr is None or not sys.stderr.isatty():
        return False
    return sum(len(list((d / "lessons").glob("*.md"))) for d in dirs) >= 100


def run_plain(dirs: list[Path], values: dict[str, Any], fingerprint: Fingerprint) -> int:
    """A plain command line that from_argv read (options as it read them): built, and the exit code."""
    try:
        if fingerprint.record is not None:  # a replay that fails, or prints escapes: the pipeline is not needed
            replay(fingerprint.record, values["strict"])
        else:
            from toolkit.build import BuildOptions

            options = BuildOptions(out=fingerprint.out, formats=values["formats"], brand=values["brand"],
                                   strict=values["strict"], today=values["today"], settings=values["settings"],
                                   jobs=values["jobs"], sanitize_html=values["sanitize_html"])
            run_build(dirs, options, fingerprint)
    except (EOFError, KeyboardInterrupt):  # as click's main has it
        echo("", err=True)
        echo("Aborted!", err=True)
        return 1
    except Exception as exc:
        if failure(exc):
            return 1
        raise
    return 0


def watch_roots(dirs: list[Path]) -> list[Path]:
    """The folders ``toolkit build --watch`` watches: those a build reads (see :mod:`toolkit.replay`),
    that is the folder holding each course (shared facts, the catalogue, the course itself) and the
    project's brands and templates.  The toolkit's own files and the libraries are not watched."""
    from toolkit.replay import project_root_of

    roots: list[Path] = []
    for d in dirs:
        for folder in (d.resolve().parent, Path(os.path.abspath(d)).parent,
                       project_root_of(d) / "brands", project_root_of(d) / "templates"):
            if folder.is_dir() and folder not in roots:
                roots.append(folder)
    return roots


def watch(discover: Callable[[], list[Path]], options: BuildOptions,
          fingerprint: Callable[[list[Path]], Fingerprint | None], out: Callable[..., None] = echo,
          changes: Iterable[object] | None = None, clock: Callable[[], float] = time.perf_counter) -> None:
    """``toolkit build --watch``: build, then build again after each batch of changes to the
    sources, until Ctrl+C or SIGTERM (or until *changes*, the batches, ends: tests give their own).

    Each build is the one ``toolkit build`` would run at that moment: *discover* finds its courses
    again (one added under ``courses/`` is built, one removed is not), with the same cache and
    replay record (*fingerprint* takes a new one): it costs what changed, leaves its output as a
    build of its own would, and the next ``toolkit build`` finds both warm.  A failed build is
    reported and the watch goes on; its output stays as the last good build left it.  The lessons
    unpickled from the cache are kept between builds (``cache.remember_unpickled``)."""
    import signal
    import threading

    from toolkit.cache import remember_unpickled

    def stopped(signum: int, frame: Any) -> None:  # SIGTERM (kill, a process manager) stops it as Ctrl+C does
        raise KeyboardInterrupt

    main = threading.current_thread() is threading.main_thread()  # (signals go to the main thread only)
    before = signal.signal(signal.SIGTERM, stopped) if main else None
    remember_unpickled(options.out / ".cache")
    watched: list[Path] = []  # the courses of the last build that found some: their folders are watched

    def once(quiet: bool = False) -> None:
        started = clock()
        try:
            dirs = discover()
            watched[:] = dirs
            fp = fingerprint(dirs)
            if fp is not None and fp.record is not None:
                if not quiet:
                    replay(fp.record, options.strict, out)
                    out("Nothing changed since the last build.")
            else:  # (with --no-cache nothing tells: built)
                run_build(dirs, options, fp, out=out)
                out(f"Built in {clock() - started:.2f} s.")
        except Exception as exc:
            if not failure(exc, out):
                raise

    try:
        watched[:] = discover()  # none at all: the error, as a toolkit build gives it
        once()
        if changes is None:
            changes = _changes(lambda: watch_roots(watched), options.out, out)
        caught_up = False
        for batch in changes:
            if not batch:  # the watcher's first timeout: it is watching now, so catch up on an edit
                if not caught_up:  # made while the first build ran (its fingerprint was taken before)
                    once(quiet=True)
                caught_up = True
                continue
            caught_up = True
            once()
    except KeyboardInterrupt:  # during a build: what it had not committed is left out, as always
        out("", err=True)
    finally:
        if main:
            signal.signal(signal.SIGTERM, before)
    out("Stopped watching.", err=True)


def _changes(folders: Callable[[], list[Path]], build_out: Path, out: Callable[..., None]) -> Iterator[object]:
    """Batches of changes under *folders* (watchfiles, the watcher uvicorn uses), but in the output
    folder, by whatever path it is reached, and editors' swap and backup files; an empty batch
    each second nothing changed.  When a folder a build reads appears or
    goes (a first ``templates/``), the watcher starts again on the new folders, and then gives a
    batch, so that the build that follows is one it watches.  Ctrl+C ends them."""
    from watchfiles import DefaultFilter, watch

    skips = {os.path.abspath(build_out), os.path.realpath(build_out)}
    default = DefaultFilter()

    def outside(path: str) -> bool:
        return not any(path == skip or path.startswith(skip + os.sep) for skip in skips)

    def wanted(change: Any, path: str) -> bool:
        return default(change, path) and outside(path) and outside(os.path.realpath(path))

    moved = False
    while True:
        roots = folders()
        out(f"Watching {', '.join(map(str, roots))} for changes (Ctrl+C to stop).")
        for changed in watch(*roots, watch_filter=wanted, raise_interrupt=False, rust_timeout=1000,
                             yield_on_timeout=True):
            if moved:  # watching the new folders now
                moved = False
                yield changed or {("folders", "")}
                continue
            if not changed and folders() != roots:
                moved = True
                break
            yield changed
        if not moved:  # Ctrl+C
            return


