"""Hostile course sources: each gives a path:line error, and the build reads
no file outside the course, its brand and the templates.  Raw HTML that runs
code is a warning (an error under --strict), and sanitize_html removes it."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from toolkit.build import BuildOptions, build, check
from toolkit.cli import main
from toolkit.errors import CheckFailed

from ..packaging.hostile import PEAK

# billion laughs, 9 levels of 9, on one line: 9**9 values once expanded
BOMB = "[" + ", ".join(["&a [" + ", ".join(['"lol"'] * 9) + "]"]
                       + [f"&{b} [" + ", ".join([f"*{a}"] * 9) + "]" for a, b in zip("abcdefgh", "bcdefghi", strict=True)]) + "]"
MEMORY_LIMIT_KB = 200 * 1024


def insert(path: Path, after: str, text: str) -> int:
    """Insert *text* as new lines after the line holding *after*; return the first new line's number."""
    lines = path.read_text(encoding="utf-8").split("\n")
    index = next(i for i, line in enumerate(lines) if after in line) + 1
    lines[index:index] = text.split("\n")
    path.write_text("\n".join(lines), encoding="utf-8")
    return index + 1


def errors_at(course: Path, file: str, line: int, message: str) -> None:
    _, report = check([course])
    found = [d for d in report.errors if message in d.message]
    assert any(d.path.endswith(file) and d.line == line for d in found), [str(d) for d in report.items]


@pytest.mark.parametrize("file, after, text, offset", [
    ("facts.yaml", "source: Bekendtgørelse om rådighed", "laughs:\n  value: ha\n  source: " + BOMB, 2),
    ("course.yaml", "publisher: Beskæftigelsesministeriet", "  - title: Lol\n    date: " + BOMB, 1),
    ("lessons/02-cv.md", "  - text: Dit CPR-nummer", "  - text: " + BOMB, 0),
])
def test_yaml_alias_bombs_are_errors_at_their_line(fixture_copy, file, after, text, offset):
    course = fixture_copy("ok-minimal")
    line = insert(course / file, after, text) + offset
    errors_at(course, file, line, "YAML aliases expand to more than 100000 values")


@pytest.mark.parametrize("file, after, text, offset", [
    ("facts.yaml", "source: Bekendtgørelse om rådighed", "bell:\n  value: ha\x07\n  source: x", 1),
    ("lessons/02-cv.md", "  - text: Dit CPR-nummer", "  - text: Farve\x1b[31m", 0),
])
def test_a_control_character_in_yaml_is_an_error_at_its_line_by_its_code_point(fixture_copy, file, after, text,
                                                                                offset):
    course = fixture_copy("ok-minimal")
    line = insert(course / file, after, text) + offset
    code = "U+0007" if "\x07" in text else "U+001B"
    errors_at(course, file, line, f"YAML cannot contain the character {code}; remove it")


def test_an_alias_bomb_costs_little_memory(fixture_copy, tmp_path):
    course = fixture_copy("ok-minimal")
    insert(course / "facts.yaml", "source: Bekendtgørelse om rådighed", "laughs:\n  value: ha\n  source: " + BOMB)
    peak = tmp_path / "peak"
    proc = subprocess.run([sys.executable, "-c", PEAK, "-m", "toolkit", "check", str(course)], capture_output=True,
                          text=True, check=False, env={**os.environ, "TK_PEAK_FILE": str(peak)})
    assert proc.returncode == 1 and "Traceback" not in proc.stderr
    assert "facts.yaml:6: YAML aliases expand" in proc.stdout + proc.stderr
    assert int(peak.read_text()) < MEMORY_LIMIT_KB


def test_a_lesson_outside_the_lessons_folder_is_refused(fixture_copy):
    course = fixture_copy("ok-minimal")
    (course.parent / "outside.md").write_text("---\ntitle: Ude\n---\n\nHemmelig tekst.\n", encoding="utf-8")
    line = insert(course / "course.yaml", "review_by:", "lessons:\n  - 01-velkommen.md\n  - ../../outside.md") + 2
    errors_at(course, "course.yaml", line, "lesson lessons/../../outside.md is outside lessons/")


def test_a_lesson_file_that_is_a_symlink_is_refused(fixture_copy):
    course = fixture_copy("ok-minimal")
    secret = course.parent.parent / "secret.md"
    secret.write_text("---\ntitle: Hemmelig\n---\n\nHemmelig tekst.\n", encoding="utf-8")
    (course / "lessons" / "04-link.md").symlink_to(secret)
    errors_at(course, "lessons/04-link.md", 0, "lesson file is a symbolic link")
    loaded, _ = check([course])
    assert all("Hemmelig" not in le.html for lc in loaded for le in lc.course.lessons)


def test_a_symlink_in_brand_assets_is_refused_and_never_packaged(fixture_copy, tmp_path):
    course = fixture_copy("ok-minimal")
    brand = course.parent.parent / "brands" / "evil"
    (brand / "assets").mkdir(parents=True)
    (brand / "brand.yaml").write_text("name: Evil\n", encoding="utf-8")
    secret = tmp_path / "secret.txt"
    secret.write_text("s3cret", encoding="utf-8")
    (brand / "assets" / "logo.txt").symlink_to(secret)
    out = tmp_path / "out"
    with pytest.raises(CheckFailed) as failed:
        build([course], BuildOptions(out=out, brand="evil", no_cache=True))
    assert any(d.path.endswith("brands/evil/assets/logo.txt") and "symbolic link" in d.message
               for d in failed.value.diagnostics)
    assert not list(out.rglob("*.zip"))


RAW = """
Tryk <a href="javascript:alert(1)">her</a> eller [her](javascript:alert(2)).

<img src="x.png" alt="x" onerror="alert(3)">

<iframe src="https://example.org/"></iframe>

<script>alert(4)</script>

```html
<script>kode i et eksempel er ikke HTML</script>
```

Også `<script>` i tekst er kode.
"""


@pytest.fixture
def raw_html_course(fixture_copy) -> tuple[Path, int]:
    course = fixture_copy("ok-minimal")
    return course, insert(course / "lessons" / "02-cv.md", "Et godt CV er kort.", RAW)


def test_raw_html_is_a_warning_at_its_line(raw_html_course):
    course, first = raw_html_course
    _, report = check([course])
    found = sorted((d.line, d.message.split(" is published")[0]) for d in report.warnings if "raw HTML" in d.message)
    assert found == [(first + 1, "raw HTML: a javascript: link"),  # the <a href>; the Markdown link is text
                     (first + 3, "raw HTML: an onerror= event handler"), (first + 5, "raw HTML: a <iframe> element"),
                     (first + 7, "raw HTML: a <script> element")]
    assert not report.errors


def test_strict_fails_on_raw_html(runner, raw_html_course):
    course, _ = raw_html_course
    assert runner.invoke(main, ["check", str(course)]).exit_code == 0
    result = runner.invoke(main, ["check", "--strict", str(course)])
    assert result.exit_code == 1 and "raw HTML: a <script> element" in result.output


def test_sanitize_html_removes_it_from_the_pages(raw_html_course, tmp_path):
    course, _ = raw_html_course
    for sanitize, expect in ((False, True), (True, False)):
        out = tmp_path / str(sanitize)
        build([course], BuildOptions(out=out, formats=("web",), no_cache=True, sanitize_html=sanitize))
        page = (out / "ok-minimal" / "site" / "cv.html").read_text(encoding="utf-8")
        for piece in ('href="javascript:', "onerror", "<iframe", "<script>alert(4)"):
            assert (piece in page) is expect, (sanitize, piece)
        assert "[her](javascript:alert(2))" in page  # a Markdown link there is never made: it stays text
        assert "kode i et eksempel er ikke HTML" in page  # code stays, escaped
        assert 'alt="x"' in page and "Dit CPR-nummer" in page  # the rest, and the quiz, survive
