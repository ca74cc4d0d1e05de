"""The accessibility statement draft reflects what the checks found."""

from __future__ import annotations

import json

from toolkit.cli import main

from .conftest import FIXTURES


def test_statement_lists_findings_and_axe_results(runner, tmp_path):
    axe = tmp_path / "axe"
    axe.mkdir()
    (axe / "site-375.json").write_text(json.dumps({
        "ok-minimal/site/cv.html": [{"id": "region", "impact": "moderate",
                                     "help": "All page content should be contained by landmarks", "nodes": 1}],
        "other/site/index.html": [{"id": "list", "impact": "serious", "help": "Lists", "nodes": 1}],
    }), encoding="utf-8")
    out = tmp_path / "erklaering.md"
    result = runner.invoke(main, ["statement", str(FIXTURES / "ok-minimal"), "--axe-results", str(axe), "--out", str(out)])
    assert result.exit_code == 0, result.output
    text = out.read_text(encoding="utf-8")
    assert text.startswith("# Tilgængelighedserklæring (udkast): Prøvekursus")
    assert "overholder delvist" in text
    assert "regel region" in text and "regel list" not in text  # only this course's pages
    assert "ligger hos YouTube" in text
    assert "plads til en video" in text


def test_statement_without_findings_says_so(runner, fixture_copy, tmp_path):
    course = fixture_copy("ok-minimal")
    lesson = course / "lessons" / "03-video.md"
    lesson.unlink()
    result = runner.invoke(main, ["statement", str(course), "--axe-results", str(tmp_path / "none")])
    assert result.exit_code == 0, result.output
    assert "Kurset overholder standarden" in result.output
    assert "Vi har ikke fundet indhold" in result.output
