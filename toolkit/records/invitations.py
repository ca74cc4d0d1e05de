"""Personal course links the caseworkers hand out, kept in the municipality's own database.

An invitation holds what the caseworker types and nothing more: the learner
code, the course, an optional meeting date, an optional free note (the page
warns against names and refuses CPR numbers), who made it and when.
Invitations older than the retention setting are deleted (:meth:`purge`).

The database is SQLite by default or PostgreSQL, named by a URL as for the
LRS (a file path, ``sqlite:///path`` or ``postgresql://...``), but it is the
records' own database: records never reads or writes the LRS's tables and
speaks only xAPI over HTTP to the LRS.
"""

from __future__ import annotations

import datetime as dt
import os
import sqlite3
import threading
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from toolkit.errors import ConfigError
from toolkit.records.codes import new_code, personal_link, refuse_cpr

DEFAULT_RETENTION_DAYS = 180
MAX_NOTE = 500
MAX_COUNT = 500
Clock = Callable[[], dt.datetime]

_SCHEMA = """CREATE TABLE IF NOT EXISTS records_invitation (
    code TEXT PRIMARY KEY,
    course TEXT NOT NULL,
    owner TEXT NOT NULL,
    created TEXT NOT NULL,
    meeting TEXT,
    note TEXT
)"""


def default_db() -> str:
    return str(Path(os.environ.get("TOOLKIT_DATA_DIR", "data")) / "records.sqlite3")


def _stamp(moment: dt.datetime) -> str:
    """UTC with microseconds always written, so stored times compare as text."""
    return moment.astimezone(dt.UTC).isoformat(timespec="microseconds")


def utc_now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


@dataclass(frozen=True)
class Invitation:
    code: str
    course: str
    owner: str
    created: dt.datetime
    meeting: dt.date | None = None
    note: str | None = None

    def link(self, base_url: str) -> str:
        return personal_link(base_url, self.code)


def check_note(note: str | None) -> str | None:
    """A note as stored: trimmed, at most :data:`MAX_NOTE` characters, never a CPR number."""
    if note is None or not note.strip():
        return None
    refuse_cpr(note)
    if len(note) > MAX_NOTE:
        raise ConfigError(f"the note is longer than {MAX_NOTE} characters")
    return note.strip()


class InvitationStore:
    """Invitations in SQLite or PostgreSQL; every change is one transaction."""

    def __init__(self, url: str, clock: Clock = utc_now) -> None:
        self.clock = clock
        self.lock = threading.RLock()
        self.postgres = url.startswith(("postgresql://", "postgres://"))
        if self.postgres:
            import psycopg

            try:
                self.conn: Any = psycopg.connect(url, autocommit=False)
            except psycopg.Error as exc:
                raise ConfigError(f"cannot open the invitations database: {exc.__class__.__name__}") from None
        else:
            path = url.removeprefix("sqlite:///") if url.startswith("sqlite:///") else url
            if path != ":memory:":
                Path(path).parent.mkdir(parents=True, exist_ok=True)
            try:
                self.conn = sqlite3.connect(path, check_same_thread=False, isolation_level=None)
            except sqlite3.Error as exc:
                raise ConfigError(f"{path}: cannot open the invitations database: {exc}") from None
        with self._cursor() as cur:
            cur.execute(_SCHEMA)

    @contextmanager
    def _cursor(self) -> Iterator[Any]:
        with self.lock:
            cur = self.conn.cursor()
            if not self.postgres:
                cur.execute("BEGIN IMMEDIATE")
            try:
                yield cur
            except BaseException:
                self.conn.rollback() if self.postgres else cur.execute("ROLLBACK")
                raise
            else:
                self.conn.commit() if self.postgres else cur.execute("COMMIT")
            finally:
                cur.close()

    def _now(self) -> dt.datetime:
        return self.clock().astimezone(dt.UTC)

    def _sql(self, text: str) -> str:
        return text.replace("?", "%s") if self.postgres else text

    def create(self, course: str, owner: str, count: int = 1, meeting: dt.date | None = None,
               note: str | None = None) -> list[Invitation]:
        """*count* new invitations with fresh codes (a code never repeats in this database)."""
        if not 1 <= count <= MAX_COUNT:
            raise ConfigError(f"make between 1 and {MAX_COUNT} invitations at a time")
        note = check_note(note)
        now = self._now()
        made: list[Invitation] = []
        with self._cursor() as cur:
            while len(made) < count:
                invitation = Invitation(new_code(), course, owner, now, meeting, note)
                cur.execute(self._sql("SELECT 1 FROM records_invitation WHERE code = ?"), (invitation.code,))
                if cur.fetchone():
                    continue
                cur.execute(self._sql("INSERT INTO records_invitation (code, course, owner, created, meeting, note) "
                                      "VALUES (?, ?, ?, ?, ?, ?)"),
                            (invitation.code, course, owner, _stamp(now), meeting.isoformat() if meeting else None,
                             note))
                made.append(invitation)
        return made

    def mine(self, owner: str, course: str | None = None) -> list[Invitation]:
        query = "SELECT code, course, owner, created, meeting, note FROM records_invitation WHERE owner = ?"
        params: tuple[Any, ...] = (owner,)
        if course is not None:
            query += " AND course = ?"
            params += (course,)
        with self._cursor() as cur:
            cur.execute(self._sql(query + " ORDER BY meeting, created, code"), params)
            rows: Sequence[tuple[Any, ...]] = cur.fetchall()
        return [Invitation(r[0], r[1], r[2], dt.datetime.fromisoformat(r[3]),
                           dt.date.fromisoformat(r[4]) if r[4] else None, r[5]) for r in rows]

    def delete(self, owner: str, code: str) -> bool:
        with self._cursor() as cur:
            cur.execute(self._sql("DELETE FROM records_invitation WHERE owner = ? AND code = ?"), (owner, code))
            return bool(cur.rowcount)

    def purge(self, retention_days: int) -> int:
        """Delete invitations made more than *retention_days* ago; the number deleted."""
        if retention_days < 1:
            raise ConfigError("the retention must be at least 1 day")
        cutoff = self._now() - dt.timedelta(days=retention_days)
        with self._cursor() as cur:
            cur.execute(self._sql("DELETE FROM records_invitation WHERE created < ?"), (_stamp(cutoff),))
            return int(cur.rowcount)

    def close(self) -> None:
        with self.lock:
            self.conn.close()
