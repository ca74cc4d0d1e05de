"""LIX readability (Björnsson): words per sentence plus the share of long words."""

from __future__ import annotations

import re
from dataclasses import dataclass

WORD_RE = re.compile(r"[^\W\d_]+(?:[-'’][^\W\d_]+)*|\d+(?:[.,]\d+)*", re.UNICODE)
SENTENCE_END_RE = re.compile(r"[.!?:;]+(?=\s|$)")
ENDS_IN_PUNCTUATION_RE = re.compile(r"[.!?:;]\W*$")


@dataclass(frozen=True)
class Lix:
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
    words = sentences = long_words = 0
    for block in blocks:  # whitespace, however much, changes no word and no sentence end
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
