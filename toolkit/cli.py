"""The ``toolkit`` command line: a thin click layer over the library API."""

from __future__ import annotations

import datetime as dt
import importlib
import sys
from pathlib import Path

import click

from toolkit import __version__, command
from toolkit.errors import Diagnostic, ToolkitError

# Command groups imported only when used, so `toolkit build` does not pay for
# the LRS server's and the records client's imports.
LAZY_GROUPS = {"lrs": "toolkit.lrs.cli", "records": "toolkit.records.cli"}


def _echo(text: str, err: bool = False, red: bool = False) -> None:
    if red:
        click.secho(text, err=err, fg="red")
    else:
        click.echo(text, err=err)


def _print_diagnostics(items: list[Diagnostic], verbose: bool = False) -> None:
    command.print_diagnostics(items, verbose, out=_echo)


class ToolkitGroup(click.Group):
    """Turns every :class:`ToolkitError` into a clean message and exit code."""

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted([*super().list_commands(ctx), *LAZY_GROUPS])

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        if cmd_name in LAZY_GROUPS:
            command: click.Command = getattr(importlib.import_module(LAZY_GROUPS[cmd_name]), cmd_name)
            return command
        return super().get_command(ctx, cmd_name)

    def invoke(self, ctx: click.Context) -> object:
        try:
            return super().invoke(ctx)
        except (ToolkitError, OSError) as exc:  # CheckFailed is a ToolkitError
            command.failure(exc, out=_echo)
            sys.exit(1)


SANITIZE_HELP = ("Remove scripts, frames, event handlers and javascript: links from the lessons' own HTML "
                 "(as sanitize_html: true in course.yaml).")


@click.group(cls=ToolkitGroup)
@click.version_option(__version__, prog_name="toolkit")
def main() -> None:
    """Build e-learning courses from YAML + Markdown into sites and LMS packages."""


def _parse_date(value: str | None) -> dt.date | None:
    if value is None:
        return None
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise click.BadParameter(f"'{value}' is not a date as YYYY-MM-DD") from None


@main.command()
@click.argument("course_dirs", nargs=-1, type=click.Path(path_type=Path, exists=True, file_okay=False))
@click.option("--out", type=click.Path(path_type=Path, file_okay=False), default=None,
              help="Output folder (default: build/, or build/brands/<brand>/ with --brand).")
@click.option("--format", "formats", multiple=True, help="Package format(s) to build (default: all).")
@click.option("--brand", default=None, help="Brand folder under brands/ to apply.")
@click.option("--strict", is_flag=True, help="Fail on warnings too.")
@click.option("--lrs-endpoint", default=None, help="LRS endpoint for SCORM and web packages.")
@click.option("--lrs-key", default=None, help="Write-only LRS key 'user:secret' embedded in SCORM and web packages.")
@click.option("--actor-homepage", default=None, help="homePage of learners' xAPI account ids.")
@click.option("--today", default=None, envvar="TOOLKIT_TODAY",
              help="Date used for review checks (YYYY-MM-DD; default: $TOOLKIT_TODAY, else today).")
@click.option("--no-cache", is_flag=True, help="Render every lesson again instead of reusing unchanged ones.")
@click.option("--jobs", "-j", type=click.IntRange(min=1), default=None,
              help="Processes rendering lessons of large courses (default: one per core; 1: none).")
@click.option("--sanitize-html", is_flag=True, help=SANITIZE_HELP)
@click.option("--watch", is_flag=True,
              help="After building, build again whenever a source changes (Ctrl+C to stop).")
def build(course_dirs: tuple[Path, ...], out: Path | None, formats: tuple[str, ...], brand: str | None,
          strict: bool, lrs_endpoint: str | None, lrs_key: str | None, actor_homepage: str | None,
          today: str | None, no_cache: bool, jobs: int | None, sanitize_html: bool, watch: bool) -> None:
    """Build course sites and packages (every course under courses/ by default)."""
    from toolkit import replay

    dirs = replay.discover_courses(list(course_dirs))
    if out is None:
        out = Path("build") / "brands" / brand if brand else Path("build")
    settings = {k: v for k, v in {"lrs_endpoint": lrs_endpoint, "lrs_key": lrs_key,
                                  "lrs_homepage": actor_homepage}.items() if v}
    day = _parse_date(today)
    fmts = tuple(formats) or replay.FORMATS
    key = {"formats": fmts, "brand": brand, "settings": settings, "sanitize_html": sanitize_html}
    target = out
    fingerprint = None
    if not no_cache and not watch:  # a build with the cache off is always run
        fingerprint = replay.start(dirs, target, key, day)
        if fingerprint.record is not None:
            command.replay(fingerprint.record, strict, out=_echo)
            return
    from toolkit.build import BuildOptions

    options = BuildOptions(out=target, formats=fmts, brand=brand, strict=strict, no_cache=no_cache, today=day,
                           settings=settings, jobs=jobs, sanitize_html=sanitize_html)
    if watch:  # each build takes its own fingerprint, as a toolkit build run then would
        command.watch(lambda: replay.discover_courses(list(course_dirs)), options,  # found again each build
                      lambda found: None if no_cache else replay.start(found, target, key, day), out=_echo)
        return
    if command.wants_progress(dirs):
        total = sum(len(list((d / "lessons").glob("*.md"))) for d in dirs)
        with click.progressbar(length=total, label="Rendering lessons", file=sys.stderr) as bar:
            command.run_build(dirs, options, fingerprint, lambda _name: bar.update(1), out=_echo)
    else:
        command.run_build(dirs, options, fingerprint, out=_echo)


@main.command()
@click.argument("course_dirs", nargs=-1, type=click.Path(path_type=Path, exists=True, file_okay=False))
@click.option("--brand", default=None, help="Check with this brand's facts and lessons.")
@click.option("--strict", is_flag=True, help="Fail on warnings too.")
@click.option("--verbose", "-v", is_flag=True, help="Also show author notes and local lessons.")
@click.option("--today", default=None, envvar="TOOLKIT_TODAY",
              help="Date used for review checks (YYYY-MM-DD; default: $TOOLKIT_TODAY, else today).")
@click.option("--stats", is_flag=True, help="Also list each lesson's word count and LIX.")
@click.option("--sanitize-html", is_flag=True, help=SANITIZE_HELP)
def check(course_dirs: tuple[Path, ...], brand: str | None, strict: bool, verbose: bool, today: str | None,
          stats: bool, sanitize_html: bool) -> None:
    """Run every source check without writing anything."""
    from toolkit.build import _catalogue_for, check as run_check, discover_courses, failing
    from toolkit.source.checks import lesson_lix
    from toolkit.source.lix import lix

    dirs = discover_courses(list(course_dirs))
    loaded, report = run_check(dirs, brand, _parse_date(today), sanitize_html=sanitize_html)
    _catalogue_for(loaded, report)  # courses/catalogue.yaml, when every course is checked
    _print_diagnostics(report.items, verbose)
    for lc in loaded:
        c = lc.course
        local = [le for le in c.lessons if le.origin != "course"]
        lix_values = [v for le in c.lessons if (v := lesson_lix(le)) is not None]
        worst = f", highest LIX {max(lix_values):.1f}" if lix_values else ""
        note = f", {len(local)} local lesson(s) from the brand" if local else ""
        click.echo(f"{c.slug}: {len(c.lessons)} lessons, {len(c.questions)} questions{worst}{note}")
        for le in local:
            click.echo(f"  local: {le.source} ({le.origin})")
        if stats:
            for le in c.lessons:
                measured = lix(le.text.split("\n\n"))
                click.echo(f"  {le.source.name}: {measured.words} words, LIX {measured.score:.1f}")
            total = lix("\n\n".join(le.text for le in c.lessons).split("\n\n"))
            click.echo(f"  all lessons: {total.words} words, LIX {total.score:.1f}")
    bad = failing(report, strict)
    if bad:
        errors = len(report.errors)
        click.secho(f"{errors} error(s), {len(report.warnings)} warning(s)", fg="red", err=True)
        sys.exit(1)
    click.echo(f"OK: {len(loaded)} course(s), {len(report.warnings)} warning(s)")


@main.command()
@click.argument("slug")
@click.option("--dir", "parent", type=click.Path(path_type=Path, file_okay=False), default=Path("courses"),
              help="Folder to create the course in.")
@click.option("--title", default=None, help="Course title.")
@click.option("--language", default="da", show_default=True, help="BCP 47 language tag.")
def new(slug: str, parent: Path, title: str | None, language: str) -> None:
    """Scaffold a new course that builds and checks clean."""
    from toolkit.scaffold import scaffold

    path = scaffold(slug, parent, title=title, language=language)
    click.echo(f"Created {path}. Build it with: toolkit build {path}")


@main.command()
@click.argument("course_dir", type=click.Path(path_type=Path, exists=True, file_okay=False))
@click.option("--brand", default=None, help="Brand whose contact details go in the statement.")
@click.option("--build", "build_dir", type=click.Path(path_type=Path, file_okay=False), default=None,
              help="The build the accessibility tests measured (default: build/, or build/brands/<brand>/); "
                   "its <slug>/a11y-results.json is read.")
@click.option("--today", default=None, envvar="TOOLKIT_TODAY", help="Date written on the draft (YYYY-MM-DD).")
@click.option("--out", type=click.Path(path_type=Path, dir_okay=False), default=None,
              help="Write the draft here instead of standard output.")
def statement(course_dir: Path, brand: str | None, build_dir: Path | None, today: str | None, out: Path | None) -> None:
    """Draft an accessibility statement (tilgængelighedserklæring) for a course."""
    from toolkit.a11y_results import load
    from toolkit.build import check as run_check
    from toolkit.statement import statement_draft

    day = _parse_date(today)
    loaded, report = run_check([course_dir], brand, day)
    if not loaded:
        _print_diagnostics(report.items)
        sys.exit(1)
    course = loaded[0].course
    if build_dir is None:
        build_dir = Path("build") / "brands" / brand if brand else Path("build")
    text = statement_draft(course, report, load(build_dir / course.slug, course.version), day)
    if out is None:
        click.echo(text)
    else:
        out.write_text(text, encoding="utf-8")
        click.echo(f"Wrote {out}")


@main.command()
@click.argument("packages", nargs=-1, required=True, type=click.Path(path_type=Path, exists=True, dir_okay=False))
def validate(packages: tuple[Path, ...]) -> None:
    """Inspect package zips: standard, schema validity, launch file, files, size."""
    from toolkit.packaging.validate import inspect
    from toolkit.packaging.xsd import find_schemas_dir

    schemas = find_schemas_dir()
    failed = False
    for path in packages:
        r = inspect(path, schemas)
        valid = {True: "valid", False: "INVALID", None: "not checked"}[r.schema_valid]
        click.echo(f"{path}: {r.standard}, {r.entries} files, {r.size / 1024:.1f} KB zipped, "
                   f"{r.uncompressed / 1024:.1f} KB unzipped, schema {valid}, launch {r.launch or '-'}")
        for finding in r.findings:
            click.echo(f"  {finding}", err=finding.level == "error")
        failed = failed or not r.ok
    if failed:
        sys.exit(1)


@main.command()
@click.argument("course_dir", type=click.Path(path_type=Path, exists=True, file_okay=False))
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=8000, show_default=True, type=int)
@click.option("--brand", default=None, help="Brand to apply.")
def preview(course_dir: Path, host: str, port: int, brand: str | None) -> None:
    """Preview a course in a mock LMS, with live statements; rebuilds on change."""
    from toolkit.preview import serve

    click.echo(f"Preview on http://{host}:{port}/ (Ctrl+C to stop)")
    serve(course_dir, host, port, brand)


