"""Opt-in sanitising of the HTML authors write in lessons (``sanitize_html``).

nh3 (Python bindings to the Rust ammonia library, an allow-list HTML
sanitiser) keeps what Markdown and its extensions produce, with the ids and
classes that headings and admonitions need, and removes
scripts, frames, event handlers and ``javascript:`` URLs.  Comments stay:
the renderer's block markers are comments, and comments never run.
Only the author's HTML passes through here, never the toolkit's own blocks.
"""

from __future__ import annotations

import nh3

ATTRIBUTES: dict[str, set[str]] = {
    **{tag: set(attrs) for tag, attrs in nh3.ALLOWED_ATTRIBUTES.items()},
    "*": {"class", "id", "title", "lang", "dir"},
}


def sanitize(html: str) -> str:
    return nh3.clean(html, tags=nh3.ALLOWED_TAGS, attributes=ATTRIBUTES, link_rel=None, strip_comments=False)
