"""The one pipeline: load and check, model, render, write, package.

Everything is gathered and checked before anything is written.  Output is
written to a staging folder and swapped into place only when every course has
built, so a failed build leaves the previous ``build/`` as it was.  With a warm
cache a course's previous site is updated in place instead: only the files that
changed are written, beside their old versions, and renamed into place at the
same moment (``site.InPlaceWriter``); a failure before then removes them.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import functools
import gc
import os
import shutil
import tempfile
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from toolkit.blobs import file_stamp
from toolkit.cache import CacheDamaged, Entry, LessonCache, cache_path, context_digest, read_parsed, save_caches
from toolkit.errors import CheckFailed, ConfigError, Diagnostic
from toolkit.model import Course, Lesson, when_loaded
from toolkit.parallel import MIN_LESSONS, default_jobs, render_lessons, render_one
from toolkit.render.env import make_environment, template_chain
from toolkit.render.markdown import LessonRenderer, MediaMap, resolve_lesson_links
from toolkit.replay import FORMATS, discover_courses
from toolkit.site import InPlaceWriter, Writer, render_pages, restamp, write_site
from toolkit.source.brand import find_brands_dir, load_brand, project_root_of
from toolkit.source.checks import check_course, check_statement
from toolkit.source.course import add_lessons, load_course
from toolkit.source.report import Report
from toolkit.source.yamlutil import keeping_parsed

if TYPE_CHECKING:
    from toolkit.catalogue import Catalogue
    from toolkit.packaging.zipcopy import ZipReuse

# FORMATS and discover_courses live in toolkit.replay, which runs before the pipeline is imported.
__all__ = ["FORMATS", "BuildOptions", "build", "check", "discover_courses", "failing"]


@dataclass
class BuildOptions:
    """What ``toolkit build`` was asked to do."""

    out: Path = Path("build")
    formats: tuple[str, ...] = FORMATS
    brand: str | None = None
    strict: bool = False
    no_cache: bool = False
    today: dt.date | None = None
    settings: dict[str, Any] = field(default_factory=dict)
    jobs: int | None = None  # worker processes for rendering lessons; None: one per core
    sanitize_html: bool = False  # as if every course.yaml said sanitize_html: true
    # ``toolkit preview``: each course's site is updated in place, in
    # out/<slug>/site, and this maps that folder to the files this process
    # wrote there last time (the build keeps it up to date); no packages.
    live_sites: dict[Path, dict[str, bytes]] | None = None
    # The stats of the build's inputs as toolkit.replay took them a moment ago (its fingerprint's,
    # by resolved path, but those too fresh to trust): the lesson files are not stat'ed again for
    # the cache.
    input_stats: Mapping[str, str] | None = None


@dataclass
class LoadedCourse:
    """One course loaded, checked and rendered in memory, not yet written."""

    course: Course
    pages: dict[str, bytes]  # UTF-8, by file name
    media: MediaMap
    cache: LessonCache | None = None
    page_digests: dict[str, str] = field(default_factory=dict)  # SHA-256 of pages, where the cache kept it


@dataclass
class CourseResult:
    """One course built: its site and its packages."""

    course: Course
    site: Path
    packages: dict[str, Path] = field(default_factory=dict)


def load_and_render(course_dir: Path, brand_name: str | None, report: Report,
                    today: dt.date | None = None, cache_dir: Path | None = None,
                    progress: Callable[[str], None] | None = None, jobs: int | None = None,
                    sanitize_html: bool = False, read_blobs: bool = True,
                    input_stats: Mapping[str, str] | None = None) -> LoadedCourse | None:
    """Load, check and render one course in memory; nothing is written.

    With *cache_dir*, lessons whose inputs did not change are reused from the
    previous build instead of being parsed and rendered again (without
    *read_blobs*, only what the cache keeps beside its blob file is).  The
    others are rendered by *jobs* worker processes when there are many of them.
    *input_stats*: see ``BuildOptions.input_stats``.
    """
    mark = len(report.items)
    project = project_root_of(course_dir)
    brand = load_brand(find_brands_dir(course_dir), brand_name, report)
    course = load_course(course_dir, brand, report)
    if course is None:
        return None
    course.sanitize_html = course.sanitize_html or sanitize_html
    media = MediaMap()
    names = {f.name for f, _ in course.lesson_files}
    cache = None
    if cache_dir is not None:
        context = context_digest(course, template_chain(brand, project), cache_dir.parent)
        cache = LessonCache(cache_path(cache_dir), f"{brand.name}-{course.slug}", context, read_blobs,
                            _lesson_signatures(course, course_dir, input_stats))
    @functools.cache
    def env() -> Any:  # Jinja, and with it Markdown, only when something is rendered
        return make_environment(brand, project, cache.bytecode if cache is not None else None)

    @functools.cache
    def renderer() -> LessonRenderer:  # also for an entry the cache has but cannot read
        return LessonRenderer(course, env(), MediaMap())

    try:
        misses = [f for f, _ in course.lesson_files if cache is None or not cache.has(f)]
        rendered = render_lessons(misses, course, renderer(), names, default_jobs() if jobs is None else jobs,
                                  progress) if misses else {}

        def process(file: Path, course: Course, report: Report) -> Lesson | None:
            entry = cache.get(file) if cache else None
            done = None
            lesson: Lesson | None
            if entry is not None:
                lesson, items, used = entry.lesson, entry.diagnostics, entry.media
            else:
                done = rendered.pop(file, None)
                lesson, items, used, probes = done or render_one(file, course, renderer(), names)
                if lesson is not None and cache is not None and not any(d.severity == "error" for d in items):
                    cache.put(file, Entry(lesson, items, used, probes))
            if progress is not None and (entry is not None or done is None):  # workers report their own
                progress(file.name)
            report.items.extend(items)
            for source in used:
                media.add(source)
            return lesson

        with _gc_paused(cache is not None and len(misses) < MIN_LESSONS):  # cached lessons: all long-lived
            add_lessons(course, report, process)
        by_file = {le.source.name: le.filename for le in course.lessons}

        def resolve(lesson: Lesson) -> None:
            lesson.html = resolve_lesson_links(lesson.html, by_file)

        for lesson in course.lessons:  # a cached lesson's when its HTML is loaded, if its page is rendered
            when_loaded(lesson, resolve)
        check_course(course, report, today)
        digests: dict[str, str] = {}
        pages = render_pages(course, env, cache, digests)
    except CacheDamaged:
        damaged = True
    else:
        damaged = False
    finally:
        if cache is not None:
            cache.close_blobs()  # all the build reads of the old cache is read by now
    if cache is not None and (cache.read_changed or damaged):
        # The blob file was written in place while this build read it (a copy onto it, a restore), or
        # a lesson in it cannot be read: what came from it cannot be trusted, so the course is loaded
        # again without it.
        del report.items[mark:]
        return load_and_render(course_dir, brand_name, report, today, cache_dir, None, jobs, sanitize_html,
                               read_blobs=False)  # (its lessons' progress was reported once already)
    return LoadedCourse(course, pages, media, cache, digests)


def _lesson_signatures(course: Course, course_dir: Path, input_stats: Mapping[str, str] | None) -> dict[str, str]:
    """The replay's signature of each of the course's own lesson files, by the path the cache keys
    it by.  The replay stats the course's resolved folder, which holds no symbolic link to a folder
    (it could not be replayed); a lesson file that is a link is left out (its signature there
    names the link too), and so is a lesson of a brand's folder: the cache stats those."""
    if not input_stats:
        return {}
    prefix = str(course_dir) + os.sep
    resolved = str(course_dir.resolve()) + os.sep
    found = {}
    for file, _ in course.lesson_files:
        path = str(file)
        if path.startswith(prefix):
            sig = input_stats.get(resolved + path[len(prefix):])
            if sig is not None and sig.count(":") == 3:
                found[path] = sig
    return found


@contextlib.contextmanager
def _gc_paused(pause: bool) -> Iterator[None]:
    """The cyclic garbage collector paused, when *pause*: unpickling a large course's cached lessons
    allocates only objects that live as long as the build, and the full collections that this
    triggers find nothing (about 50 ms of CPU of a one-lesson rebuild of 1,000 lessons)."""
    if not pause or not gc.isenabled():
        yield
        return
    gc.disable()
    try:
        yield
    finally:
        gc.enable()


def check(course_dirs: list[Path], brand: str | None = None, today: dt.date | None = None,
          cache_dir: Path | None = None, progress: Callable[[str], None] | None = None,
          jobs: int | None = None, sanitize_html: bool = False,
          input_stats: Mapping[str, str] | None = None) -> tuple[list[LoadedCourse], Report]:
    """Load, render and check courses in memory; *progress* is called per lesson."""
    report = Report()
    loaded = [lc for d in course_dirs
              if (lc := load_and_render(d, brand, report, today, cache_dir, progress, jobs, sanitize_html,
                                        input_stats=input_stats)) is not None]
    check_statement([lc.course for lc in loaded], report)  # once per run, not once per course
    return loaded, report


def failing(report: Report, strict: bool) -> list[Diagnostic]:
    return report.errors + (report.warnings if strict else [])


def build(course_dirs: list[Path], options: BuildOptions,
          progress: Callable[[str], None] | None = None) -> tuple[list[CourseResult], Report]:
    unknown = [f for f in options.formats if f not in FORMATS]
    if unknown:
        raise ConfigError(f"unknown format(s): {', '.join(unknown)} (choose from {', '.join(FORMATS)})")
    if options.live_sites is not None and options.formats:
        raise ConfigError("a site updated in place is built without packages")
    unique: dict[str, Path] = {}  # a course named twice (courses/x and courses/x/, or through a link) is built once
    for d in course_dirs:
        unique.setdefault(os.path.realpath(d), d)
    course_dirs = list(unique.values())
    cache_dir = None if options.no_cache else options.out / ".cache"
    parsed = read_parsed(cache_dir) if cache_dir is not None else None
    with keeping_parsed(parsed):  # YAML files unchanged since the last build are not parsed again
        loaded, report = check(course_dirs, options.brand, options.today, cache_dir, progress, options.jobs,
                               options.sanitize_html, options.input_stats)
        roots: dict[str, Path] = {}
        for lc in loaded:  # each course's output is out/<slug>: two of one name would overwrite each other
            other = roots.setdefault(lc.course.slug, lc.course.root)
            if other != lc.course.root:
                raise ConfigError(f"{lc.course.root} and {other}: two courses named '{lc.course.slug}' in one "
                                  f"build would write the same folder, {options.out / lc.course.slug}; build them "
                                  "one by one into different output folders, or rename one")
        catalogue = _catalogue_for(loaded, report)
    if failing(report, options.strict):
        raise CheckFailed(report.items)
    from toolkit.packaging.zipcopy import ZipReuse

    out = options.out
    out.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=".staging-", dir=out))
    results: list[CourseResult] = []
    updates: list[tuple[str, InPlaceWriter]] = []  # courses whose site is updated in place
    try:
        for lc in loaded:
            course = lc.course
            stage = staging / course.slug
            settings = {**(course.brand.settings if course.brand else {}), **options.settings}
            if catalogue is not None:  # the site's pages link back to it (a package stands alone)
                settings["catalogue_url"] = "../../catalogue/index.html"
            cache = lc.cache
            result = CourseResult(course, out / course.slug / "site")
            if options.live_sites is not None:
                _write_live(lc, result.site, settings, options.live_sites)
                results.append(result)
                continue
            final = out / course.slug
            old_site = cache.old_outputs.get("site", {}) if cache is not None else None
            if old_site and (final / "site").is_dir():  # update the previous tree: only what changed is written
                writer = write_site(course, lc.pages, lc.media, final / "site", project_root_of(course.root), settings,
                                    digests=old_site, in_place=True, known=lc.page_digests)
                assert isinstance(writer, InPlaceWriter)
                updates.append((course.slug, writer))
                stage.mkdir(parents=True)  # for the packages
            else:
                writer = write_site(course, lc.pages, lc.media, stage / "site", project_root_of(course.root), settings,
                                    previous=final / "site", digests=old_site, known=lc.page_digests)
            reuse = {name: ZipReuse(out / course.slug / name, _trusted(cache.old_outputs.get(name, {}),
                                                                       out / course.slug / name))
                     for name in (f"{course.slug}-{fmt}.zip" for fmt in options.formats)} if cache is not None else {}
            packages = _package(course, stage, options.formats, settings, writer, reuse)
            result.packages = {fmt: out / course.slug / p.name for fmt, p in packages.items()}
            results.append(result)
            if cache is not None:
                cache.new_outputs = {"site": writer.digests_out,
                                     **{name: {**r.new, ZIP_STAT: ""} for name, r in reuse.items()}}
        if catalogue is not None:
            from toolkit.catalogue import write_catalogue

            first = loaded[0].course
            project = project_root_of(first.root)
            write_catalogue(catalogue, [lc.course for lc in loaded], first.brand, make_environment(first.brand, project),
                            staging / "catalogue", project, out / "catalogue")
            _swap(staging / "catalogue", out / "catalogue")
        in_place = dict(updates)
        for lc in loaded if options.live_sites is None else ():
            slug = lc.course.slug
            if slug in in_place:
                _commit(in_place.pop(slug), staging / slug, out / slug)
            else:
                _swap(staging / slug, out / slug)
        shutil.rmtree(staging, ignore_errors=True)
        for lc in loaded if options.live_sites is None else ():
            if lc.cache is not None:  # stats as they are now that the old tree and the staging one are gone
                outputs = lc.cache.new_outputs
                outputs["site"] = restamp(out / lc.course.slug / "site", outputs["site"])
                for name, digests in outputs.items():
                    if ZIP_STAT in digests:
                        digests[ZIP_STAT] = file_stamp(out / lc.course.slug / name)
        save_caches([lc.cache for lc in loaded if lc.cache is not None], parsed)
    finally:
        for _, writer in updates:
            writer.abort()  # what was not committed: the previous tree stays as it was
        shutil.rmtree(staging, ignore_errors=True)
    return results, report


def _commit(writer: InPlaceWriter, stage: Path, final: Path) -> None:
    """A course updated in place: its site's new files renamed into place, its packages moved
    beside it, and whatever else *final* holds removed, as a swap would have."""
    writer.commit()
    packages = {p.name for p in stage.glob("*.zip")}
    for name in sorted(packages):
        os.replace(stage / name, final / name)
    for entry in os.scandir(final):
        if entry.name not in packages and entry.name != "site":
            if entry.is_dir(follow_symlinks=False):
                shutil.rmtree(entry.path)
            else:
                os.remove(entry.path)


ZIP_STAT = "\0stat"  # beside a zip's entry digests: the stat of the zip they describe (blobs.file_stamp)


def _trusted(digests: dict[str, str], path: Path) -> dict[str, str]:
    """The digests the cache kept of a zip, if the zip is still the file they describe: an edit can
    keep its size and mtime, not its ctime."""
    return digests if digests.get(ZIP_STAT) == file_stamp(path) != "" else {}


def _write_live(lc: LoadedCourse, site: Path, settings: dict[str, Any], live: dict[Path, dict[str, bytes]]) -> None:
    """*site* updated in place from what this process wrote there last time (``live[site]``)."""
    kept = live.pop(site, None)
    if kept is None:  # not written by this process yet: start from nothing
        shutil.rmtree(site, ignore_errors=True)
    writer = write_site(lc.course, lc.pages, lc.media, site, project_root_of(lc.course.root), settings,
                        kept=kept or {})
    live[site] = writer.files  # only once every file is written: a failed write starts again from nothing


def _catalogue_for(loaded: list[LoadedCourse], report: Report) -> Catalogue | None:
    """The catalogue, when the build covers every course of the project's ``courses/``."""
    if not loaded:
        return None
    courses_dir = project_root_of(loaded[0].course.root) / "courses"
    path = courses_dir / "catalogue.yaml"
    all_slugs = {p.parent.name for p in courses_dir.glob("*/course.yaml")}
    built = {lc.course.slug for lc in loaded}
    if not path.is_file() or not all_slugs or not all_slugs <= built:
        return None
    from toolkit.catalogue import load_catalogue  # (only for a project that has one)

    return load_catalogue(path, built, report)


def _package(course: Course, stage: Path, formats: tuple[str, ...], settings: dict[str, Any],
             writer: Writer, reuse: dict[str, ZipReuse]) -> dict[str, Path]:
    from toolkit.packaging import build_packages

    return build_packages(course, stage / "site", stage, formats, settings, writer.files, reuse, writer.course_data,
                          writer.sha256s())


def _swap(new: Path, final: Path) -> None:
    """Replace *final* by *new* with renames, keeping the old one until the end."""
    final.parent.mkdir(parents=True, exist_ok=True)
    old = final.with_name(f".old-{final.name}-{os.getpid()}")
    if final.exists():
        final.rename(old)
    try:
        new.rename(final)
    except OSError:
        if old.exists():
            old.rename(final)
        raise
    shutil.rmtree(old, ignore_errors=True)
