"""`toolkit records ...`: completion records for caseworkers."""

from __future__ import annotations

import datetime as dt
import os
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import click

from toolkit.errors import ConfigError, ToolkitError
from toolkit.records.output import FORMATS, render


class _RecordsGroup(click.Group):
    """Prints a :class:`ToolkitError` without a traceback, also when run on its own."""

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except ToolkitError as exc:
            click.secho(f"Error: {exc}", fg="red", err=True)
            sys.exit(1)


def lrs_options(func: Callable[..., Any]) -> Callable[..., Any]:
    """The LRS connection options shared by every records command."""
    options = [
        click.option("--endpoint", default=None, help="xAPI endpoint, e.g. https://lrs.example.dk/xapi/ "
                                                      "(or TOOLKIT_LRS_ENDPOINT)."),
        click.option("--username", default=None, help="LRS user with read access (or TOOLKIT_LRS_USERNAME)."),
        click.option("--password", default=None,
                     help="LRS password (prefer TOOLKIT_LRS_PASSWORD or the config file: options show in ps)."),
        click.option("--homepage", "homepages", multiple=True,
                     help="homePage of learners' accounts; repeat to search several "
                          "(or TOOLKIT_ACTOR_HOMEPAGE, comma-separated; default https://lms.example.dk)."),
        click.option("--config", "config_file", type=click.Path(path_type=Path, dir_okay=False), default=None,
                     help="TOML config file (default ~/.config/toolkit/records.toml)."),
    ]
    for option in reversed(options):
        func = option(func)
    return func


def _client(endpoint: str | None, username: str | None, password: str | None, homepages: tuple[str, ...],
            config_file: Path | None) -> tuple[Any, dict[str, Any]]:
    from toolkit.records.client import LRSClient, load_config, resolve_connection

    config = load_config(config_file)
    connection = resolve_connection(endpoint, username, password, homepages, config)
    return LRSClient(connection), config


def _emit(text: str, fmt: str, output: Path | None) -> None:
    data = text.encode("utf-8")
    if output is not None:
        try:
            output.write_bytes(data)
        except OSError as exc:
            raise ConfigError(f"{output}: cannot write: {exc.strerror}") from None
        click.echo(f"Wrote {output}", err=True)
        return
    stream = click.get_binary_stream("stdout")
    stream.write(data)
    stream.flush()


format_option = click.option("--format", "fmt", type=click.Choice(FORMATS), default="table", show_default=True,
                             help="Output format. CSV is UTF-8 with BOM and ';' separators, for Danish Excel.")
output_option = click.option("--output", "-o", type=click.Path(path_type=Path, dir_okay=False), default=None,
                             help="Write to this file instead of standard output.")


@click.group(name="records", cls=_RecordsGroup)
def records() -> None:
    """Completion records for caseworkers, read from an xAPI LRS."""


@records.command()
@click.argument("learner_id")
@lrs_options
@format_option
@output_option
def learner(learner_id: str, endpoint: str | None, username: str | None, password: str | None,
            homepages: tuple[str, ...], config_file: Path | None, fmt: str, output: Path | None) -> None:
    """Every course LEARNER_ID (a learner code such as K7F3Q-9QX2Z, or an LMS account name) has started.

    Shows completion and success, path, lessons seen, questions missed at the first try, time spent and
    attempts.  Anything shaped like a CPR number is refused before any request.
    """
    from toolkit.records.codes import learner_id as checked_id
    from toolkit.records.lookup import known_course_titles, lookup_learner, path_labels

    subject = checked_id(learner_id)
    client, _ = _client(endpoint, username, password, homepages, config_file)
    found = lookup_learner(client, subject, known_course_titles(), path_labels())
    _emit(render(found, "learner", fmt, subject), fmt, output)


@records.command()
@click.argument("course")
@click.option("--since", default=None, help="Only statements stored from this day (YYYY-MM-DD, Danish time).")
@click.option("--until", default=None, help="Only statements stored up to and including this day.")
@click.option("--learner", "learners", multiple=True, help="A learner id of the team; repeat. "
                                                           "Listed learners without statements show 'ikke startet'.")
@click.option("--learners", "learners_file", type=click.Path(path_type=Path, dir_okay=False, exists=True),
              default=None, help="File with one learner id per line (a team's list).")
@lrs_options
@format_option
@output_option
def course(course: str, since: str | None, until: str | None, learners: tuple[str, ...],
           learners_file: Path | None, endpoint: str | None, username: str | None, password: str | None,
           homepages: tuple[str, ...], config_file: Path | None, fmt: str, output: Path | None) -> None:
    """Every learner's status in COURSE (an IRI, or a slug under courses/)."""
    from toolkit.records.codes import learner_id as checked_id
    from toolkit.records.lookup import (
        lookup_course,
        parse_day,
        path_labels,
        read_team_file,
        resolve_course,
    )

    iri, title = resolve_course(course)
    start = parse_day(since) if since else None
    end = parse_day(until, end=True) if until else None
    if start and end and start >= end:
        raise ConfigError(f"--since {since} is after --until {until}")
    team = [checked_id(name) for name in learners]
    if learners_file is not None:
        team += read_team_file(learners_file)
    client, _ = _client(endpoint, username, password, homepages, config_file)
    found = lookup_course(client, iri, title, start, end, team or None, path_labels())
    subject = iri
    _emit(render(found, "course", fmt, subject, title or (found[0].course_title if found else None)), fmt, output)


def _meeting_day(value: str | None) -> dt.date | None:
    if not value:
        return None
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise ConfigError(f"{value!r} is not a date (YYYY-MM-DD)") from None


db_option = click.option("--db", default=None, help="Invitations database: a SQLite file (default "
                                                     "$TOOLKIT_DATA_DIR/records.sqlite3) or postgresql://... "
                                                     "(or TOOLKIT_RECORDS_DB, or [invitations] db).")
retention_option = click.option("--retention-days", type=int, default=None,
                                help="Delete invitations made more than this many days ago (default 180, "
                                     "or [invitations] retention_days).")


def _store_settings(db: str | None, retention: int | None, config: dict[str, Any]) -> tuple[str, int]:
    from toolkit.records.invitations import DEFAULT_RETENTION_DAYS, default_db

    section = dict(config.get("invitations", {}))
    url = db or os.environ.get("TOOLKIT_RECORDS_DB") or str(section.get("db") or "") or default_db()
    days = retention if retention is not None else int(section.get("retention_days", DEFAULT_RETENTION_DAYS))
    return url, days


@records.command()
@click.argument("course")
@click.option("--count", default=1, show_default=True, type=click.IntRange(1, 500), help="How many codes.")
@click.option("--base-url", default=None, help="Where the web package is published (default: the course IRI).")
@click.option("--meeting", default=None, help="The first meeting's date (YYYY-MM-DD), stored with the codes.")
@click.option("--note", default=None, help="A short note for yourself. Never a name, CPR number or e-mail.")
@click.option("--caseworker", default=None, help="Whose invitations these are (default: your login name).")
@click.option("--store/--no-store", default=True, show_default=True,
              help="Keep the codes in the invitations database, for the team view.")
@db_option
@retention_option
@click.option("--config", "config_file", type=click.Path(path_type=Path, dir_okay=False), default=None,
              help="TOML config file (default ~/.config/toolkit/records.toml).")
@format_option
@output_option
def invite(course: str, count: int, base_url: str | None, meeting: str | None, note: str | None,
           caseworker: str | None, store: bool, db: str | None, retention_days: int | None,
           config_file: Path | None, fmt: str, output: Path | None) -> None:
    """Personal course links for invitation letters: pseudonymous learner codes and their links."""
    import getpass

    from toolkit.records.client import load_config
    from toolkit.records.invitations import (
        Invitation,
        InvitationStore,
        check_note,
        utc_now,
    )
    from toolkit.records.invite_output import render_invitations
    from toolkit.records.lookup import resolve_course

    iri, title = resolve_course(course)
    day = _meeting_day(meeting)
    note = check_note(note)
    owner = caseworker or getpass.getuser()
    base = base_url or iri
    if store:
        url, days = _store_settings(db, retention_days, load_config(config_file))
        invitations = InvitationStore(url)
        try:
            invitations.purge(days)
            made = invitations.create(iri, owner, count, day, note)
        finally:
            invitations.close()
    else:
        from toolkit.records.codes import new_code

        made = [Invitation(new_code(), iri, owner, utc_now(), day, note) for _ in range(count)]
    _emit(render_invitations(made, base, fmt, title or iri), fmt, output)


@records.command("hash-password")
def hash_password_cmd() -> None:
    """Ask for a password and print its hash for --user NAME:HASH or a users file."""
    from toolkit.records.auth import hash_password

    password = click.prompt("Password", hide_input=True, confirmation_prompt=True)
    if len(password) < 12:
        raise ConfigError("use at least 12 characters")
    click.echo(hash_password(password))


@records.command()
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=8090, show_default=True, type=int)
@click.option("--user", "users", multiple=True, help="A caseworker login NAME:PASSWORD_HASH; repeat.")
@click.option("--users-file", type=click.Path(path_type=Path, dir_okay=False), default=None,
              help="File of NAME:PASSWORD_HASH lines (or TOOLKIT_RECORDS_USERS, or [web] in the config).")
@click.option("--secure-cookies/--no-secure-cookies", default=None,
              help="Mark cookies Secure (default: on unless --host is a loopback address).")
@click.option("--base-path", default="", help="URL prefix when served behind a proxy, e.g. /status.")
@click.option("--project", type=click.Path(path_type=Path, file_okay=False, exists=True), default=None,
              help="Project folder whose courses/ the page knows (default: the current folder).")
@click.option("--today", default=None, help="The day the chart's last week ends (YYYY-MM-DD); default today.")
@click.option("--invitations/--no-invitations", "keep_invitations", default=True, show_default=True,
              help="Keep the personal links made on the page in the invitations database.")
@db_option
@retention_option
@lrs_options
def serve(host: str, port: int, users: tuple[str, ...], users_file: Path | None, secure_cookies: bool | None,
          base_path: str, project: Path | None, today: str | None, keep_invitations: bool, db: str | None,
          retention_days: int | None, endpoint: str | None, username: str | None, password: str | None,
          homepages: tuple[str, ...], config_file: Path | None) -> None:
    """Serve the caseworkers' lookup page (read-only, login required)."""
    import uvicorn

    from toolkit.records.auth import EndedSessions, Signer, load_users
    from toolkit.records.client import LRSClient
    from toolkit.records.invitations import InvitationStore
    from toolkit.records.lookup import known_course_titles, path_labels
    from toolkit.records.web import WebSettings, create_app

    client, config = _client(endpoint, username, password, homepages, config_file)
    logins = load_users(users, users_file, config=config)
    if not logins:
        raise ConfigError("no caseworker logins: give --user NAME:HASH (make a hash with "
                          "'toolkit records hash-password'), --users-file or TOOLKIT_RECORDS_USERS")
    secret = os.environ.get("TOOLKIT_RECORDS_SECRET") or str(config.get("web", {}).get("secret", ""))
    signer = Signer(secret.encode("utf-8")) if secret else Signer()
    if secure_cookies is None:
        secure_cookies = host not in ("127.0.0.1", "localhost", "::1")
    connection = client.connection
    from toolkit.records.invitations import utc_now

    pinned = _meeting_day(today) if today else None
    clock = (lambda: dt.datetime.combine(pinned, dt.time(12), tzinfo=dt.UTC)) if pinned else utc_now
    url, days = _store_settings(db, retention_days, config)
    invitations = InvitationStore(url) if keep_invitations else None
    if invitations is not None:
        invitations.purge(days)
    # with a fixed secret, sessions outlive a restart: so must the list of logged-out ones
    ended = EndedSessions(Path(os.environ.get("TOOLKIT_DATA_DIR", "data")) / "records-ended-sessions.txt"
                          if secret else None)
    settings = WebSettings(users=logins, client=lambda: LRSClient(connection), known_courses=known_course_titles(project),
                           signer=signer, secure_cookies=secure_cookies, base_path=base_path,
                           invitations=invitations, retention_days=days, path_labels=path_labels(project),
                           clock=clock, ended=ended)
    click.echo(f"Serving the records page on http://{host}:{port}{base_path}/ for {len(logins)} login(s), "
               f"reading {connection.endpoint} as {connection.username!r}", err=True)
    uvicorn.run(create_app(settings), host=host, port=port, log_level="info")
