"""Raw HTML in a lesson that runs code or embeds other sites.

Markdown lets an author write any HTML, and the build publishes it as it is.
Authors are trusted, but the person who publishes should see it: each
``<script>``, ``<iframe>``, ``<object>``/``<embed>``, ``on...=`` event handler
and ``javascript:`` (or ``vbscript:``, ``data:text/html``) link in an HTML
attribute is a warning at its ``path:line`` (``--strict`` fails on it); a
Markdown link to such an address is never made a link, so it is not one.  With ``sanitize_html`` the
renderer removes them (:mod:`toolkit.render.sanitize`), and they are noted
as info instead.  Code (fenced or inline) is not HTML and is skipped; the
YAML of quiz, exercise and video blocks is not, because its text is rendered.
"""

from __future__ import annotations

import re
from pathlib import Path

from toolkit.source.report import Report

FENCE_RE = re.compile(r"^\s*(`{3,}|~{3,})\s*([\w-]*)")
BLOCK_KINDS = {"quiz", "exercise", "video"}
INLINE_CODE_RE = re.compile(r"(`+)(?:(?!\1).)+?\1")
DANGERS: list[tuple[re.Pattern[str], str]] = [
    (re.compile(r"<\s*(script|iframe|object|embed|frame|frameset)\b", re.IGNORECASE), "a <{0}> element"),
    (re.compile(r"<[a-z][^>]*?[\s/\"'](on[a-z]+)\s*=", re.IGNORECASE), "an {0}= event handler"),
    # in an attribute; a Markdown link, reference or autolink to such an address is never made
    # a link (markdown-it's own check, in both engines: tests/render/test_engine.py), so it is text
    (re.compile(r"\b(?:href|src|action|formaction|xlink:href)\s*=\s*[\"']?\s*"
                r"(javascript|vbscript|data\s*:\s*text/html)", re.IGNORECASE), "a {0}: link"),
]

# Letters that re.IGNORECASE takes for the s and i of the schemes and str.lower() does not
# (LATIN SMALL LETTER LONG S, DOTLESS I, CAPITAL I WITH DOT ABOVE), written as escapes: as
# plain characters one was once normalised to an ASCII letter (the KELVIN SIGN to "K"), which
# sent every text with a capital K to the full scan.  No scheme has a k, and the KELVIN SIGN
# lowers to "k" anyway.
FOLDED = ("\u017f", "\u0131", "\u0130")


def _maybe_dangerous(text: str) -> bool:
    """Whether *text* has what one of DANGERS needs: a '<', or one of the schemes in any case
    (ten times cheaper than a case-insensitive search)."""
    if "<" in text or any(c in text for c in FOLDED):
        return True
    low = text.encode("utf-8", "surrogatepass").lower()  # ASCII letters lowered: the schemes' letters, in
    return b"javascript" in low or b"vbscript" in low or b"data" in low  # any case but FOLDED's (2.5x cheaper)


def scan(text: str, first_line: int, path: Path, report: Report, sanitized: bool) -> None:
    """Report each dangerous piece of raw HTML in *text* (a lesson file from line *first_line*)."""
    if not _maybe_dangerous(text):  # most lessons are done here
        return
    fence: tuple[str, bool] | None = None  # (its marker, whether it is a toolkit block)
    for number, line in enumerate(text.split("\n"), first_line):
        opening = FENCE_RE.match(line)
        if fence is not None:
            marker, is_block = fence
            if opening and opening.group(1)[0] == marker[0] and len(opening.group(1)) >= len(marker) \
                    and not opening.group(2):
                fence = None
                continue
            if not is_block:
                continue
        elif opening:
            fence = (opening.group(1), opening.group(2) in BLOCK_KINDS)
            continue
        checked = INLINE_CODE_RE.sub("", line)
        for pattern, what in DANGERS:
            for match in pattern.finditer(checked):
                name = what.format(match.group(1).lower().replace(" ", ""))
                if sanitized:
                    report.info(path, number, f"raw HTML: {name}, removed by sanitize_html")
                else:
                    report.warning(path, number, f"raw HTML: {name} is published as it is; remove it, or build "
                                                 "with --sanitize-html (or sanitize_html: true in course.yaml)")
