"""Facts and review dates: fixtures for the failures, brands for the differences."""

from __future__ import annotations

import datetime as dt
import shutil

from toolkit.build import BuildOptions, build
from toolkit.cli import main
from toolkit.source.facts import find_references, parse_facts
from toolkit.source.report import Report
from toolkit.source.yamlutil import load_yaml_file

from ..conftest import FIXTURES, ROOT


def test_review_by_passed_warns_and_strict_fails(runner, course_variant):
    """The publisher's gate, on pinned dates: review_by is 2025-01-31."""
    path = str(course_variant("review-by-passed"))
    warning = f"{path}/course.yaml:11: warning: review_by 2025-01-31 has passed"
    before = runner.invoke(main, ["check", path, "--strict", "--today", "2025-01-31"])
    assert before.exit_code == 0, before.output
    assert "has passed" not in before.output
    ok = runner.invoke(main, ["check", path, "--today", "2025-02-01"])
    assert ok.exit_code == 0
    assert warning in ok.output
    strict = runner.invoke(main, ["check", path, "--strict", "--today", "2025-02-01"])
    assert strict.exit_code == 1
    # The same date from the environment, as a CI job or a test sets it.
    env = runner.invoke(main, ["check", path, "--strict"], env={"TOOLKIT_TODAY": "2025-02-01"})
    assert env.exit_code == 1 and warning in env.output
    env_before = runner.invoke(main, ["check", path, "--strict"], env={"TOOLKIT_TODAY": "2024-12-01"})
    assert env_before.exit_code == 0, env_before.output


def test_every_build_warns_once_review_by_has_passed(runner, tmp_path, course_variant):
    path = str(course_variant("review-by-passed"))
    passed = runner.invoke(main, ["build", path, "--out", str(tmp_path / "a"), "--format", "web"],
                           env={"TOOLKIT_TODAY": "2025-02-01"})
    assert passed.exit_code == 0, passed.output
    assert "review_by 2025-01-31 has passed" in passed.output
    strict = runner.invoke(main, ["build", path, "--out", str(tmp_path / "b"), "--format", "web", "--strict",
                                  "--today", "2025-02-01"])
    assert strict.exit_code == 1 and not (tmp_path / "b" / "review-by-passed").exists()
    fresh = runner.invoke(main, ["build", path, "--out", str(tmp_path / "c"), "--format", "web",
                                 "--today", "2025-01-01"])
    assert fresh.exit_code == 0 and "has passed" not in fresh.output


def test_unknown_fact_is_a_path_line_error(runner, course_variant):
    course = course_variant("unknown-fact")
    result = runner.invoke(main, ["check", str(course), "--strict"])
    assert result.exit_code == 1
    assert f"{course}/lessons/01-velkommen.md:5: unknown fact '{{{{ cv_frist }}}}'" in result.output


def test_footer_shows_review_date(tmp_path):
    build([FIXTURES / "ok-minimal"], BuildOptions(out=tmp_path, formats=("web",)))
    html = (tmp_path / "ok-minimal" / "site" / "cv.html").read_text(encoding="utf-8")
    assert 'Senest gennemgået: <time datetime="2026-06-01">1. juni 2026</time>' in html


def _page(tmp_path, course: str, brand: str | None, page: str) -> str:
    out = tmp_path / (brand or "default")
    build([ROOT / "courses" / course], BuildOptions(out=out, brand=brand, formats=("web",), today=dt.date(2026, 12, 1)))
    return (out / course / "site" / page).read_text(encoding="utf-8")


def test_brands_render_their_own_facts_in_the_same_lesson(tmp_path):
    # Phone numbers are written with non-breaking spaces; compare them as plain text.
    pages = {b: _page(tmp_path, "cv", b, "cv-paa-jobnet.html").replace("\u00a0", " ") for b in (None, "eksempelby", "solvig")}
    # The CV system: Jobnet in the default brand and in Eksempelby, the invented MitJob in Sølvig.
    assert "<h1" in pages["solvig"] and "Dit CV i MitJob Sølvig" in pages["solvig"]
    # "på Jobnet", as Danish says it, but "i MitJob Sølvig": the brand gives the preposition.
    assert "Dit CV på Jobnet" in pages["eksempelby"] and "Dit CV på Jobnet" in pages[None]
    assert "i Jobnet" not in pages["eksempelby"] and "i Jobnet" not in pages[None]
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
    assert "Jobcaféen i Eksempelby" in cafe and "11\u00a022\u00a033\u00a044" in cafe
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


def test_contact_lesson_names_the_brands_phone_and_sends_dagpenge_to_the_a_kasse(tmp_path):
    default = _page(tmp_path, "ret-og-pligt", None, "kontakt.html")
    eksempelby = _page(tmp_path, "ret-og-pligt", "eksempelby", "kontakt.html")
    for page in (default, eksempelby):
        assert "kontakt først din a-kasse" in page
    assert 'href="tel:+4511223344"' in eksempelby and "11\u00a022\u00a033\u00a044" in eksempelby
    assert "brevet fra kommunen" not in eksempelby
    assert "brevet fra kommunen" in default and "tel:" not in default.split("<main")[1].split("</main>")[0]


def test_a_rule_several_courses_state_has_one_shared_fact(tmp_path):
    """The CV deadlines come from courses/facts.yaml, in both courses that teach them."""
    shared = load_yaml_file(ROOT / "courses" / "facts.yaml")
    deadline = shared["dagpenge"]["cv_deadline"]["value"]
    cv = _page(tmp_path, "cv", None, "cv-paa-jobnet.html")
    rop = _page(tmp_path, "ret-og-pligt", None, "dagpenge.html")
    assert f"senest {deadline} efter" in cv and f"senest {deadline} efter" in rop
    # Every fact that lessons of more than one course refer to lives in the shared file only.
    used: dict[str, set[str]] = {}
    for lesson in ROOT.glob("courses/*/lessons/*.md"):
        for _, ref in find_references(lesson.read_text(encoding="utf-8")):
            used.setdefault(ref.split("|")[0].strip(), set()).add(lesson.parts[-3])
    brand_facts = set(parse_facts(load_yaml_file(ROOT / "brands" / "default" / "brand.yaml")["facts"],
                                  ROOT, Report(), "brand"))
    shared_names = set(parse_facts(shared, ROOT, Report(), "shared"))
    for name, courses in used.items():
        if len(courses) > 1 and name not in brand_facts:
            assert name in shared_names, f"{name} is stated by {sorted(courses)}: put it in courses/facts.yaml"
            for course in courses:
                own = ROOT / "courses" / course / "facts.yaml"
                if own.is_file():
                    assert name not in parse_facts(load_yaml_file(own), own, Report(), "course")


def test_a_course_may_not_redefine_a_shared_fact(runner, tmp_path):
    courses = tmp_path / "courses"
    shutil.copytree(FIXTURES / "ok-minimal", courses / "ok-minimal")
    (courses / "facts.yaml").write_text("frist:\n  value: 2 uger\n  checked: 2026-12-01\n", encoding="utf-8")
    (courses / "ok-minimal" / "facts.yaml").write_text("other: x\nfrist: 3 uger\n", encoding="utf-8")
    result = runner.invoke(main, ["check", str(courses / "ok-minimal")])
    assert result.exit_code == 1
    assert ("ok-minimal/facts.yaml:2: fact 'frist' is shared by several courses: "
            "change it in courses/facts.yaml, not here") in result.output
