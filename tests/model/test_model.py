"""The model the loader hands to rendering: blocks as typed classes, and every
file a lesson names already found, so rendering never looks at the disk."""

from __future__ import annotations

import shutil

from toolkit.build import check
from toolkit.model import Exercise, Question, Video
from toolkit.parallel import render_one
from toolkit.render.env import make_environment
from toolkit.render.markdown import LessonRenderer, MediaMap
from toolkit.source.lesson import load_lesson
from toolkit.source.report import Report


def test_blocks_are_typed_and_in_marker_order(fixture_copy):
    loaded, report = check([fixture_copy("ok-minimal")])
    assert report.errors == []
    video = next(le for le in loaded[0].course.lessons if le.id == "video")
    assert [type(b) for b in video.blocks] == [Video, Video, Question]
    assert video.videos == video.blocks[:2] and video.questions == video.blocks[2:]
    assert all(isinstance(b, Exercise) for le in loaded[0].course.lessons for b in le.exercises)
    assert [le.id for le in loaded[0].course.lessons if le.exercises]  # the fixture has an exercise


def test_media_are_found_while_loading(fixture_copy):
    course_dir = fixture_copy("ok-minimal")
    loaded, _ = check([course_dir])
    lessons = {le.id: le for le in loaded[0].course.lessons}
    media = (course_dir / "media").resolve()
    assert lessons["velkommen"].media == {"../media/smil.svg": media / "smil.svg"}
    placeholder, youtube = lessons["video"].videos
    assert placeholder.transcript_text == (media / "video1.md").read_text(encoding="utf-8")
    assert youtube.captions_file == media / "video2.da.vtt" and youtube.src_file is None


def test_rendering_reads_only_the_model(fixture_copy):
    course_dir = fixture_copy("ok-minimal")
    loaded, _ = check([course_dir])
    course = loaded[0].course
    env = make_environment(course.brand)
    names = {f.name for f, _ in course.lesson_files}
    with_files = {}
    for file, _ in course.lesson_files:
        lesson, _, used, _ = render_one(file, course, LessonRenderer(course, env, MediaMap()), names)
        assert lesson is not None
        with_files[file.name] = (lesson.html, lesson.text, used)

    lessons = []
    for file, _ in course.lesson_files:
        lesson = load_lesson(file, course, Report())
        assert lesson is not None
        lessons.append(lesson)
    shutil.rmtree(course_dir / "media")  # gone from the disk after loading
    for lesson in lessons:
        media = MediaMap()
        media.recorded = []
        LessonRenderer(course, env, media).render(lesson)
        assert (lesson.html, lesson.text, media.recorded) == with_files[lesson.source.name], lesson.id
    assert any(used for _, _, used in with_files.values())  # some lesson did use a media file


def test_a_transcript_that_is_not_utf8_is_an_error_at_its_line(fixture_copy):
    course_dir = fixture_copy("ok-minimal")
    (course_dir / "media" / "video1.md").write_bytes(b"Tekst p\xe5 latin-1\n")
    _, report = check([course_dir])
    lesson = course_dir / "lessons" / "03-video.md"
    assert [str(d) for d in report.errors] == [
        f"{lesson}:10: transcript is not valid UTF-8 (invalid continuation byte): media/video1.md"]


def test_media_are_found_in_each_way_markdown_and_html_name_a_file(fixture_copy):
    course_dir = fixture_copy("ok-minimal")
    for name in ("plan.pdf", "kort.png"):
        (course_dir / "media" / name).write_bytes(b"x")
    (course_dir / "lessons" / "04-filer.md").write_text(
        "---\ntitle: Filer\n---\n\nSe [planen](../media/plan.pdf#top) og [næste](02-cv.md).\n\n"
        "[smil]: ../media/smil.svg\n\n<img alt=\"x\" src='../media/video2.da.vtt'> <a href=\"https://example.org/x\">ud</a>\n\n"
        "```quiz\nquestion: Hvad?\nchoices:\n  - text: Ja\n    correct: true\n  - Nej\n"
        "explanation: Se <video poster=\"../media/kort.png\"> og [side](#top) og [plan](../media/plan.pdf)\n```\n",
        encoding="utf-8")
    loaded, _ = check([course_dir])
    lesson = next(le for le in loaded[0].course.lessons if le.id == "filer")
    media = (course_dir / "media").resolve()
    assert list(lesson.media.items()) == [("../media/plan.pdf", media / "plan.pdf"),
                                          ("../media/smil.svg", media / "smil.svg"),
                                          ("../media/video2.da.vtt", media / "video2.da.vtt"),
                                          ("../media/kort.png", media / "kort.png")]


def test_lessons_pickle_by_position_and_come_back_equal(fixture_copy):
    """Lessons and their blocks are pickled as their field values in order (model.pickled_by_position):
    every field, those set after loading too, must come back."""
    import dataclasses
    import pickle

    loaded, _ = check([fixture_copy("ok-minimal")])
    for lesson in loaded[0].course.lessons:
        lesson.data_json = ("{}", (("q", "{}"),), ("x",))
        again = pickle.loads(pickle.dumps(lesson, protocol=pickle.HIGHEST_PROTOCOL))
        assert again == lesson and again is not lesson
        assert {f.name: getattr(again, f.name) for f in dataclasses.fields(again)} == \
               {f.name: getattr(lesson, f.name) for f in dataclasses.fields(lesson)}
        assert [type(b) for b in again.blocks] == [type(b) for b in lesson.blocks]
        data = pickle.dumps(lesson)
        assert b"author_notes" not in data and b"body_line" not in data  # values only, no field names
