"""Personal learner codes, and refusing CPR numbers before anything is looked up.

A learner code (the shared contract of issue 16) is 9 random symbols from
:data:`ALPHABET` (32 symbols without 0/O/1/I, so 45 bits from
:mod:`secrets`) plus one check symbol by the Luhn mod N algorithm (N = 32),
written as two groups of five: ``K7F3Q-9QX2Z``.  Input is case-insensitive,
and spaces and hyphens are ignored.  The check symbol catches every single
wrong symbol and nearly every swap of two neighbours.

A CPR number is ``DDMMYY-XXXX`` with a real day and month; written with or
without the hyphen, or with a space.  Such input is refused before any
request and never echoed, because a caseworker who types one is about to
send a citizen's personal number to a system that must never hold it.
"""

from __future__ import annotations

import re
import secrets

from toolkit.errors import ToolkitError

ALPHABET = "23456789ABCDEFGHJKLMNPQRSTUVWXYZ"
N = len(ALPHABET)
BODY = 9
CPR_MESSAGE = ("Det ligner et CPR-nummer. Skriv aldrig CPR-nummer her. "
               "Brug borgerens kursuskode, fx K7F3Q-9QX2Z.")
_CPR = re.compile(r"(?<!\d)(\d{2})(\d{2})(\d{2})[- ]?(\d{4})(?!\d)")
_DAYS = (31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31)


TYPO_MESSAGE = "Koden passer ikke. Der er nok en tastefejl. Tjek koden på borgerens kvittering."
_CODE_SHAPE = re.compile(r"^[0-9A-Z]{5}[\s-]+[0-9A-Z]{5}$", re.IGNORECASE)


class CodeTypoError(ToolkitError):
    """Shaped like a learner code (two groups of five), but the check symbol does not match."""

    def __init__(self) -> None:
        super().__init__(TYPO_MESSAGE)


class CprError(ToolkitError):
    """The input looks like a CPR number.  The message never contains the input."""

    def __init__(self) -> None:
        super().__init__(CPR_MESSAGE)


def looks_like_cpr(text: str) -> bool:
    """Does *text* contain ``DDMMYY[-| ]XXXX`` with a possible day and month?"""
    for m in _CPR.finditer(text):
        day, month = int(m.group(1)), int(m.group(2))
        if 1 <= month <= 12 and 1 <= day <= _DAYS[month - 1]:
            return True
    return False


def refuse_cpr(*texts: str) -> None:
    if any(looks_like_cpr(t) for t in texts):
        raise CprError()


def check_symbol(body: str) -> str:
    """The Luhn mod 32 check symbol of *body* (symbols of :data:`ALPHABET`)."""
    factor, total = 2, 0
    for char in reversed(body):
        addend = factor * ALPHABET.index(char)
        factor = 1 if factor == 2 else 2
        total += addend // N + addend % N
    return ALPHABET[(N - total % N) % N]


def _compact(text: str) -> str:
    return re.sub(r"[\s-]", "", text).upper()


def is_code(text: str) -> bool:
    """Is *text* a learner code with a right check symbol (in any case, with any spaces/hyphens)?"""
    compact = _compact(text)
    return (len(compact) == BODY + 1 and all(c in ALPHABET for c in compact)
            and check_symbol(compact[:BODY]) == compact[BODY])


def canonical(text: str) -> str:
    """``k7f3q 9qx2m`` → ``K7F3Q-9QX2Z``; ValueError when it is not a valid code."""
    if not is_code(text):
        raise ValueError("not a learner code")
    compact = _compact(text)
    return f"{compact[:5]}-{compact[5:]}"


def new_code() -> str:
    body = "".join(secrets.choice(ALPHABET) for _ in range(BODY))
    return canonical(body + check_symbol(body))


def learner_id(text: str) -> str:
    """What to look up for a typed id: refuses CPR numbers; a learner code in canonical form; others as typed.

    Other ids stay possible because learners who come through an LMS have that
    LMS's account names; but two groups of five with a wrong check symbol is
    a mistyped code (:class:`CodeTypoError`), not an id to look up.
    """
    text = text.strip()
    refuse_cpr(text)
    if is_code(text):
        return canonical(text)
    if _CODE_SHAPE.match(text):
        raise CodeTypoError()
    return text


def personal_link(base_url: str, code: str) -> str:
    return f"{base_url.rstrip('/')}/index.html?learner={canonical(code)}"
