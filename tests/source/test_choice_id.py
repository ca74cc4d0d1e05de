"""A choice's default id: the shortcut for its first four characters gives the ids the
whole base-36 string gave, with and without ids taken already."""

from __future__ import annotations

import hashlib
import random

from toolkit.model import Choice
from toolkit.source.lesson import choice_id


def reference(text: str, taken: list[Choice]) -> str:
    """choice_id before the shortcut, verbatim."""
    digest = int(hashlib.sha1(" ".join(text.casefold().split()).encode("utf-8")).hexdigest(), 16)
    chars = ""
    while digest:
        digest, rest = divmod(digest, 36)
        chars += "0123456789abcdefghijklmnopqrstuvwxyz"[rest]
    for size in range(4, len(chars) + 1):
        if not any(c.id == chars[:size] for c in taken):
            return chars[:size]
    return chars


def taken(*ids: str) -> list[Choice]:
    return [Choice(i, "", False, None) for i in ids]


def test_the_ids_of_the_fixture_course_stay():
    assert [choice_id(t, []) for t in ("14 dage", "Dine job", "Din uddannelse", "Ja")] == \
        [reference(t, []) for t in ("14 dage", "Dine job", "Din uddannelse", "Ja")]
    assert choice_id("14  DAGE ", []) == choice_id("14 dage", [])  # case and spacing ignored


def test_the_shortcut_gives_the_ids_of_the_whole_string():
    rng = random.Random(20)
    words = ["ja", "nej", "Måske", "14 dage", "CV", "", " ", "ß", "İ", "🙂", "a-kasse", "dagpenge"]
    for n in range(20_000):
        text = " ".join(rng.choice(words) for _ in range(rng.randint(0, 4))) + str(n % 50)
        full = reference(text, [])
        for ids in ([], [full], [full, full[:5]], [full[:5]], ["zzzz", full], [full[:k] for k in range(4, len(full) + 1)]):
            assert choice_id(text, taken(*ids)) == reference(text, taken(*ids)), (text, ids)


def test_a_digest_of_fewer_than_four_characters_is_the_whole_id(monkeypatch):
    class Digest:  # a SHA-1 as small as one wants (one in 2**144 is below 36**3)
        def __init__(self, data: bytes) -> None:
            self.value = int(data.decode() or "0")

        def digest(self) -> bytes:
            return self.value.to_bytes(20, "big")

        def hexdigest(self) -> str:
            return format(self.value, "040x")

    monkeypatch.setattr(hashlib, "sha1", Digest)
    for value in (0, 1, 35, 36, 36 ** 3 - 1, 36 ** 3, 36 ** 4 - 1, 36 ** 4, 36 ** 5 + 7):
        for ids in ([], [reference(str(value), [])]):
            assert choice_id(str(value), taken(*ids)) == reference(str(value), taken(*ids)), value
