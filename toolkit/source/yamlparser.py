"""The YAML parser's side of :mod:`toolkit.source.yamlutil`: PyYAML, with line marks.

Imported only when a text needs the parser (``yamlutil.parse_yaml``), as importing PyYAML costs
about 20 ms, more than a rebuild of one lesson spends on YAML otherwise.
"""

from __future__ import annotations

import datetime as _dt
from pathlib import Path
from typing import Any

import yaml

from toolkit.errors import SourceError
from toolkit.source.yamlutil import MAX_NODES, LineDict, LineList

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


def parse(text: str, path: str | Path, line_offset: int = 0) -> Any:
    """``yamlutil.load_yaml`` by the YAML parser, whatever the text's shape."""
    try:
        loader = _Loader(text)
    except yaml.reader.ReaderError as exc:
        raise _bad_character(exc, text, path, line_offset) from None
    loader.name = str(path)
    loader.line_offset = line_offset
    try:
        node = loader.get_single_node()
        if node is None:
            return None
        if "*" in text or len(text) * 4 >= MAX_NODES:  # no alias: about a node per character at most
            _check_expansion(node, path, line_offset)
        return loader.construct_document(node)
    except yaml.reader.ReaderError as exc:  # (libyaml's loader reads the text as it parses)
        raise _bad_character(exc, text, path, line_offset) from None
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


def _bad_character(exc: yaml.reader.ReaderError, text: str, path: str | Path, line_offset: int,
                   in_bytes: bool | None = None) -> SourceError:
    """The error for a character YAML may not contain, at its line, named by its code point (a
    control character printed as it is would be invisible, or an escape to the terminal).
    libyaml gives the character's place in the text's UTF-8 bytes, PyYAML's own reader in its
    characters (*in_bytes*: which of them raised it; by default, the parser this module uses)."""
    if in_bytes is None:
        in_bytes = _Base is not yaml.SafeLoader
    start = max(exc.position, 0)
    before = (text.encode("utf-8", "surrogatepass")[:start].count(b"\n") if in_bytes
              else text.count("\n", 0, start))
    line = before + 1 + line_offset
    code = exc.character if isinstance(exc.character, int) else ord(str(exc.character)[:1] or "\0")
    return SourceError(path, line, f"YAML cannot contain the character U+{code:04X}; remove it")


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
