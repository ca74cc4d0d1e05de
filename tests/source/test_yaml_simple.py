"""The YAML shortcut (front matter and blocks of "key: value" lines, without the
parser) reads exactly what the parser reads, or leaves the text to it."""

from __future__ import annotations

import random
from typing import Any

import pytest
import yaml
from hypothesis import given, settings, strategies as st

from toolkit.errors import SourceError
from toolkit.source.yamlutil import LineDict, LineList, _simple_yaml, load_yaml, parse_yaml

KEYS = ["title", "text", "correct", "question", "choices", "id", "a-b", "_x", "x1", "yes", "on", "Off", "null",
        "y", "Æble", "1a", "a b", "True"]
VALUES = ["Lektion 1", "En kollega sender fra hvad har klar.", "true", "True", "TRUE", "false", "yes", "no", "on",
          "off", "y", "n", "5", "0", "05", "-3", "+3", "1_000", "0x1f", "0o7", "10:30", "3.5", "1e3", ".inf", ".nan",
          "2026-01-01", "2026-01-01 10:00", "~", "null", "Null", "", " ", "a: b", "a:b", "a:", "a #b", "a#b", "C#",
          "'q'", "\"q\"", "q'", "[a]", "{a}", "a, b", "a {b} c", "Ring {{ tlf }}", "-x", "- x", "*a", "&a", "!t",
          "|", ">", "%x", "@x", "`x", "?x", "a?", "x ", " x", "x  y", "x\ty", "æøå", "🙂", "\x85", "\u2028",
          "\ufeff", "kl. 10:30", "=", "<<", "a \\ b", "...", "---", "#", "a - b", "100 %"]


def same(a: Any, b: Any) -> bool:
    """Equal values of the same types, with the same line marks."""
    if type(a) is not type(b):
        return False
    if isinstance(a, LineDict):
        return (list(a) == list(b) and a.line == b.line and a.lines == b.lines
                and all(same(a[k], b[k]) for k in a))
    if isinstance(a, LineList):
        return (len(a) == len(b) and a.line == b.line and a.lines == b.lines
                and all(same(x, y) for x, y in zip(a, b, strict=True)))
    return bool(a == b)


def line(rng: random.Random) -> str:
    key, value = rng.choice(KEYS), rng.choice(VALUES)
    return rng.choice([f"{key}: {value}", f"{key}: {value}", f"{key}:", f"  - {value}", f"  - {key}: {value}",
                       f"  - {key}: {value}", f"    {key}: {value}", f"    {key}: {value}", "", "# note",
                       f"   {key}: {value}", f"  {key}: {value}", f"\t{key}: {value}", f"- {value}",
                       f"  -  {value}", f"{key}:  {value}", f"{key} : {value}", f"{key}: {value} # note"])


def check_one(text: str, offset: int) -> bool:
    """Whether the shortcut took *text*; when it did, the parser reads the same."""
    simple = _simple_yaml(text, offset)
    if simple is None:
        return False
    try:
        parsed = parse_yaml(text, "x.yaml", offset)
    except SourceError as exc:
        pytest.fail(f"the shortcut read {text!r}, which the parser refuses: {exc}")
    assert same(simple, parsed), (text, simple, parsed)
    return True


def some_key(rng: random.Random) -> str:
    return rng.choice(KEYS[:7] if rng.random() < 0.8 else KEYS)


def some_value(rng: random.Random) -> str:
    return rng.choice(VALUES[:16] if rng.random() < 0.7 else VALUES)


def document(rng: random.Random) -> list[str]:
    """Lines of the shortcut's shape, with any key and value (mostly the first, plainer ones),
    some of them mutated."""
    def key() -> str:
        return some_key(rng)

    def value() -> str:
        return some_value(rng)

    lines = []
    for _ in range(rng.randint(1, 5)):
        if rng.random() < 0.6:
            lines.append(f"{key()}: {value()}")
            continue
        lines.append(f"{key()}:")
        for _ in range(rng.randint(0, 3)):
            if rng.random() < 0.3:
                lines.append(f"  - {value()}")
                continue
            lines.append(f"  - {key()}: {value()}")
            lines += [f"    {key()}: {value()}" for _ in range(rng.randint(0, 2))]
    for _ in range(rng.choice([0, 0, 0, 1, 2])):
        lines.insert(rng.randint(0, len(lines)), line(rng))
    return lines


def test_generated_texts_read_as_the_parser_reads_them():
    rng = random.Random(20)
    taken = 0
    for _ in range(20_000):
        taken += check_one("\n".join(document(rng)), rng.randint(0, 40))
    assert taken > 1_000  # the shortcut is taken often enough for this to mean something


def test_quiz_like_texts_read_as_the_parser_reads_them():
    rng = random.Random(21)
    words = ["Lektion 1", "Du skal kort et melde sender.", "Hvad gør du?", "CV", "a-kasse og jobnet", "Ja"]
    taken = 0
    for _ in range(5_000):
        lines = [f"question: {rng.choice(words)}", "choices:"]
        for _ in range(rng.randint(1, 4)):
            if rng.random() < 0.2:
                lines.append(f"  - {rng.choice(words)}")
                continue
            lines.append(f"  - text: {rng.choice(words)}")
            lines += [f"    {key}: {some_value(rng)}"
                      for key in rng.sample(["correct", "feedback", "id"], rng.randint(0, 2))]
        lines.append(f"explanation: {rng.choice(words)}")
        if rng.random() < 0.1:
            rng.shuffle(lines)
        taken += check_one("\n".join(lines), rng.randint(0, 40))
    assert taken > 1_000


@settings(max_examples=500, deadline=None)
@given(st.lists(st.sampled_from(KEYS + VALUES + [": ", "  - ", "    ", "\n", "-", ":", " ", "#"]), max_size=30))
def test_any_mix_reads_as_the_parser_reads_it(pieces):
    check_one("".join(pieces), 3)


def test_a_quiz_takes_the_shortcut_with_its_line_marks():
    text = "question: Hvad?\nchoices:\n  - text: Ja\n    correct: true\n  - Nej\nexplanation: Fordi."
    data = _simple_yaml(text, 10)
    assert data == {"question": "Hvad?", "choices": [{"text": "Ja", "correct": True}, "Nej"],
                    "explanation": "Fordi."}
    assert (data.line, data.lines) == (11, {"question": 11, "choices": 12, "explanation": 16})
    assert (data["choices"].line, data["choices"].lines, data["choices"][0].lines) == (13, [13, 15],
                                                                                       {"text": 13, "correct": 14})


def test_what_the_shortcut_leaves_is_still_an_error_at_its_line():
    with pytest.raises(SourceError, match=r"f\.yaml:2: duplicate key 'a'"):
        load_yaml("a: 1\na: 2", "f.yaml")
    with pytest.raises(SourceError, match=r"f\.yaml:3: YAML syntax error"):
        load_yaml("a: b\nc:\n  - d: e: f", "f.yaml")


def test_the_shortcuts_implicit_types_are_pyyamls():
    """The shortcut classifies plain scalars without importing PyYAML (yamlutil.BOOLEANS, NULLS,
    NUMERIC_FIRST): held here to PyYAML's own Resolver, so that a PyYAML that resolves
    differently fails this test instead of reading a front matter differently."""
    import yaml
    from yaml.constructor import SafeConstructor

    from toolkit.source.yamlutil import BOOLEANS, NULLS, NUMERIC_FIRST, _scalar

    table = yaml.resolver.Resolver.yaml_implicit_resolvers
    bool_tag, null_tag, str_tag = ("tag:yaml.org,2002:bool", "tag:yaml.org,2002:null", "tag:yaml.org,2002:str")
    for first, resolvers in table.items():
        tags = {tag for tag, _ in resolvers}
        if first.isalpha():
            assert tags <= {bool_tag, null_tag}, (first, tags)
        elif first:
            assert first in NUMERIC_FIRST or first in "!&*", first  # "!&*" cannot start a plain scalar
    resolver = yaml.resolver.Resolver()

    def tag(text: str) -> str:
        return resolver.resolve(yaml.ScalarNode, text, (True, False))

    for word, value in BOOLEANS.items():
        assert tag(word) == bool_tag and SafeConstructor.bool_values[word.lower()] is value
    for word in NULLS:
        assert tag(word) == null_tag
    rng = random.Random(22)
    letters = "yYnNtTfFoOabcLlæÆ"
    words = [*BOOLEANS, *NULLS, "Ja", "Nej", "nul", "nULL", "yess", "TRUe", "oN", "ofF", "Nø", "y", "n", "NO!"]
    for _ in range(20_000):
        text = rng.choice([rng.choice(words), rng.choice(words) + rng.choice(["", "s", " x", "1"]),
                           "".join(rng.choice(letters) for _ in range(rng.randint(1, 6)))])
        if text[0] not in letters:
            continue
        expected = tag(text)
        got = _scalar(text)
        if expected == str_tag:
            assert got == text, text
        elif expected == bool_tag:
            assert got is SafeConstructor.bool_values[text.lower()], text
        else:
            assert expected == null_tag and got is None, text  # (null is left to the parser)


def test_simple_yaml_is_read_without_importing_pyyaml():
    """Front matter and blocks of the shortcut's shape are read without importing PyYAML."""
    import subprocess
    import sys

    text = "id: lektion-1\ntitle: Lektion 1\nduration: 5\nquestion: Hvad?\nchoices:\n  - text: Ja\n    correct: true"
    code = ("import sys\nfrom toolkit.source.yamlutil import load_yaml\n"
            f"value = load_yaml({text!r}, 'x.md')\n"
            "print(sorted(m for m in sys.modules if m == 'yaml' or m.startswith('yaml.')), value['duration'])")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.split() == ["[]", "5"]


@pytest.mark.parametrize("loader", [getattr(yaml, "CSafeLoader", yaml.SafeLoader), yaml.SafeLoader])
def test_a_bad_characters_line_counts_characters_not_utf8_bytes(loader):
    """libyaml places the character in the text's UTF-8 bytes: with "ø" and "å" before it, on the
    last place of its line, a count of characters up to that place runs into the next line."""
    from toolkit.source.yamlparser import _bad_character

    text = "a: rådighed ø\nb: ha\x07\nc: x\n"
    with pytest.raises(yaml.reader.ReaderError) as raised:
        loader(text).get_single_node()
    error = _bad_character(raised.value, text, "f.yaml", 10, in_bytes=loader is not yaml.SafeLoader)
    assert isinstance(error, SourceError)
    assert str(error) == "f.yaml:12: YAML cannot contain the character U+0007; remove it"
