"""Page-weight budget: what a lesson page transfers (HTML + CSS + JS,
gzipped; images and video not counted) stays within 60 KB, and the runtime
JavaScript within 40 KB."""

from __future__ import annotations

import gzip
from pathlib import Path

from lxml import html as lxml_html

from toolkit.runtime import runtime_assets

from .conftest import site_pages

PAGE_BUDGET = 60 * 1024
RUNTIME_BUDGET = 40 * 1024


def gz(data: bytes) -> int:
    return len(gzip.compress(data, compresslevel=6, mtime=0))


def page_weight(page: Path) -> tuple[int, list[str]]:
    doc = lxml_html.fromstring(page.read_bytes())
    refs = [e.get("href") for e in doc.xpath("//link[@rel='stylesheet']")] + [e.get("src") for e in doc.xpath("//script[@src]")]
    total = gz(page.read_bytes())
    for ref in refs:
        total += gz((page.parent / ref).read_bytes())
    return total, refs


def test_every_page_is_within_budget(built):
    rows = []
    worst = 0
    for page in site_pages(built):
        weight, _refs = page_weight(page)
        worst = max(worst, weight)
        rows.append((weight, str(page.relative_to(built))))
    rows.sort(reverse=True)
    for weight, name in rows[:5]:
        print(f"{weight / 1024:6.1f} KB  {name}")
    assert worst <= PAGE_BUDGET, rows[:5]


def test_runtime_javascript_within_budget():
    js = [data for name, data in runtime_assets().items() if name.endswith(".js")]
    assert js, "no runtime JavaScript found"
    total = sum(gz(data) for data in js)
    print(f"runtime JS: {total / 1024:.1f} KB gzipped over {len(js)} file(s)")
    assert total < RUNTIME_BUDGET
