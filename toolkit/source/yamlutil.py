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

import datetime as _dt
import re
from pathlib import Path
from typing import Any

import yaml

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

_Base: type = getattr(yaml, "CSafeLoader", yaml.SafeLoader)  # libyaml's parser when present


class _Loader(_Base):  # type: ignore[misc]
    """SafeLoader whose mappings and sequences carry line marks.

    Timestamps stay strings unless they are plain dates, so that ids and
    versions are never silently turned into other types.
    """

    line_offset = 0

    name = "<yaml>"

    def construct_mapping(self, node: yaml.MappingNode, deep: bool = False) -> LineDict:
        self.flatten_mapping(node)
        result = LineDict()
        result.line = node.start_mark.line + 1 + self.line_offset
        result.lines = {}
        for key_node, value_node in node.value:
            key = self.construct_object(key_node, deep=True)
            try:
                hash(key)
            except TypeError:
                raise SourceError(self.name, key_node.start_mark.line + 1 + self.line_offset,
                                  "a mapping key must be a plain value") from None
            if key in result:
                raise SourceError(self.name, key_node.start_mark.line + 1 + self.line_offset,
                                  f"duplicate key '{key}'")
            result[key] = self.construct_object(value_node, deep=True)
            result.lines[key] = key_node.start_mark.line + 1 + self.line_offset
        return result

    def construct_sequence(self, node: yaml.SequenceNode, deep: bool = False) -> LineList:
        result = LineList(self.construct_object(child, deep=True) for child in node.value)
        result.line = node.start_mark.line + 1 + self.line_offset
        result.lines = [child.start_mark.line + 1 + self.line_offset for child in node.value]
        return result


def _construct_map(loader: _Loader, node: yaml.MappingNode) -> LineDict:
    return loader.construct_mapping(node)


def _construct_seq(loader: _Loader, node: yaml.SequenceNode) -> LineList:
    return loader.construct_sequence(node)


def _construct_timestamp(loader: _Loader, node: yaml.ScalarNode) -> Any:
    value = loader.construct_scalar(node)
    try:
        return _dt.date.fromisoformat(str(value))
    except ValueError:
        return str(value)


_Loader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _construct_map)
_Loader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_SEQUENCE_TAG, _construct_seq)
_Loader.add_constructor("tag:yaml.org,2002:timestamp", _construct_timestamp)


def load_yaml(text: str, path: str | Path, line_offset: int = 0) -> Any:
    """Parse *text* (from *path*, starting at ``line_offset + 1``) with line marks."""
    simple = _simple_yaml(text, line_offset)
    return simple if simple is not None else parse_yaml(text, path, line_offset)


def parse_yaml(text: str, path: str | Path, line_offset: int = 0) -> Any:
    """:func:`load_yaml` by the YAML parser, whatever the text's shape."""
    try:
        loader = _Loader(text)
    except yaml.reader.ReaderError as exc:
        line = text.count("\n", 0, max(exc.position, 0)) + 1 + line_offset
        raise SourceError(path, line, f"YAML cannot contain the character {exc.character!r}") from None
    loader.name = str(path)
    loader.line_offset = line_offset
    try:
        node = loader.get_single_node()
        if node is None:
            return None
        if "*" in text or len(text) * 4 >= MAX_NODES:  # no alias: about a node per character at most
            _check_expansion(node, path, line_offset)
        return loader.construct_document(node)
    except yaml.reader.ReaderError as exc:
        line = text.count("\n", 0, max(exc.position, 0)) + 1 + line_offset
        raise SourceError(path, line, f"YAML cannot contain the character {exc.character!r}") from None
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = (mark.line + 1 if mark else 1) + line_offset
        problem = exc.problem or exc.context or "invalid YAML"
        raise SourceError(path, line, f"YAML syntax error: {problem}") from None
    except yaml.YAMLError as exc:
        raise SourceError(path, line_offset + 1, f"YAML error: {exc}") from None
    except RecursionError:
        raise SourceError(path, line_offset + 1, "YAML nesting is too deep") from None
    finally:
        loader.dispose()


# The shape of most front matter and blocks, which _simple_yaml reads without the YAML
# parser: "key: value" lines, and under a "key:" line the items "  - value" or
# "  - key: value" (a mapping continued by "    key: value" lines).
_PAIR_RE = re.compile(r"([A-Za-z_][A-Za-z0-9_-]*):(?: (.*))?")
_NOT_FIRST = frozenset("-?:,[]{}#&*!|>'\"%@` ")  # a value starting with one of these is not a plain word
_RESOLVER = yaml.resolver.Resolver()  # the implicit types of _Loader's plain scalars (it is a Resolver)
# The first characters of the implicit types (bool, int, float, null, timestamp, merge, value):
# a plain scalar that starts with another is a string, as the resolver would find out.
_TYPED_FIRST = frozenset(_RESOLVER.yaml_implicit_resolvers) if None not in _RESOLVER.yaml_implicit_resolvers else None
_STR_TAG = "tag:yaml.org,2002:str"
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
    if _TYPED_FIRST is not None and text[0] not in _TYPED_FIRST:
        return text
    tag = _RESOLVER.resolve(yaml.ScalarNode, text, (True, False))  # type: ignore[no-untyped-call]
    if tag == _STR_TAG:
        return text
    if tag == "tag:yaml.org,2002:bool":
        return bool(yaml.constructor.SafeConstructor.bool_values[text.lower()])
    if tag == "tag:yaml.org,2002:int" and _DECIMAL_RE.fullmatch(text):
        return int(text)
    return None


def _check_expansion(root: yaml.Node, path: str | Path, line_offset: int) -> None:
    """Refuse a document whose aliases expand beyond MAX_NODES (sizes memoised per node)."""
    sizes: dict[int, int] = {}
    seen: set[int] = set()
    stack: list[tuple[yaml.Node, bool]] = [(root, False)]
    while stack:
        node, done = stack.pop()
        key = id(node)
        children: list[yaml.Node] = []
        if isinstance(node, yaml.SequenceNode):
            children = list(node.value)
        elif isinstance(node, yaml.MappingNode):
            children = [n for pair in node.value for n in pair]
        if done:
            size = 1 + sum(sizes[id(c)] for c in children)
            sizes[key] = size
            if size > MAX_NODES:
                line = node.start_mark.line + 1 + line_offset
                raise SourceError(path, line, f"YAML aliases expand to more than {MAX_NODES} values here "
                                              "(an alias bomb?); write the values out instead")
            continue
        if key in sizes:
            continue
        if key in seen:  # on the stack: an alias to one of its own parents
            raise SourceError(path, node.start_mark.line + 1 + line_offset, "YAML alias refers to itself")
        seen.add(key)
        stack.append((node, True))
        stack.extend((c, False) for c in children if id(c) not in sizes)


def load_yaml_file(path: Path) -> Any:
    try:
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError as exc:
        raise SourceError(path, 1, f"not valid UTF-8 ({exc.reason})") from None
    except OSError as exc:
        raise SourceError(path, 0, f"cannot read file: {exc.strerror}") from None
    return load_yaml(text, path)
