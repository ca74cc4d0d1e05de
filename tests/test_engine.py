"""The Markdown engine (markdown-it-py) against Python-Markdown, the engine
lessons were written for: the features docs/authoring.md documents render to
the same HTML (whitespace between blocks aside), and where CommonMark differs
it is on purpose."""

from __future__ import annotations

import markdown  # Python-Markdown, here through MkDocs (the docs site), the real counterpart
import pytest
from markdown.extensions.toc import slugify_unicode

from toolkit.render.engine import make_converters, slugify

OLD_EXTENSIONS = ["tables", "admonition", "attr_list", "sane_lists", "fenced_code", "def_list", "md_in_html", "toc"]


def python_markdown(text: str) -> str:
    md = markdown.Markdown(extensions=OLD_EXTENSIONS, output_format="html",
                           extension_configs={"toc": {"slugify": slugify_unicode, "toc_depth": "2-4"}})
    return md.convert(text)


def squeeze(html: str) -> str:
    """Blank lines between blocks do not show."""
    return "\n".join(line for line in html.split("\n") if line.strip())


SAME = {
    "paragraphs and quotes": 'Skriv "jeg er stabil". Det er AT&T og 5 < 6.\n\nNæste afsnit.',
    "headings, repeated, with markup": "## Hej\n\n## Hej\n\n### Hej med *dig* & `kode`\n\n## Æble, pære!\n\n## Hej_1",
    "a heading of punctuation only": "## !!!\n\n## ???",
    "list and table": "- en\n- to\n\n| Hvad | Hvornår |\n|---|---|\n| CV | 14 dage |",
    "admonition": '!!! warning "Pas på"\n    Første.\n\n    Anden.\n\nEfter.',
    "admonition without title": "!!! tip\n    Tekst.",
    "definition list": "Dagpenge\n:   Penge fra a-kassen.",
    "fenced code with quotes": '```\nprint("hej") & <b>\n```',
    "image with title": '![Et "smil"](media/smil.svg "Titel")',
    "links": '[næste](02-cv.md "T") og <https://example.org>',
    "a javascript: link, kept for the check to warn of": "[her](javascript:alert(2))",
    "emphasis": "*a* **b** _c_ __d__ snake_case_word",
    "ordered list from 3": "3. a\n4. b",
    "hard break": "linje  \nnæste",
    "raw HTML": '<div class="x">\n<p>Hej</p>\n</div>\n\nEfter <abbr title="x">A</abbr>.',
    "block marker": "Tekst.\n\n<!--tk-block:0-->\n\n<!--tk-block:1-->\n\nSlut.",
}


@pytest.mark.parametrize("text", SAME.values(), ids=SAME.keys())
def test_documented_markdown_renders_as_python_markdown_did(text):
    convert, _ = make_converters()
    assert squeeze(convert(text)) == squeeze(python_markdown(text))


def test_heading_ids_are_python_markdowns():
    for title in ["Sådan gør du", "Hvad er  rådighed?", "A-kasse & jobcenter", "CV'et (kort)", "Trin 1: ring"]:
        assert slugify(title) == slugify_unicode(title, "-")


def test_commonmark_lists_are_what_the_author_wrote():
    """Where Python-Markdown flattened or swallowed a list, CommonMark keeps it (docs/authoring.md says so)."""
    convert, _ = make_converters()
    assert convert("- a\n  - b\n- c") == "<ul>\n<li>a\n<ul>\n<li>b</li>\n</ul>\n</li>\n<li>c</li>\n</ul>"
    assert python_markdown("- a\n  - b") == "<ul>\n<li>a</li>\n<li>b</li>\n</ul>"  # flattened there
    assert convert("Tekst:\n- a\n- b") == "<p>Tekst:</p>\n<ul>\n<li>a</li>\n<li>b</li>\n</ul>"


def test_short_texts_have_no_tables_or_admonitions():
    _, inline = make_converters()
    assert inline("a | b") == "<p>a | b</p>"
    assert inline('!!! note "x"') == '<p>!!! note "x"</p>'
    assert inline("Et *godt* CV") == "<p>Et <em>godt</em> CV</p>"
