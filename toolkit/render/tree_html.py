"""HTML from markdown-it-pyrs's tree, as markdown-it-py wrote it with the toolkit's rules.

The same walk collects the visible text that LIX is counted on, as lxml reads it from the
HTML.  ``tests/render/test_engine.py`` holds both to the previous engine's, byte for byte.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any, NamedTuple

from toolkit.render.admonitions import INLINE, Admonition
from toolkit.render.htmltext import escape, escape_attr, link_text, slugify, unescape, unique

MARKER_BLOCK_RE = re.compile(r"^<!--tk-block:\d+-->\s*$")
MARK_RE = re.compile(r"^(<!--tk-admonition-[0-9a-f]{12}:)([0-9]{1,9}|end)-->\n?$")  # see admonitions.py


class Converters(NamedTuple):
    block: Callable[[str], str]  # a lesson's body, a block's text: Markdown to HTML
    inline: Callable[[str], str]  # a short text (a choice, a label): no tables or admonitions
    with_text: Callable[[str], tuple[str, str | None]]  # HTML, and its visible text (see TreeRenderer)


def _autolink_text(children: list[Any]) -> str:
    return "".join(c.meta.get("content", "") for c in children)


class TreeRenderer:
    """One document's HTML, and the visible text of its blocks as lxml reads it from that HTML:
    each text block's text (only the text before its first child element when it holds other
    text blocks), blocks separated by blank lines; ``None`` when there is raw HTML (other than
    block markers), since then only the HTML tells.

    Texts go to one list, in order; a text block is ``[start, own_end, end, nested]``: its texts
    are ``texts[start:end]``, its own (those before its first child element) ``texts[start:own_end]``."""

    def __init__(self, inline_title: Callable[[str], list[Any]], admonitions: list[Admonition], marker: str | None,
                 heading_ids: bool) -> None:
        self.out: list[str] = []
        self.inline_title = inline_title
        self.admonitions = admonitions
        self.marker = f"<!--{marker}" if marker else None
        self.used: set[str] | None = set() if heading_ids else None
        self.texts: list[str] = []
        self.stack: list[list[int]] = []
        self.done: list[list[int]] = []
        self.raw = False  # raw HTML seen: no text from the tree
        self.end = -1  # the source's length in bytes when it does not end in a line break
        self.closed = True  # whether the source's last line could close a fence

    def document(self, tree: Any, text: str) -> str:
        """The HTML of *tree*, parsed from *text*."""
        if not text.endswith("\n"):
            self.end = len(text.encode("utf-8"))
            self.closed = closes_fence(text)
        self.blocks(list(tree.children))
        return "".join(self.out).rstrip("\n")

    def content(self, node: Any, fence: bool = False) -> str:
        """An HTML block's or an unclosed fence's text, without the line break that markdown-it does
        not give it at the end of a source that has none."""
        content: str = node.meta.get("content", "")
        if self.end < 0 or not content.endswith("\n") or node.srcmap[1] < self.end or (fence and self.closed):
            return content
        return content[:-1]

    # the text of blocks
    def element(self) -> None:  # a child element starts in the innermost open block
        if self.stack and self.stack[-1][1] < 0:
            self.stack[-1][1] = len(self.texts)

    def open_text(self) -> None:
        stack = self.stack
        if stack:
            if stack[-1][1] < 0:
                stack[-1][1] = len(self.texts)
            for block in stack:
                block[3] = 1
        block = [len(self.texts), -1, -1, 0]
        stack.append(block)
        self.done.append(block)

    def close_text(self) -> None:
        self.stack.pop()[2] = len(self.texts)

    def visible(self) -> str | None:
        if self.raw:
            return None
        texts = self.texts
        out = []
        for start, own_end, end, nested in self.done:
            stop = (own_end if own_end >= 0 else end) if nested else end
            words = "".join(texts[start:stop]).split()
            if words:
                out.append(" ".join(words))
        return "\n\n".join(out)

    # blocks
    def blocks(self, children: list[Any]) -> None:
        """A container's children; a run of inline nodes is a tight list's hidden paragraph."""
        out = self.out
        after_hidden = False
        children = [c for c in children if c.name != "definition"]  # a link reference: no HTML
        i, n = 0, len(children)
        while i < n:
            node = children[i]
            name = node.name
            if name in INLINE:
                j = i
                while j < n and children[j].name in INLINE:
                    j += 1
                self.inline(children[i:j], 0)
                i, after_hidden = j, True
                continue
            if after_hidden and name not in ("fence", "code_block", "html_block"):
                out.append("\n")  # markdown-it's line break after a hidden paragraph
            self.block(node)
            after_hidden = False
            i += 1

    def block(self, node: Any) -> None:
        out = self.out
        name = node.name
        if name == "paragraph":
            self.open_text()
            out.append("<p>")
            self.inline(node.children, 0)
            out.append("</p>\n")
            self.close_text()
        elif name in ("heading", "lheading"):
            level = node.meta["level"]
            children = node.children
            if self.used is not None:
                out.append(f'<h{level} id="{escape_attr(unique(slugify(_id_text(children)), self.used))}">')
            else:
                out.append(f"<h{level}>")
            self.open_text()
            self.inline(children, 0)
            self.close_text()
            out.append(f"</h{level}>\n")
        elif name in ("bullet_list", "ordered_list"):
            self.element()
            if name == "bullet_list":
                out.append("<ul>\n")
                self.blocks(node.children)
                out.append("</ul>\n")
            else:
                start = node.meta.get("start", 1)
                out.append(f'<ol start="{start}">\n' if start != 1 else "<ol>\n")
                self.blocks(node.children)
                out.append("</ol>\n")
        elif name in ("list_item", "definition_description"):
            tag = "li" if name == "list_item" else "dd"
            self.container(tag, node.children)
        elif name == "blockquote":
            self.quote(node.children)
        elif name == "fence":
            self.element()
            meta = node.meta
            content = self.content(node, fence=True)
            self.texts.append(content)
            info = unescape(meta.get("info", "")).strip()
            lang = info.split()[0] if info else ""
            attrs = f' class="{escape_attr(meta.get("lang_prefix", "language-") + lang)}"' if lang else ""
            out.append(f"<pre><code{attrs}>{escape_attr(content)}</code></pre>\n")
        elif name == "code_block":
            self.element()
            content = node.meta.get("content", "")
            self.texts.append(content)
            out.append(f"<pre><code>{escape_attr(content)}</code></pre>\n")
        elif name == "html_block":
            content = self.content(node)
            if not MARKER_BLOCK_RE.match(content):
                self.raw = True
            self.element()
            self.texts.append(content)
            out.append(content)
        elif name == "hr":
            self.element()
            out.append("<hr>\n")
        elif name == "table":
            self.table(node)
        elif name == "definition_list":
            self.element()
            out.append("<dl>\n")
            self.blocks(node.children)
            out.append("</dl>\n")
        elif name == "definition_term":
            self.open_text()
            out.append("<dt>")
            self.inline(node.children, 0)
            out.append("</dt>\n")
            self.close_text()
        else:  # a node this renderer does not know: its children, unwrapped
            self.blocks(node.children)

    def container(self, tag: str, children: list[Any]) -> None:
        """``<li>``, ``<dd>`` or ``<blockquote>``: a line break after the tag unless a hidden paragraph
        (inline nodes) or nothing follows it, as markdown-it's renderToken writes it."""
        self.open_text()
        children = [c for c in children if c.name != "definition"]
        lf = bool(children) and children[0].name not in INLINE
        self.out.append(f"<{tag}>\n" if lf else f"<{tag}>")
        self.blocks(children)
        self.out.append(f"</{tag}>\n")
        self.close_text()

    def quote(self, children: list[Any]) -> None:
        """A block quote, or the admonitions made quotes (see :func:`admonitions_as_quotes`) in it,
        and the quotes before and after them that the parser joined to them."""
        marks: list[tuple[int, Admonition | None]] = []
        if self.marker is not None:
            for i, child in enumerate(children):
                if child.name == "html_block":
                    match = MARK_RE.match(child.meta.get("content", ""))
                    if match and match.group(1) == self.marker and (match.group(2) == "end" or (
                            int(match.group(2)) < len(self.admonitions))):
                        marks.append((i, None if match.group(2) == "end" else self.admonitions[int(match.group(2))]))
        if not marks:
            self.container("blockquote", children)
            return
        start, admon = 0, None
        for i, next_admon in [*marks, (len(children), None)]:
            part = children[start:i]
            if admon is not None:
                self.admonition(admon, part)
            elif part:
                self.container("blockquote", part)
            admon, start = next_admon, i + 1

    def admonition(self, admon: Admonition, children: list[Any]) -> None:
        out = self.out
        self.element()
        children = [c for c in children if c.name != "definition"]
        lf = bool(admon.title) or bool(children)
        out.append(f'<div class="{escape_attr(admon.classes)}">' + ("\n" if lf else ""))
        if admon.title:
            self.open_text()
            out.append('<p class="admonition-title">')
            self.inline(self.inline_title(admon.title), 0)
            out.append("</p>\n")
            self.close_text()
        self.blocks(children)
        out.append("</div>\n")

    def table(self, node: Any) -> None:
        out = self.out
        self.element()
        aligns = node.meta.get("alignments", [])
        out.append("<table>\n")
        for part in node.children:
            tag = part.name  # thead, tbody
            self.element()
            out.append(f"<{tag}>\n")
            cell_tag = "th" if tag == "thead" else "td"
            for row in part.children:
                self.element()
                out.append("<tr>\n")
                for k, cell in enumerate(row.children):
                    align = aligns[k] if k < len(aligns) else "none"
                    style = f' style="text-align:{align}"' if align != "none" else ""
                    self.open_text()
                    out.append(f"<{cell_tag}{style}>")
                    self.inline(cell.children, 0)
                    out.append(f"</{cell_tag}>\n")
                    self.close_text()
                out.append("</tr>\n")
            out.append(f"</{tag}>\n")
        out.append("</table>\n")

    # inline
    def inline(self, nodes: list[Any], depth: int) -> None:
        out = self.out
        for node in nodes:
            name = node.name
            if name in ("text", "text_special"):
                content = node.meta["content"]
                self.texts.append(content)
                out.append(escape(content))
            elif name == "softbreak":
                self.texts.append("\n")
                out.append("\n")
            elif name in ("em", "strong"):
                if depth == 0:
                    self.element()
                tag = "em" if name == "em" else "strong"
                out.append(f"<{tag}>")
                self.inline(node.children, depth + 1)
                out.append(f"</{tag}>")
            elif name in ("link", "autolink"):
                if depth == 0:
                    self.element()
                meta = node.meta
                title = meta.get("title")
                out.append(f'<a href="{escape_attr(meta.get("url", ""))}"'
                           + (f' title="{escape_attr(title)}"' if title else "") + ">")
                if name == "autolink" and "%" in (shown := _autolink_text(node.children)):
                    text = link_text(shown)  # shown as markdown-it's normalizeLinkText shows it
                    self.texts.append(text)
                    out.append(escape(text))
                else:
                    self.inline(node.children, depth + 1)
                out.append("</a>")
            elif name == "code_inline":
                content = "".join(c.meta.get("content", "") for c in node.children)
                if depth == 0:
                    self.element()
                self.texts.append(content)
                out.append(f"<code>{escape(content)}</code>")
            elif name == "hardbreak":
                if depth == 0:
                    self.element()
                if depth == 0:
                    self.texts.append("\n")
                out.append("<br>\n")
            elif name == "image":
                if depth == 0:
                    self.element()
                meta = node.meta
                attrs = {"alt": _alt(node.children), "src": meta.get("url", "")}
                if meta.get("title"):
                    attrs["title"] = meta["title"]
                out.append("<img" + "".join(f' {k}="{escape_attr(v)}"' for k, v in sorted(attrs.items())) + ">")
            elif name == "html_inline":
                self.raw = True
                out.append(node.meta.get("content", ""))
            else:  # an inline node this renderer does not know: its children
                self.inline(node.children, depth)


def definitions(tree: Any, text: str) -> dict[str, str]:
    """The source of each link reference definition in *tree* (of *text*), by its label (case
    folded, white space collapsed): for the admonition titles that name them."""
    source = text.encode("utf-8")
    out: dict[str, str] = {}
    for node in tree.walk():
        if node.name == "definition":
            label = " ".join(str(node.meta.get("label", "")).split()).casefold()
            out.setdefault(label, source[node.srcmap[0]:node.srcmap[1]].decode("utf-8").strip())
    return out


def closes_fence(text: str) -> bool:
    last = text.rsplit("\n", 1)[-1].strip(" >")
    return len(last) >= 3 and last[0] in "`~" and last.rstrip() == last[0] * len(last.rstrip())


def _id_text(children: list[Any]) -> str:
    """A heading's text for its id: text and code, links' text, not images' (markdown-it's flat tokens)."""
    parts: list[str] = []
    for node in children:
        name = node.name
        if name in ("text", "text_special"):
            parts.append(node.meta["content"])
        elif name == "code_inline":
            parts.extend(c.meta.get("content", "") for c in node.children)
        elif name in ("softbreak", "hardbreak"):
            parts.append("\n")
        elif name != "image":
            parts.append(_id_text(node.children))
    return "".join(parts)


def _alt(children: list[Any]) -> str:
    """An image's alt text: its description as plain text (markdown-it's ``renderInlineAsText``)."""
    parts: list[str] = []
    for node in children:
        name = node.name
        if name in ("text", "text_special", "html_inline"):
            parts.append(node.meta.get("content", ""))
        elif name in ("softbreak", "hardbreak"):
            parts.append("\n")
        elif name == "code_inline":
            parts.extend(c.meta.get("content", "") for c in node.children)
        else:
            parts.append(_alt(node.children))
    return "".join(parts)
