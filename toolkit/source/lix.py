"""LIX readability (Björnsson): words per sentence plus the share of long words."""

from __future__ import annotations

import re
from dataclasses import dataclass

WORD_RE = re.compile(r"[^\W\d_]+(?:[-'’][^\W\d_]+)*|\d+(?:[.,]\d+)*", re.UNICODE)
SENTENCE_END_RE = re.compile(r"[.!?:;]+(?=\s|$)")
ENDS_IN_PUNCTUATION_RE = re.compile(r"[.!?:;]\W*$")
WORD_CHAR_RE = re.compile(r"[^\W_]")  # where a word starts: a block without one has no word
PUNCTUATION = ".!?:;"


@dataclass(frozen=True)
class Lix:
    """A text's LIX readability score and the counts behind it."""

    words: int
    sentences: int
    long_words: int

    @property
    def score(self) -> float:
        if not self.words:
            return 0.0
        return self.words / max(self.sentences, 1) + 100.0 * self.long_words / self.words


def lix(blocks: list[str]) -> Lix:
    """LIX of a list of text blocks (paragraphs, list items, headings...).

    A block that does not end in punctuation still ends its sentence, as a
    heading or a list item does for a reader.
    """
    text = "\n\n".join(blocks)
    if text.split("\n\n") == blocks:  # (a block with a blank line in it would split differently)
        return lix_of_text(text)
    words = sentences = long_words = 0
    for block in blocks:
        count = _block(block)
        words, sentences, long_words = words + count[0], sentences + count[1], long_words + count[2]
    return Lix(words, sentences, long_words)


def lix_of_text(text: str) -> Lix:
    """``lix(text.split("\\n\\n"))``, with each regex run once over the whole text.

    No word and no run of sentence-ending punctuation spans a blank line, and
    where a block ends, the whole text has a newline, which ``\\s`` accepts as
    ``$`` does in the block: so the whole text has the words and the sentence
    ends of its blocks.  Left to count per block is the sentence that a block
    ends without punctuation, told by its last character (a letter or digit:
    one more; punctuation: already counted).  Any other block, and a block
    without a word (whose punctuation counts for nothing), is counted on its
    own instead.
    """
    words, long_words = _words(text)
    if not words:
        return Lix(0, 0, 0)
    sentences = len(SENTENCE_END_RE.findall(text))
    for block in text.split("\n\n"):
        last = block[-1:]
        if last.isalnum():  # a letter or digit (a word) ends the block: no punctuation ends its sentence
            sentences += 1
        elif last and last in PUNCTUATION and WORD_CHAR_RE.search(block):  # a counted sentence end ends it
            pass
        elif last:  # anything else is counted the long way, instead of its sentence ends
            sentences += _block(block)[1] - len(SENTENCE_END_RE.findall(block))
    return Lix(words, sentences, long_words)


def _words(text: str) -> tuple[int, int]:
    """(words, long words) in *text*.  No word has a space in it, so each piece between spaces
    that is all letters is one word, and the words of the other pieces are found in them alone."""
    pieces = text.split()
    others = [p for p in pieces if not p.isalpha()]
    tokens = WORD_RE.findall(" ".join(others))
    long_words = sum([len(p) > 6 for p in pieces if p.isalpha()])
    return len(pieces) - len(others) + len(tokens), long_words + _long(tokens)


def _long(tokens: list[str]) -> int:
    return sum(1 for t in tokens if len(t) > 6 and not t[0].isdigit())


def _block(block: str) -> tuple[int, int, int]:
    """(words, sentences, long words) of one block (whitespace, however much, changes no word
    and no sentence end)."""
    tokens = WORD_RE.findall(block)
    if not tokens:
        return 0, 0, 0
    ends = len(SENTENCE_END_RE.findall(block))
    if not ENDS_IN_PUNCTUATION_RE.search(block):
        ends += 1
    return len(tokens), max(ends, 1), _long(tokens)
