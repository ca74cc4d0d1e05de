"""One exception hierarchy for every user-facing failure.

Messages that point at a source carry ``path:line`` so editors and CI logs can
jump straight to the problem.  The CLI catches :class:`ToolkitError` and prints
it without a traceback.
"""

from __future__ import annotations

import contextlib
import os
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO


class ToolkitError(Exception):
    """Base class of every error the toolkit reports to a user."""


@dataclass(frozen=True, order=True)
class Diagnostic:
    """One finding of a check: an error or a warning at ``path:line``."""

    path: str
    line: int
    message: str
    severity: str = "error"  # "error" | "warning" | "info"

    def __str__(self) -> str:
        where = f"{self.path}:{self.line}" if self.line else self.path
        prefix = "" if self.severity == "error" else f"{self.severity}: "
        return f"{where}: {prefix}{self.message}"


class SourceError(ToolkitError):
    """A problem in a course source file, with its location."""

    def __init__(self, path: str | Path, line: int, message: str) -> None:
        self.diagnostic = Diagnostic(display_path(path), line, message)
        super().__init__(str(self.diagnostic))


class CheckFailed(ToolkitError):
    """One or more source checks failed; carries every diagnostic found."""

    def __init__(self, diagnostics: list[Diagnostic]) -> None:
        self.diagnostics = sorted(diagnostics, key=lambda d: (d.path, d.line, d.message))
        errors = [d for d in self.diagnostics if d.severity == "error"]
        super().__init__(f"{len(errors)} error(s)")


class PackageError(ToolkitError):
    """A package could not be built or failed validation."""


class ConfigError(ToolkitError):
    """Bad command-line or configuration input."""


def display_path(path: str | Path) -> str:
    """Show a path relative to the working directory when it lies below it."""
    p = Path(path)
    try:
        return str(p.resolve().relative_to(Path.cwd().resolve()))
    except ValueError:
        return str(p)


@contextlib.contextmanager
def naming(path: str | Path, partial: str | Path | None = None) -> Iterator[None]:
    """An OSError from the system that names no file (a write refused for a full disk, a closed
    descriptor's delayed failure) goes on naming *path*, the file being written, so that the
    message says where: the same error, its kind and the rest of it kept.  (One without an errno,
    raised by Python code, is left as it is: naming a file would take its message's place.)  On
    any error *partial*, a temporary file half written, is removed first, and an error that names
    it (renaming it into place) names *path* instead."""
    try:
        yield
    except BaseException as exc:
        if partial is not None:
            with contextlib.suppress(OSError):
                os.unlink(partial)
        if isinstance(exc, OSError) and exc.errno is not None and (
                exc.filename is None or (partial is not None and exc.filename == str(partial))):
            exc.filename, exc.filename2 = str(path), None  # (renaming the temporary file: it is gone)
        raise


@contextlib.contextmanager
def replacing(path: str | Path) -> Iterator[BinaryIO]:
    """A new file for *path*, written beside it (``<name>.tmp-<pid>``) and renamed into place when
    the block ends, so that nobody reads it half written.  On any error, the rename's included,
    the temporary file is removed and the error names *path* (see :func:`naming`)."""
    tmp = f"{path}.tmp-{os.getpid()}"
    with naming(path, partial=tmp):
        with open(tmp, "wb") as fh:
            yield fh
        os.replace(tmp, path)
