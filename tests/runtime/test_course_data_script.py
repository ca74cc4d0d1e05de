"""assets/course-data.js is written key by key, each large value encoded once per build: the
text must be what one json.dumps of the whole object gives."""

from __future__ import annotations

import datetime as dt
import json

import pytest

from toolkit.runtime import course_data, course_data_script
from toolkit.source.brand import find_brands_dir, load_brand
from toolkit.source.course import add_lessons, load_course
from toolkit.source.report import Report

TODAY = dt.date(2026, 12, 1)  # the date the review checks compare with, pinned


def whole(data: dict) -> bytes:
    text = json.dumps(data, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    return f"window.TK_COURSE={text};\n".encode()


def test_the_script_is_the_json_of_the_whole_object(fixture_copy):
    course_dir = fixture_copy("ok-minimal")
    report = Report()
    course = load_course(course_dir, load_brand(find_brands_dir(course_dir), None, report), report)
    add_lessons(course, report)
    data = course_data(course, {"lrs_endpoint": "https://lrs.example/xapi/", "catalogue_url": "../x.html"})
    assert data["questions"] and data["lessons"]
    assert course_data_script(data) == whole(data)
    # As a package writes it: the same values but for a few, replaced or added.
    for changed in ({**data, "format": "scorm12", "catalogue": ""}, {**data, "lrs": {}}, data):
        assert course_data_script(changed) == whole(changed)


def test_a_value_changed_in_place_is_not_the_one_encoded_before():
    data = {"lessons": [{"id": "a"}], "title": "Ø"}
    assert course_data_script(data) == whole(data)
    fresh = {"lessons": [{"id": "b"}], "title": "Ø"}  # an equal key, another object
    assert course_data_script(fresh) == whole(fresh)
    assert course_data_script({"z": 1, "a": [1, 2], "ä": None}) == whole({"z": 1, "a": [1, 2], "ä": None})


def load(course_dir):
    report = Report()
    course = load_course(course_dir, load_brand(find_brands_dir(course_dir), None, report), report)
    add_lessons(course, report)
    return course


@pytest.mark.parametrize("name", ["ok-minimal", "duplicate-question-id", "quiz-without-explanation"])
def test_the_lessons_json_put_together_is_the_json_of_the_whole(fixture_copy, name):
    """course_data(encoded=True) joins each lesson's own JSON (Lesson.data_json, kept in the
    cache): the script must be the one the plain data gives, duplicates and all."""
    course = load(fixture_copy(name))
    settings = {"lrs_key": "k:s", "catalogue_url": "../c.html"}
    plain = course_data(course, settings)
    assert course_data_script(course_data(course, settings, encoded=True)) == whole(plain)
    assert all(le.data_json is not None for le in course.lessons)  # made once, then reused
    assert course_data_script(course_data(course, settings, encoded=True)) == whole(plain)


def test_a_cached_lesson_brings_its_json_and_gives_the_same_script(fixture_copy, tmp_path):
    from toolkit.build import BuildOptions, build

    course_dir = fixture_copy("ok-minimal")
    out = tmp_path / "out"
    build([course_dir], BuildOptions(out=out, formats=("web",), no_cache=True, today=TODAY))
    clean = (out / "ok-minimal" / "site" / "assets" / "course-data.js").read_bytes()
    cached = tmp_path / "cached"
    build([course_dir], BuildOptions(out=cached, formats=("web",), today=TODAY))
    lesson = next((course_dir / "lessons").glob("*.md"))
    lesson.write_text(lesson.read_text(encoding="utf-8") + "\nMere tekst.\n", encoding="utf-8")
    build([course_dir], BuildOptions(out=cached, formats=("web",), today=TODAY))  # the other lessons from the cache
    assert (cached / "ok-minimal" / "site" / "assets" / "course-data.js").read_bytes() == clean
