"""The loader turns the fixture course into the model the rest relies on."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from toolkit.build import check
from toolkit.errors import SourceError
from toolkit.source.lesson import derive_id, split_front_matter
from toolkit.source.yamlutil import load_yaml

from ..conftest import FIXTURES


@pytest.fixture(scope="module")
def course():
    loaded, report = check([FIXTURES / "ok-minimal"])
    assert report.errors == []
    return loaded[0].course


def test_course_metadata(course):
    assert course.id == "https://kurser.example.dk/test/ok-minimal"
    assert course.slug == "ok-minimal"
    assert course.language == "da"
    assert course.version == "1.0.0"
    assert course.pass_mark == 0.75
    assert course.duration_minutes == 10
    assert course.reviewed.isoformat() == "2026-06-01"
    assert [s.title for s in course.sources] == ["Lov om en aktiv beskæftigelsesindsats"]


def test_lessons_ordered_by_file_name_with_derived_ids(course):
    assert [le.id for le in course.lessons] == ["velkommen", "cv", "video"]
    assert [le.filename for le in course.lessons] == ["velkommen.html", "cv.html", "video.html"]
    assert [le.index for le in course.lessons] == [0, 1, 2]


def test_questions_have_stable_ids_and_kinds(course):
    qs = {q.id: q for q in course.questions}
    assert set(qs) == {"velkommen-q1", "cv-dele", "video-q1"}
    assert not qs["velkommen-q1"].multiple
    assert qs["cv-dele"].multiple
    # choice ids come from the text, so reordering the choices keeps them (issue 14, case 15)
    assert qs["cv-dele"].correct_ids == [c.id for c in qs["cv-dele"].choices if c.text in ("Dine job", "Din uddannelse")]
    assert len(qs["cv-dele"].correct_ids) == 2
    assert qs["cv-dele"].choices[2].feedback == "Nej, det skal du ikke dele."


def test_facts_are_substituted_in_text_and_blocks(course):
    first = course.lessons[0]
    assert "14 dage" in first.body
    assert "{{" not in first.body
    assert first.questions[0].choices[0].text == "14 dage"
    assert "14 dage" in first.questions[0].explanation


def test_exercise_video_and_author_note(course):
    cv = course.lessons[1]
    assert [f.id for f in cv.exercises[0].fields] == ["job", "styrke"]
    assert cv.exercises[0].fields[1].kind == "text"
    video = course.lessons[2]
    assert [v.kind for v in video.videos] == ["placeholder", "youtube"]
    assert video.author_notes[0][1].startswith("Skift videoen")
    assert "Skift videoen" not in video.html


def test_line_marks_point_at_the_block(course):
    assert course.lessons[0].questions[0].line == 18  # the ```quiz fence


def test_yaml_line_marks_and_errors():
    data = load_yaml("a: 1\nb:\n  - x\n  - y: 2\n", "f.yaml")
    assert data.line_of("b") == 2
    assert data["b"].line_of(1) == 4
    with pytest.raises(SourceError) as err:
        load_yaml("a: 1\n  b: 2\n", "f.yaml")
    assert str(err.value).startswith("f.yaml:2: YAML syntax error")
    with pytest.raises(SourceError, match=r"f\.yaml:2: duplicate key 'a'"):
        load_yaml("a: 1\na: 2\n", "f.yaml")


def test_front_matter_errors():
    with pytest.raises(SourceError, match=":1: a lesson must start with YAML front matter"):
        split_front_matter("no front matter", Path("x.md"))
    with pytest.raises(SourceError, match="front matter is not closed"):
        split_front_matter("---\ntitle: x\n", Path("x.md"))


@pytest.mark.parametrize("name, expected", [("02-profil.md", "profil"), ("10_Job Søgning.md", "job-s-gning"),
                                             ("intro.md", "intro"), ("007.md", "007")])
def test_derive_id(name, expected):
    assert derive_id(name) == expected


def test_a_quiz_or_exercise_list_that_is_not_a_list_is_reported_once(tmp_path):
    import shutil

    course = tmp_path / "c"
    shutil.copytree(FIXTURES / "ok-minimal", course)
    shutil.copy(FIXTURES / "facts.yaml", tmp_path / "facts.yaml")
    (course / "lessons" / "09-x.md").write_text(
        "---\ntitle: X\n---\n\nTekst.\n\n```quiz\nquestion: Hvad?\nchoices: nej\nexplanation: Fordi.\n```\n\n"
        "```exercise\ntitle: Øvelse\nfields: nej\n```\n", encoding="utf-8")
    _, report = check([course], today=dt.date(2026, 12, 1))
    messages = [d.message for d in report.errors if d.path.endswith("09-x.md")]
    assert messages.count("'choices' in quiz must be a list") == 1
    assert messages.count("'fields' in exercise must be a list") == 1
