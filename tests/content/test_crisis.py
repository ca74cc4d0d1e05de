"""Help for people in crisis: tap-to-call national help lines on every page of
psykisk-belastning, and placeholder videos that present their transcript as
the content instead of promising a video."""

from __future__ import annotations

import datetime as dt
import re

import pytest

from toolkit.build import BuildOptions, build
from toolkit.source.yamlutil import load_yaml_file

from ..conftest import ROOT

COURSE = ROOT / "courses" / "psykisk-belastning"


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    out = tmp_path_factory.mktemp("crisis")
    build([COURSE], BuildOptions(out=out, formats=("web",), today=dt.date(2026, 12, 1), no_cache=True))
    return out / "psykisk-belastning" / "site"


def test_every_page_shows_the_national_help_lines_as_tap_to_call_links(site):
    facts = load_yaml_file(COURSE / "facts.yaml")["helpline"]
    numbers = {key: str(facts[key]["phone"]["value"]) for key in ("emergency", "livslinien", "sind")}
    pages = sorted(p for p in site.glob("*.html") if p.name != "launch.html")
    assert len(pages) == 7
    for page in pages:
        html = page.read_text(encoding="utf-8")
        help_box = html.split('<aside class="tk-help"', 1)[1].split("</aside>", 1)[0]
        for key, number in numbers.items():
            digits = number.replace(" ", "")
            dialled = "+45" + digits if len(digits) == 8 else digits
            shown = number.replace(" ", "\u00a0")  # a number never wraps between its groups
            assert f'<a href="tel:{dialled}">{shown}</a>' in help_box, f"{page.name}: {key}"


def test_lesson_numbers_are_links_too(site):
    html = (site / "hjaelp.html").read_text(encoding="utf-8")
    main = html.split("<main", 1)[1].split("</main>", 1)[0].split("</aside>", 1)[1]
    assert re.search(r'<a href="tel:\+4570201201">70\u00a0201\u00a0201</a>', main)
    assert re.search(r'<a href="tel:112">112</a>', main) and re.search(r'<a href="tel:1813">1813</a>', main)


def test_placeholder_videos_present_the_transcript_as_the_content(site):
    for n in range(1, 5):
        html = (site / f"del-{n}.html").read_text(encoding="utf-8")
        transcript = (COURSE / "media" / f"del{n}-tekst.md").read_text(encoding="utf-8").split("\n")[0]
        assert "kommer snart" not in html.lower()
        assert '<div class="tk-video-text">' in html and transcript.split(".")[0] in html
        assert "<summary>Udskrift af videoen</summary>" not in html  # not folded away
