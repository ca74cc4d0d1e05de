"""LIX: known counts, and the whole-text counting against the block-by-block
reference it replaced, on many generated texts."""

from __future__ import annotations

import random
import re

from hypothesis import given, settings, strategies as st

from toolkit.source.lix import Lix, lix, lix_of_text

# The implementation before lix_of_text, verbatim: one regex pass per block.
WORD_RE = re.compile(r"[^\W\d_]+(?:[-'’][^\W\d_]+)*|\d+(?:[.,]\d+)*", re.UNICODE)
SENTENCE_END_RE = re.compile(r"[.!?:;]+(?=\s|$)")
ENDS_IN_PUNCTUATION_RE = re.compile(r"[.!?:;]\W*$")


def reference(blocks: list[str]) -> Lix:
    words = sentences = long_words = 0
    for block in blocks:
        tokens = WORD_RE.findall(block)
        if not tokens:
            continue
        words += len(tokens)
        long_words += sum(1 for t in tokens if len(t) > 6 and not t[0].isdigit())
        ends = len(SENTENCE_END_RE.findall(block))
        if not ENDS_IN_PUNCTUATION_RE.search(block):
            ends += 1
        sentences += max(ends, 1)
    return Lix(words, sentences, long_words)


# Words, and every character that decides a word, a sentence end or a block's end.
PIECES = ["du", "skal", "melde", "dig", "arbejdsgiver", "a-kasse", "rådighed", "jobcentret", "CV", "Øst", "ſ",
          "İ", "x²", "²", "½", "٣", "12", "3.5", "1,000", "don't", "it’s", "_", "__init__", "snake_case",
          ".", "!", "?", ":", ";", "...", "?!", ")", "(", "\"", "'", "-", "—", "…", "*", "#", "|", ",",
          " ", " ", " ", "  ", "\t", "\n", "\n", "\n\n", "\n\n\n", "\u00a0", "\u2028", "\r", "\x1c", "\x85", "\u2003", "\ufeff"]


def generated(rng: random.Random) -> str:
    return "".join(rng.choice(PIECES) + rng.choice(["", " ", " ", "\n"]) for _ in range(rng.randint(0, 60)))


def test_known_counts():
    assert lix(["Du skal melde dig ledig.", "Skriv et cv", "Arbejdsgiveren læser ansøgninger: mange!"]) == \
        Lix(words=12, sentences=4, long_words=2)
    assert lix([]) == Lix(0, 0, 0)
    assert lix(["...", "—"]) == Lix(0, 0, 0)
    assert lix_of_text("Hej.\n\n...!\n\nHej") == Lix(2, 2, 0)  # the words-less block's '!' counts for nothing


def test_whole_text_counting_matches_the_block_by_block_reference():
    rng = random.Random(20)
    for _ in range(10_000):
        text = generated(rng)
        assert lix_of_text(text) == reference(text.split("\n\n")), repr(text)


def test_a_list_of_blocks_matches_the_reference_even_when_a_block_has_a_blank_line():
    rng = random.Random(21)
    for _ in range(5_000):
        blocks = [generated(rng) for _ in range(rng.randint(0, 5))]
        assert lix(blocks) == reference(blocks), repr(blocks)


@settings(max_examples=500, deadline=None)
@given(st.text(st.sampled_from(list("ab7²_.!?:;)' \n\t")) | st.characters(), max_size=120))
def test_any_text_matches_the_reference(text):
    assert lix_of_text(text) == reference(text.split("\n\n"))
