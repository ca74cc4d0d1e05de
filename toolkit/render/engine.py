"""The Markdown engine: markdown-it-pyrs parses, :mod:`toolkit.render.tree_html` writes the HTML.

markdown-it-pyrs is markdown-it (CommonMark) compiled from Rust, by the author of
markdown-it-py.  We render its tree ourselves, to the same HTML that markdown-it-py wrote
with our rules (and Python-Markdown before it) for what ``docs/authoring.md`` documents:
tables, admonitions (``!!! note "Title"``, :mod:`toolkit.render.admonitions`), heading
anchors (ids from Python-Markdown's ``slugify_unicode``, made unique the way its ``toc``
made them: ``_1``, ``_2`` ...), definition lists, fenced code, images and links, and raw
HTML passed through.  The same walk collects the visible text that LIX is counted on.
Parsing and rendering together take 2.4 times less CPU than markdown-it-py did
(``bench/bench_markdown.py``).
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Callable
from typing import Any, TypeVar

from toolkit.render.admonitions import Admonition, admonitions_as_quotes
from toolkit.render.htmltext import slugify, unique
from toolkit.render.tree_html import Converters, TreeRenderer, definitions

__all__ = ["Converters", "make_converters", "normalize", "risky", "slugify", "unique"]

TITLE_SYNTAX_RE = re.compile(r"[*_`\[\]<>&!\\~]|  |https?:|@")  # what inline Markdown needs
LABEL_RE = re.compile(r"\[([^\[\]]{1,999})\]")
# nesting that markdown-it-py stops at 20 levels (and markdown-it-pyrs, which has no limit, can
# overflow its stack on): many containers on one line, a deep indent, runs of links or images
DEEP_RE = re.compile(r"^(?:[ \t]*(?:>|[-+*]|[0-9]{1,9}[.)])){16}|^[ \t]{40}", re.MULTILINE)
DEEP_LINKS_RE = re.compile(r"(?:!?\[){16}")
LONG_HEAD_RE = re.compile(r"\n[ \t>\-+*0-9.)]{16}")  # what DEEP_RE needs, found fast (a literal start)
# an admonition in a block quote or a definition, which the fast engine does not place
QUOTED_ADMONITION_RE = re.compile(r"[ \t\-+*.)0-9]*[>:][ \t>:\-+*.)0-9]*(?:!!!|\?\?\?)")
T = TypeVar("T")


class _Panic(Exception):
    """markdown-it-pyrs panicked (pyo3's PanicException is a BaseException)."""


def normalize(text: str) -> str:
    """Line breaks as ``\n`` and NUL as U+FFFD, as markdown-it's normalize rule has them."""
    if "\r" in text:
        text = text.replace("\r\n", "\n").replace("\r", "\n")
    return text.replace("\0", "\ufffd") if "\0" in text else text


def risky(text: str) -> bool:
    """Whether *text* is for the fallback engine: nested deeper than it nests, hundreds of images
    in images, an admonition in a quote or a definition, or an unmatched backtick after a ``[``
    (on which markdown-it-pyrs 0.4 panics, and Rust prints the panic, though it is caught)."""
    return _deep(text) or text.count("![") > 500 or _unmatched_code(text) or _quoted_admonition(text)


def _deep(text: str) -> bool:
    if LONG_HEAD_RE.search("\n" + text) and DEEP_RE.search(text):
        return True
    return text.count("[") >= 16 and DEEP_LINKS_RE.search(text) is not None


def _quoted_admonition(text: str) -> bool:
    """Whether a line holds an admonition's marker after a ``>`` or a ``:``."""
    for mark in ("!!!", "???"):
        at = text.find(mark)
        while at >= 0:
            start = text.rfind("\n", 0, at) + 1
            if QUOTED_ADMONITION_RE.fullmatch(text, start, at + 3):
                return True
            at = text.find(mark, at + 3)
    return False


BACKTICKS_RE = re.compile(r"`+")


def _unmatched_code(text: str) -> bool:
    """Whether a block of *text* has, after a ``[``, a run of backticks that no later run of the
    same length closes (or an escaped backtick, which would take the count off)."""
    if "[" not in text or "`" not in text:
        return False
    for chunk in text.split("\n\n"):
        bracket = chunk.find("[")
        if bracket < 0 or "`" not in chunk[bracket:]:
            continue
        if "\\`" in chunk:
            return True
        runs = [(m.start(), len(m.group())) for m in BACKTICKS_RE.finditer(chunk)]
        i = 0
        while i < len(runs):
            close = next((j for j in range(i + 1, len(runs)) if runs[j][1] == runs[i][1]), None)
            if close is None:
                if runs[i][0] > bracket:
                    return True
                i += 1
            else:
                i = close + 1
    return False


def make_converters(fallback_allowed: bool = True) -> Converters:
    """The converters; without *fallback_allowed* (for tests) a text the fast engine cannot take
    raises instead of going to the fallback engine."""
    from markdown_it_pyrs import MarkdownIt

    full = MarkdownIt("commonmark").enable_many(["table", "deflist"])
    short = MarkdownIt("commonmark")
    slow: list[Converters] = []

    def fallback() -> Converters:
        if not slow:
            from toolkit.render.fallback import make_converters as fallback_converters

            slow.append(fallback_converters())
        return slow[0]

    def parse(parser: Any, text: str) -> Any:
        try:
            return parser.tree(text)
        except BaseException as exc:  # a Rust panic, or a text pyo3 cannot pass (a lone surrogate)
            if isinstance(exc, KeyboardInterrupt | SystemExit | GeneratorExit):
                raise
            raise _Panic(str(exc)) from None

    def inline_title(title: str, references: dict[str, str]) -> list[Any]:
        """A title's inline nodes: parsed as a paragraph that no block syntax can start (a no-break
        space first, which emphasis takes as the start of a line), that space then taken off;
        with the lesson's definitions of the link references it names after it."""
        if not TITLE_SYNTAX_RE.search(title):
            return [_Plain(title)]
        named = [references[k] for k in {_label(m) for m in LABEL_RE.findall(title)} if k in references]
        root = parse(full, "\u00a0" + title + "\n\n" + "\n\n".join(named))
        first_block = root.children[0] if root.children else None
        if first_block is None or first_block.name != "paragraph":
            return [_Plain(title)]
        nodes: list[Any] = list(first_block.children)
        first = nodes[0].meta["content"][1:]
        trail = title[len(title.rstrip()):]  # kept as markdown-it's inline parse keeps it
        return ([_Plain(first)] if first else []) + nodes[1:] + ([_Plain(trail)] if trail else [])

    def fast(text: str) -> tuple[str, str | None]:
        found: list[Admonition] = []
        tree = None
        # the marker comes from the text itself, which cannot hold its own digest: an author's
        # comment cannot pose as one, and the same text gives the same HTML in every process
        marker = f"tk-admonition-{hashlib.blake2b(text.encode('utf-8'), digest_size=6).hexdigest()}:"
        if "!!!" in text or "???" in text:
            text, tree = admonitions_as_quotes(text, lambda source: parse(full, source), found, marker)
        if tree is None:
            tree = parse(full, text)
        references = definitions(tree, text) if any("]" in a.title for a in found) and "]:" in text else {}
        render = TreeRenderer(lambda title: inline_title(title, references), found, marker, heading_ids=True)
        html = render.document(tree, text)
        if found and marker in html:
            raise _Panic("an admonition was not placed")  # its marker would show on the page
        return html, render.visible()

    def fast_short(text: str) -> str:
        return TreeRenderer(lambda title: [_Plain(title)], [], None, heading_ids=False).document(parse(short, text), text)

    def guarded(fast_one: Callable[[str], T], slow_one: Callable[[str], T]) -> Callable[[str], T]:
        """*fast_one*, or *slow_one* (the fallback's) for a text that is risky or that it fails on."""
        def run(text: str) -> T:
            text = normalize(text)
            if not fallback_allowed:
                return fast_one(text)
            if not risky(text):
                try:
                    return fast_one(text)
                except Exception:  # RecursionError, a panic (as _Panic), a marker left: the fallback takes it
                    pass
            return slow_one(text)

        return run

    convert = guarded(fast, lambda text: fallback().with_text(text))
    convert_short = guarded(fast_short, lambda text: fallback().inline(text))
    return Converters(lambda text: convert(text)[0], convert_short, convert)


def _label(text: str) -> str:
    """A link label as CommonMark matches it: case folded, white space collapsed."""
    return " ".join(text.split()).casefold()


class _Plain:
    """A text node made here (the rest of a title's first text)."""

    name = "text"

    def __init__(self, content: str) -> None:
        self.meta = {"content": content}
        self.children: list[Any] = []
