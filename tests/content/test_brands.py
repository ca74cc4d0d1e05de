"""The example brands: white text on the brand colour meets WCAG AA, the logo
exists and is labelled, and local facts that lessons rely on are present."""

from __future__ import annotations

import pytest

from toolkit.source.brand import available_brands, load_brand
from toolkit.source.report import Report

from ..conftest import ROOT

BRANDS = ROOT / "brands"
EXAMPLES = [b for b in available_brands(BRANDS) if b != "default"]


def _luminance(hex_colour: str) -> float:
    channels = [int(hex_colour[i:i + 2], 16) / 255 for i in (1, 3, 5)]
    lin = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    return 0.2126 * lin[0] + 0.7152 * lin[1] + 0.0722 * lin[2]


def contrast(a: str, b: str) -> float:
    hi, lo = sorted((_luminance(a), _luminance(b)), reverse=True)
    return (hi + 0.05) / (lo + 0.05)


def test_contrast_formula():
    assert round(contrast("#000000", "#ffffff"), 1) == 21.0
    assert contrast("#777777", "#ffffff") < 4.5 < contrast("#595959", "#ffffff")


def test_two_example_brands_with_different_cv_systems():
    assert len(EXAMPLES) >= 2
    systems = {load_brand(BRANDS, b, Report()).facts["cv_system.name"].value for b in EXAMPLES}
    assert "Jobnet" in systems and len(systems) >= 2


@pytest.mark.parametrize("name", EXAMPLES)
def test_brand_colours_logo_and_facts(name):
    report = Report()
    brand = load_brand(BRANDS, name, report)
    assert report.errors == []
    text = brand.colors.get("primary_text", "#ffffff")
    assert text == "#ffffff"
    for key in ("primary", "accent"):
        assert contrast(brand.colors[key], text) >= 4.5, f"{name}: {key} on white text fails AA"
    logo = BRANDS / name / "assets" / brand.logo
    assert logo.read_text(encoding="utf-8").startswith("<svg") and brand.title in logo.read_text(encoding="utf-8")
    for fact in ("unit.name", "unit.full_name", "unit.phone", "unit.hours", "unit.url", "cv_system.name",
                 "cv_system.url", "booking.name", "first_meeting.dagpenge", "first_meeting.kontanthjaelp"):
        assert brand.facts[fact].value, f"{name}: {fact} is empty"
    assert brand.facts["unit.phone"].value != load_brand(BRANDS, None, Report()).facts.get("unit.phone")
