"""assets/course-data.js is written key by key, each large value encoded once per build: the
text must be what one json.dumps of the whole object gives."""

from __future__ import annotations

import json

from toolkit.runtime import course_data, course_data_script
from toolkit.source.brand import find_brands_dir, load_brand
from toolkit.source.course import add_lessons, load_course
from toolkit.source.report import Report


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
