"""Brands: one course source, many municipalities.

A brand is a folder ``brands/<name>/`` with ``brand.yaml`` and optional
``templates/`` (Jinja overrides), ``assets/`` (logo, extra CSS) and
``courses/<slug>/lessons/`` (local lessons that replace or add to a course).
The ``default`` brand is always the base of the chain, so every local fact has
a neutral value even when no brand is chosen.
"""

from __future__ import annotations

import re
from pathlib import Path

from toolkit.errors import ConfigError
from toolkit.model import Brand
from toolkit.source.facts import parse_facts
from toolkit.source.fields import (
    check_keys,
    get_str,
    line_of,
    load_mapping,
    report_links,
)
from toolkit.source.report import Report

BRAND_KEYS = {"name", "logo", "colors", "lrs", "facts"}
COLOR_KEYS = {"primary", "primary_text", "accent", "background", "text"}
LRS_KEYS = {"endpoint", "key", "homepage"}
COLOR_RE = re.compile(r"^#[0-9a-fA-F]{6}$")
DEFAULT_BRAND = "default"


def project_root_of(course_dir: Path) -> Path:
    """The folder holding ``courses/`` (and ``brands/``, ``templates/``).

    For a course outside a ``courses/`` folder it is the course's parent.
    """
    resolved = course_dir.resolve()
    return resolved.parent.parent if resolved.parent.name == "courses" else resolved.parent


def find_brands_dir(course_dir: Path) -> Path:
    """The ``brands/`` folder beside the ``courses/`` folder that holds the course."""
    return project_root_of(course_dir) / "brands"


def available_brands(brands_dir: Path) -> list[str]:
    if not brands_dir.is_dir():
        return []
    return sorted(p.name for p in brands_dir.iterdir() if (p / "brand.yaml").is_file())


def load_brand(brands_dir: Path, name: str | None, report: Report) -> Brand:
    """Load *name* layered over the default brand."""
    chain_names = [DEFAULT_BRAND] + ([name] if name and name != DEFAULT_BRAND else [])
    brand = Brand(name=name or DEFAULT_BRAND, title="", root=None)
    for layer in chain_names:
        root = brands_dir / layer
        path = root / "brand.yaml"
        if not path.is_file():
            if layer == DEFAULT_BRAND:
                continue
            known = ", ".join(available_brands(brands_dir)) or "none"
            raise ConfigError(f"unknown brand '{layer}': no {path} (available: {known})")
        data = load_mapping(path, report, "brand.yaml must be a mapping")
        if data is None:
            continue
        check_keys(data, BRAND_KEYS, path, report, "brand.yaml")
        brand.title = get_str(data, "name", path, report, "brand.yaml", required=True) or brand.title
        if data.get("logo"):
            logo = str(data["logo"])
            if not (root / "assets" / logo).is_file():
                report.error(path, line_of(data, "logo"), f"logo file not found: {root / 'assets' / logo}")
            brand.logo = logo
        colors = data.get("colors") or {}
        if isinstance(colors, dict):
            check_keys(colors, COLOR_KEYS, path, report, "colors")
            for key, value in colors.items():
                if not COLOR_RE.match(str(value)):
                    report.error(path, line_of(colors, key), f"colour '{key}' must be #rrggbb, not '{value}'")
                else:
                    brand.colors[key] = str(value)
        lrs = data.get("lrs") or {}
        if isinstance(lrs, dict):
            check_keys(lrs, LRS_KEYS, path, report, "lrs")
            brand.settings.update({f"lrs_{k}": str(v) for k, v in lrs.items() if v is not None})
        brand.facts.update(parse_facts(data.get("facts"), path, report, f"brand:{layer}"))
        for folder in ("assets", "templates", "courses"):
            report_links(root / folder, report)
        brand.chain.insert(0, root)
        brand.root = root
    return brand
