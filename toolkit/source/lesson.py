"""Loading one lesson: front matter, Markdown body and the fenced blocks.

Blocks are fenced code blocks whose info string names a block type and whose
body is YAML: ``quiz``, ``exercise``, ``video`` and ``author-note`` (shown to
authors by ``toolkit check``, never to learners).  Each block is parsed here,
with line marks, into its class in the model (``Question``, ``Exercise``,
``Video``) and replaced in the body by a marker the renderer fills in.

Every local file the lesson refers to (images and links in its Markdown and
its blocks, a video's file, captions and transcript) is found here too, so
rendering reads only the model.
"""

from __future__ import annotations

import contextlib
import dataclasses
import functools
import hashlib
import os
import re
import stat
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import urlparse

from toolkit.errors import SourceError
from toolkit.model import Choice, Course, Exercise, ExerciseField, Lesson, Question, Video
from toolkit.replay import RACY_NS  # a file changed this recently may change again unseen
from toolkit.source import rawhtml
from toolkit.source.facts import check_references, substitute, substitute_data
from toolkit.source.fields import check_keys, each_mapping, get_id, get_list, get_number, get_str, line_of
from toolkit.source.report import Report
from toolkit.source.yamlutil import load_yaml

LESSON_KEYS = {"title", "id", "paths", "duration_minutes", "description"}
QUIZ_KEYS = {"id", "question", "choices", "explanation"}
CHOICE_KEYS = {"id", "text", "correct", "feedback"}
EXERCISE_KEYS = {"id", "title", "intro", "fields"}
FIELD_KEYS = {"id", "label", "type", "hint", "rows"}
VIDEO_KEYS = {"id", "title", "src", "captions", "transcript", "placeholder", "duration_minutes"}
BLOCK_TYPES = ("quiz", "exercise", "video", "author-note")
FENCE_RE = re.compile(r"^(?P<fence>`{3,}|~{3,})\s*(?P<info>[\w-]*)\s*$")
FENCE_CHARS = ("`", "~")  # a fence line starts with one of them: other lines need no regex


def fence_of(line: str) -> re.Match[str] | None:
    """The fence that *line* opens or closes, if it is one."""
    return FENCE_RE.match(line) if line[:1] in FENCE_CHARS else None
MARKER = "<!--tk-block:{}-->"
FILENAME_ID_RE = re.compile(r"^\d+[-_.]?")
# Where Markdown and HTML name a file: inline links and images, reference
# definitions, and href/src/poster attributes of raw HTML.
URL_RES = (re.compile(r"\]\(\s*(<[^>]*>|[^)\s]+)"),
           re.compile(r"^ {0,3}\[[^\]]+\]:\s*(<[^>]*>|\S+)", re.MULTILINE),
           re.compile(r"\b(?:href|src|poster)\s*=\s*(\"[^\"]*\"|'[^']*')", re.IGNORECASE))
URL_NEEDS = ("](", "]:", "=")  # what each of URL_RES needs: a text without it has no match
REMOTE_RE = re.compile(r"^[a-zA-Z][a-zA-Z0-9+.-]*:|^#|^//")  # a URL with a scheme, a fragment, or protocol-relative: not a file


def derive_id(filename: str) -> str:
    stem = Path(filename).stem
    slug = FILENAME_ID_RE.sub("", stem).lower() or stem.lower()
    return re.sub(r"[^a-z0-9_-]+", "-", slug).strip("-") or "lesson"


def split_front_matter(text: str, path: Path) -> tuple[str, str, int]:
    """Return (front matter, body, first body line)."""
    lines = text.split("\n")
    if not lines or lines[0].strip() != "---":
        raise SourceError(path, 1, "a lesson must start with YAML front matter between '---' lines (with at least 'title')")
    for i in range(1, len(lines)):
        if lines[i].strip() in ("---", "..."):
            return "\n".join(lines[1:i]), "\n".join(lines[i + 1:]), i + 2
    raise SourceError(path, 1, "front matter is not closed: add a line with '---' after it")


def read_lesson(path: Path, report: Report) -> str | None:
    """The text of a lesson file with ``\\n`` newlines, or None (reported) when it is not UTF-8."""
    try:
        return path.read_text(encoding="utf-8").replace("\r\n", "\n")
    except UnicodeDecodeError as exc:
        report.error(path, 1, f"not valid UTF-8 ({exc.reason})")
        return None


def load_lesson(path: Path, course: Course, report: Report, text: str | None = None) -> Lesson | None:
    """The lesson in *path*; *text*, when given, is its text as :func:`read_lesson` gave it."""
    if text is None and (text := read_lesson(path, report)) is None:
        return None
    try:
        front, body, body_line = split_front_matter(text, path)
        meta: Any = load_yaml(front, path, line_offset=1) if front.strip() else {}
    except SourceError as exc:
        report.absorb(exc)
        return None
    if not isinstance(meta, dict):
        report.error(path, 2, "front matter must be a mapping with at least 'title'")
        return None
    check_keys(meta, LESSON_KEYS, path, report, "lesson front matter")
    title = get_str(meta, "title", path, report, "lesson front matter", required=True, default_line=1)
    lesson_id = get_id(meta, "id", path, report, "lesson front matter") or derive_id(path.name)
    paths = [str(p) for p in get_list(meta, "paths", path, report, "lesson front matter")]
    lesson = Lesson(
        id=lesson_id, title=substitute(title or path.stem, course.facts), source=path, body="",
        body_line=body_line, paths=paths,
        duration_minutes=get_number(meta, "duration_minutes", path, report, "lesson front matter", 0, 240),
        description=get_str(meta, "description", path, report, "lesson front matter"),
    )
    if title:
        check_references(title, line_of(meta, "title", 2), course.facts, path, report)
    rawhtml.scan(body, body_line, path, report, course.sanitize_html)
    lesson.body = _extract_blocks(body, body_line, lesson, course, report)
    lesson.media = _find_media(lesson, course)
    return lesson


def _extract_blocks(body: str, first_line: int, lesson: Lesson, course: Course, report: Report) -> str:
    lines = body.split("\n")
    out: list[str] = []
    i = 0
    while i < len(lines):
        match = fence_of(lines[i])
        if not match:
            out.append(lines[i])
            i += 1
            continue
        fence, info = match.group("fence"), match.group("info")
        start = i
        i += 1
        while i < len(lines) and not (lines[i].startswith(fence[0] * len(fence)) and not lines[i].strip(fence[0]).strip()):
            i += 1
        closed = i < len(lines)
        content = lines[start + 1:i]
        i += 1
        line = first_line + start
        if info not in BLOCK_TYPES:
            out.extend(lines[start:i])  # an ordinary code block: left alone
            continue
        if not closed:
            report.error(lesson.source, line, f"'{info}' block is not closed with {fence}")
        if info == "author-note":
            lesson.author_notes.append((line, "\n".join(content).strip()))
            continue
        raw = "\n".join(content)
        check_references(raw, line + 1, course.facts, lesson.source, report)
        try:
            data = load_yaml(raw, lesson.source, line_offset=line)
        except SourceError as exc:
            report.absorb(exc)
            continue
        if not isinstance(data, dict):
            report.error(lesson.source, line, f"'{info}' block must hold a YAML mapping")
            continue
        substitute_data(data, course.facts)
        block = _PARSERS[info](data, line, lesson, course, report)
        if block is None:
            continue
        out.extend(["", MARKER.format(len(lesson.blocks)), ""])
        lesson.blocks.append(block)
    markdown = "\n".join(out)
    if "{{" in body:  # what every reference needs
        _check_body_references(lines, first_line, course, lesson, report)
    return substitute(markdown, course.facts)


def _check_body_references(lines: list[str], first_line: int, course: Course, lesson: Lesson, report: Report) -> None:
    in_block = False
    fence = ""
    for n, text in enumerate(lines):
        match = fence_of(text)
        if not in_block and match:
            in_block, fence = True, match.group("fence")
            continue
        if in_block and text.startswith(fence[0] * len(fence)) and not text.strip(fence[0]).strip():
            in_block = False
            continue
        if not in_block:
            check_references(text, first_line + n, course.facts, lesson.source, report)


def _quiz(data: dict[str, Any], line: int, lesson: Lesson, course: Course, report: Report) -> Question | None:
    path = lesson.source
    check_keys(data, QUIZ_KEYS, path, report, "quiz")
    prompt = get_str(data, "question", path, report, "quiz", required=True, default_line=line)
    qid = get_id(data, "id", path, report, "quiz") or f"{lesson.id}-q{len(lesson.questions) + 1}"
    choices: list[Choice] = []
    for _, cline, item in each_mapping(data, "choices", path, report, "quiz", CHOICE_KEYS, "a choice",
                                       "a choice must be text or a mapping with 'text' and 'correct'", line,
                                       text_key="text"):
        text = get_str(item, "text", path, report, "a choice", required=True, default_line=cline)
        correct = item.get("correct", False)
        if not isinstance(correct, bool):
            report.error(path, line_of(item, "correct", cline), "'correct' must be true or false")
            correct = False
        cid = get_id(item, "id", path, report, "a choice") or choice_id(text or "", choices)
        if any(c.id == cid for c in choices):
            report.error(path, cline, f"duplicate choice id '{cid}'")
        choices.append(Choice(cid, text or "", correct, get_str(item, "feedback", path, report, "a choice")))
    if not isinstance(data.get("choices"), list) or len(data["choices"]) < 2:  # (each_mapping reported a non-list)
        report.error(path, line_of(data, "choices", line), "quiz needs at least two choices")
    elif not any(c.correct for c in choices):
        report.error(path, line, "quiz has no correct answer")
    explanation = get_str(data, "explanation", path, report, "quiz")
    if not explanation:
        report.warning(path, line, "quiz has no explanation: say why the answer is right")
    return Question(qid, prompt or "", choices, explanation, line)


def choice_id(text: str, taken: list[Choice]) -> str:
    """A choice's default id, from its text, not its position: reordering the choices in a
    new version keeps a resumed learner's ticks.  Four base-36 characters of a SHA-1 of
    the text (case and spacing ignored), longer only when two choices would share them."""
    digest = int.from_bytes(hashlib.sha1(" ".join(text.casefold().split()).encode("utf-8")).digest(), "big")
    if digest >= 36 ** 3:  # four characters at least: the first four are those of digest % 36 ** 4
        low, first = digest % 36 ** 4, ""
        for _ in range(4):
            low, rest = divmod(low, 36)
            first += "0123456789abcdefghijklmnopqrstuvwxyz"[rest]
        if not any(c.id == first for c in taken):
            return first
    chars = ""
    while digest:
        digest, rest = divmod(digest, 36)
        chars += "0123456789abcdefghijklmnopqrstuvwxyz"[rest]
    for size in range(4, len(chars) + 1):
        if not any(c.id == chars[:size] for c in taken):
            return chars[:size]
    return chars


def _exercise(data: dict[str, Any], line: int, lesson: Lesson, course: Course, report: Report) -> Exercise | None:
    path = lesson.source
    check_keys(data, EXERCISE_KEYS, path, report, "exercise")
    title = get_str(data, "title", path, report, "exercise", required=True, default_line=line)
    eid = get_id(data, "id", path, report, "exercise") or f"{lesson.id}-ex{len(lesson.exercises) + 1}"
    fields: list[ExerciseField] = []
    if not isinstance(data.get("fields"), list) or not data["fields"]:  # (each_mapping reports a non-list)
        report.error(path, line, "exercise needs at least one field under 'fields'")
    for i, fline, item in each_mapping(data, "fields", path, report, "exercise", FIELD_KEYS, "an exercise field",
                                       "a field must be text (its label) or a mapping with 'label'", line,
                                       text_key="label"):
        label = get_str(item, "label", path, report, "an exercise field", required=True, default_line=fline)
        kind = get_str(item, "type", path, report, "an exercise field") or "textarea"
        if kind not in ("text", "textarea"):
            report.error(path, line_of(item, "type", fline), f"field type must be 'text' or 'textarea', not '{kind}'")
            kind = "textarea"
        rows = get_number(item, "rows", path, report, "an exercise field", 1, 30)
        fid = get_id(item, "id", path, report, "an exercise field") or f"f{i + 1}"
        fields.append(ExerciseField(fid, label or "", kind, get_str(item, "hint", path, report, "an exercise field"),
                                    int(rows or 4)))
    return Exercise(eid, title or "", get_str(data, "intro", path, report, "exercise"), fields, line)


def _video(data: dict[str, Any], line: int, lesson: Lesson, course: Course, report: Report) -> Video | None:
    path = lesson.source
    check_keys(data, VIDEO_KEYS, path, report, "video")
    title = get_str(data, "title", path, report, "video", required=True, default_line=line)
    vid = get_id(data, "id", path, report, "video") or f"{lesson.id}-v{len(lesson.videos) + 1}"
    src = get_str(data, "src", path, report, "video")
    placeholder = data.get("placeholder", False) is True
    captions = get_str(data, "captions", path, report, "video")
    transcript = get_str(data, "transcript", path, report, "video")
    kind = "placeholder"
    src_file = None
    if src:
        parsed = urlparse(src)
        host = (parsed.hostname or "").lower()
        if parsed.scheme in ("http", "https"):
            if host.endswith(("youtube.com", "youtu.be", "youtube-nocookie.com")):
                kind = "youtube"
            elif host.endswith("vimeo.com"):
                kind = "vimeo"
            else:
                report.error(path, line_of(data, "src", line), "video 'src' must be a local file, a YouTube URL or a Vimeo URL")
        else:
            kind = "file"
            src_file = resolve_media(src, lesson, course)
            if src_file is None:
                report.error(path, line_of(data, "src", line), f"video file not found: {src}")
    elif not placeholder:
        report.error(path, line, "video needs 'src' (a file, YouTube or Vimeo URL) or 'placeholder: true'")
    if kind != "placeholder" and not captions:
        report.error(path, line, "video has no captions: add 'captions' with a .vtt file")
    target = resolve_media(captions, lesson, course) if captions else None
    if captions:
        if not captions.lower().endswith(".vtt"):
            report.error(path, line_of(data, "captions", line), "captions must be a WebVTT (.vtt) file")
        elif target is None:
            report.error(path, line_of(data, "captions", line), f"captions file not found: {captions}")
        elif not target.read_text(encoding="utf-8", errors="replace").lstrip("\ufeff").startswith("WEBVTT"):
            report.error(path, line_of(data, "captions", line),
                         f"captions file is not WebVTT (must start with 'WEBVTT'): {captions}")
    transcript_file = resolve_media(transcript, lesson, course) if transcript else None
    transcript_text = None
    if transcript and transcript_file is None:
        report.error(path, line_of(data, "transcript", line), f"transcript file not found: {transcript}")
    elif transcript_file is not None:
        try:
            transcript_text = transcript_file.read_text(encoding="utf-8")
        except UnicodeDecodeError as exc:
            report.error(path, line_of(data, "transcript", line), f"transcript is not valid UTF-8 ({exc.reason}): {transcript}")
    if placeholder and not transcript:
        report.warning(path, line, "a video placeholder should have a transcript or summary to read meanwhile")
    return Video(vid, title or "", kind, src, captions, transcript,
                 duration_minutes=get_number(data, "duration_minutes", path, report, "video", 0, 300), line=line,
                 src_file=src_file, captions_file=target, transcript_text=transcript_text)


def _strings(value: object) -> list[str]:
    """Every text in a block, however deep (choices, fields)."""
    if isinstance(value, str):
        return [value]
    if isinstance(value, list):
        return [s for item in value for s in _strings(item)]
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return [s for name in _field_names(type(value)) for s in _strings(getattr(value, name))]
    return []


@functools.cache
def _field_names(cls: type) -> tuple[str, ...]:
    return tuple(f.name for f in dataclasses.fields(cls))


def _find_media(lesson: Lesson, course: Course) -> dict[str, Path]:
    """Each local file named in the lesson's Markdown, its blocks and its
    transcripts, as written (without ``#fragment``) -> the file found."""
    texts = [lesson.body, *_strings(lesson.blocks)]
    found: dict[str, Path] = {}
    for text in texts:
        for pattern, needs in zip(URL_RES, URL_NEEDS, strict=True):
            if needs not in text:
                continue
            for match in pattern.finditer(text):
                target = match.group(1).strip("<>\"'")
                path = target.partition("#")[0]
                if not path or REMOTE_RE.match(target) or path.endswith(".md") or path in found:
                    continue
                file = resolve_media(path, lesson, course)
                if file is not None:
                    found[path] = file
    return found


# The paths that resolve_media looked at while a lesson was loaded, rendered and checked, each with
# what it found there (see probe_stamp): a cached lesson is reused only while every one of them
# is as it was, so an image moved, added nearer the lesson or removed renders it again.
_PROBES: list[dict[str, str]] = []


@contextlib.contextmanager
def probes_recorded() -> Iterator[dict[str, str]]:
    """The paths resolve_media looks at inside the block, with their :func:`probe_stamp`."""
    seen: dict[str, str] = {}
    _PROBES.append(seen)
    try:
        yield seen
    finally:
        _PROBES.pop()


def probe_stamp(path: str) -> str:
    """What is at *path* now: nothing (``-``), or where it leads (its real path: the media name
    and the inside-the-course check come from it), its kind, and its size, mtime, inode and
    ctime (through a symbolic link, the target's); for a file changed too recently to trust its
    stat (a second write within the clock's tick would not show), the digest of its bytes
    instead of the stat."""
    try:
        st = os.stat(path)
        where = f"{os.path.realpath(path)}\0{stat.S_IFMT(st.st_mode)}"
        if stat.S_ISREG(st.st_mode) and time.time_ns() - max(st.st_mtime_ns, st.st_ctime_ns) <= RACY_NS:
            with open(path, "rb") as fh:
                return f"{where}\0h:{hashlib.sha256(fh.read()).hexdigest()}"
    except (OSError, ValueError):
        return "-"
    return f"{where}\0{st.st_size}:{st.st_mtime_ns}:{st.st_ino}:{st.st_ctime_ns}"


def resolve_media(ref: str, lesson: Lesson, course: Course) -> Path | None:
    """Find a file a lesson refers to: next to the lesson, then in the course
    (brand first), never outside the course or brand folders."""
    ref = ref.split("#", 1)[0].split("?", 1)[0]
    if not ref or ref.startswith("/"):
        return None
    roots = [course.root]
    if course.brand is not None:
        roots = [r / "courses" / course.slug for r in course.brand.chain] + roots
    candidates = [lesson.source.parent / ref] + [r / ref for r in roots] + [r / "lessons" / ref for r in roots]
    for candidate in candidates:
        if _PROBES:
            _PROBES[-1][str(candidate)] = probe_stamp(str(candidate))
        try:
            resolved = candidate.resolve()
            if resolved.is_file() and any(_inside(resolved, r.resolve()) for r in roots):
                return resolved
        except (OSError, ValueError):  # a NUL byte or an over-long name is simply not found
            return None
    return None


def _inside(path: Path, root: Path) -> bool:
    try:
        path.relative_to(root)
        return True
    except ValueError:
        return False


_PARSERS = {"quiz": _quiz, "exercise": _exercise, "video": _video}
