"""Checks over a loaded (and rendered) course: links, media, alt text,
readability, ids and review dates.  Each finding names its ``path:line``."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

from toolkit import clock
from toolkit.model import Course, Lesson, lesson_ids
from toolkit.runtime.budget import budget_message, exercise_room_message
from toolkit.source.lesson import FENCE_CHARS, FENCE_RE, resolve_media
from toolkit.source.lix import lix_of_text
from toolkit.source.report import Report

LIX_LIMIT = 35.0
IMAGE_RE = re.compile(r"!\[(?P<alt>[^\]]*)\]\((?P<target><[^>]*>|[^)\s]*)(?:\s+[\"'][^)]*[\"'])?\)")
LINK_RE = re.compile(r"(?<!!)\[(?P<text>[^\]]*)\]\((?P<target><[^>]*>|[^)\s]*)(?:\s+[\"'][^)]*[\"'])?\)")
HTML_IMG_RE = re.compile(r"<img\b(?P<attrs>[^>]*)>", re.IGNORECASE)
ALT_RE = re.compile(r"\balt\s*=\s*(\"[^\"]*\"|'[^']*')", re.IGNORECASE)
SCHEME_RE = re.compile(r"^[a-zA-Z][a-zA-Z0-9+.-]*:")
LEVEL_1_RE = re.compile(r"^#(?!#)\s")


def body_lines(lesson: Lesson, source: str | None = None) -> list[tuple[int, str]]:
    """(line number, text) of the lesson's prose lines, outside any fence; *source* is the
    lesson file's text as it was loaded (read again when not given)."""
    if source is None:
        source = lesson.source.read_text(encoding="utf-8").replace("\r\n", "\n")
    text = source.split("\n")
    out = []
    fence = ""
    for n in range(lesson.body_line - 1, len(text)):
        line = text[n]
        if line[:1] in FENCE_CHARS:  # only such a line opens or closes a fence
            if not fence and (match := FENCE_RE.match(line)):
                fence = match.group("fence")
                continue
            if fence and line.startswith(fence[0] * len(fence)) and not line.strip(fence[0]).strip():
                fence = ""
                continue
        if not fence:
            out.append((n + 1, line))
    return out


def check_lesson_links(lesson: Lesson, course: Course, lesson_names: set[str], report: Report,
                       source: str | None = None) -> None:
    for number, line in body_lines(lesson, source):
        if "](" not in line and "<" not in line and not line.startswith("#"):  # what each check below needs
            continue
        if LEVEL_1_RE.match(line):
            report.error(lesson.source, number, "use '##' for headings: the lesson title is the page's only level-1 heading")
        for match in IMAGE_RE.finditer(line):
            target = match.group("target").strip("<>")
            if not match.group("alt").strip():
                report.error(lesson.source, number, f"image has no alt text: {target}")
            if not SCHEME_RE.match(target) and resolve_media(target, lesson, course) is None:
                report.error(lesson.source, number, f"image file not found: {target}")
            elif SCHEME_RE.match(target):
                report.error(lesson.source, number, f"image must be a local file, not a remote URL: {target}")
        for match in HTML_IMG_RE.finditer(line):
            alt = ALT_RE.search(match.group("attrs"))
            if alt is None or not alt.group(1)[1:-1].strip():
                report.error(lesson.source, number, "image has no alt text: <img> needs a non-empty alt")
        for match in LINK_RE.finditer(line):
            target = match.group("target").strip("<>")
            if not target or target.startswith("#") or SCHEME_RE.match(target):
                continue
            if not match.group("text").strip():
                report.error(lesson.source, number, f"link has no text: {target}")
            path_part = target.split("#", 1)[0]
            if path_part.endswith(".md"):
                name = Path(path_part).name
                if name not in lesson_names:
                    report.error(lesson.source, number, f"link to a lesson that doesn't exist: {path_part}")
            elif resolve_media(path_part, lesson, course) is None:
                report.error(lesson.source, number, f"link to a file that doesn't exist: {path_part}")


def check_course(course: Course, report: Report, today: dt.date | None = None) -> None:
    """Course-wide checks; run after the lessons have been rendered."""
    today = clock.today(today)
    yaml_path = course.root / "course.yaml"
    if course.review_by is not None and course.review_by < today:
        report.warning(yaml_path, _key_line(yaml_path, "review_by"),
                       f"review_by {course.review_by.isoformat()} has passed: "
                       "check every fact against current rules and set new review dates")
    if course.reviewed is not None and course.review_by is not None and course.review_by < course.reviewed:
        report.error(yaml_path, _key_line(yaml_path, "review_by"), "review_by is before reviewed")
    if not course.sources:
        report.warning(yaml_path, 1, "no 'sources' listed: name the references, with dates, for the facts taught")
    seen_q: dict[str, Lesson] = {}
    seen_ex: dict[str, Lesson] = {}
    for lesson in course.lessons:
        questions, exercises = lesson_ids(lesson)  # (not its blocks: a cached lesson's are not loaded for this)
        for qid, line, _, _ in questions:
            if qid in seen_q:
                report.error(lesson.source, line, f"duplicate question id '{qid}' (also in {seen_q[qid].source.name})")
            seen_q[qid] = lesson
        for exid, line, _ in exercises:
            if exid in seen_ex:
                report.error(lesson.source, line, f"duplicate exercise id '{exid}' (also in {seen_ex[exid].source.name})")
            seen_ex[exid] = lesson
        if lesson.origin != "course":
            report.info(lesson.source, 1, f"local lesson '{lesson.id}' from {lesson.origin}")
    if (budget := budget_message(course)) is not None:
        report.warning(yaml_path, 1, budget)
    if (room := exercise_room_message(course)) is not None:
        (report.warning if room[0] else report.info)(yaml_path, 1, room[1])


def check_statement(courses: list[Course], report: Report) -> None:
    """One warning for the whole run when a course has no ``statement.url``.

    The accessibility statement is the publisher's to publish (was.digst.dk);
    without the fact no page footer links to it, which the law requires.  Like
    a passed ``review_by``, it is a warning, so ``--strict`` fails on it.
    """
    missing = [c for c in courses if not (c.facts.get("statement.url") and c.facts["statement.url"].value)]
    if not missing:
        return
    first = missing[0]
    brand = first.brand
    path = brand.root / "brand.yaml" if brand is not None and brand.root is not None else first.root / "course.yaml"
    name = brand.name if brand is not None else "default"
    slugs = ", ".join(c.slug for c in missing)
    report.warning(path, 1, f"brand '{name}' has no accessibility statement: set the fact 'statement.url' "
                            f"to the published statement (was.digst.dk), or no page footer links to it ({slugs})")


def check_lesson(lesson: Lesson, course: Course, lesson_names: set[str], report: Report,
                 source: str | None = None) -> None:
    """Checks of one rendered lesson on its own (cacheable with the lesson); *source* is the
    lesson file's text that it was loaded from (read again when not given)."""
    check_lesson_links(lesson, course, lesson_names, report, source)
    if not lesson.questions:
        report.warning(lesson.source, 1, "lesson has no question: add a quiz so learners can check what they learnt")
    score = lesson_lix(lesson)
    if score is not None and score > LIX_LIMIT:
        report.warning(lesson.source, 1, f"LIX {score:.1f} is over {LIX_LIMIT:.0f}: use shorter sentences and words")
    for line, note in lesson.author_notes:
        report.info(lesson.source, line, f"author note: {note.splitlines()[0] if note else ''}")


def lesson_lix(lesson: Lesson) -> float | None:
    if not lesson.text:
        return None
    return lix_of_text(lesson.text).score


def _key_line(path: Path, key: str) -> int:
    try:
        for n, line in enumerate(path.read_text(encoding="utf-8").split("\n"), 1):
            if line.startswith(f"{key}:"):
                return n
    except OSError:
        pass
    return 1
