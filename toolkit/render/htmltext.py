"""Text for HTML: escaping, heading ids, and the decoding markdown-it does on link texts and
fence infos, as the engine of the previous release did them."""

from __future__ import annotations

import re

SLUG_STRIP_RE = re.compile(r"[^\w\s-]")
SLUG_SPACE_RE = re.compile(r"[-\s]+")
IDCOUNT_RE = re.compile(r"^(.*)_([0-9]+)$")


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


def escape(text: str) -> str:
    """``&``, ``<`` and ``>`` escaped, quotes kept as they are in text (as Python-Markdown did)."""
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def escape_attr(text: str) -> str:
    return escape(text).replace('"', "&quot;")


UNESCAPE_RE = re.compile(r"\\([!-/:-@\[-`{-~])|&(#[0-9]{1,7}|#[xX][0-9a-fA-F]{1,6}|[A-Za-z][A-Za-z0-9]{1,31});")


PERCENT_RE = re.compile(r"(?:%[0-9a-fA-F]{2})+")
KEEP_ENCODED = set(";/?:@&=+$,#%")  # mdurl.decode's default exclusions, and '%'


def link_text(url: str) -> str:
    """An autolink's text as markdown-it shows it (``normalizeLinkText``, by ``mdurl.decode``):
    percent-escapes of UTF-8 decoded, but not those of reserved characters; a broken sequence
    becomes U+FFFD, one for each of its bytes."""
    def run(match: re.Match[str]) -> str:
        data = bytes.fromhex(match.group(0).replace("%", ""))
        out, i, n = [], 0, len(data)
        while i < n:
            b1 = data[i]
            if b1 < 0x80:
                out.append(f"%{b1:02X}" if chr(b1) in KEEP_ENCODED else chr(b1))
                i += 1
                continue
            size = 2 if b1 & 0xE0 == 0xC0 else 3 if b1 & 0xF0 == 0xE0 else 4 if b1 & 0xF8 == 0xF0 else 0
            tail = data[i + 1:i + size]
            if size and len(tail) == size - 1 and all(c & 0xC0 == 0x80 for c in tail):
                code = (b1 & (0x7F >> size)) << (6 * (size - 1))
                for k, c in enumerate(tail):
                    code |= (c & 0x3F) << (6 * (size - 2 - k))
                low = {2: 0x80, 3: 0x800, 4: 0x10000}[size]
                if code < low or 0xD800 <= code <= 0xDFFF or code > 0x10FFFF:
                    out.append("\ufffd" * size)
                else:
                    out.append(chr(code))
                i += size
                continue
            out.append("\ufffd")
            i += 1
        return "".join(out)

    return PERCENT_RE.sub(run, url)


def valid_code(code: int) -> bool:
    """Whether a numeric entity names a character markdown-it decodes (its isValidEntityCode)."""
    return not (0xD800 <= code <= 0xDFFF or 0xFDD0 <= code <= 0xFDEF or (code & 0xFFFF) in (0xFFFF, 0xFFFE)
                or code <= 0x08 or code == 0x0B or 0x0E <= code <= 0x1F or 0x7F <= code <= 0x9F or code > 0x10FFFF)


def unescape(text: str) -> str:
    """Backslash escapes and entities resolved, as markdown-it's ``unescapeAll`` (for a fence's info)."""
    if "\\" not in text and "&" not in text:
        return text
    import html

    def one(match: re.Match[str]) -> str:
        if match.group(1):
            return match.group(1)
        name = match.group(2)
        if name[0] == "#" and not valid_code(int(name[2:], 16) if name[1] in "xX" else int(name[1:])):
            return match.group(0)
        decoded = html.unescape(match.group(0))
        return decoded if decoded != match.group(0) else match.group(0)

    return UNESCAPE_RE.sub(one, text)
