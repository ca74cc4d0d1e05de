"""The command line through click's CliRunner."""

from __future__ import annotations

from toolkit.cli import main

from ..conftest import FIXTURES, tree_digest


def test_version(runner):
    result = runner.invoke(main, ["--version"])
    assert result.exit_code == 0 and "toolkit" in result.output


def test_check_clean_course_exits_zero(runner):
    result = runner.invoke(main, ["check", str(FIXTURES / "ok-minimal"), "--strict"])
    assert result.exit_code == 0, result.output
    assert "OK: 1 course(s), 0 warning(s)" in result.output


def test_check_reports_every_error_without_traceback(runner, course_variant):
    result = runner.invoke(main, ["check", str(course_variant("many-errors"))])
    assert result.exit_code == 1
    lines = [ln for ln in result.output.splitlines() if "many-errors/" in ln]
    assert len(lines) == 8, result.output
    assert all(ln.split(":")[1].isdigit() for ln in lines), lines
    assert "Traceback" not in result.output
    assert "8 error(s)" in result.output


def test_check_strict_fails_on_warnings(runner, course_variant):
    path = str(course_variant("quiz-without-explanation"))
    assert runner.invoke(main, ["check", path]).exit_code == 0
    strict = runner.invoke(main, ["check", path, "--strict"])
    assert strict.exit_code == 1
    assert "warning: quiz has no explanation" in strict.output


def test_check_verbose_shows_author_notes(runner):
    result = runner.invoke(main, ["check", str(FIXTURES / "ok-minimal"), "-v"])
    assert "author note: Skift videoen ud" in result.output


def test_check_stats_lists_words_and_lix_per_lesson(runner):
    from toolkit.source.lix import lix

    result = runner.invoke(main, ["check", str(FIXTURES / "ok-minimal"), "--stats"])
    assert result.exit_code == 0, result.output
    rows = [ln.strip() for ln in result.output.splitlines() if ln.startswith("  ") and "words, LIX" in ln]
    assert [r.split(":")[0] for r in rows] == ["01-velkommen.md", "02-cv.md", "03-video.md", "all lessons"], rows
    # The figures are the checker's own: recount one lesson's visible words.
    from toolkit.build import check as run_check
    loaded, _ = run_check([FIXTURES / "ok-minimal"])
    first = loaded[0].course.lessons[0]
    expected = lix(first.text.split("\n\n"))
    assert rows[0] == f"01-velkommen.md: {expected.words} words, LIX {expected.score:.1f}"
    assert expected.words > 0


def test_build_writes_site(runner, tmp_path):
    out = tmp_path / "out"
    result = runner.invoke(main, ["build", str(FIXTURES / "ok-minimal"), "--out", str(out), "--format", "web"])
    assert result.exit_code == 0, result.output
    site = out / "ok-minimal" / "site"
    for name in ["index.html", "velkommen.html", "cv.html", "video.html", "assets/toolkit.css",
                 "assets/course-data.js", "media/smil.svg", "media/video2.da.vtt"]:
        assert (site / name).is_file(), name
    assert "ok-minimal: 3 lessons, 3 questions" in result.output
    assert not [p for p in out.iterdir() if p.name.startswith((".staging", ".old"))], "staging folders left behind"


def test_failed_build_leaves_previous_output_unchanged(runner, fixture_copy, tmp_path):
    course = fixture_copy("ok-minimal")
    out = tmp_path / "out"
    assert runner.invoke(main, ["build", str(course), "--out", str(out), "--format", "web"]).exit_code == 0
    before = tree_digest(out)
    lesson = course / "lessons" / "02-cv.md"
    lesson.write_text(lesson.read_text(encoding="utf-8").replace("    correct: true\n", ""), encoding="utf-8")
    (course / "lessons" / "01-velkommen.md").write_text("---\ntitle: Ændret\n---\nNy tekst.\n", encoding="utf-8")
    result = runner.invoke(main, ["build", str(course), "--out", str(out), "--format", "web"])
    assert result.exit_code == 1
    assert "quiz has no correct answer" in result.output
    assert "Nothing was written" in result.output
    assert tree_digest(out) == before


def test_unknown_format_is_a_clean_error(runner, tmp_path):
    result = runner.invoke(main, ["build", str(FIXTURES / "ok-minimal"), "--out", str(tmp_path), "--format", "pdf"])
    assert result.exit_code == 1
    assert "unknown format(s): pdf" in result.output
    assert "Traceback" not in result.output


def test_unknown_brand_is_a_clean_error(runner, fixture_copy, tmp_path):
    course = fixture_copy("ok-minimal")
    result = runner.invoke(main, ["check", str(course), "--brand", "nowhere"])
    assert result.exit_code == 1
    assert "unknown brand 'nowhere'" in result.output


def test_not_a_course_folder(runner, tmp_path):
    result = runner.invoke(main, ["check", str(tmp_path)])
    assert result.exit_code == 1
    assert "not a course folder" in result.output


def test_new_scaffolds_a_course_that_checks_and_builds_clean(runner, tmp_path):
    result = runner.invoke(main, ["new", "mit-kursus", "--dir", str(tmp_path / "courses")])
    assert result.exit_code == 0, result.output
    course = tmp_path / "courses" / "mit-kursus"
    check = runner.invoke(main, ["check", str(course)])
    assert check.exit_code == 0, check.output
    assert "OK: 1 course(s), 1 warning(s)" in check.output  # only: no statement.url yet
    assert "has no accessibility statement" in check.output
    (tmp_path / "courses" / "facts.yaml").write_text("statement:\n  url: https://was.digst.dk/mit-eksempel\n",
                                                     encoding="utf-8")
    check = runner.invoke(main, ["check", str(course), "--strict"])
    assert check.exit_code == 0, check.output
    build = runner.invoke(main, ["build", str(course), "--out", str(tmp_path / "out"), "--strict"])
    assert build.exit_code == 0, build.output
    assert (tmp_path / "out" / "mit-kursus" / "site" / "velkommen.html").is_file()
    again = runner.invoke(main, ["new", "mit-kursus", "--dir", str(tmp_path / "courses")])
    assert again.exit_code == 1 and "already exists" in again.output


def test_new_rejects_bad_slug(runner, tmp_path):
    result = runner.invoke(main, ["new", "Mit Kursus", "--dir", str(tmp_path)])
    assert result.exit_code == 1 and "not a valid course slug" in result.output


def test_unwritable_output_is_a_clean_error(runner, tmp_path):
    blocker = tmp_path / "out"
    blocker.write_text("a file where the output folder should be", encoding="utf-8")
    result = runner.invoke(main, ["build", str(FIXTURES / "ok-minimal"), "--out", str(blocker / "sub"), "--format", "web"])
    assert result.exit_code == 1
    assert result.output.startswith("Error: ")
    assert "Traceback" not in result.output
