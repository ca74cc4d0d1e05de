"""Facts: named values that lessons refer to as ``{{ name }}``.

Facts come from ``courses/facts.yaml`` (rules that several courses state, so
each has one value), ``courses/<slug>/facts.yaml`` (the course's own facts)
and a brand's ``brand.yaml`` under ``facts:`` (local facts such as the unit's
name, phone numbers and the CV system).  A course may not redefine a shared
fact; a brand's value wins over both.  Each fact is a plain value or a mapping
with ``value`` and optional ``source``, ``url``, ``date`` and ``checked``.  A
reference to an unknown fact is an error at its line; it never becomes an
empty string.  ``{{ name | tel }}`` writes a phone number as a tap-to-call
link that does not wrap.  ``\\{{`` writes literal braces.
"""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path
from typing import Any

from toolkit.model import Fact
from toolkit.source.fields import check_keys, line_of
from toolkit.source.report import Report

FACT_NAME_RE = re.compile(r"^[a-z][a-z0-9_]*(?:\.[a-z0-9_]+)*$")
REFERENCE_RE = re.compile(r"(\\?)\{\{\s*([^{}]*?)\s*\}\}")
FACT_KEYS = {"value", "source", "url", "date", "checked"}
FILTERS = {"tel"}
NBSP = "\u00a0"


def parse_facts(data: Any, path: Path, report: Report, origin: str, prefix: str = "",
                shared: dict[str, Fact] | None = None) -> dict[str, Fact]:
    """Flatten a (possibly nested) facts mapping into dotted names.

    A name found in *shared* is an error: that rule has one value, in the
    shared file.
    """
    facts: dict[str, Fact] = {}
    if data is None:
        return facts
    if not isinstance(data, dict):
        report.error(path, line_of(data, 0, 1), "facts must be a mapping of names to values")
        return facts
    for key, value in data.items():
        name = f"{prefix}{key}"
        line = line_of(data, key)
        if not isinstance(key, str) or not FACT_NAME_RE.match(name):
            report.error(path, line, f"fact name '{name}' must be lower-case letters, digits and '_'")
            continue
        if shared and name in shared:
            report.error(path, line, f"fact '{name}' is shared by several courses: change it in courses/facts.yaml, not here")
            continue
        if isinstance(value, dict) and "value" in value:
            check_keys(value, FACT_KEYS, path, report, f"fact '{name}'")
            facts[name] = Fact(name, _text(value["value"], path, line_of(value, "value"), report),
                               _opt(value.get("source")), _opt(value.get("url")),
                               _opt(value.get("date")), origin, _opt(value.get("checked")))
        elif isinstance(value, dict):
            facts.update(parse_facts(value, path, report, origin, prefix=f"{name}.", shared=shared))
        else:
            facts[name] = Fact(name, _text(value, path, line, report), origin=origin)
    return facts


def _text(value: Any, path: Path, line: int, report: Report) -> str:
    if isinstance(value, (list, dict)) or value is None:
        report.error(path, line, "a fact value must be text or a number")
        return ""
    text = str(value)
    if "\n" in text.strip():
        report.error(path, line, "a fact value must be a single line")
    return text.strip()


def _opt(value: Any) -> str | None:
    if value is None:
        return None
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value)


def find_references(text: str) -> list[tuple[int, str]]:
    """(line offset within *text*, name) for every ``{{ name }}`` reference."""
    found: list[tuple[int, str]] = []
    if "{{" not in text:  # what every reference needs: most lines are done here
        return found
    for match in REFERENCE_RE.finditer(text):
        if match.group(1):
            continue
        found.append((text.count("\n", 0, match.start()), match.group(2)))
    return found


def _split(reference: str) -> tuple[str, str | None]:
    """``name | filter`` -> (name, filter); a plain name has no filter."""
    name, bar, filt = reference.partition("|")
    return name.strip(), (filt.strip() if bar else None)


def dial(number: str) -> str:
    """What a ``tel:`` link dials: Danish 8-digit numbers get +45; short
    numbers (112, 1813) are dialled as written."""
    digits = "".join(c for c in number if c.isdigit() or c == "+")
    return "+45" + digits if len(digits) == 8 else digits


def tel_link(number: str) -> str:
    """A Markdown ``tel:`` link whose text does not wrap."""
    return f"[{number.replace(' ', NBSP)}](tel:{dial(number)})"


def check_references(text: str, first_line: int, facts: dict[str, Fact], path: Path, report: Report) -> None:
    for offset, reference in find_references(text):
        name, filt = _split(reference)
        if filt is not None and filt not in FILTERS:
            report.error(path, first_line + offset, (f"unknown filter '{filt}' in '{{{{ {reference} }}}}'"
                                                   f" (known: {', '.join(sorted(FILTERS))})"))
        if name not in facts:
            known = [n for n in facts if n.split(".")[0] == name.split(".")[0]]
            hint = f"; known facts here: {', '.join(sorted(known)[:6])}" if known else ""
            report.error(path, first_line + offset, f"unknown fact '{{{{ {name} }}}}'{hint}")
        elif "{{" in facts[name].value:  # a fact built from other facts, one level deep
            inner = {n: f for n, f in facts.items() if n != name and "{{" not in f.value}
            for _, ref in find_references(facts[name].value):
                if _split(ref)[0] not in inner:
                    report.error(path, first_line + offset,
                                 f"fact '{name}' refers to '{{{{ {ref} }}}}', which is unknown or itself built from facts")


def substitute(text: str, facts: dict[str, Fact], depth: int = 0) -> str:
    """Replace references by their values; ``\\{{`` becomes ``{{``.

    A fact whose value refers to other facts (a brand's "how to reach us"
    sentence naming its phone number) is expanded one level deep.  Unknown
    references are left as written: the check has already failed the build
    for them.
    """

    def repl(match: re.Match[str]) -> str:
        if match.group(1):
            return match.group(0)[1:]
        name, filt = _split(match.group(2))
        fact = facts.get(name)
        if fact is None or (filt is not None and filt not in FILTERS):
            return match.group(0)
        value = substitute(fact.value, facts, depth + 1) if depth == 0 and "{{" in fact.value else fact.value
        return tel_link(value) if filt == "tel" else value

    return REFERENCE_RE.sub(repl, text) if "{{" in text else text


def substitute_data(data: Any, facts: dict[str, Fact]) -> Any:
    """Apply :func:`substitute` to every string in a parsed YAML value, in place."""
    if isinstance(data, str):
        return substitute(data, facts)
    if isinstance(data, list):
        for i, item in enumerate(data):
            data[i] = substitute_data(item, facts)
    elif isinstance(data, dict):
        for key in list(data):
            data[key] = substitute_data(data[key], facts)
    return data
