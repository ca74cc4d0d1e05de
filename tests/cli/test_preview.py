"""toolkit preview: mock LMS page, statements received, rebuild on change."""

from __future__ import annotations

import uuid

import jinja2
import pytest
from starlette.testclient import TestClient

from tests.aio import in_own_loop
from toolkit.preview import Preview


def test_preview_serves_builds_and_shows_statements(fixture_copy):
    course = fixture_copy("ok-minimal")
    preview = Preview(course, base_url="http://testserver")
    assert preview.rebuild()
    client = TestClient(preview.app())
    page = client.get("/")
    assert page.status_code == 200 and "LMSInitialize" in page.text and "course/launch.html" in page.text
    assert client.get("/course/launch.html").status_code == 200
    data = client.get("/course/assets/course-data.js").text
    assert "http://testserver/xapi/" in data and "preview:" in data
    sid = str(uuid.uuid4())
    statement = {"id": sid, "actor": {"account": {"homePage": "https://preview.invalid", "name": "preview-learner"}},
                 "verb": {"id": "http://adlnet.gov/expapi/verbs/experienced"},
                 "object": {"id": "https://kurser.example.dk/test/ok-minimal/lessons/cv"}}
    r = client.put(f"/xapi/statements?statementId={sid}", json=statement, auth=("preview", preview.secret),
                   headers={"X-Experience-API-Version": "1.0.3"})
    assert r.status_code == 204
    state = client.get("/preview/state").json()
    assert [s["id"] for s in state["statements"]] == [sid] and state["version"] == 1

    lesson = course / "lessons" / "01-velkommen.md"
    lesson.write_text(lesson.read_text(encoding="utf-8").replace("Her lærer du det vigtigste.", "Her lærer du nyt."),
                      encoding="utf-8")
    assert preview.rebuild()
    assert "Her lærer du nyt." in client.get("/course/velkommen.html").text

    lesson.write_text("---\ntitel: brudt\n---\n", encoding="utf-8")
    assert not preview.rebuild()
    state = client.get("/preview/state").json()
    assert state["version"] == 2 and any("01-velkommen.md:2" in e for e in state["errors"])
    assert "Her lærer du nyt." in client.get("/course/velkommen.html").text  # last good build still served


def test_preview_page_comes_from_the_theme_escaped_and_overridable(fixture_copy):
    course = fixture_copy("ok-minimal")
    preview = Preview(course, base_url="http://testserver")
    preview.title = '<script>alert("x")</script>'
    page = TestClient(preview.app()).get("/").text
    assert "<title>Preview: &lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt;</title>" in page
    assert '<script>alert("x")' not in page

    override = course.parent.parent / "templates"
    override.mkdir()
    (override / "preview.html").write_text("<p>{{ title }} from the project</p>\n", encoding="utf-8")
    preview.title = "Mit kursus"
    assert TestClient(preview.app()).get("/").text == "<p>Mit kursus from the project</p>\n"

    (override / "preview.html").write_text("<p>{{ no_such_value }}</p>\n", encoding="utf-8")
    with pytest.raises(jinja2.UndefinedError, match="no_such_value"):  # StrictUndefined, not an empty string
        TestClient(preview.app()).get("/")


def test_preview_pushes_each_rebuild_as_an_event(fixture_copy):
    """The page learns of a rebuild from /preview/events at once, failures included."""
    import json
    import threading

    course = fixture_copy("ok-minimal")
    preview = Preview(course, base_url="http://testserver")
    assert preview.rebuild()
    assert any(getattr(r, "path", "") == "/preview/events" for r in preview.app().routes)
    lesson = course / "lessons" / "01-velkommen.md"

    async def follow() -> list[dict]:
        stream = preview.events(keepalive=0.05)
        seen = [json.loads((await anext(stream)).removeprefix("data: "))]
        lesson.write_text(lesson.read_text(encoding="utf-8") + "\nNy linje.\n", encoding="utf-8")
        threading.Thread(target=preview.rebuild).start()
        while len(seen) < 2:
            message = await anext(stream)
            if message.startswith("data: "):
                seen.append(json.loads(message.removeprefix("data: ")))
        lesson.write_text("---\ntitel: brudt\n---\n", encoding="utf-8")
        threading.Thread(target=preview.rebuild).start()
        while len(seen) < 3:
            message = await anext(stream)
            if message.startswith("data: "):
                seen.append(json.loads(message.removeprefix("data: ")))
        await stream.aclose()
        return seen

    seen = in_own_loop(follow())
    assert [s["version"] for s in seen] == [1, 2, 2]
    assert seen[1]["errors"] == [] and any("01-velkommen.md:2" in e for e in seen[2]["errors"])
    assert preview.listeners == []  # a closed stream stops listening


def test_preview_rebuilds_from_the_cache(fixture_copy, monkeypatch):
    import toolkit.build

    course = fixture_copy("ok-minimal")
    preview = Preview(course, base_url="http://testserver")
    assert preview.rebuild()
    rendered = []
    real = toolkit.build.render_one
    monkeypatch.setattr(toolkit.build, "render_one", lambda file, *a: rendered.append(file.name) or real(file, *a))
    lesson = course / "lessons" / "02-cv.md"
    lesson.write_text(lesson.read_text(encoding="utf-8") + "\nNy linje.\n", encoding="utf-8")
    assert preview.rebuild()
    assert rendered == ["02-cv.md"]  # the two other lessons came from the cache
    assert "Ny linje." in TestClient(preview.app()).get("/course/cv.html").text
