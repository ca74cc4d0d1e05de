"""The fallback engine: markdown-it-py with mdit-py-plugins, the engine of the previous release.

:mod:`toolkit.render.engine` hands it a text that the fast engine cannot take safely: nesting
deep enough to overflow markdown-it-pyrs's stack (it has no nesting limit; markdown-it-py
stops at 20 levels), a text on which it panics, or one whose admonitions it could not place
(a marker left in the HTML).  It writes the same HTML and LIX text that the fast engine writes
(``tests/render/test_engine.py`` holds them to each other), and is imported only when needed.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from toolkit.render.htmltext import escape as _escape, slugify, unique
from toolkit.render.tree_html import Converters

if TYPE_CHECKING:
    from markdown_it.rules_core import StateCore
    from markdown_it.token import Token

HEADINGS = {"h1", "h2", "h3", "h4", "h5", "h6"}
TEXT = {"text": "", "code_inline": "", "softbreak": "\n", "hardbreak": "\n"}  # what a heading's id is made of


def _heading_ids(state: StateCore) -> None:
    """An id on every heading from its text, unique in the page, as Python-Markdown's ``toc`` gave."""
    used: set[str] = set()
    tokens = state.tokens
    for i, token in enumerate(tokens):
        if token.type == "heading_open" and token.tag in HEADINGS:
            children = tokens[i + 1].children or []
            text = "".join(TEXT[c.type] or c.content for c in children if c.type in TEXT)
            token.attrSet("id", unique(slugify(text), used))


def make_converters() -> Converters:
    from markdown_it import MarkdownIt
    from mdit_py_plugins.admon import admon_plugin
    from mdit_py_plugins.deflist import deflist_plugin

    # markdown-it's own link check, as the fast engine's: a javascript:, vbscript:, file: or data:
    # (other than an image's) link target is not made a link
    options = {"html": True, "xhtmlOut": False}  # HTML as Python-Markdown wrote it: <img ...>, <br>
    md = MarkdownIt("commonmark", options).enable("table").use(admon_plugin).use(deflist_plugin)
    md.core.ruler.push("heading_ids", _heading_ids)
    inline = MarkdownIt("commonmark", options)
    for engine in (md, inline):
        engine.add_render_rule("text", _text)
        engine.add_render_rule("code_inline", _code_inline)
        engine.add_render_rule("image", _image)

    def with_text(text: str) -> tuple[str, str | None]:
        env: dict[str, Any] = {}
        tokens = md.parse(text, env)
        return md.renderer.render(tokens, md.options, env).rstrip("\n"), token_text(tokens)

    return Converters(lambda text: md.render(text).rstrip("\n"), lambda text: inline.render(text).rstrip("\n"),
                      with_text)


def _text(self: Any, tokens: Sequence[Token], idx: int, options: Any, env: Any) -> str:
    return _escape(tokens[idx].content)


def _code_inline(self: Any, tokens: Sequence[Token], idx: int, options: Any, env: Any) -> str:
    token = tokens[idx]
    return f"<code{self.renderAttrs(token)}>{_escape(token.content)}</code>"


def _image(self: Any, tokens: Sequence[Token], idx: int, options: Any, env: Any) -> str:
    """``<img alt=... src=... title=...>``: the alt text as plain text, attributes in Python-Markdown's order."""
    token = tokens[idx]
    token.attrSet("alt", self.renderInlineAsText(token.children or [], options, env))
    attrs = "".join(f' {k}="{_escape(str(v)).replace(chr(34), "&quot;")}"' for k, v in sorted(token.attrItems()))
    return f"<img{attrs}>"


TEXT_BLOCKS = {"p", "h1", "h2", "h3", "h4", "h5", "h6", "li", "td", "th", "dt", "dd", "blockquote"}
MARKER_BLOCK_RE = re.compile(r"^<!--tk-block:\d+-->\s*$")


class _Block:
    """A text block being read: its own text (before its first child element) and all its text."""

    def __init__(self) -> None:
        self.own: list[str] = []
        self.all: list[str] = []
        self.own_open = True  # no child element yet
        self.nested = False  # holds another text block


def token_text(tokens: Sequence[Token]) -> str | None:
    """The visible text of parsed Markdown as ``visible_text`` reads it from the HTML:
    each text block's text (only the text before its first child element when it
    holds other text blocks), blocks separated by blank lines.  ``None`` when
    the Markdown holds raw HTML (other than block markers): then only the HTML tells."""
    done: list[_Block] = []
    stack: list[_Block] = []

    def element() -> None:  # a child element starts in the innermost open block
        if stack:
            stack[-1].own_open = False

    def text(value: str, own: bool) -> None:
        for block in stack:
            block.all.append(value)
        if own and stack and stack[-1].own_open:
            stack[-1].own.append(value)

    for token in tokens:
        if token.type == "html_block":
            if not MARKER_BLOCK_RE.match(token.content):
                return None
        elif token.type == "inline":
            depth = 0
            for child in token.children or []:
                if child.type == "html_inline":
                    return None
                if child.type in ("text", "softbreak"):
                    text(child.content if child.type == "text" else "\n", depth == 0)
                elif child.nesting == 1:
                    if depth == 0:
                        element()
                    depth += 1
                elif child.nesting == -1:
                    depth -= 1
                elif depth == 0:  # code, a line break, an image: an element of its own
                    element()
                    text(child.content if child.type == "code_inline" else "\n" if child.type == "hardbreak" else "",
                         False)
                else:
                    text(child.content if child.type == "code_inline" else "", False)
        elif token.hidden:
            continue
        elif token.nesting == 1:
            element()
            if token.tag in TEXT_BLOCKS:
                for block in stack:
                    block.nested = True
                stack.append(_Block())
                done.append(stack[-1])
        elif token.nesting == -1:
            if token.tag in TEXT_BLOCKS:
                stack.pop()
        else:  # code blocks, rules: elements, with the code as text of the blocks around them
            element()
            text(token.content, False)
    out = []
    for block in done:
        words = "".join(block.own if block.nested else block.all).split()
        if words:
            out.append(" ".join(words))
    return "\n\n".join(out)
