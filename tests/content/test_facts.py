"""Facts and review dates: fixtures for the failures, brands for the differences."""

from __future__ import annotations

import datetime as dt

from toolkit.build import BuildOptions, build
from toolkit.cli import main

from ..conftest import FIXTURES, ROOT


def test_review_by_passed_warns_and_strict_fails(runner):
    path = str(FIXTURES / "review-by-passed")
    ok = runner.invoke(main, ["check", path])
    assert ok.exit_code == 0
    assert "review-by-passed/course.yaml:11: warning: review_by 2025-01-31 has passed" in ok.output
    strict = runner.invoke(main, ["check", path, "--strict"])
    assert strict.exit_code == 1


def test_unknown_fact_is_a_path_line_error(runner):
    result = runner.invoke(main, ["check", str(FIXTURES / "unknown-fact"), "--strict"])
    assert result.exit_code == 1
    assert "unknown-fact/lessons/01-velkommen.md:5: unknown fact '{{ cv_frist }}'" in result.output


def test_footer_shows_review_date(tmp_path):
    build([FIXTURES / "ok-minimal"], BuildOptions(out=tmp_path, formats=("web",)))
    html = (tmp_path / "ok-minimal" / "site" / "cv.html").read_text(encoding="utf-8")
    assert 'Senest gennemgået: <time datetime="2026-06-01">1. juni 2026</time>' in html


def _page(tmp_path, course: str, brand: str | None, page: str) -> str:
    out = tmp_path / (brand or "default")
    build([ROOT / "courses" / course], BuildOptions(out=out, brand=brand, formats=("web",), today=dt.date(2026, 12, 1)))
    return (out / course / "site" / page).read_text(encoding="utf-8")


def test_brands_render_their_own_facts_in_the_same_lesson(tmp_path):
    pages = {b: _page(tmp_path, "cv", b, "cv-paa-jobnet.html") for b in (None, "eksempelby", "solvig")}
    # The CV system: Jobnet in the default brand and in Eksempelby, the invented MitJob in Sølvig.
    assert "<h1" in pages["solvig"] and "Dit CV i MitJob Sølvig" in pages["solvig"]
    assert "Dit CV i Jobnet" in pages["eksempelby"] and "Dit CV i Jobnet" in pages[None]
    assert "MitJob Sølvig" not in pages["eksempelby"] and "MitJob Sølvig" not in pages[None]
    # The unit's name in the text and its phone number in the contact footer.
    assert "Så kan Jobcenter Eksempelby, din a-kasse" in pages["eksempelby"]
    assert "Sølvig Kommune" in pages["solvig"] and "99 88 77 66" in pages["solvig"]
    assert "Jobcenter Eksempelby" in pages["eksempelby"] and "11 22 33 44" in pages["eksempelby"]
    assert "Jobcenter Eksempelby" not in pages["solvig"] and "99 88 77 66" not in pages["eksempelby"]
    assert "jobcentret" in pages[None]
    for number in ("11 22 33 44", "99 88 77 66"):
        assert number not in pages[None]


def test_each_brand_adds_or_replaces_one_lesson(tmp_path):
    default = _page(tmp_path, "ret-og-pligt", None, "kontakt.html")
    solvig = _page(tmp_path, "ret-og-pligt", "solvig", "kontakt.html")
    assert "Sådan kontakter du jobcentret" in default
    assert "Sådan kontakter du Sølvig Kommune" in solvig and "mitjob.solvig.example" in solvig
    eksempelby = tmp_path / "eksempelby-rop"
    build([ROOT / "courses" / "ret-og-pligt"],
          BuildOptions(out=eksempelby, brand="eksempelby", formats=("web",), today=dt.date(2026, 12, 1)))
    cafe = (eksempelby / "ret-og-pligt" / "site" / "jobcafe.html").read_text(encoding="utf-8")
    assert "Jobcaféen i Eksempelby" in cafe and "11 22 33 44" in cafe
    assert not (tmp_path / "default" / "ret-og-pligt" / "site" / "jobcafe.html").exists()


def test_check_lists_each_brands_local_lesson(runner):
    course = str(ROOT / "courses" / "ret-og-pligt")
    for brand, line in (("eksempelby", "07a-jobcafe.md (brand:eksempelby (adds))"),
                        ("solvig", "07-kontakt.md (brand:solvig (replaces lessons/07-kontakt.md))")):
        result = runner.invoke(main, ["check", course, "--brand", brand, "-v", "--strict"])
        assert result.exit_code == 0, result.output
        assert line in result.output
    plain = runner.invoke(main, ["check", course, "-v"])
    assert "local:" not in plain.output
