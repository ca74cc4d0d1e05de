"""YAML loading that remembers where each key and item came from.

Mappings become :class:`LineDict` and sequences :class:`LineList`; both carry
the 1-based line of the node and, per key or index, the line of its value.  A
YAML syntax error becomes a :class:`~toolkit.errors.SourceError` at the line
the parser reports.

Aliases are counted before anything is built: a document whose aliases would
expand to more than :data:`MAX_NODES` nodes (a "billion laughs" bomb) is an
error at the line of the alias that crosses the limit.  Course files need no
more than a few thousand nodes.
"""

from __future__ import annotations

import contextlib
import hashlib
import pickle
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from toolkit.errors import SourceError


class LineDict(dict):  # type: ignore[type-arg]
    """A dict with ``line`` (its own line) and ``lines`` (line of each key)."""

    line: int = 0
    lines: dict[Any, int]

    def line_of(self, key: Any) -> int:
        return self.lines.get(key, self.line) if hasattr(self, "lines") else self.line


class LineList(list):  # type: ignore[type-arg]
    """A list with ``line`` and ``lines`` (line of each item)."""

    line: int = 0
    lines: list[int]

    def line_of(self, index: int) -> int:
        try:
            return self.lines[index]
        except (AttributeError, IndexError):
            return self.line


MAX_NODES = 100_000


def load_yaml(text: str, path: str | Path, line_offset: int = 0) -> Any:
    """Parse *text* (from *path*, starting at ``line_offset + 1``) with line marks."""
    simple = _simple_yaml(text, line_offset)
    return simple if simple is not None else parse_yaml(text, path, line_offset)


def parse_yaml(text: str, path: str | Path, line_offset: int = 0) -> Any:
    """:func:`load_yaml` by the YAML parser, whatever the text's shape; or, while a
    :class:`ParsedTexts` is kept (:func:`keeping_parsed`), what the parser made of the same text
    at the same line before, when it has that."""
    store = _KEPT[-1] if _KEPT else None
    key = ParsedTexts.key(text, line_offset) if store is not None else ""
    if store is not None:
        known = store.get(key)
        if known is not MISSING:
            return known
    from toolkit.source.yamlparser import parse  # PyYAML, only when a text needs it

    value = parse(text, path, line_offset)
    if store is not None:
        store.put(key, value)
    return value


class ParsedTexts:
    """What the YAML parser made of each text it read (with the line it started at), pickled, by
    the text's SHA-256: kept in the build cache between builds (``toolkit.cache.read_parsed``), so
    that a rebuild whose YAML files did not change reads them without importing PyYAML (about
    20 ms).  Only what parsed is kept: a text with an error is parsed, and reported, every time.
    Each lookup unpickles a copy of its own, which the caller may change."""

    LIMIT = 1000  # texts kept that the last build did not read (other courses' files, older versions)

    def __init__(self, old: dict[str, bytes] | None = None, stamp: str = "") -> None:
        self.old = old or {}
        self.new: dict[str, bytes] = {}
        self.stamp = stamp  # the parser's version, as the cache that keeps these found it

    @staticmethod
    def key(text: str, line_offset: int) -> str:
        return hashlib.sha256(f"{line_offset}\n{text}".encode()).hexdigest()

    def get(self, key: str) -> Any:
        """The value kept for *key*, or MISSING."""
        blob = self.new.get(key) or self.old.get(key)
        if blob is None:
            return MISSING
        try:
            value = pickle.loads(blob)
        except Exception:  # a damaged entry is parsed again
            return MISSING
        self.new[key] = blob
        return value

    def put(self, key: str, value: Any) -> None:
        with contextlib.suppress(Exception):  # (a value that does not pickle is just not kept)
            self.new[key] = pickle.dumps(value, protocol=pickle.HIGHEST_PROTOCOL)

    def changed(self) -> bool:
        return not self.new.keys() <= self.old.keys()

    def texts(self) -> dict[str, bytes]:
        """What to keep: the texts read this time, and as many others as LIMIT allows."""
        others = [k for k in self.old if k not in self.new][-self.LIMIT:]
        return {**{k: self.old[k] for k in others}, **self.new}


MISSING = object()
_KEPT: list[ParsedTexts | None] = []


@contextlib.contextmanager
def keeping_parsed(store: ParsedTexts | None) -> Iterator[None]:
    """Within it, :func:`parse_yaml` looks texts up in *store* and puts what it parses there."""
    _KEPT.append(store)
    try:
        yield
    finally:
        _KEPT.pop()


# The shape of most front matter and blocks, which _simple_yaml reads without the YAML
# parser: "key: value" lines, and under a "key:" line the items "  - value" or
# "  - key: value" (a mapping continued by "    key: value" lines).
_PAIR_RE = re.compile(r"([A-Za-z_][A-Za-z0-9_-]*):(?: (.*))?")
_NOT_FIRST = frozenset("-?:,[]{}#&*!|>'\"%@` ")  # a value starting with one of these is not a plain word
# The implicit types of the parser's plain scalars (YAML 1.1, as PyYAML's Resolver has them;
# tests/source/test_yaml_simple.py holds these to it).  Of those, the only ones that start with a
# letter are booleans and null, each a word from a fixed list; the others (int, float,
# timestamp, merge, value) start with one of NUMERIC_FIRST.  A plain scalar that starts with any
# other character is a string.
BOOLEANS = {"yes": True, "Yes": True, "YES": True, "no": False, "No": False, "NO": False,
            "true": True, "True": True, "TRUE": True, "false": False, "False": False, "FALSE": False,
            "on": True, "On": True, "ON": True, "off": False, "Off": False, "OFF": False}
NULLS = frozenset({"null", "Null", "NULL"})
NUMERIC_FIRST = frozenset("-+0123456789.~<=")
_DECIMAL_RE = re.compile(r"0|[1-9][0-9]{0,17}")


def _simple_yaml(text: str, line_offset: int) -> LineDict | None:
    """*text* as :func:`load_yaml` reads it, when it has only the shape above, and only
    plain words, ``true``/``false`` and decimal numbers; otherwise None, and the YAML
    parser reads it (and reports its errors: a duplicate key, for one, is left to it).
    Four to six times faster than the parser on a quiz."""
    if not text or len(text) * 4 >= MAX_NODES:
        return None
    top = LineDict()
    top.line, top.lines = line_offset + 1, {}
    items: LineList | None = None  # the list under the last "key:" line
    item: LineDict | None = None  # the mapping the last "  - key: value" line started
    for number, line in enumerate(text.split("\n"), line_offset + 1):
        if not line.isprintable():  # (a tab, a control character, a BOM...)
            return None
        if line.startswith("    "):
            target, match = item, _PAIR_RE.fullmatch(line, 4)
        elif line.startswith("  - "):
            if items is None:
                return None
            match = _PAIR_RE.fullmatch(line, 4)
            if match is None:  # a plain item
                value = _scalar(line[4:])
                if value is None or ":" in line:
                    return None
                items.append(value)
                items.lines.append(number)
                item = None
                continue
            item = target = LineDict()
            item.line, item.lines = number, {}
            items.append(item)
            items.lines.append(number)
        else:
            if items is not None and not items:
                return None
            items = item = None
            target, match = top, _PAIR_RE.fullmatch(line)
            if match is not None and match.group(2) is None and match.group(1) not in top:  # "key:", a list follows
                if _scalar(match.group(1)).__class__ is not str:
                    return None
                items = top[match.group(1)] = LineList()
                items.lines = []
                top.lines[match.group(1)] = number
                continue
        if target is None or match is None or match.group(2) is None:
            return None
        key, value = match.group(1), _scalar(match.group(2))
        if value is None or key in target or _scalar(key).__class__ is not str:
            return None
        target[key] = value
        target.lines[key] = number
    if items is not None and not items:
        return None
    for value in top.values():
        if isinstance(value, LineList):
            value.line = value.lines[0]
    return top


def _scalar(text: str) -> str | bool | int | None:
    """A plain scalar on one line: its value, when it is a word or words, a boolean or a
    decimal integer; None for anything else."""
    if not text or text[0] in _NOT_FIRST or text[-1] in " :" or ": " in text or " #" in text:
        return None
    if text[0] in NUMERIC_FIRST:  # a decimal integer, or left to the parser (a float, a date, 0o17...)
        return int(text) if _DECIMAL_RE.fullmatch(text) else None
    if text in BOOLEANS:
        return BOOLEANS[text]
    return None if text in NULLS else text


def load_yaml_file(path: Path) -> Any:
    try:
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError as exc:
        raise SourceError(path, 1, f"not valid UTF-8 ({exc.reason})") from None
    except OSError as exc:
        raise SourceError(path, 0, f"cannot read file: {exc.strerror}") from None
    return load_yaml(text, path)
