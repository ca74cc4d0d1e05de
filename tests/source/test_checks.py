"""Every check, each with a fixture course named for what it breaks: the base
course with the one file that breaks it (tests/fixtures/variants/<name>/)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from toolkit.build import check

from ..conftest import FIXTURES

CASES = [
    ("bad-yaml-indent", "course.yaml", 10, "YAML syntax error"),
    ("lesson-missing-title", "lessons/02-cv.md", 2, "missing required key 'title'"),
    ("quiz-no-correct-answer", "lessons/01-velkommen.md", 18, "quiz has no correct answer"),
    ("image-no-alt-text", "lessons/01-velkommen.md", 9, "image has no alt text"),
    ("link-to-missing-lesson", "lessons/01-velkommen.md", 7, "link to a lesson that doesn't exist: 09-findes-ikke.md"),
    ("unknown-course-key", "course.yaml", 6, "unknown key 'duraton_minutes' in course.yaml; did you mean 'duration_minutes'?"),
    ("course-id-not-iri", "course.yaml", 1, "'id' must be an absolute IRI"),
    ("course-missing-required", "course.yaml", 1, "missing required key 'version'"),
    ("course-missing-required", "course.yaml", 1, "missing required key 'description'"),
    ("pass-mark-out-of-range", "course.yaml", 9, "'pass_mark' in completion must be between 0 and 1"),
    ("video-without-captions", "lessons/03-video.md", 13, "video has no captions"),
    ("duplicate-question-id", "lessons/02-cv.md", 9, "duplicate question id 'cv-dele'"),
    ("missing-image-file", "lessons/01-velkommen.md", 9, "image file not found: ../media/mangler.svg"),
]


@pytest.mark.parametrize("fixture, file, line, message", CASES, ids=[f"{c[0]}:{c[3][:20]}" for c in CASES])
def test_each_planted_error_is_reported_at_its_line(course_variant, fixture, file, line, message):
    course = course_variant(fixture)
    _, report = check([course])
    matches = [d for d in report.errors if message in d.message]
    assert matches, f"no error containing {message!r}; got {[str(d) for d in report.items]}"
    assert any(d.path == str(course / file) and d.line == line for d in matches), [str(d) for d in matches]


def test_clean_fixture_has_no_errors_or_warnings():
    _, report = check([FIXTURES / "ok-minimal"])
    assert report.errors == [] and report.warnings == []


@pytest.mark.parametrize("fixture, message", [
    ("quiz-without-explanation", "quiz has no explanation"),
    ("lix-too-high", "LIX"),
])
def test_warnings_do_not_fail_but_are_reported(course_variant, fixture, message):
    _, report = check([course_variant(fixture)])
    assert report.errors == []
    assert any(message in w.message for w in report.warnings), [str(d) for d in report.items]


def test_every_planted_error_in_one_run(course_variant):
    course = course_variant("many-errors")
    _, report = check([course])
    got = {(Path(d.path).relative_to(course).as_posix(), d.line, d.message.split(":")[0].split(";")[0]) for d in report.errors}
    expected = {
        ("course.yaml", 6, "unknown key 'duraton_minutes' in course.yaml"),
        ("lessons/01-velkommen.md", 7, "link to a lesson that doesn't exist"),
        ("lessons/01-velkommen.md", 9, "image has no alt text"),
        ("lessons/01-velkommen.md", 18, "quiz has no correct answer"),
        ("lessons/02-cv.md", 2, "lesson front matter is missing required key 'title'"),
        ("lessons/02-cv.md", 2, "unknown key 'titel' in lesson front matter"),
        ("lessons/03-video.md", 5, "unknown fact '{{ ukendt.fakta }}'"),
        ("lessons/03-video.md", 13, "video has no captions"),
    }
    assert got == expected


def test_review_by_in_the_past_warns():
    _, report = check([FIXTURES / "ok-minimal"], today=dt.date(2100, 1, 1))
    assert any("review_by 2099-06-01 has passed" in w.message for w in report.warnings)


def test_line_checks_read_the_text_that_was_loaded(course_variant, monkeypatch):
    """The checks of a lesson's lines use the text it was loaded from, not the file read again:
    here the file changes on disk while the lesson is rendered, and the error is still found."""
    from toolkit.render.markdown import LessonRenderer

    course = course_variant("image-no-alt-text")
    lesson_file = course / "lessons/01-velkommen.md"
    render = LessonRenderer.render

    def render_and_change_the_file(self, lesson):
        render(self, lesson)
        if lesson.source == lesson_file:
            lesson_file.write_text("---\ntitle: Velkommen\n---\n\nIngen billeder her.\n", encoding="utf-8")

    monkeypatch.setattr(LessonRenderer, "render", render_and_change_the_file)
    _, report = check([course], jobs=1)
    assert [(d.path, d.line) for d in report.errors if "image has no alt text" in d.message] == \
        [(str(lesson_file), 9)]


def test_links_and_images_in_code_fences_are_not_checked(fixture_copy):
    """Only prose lines are checked: not the lines of a ``` or ~~~ fence, however long its marker."""
    course = fixture_copy("ok-minimal")
    lesson = course / "lessons" / "04-kode.md"
    lesson.write_text("---\ntitle: Kode\n---\n\n```\n![](mangler.png)\n```\n\n~~~~ text\n# Ikke en overskrift\n"
                      "~~~\n[x](stadig-kode.md)\n~~~~\n\n````\n```\n[y](også-kode.md)\n````\n\n"
                      "[z](findes-ikke.md)\n\n```quiz\nquestion: Hvad?\nchoices:\n  - text: Ja\n    correct: true\n"
                      "  - Nej\nexplanation: Derfor.\n```\n", encoding="utf-8")
    _, report = check([course])
    assert [(d.line, d.message) for d in report.errors if d.path == str(lesson)] == \
        [(20, "link to a lesson that doesn't exist: findes-ikke.md")]
