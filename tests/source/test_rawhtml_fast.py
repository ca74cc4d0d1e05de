"""The raw HTML scan's shortcut skips only texts that no danger pattern can match."""

from __future__ import annotations

from pathlib import Path

import pytest

from toolkit.source.rawhtml import scan
from toolkit.source.report import Report

LINKS = ["[x](javascript:alert(1))", "[x](JAVASCRIPT:alert(1))", "[x](javaſcript:alert(1))",
         "[x](javascrıpt:alert(1))", "[x](javascrİpt:alert(1))", "[x](VBScript:x)", "[x](Data: text/html,x)",
         '<a href="javascript:x">', "<SCRIPT>", '<img src=x onerror="y">',
         # CommonMark makes an autolink of any scheme, and a reference definition is a link too
         "Se <javascript:alert(1)> her.", "<VBSCRIPT:msgbox(1)>", "<data:text/html;base64,PHNjcmlwdD4=>",
         "[r]: javascript:alert(2)", "[r]: <javascript:alert(2)>"]


@pytest.mark.parametrize("text", LINKS)
def test_every_danger_is_still_found(text):
    report = Report()
    scan(f"Tekst med æøå.\n\n{text}\n", 5, Path("l.md"), report, sanitized=False)
    assert [d.line for d in report.warnings] == [7]


def test_plain_danish_text_has_no_finding():
    report = Report()
    scan("Dine data er dine. Skriv [CV](02-cv.md).\n", 1, Path("l.md"), report, sanitized=False)
    assert report.items == []
