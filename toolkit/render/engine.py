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
from typing import Any, NamedTuple

from toolkit.render.admonitions import Admonition, admonitions_as_quotes
from toolkit.render.tree_html import TreeRenderer, closes_fence, definitions, slugify, unique

__all__ = ["Converters", "make_converters", "slugify", "unique"]

TITLE_SYNTAX_RE = re.compile(r"[*_`\[\]<>&!\\~]|  |https?:|@")  # what inline Markdown needs


class Converters(NamedTuple):
    block: Callable[[str], str]  # a lesson's body, a block's text: Markdown to HTML
    inline: Callable[[str], str]  # a short text (a choice, a label): no tables or admonitions
    with_text: Callable[[str], tuple[str, str | None]]  # HTML, and its visible text (see TreeRenderer)


def make_converters() -> Converters:
    from markdown_it_pyrs import MarkdownIt

    full = MarkdownIt("commonmark").enable_many(["table", "deflist"])
    short = MarkdownIt("commonmark")

    def inline_title(title: str, references: str = "") -> list[Any]:
        """A title's inline nodes: parsed as a paragraph that no block syntax can start (a no-break
        space first, which emphasis takes as the start of a line), that space then taken off;
        with the document's link reference definitions after it."""
        if not TITLE_SYNTAX_RE.search(title):
            return [_Plain(title)]
        root = full.tree("\u00a0" + title + "\n\n" + references)
        nodes: list[Any] = list(root.children[0].children)
        first = nodes[0].meta["content"][1:]
        trail = title[len(title.rstrip()):]  # kept as markdown-it's inline parse keeps it
        return ([_Plain(first)] if first else []) + nodes[1:] + ([_Plain(trail)] if trail else [])

    def convert(text: str) -> tuple[str, str | None]:
        found: list[Admonition] = []
        tree = None
        # the marker comes from the text itself, which cannot hold its own digest: an author's
        # comment cannot pose as one, and the same text gives the same HTML in every process
        marker = f"tk-admonition-{hashlib.blake2b(text.encode('utf-8'), digest_size=6).hexdigest()}:"
        if "!!!" in text or "???" in text:
            text, tree = admonitions_as_quotes(text, full.tree, found, marker)
        if tree is None:
            tree = full.tree(text)
        references = definitions(tree, text) if any("]" in a.title for a in found) and "]:" in text else ""
        render = TreeRenderer(lambda title: inline_title(title, references), found, marker, heading_ids=True)
        if not text.endswith("\n"):
            render.end = len(text.encode("utf-8"))
            render.closed = closes_fence(text)
        render.blocks(list(tree.children))
        return "".join(render.out).rstrip("\n"), render.visible()

    def convert_short(text: str) -> str:
        render = TreeRenderer(inline_title, [], "tk-admonition-none:", heading_ids=False)
        if not text.endswith("\n"):
            render.end = len(text.encode("utf-8"))
            render.closed = closes_fence(text)
        render.blocks(list(short.tree(text).children))
        return "".join(render.out).rstrip("\n")

    return Converters(lambda text: convert(text)[0], convert_short, convert)


class _Plain:
    """A text node made here (the rest of a title's first text)."""

    name = "text"

    def __init__(self, content: str) -> None:
        self.meta = {"content": content}
        self.children: list[Any] = []
