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


def test_brands_render_their_own_facts_in_the_same_lesson(tmp_path):
    course = ROOT / "courses" / "cv"
    pages = {}
    for brand in ("eksempelby", "solvig"):
        build([course], BuildOptions(out=tmp_path / brand, brand=brand, formats=("web",), today=dt.date(2026, 12, 1)))
        pages[brand] = (tmp_path / brand / "cv" / "site" / "kompetencer.html").read_text(encoding="utf-8")
    assert "I Jobnet skal du udfylde" in pages["eksempelby"]
    assert "I MitJob Sølvig skal du udfylde" in pages["solvig"]
    assert "Jobcenter Eksempelby" in pages["eksempelby"] and "11 22 33 44" in pages["eksempelby"]
    assert "Sølvig Kommune" in pages["solvig"] and "99 88 77 66" in pages["solvig"]
    assert "Jobcenter Eksempelby" not in pages["solvig"] and "99 88 77 66" not in pages["eksempelby"]
