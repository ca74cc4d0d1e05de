"""The raw HTML scan's shortcut skips only texts that no danger pattern can match."""

from __future__ import annotations

import functools
import re
import sys
from pathlib import Path

import pytest

from toolkit.source.rawhtml import FOLDED, _maybe_dangerous, scan
from toolkit.source.report import Report

LINKS = ['<a href="javascript:x">', '<a href="JAVASCRIPT:x">', '<a href="javaſcript:x">', '<a href="javascrıpt:x">',
         '<a href="javascrİpt:x">', "<a href='VBScript:x'>", '<img src="Data: text/html,x" alt="x">', "<SCRIPT>",
         '<img src=x onerror="y">', '<form action="javascript:x">']
MARKDOWN_LINKS = ["[x](javascript:alert(1))", "[x](JAVASCRIPT:alert(1))", "[x](VBScript:x)",
                  "[x](data:text/html,x)", "Se <javascript:alert(1)> her.", "<VBSCRIPT:msgbox(1)>",
                  "<data:text/html;base64,PHNjcmlwdD4=>", "[r]\n\n[r]: javascript:alert(2)",
                  "[r]\n\n[r]: <javascript:alert(2)>", "[x](jav&#97;script:alert(1))"]


@pytest.mark.parametrize("text", LINKS)
def test_every_danger_is_still_found(text):
    report = Report()
    scan(f"Tekst med æøå.\n\n{text}\n", 5, Path("l.md"), report, sanitized=False)
    assert [d.line for d in report.warnings] == [7]


@pytest.mark.parametrize("text", MARKDOWN_LINKS)
def test_a_markdown_link_to_such_an_address_is_text_and_no_finding(text):
    from toolkit.render.engine import make_converters
    from toolkit.render.fallback import make_converters as fallback_converters

    report = Report()
    scan(f"Tekst med æøå.\n\n{text}\n", 5, Path("l.md"), report, sanitized=False)
    assert report.items == []
    for converters in (make_converters(fallback_allowed=False), fallback_converters()):
        assert "<a" not in converters.block(text)  # never made a link, by either engine


def test_plain_danish_text_has_no_finding():
    report = Report()
    scan("Dine data er dine. Skriv [CV](02-cv.md).\n", 1, Path("l.md"), report, sanitized=False)
    assert report.items == []


@functools.cache
def _case_variants() -> dict[str, list[str]]:
    """Every character that a case-insensitive regex takes for a letter of the schemes, by letter."""
    letters = sorted(set("javascriptvbscriptdata"))
    every = "".join(chr(cp) for cp in range(sys.maxunicode + 1) if not 0xD800 <= cp <= 0xDFFF)
    found = re.findall("[" + "".join(letters) + "]", every, re.IGNORECASE)  # one pass in C
    return {letter: [c for c in found if re.fullmatch(letter, c, re.IGNORECASE)] for letter in letters}


@pytest.mark.parametrize("scheme", ["javascript", "vbscript", "data"])
def test_the_shortcut_sends_every_spelling_of_a_scheme_to_the_full_scan(scheme):
    for pos, letter in enumerate(scheme):
        for variant in _case_variants()[letter]:
            spelt = scheme[:pos] + variant + scheme[pos + 1:]
            assert _maybe_dangerous(f"Tekst {spelt} her"), spelt


def test_the_shortcut_skips_plain_danish_text_with_capitals():
    # a capital K once sent every lesson to the full scan (the KELVIN SIGN had become an ASCII K)
    assert not _maybe_dangerous("Kursus om CV, Jobnet og A-kasse. Kollega: Ærlig, Øst, Åben!\n## Sådan gør du\n")
    assert all(ord(c) > 127 for c in FOLDED)
