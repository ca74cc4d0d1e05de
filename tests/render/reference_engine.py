"""The Markdown engine: markdown-it-py with the plugins our lessons use.

markdown-it-py (CommonMark, from executablebooks) renders our lessons about
2.5 times faster than Python-Markdown did, with the same HTML for what
``docs/authoring.md`` documents: tables, admonitions (``!!! note "Title"``),
heading anchors (ids from Python-Markdown's ``slugify_unicode``, made
unique the way its ``toc`` made them: ``_1``, ``_2`` ...), definition
lists, fenced code, images and links, and raw HTML passed through.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Any, NamedTuple

if TYPE_CHECKING:
    from markdown_it.rules_core import StateCore
    from markdown_it.token import Token

SLUG_STRIP_RE = re.compile(r"[^\w\s-]")
SLUG_SPACE_RE = re.compile(r"[-\s]+")
IDCOUNT_RE = re.compile(r"^(.*)_([0-9]+)$")
HEADINGS = {"h1", "h2", "h3", "h4", "h5", "h6"}
TEXT = {"text": "", "code_inline": "", "softbreak": "\n", "hardbreak": "\n"}  # what a heading's id is made of


def slugify(text: str) -> str:
    """Python-Markdown's ``slugify_unicode``: words, lower case, joined by ``-``."""
    return SLUG_SPACE_RE.sub("-", SLUG_STRIP_RE.sub("", text).strip().lower())


def unique(slug: str, used: set[str]) -> str:
    """*slug*, or ``slug_1``, ``slug_2`` ... when taken (Python-Markdown's ``toc.unique``)."""
    while slug in used or not slug:
        match = IDCOUNT_RE.match(slug)
        slug = f"{match[1]}_{int(match[2]) + 1}" if match else f"{slug}_1"
    used.add(slug)
    return slug


def _heading_ids(state: StateCore) -> None:
    """An id on every heading from its text, unique in the page, as Python-Markdown's ``toc`` gave."""
    used: set[str] = set()
    tokens = state.tokens
    for i, token in enumerate(tokens):
        if token.type == "heading_open" and token.tag in HEADINGS:
            children = tokens[i + 1].children or []
            text = "".join(TEXT[c.type] or c.content for c in children if c.type in TEXT)
            token.attrSet("id", unique(slugify(text), used))


class Converters(NamedTuple):
    block: Callable[[str], str]  # a lesson's body, a block's text: Markdown to HTML
    inline: Callable[[str], str]  # a short text (a choice, a label): no tables or admonitions
    with_text: Callable[[str], tuple[str, str | None]]  # HTML, and its visible text (see token_text)


def make_converters() -> Converters:
    from markdown_it import MarkdownIt
    from mdit_py_plugins.admon import admon_plugin
    from mdit_py_plugins.deflist import deflist_plugin

    class Engine(MarkdownIt):
        def validateLink(self, url: str) -> bool:
            """Every link target is kept, javascript: too, as Python-Markdown kept them: the check
            warns of it at its line and sanitize_html removes it (docs/authoring.md), as raw HTML."""
            return True

    options = {"html": True, "xhtmlOut": False}  # HTML as Python-Markdown wrote it: <img ...>, <br>
    md = Engine("commonmark", options).enable("table").use(admon_plugin).use(deflist_plugin)
    md.core.ruler.push("heading_ids", _heading_ids)
    inline = Engine("commonmark", options)
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


def _escape(text: str) -> str:
    """``&``, ``<`` and ``>`` escaped, quotes kept as they are in text (as Python-Markdown did)."""
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


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
