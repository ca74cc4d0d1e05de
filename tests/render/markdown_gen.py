"""Generated lesson bodies for the engine's differential test: every documented feature, nested
and side by side, with the odd characters and half-syntax that real text has.  A block follows
the one before it after a blank line; an admonition also right after it, which it interrupts."""

from __future__ import annotations

import random

WORDS = ["Hej", "du", "skal", "søge", "job", "a-kasse", "CV'et", "Æble", "5 < 6", "AT&T", '"citat"',
         "snake_case", "x*y", "`kode`", "&copy;", "&amp;", "\\*", "[link](a.md)", '[t](b.md "T")',
         "![alt *x*](i.png)", "<https://ex.org/æ>", "**fed**", "*kursiv*", "_u_", "<abbr>A</abbr>",
         "mail@x.dk", "<mail@x.dk>", "[ref][r]", "æøå", "1.", "-", "#", ":", "|", "~~", "&#106;", "\\",
         "  ", "'", "Hej !!! du"]
HEADS = ["!!! note", '!!! warning "Pas *på*"', "!!! tip", '!!! note ""', '??? info "Mere"', '???+ faq "Åben"',
         "!!!  danger", '!!! a b "T"', '!!! note "Husk "']


def inline(r: random.Random, n: int = 0) -> str:
    return " ".join(r.choice(WORDS) for _ in range(n or r.randint(1, 8))).strip() or "x"


def indent(text: str, by: str, first: str = "") -> str:
    lines = text.split("\n")
    return "\n".join([first + lines[0]] + [by + line if line else "" for line in lines[1:]])


def admonition(r: random.Random, depth: int) -> str:
    body = "\n\n".join(block(r, depth + 1) for _ in range(r.randint(0, 3)))
    return r.choice(HEADS) + ("\n" + indent(body, "    ", "    ") if body else "")


def block(r: random.Random, depth: int = 0) -> str:
    k = r.randint(0, 17 if depth < 2 else 9)
    if k == 0:
        return "#" * r.randint(1, 4) + " " + inline(r)
    if k == 1:
        return "\n".join("- " + inline(r) for _ in range(r.randint(1, 3)))
    if k == 2:
        return "\n".join(f"{i + 1}. " + inline(r) for i in range(r.randint(1, 3)))
    if k == 3:
        return (f"| {inline(r, 1)} | {inline(r, 2)} |\n|{r.choice(['---', ':--', '--:', ':-:'])}|---|\n"
                f"| {inline(r, 2)} | {inline(r, 1)} |")
    if k == 4:
        return inline(r) + "\n:   " + inline(r)
    if k == 5:
        return "```" + r.choice(["", "py", "quiz x"]) + "\n" + inline(r) + r.choice(["", "\n!!! note"]) + "\n```"
    if k == 6:
        return "> " + inline(r) + "\n> " + inline(r)
    if k == 7:
        return "---"
    if k == 8:
        return "    " + inline(r)
    if k == 9:
        return inline(r) + ("  \n" + inline(r) if r.random() < 0.3 else "")
    if k in (10, 11):
        return admonition(r, depth)
    if k == 12:  # a list item holding blocks, an admonition among them
        inner = "\n\n".join(block(r, depth + 1) for _ in range(r.randint(1, 2)))
        return indent(inner, "  ", "- ")
    if k == 13:
        return '[r]: http://ex.org/r "R"'
    if k == 14:
        return '<div class="x">\n' + inline(r) + r.choice(["", "\n!!! note"]) + "\n</div>"
    if k == 15:  # an admonition in a list item, tight or after a paragraph
        return indent(admonition(r, depth), "   ", "1. ") if r.random() < 0.5 else \
            "- " + inline(r) + "\n\n" + indent(admonition(r, depth), "  ", "  ")
    return "- " + inline(r) + "\n  - " + inline(r) + "\n- " + inline(r)


def doc(seed: int) -> str:
    r = random.Random(seed)
    parts = [block(r) for _ in range(r.randint(1, 7))]
    out = parts[0]
    for part in parts[1:]:
        joins = ["\n\n", "\n", "\n\n\n"] if part.startswith(("!!!", "???")) else ["\n\n", "\n\n\n"]
        out += r.choice(joins) + part
    return out
