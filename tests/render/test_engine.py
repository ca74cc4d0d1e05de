"""The Markdown engine (markdown-it-pyrs's tree, our HTML) against the real counterparts:
Python-Markdown, the engine lessons were written for (the features docs/authoring.md
documents render to the same HTML, whitespace between blocks aside; where CommonMark
differs it is on purpose), and markdown-it-py with mdit-py-plugins, the engine of the
previous release and now the fallback (the same HTML and LIX text, byte for byte, on those
features and on generated lessons).  ``fast`` is the engine with its fallback turned off:
what the comparisons hold is the fast engine's own output."""

from __future__ import annotations

import markdown  # Python-Markdown, here through MkDocs (the docs site), the real counterpart
import pytest
from markdown.extensions.toc import slugify_unicode

from tests.render.markdown_gen import doc
from toolkit.render.engine import make_converters, risky, slugify
from toolkit.render.fallback import make_converters as previous_converters
from toolkit.render.markdown import fill_markers, visible_text

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
    "emphasis": "*a* **b** _c_ __d__ snake_case_word",
    "ordered list from 3": "3. a\n4. b",
    "hard break": "linje  \nnæste",
    "raw HTML": '<div class="x">\n<p>Hej</p>\n</div>\n\nEfter <abbr title="x">A</abbr>.',
    "block marker": "Tekst.\n\n<!--tk-block:0-->\n\n<!--tk-block:1-->\n\nSlut.",
}


@pytest.mark.parametrize("text", SAME.values(), ids=SAME.keys())
def test_documented_markdown_renders_as_python_markdown_did(text):
    convert = make_converters().block
    assert squeeze(convert(text)) == squeeze(python_markdown(text))


def test_heading_ids_are_python_markdowns():
    for title in ["Sådan gør du", "Hvad er  rådighed?", "A-kasse & jobcenter", "CV'et (kort)", "Trin 1: ring"]:
        assert slugify(title) == slugify_unicode(title, "-")


def test_commonmark_lists_are_what_the_author_wrote():
    """Where Python-Markdown flattened or swallowed a list, CommonMark keeps it (docs/authoring.md says so)."""
    convert = make_converters().block
    assert convert("- a\n  - b\n- c") == "<ul>\n<li>a\n<ul>\n<li>b</li>\n</ul>\n</li>\n<li>c</li>\n</ul>"
    assert python_markdown("- a\n  - b") == "<ul>\n<li>a</li>\n<li>b</li>\n</ul>"  # flattened there
    assert convert("Tekst:\n- a\n- b") == "<p>Tekst:</p>\n<ul>\n<li>a</li>\n<li>b</li>\n</ul>"


def test_short_texts_have_no_tables_or_admonitions():
    inline = make_converters().inline
    assert inline("a | b") == "<p>a | b</p>"
    assert inline('!!! note "x"') == '<p>!!! note "x"</p>'
    assert inline("Et *godt* CV") == "<p>Et <em>godt</em> CV</p>"


TEXTS = {
    **SAME,
    "tight list, emphasis, nested list": "- Tekst *fremhævet* mere\n  - indre `kode` her\n  - [link](x.md) tekst\n- sidst",
    "loose list": "- Første.\n\n  Mere.\n\n- Anden.",
    "ordered, nested loose": "1. a\n\n   - b\n\n     c\n2. d",
    "blockquote": "> Citat *her*\n> mere\n>\n> - punkt",
    "quoted code only": ">     kode",
    "code in a list item": "- Før\n\n  ```\n  kode \"x\"\n  ```\n\n  Efter",
    "tight code in a list item": "- Før\n  ```\n  kode\n  ```",
    "hard break in a list item with a nested list": "- a  \n  b\n  - c",
    "loose definitions": "Term\n\n:   Forklaring *her*.\n\n    Mere.",
    "table with markup": "| *a* | `b` |\n|---|---|\n| [c](x.md) | ![d](e.png) |\n| | tom |",
    "admonition with a list": '!!! note "Husk *det*"\n    - en\n    - to',
    "heading with an image": "## Se ![billede](a.png) her",
    "rules and entities": "Før &copy; &amp;\n\n---\n\nEfter &lt;b&gt;",
}


@pytest.mark.parametrize("text", TEXTS.values(), ids=TEXTS.keys())
def test_text_from_tokens_is_what_lxml_reads_from_the_html(text):
    """The LIX text comes from markdown-it's tokens; lxml reading the HTML is the reference."""
    html, prose = make_converters().with_text(text)
    expected = visible_text(fill_markers(html, lambda n: ""))
    if "<abbr" in text or "<div" in text:
        assert prose is None  # raw HTML: read from the HTML itself
    else:
        assert prose == expected


def fast():
    return make_converters(fallback_allowed=False)


@pytest.mark.parametrize("text", TEXTS.values(), ids=TEXTS.keys())
def test_html_and_text_are_the_previous_engines(text):
    assert fast().with_text(text) == previous_converters().with_text(text)
    assert fast().inline(text) == previous_converters().inline(text)


def test_generated_lessons_render_as_with_the_previous_engine():
    """Admonitions (nested, in list items, right after a paragraph, in code and HTML that only
    look like one), lists, tables, quotes, definitions, code and raw HTML, side by side."""
    new, old = fast(), previous_converters()
    assert not [seed for seed in range(1500) if risky(doc(seed))]  # all for the fast engine
    differ = [seed for seed in range(1500) if new.with_text(doc(seed)) != old.with_text(doc(seed))]
    assert differ == []
    assert not [seed for seed in range(1500) if "tk-admonition" in new.block(doc(seed))]  # no marker is left
    assert not [seed for seed in range(1500) if new.inline(doc(seed)) != old.inline(doc(seed))]  # short texts


def test_lessons_of_the_courses_render_as_with_the_previous_engine():
    from pathlib import Path

    from toolkit.source.lesson import split_front_matter

    new, old = fast(), previous_converters()
    root = Path(__file__).resolve().parents[2]
    files = sorted(root.glob("courses/*/lessons/*.md"))
    assert len(files) >= 20
    for path in files:
        body = split_front_matter(path.read_text(encoding="utf-8"), path)[1]
        assert new.with_text(body) == old.with_text(body), path


def test_an_authors_comment_cannot_pose_as_an_admonition():
    html = make_converters().block("> <!--tk-admonition-00000000:0-->\n> Tekst.\n\n!!! note\n    Rigtig.")
    assert html.startswith("<blockquote>\n<!--tk-admonition-00000000:0-->\n<p>Tekst.</p>\n</blockquote>")
    assert html.endswith('<div class="admonition note">\n<p class="admonition-title">Note</p>\n<p>Rigtig.</p>\n</div>')


def test_what_the_engines_tell_apart():
    """Where markdown-it-pyrs parses otherwise than markdown-it-py did: each on the safe side or at
    the fringe of the syntax, and docs/authoring.md says what an author needs of it."""
    new, old = make_converters(), previous_converters()
    # a javascript: (vbscript:, file:, data:) link stays text, as markdown-it's own link check
    # has it (the previous release kept it a link); so in the fallback
    for text in ["[her](javascript:alert(2))", "<javascript:alert(1)>", "[r]\n\n[r]: vbscript:x"]:
        assert "<a" not in new.block(text) and new.block(text) == old.block(text)
    assert python_markdown("[her](javascript:alert(2))") == '<p><a href="javascript:alert(2)">her</a></p>'
    # a line under a paragraph that is only a table's delimiter row makes a table of one column
    assert new.block("Tekst\n| -").startswith("<table>")
    assert old.block("Tekst\n| -") == "<p>Tekst\n| -</p>"


def test_autolinks_and_fence_infos_as_the_previous_engine():
    """An autolink shows its address percent-decoded as markdown-it's normalizeLinkText does
    (reserved characters and broken UTF-8 too); a fence's info has its escapes resolved."""
    import random

    rnd = random.Random(1)
    pieces = ["%41", "%C3", "%A6", "%E2%82", "%F0", "%ED%A0%80", "%C0%80", "a", "%25", "%2f", "%3D", "æ"]
    texts = ["<http://x/" + "".join(rnd.choice(pieces) for _ in range(rnd.randint(1, 6))) + ">" for _ in range(500)]
    texts += ["<mailto:a%40b.dk>", "<a%41@b.dk>"]
    texts += ["```" + info + "\nk\n```" for info in ["a&amp;b", "\\*x", "&#106;s y", "&bogus; x", 'c"q', "&#0;", "&#x41;"]]
    new, old = fast(), previous_converters()
    assert [t for t in texts if new.with_text(t) != old.with_text(t)] == []


HOSTILE = {  # found by an attacker's review: each crashed, leaked a marker or took too long
    "a backtick after a [, on which the Rust parser panics": "Tryk på [Ctrl+`] for at skifte.",
    "an image label with a backtick": "![`](u)",
    "quotes 250 deep": ">" * 250,
    "quotes 40,000 deep, which overflow the Rust parser's stack": ">" * 40000 + " x",
    "list items 20,000 deep": "- " * 20000 + "x",
    "images in images": "![" * 1000 + "x" + "](u)" * 1000,
    "a carriage return in a title": '!!! note "x*\r: y"\n    Tekst.',
    "a table in a title": '!!! note "a|b\r-|-*"\n    T.',
    "a lone surrogate": "x\ud800y",
    "NUL": "a\0b",
    "code left open, then an admonition": '!!! note "Eksempel"\n    ```\n    print("hej")\n!!! tip "Tip"\n    Husk.\n',
    "the same in a list item": '- Trin 1\n\n    !!! note "Kode"\n        ```\n        ls\n    !!! tip\n        Mere.',
    "raw HTML after an admonition": '!!! note "Se"\n    Tekst.\n<img src="a.png" alt="A">\n!!! tip "Tip"\n    Mere.',
    "a lazy line, then a list": '1. Log ind\n!!!  warning "Pas på"\n    1. !!! tip',
    "an admonition in a definition": "Term\n: !!! note",
    "an admonition in a block quote": "> !!! note\n>     Tekst.",
    "an admonition line in emphasis": "> x*y\n???+ faq \"Åben\"\n    1. x*y",
}


@pytest.mark.parametrize("text", HOSTILE.values(), ids=HOSTILE.keys())
def test_hostile_markdown_renders_as_the_previous_engine_without_a_word_on_stderr(text, capfd):
    assert make_converters().with_text(text) == previous_converters().with_text(text)
    assert capfd.readouterr().err == ""  # no Rust panic message either


def test_a_forged_marker_in_a_short_text_is_text():
    for text in ["> <!--tk-admonition-none:0-->", "> <!--tk-admonition-none:", "> <!--tk-admonition-none:x-->"]:
        assert make_converters().inline(text) == previous_converters().inline(text)


def test_what_the_fallback_takes():
    assert risky(">" * 20 + " x") and risky("- " * 20 + "x") and risky(" " * 40 + "x")
    assert risky("[`") and risky("> !!! note") and risky("Term\n: !!! note")
    assert not risky("[a `b` c](d.md) og `e`") and not risky("Se [link](a.md).\n\n> Citat")
    assert not risky("!!! note\n    - Punkt\n\n      !!! tip\n          Mere.")


def test_admonitions_in_list_items_take_few_parses():
    """Many admonitions cost a parse or two, not one each (no timing: the parses are counted)."""
    from markdown_it_pyrs import MarkdownIt

    from toolkit.render.admonitions import admonitions_as_quotes

    parser, calls = MarkdownIt("commonmark").enable_many(["table", "deflist"]), []

    def parse(text):
        calls.append(1)
        return parser.tree(text)

    for text in ["\n".join(f"- !!! note\n      Tekst {i}." for i in range(300)),
                 "\n".join(f"- a{i}\n\n  !!! note\n      Tekst {i}." for i in range(300)),
                 "<div>x</div>\n\n" + "\n\n".join(f"!!! note\n    Tekst {i}." for i in range(300))]:
        calls.clear()
        found = []
        out = admonitions_as_quotes(text, parse, found, "tk-admonition-000000000000:")[0]
        assert len(found) == 300 and "!!! note" not in out
        assert len(calls) <= 3, len(calls)


def test_the_fallbacks_shortcuts_take_what_its_regexes_take():
    """risky() finds deep nesting and quoted admonitions without a regex at every position; on
    generated texts it answers as the plain regexes do."""
    import random
    import re

    from toolkit.render.engine import _unmatched_code

    deep = re.compile(r"^(?:[ \t]*(?:>|[-+*]|[0-9]{1,9}[.)])){16}|^[ \t]{40}|(?:!?\[){16}", re.MULTILINE)
    quoted = re.compile(r"^[ \t\-+*.)0-9]*[>:][ \t>:\-+*.)0-9]*(?:!!!|\?\?\?)", re.MULTILINE)
    rnd = random.Random(3)
    pieces = ["> ", "- ", "1. ", "  ", "\t", "[", "![", "!!!", "???", ":", "x", "\n", "*", "+ ", "    "]
    for _ in range(10_000):
        text = "".join(rnd.choice(pieces) for _ in range(rnd.randint(1, 40)))
        plain = bool(deep.search(text)) or text.count("![") > 500 or _unmatched_code(text) or bool(quoted.search(text))
        assert risky(text) == plain, text
