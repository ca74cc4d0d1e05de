"""Collects every diagnostic of a check run instead of stopping at the first."""

from __future__ import annotations

from pathlib import Path

from toolkit.errors import Diagnostic, SourceError, display_path


class Report:
    def __init__(self) -> None:
        self.items: list[Diagnostic] = []

    def add(self, path: str | Path, line: int, message: str, severity: str = "error") -> None:
        self.items.append(Diagnostic(display_path(path), line, message, severity))

    def error(self, path: str | Path, line: int, message: str) -> None:
        self.add(path, line, message, "error")

    def warning(self, path: str | Path, line: int, message: str) -> None:
        self.add(path, line, message, "warning")

    def info(self, path: str | Path, line: int, message: str) -> None:
        self.add(path, line, message, "info")

    def absorb(self, exc: SourceError) -> None:
        self.items.append(exc.diagnostic)

    @property
    def errors(self) -> list[Diagnostic]:
        return [d for d in self.items if d.severity == "error"]

    @property
    def warnings(self) -> list[Diagnostic]:
        return [d for d in self.items if d.severity == "warning"]

    def sorted(self) -> list[Diagnostic]:
        return sorted(self.items, key=lambda d: (d.path, d.line, d.severity, d.message))
