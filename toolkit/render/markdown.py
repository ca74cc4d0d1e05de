"""Markdown to HTML for lessons, with the toolkit's blocks filled in.

Rendering reads only the model: every file a lesson refers to was found
while it was loaded (``Lesson.media``, ``Video.src_file`` ...).
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from toolkit.i18n import Translator
from toolkit.model import Block, Course, Exercise, Lesson, Question, Video
from toolkit.render.engine import make_converters
from toolkit.render.htmltext import escape
from toolkit.source.lesson import MARKER, REMOTE_RE

if TYPE_CHECKING:  # Jinja, Markdown and lxml are imported only when something is rendered
    import jinja2

BARE_MARKER_RE = re.compile(re.escape(MARKER).replace(r"\{\}", r"(\d+)"))  # a literal start: found fast
URL_ATTRS = ("href", "src", "poster")


def fill_markers(html: str, block: Callable[[int], str]) -> str:
    """*html* with each block marker, and a ``<p>`` or ``</p>`` right around it, replaced by
    ``block(its number)`` (what a regex would do, eight times faster: tests/render/test_fast_paths.py)."""
    if "<!--tk-block:" not in html:
        return html
    out: list[str] = []
    done = 0
    for match in BARE_MARKER_RE.finditer(html):
        start, end = match.start(), match.end()
        if start - 3 >= done and html.startswith("<p>", start - 3):
            start -= 3
        if html.startswith("</p>", end):
            end += 4
        out += [html[done:start], block(int(match.group(1)))]
        done = end
    return "".join(out) + html[done:]


def url_attributes(html: str) -> list[tuple[int, int, str, str]]:
    """(start, end, name, value) of each ``href``, ``src`` or ``poster`` attribute, a word of its own,
    with a double-quoted value in *html*, found from its ``="`` (eight times faster than a regex, which
    tries every position: tests/render/test_fast_paths.py)."""
    found = []
    i = html.find('="')
    while i >= 0:
        after = i + 1  # where to look on from
        for name in URL_ATTRS:
            start = i - len(name)
            if start >= 0 and html.startswith(name, start) and not (
                    start and (html[start - 1].isalnum() or html[start - 1] == "_")):
                close = html.find('"', i + 2)
                if close >= 0:
                    found.append((start, close + 1, name, html[i + 2:close]))
                    after = close + 1
                break
        i = html.find('="', after)
    return found
MARKDOWN_SYNTAX_RE = re.compile(r"[*_`\[\]<>&!\\#{}|~]|^\s*([-+]|\d+[.)])\s|\s{2,}$|https?://", re.MULTILINE)
TEXT_BLOCKS = {"p", "h1", "h2", "h3", "h4", "h5", "h6", "li", "td", "th", "dt", "dd", "legend",
               "label", "figcaption", "summary", "caption", "blockquote"}


class MediaMap:
    """Files a course uses, each mapped to its path inside the built site.

    The target depends only on the source path, so a lesson rendered in an
    earlier build (and cached) points at the same file: the part below the
    nearest ``media/`` folder, or ``media/<hash>-<name>`` for other files.
    """

    def __init__(self) -> None:
        self.files: dict[Path, str] = {}
        self.recorded: list[Path] | None = None

    def add(self, source: Path) -> str:
        if self.recorded is not None:
            self.recorded.append(source)
        if source in self.files:
            return self.files[source]
        parts = source.parts
        if "media" in parts:
            index = len(parts) - 1 - parts[::-1].index("media")
            target = "media/" + "/".join(parts[index + 1:])
        else:
            digest = hashlib.sha256(str(source).encode()).hexdigest()[:8]
            target = f"media/{digest}-{source.name}"
        self.files[source] = target
        return target


LESSON_LINK = "tk-lesson:"
LESSON_LINK_RE = re.compile(r'href="tk-lesson:([^"#]*)(#[^"]*)?"')


def resolve_lesson_links(html: str, by_file: dict[str, str]) -> str:
    """Turn ``tk-lesson:<file>.md`` links into the target lesson's page."""
    return LESSON_LINK_RE.sub(lambda m: f'href="{by_file.get(m.group(1), m.group(1))}{m.group(2) or ""}"', html)


class LessonRenderer:
    def __init__(self, course: Course, env: jinja2.Environment, media: MediaMap) -> None:
        self.course = course
        self.env = env
        self.media = media
        self.t = Translator(course.language)
        self.convert, self.convert_inline, self.convert_with_text = make_converters()
        self.blocks: Any = env.get_template("blocks.html").module  # its macros: quiz, exercise, video

    def markdown(self, text: str, lesson: Lesson) -> str:
        return self.rewrite_urls(self.authored(self.convert(text)), lesson)

    def authored(self, html: str) -> str:
        """HTML that came from the author's Markdown, sanitised when the course asks for it."""
        if not self.course.sanitize_html:
            return html
        from toolkit.render.sanitize import sanitize  # (nh3, only for a course that asks for it)

        return sanitize(html)

    def block_markdown(self, text: str | None, lesson: Lesson) -> str:
        if not text:
            return ""
        if "\n" not in text.strip() and not MARKDOWN_SYNTAX_RE.search(text):
            return f"<p>{escape(text.strip())}</p>"
        return self.markdown(text, lesson)

    def inline(self, text: str | None, lesson: Lesson) -> str:
        if not text:
            return ""
        if not MARKDOWN_SYNTAX_RE.search(text):  # plain words: no need for the Markdown engine
            return escape(text)
        out = self.authored(self.convert_inline(text)).strip()
        if out.startswith("<p>") and out.endswith("</p>") and out.count("<p>") == 1:
            out = out[3:-4]
        return self.rewrite_urls(out, lesson)

    def media_url(self, ref: str | None, found: Path | None) -> str:
        """Where a file the author named as *ref* is in the site (*ref* itself when it was not found)."""
        if not ref:
            return ""
        return self.media.add(found) if found else ref

    def rewrite_urls(self, html: str, lesson: Lesson) -> str:
        """Each local ``href``, ``src`` and ``poster`` (see :func:`url_attributes`) pointed at the
        lesson page or the media file in the site."""
        out: list[str] = []
        done = 0  # html[:done] is in *out*
        for start, end, attr, url in url_attributes(html):
            if not url or REMOTE_RE.match(url):
                continue
            path, _, fragment = url.partition("#")
            if path.endswith(".md"):
                new = LESSON_LINK + Path(path).name
            else:
                new = self.media_url(path, lesson.media.get(path))
            out += [html[done:start], f'{attr}="{new}{"#" + fragment if fragment else ""}"']
            done = end
        return "".join(out) + html[done:] if out else html

    def render(self, lesson: Lesson) -> None:
        html, prose = self.convert_with_text(lesson.body)
        html = self.rewrite_urls(self.authored(html), lesson)
        rendered_blocks = [self.render_block(block, lesson) for block in lesson.blocks]
        if prose is None or self.course.sanitize_html:  # raw HTML: its text is read from the HTML
            prose = visible_text(fill_markers(html, lambda n: ""))
        lesson.html = fill_markers(html, lambda n: rendered_blocks[n])
        lesson.text = "\n\n".join([prose] + [block_text(block) for block in lesson.blocks]).strip()

    def render_block(self, block: Block, lesson: Lesson) -> str:
        def md(text: str | None) -> str:
            return self.block_markdown(text, lesson)

        def inline(text: str | None) -> str:
            return self.inline(text, lesson)

        match block:
            case Question():
                return str(self.blocks.quiz(block, self.t, md, inline))
            case Exercise():
                return str(self.blocks.exercise(block, self.t, md, inline))
            case Video():
                transcript = self.markdown(block.transcript_text, lesson) if block.transcript_text is not None else ""
                src = self.media_url(block.src, block.src_file) if block.kind == "file" else block.src
                return str(self.blocks.video(block, self.t, src, self.media_url(block.captions, block.captions_file),
                                             transcript, self.course.language))


def block_text(block: Block) -> str:
    """The author's words in a block (not UI strings, not answer fragments), for LIX."""
    parts: list[str | None]
    match block:
        case Question():
            parts = [block.prompt, block.explanation, *(c.feedback for c in block.choices)]
        case Exercise():
            parts = [block.title, block.intro, *(x for f in block.fields for x in (f.label, f.hint))]
        case Video():
            parts = [block.title, block.transcript_text]
    return "\n\n".join(plain_text(p) for p in parts if p)


INLINE_MARKUP_RE = re.compile(r"!?\[([^\]]*)\]\([^)]*\)|[*_`>#|]+")


def plain_text(markdown_text: str) -> str:
    """Markdown source reduced to its words, cheaply (links keep their text)."""
    return INLINE_MARKUP_RE.sub(lambda m: m.group(1) or " ", markdown_text).strip()


def visible_text(html: str) -> str:
    """The text a learner reads, as blocks separated by blank lines."""
    if not html.strip():
        return ""
    from lxml import html as lxml_html

    root = lxml_html.fragment_fromstring(html, create_parent="div")
    blocks = []
    for el in root.iter():
        if not isinstance(el.tag, str) or el.tag not in TEXT_BLOCKS:
            continue
        if any(isinstance(d.tag, str) and d.tag in TEXT_BLOCKS for d in el.iterdescendants()):
            text = (el.text or "").strip()
        else:
            text = el.text_content().strip()
        if text:
            blocks.append(" ".join(text.split()))
    return "\n\n".join(blocks)
