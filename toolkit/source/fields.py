"""Small typed accessors for YAML mappings that report errors at ``path:line``."""

from __future__ import annotations

import os
import re
import stat
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from toolkit.errors import SourceError
from toolkit.source.report import Report
from toolkit.source.yamlutil import LineDict, LineList, load_yaml_file

ID_RE = re.compile(r"^[a-z0-9][a-z0-9_-]{0,63}$")


def line_of(mapping: Any, key: Any, default: int = 0) -> int:
    if isinstance(mapping, (LineDict, LineList)):
        return mapping.line_of(key)
    return default


def check_keys(mapping: dict[str, Any], known: set[str], path: Path, report: Report, what: str) -> None:
    """Report every unknown key, suggesting the nearest known one."""
    for key in mapping:
        if key in known:
            continue
        import difflib  # only for an unknown key: a build of known keys does not pay for its import

        hint = difflib.get_close_matches(str(key), sorted(known), n=1, cutoff=0.6)
        suggestion = f"; did you mean '{hint[0]}'?" if hint else f" (known keys: {', '.join(sorted(known))})"
        report.error(path, line_of(mapping, key), f"unknown key '{key}' in {what}{suggestion}")


def get_str(mapping: dict[str, Any], key: str, path: Path, report: Report, what: str,
            required: bool = False, default_line: int = 0) -> str | None:
    if key not in mapping or mapping[key] is None:
        if required:
            report.error(path, getattr(mapping, "line", default_line) or default_line,
                         f"{what} is missing required key '{key}'")
        return None
    value = mapping[key]
    if isinstance(value, bool) or not isinstance(value, (str, int, float)):
        report.error(path, line_of(mapping, key), f"'{key}' in {what} must be text")
        return None
    text = str(value).strip()
    if not text and required:
        report.error(path, line_of(mapping, key), f"'{key}' in {what} must not be empty")
        return None
    return text


def get_number(mapping: dict[str, Any], key: str, path: Path, report: Report, what: str,
               minimum: float | None = None, maximum: float | None = None) -> float | None:
    if key not in mapping or mapping[key] is None:
        return None
    value = mapping[key]
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        report.error(path, line_of(mapping, key), f"'{key}' in {what} must be a number")
        return None
    if (minimum is not None and value < minimum) or (maximum is not None and value > maximum):
        report.error(path, line_of(mapping, key),
                     f"'{key}' in {what} must be between {minimum} and {maximum}, not {value}")
        return None
    return float(value)


def get_list(mapping: dict[str, Any], key: str, path: Path, report: Report, what: str) -> list[Any]:
    if key not in mapping or mapping[key] is None:
        return []
    value = mapping[key]
    if not isinstance(value, list):
        report.error(path, line_of(mapping, key), f"'{key}' in {what} must be a list")
        return []
    return value


def each_mapping(mapping: dict[str, Any], key: str, path: Path, report: Report, what: str, known: set[str],
                 item_what: str, not_a_mapping: str, default_line: int = 0,
                 text_key: str | None = None) -> Iterator[tuple[int, int, dict[str, Any]]]:
    """The mappings listed under *key*, as (index, line, item), their keys checked against
    *known*.  An item that is not a mapping is reported (*not_a_mapping*) and skipped, except
    that with *text_key* a plain text stands for ``{text_key: text}``."""
    items = get_list(mapping, key, path, report, what)
    for i, raw in enumerate(items):
        line = line_of(items, i, default_line)
        item = {text_key: raw} if text_key is not None and isinstance(raw, str) else raw
        if not isinstance(item, dict):
            report.error(path, line, not_a_mapping)
            continue
        check_keys(item, known, path, report, item_what)
        yield i, line, item


def get_id(mapping: dict[str, Any], key: str, path: Path, report: Report, what: str) -> str | None:
    value = get_str(mapping, key, path, report, what)
    if value is not None and not ID_RE.match(value):
        report.error(path, line_of(mapping, key),
                     f"'{key}' in {what} must be lower-case letters, digits, '-' or '_' (got '{value}')")
        return None
    return value


def load_mapping(path: Path, report: Report, not_a_mapping: str) -> dict[str, Any] | None:
    """A YAML file whose top level must be a mapping.  A YAML error, or any
    other top level (reported as *not_a_mapping* at line 1), goes to *report*
    and gives ``None``."""
    try:
        data: Any = load_yaml_file(path)
    except SourceError as exc:
        report.absorb(exc)
        return None
    if not isinstance(data, dict):
        report.error(path, 1, not_a_mapping)
        return None
    return data


def escape_problem(file: Path, root: Path) -> str | None:
    """Why reading *file* would leave *root* (a symbolic link, or a path outside it), or None.

    The build reads no file outside the course, the brand and the templates."""
    if file.parent == root:  # the common case, a file right in *root*: one lstat, no resolving
        try:
            if not stat.S_ISLNK(os.lstat(file).st_mode):
                return None
        except OSError:
            pass  # the general path below decides
    try:
        inside = file.resolve().is_relative_to(root.resolve())
    except (OSError, ValueError):
        return "cannot be resolved"
    if any(p.is_symlink() for p in [file, *file.parents] if p.is_relative_to(root) and p != root):
        return "is a symbolic link; the build reads no file from outside the course and its brand"
    if not inside:
        return f"is outside {root.name}/; the build reads no file from outside the course and its brand"
    return None


def report_links(folder: Path, report: Report) -> None:
    """An error for every symbolic link under *folder* (files and folders alike)."""
    if not folder.is_dir():
        return
    for parent, dirs, files in os.walk(folder):  # does not follow links to folders
        for name in sorted(dirs + files):
            entry = Path(parent) / name
            if entry.is_symlink():
                report.error(entry, 0, "is a symbolic link; the build copies no file from outside "
                                       "the course and its brand: replace it with the file itself")
