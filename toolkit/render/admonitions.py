"""Admonitions (``!!! note "Title"``) for a parser that has none.

markdown-it-pyrs has no admonitions, so :func:`admonitions_as_quotes` rewrites each one, before
the lesson is parsed, as a block quote whose first line is a marker comment; the renderer
(:mod:`toolkit.render.tree_html`) writes such a quote as the admonition.  Being a quote, its body
is parsed in the same document (reference links and heading ids are shared), exactly where the
admonition was.  Where an admonition starts, where its body ends and what its title and classes
are follow mdit-py-plugins' admon rule, the plugin of the previous engine.
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Callable
from typing import Any, NamedTuple

MARKERS = ("???+", "!!!", "???")  # admonitions, and MkDocs-Material's collapsible ones
ADMON_TAGS_RE = re.compile(r'^\s*(?P<tokens>[^"\s](?:[^"]*[^"\s])?)\s+"(?P<title>.*)"[^\s"]*$')
KEY_LINE_RE = re.compile(r"^ {0,3}(?:`{3,}|~{3,}|!!!|\?\?\?)", re.MULTILINE)
FENCE_OPEN_RE = re.compile(r"^ {0,3}(`{3,}|~{3,})(.*)$")
INLINE = {"text", "text_special", "softbreak", "hardbreak", "em", "strong", "link", "autolink", "image",
          "code_inline", "html_inline"}  # the tree's inline nodes: what is not one is a block


class Admonition(NamedTuple):
    classes: str  # "admonition note", with any further tags and MkDocs-Material's collapsible classes
    title: str  # Markdown; "" for none


def _admonition(line: str) -> tuple[Admonition, int] | None:
    """The admonition a line opens, and its body's indent (as mdit-py-plugins' admon reads it)."""
    if line[:1] not in "!?" or not line:
        return None
    marker = next((m for m in MARKERS if line.startswith(m)), None)
    if marker is None:
        return None
    params = line[len(marker):]
    if not params.strip().split(" ", 1)[-1]:
        return None
    indent = len(marker) + len(params) - len(params.lstrip(" ")) + (3 - len(marker))
    text = params.strip()
    match = ADMON_TAGS_RE.match(text)
    if match:
        tags, title = [t.lower() for t in match["tokens"].strip().split(" ")], match["title"]
    else:
        tag, *rest = text.split(" ")
        joined = " ".join(rest)
        tags, title = [tag.lower()], (tag.title() if not joined else "" if joined == '""' else joined)
    extra = [] if marker == "!!!" else ["is-collapsible collapsible-open" if marker.endswith("+")
                                        else "is-collapsible collapsible-closed"]
    return Admonition(" ".join(["admonition", *tags, *extra]), title), indent


def _columns(line: str) -> int:
    """The indent of *line* in columns (tabs to the next multiple of 4)."""
    col = 0
    for ch in line:
        if ch == " ":
            col += 1
        elif ch == "\t":
            col += 4 - col % 4
        else:
            break
    return col


def _dedent(line: str, columns: int) -> str:
    """*line* without its first *columns* columns of indent."""
    col = i = 0
    while i < len(line) and col < columns and line[i] in " \t":
        col += 1 if line[i] == " " else 4 - col % 4
        i += 1
    return " " * (col - columns) + line[i:]


def _body_end(lines: list[str], first: int, indent: int) -> int:
    """The line after an admonition's body that starts at *first*: two empty lines, or a line that is
    not blank and indented less than *indent* columns, end it (mdit-py-plugins' rule)."""
    end, was_empty = first, False
    while end < len(lines):
        columns = _columns(lines[end])
        empty = columns < indent
        if empty and was_empty:
            break
        was_empty = empty
        if lines[end].strip() and columns < indent:
            break
        end += 1
    return end


def _quote(lines: list[str], i: int, col: int, base: int, found: list[Admonition], marker: str,
           parse: Callable[[str], Any]) -> tuple[list[str], int] | None:
    """The admonition whose marker is at character *col* of ``lines[i]``, in a block whose text
    starts at column *base* (the top, a list item), as the lines of a quote (with its body's own
    admonitions), and the line after it; ``None`` when there is none there."""
    line = lines[i]
    admon = _admonition(line[col:])
    if admon is None:
        return None
    found.append(admon[0])
    number = len(found) - 1
    pad = len(line[:col].expandtabs(4))  # the column of the marker
    end = _body_end(lines, i + 1, base + admon[1])
    body = [_dedent(x, base + admon[1]) if x.strip() else "" for x in lines[i + 1:end]]
    closing = _open_fence(body, parse) if end < len(lines) else ""  # (at the end, the end closes it)
    last = end
    if closing:  # code left open: the admonition's end closes it, blank lines and all
        body.append(closing)
    else:
        while last > i + 1 and not lines[last - 1].strip():
            last -= 1  # trailing blank lines stay outside, where they part blocks as they did
        del body[last - i - 1:]
    out = [f"{line[:col]}> <!--{marker}{number}-->"]
    if body:
        text = admonitions_as_quotes("\n".join(body), parse, found, marker)[0]
        out.extend(" " * pad + (f"> {x}" if x else ">") for x in text.split("\n"))
    if last == end and end < len(lines):
        # a line right after it: the quote must end before that line, past an HTML block of the
        # body (which a blank line ends) and with no lazy continuation
        out += [" " * pad + ">", " " * pad + f"> <!--{marker}end-->"]
        if lines[end].lstrip(" ").startswith(">") and _columns(lines[end]) > pad + 3:
            out.append("")  # (markdown-it takes an indented '>' as the quote's own; here it is code)
    return out + lines[last:end], end


FENCE_AT_RE = re.compile(r"(`{3,}|~{3,})")


def _open_fence(lines: list[str], parse: Callable[[str], Any]) -> str:
    """The line that closes the fenced code that *lines* end in, or ``""`` when they end in none
    (the tree tells, since a fence may be in a list item)."""
    text = "\n".join(lines)
    if "```" not in text and "~~~" not in text:
        return ""
    source = text.encode("utf-8")
    last = None
    for node in parse(text).walk():
        if node.name == "fence":
            last = node
    if last is None or source[last.srcmap[1]:].strip():
        return ""  # no fence, or one that something follows: closed
    start = source.rfind(b"\n", 0, last.srcmap[0]) + 1
    opener = source[start:].split(b"\n", 1)[0].decode("utf-8")
    match = FENCE_AT_RE.search(opener)
    if match is None:
        return ""
    column, fence = len(opener[:match.start(1)].expandtabs(4)), match.group(1)
    tail = source[last.srcmap[0]:last.srcmap[1]].decode("utf-8").rstrip("\n").split("\n")
    closed = len(tail) > 1 and tail[-1].strip() and set(tail[-1].strip()) == {fence[0]} \
        and len(tail[-1].strip()) >= len(fence)
    return "" if closed else " " * column + fence


def _line_admonitions(text: str, found: list[Admonition], marker: str, parse: Callable[[str], Any]) -> list[str]:
    """The lines of *text* (an admonition's body, or a source whose lines alone tell) with its
    admonitions (those that start a line, outside fenced code) made quotes."""
    lines = text.split("\n")
    if "!!!" not in text and "???" not in text:
        return lines
    keys, pos, number = [], 0, 0  # the lines that open or close a fence or open an admonition
    for match in KEY_LINE_RE.finditer(text):
        number += text.count("\n", pos, match.start())
        pos = match.start()
        keys.append(number)
    out: list[str] = []
    fence = ""
    done = 0  # lines before this one are in *out*
    for i in keys:
        if i < done:
            continue  # in an admonition's body, taken with it
        line = lines[i]
        opening = FENCE_OPEN_RE.match(line)
        if fence:
            if opening and opening.group(1)[0] == fence[0] and len(opening.group(1)) >= len(fence) \
                    and not opening.group(2).strip():
                fence = ""
        elif opening and not (opening.group(1)[0] == "`" and "`" in opening.group(2)):
            fence = opening.group(1)
        else:
            quoted = _quote(lines, i, len(line) - len(line.lstrip(" ")), 0, found, marker, parse)
            if quoted is not None:
                out.extend(lines[done:i])
                out.extend(quoted[0])
                done = quoted[1]
    out.extend(lines[done:])
    return out


LIST_MARKER_RE = re.compile(rb"[-+*]|[0-9]{1,9}[.)]")


def _starts(tree: Any, source: bytes) -> list[tuple[int, int, int, bool]]:
    """(line, character, base, sure) of each text that starts a line of a paragraph with an
    admonition's marker, at the top or in a list item (whose text starts at column *base*):
    where markdown-it's admon rule would have seen one.  It is *sure* on the first line of
    its list item or at the line's start, where no admonition before it can change that."""
    found: list[tuple[int, int, int, bool]] = []

    starts = [0] + [m.end() for m in re.finditer(b"\n", source)]  # each line's first byte

    def line_of(offset: int) -> int:
        return bisect.bisect_right(starts, offset) - 1

    def line_end(line: int) -> int:
        return starts[line + 1] - 1 if line + 1 < len(starts) else len(source)

    def rest(offset: int) -> str:  # the line's text from *offset* on
        return source[offset:line_end(line_of(offset))].decode("utf-8")

    def head(offset: int) -> str:  # the line's text before *offset*
        return source[starts[line_of(offset)]:offset].decode("utf-8")

    def content_column(item: Any) -> int:
        """Where a list item's text starts: after its marker and one to four spaces."""
        offset = item.srcmap[0]
        match = LIST_MARKER_RE.match(source, offset)
        after = match.end() if match else offset + 1
        text = source[after:line_end(line_of(after))]
        spaces = len(text) - len(text.lstrip(b" "))
        if not text.strip() or spaces > 4:
            spaces = 1
        return len(head(after).expandtabs(4)) + spaces

    def runs(children: list[Any], bases: tuple[int, ...]) -> None:
        starts_line = True
        for node in children:
            if node.name not in INLINE:
                runs(node.children, (*bases, content_column(node)) if node.name == "list_item" else bases)
                starts_line = True
                continue
            starts_line = inline(node, bases, starts_line)

    def inline(node: Any, bases: tuple[int, ...], starts_line: bool) -> bool:
        """Look at *node* (and inside emphasis and links, which a line break may cross); whether
        the next node starts a line."""
        name = node.name
        if name in ("em", "strong", "link"):
            for child in node.children:
                starts_line = inline(child, bases, starts_line)
            return starts_line
        if starts_line and name == "text" and node.meta["content"][:3] in ("!!!", "???"):
            before = head(node.srcmap[0])
            column = len(before.expandtabs(4))
            base = max(b for b in bases if b <= column)  # a lazy line is its list's parent's
            if before.strip(" -+*.)0123456789") == "" and column <= base + 3 and (  # not in a quote, nor code
                    _admonition(rest(node.srcmap[0])) is not None):
                found.append((line_of(node.srcmap[0]), len(before), base, before.strip(" ") != "" or column == 0))
        return name in ("softbreak", "hardbreak")

    runs(tree.children, (0,))
    return found


CANDIDATE_RE = re.compile(r"^([ \t>\-+*.)0-9]*)(?:!!!|\?\?\?)", re.MULTILINE)
# an HTML block (other than a block marker, a comment that ends on its line); a fence, maybe in a list item
UNSURE_RE = re.compile(r"^ {0,3}<(?!!--tk-block:\d+-->$)|^ {1,3}(?:```|~~~)", re.MULTILINE)


def admonitions_as_quotes(text: str, parse: Callable[[str], Any], found: list[Admonition],
                          marker: str) -> tuple[str, Any]:
    """*text* with each admonition made a quote whose first line is ``<!--{marker}N-->`` (N its
    index in *found*) and whose last is ``<!--{marker}end-->``, and its tree when it was parsed.

    When every admonition starts a line and nothing else is in doubt (no HTML block, no fence
    that may be in a list item), the lines alone tell where they are, outside fenced code.
    Otherwise they are found in the tree, so that code, HTML blocks and list items are what the
    parser says they are."""
    heads = [m.group(1) for m in CANDIDATE_RE.finditer(text)]
    if not heads:
        return text, None
    if not any(heads) and not UNSURE_RE.search(text):
        return "\n".join(_line_admonitions(text, found, marker, parse)), None
    tree = parse(text)
    while True:
        starts = sorted(_starts(tree, text.encode("utf-8")))
        if not starts:
            return text, tree
        # the first, and each after it that none chosen before can end the list item of (one in
        # a shallower list item can); then the tree again, for the others
        lines = text.split("\n")
        chosen: list[tuple[int, int, int]] = []
        end, shallowest = 0, 1 << 30
        for i, col, base, sure in starts:
            if i < end or not (sure or base <= shallowest):
                continue
            shallowest = min(shallowest, base)
            head = _admonition(lines[i][col:])
            chosen.append((i, col, base))
            end = _body_end(lines, i + 1, base + head[1]) if head else i + 1
        for i, col, base in reversed(chosen):  # from the end, so that earlier lines keep their place
            quoted = _quote(lines, i, col, base, found, marker, parse)
            if quoted is not None:
                lines[i:quoted[1]] = quoted[0]
        text = "\n".join(lines)
        tree = parse(text)
