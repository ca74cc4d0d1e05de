"""Facts: named values that lessons refer to as ``{{ name }}``.

Facts come from ``courses/<slug>/facts.yaml`` (shared facts such as deadlines)
and from a brand's ``brand.yaml`` under ``facts:`` (local facts such as the
unit's name, phone numbers and the CV system).  A brand's value wins.  Each
fact is a plain value or a mapping with ``value`` and optional ``source``,
``url`` and ``date``.  A reference to an unknown fact is an error at its line;
it never becomes an empty string.  ``\\{{`` writes literal braces.
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
FACT_KEYS = {"value", "source", "url", "date"}


def parse_facts(data: Any, path: Path, report: Report, origin: str, prefix: str = "") -> dict[str, Fact]:
    """Flatten a (possibly nested) facts mapping into dotted names."""
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
        if isinstance(value, dict) and "value" in value:
            check_keys(value, FACT_KEYS, path, report, f"fact '{name}'")
            facts[name] = Fact(name, _text(value["value"], path, line_of(value, "value"), report),
                               _opt(value.get("source")), _opt(value.get("url")),
                               _opt(value.get("date")), origin)
        elif isinstance(value, dict):
            facts.update(parse_facts(value, path, report, origin, prefix=f"{name}."))
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
    found = []
    for match in REFERENCE_RE.finditer(text):
        if match.group(1):
            continue
        found.append((text.count("\n", 0, match.start()), match.group(2)))
    return found


def check_references(text: str, first_line: int, facts: dict[str, Fact], path: Path, report: Report) -> None:
    for offset, name in find_references(text):
        if name not in facts:
            known = [n for n in facts if n.split(".")[0] == name.split(".")[0]]
            hint = f"; known facts here: {', '.join(sorted(known)[:6])}" if known else ""
            report.error(path, first_line + offset, f"unknown fact '{{{{ {name} }}}}'{hint}")


def substitute(text: str, facts: dict[str, Fact]) -> str:
    """Replace references by their values; ``\\{{`` becomes ``{{``.

    Unknown references are left as written: the check has already failed the
    build for them.
    """

    def repl(match: re.Match[str]) -> str:
        if match.group(1):
            return match.group(0)[1:]
        fact = facts.get(match.group(2))
        return fact.value if fact else match.group(0)

    return REFERENCE_RE.sub(repl, text)


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
