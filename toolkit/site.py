"""Writing the static site of one course: one HTML page per lesson, readable
without JavaScript, plus the overview page, assets and media."""

from __future__ import annotations

import contextlib
import datetime as dt
import hashlib
import os
from collections.abc import Callable, MutableMapping
from pathlib import Path
from typing import TYPE_CHECKING, Any

from toolkit.errors import naming, replacing
from toolkit.i18n import Translator
from toolkit.model import Course, Source, lesson_ids
from toolkit.offline import offline_files
from toolkit.render.env import asset_chain
from toolkit.render.markdown import MediaMap
from toolkit.runtime import COURSE_DATA, course_data, course_data_script, runtime_assets
from toolkit.source.facts import NBSP, dial
from toolkit.source.fields import escape_problem

if TYPE_CHECKING:
    import jinja2

    from toolkit.cache import LessonCache

MONTHS = {
    "da": ["januar", "februar", "marts", "april", "maj", "juni", "juli", "august", "september",
           "oktober", "november", "december"],
    "en": ["January", "February", "March", "April", "May", "June", "July", "August", "September",
           "October", "November", "December"],
}


def longdate(value: dt.date | str, language: str) -> str:
    """``1. december 2026``; an ISO date string is read first."""
    if isinstance(value, str):
        value = dt.date.fromisoformat(value)
    primary = language.split("-", maxsplit=1)[0]
    if primary == "da":
        return f"{value.day}. {MONTHS['da'][value.month - 1]} {value.year}"
    return f"{value.day} {MONTHS['en'][value.month - 1]} {value.year}"


def all_sources(course: Course) -> list[Source]:
    """The course's sources plus every fact's source, each page once."""
    sources = list(course.sources)
    seen = {s.url or s.title for s in sources}
    for fact in sorted(course.facts.values(), key=lambda f: f.name):
        if fact.source and (fact.url or fact.source) not in seen:
            seen.add(fact.url or fact.source)
            sources.append(Source(fact.source, fact.url, fact.date, checked=fact.checked))
    return sources


def brand_css(course: Course) -> str:
    colors = course.brand.colors if course.brand else {}
    names = {"primary": "--tk-primary", "primary_text": "--tk-primary-text", "accent": "--tk-accent",
             "background": "--tk-bg", "text": "--tk-text"}
    decls = ";".join(f"{names[k]}:{v}" for k, v in sorted(colors.items()) if k in names)
    return f":root{{{decls}}}\n" if decls else "/* no brand colours */\n"


def page_context(course: Course) -> dict[str, Any]:
    return {
        "course": course,
        "brand": course.brand,
        "facts": course.facts,
        "t": Translator(course.language),
        "path_labels": {o.id: o.label for o in course.paths.options} if course.paths else {},
        "help_lines": [help_line(course, prefix) for prefix in course.help],
    }


def help_line(course: Course, prefix: str) -> dict[str, str]:
    """One help line for every page: name, the number to show (non-breaking) and to dial."""
    facts = course.facts
    phone = facts[f"{prefix}.phone"].value
    when = facts.get(f"{prefix}.when")
    return {"name": facts[f"{prefix}.name"].value, "phone": phone.replace(" ", NBSP), "tel": dial(phone),
            "when": when.value if when else ""}


def page_keys(course: Course, context: str, sources: dict[Path, str] | None = None) -> tuple[list[str], str]:
    """A cache key per lesson page, and one the overview pages start from:
    everything the page templates are given.

    *context* is the lesson cache's digest (templates, facts, brand folders,
    lesson files, toolkit version).  Added here: course.yaml, the brand's
    settings, every fact with its source (the overview lists them), the
    outline of every lesson (what navigation, counts and path labels can
    show), where each lesson file's links lead, and the page's own rendered
    body.  The body is known by the digest of the lesson's source, when
    *sources* has it (the lesson cache's, by file, for a lesson that looked up
    no media: within one context its source decides its body), else by the
    body itself.  A template that shows
    another lesson's body is the one thing not covered.
    """
    shared = hashlib.sha256(context.encode())
    try:
        shared.update((course.root / "course.yaml").read_bytes())
    except OSError:
        shared.update(repr(course.root).encode())
    shared.update(repr(course.brand).encode())
    shared.update(repr(sorted((f.name, f.value, f.source, f.url, f.date, f.origin, f.checked)  # the overview's sources
                              for f in course.facts.values())).encode())
    shared.update(repr([(le.id, le.title, le.filename, le.paths, le.index, le.origin, le.description,
                         le.duration_minutes, len(lesson_ids(le)[0]), le.source.name) for le in course.lessons]).encode())
    keys = []
    known = sources or {}
    for lesson in course.lessons:
        h = shared.copy()
        source = known.get(lesson.source)
        h.update(lesson.id.encode() + (b"\0s" + source.encode() if source else b"\0h" + lesson.html.encode()))
        keys.append(h.hexdigest())
    return keys, shared.hexdigest()


def render_pages(course: Course, env: Callable[[], jinja2.Environment],
                 cache: LessonCache | None = None, digests: dict[str, str] | None = None) -> dict[str, bytes]:
    """Every HTML page of the site (UTF-8), by file name; pages come from *cache* when unchanged,
    and then *digests* gets each page's SHA-256 (the cache has it) for the writer.

    *env* gives the Jinja environment; it is called only when a page is rendered."""
    made: list[Any] = []
    templates: dict[str, jinja2.Template] = {}

    def template(name: str) -> jinja2.Template:
        if not made:
            e = env()
            e.filters.setdefault("longdate", longdate)
            e.filters.setdefault("dial", dial)
            e.filters.setdefault("nbsp", lambda text: str(text).replace(" ", NBSP))
            # The environment is made for this build: its templates cannot change while the pages
            # are rendered, so Jinja need not look at each file's mtime at every extends and include.
            e.auto_reload = False
            values = page_context(course)
            verdicts = cache.bytecode if cache is not None else None  # kept with the compiled templates
            made.extend([e, {**values, "page_part": _page_parts(e, template, frozenset(values), verdicts)}])
        if name not in templates:
            templates[name] = made[0].get_template(name)
        return templates[name]

    keys, shared = page_keys(course, cache.context, cache.plain_keys()) if cache is not None else ([], "")

    pages: dict[str, bytes] = {}

    def page(name: str, key: str, render: Callable[[], str]) -> None:
        if cache is None:
            pages[name] = render().encode("utf-8")
            return
        pages[name] = cache.page(key, lambda: render().encode("utf-8"))
        if digests is not None:
            digests[name] = cache.page_digest(key)

    page("index.html", f"{shared}:index.html",
         lambda: template("overview.html").render(made[1], sources=all_sources(course)))
    page("launch.html", f"{shared}:launch.html", lambda: template("launch.html").render(made[1]))
    lessons = course.lessons
    for i, lesson in enumerate(lessons):
        def render(i: int = i, lesson: Any = lesson) -> str:
            return template("lesson.html").render(made[1], lesson=lesson, prev=lessons[i - 1] if i else None,
                                                  next=lessons[i + 1] if i + 1 < len(lessons) else None)
        page(lesson.filename, keys[i] if keys else "", render)
    return pages


def _page_parts(env: jinja2.Environment, template: Callable[[str], jinja2.Template],
                values: frozenset[str], verdicts: MutableMapping[str, bytes] | None = None) -> Callable[..., Any]:
    """``page_part(name)`` for base.html: the template *name* rendered with the page's values,
    as ``{% include %}`` renders it, but once for all the course's pages when it shows only what
    they share (:func:`course_wide` of the course's *values*, remembered in *verdicts*), as the
    brand header, help lines and contact box do."""
    import jinja2
    from markupsafe import Markup

    done: dict[str, Any] = {}

    @jinja2.pass_context
    def page_part(context: jinja2.runtime.Context, name: str) -> Any:
        if name in done:
            return done[name]
        html = Markup(template(name).render(context.get_all()))
        if course_wide(env, name, values, verdicts):
            done[name] = html
        return html

    return page_part


def course_wide(env: jinja2.Environment, name: str, values: frozenset[str],
                verdicts: MutableMapping[str, bytes] | None = None) -> bool:
    """Whether template *name* shows the same on every page of a course: it reads no value but
    *values* (those :func:`page_context` gives), calls none of Jinja's globals, uses no other
    template, and draws nothing at random.

    The answer depends on nothing but the template's source, *values* and the names of the
    globals; with *verdicts* (the build cache's, beside Jinja's compiled templates) it is kept
    under the template's name with the digest of those, so that a build that renders one page
    need not parse the template again."""
    assert env.loader is not None
    source = env.loader.get_source(env, name)[0]
    digest = hashlib.sha256(repr((source, sorted(values), sorted(env.globals))).encode()).digest()
    key = f"course_wide:{name}"
    known = verdicts.get(key) if verdicts is not None else None
    if isinstance(known, bytes) and known[:-1] == digest:
        return known[-1:] == b"1"
    from jinja2 import meta, nodes

    ast = env.parse(source)
    wide = (meta.find_undeclared_variables(ast) <= values  # (which leaves out Jinja's globals: lipsum...)
            and not any(name.name in env.globals for name in ast.find_all(nodes.Name))
            and not any(True for _ in meta.find_referenced_templates(ast))
            and not any(node.name == "random" for node in ast.find_all((nodes.Filter, nodes.Test))))
    if verdicts is not None:
        verdicts[key] = digest + (b"1" if wide else b"0")
    return wide


def stamp(path: str | Path, digest: str) -> str:
    """What the cache keeps of a file written: its content's digest and its stat.  The ctime is
    part of it, so that an edit that keeps the size and puts the mtime back is seen."""
    st = os.stat(path)
    return f"{digest}:{st.st_size}:{st.st_mtime_ns}:{st.st_ino}:{st.st_ctime_ns}"


def restamp(root: Path, digests: dict[str, str]) -> dict[str, str]:
    """The stamps of the files of *root*, from their digests: taken once the tree is in its place
    and the previous one removed (linking a file, and unlinking its old name, changes its ctime).
    An entry that is a stamp already (a file left alone, see :class:`InPlaceWriter`) is kept."""
    base = str(root)
    return {rel: digest if ":" in digest else stamp(os.path.join(base, rel), digest)
            for rel, digest in digests.items()}


class Writer:
    """Writes files into a fresh output tree, reusing unchanged files.

    When the previous build has a byte-identical file at the same place, it
    is hard-linked instead of written again: on many file systems creating a
    file costs far more than linking one, and most files of a rebuild are
    unchanged.  With *digests* (what the cache kept of the previous tree, see
    :func:`stamp`), "identical" is decided from the digest, the size and the
    mtime, without reading the old file; without them, by reading it.  The
    previous tree itself is never modified.  ``digests_out`` has each file's
    digest, for :func:`restamp` once the tree is in place: what the next build
    will need.

    With *kept* (``toolkit preview``: the files this process wrote into
    *dest* last time, by path), *dest* is updated in place instead: files
    whose bytes did not change are left alone, changed ones are replaced
    (each by a rename, so a reader never sees half a file), and
    :meth:`prune` removes the files no longer built.
    """

    def __init__(self, dest: Path, previous: Path | None, digests: dict[str, str] | None = None,
                 kept: dict[str, bytes] | None = None, known: dict[str, str] | None = None) -> None:
        self.dest = dest
        self.known = known or {}  # the SHA-256 of some files' bytes, computed already (the pages the cache had)
        self.kept = kept
        self.previous = previous if previous is not None and previous.is_dir() else None
        self.digests = digests
        self.digests_out: dict[str, str] = {}
        self.written = 0
        self.reused = 0
        self.files: dict[str, bytes] = {}  # everything written, for the packagers
        self.course_data: dict[str, Any] = {}  # what assets/course-data.js holds, for the packagers
        self._dirs: set[str] = set()

    def _reuse(self, old: str, target: str, rel: str, data: bytes, digest: str) -> str | None:
        """Link *old* to *target* when it holds *data*; its stamp (see :func:`stamp`) when it did."""
        if self.digests is None:
            if os.stat(old).st_size != len(data):
                return None
            with open(old, "rb") as fh:
                if fh.read() != data:
                    return None
            os.link(old, target)
            return ""
        known = self.digests.get(rel)
        if known is None or not known.startswith(digest + ":") or stamp(old, digest) != known:
            return None
        os.link(old, target)
        return digest

    def write_bytes(self, rel: str, data: bytes) -> None:
        self.files[rel] = data
        if self.kept is not None and self.kept.get(rel) == data:
            self.reused += 1
            return
        target = os.path.join(self.dest, rel)
        folder = os.path.dirname(target)
        if folder not in self._dirs:
            os.makedirs(folder, exist_ok=True)
            self._dirs.add(folder)
        if self.kept is not None:
            with replacing(target) as fh:
                fh.write(data)
            self.written += 1
            return
        digest = (self.known.get(rel) or hashlib.sha256(data).hexdigest()) if self.digests is not None else ""
        known = None
        if self.previous is not None:
            try:
                known = self._reuse(os.path.join(self.previous, rel), target, rel, data, digest)
            except OSError:
                known = None
        if known is None:
            _write_file(target, data)
            self.written += 1
        else:
            self.reused += 1
        if self.digests is not None:  # stamped by restamp() once the tree is in place
            self.digests_out[rel] = digest

    def sha256s(self) -> dict[str, str]:
        """The SHA-256 of each file written so far whose digest this writer knows (``digests_out``
        holds a digest, or a stamp that starts with one)."""
        return {rel: d.partition(":")[0] for rel, d in self.digests_out.items() if d}

    def write_text(self, rel: str, text: str) -> None:
        self.write_bytes(rel, text.encode("utf-8"))

    def copy(self, rel: str, source: Path) -> None:
        self.write_bytes(rel, source.read_bytes())

    def prune(self) -> None:
        """Remove the kept files that this build did not write (a lesson renamed or removed)."""
        for rel in sorted(set(self.kept or ()) - set(self.files)):
            with contextlib.suppress(FileNotFoundError):
                os.remove(os.path.join(self.dest, rel))


def _write_file(path: str, data: bytes) -> None:
    """*data* into a new file at *path*, as ``open(path, "wb")`` would write it, without the
    file object around the descriptor (a thousand pages: about 8 ms less)."""
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o666)
    with naming(path):
        try:
            view = memoryview(data)
            while view:
                view = view[os.write(fd, view):]
        finally:
            os.close(fd)


class InPlaceWriter(Writer):
    """Updates the previous tree, *dest*, by what the cache kept of it (*digests*, see :func:`stamp`).

    A file whose digest and stat are what the cache recorded is left alone: no write, no link,
    and its stamp stays valid.  Any other file is written beside its place (``<name>.tmp-<pid>``);
    :meth:`commit` renames them all into place and removes every file this build did not write,
    :meth:`abort` removes them, leaving *dest* as it was.  So only what changed costs."""

    def __init__(self, dest: Path, digests: dict[str, str], known: dict[str, str] | None = None) -> None:
        super().__init__(dest, None, digests, known=known)
        self.pending: list[tuple[str, str]] = []

    def write_bytes(self, rel: str, data: bytes) -> None:
        self.files[rel] = data
        target = os.path.join(self.dest, rel)
        digest = self.known.get(rel) or hashlib.sha256(data).hexdigest()
        known = (self.digests or {}).get(rel)
        try:
            same = known is not None and known.startswith(digest + ":") and stamp(target, digest) == known
        except OSError:
            same = False
        if same:
            assert known is not None
            self.digests_out[rel] = known
            self.reused += 1
            return
        folder = os.path.dirname(target)
        if folder not in self._dirs:
            os.makedirs(folder, exist_ok=True)
            self._dirs.add(folder)
        tmp = f"{target}.tmp-{os.getpid()}"
        self.pending.append((tmp, target))
        _write_file(tmp, data)
        self.digests_out[rel] = digest  # stamped by restamp() after the commit
        self.written += 1

    def commit(self) -> None:
        for tmp, target in self.pending:
            os.replace(tmp, target)
        self.pending = []
        folders = []
        stack = [("", str(self.dest))]
        while stack:  # os.scandir, not os.walk and relpath: a third of the time on 1,000 files
            rel_dir, folder = stack.pop()
            with os.scandir(folder) as entries:
                for entry in entries:
                    rel = rel_dir + entry.name
                    if entry.is_dir(follow_symlinks=False):
                        stack.append((rel + "/", entry.path))
                        folders.append(entry.path)
                    elif rel not in self.files:  # no longer built, or never built here: a clean build has no such file
                        os.remove(entry.path)
        for folder in reversed(folders):  # the deepest first
            with contextlib.suppress(OSError):  # only when empty
                os.rmdir(folder)

    def abort(self) -> None:
        for tmp, _ in self.pending:
            with contextlib.suppress(OSError):
                os.remove(tmp)
        self.pending = []


def write_site(course: Course, pages: dict[str, bytes], media: MediaMap, dest: Path,
               project_root: Path | None, settings: dict[str, Any], previous: Path | None = None,
               digests: dict[str, str] | None = None, kept: dict[str, bytes] | None = None,
               in_place: bool = False, known: dict[str, str] | None = None) -> Writer:
    """The site into *dest*; with *kept*, or *in_place* with *digests*, *dest* is updated in place
    (see :class:`Writer` and :class:`InPlaceWriter`).  *known* has the SHA-256 of pages whose
    digest the cache kept (see :func:`render_pages`): they are not hashed again."""
    dest.mkdir(parents=True, exist_ok=True)
    writer = InPlaceWriter(dest, digests or {}, known) if in_place else Writer(dest, previous, digests, kept, known)
    try:
        assets: dict[str, Path] = {}
        for folder in reversed(asset_chain(course.brand, project_root)):  # most specific wins
            for file in sorted(folder.rglob("*")):
                if file.is_file() and escape_problem(file, folder) is None:  # links: errors of the check
                    assets[f"assets/{file.relative_to(folder).as_posix()}"] = file
        runtime = {f"assets/{name}": data for name, data in runtime_assets().items()}
        for rel, file in sorted(assets.items()):
            if rel not in runtime:
                writer.copy(rel, file)
        for rel, data in sorted(runtime.items()):
            writer.write_bytes(rel, data)
        writer.write_text("assets/brand.css", brand_css(course))
        writer.course_data = course_data(course, settings, encoded=True)
        writer.write_bytes(COURSE_DATA, course_data_script(writer.course_data))
        for name, html in pages.items():
            writer.write_bytes(name, html)
        for source, target in sorted(media.files.items(), key=lambda item: item[1]):
            writer.copy(target, source)
        for rel, blob in offline_files(course, dict(writer.files), writer.sha256s()).items():
            writer.write_bytes(rel, blob)
        writer.prune()
    except BaseException:  # Ctrl+C too: what was written beside the old files goes, before anyone sees it
        if isinstance(writer, InPlaceWriter):
            writer.abort()
        raise
    return writer
