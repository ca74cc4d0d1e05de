"""The documentation: the caseworkers' guide is plain Danish (LIX at most 35),
and the README stays a front page that links into the docs."""

from __future__ import annotations

import re

from toolkit.source.lix import lix

from ..conftest import ROOT

DOCS = ROOT / "docs"


def blocks(markdown: str) -> list[str]:
    """Paragraphs, list items, headings and table rows, without Markdown marks."""
    text = re.sub(r"\[([^\]]*)\]\([^)]*\)", r"\1", markdown)  # keep a link's text
    text = re.sub(r"[#*|`]|^\s*(\d+\.|-)\s", " ", text, flags=re.MULTILINE)
    lines = [line.strip() for line in text.splitlines()]
    return [line for line in lines if line and not set(line) <= set("-: ")]


def test_the_caseworkers_guide_is_plain_danish():
    score = lix(blocks((DOCS / "sagsbehandler.md").read_text(encoding="utf-8"))).score
    assert score <= 35, f"docs/sagsbehandler.md has LIX {score:.1f}"


def test_lix_of_hard_text_is_high():  # the measure above can fail
    hard = "Sagsbehandlingsfristerne administreres forvaltningsretligt gennem beskæftigelsesindsatsbekendtgørelsen."
    assert lix(blocks(hard)).score > 35


def test_the_readme_is_a_front_page():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert len(readme.encode()) < 5000
    for page in re.findall(r"\(docs/([a-z-]+\.md)\)", readme):
        assert (DOCS / page).is_file(), page
