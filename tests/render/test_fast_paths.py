"""The renderer's fast paths against the regexes they replace, on generated HTML."""

from __future__ import annotations

import random
import re

from toolkit.render.markdown import fill_markers, url_attributes
from toolkit.source.lesson import MARKER

# the regexes the fast paths replaced, as they were
MARKER_RE = re.compile(r"(?:<p>)?" + re.escape(MARKER).replace(r"\{\}", r"(\d+)") + r"(?:</p>)?")
URL_ATTR_RE = re.compile(r'(?P<attr>\b(?:href|src|poster))="(?P<url>[^"]*)"')

PIECES = ['<p>', '</p>', '<!--tk-block:0-->', '<!--tk-block:12-->', 'href="a.md"', ' src="x.png"', 'data-src="y"',
          '_src="z"', 'ésrc="q"', 'poster="p"', '="', '"', 'href=', 'x', ' ', '\n', 'srchref="w"', 'href="u"="v"',
          '<!--tk-block:', '-->']


def texts(n: int) -> list[str]:
    rnd = random.Random(5)
    return ["".join(rnd.choice(PIECES) for _ in range(rnd.randint(1, 10))) for _ in range(n)]


def test_block_markers_are_filled_as_the_regex_fills_them():
    for html in texts(10_000):
        assert fill_markers(html, lambda n: f"[{n}]") == MARKER_RE.sub(lambda m: f"[{m.group(1)}]", html), html


def test_url_attributes_are_those_the_regex_finds():
    for html in texts(10_000):
        want = [(m.start(), m.end(), m.group("attr"), m.group("url")) for m in URL_ATTR_RE.finditer(html)]
        assert url_attributes(html) == want, html
