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
from typing import TYPE_CHECKING, Any

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


def make_converters() -> tuple[Callable[[str], str], Callable[[str], str]]:
    """Markdown to HTML for a lesson's body and blocks, and for short texts
    (a choice, a label: no tables or admonitions)."""
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
    return (lambda text: md.render(text).rstrip("\n")), (lambda text: inline.render(text).rstrip("\n"))


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
