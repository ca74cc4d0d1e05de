"""The accessibility statement draft claims only what was measured for that build."""

from __future__ import annotations

import json

from toolkit.a11y_results import RESULTS_NAME, record
from toolkit.build import BuildOptions, build
from toolkit.cli import main

from ..conftest import FIXTURES, ROOT

CLAIMS = ["overholder standarden", "Alle sider er testet", "gennemført alene med tastatur",
          "i overensstemmelse med WCAG", "kunne gennemføres med tastatur", "testet automatisk med axe-core"]
WAS_FIELDS = ["## Overholdelsesstatus", "## Indhold, der ikke er tilgængeligt", "### Manglende overholdelse af lovgivningen",
              "### Uforholdsmæssig stor byrde", "### Indhold uden for lovens anvendelsesområde",
              "## Udarbejdelse af denne erklæring", "## Feedback og kontaktoplysninger", "## Håndhævelsesprocedure"]
AXE_RUN = {"date": "2026-11-30T10:00:00+00:00", "axe_core": "4.10.2", "browser": "Chromium 131.0.6778.33",
           "pages": ["index.html", "cv.html"],
           "violations": [{"page": "cv.html", "id": "region", "impact": "moderate",
                           "help": "All page content should be contained by landmarks", "nodes": 1}]}
KEYBOARD = {"date": "2026-11-30T10:05:00+00:00", "browser": "Chromium 131.0.6778.33", "passed": True,
            "pages": ["index.html", "velkommen.html"]}


def test_a_freshly_scaffolded_course_claims_nothing_tested(runner, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    assert runner.invoke(main, ["new", "frisk", "--title", "Frisk kursus"]).exit_code == 0
    result = runner.invoke(main, ["statement", "courses/frisk", "--today", "2026-12-01"])
    assert result.exit_code == 0, result.output
    text = result.output
    for claim in CLAIMS:
        assert claim not in text, claim
    assert "Kurset er ikke testet i en browser" in text
    assert "Automatisk test med axe-core: ikke testet." in text and "Test med tastatur alene: ikke testet." in text
    assert [f for f in WAS_FIELDS if f not in text] == []
    assert "- Telefon: [telefonnummer]" in text and "- Skriftligt: [skriftlig kontakt" in text


def _built(tmp_path):
    out = tmp_path / "build"
    build([FIXTURES / "ok-minimal"], BuildOptions(out=out, formats=("web",), no_cache=True))
    return out


def test_statement_reports_the_results_written_into_the_build(runner, tmp_path):
    out = _built(tmp_path)
    record(out / "ok-minimal", "1.0.0", "axe", AXE_RUN, key="375")
    record(out / "ok-minimal", "1.0.0", "keyboard", KEYBOARD)
    result = runner.invoke(main, ["statement", str(FIXTURES / "ok-minimal"), "--build", str(out),
                                  "--today", "2026-12-01"])
    assert result.exit_code == 0, result.output
    text = result.output
    assert ("30. november 2026: 2 sider testet automatisk med axe-core 4.10.2 i Chromium 131.0.6778.33 "
            "ved 375 pixel bredde; 1 fund") in text
    assert "regel region, moderate): All page content should be contained by landmarks – på 1 side(r): cv.html." in text
    assert "kurset kunne gennemføres med tastatur alene i Chromium 131.0.6778.33 (2 sider" in text
    assert "delvist i overensstemmelse" in text
    assert "1280 pixel" not in text  # only what was measured
    assert "ligger hos YouTube" in text.split("### Indhold uden for lovens anvendelsesområde")[1]


def test_the_brand_gives_a_phone_and_a_written_contact(runner, tmp_path):
    result = runner.invoke(main, ["statement", str(ROOT / "courses" / "ret-og-pligt"), "--brand", "eksempelby",
                                  "--build", str(tmp_path / "none"), "--today", "2026-12-01"])
    assert result.exit_code == 0, result.output
    assert "- Telefon: 11 22 33 44" in result.output and "- Skriftligt: job@eksempelby.example" in result.output
    assert "Kurset er ikke testet i en browser" in result.output


def test_results_for_another_build_do_not_count(runner, tmp_path):
    out = _built(tmp_path)
    record(out / "ok-minimal", "1.0.0", "axe", AXE_RUN, key="375")
    (out / "ok-minimal" / "site" / "index.html").write_text("<p>changed</p>", encoding="utf-8")
    text = runner.invoke(main, ["statement", str(FIXTURES / "ok-minimal"), "--build", str(out)]).output
    assert "Automatisk test med axe-core: ikke testet." in text
    assert "hører til en anden udgave af kursets filer" in text
    for claim in CLAIMS:
        assert claim not in text, claim


def test_results_start_afresh_when_the_site_changes(tmp_path):
    out = _built(tmp_path)
    path = record(out / "ok-minimal", "1.0.0", "axe", AXE_RUN, key="375")
    (out / "ok-minimal" / "site" / "cv.html").write_text("<p>rebuilt</p>", encoding="utf-8")
    record(out / "ok-minimal", "1.0.0", "keyboard", KEYBOARD)
    data = json.loads(path.read_text(encoding="utf-8"))
    assert path.name == RESULTS_NAME and "axe" not in data and data["keyboard"]["passed"] is True


def test_a_build_without_a_statement_url_warns_once_and_strict_fails(tmp_path):
    """No statement.url (the default brand): no footer link, so one warning for
    the whole run, however many courses, and --strict refuses to build."""
    import shutil

    import pytest

    from toolkit.build import check
    from toolkit.errors import CheckFailed

    courses = [ROOT / "courses" / "cv", ROOT / "courses" / "ansoegning"]
    _, report = check(courses, today=None)
    gate = [d for d in report.warnings if "no accessibility statement" in d.message]
    assert len(gate) == 1, [str(d) for d in report.warnings]
    assert gate[0].path.endswith("brands/default/brand.yaml") and "statement.url" in gate[0].message
    assert "(cv, ansoegning)" in gate[0].message
    _, branded = check(courses, "solvig", today=None)
    assert not [d for d in branded.warnings if "no accessibility statement" in d.message]

    course = tmp_path / "courses" / "ok-minimal"
    shutil.copytree(FIXTURES / "ok-minimal", course)  # outside tests/fixtures: no shared statement.url
    out = tmp_path / "out"
    _, loose = build([course], BuildOptions(out=out, formats=("web",), no_cache=True))
    assert [d.message for d in loose.warnings if "no accessibility statement" in d.message]
    assert "tk-statement" not in (out / "ok-minimal" / "site" / "index.html").read_text(encoding="utf-8")
    with pytest.raises(CheckFailed):
        build([course], BuildOptions(out=tmp_path / "strict", formats=("web",), strict=True, no_cache=True))
