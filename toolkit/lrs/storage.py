"""One storage layer for the LRS, on SQLite (default) or PostgreSQL.

The SQL is shared; only a few type names and the parameter style differ.
Statements are stored whole (as the LRS will return them) with indexed
columns and side tables for the queries the spec and our records need:
agent, verb, activity, registration and stored time.  Migrations run at open.
"""

from __future__ import annotations

import json
import os
import re
import sqlite3
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from toolkit.lrs.schema import BUCKETS, BUCKETS_FULL_AT, SCHEMA, TAKE_TOKENS
from toolkit.lrs.statement_store import StatementStore

SCHEMA_VERSION = 3

Document = tuple[bytes, str, str, str]  # content, content type, ETag, updated
DocumentChange = Callable[[Document | None], tuple[bytes, str, str] | None]
ONE_DOCUMENT = "FROM documents WHERE kind = ? AND activity = ? AND agent = ? AND registration = ? AND doc_id = ?"


@dataclass
class Dialect:
    serial: str
    blob: str
    param: str


SQLITE = Dialect("INTEGER PRIMARY KEY AUTOINCREMENT", "BLOB", "?")
POSTGRES = Dialect("BIGSERIAL PRIMARY KEY", "BYTEA", "%s")


class Unavailable(Exception):
    """The database cannot be reached right now (restarting, overloaded): answer 503."""


class Unstorable(ValueError):
    """The database refuses the data itself (a value too long for an index, a NUL byte): answer 400."""


@contextmanager
def _mapped_errors() -> Iterator[None]:
    try:
        yield
    except sqlite3.OperationalError as exc:
        raise Unavailable(f"SQLite: {exc}") from exc
    except Exception as exc:
        try:
            import psycopg
            import psycopg_pool
        except ImportError:  # pragma: no cover - psycopg is a dependency
            raise exc from None
        if isinstance(exc, (psycopg.errors.ProgramLimitExceeded, psycopg.DataError)):
            raise Unstorable(str(exc).splitlines()[0]) from exc
        if isinstance(exc, (psycopg.OperationalError, psycopg_pool.PoolTimeout, psycopg.InterfaceError)):
            raise Unavailable(str(exc).splitlines()[0] if str(exc) else type(exc).__name__) from exc
        raise


IDLE_CHECK = 0.5  # seconds: a pooled connection idle longer than this is checked before use


def _note_return(conn: Any) -> None:
    conn.toolkit_returned = time.monotonic()


def _check_if_idle(conn: Any) -> None:
    """The pool's check before it hands out a connection: a round trip, so only for one that
    has been idle (a restart of PostgreSQL happens while connections wait in the pool)."""
    if time.monotonic() - getattr(conn, "toolkit_returned", 0.0) > IDLE_CHECK:
        conn.execute("")


class Storage(StatementStore):
    """SQLite: one connection behind a lock.  PostgreSQL: a pool of connections, checked
    before use after being idle, so the LRS recovers by itself when the server restarts.  The
    pool's reconnection attempts back off for at most ``reconnect_timeout`` (2 s); after that
    the next request starts a fresh attempt at once, so even a long outage ends within
    seconds of PostgreSQL being back.  Every
    write is one transaction that always ends (commit, or rollback on any error)."""

    def __init__(self, url: str, pool_size: int = 10) -> None:
        self.url = url
        self.lock = threading.RLock()
        self.pool: Any = None
        if url.startswith(("postgresql://", "postgres://")):
            from psycopg_pool import ConnectionPool

            self.dialect = POSTGRES
            self.pool = ConnectionPool(url, min_size=1, max_size=max(1, pool_size), kwargs={"autocommit": True},
                                       check=_check_if_idle, reset=_note_return, timeout=5.0,
                                       reconnect_timeout=2.0, open=False, name="toolkit-lrs")
            try:
                self.pool.open(wait=True, timeout=10.0)
            except Exception as exc:  # PoolTimeout, with the driver's reason in the log
                self.pool.close()
                from toolkit.errors import ConfigError

                where = re.sub(r"//[^@/]*@", "//", url)  # no password in the message
                raise ConfigError(f"cannot connect to PostgreSQL at {where}: {exc}") from None
        else:
            path = url.removeprefix("sqlite:///") if url.startswith("sqlite:///") else url
            if path != ":memory:":
                Path(path).parent.mkdir(parents=True, exist_ok=True)
            self.dialect = SQLITE
            self.conn = sqlite3.connect(path, check_same_thread=False, isolation_level=None, timeout=10.0)
            self.conn.execute("PRAGMA journal_mode=WAL")
            # A 200 means the statement is on disk: WAL with a sync at every commit.  NORMAL (syncs at
            # checkpoints only) is faster and can lose the last commits in a power cut, not in a crash.
            sync = os.environ.get("TOOLKIT_LRS_SQLITE_SYNCHRONOUS", "FULL").upper()
            if sync not in ("FULL", "EXTRA", "NORMAL"):
                raise ValueError(f"TOOLKIT_LRS_SQLITE_SYNCHRONOUS must be FULL, EXTRA or NORMAL, not {sync!r}")
            self.conn.execute(f"PRAGMA synchronous={sync}")
            self.conn.execute("PRAGMA foreign_keys=ON")
        self.migrate()

    # -- plumbing -------------------------------------------------------------
    @property
    def postgres(self) -> bool:
        return self.dialect is POSTGRES

    def sql(self, text: str) -> str:
        return text.replace("?", self.dialect.param) if self.dialect is POSTGRES else text

    @contextmanager
    def transaction(self) -> Iterator[Any]:
        """A cursor inside one transaction: committed if the block ends normally, rolled back
        on any exception (the connection then goes back to the pool clean, or is dropped)."""
        with _mapped_errors():
            if self.pool is not None:
                with self.pool.connection() as conn, conn.transaction(), conn.cursor() as cur:
                    yield cur
                return
            with self.lock:
                cur = self.conn.cursor()
                try:
                    cur.execute("BEGIN IMMEDIATE")
                    try:
                        yield cur
                    except BaseException:
                        if self.conn.in_transaction:
                            cur.execute("ROLLBACK")
                        raise
                    cur.execute("COMMIT")
                finally:
                    cur.close()

    def execute(self, cur: Any, text: str, params: tuple[Any, ...] | dict[str, Any] = ()) -> Any:
        cur.execute(self.sql(text), params)
        return cur

    def fetchall(self, text: str, params: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
        with _mapped_errors():
            if self.pool is not None:
                with self.pool.connection() as conn:
                    return list(conn.execute(self.sql(text), params).fetchall())
            with self.lock:
                cur = self.conn.cursor()
                try:
                    return cur.execute(text, params).fetchall()
                finally:
                    cur.close()

    def migrate(self) -> None:
        with self.transaction() as cur:
            if self.postgres:  # one migration at a time when several workers start together
                self.execute(cur, "SELECT pg_advisory_xact_lock(7715001)")
            self.execute(cur, "CREATE TABLE IF NOT EXISTS schema_version (version INTEGER NOT NULL)")
            row = self.execute(cur, "SELECT MAX(version) FROM schema_version").fetchone()
            current = row[0] if row and row[0] is not None else 0
            if current < 1:
                for statement in SCHEMA.format(serial=self.dialect.serial, blob=self.dialect.blob).split(";"):
                    if statement.strip():
                        self.execute(cur, statement)
                self.execute(cur, "INSERT INTO schema_version (version) VALUES (?)", (1,))
            if current < 2:
                if self.postgres:
                    self.execute(cur, BUCKETS)
                self.execute(cur, "INSERT INTO schema_version (version) VALUES (?)", (2,))
            if current < 3:
                if self.postgres:
                    for statement in BUCKETS_FULL_AT:
                        cur.execute(statement)
                    cur.execute(TAKE_TOKENS)
                self.execute(cur, "INSERT INTO schema_version (version) VALUES (?)", (3,))

    def analyze(self) -> None:
        """Refresh the planner's statistics (PostgreSQL's autovacuum does this in the background)."""
        with _mapped_errors():
            if self.pool is not None:
                with self.pool.connection() as conn:
                    conn.execute("ANALYZE")
            else:
                with self.lock:
                    self.conn.execute("ANALYZE")

    def close(self) -> None:
        if self.pool is not None:
            self.pool.close()
        else:
            with self.lock:
                self.conn.close()

    # -- documents (state, activity profile, agent profile) -------------------
    def document(self, kind: str, activity: str, agent: str, registration: str, doc_id: str) -> Document | None:
        rows = self.fetchall(f"SELECT content, content_type, etag, updated {ONE_DOCUMENT}",
                             (kind, activity, agent, registration, doc_id))
        return _document(rows[0]) if rows else None

    def document_ids(self, kind: str, activity: str, agent: str, registration: str | None, since: str | None) -> list[str]:
        sql = "SELECT doc_id FROM documents WHERE kind = ? AND activity = ? AND agent = ?"
        params: list[Any] = [kind, activity, agent]
        if registration is not None:
            sql += " AND registration = ?"
            params.append(registration)
        if since:
            sql += " AND updated > ?"
            params.append(since)
        return sorted({r[0] for r in self.fetchall(sql + " ORDER BY doc_id", tuple(params))})

    def put_document(self, kind: str, activity: str, agent: str, registration: str, doc_id: str,
                     content: bytes, ctype: str, etag: str, updated: str) -> None:
        """Write a document whatever it was (for set-up: the LMS's launch data)."""
        self.change_document(kind, activity, agent, registration, doc_id, lambda _: (content, ctype, etag), updated)

    def change_document(self, kind: str, activity: str, agent: str, registration: str, doc_id: str,
                        change: DocumentChange, updated: str) -> tuple[bytes, str, str] | None:
        """Read one document, let *change* decide, and write what it returns, in one transaction
        that no other change of the same document can enter (SQLite: the write lock; PostgreSQL: an
        advisory lock on the document's key, which holds for a document not created yet too).
        *change* gets the document or None and returns the new (content, content type, ETag), or
        None to delete it; an exception from it changes nothing.  Returns what *change* returned."""
        key = (kind, activity, agent, registration, doc_id)
        with self.transaction() as cur:
            if self.postgres:
                cur.execute("SELECT pg_advisory_xact_lock(hashtextextended(%s, 7715002))", ("\x1f".join(key),))
            row = self.execute(cur, f"SELECT content, content_type, etag, updated {ONE_DOCUMENT}", key).fetchone()
            new = change(_document(row) if row else None)
            if new is None:
                if row is not None:
                    self.execute(cur, f"DELETE {ONE_DOCUMENT}", key)
                return None
            content, ctype, etag = new
            self.execute(cur, "INSERT INTO documents (kind, activity, agent, registration, doc_id, content, content_type, "
                              "etag, updated) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) "
                              "ON CONFLICT (kind, activity, agent, registration, doc_id) DO UPDATE SET "
                              "content = EXCLUDED.content, content_type = EXCLUDED.content_type, etag = EXCLUDED.etag, "
                              "updated = EXCLUDED.updated", (*key, content, ctype, etag, updated))
            return new

    def delete_documents(self, kind: str, activity: str, agent: str, registration: str | None, doc_id: str | None) -> None:
        sql = "DELETE FROM documents WHERE kind = ? AND activity = ? AND agent = ?"
        params: list[Any] = [kind, activity, agent]
        if registration is not None:
            sql += " AND registration = ?"
            params.append(registration)
        if doc_id is not None:
            sql += " AND doc_id = ?"
            params.append(doc_id)
        with self.transaction() as cur:
            self.execute(cur, sql, tuple(params))

    # -- credentials ----------------------------------------------------------
    def add_credential(self, key: str, name: str, secret_hash: str, scopes: list[str], prefixes: list[str],
                       homepage: str | None, created: str) -> None:
        with self.transaction() as cur:
            self.execute(cur, "INSERT INTO credentials (key, name, secret_hash, scopes, activity_prefixes, homepage, revoked, "
                              "created) VALUES (?, ?, ?, ?, ?, ?, 0, ?)",
                         (key, name, secret_hash, json.dumps(scopes), json.dumps(prefixes), homepage, created))

    def credentials(self) -> list[dict[str, Any]]:
        rows = self.fetchall("SELECT key, name, secret_hash, scopes, activity_prefixes, homepage, revoked, created "
                             "FROM credentials ORDER BY created, key")
        return [self._credential(r) for r in rows]

    def credential(self, key: str) -> dict[str, Any] | None:
        """One credential by key, read from the database on every request, so that a
        revocation takes effect at once in every worker."""
        rows = self.fetchall("SELECT key, name, secret_hash, scopes, activity_prefixes, homepage, revoked, created "
                             "FROM credentials WHERE key = ?", (key,))
        return self._credential(rows[0]) if rows else None

    @staticmethod
    def _credential(r: tuple[Any, ...]) -> dict[str, Any]:
        return {"key": r[0], "name": r[1], "secret_hash": r[2], "scopes": json.loads(r[3]),
                "activity_prefixes": json.loads(r[4]), "homepage": r[5], "revoked": bool(r[6]), "created": r[7]}

    def take(self, buckets: list[tuple[str, float, float]], cost: float = 1.0) -> bool:
        """Take *cost* tokens from each shared bucket (name, rate per second, burst), in one
        round trip (PostgreSQL only): from all of them, or, if one holds too few, from none
        (False).  A negative cost gives back."""
        rows = self.fetchall("SELECT toolkit_take_tokens(%s::text[], %s::float8[], %s::float8[], %s)",
                             ([b[0] for b in buckets], [float(b[1]) for b in buckets],
                              [float(b[2]) for b in buckets], float(cost)))
        return bool(rows[0][0])

    def prune_buckets(self) -> int:
        """Delete up to 500 rate buckets that are full again (PostgreSQL; each take does it now and then)."""
        return int(self.fetchall("SELECT toolkit_prune_buckets()")[0][0])

    def revoke(self, key_or_name: str) -> int:
        with self.transaction() as cur:
            return int(self.execute(cur, "UPDATE credentials SET revoked = 1 WHERE key = ? OR name = ?",
                                    (key_or_name, key_or_name)).rowcount)


def _document(row: tuple[Any, ...]) -> Document:
    return bytes(row[0]), row[1], row[2], row[3]


def open_storage(url: str, pool_size: int = 10) -> Storage:
    return Storage(url, pool_size)
