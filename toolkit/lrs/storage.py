"""One storage layer for the LRS, on SQLite (default) or PostgreSQL.

The SQL is shared; only a few type names and the parameter style differ.
Statements are stored whole (as the LRS will return them) with indexed
columns and side tables for the queries the spec and our records need:
agent, verb, activity, registration and stored time.  Migrations run at open.
"""

from __future__ import annotations

import json
import sqlite3
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

SCHEMA_VERSION = 1

SCHEMA = """
CREATE TABLE IF NOT EXISTS statements (
  seq {serial},
  id TEXT NOT NULL UNIQUE,
  stored TEXT NOT NULL,
  verb TEXT NOT NULL,
  registration TEXT,
  voided INTEGER NOT NULL DEFAULT 0,
  voids TEXT,
  refs TEXT,
  body TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS statements_stored ON statements (stored, seq);
CREATE INDEX IF NOT EXISTS statements_verb ON statements (verb, seq);
CREATE INDEX IF NOT EXISTS statements_registration ON statements (registration, seq);
CREATE INDEX IF NOT EXISTS statements_voids ON statements (voids);
CREATE INDEX IF NOT EXISTS statements_refs ON statements (refs) WHERE refs IS NOT NULL;
CREATE TABLE IF NOT EXISTS statement_agents (
  seq BIGINT NOT NULL, agent TEXT NOT NULL, related INTEGER NOT NULL
);
CREATE INDEX IF NOT EXISTS statement_agents_agent ON statement_agents (agent, seq);
CREATE TABLE IF NOT EXISTS statement_activities (
  seq BIGINT NOT NULL, activity TEXT NOT NULL, related INTEGER NOT NULL
);
CREATE INDEX IF NOT EXISTS statement_activities_activity ON statement_activities (activity, seq);
CREATE TABLE IF NOT EXISTS attachments (
  sha2 TEXT PRIMARY KEY, content_type TEXT NOT NULL, data {blob} NOT NULL
);
CREATE TABLE IF NOT EXISTS statement_attachments (seq BIGINT NOT NULL, sha2 TEXT NOT NULL);
CREATE INDEX IF NOT EXISTS statement_attachments_seq ON statement_attachments (seq);
CREATE TABLE IF NOT EXISTS documents (
  kind TEXT NOT NULL, activity TEXT NOT NULL, agent TEXT NOT NULL, registration TEXT NOT NULL,
  doc_id TEXT NOT NULL, content {blob} NOT NULL, content_type TEXT NOT NULL, etag TEXT NOT NULL,
  updated TEXT NOT NULL,
  PRIMARY KEY (kind, activity, agent, registration, doc_id)
);
CREATE TABLE IF NOT EXISTS activities (id TEXT PRIMARY KEY, definition TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS credentials (
  key TEXT PRIMARY KEY, name TEXT NOT NULL, secret_hash TEXT NOT NULL, scopes TEXT NOT NULL,
  activity_prefixes TEXT NOT NULL, homepage TEXT, revoked INTEGER NOT NULL DEFAULT 0, created TEXT NOT NULL
);
"""


@dataclass
class Dialect:
    serial: str
    blob: str
    param: str


SQLITE = Dialect("INTEGER PRIMARY KEY AUTOINCREMENT", "BLOB", "?")
POSTGRES = Dialect("BIGSERIAL PRIMARY KEY", "BYTEA", "%s")


class Storage:
    """A database connection guarded by a lock; every write is one transaction."""

    def __init__(self, url: str) -> None:
        self.url = url
        self.lock = threading.RLock()
        if url.startswith(("postgresql://", "postgres://")):
            import psycopg

            self.dialect = POSTGRES
            self.conn: Any = psycopg.connect(url, autocommit=False)
        else:
            path = url.removeprefix("sqlite:///") if url.startswith("sqlite:///") else url
            if path != ":memory:":
                Path(path).parent.mkdir(parents=True, exist_ok=True)
            self.dialect = SQLITE
            self.conn = sqlite3.connect(path, check_same_thread=False, isolation_level=None)
            self.conn.execute("PRAGMA journal_mode=WAL")
            self.conn.execute("PRAGMA synchronous=NORMAL")
            self.conn.execute("PRAGMA foreign_keys=ON")
        self.migrate()

    # -- plumbing -------------------------------------------------------------
    def sql(self, text: str) -> str:
        return text.replace("?", self.dialect.param) if self.dialect is POSTGRES else text

    @contextmanager
    def transaction(self) -> Iterator[Any]:
        with self.lock:
            cur = self.conn.cursor()
            if self.dialect is SQLITE:
                cur.execute("BEGIN IMMEDIATE")
            try:
                yield cur
            except BaseException:
                self.conn.rollback() if self.dialect is POSTGRES else cur.execute("ROLLBACK")
                raise
            else:
                self.conn.commit() if self.dialect is POSTGRES else cur.execute("COMMIT")
            finally:
                cur.close()

    def execute(self, cur: Any, text: str, params: tuple[Any, ...] = ()) -> Any:
        cur.execute(self.sql(text), params)
        return cur

    def fetchall(self, text: str, params: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
        with self.lock:
            cur = self.conn.cursor()
            try:
                cur.execute(self.sql(text), params)
                rows = cur.fetchall()
            finally:
                cur.close()
            if self.dialect is POSTGRES:
                self.conn.commit()
            return rows

    def migrate(self) -> None:
        with self.transaction() as cur:
            self.execute(cur, "CREATE TABLE IF NOT EXISTS schema_version (version INTEGER NOT NULL)")
            row = self.execute(cur, "SELECT MAX(version) FROM schema_version").fetchone()
            current = row[0] if row and row[0] is not None else 0
            if current < 1:
                for statement in SCHEMA.format(serial=self.dialect.serial, blob=self.dialect.blob).split(";"):
                    if statement.strip():
                        self.execute(cur, statement)
                self.execute(cur, "INSERT INTO schema_version (version) VALUES (?)", (SCHEMA_VERSION,))

    def analyze(self) -> None:
        """Refresh the planner's statistics (PostgreSQL's autovacuum does this in the background)."""
        with self.lock:
            if self.dialect is POSTGRES:
                self.conn.commit()
                self.conn.autocommit = True
                try:
                    self.conn.execute("ANALYZE")
                finally:
                    self.conn.autocommit = False
            else:
                self.conn.execute("ANALYZE")

    def close(self) -> None:
        with self.lock:
            self.conn.close()

    # -- statements -----------------------------------------------------------
    def existing(self, ids: list[str]) -> dict[str, dict[str, Any]]:
        if not ids:
            return {}
        out = {}
        for start in range(0, len(ids), 500):
            chunk = ids[start:start + 500]
            marks = ",".join("?" * len(chunk))
            for sid, body in self.fetchall(f"SELECT id, body FROM statements WHERE id IN ({marks})", tuple(chunk)):
                out[sid] = json.loads(body)
        return out

    def insert(self, rows: list[dict[str, Any]], attachments: dict[str, tuple[str, bytes]]) -> None:
        """Store a batch in one transaction.  Each row: statement, stored, agents, activities, voids, sha2s."""
        with self.transaction() as cur:
            for sha2, (ctype, data) in attachments.items():
                if self.dialect is SQLITE:
                    self.execute(cur, "INSERT OR IGNORE INTO attachments (sha2, content_type, data) VALUES (?, ?, ?)",
                                 (sha2, ctype, data))
                else:
                    self.execute(cur, "INSERT INTO attachments (sha2, content_type, data) VALUES (?, ?, ?) "
                                      "ON CONFLICT (sha2) DO NOTHING", (sha2, ctype, data))
            for row in rows:
                s = row["statement"]
                reg = (s.get("context") or {}).get("registration")
                obj = s.get("object") or {}
                refs = obj.get("id") if obj.get("objectType") == "StatementRef" else None
                seq = self.execute(cur, "INSERT INTO statements (id, stored, verb, registration, voids, refs, body) "
                                        "VALUES (?, ?, ?, ?, ?, ?, ?) RETURNING seq",
                                   (s["id"], row["stored"], s["verb"]["id"], reg, row["voids"], refs,
                                    json.dumps(s, separators=(",", ":")))).fetchone()[0]
                cur.executemany(self.sql("INSERT INTO statement_agents (seq, agent, related) VALUES (?, ?, ?)"),
                                [(seq, a, r) for a, r in row["agents"]])
                cur.executemany(self.sql("INSERT INTO statement_activities (seq, activity, related) VALUES (?, ?, ?)"),
                                [(seq, a, r) for a, r in row["activities"]])
                cur.executemany(self.sql("INSERT INTO statement_attachments (seq, sha2) VALUES (?, ?)"),
                                [(seq, h) for h in row["sha2s"]])
                if row["voids"]:
                    self.execute(cur, "UPDATE statements SET voided = 1 WHERE id = ? AND verb <> ?",
                                 (row["voids"], "http://adlnet.gov/expapi/verbs/voided"))
                for act_id, definition in row["definitions"].items():
                    self._merge_activity(cur, act_id, definition)

    def _merge_activity(self, cur: Any, act_id: str, definition: dict[str, Any]) -> None:
        old = self.execute(cur, "SELECT definition FROM activities WHERE id = ?", (act_id,)).fetchone()
        if old is None:
            self.execute(cur, "INSERT INTO activities (id, definition) VALUES (?, ?)", (act_id, json.dumps(definition)))
            return
        merged = json.loads(old[0])
        for key, value in definition.items():
            if isinstance(value, dict) and isinstance(merged.get(key), dict):
                merged[key].update(value)
            else:
                merged[key] = value
        self.execute(cur, "UPDATE activities SET definition = ? WHERE id = ?", (json.dumps(merged), act_id))

    def statement(self, sid: str, voided: bool) -> dict[str, Any] | None:
        rows = self.fetchall("SELECT body FROM statements WHERE id = ? AND voided = ?", (sid, 1 if voided else 0))
        return json.loads(rows[0][0]) if rows else None

    def _match(self, f: dict[str, Any]) -> tuple[str, list[str], list[Any], str] | None:
        """(FROM clause, conditions, params) selecting statements ``x`` that match the
        filters, voided or not, driven from the most selective index (agent, then activity)."""
        conds: list[str] = []
        params: list[Any] = []
        join = "CROSS JOIN" if self.dialect is SQLITE else "JOIN"  # SQLite: the index table is the outer loop
        if f.get("agent"):
            source, drive = f"statement_agents ag {join} statements x ON x.seq = ag.seq", "ag"
            conds.append("ag.agent = ?" + ("" if f.get("related_agents") else " AND ag.related = 0"))
            params.append(f["agent"])
        elif f.get("activity"):
            source, drive = f"statement_activities ac {join} statements x ON x.seq = ac.seq", "ac"
        elif f.get("verb") or f.get("registration"):
            source, drive = "statements x", "x"
        else:
            return None
        if f.get("activity"):
            if f.get("agent"):
                conds.append("x.seq IN (SELECT seq FROM statement_activities WHERE activity = ?"
                             + ("" if f.get("related_activities") else " AND related = 0") + ")")
            else:
                conds.append("ac.activity = ?" + ("" if f.get("related_activities") else " AND ac.related = 0"))
            params.append(f["activity"])
        if f.get("verb"):
            conds.append("x.verb = ?")
            params.append(f["verb"])
        if f.get("registration"):
            conds.append("x.registration = ?")
            params.append(f["registration"])
        return source, conds, params, drive

    def query(self, f: dict[str, Any], limit: int, after: int | None, ascending: bool) -> list[tuple[int, dict[str, Any]]]:
        """Unvoided statements matching the filters, plus those that target a matching
        statement through a StatementRef (xAPI 1.0.3, Communication 2.1.3), newest first
        unless *ascending*.  Two indexed queries, merged here."""
        window: list[str] = []
        wparams: list[Any] = []
        if f.get("since"):
            window.append("{a}.stored > ?")
            wparams.append(f["since"])
        if f.get("until"):
            window.append("{a}.stored <= ?")
            wparams.append(f["until"])
        if after is not None:
            window.append("{a}.seq > ?" if ascending else "{a}.seq < ?")
            wparams.append(after)
        order = "ASC" if ascending else "DESC"
        tail = f" ORDER BY {{a}}.seq {order} LIMIT {int(limit)}"
        match = self._match(f)
        if match is None:
            where = " AND ".join(["s.voided = 0"] + [w.format(a="s") for w in window])
            sql = f"SELECT s.seq, s.body FROM statements s WHERE {where}" + tail.format(a="s")
            return [(seq, json.loads(body)) for seq, body in self.fetchall(sql, tuple(wparams))]
        source, conds, mparams, drive = match
        direct = (f"SELECT DISTINCT {drive}.seq, x.body FROM {source} WHERE "
                  + " AND ".join(conds + ["x.voided = 0"] + [w.format(a="x") for w in window]) + tail.format(a=drive))
        rows = dict(self.fetchall(direct, tuple(mparams + wparams)))
        # Statements that target another (voiding ones, mostly) are few: take them from the partial
        # refs index, then keep those whose target matches the filters.
        refs = ("SELECT r.seq, r.refs FROM statements r WHERE r.refs IS NOT NULL AND r.voided = 0"
                + "".join(" AND " + w.format(a="r") for w in window))
        targeting = self.fetchall(refs, tuple(wparams))
        for start in range(0, len(targeting), 500):
            chunk = targeting[start:start + 500]
            marks = ",".join("?" * len(chunk))
            hit = {row[0] for row in self.fetchall(
                f"SELECT x.id FROM {source} WHERE {' AND '.join(conds)} AND x.id IN ({marks})",
                tuple(mparams) + tuple(r[1] for r in chunk))}
            wanted = [seq for seq, target in chunk if target in hit]
            if wanted:
                rows.update(self.fetchall(f"SELECT seq, body FROM statements WHERE seq IN ({','.join('?' * len(wanted))})",
                                          tuple(wanted)))
        ordered = sorted(rows.items(), reverse=not ascending)[:limit]
        return [(seq, json.loads(body)) for seq, body in ordered]

    def attachment_data(self, sha2s: list[str]) -> dict[str, tuple[str, bytes]]:
        out = {}
        for sha2 in set(sha2s):
            rows = self.fetchall("SELECT content_type, data FROM attachments WHERE sha2 = ?", (sha2,))
            if rows:
                out[sha2] = (rows[0][0], bytes(rows[0][1]))
        return out

    def activity(self, act_id: str) -> dict[str, Any] | None:
        rows = self.fetchall("SELECT definition FROM activities WHERE id = ?", (act_id,))
        return json.loads(rows[0][0]) if rows else None

    # -- documents (state, activity profile, agent profile) -------------------
    def document(self, kind: str, activity: str, agent: str, registration: str, doc_id: str) -> tuple[bytes, str, str, str] | None:
        rows = self.fetchall("SELECT content, content_type, etag, updated FROM documents WHERE kind = ? AND activity = ? "
                             "AND agent = ? AND registration = ? AND doc_id = ?", (kind, activity, agent, registration, doc_id))
        return (bytes(rows[0][0]), rows[0][1], rows[0][2], rows[0][3]) if rows else None

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
        with self.transaction() as cur:
            self.execute(cur, "DELETE FROM documents WHERE kind = ? AND activity = ? AND agent = ? AND registration = ? "
                              "AND doc_id = ?", (kind, activity, agent, registration, doc_id))
            self.execute(cur, "INSERT INTO documents (kind, activity, agent, registration, doc_id, content, content_type, "
                              "etag, updated) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                         (kind, activity, agent, registration, doc_id, content, ctype, etag, updated))

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
            self.execute(cur, "INSERT INTO credentials (key, name, secret_hash, scopes, activity_prefixes, homepage, revoked, created) "
                              "VALUES (?, ?, ?, ?, ?, ?, 0, ?)",
                         (key, name, secret_hash, json.dumps(scopes), json.dumps(prefixes), homepage, created))

    def credentials(self) -> list[dict[str, Any]]:
        rows = self.fetchall("SELECT key, name, secret_hash, scopes, activity_prefixes, homepage, revoked, created "
                             "FROM credentials ORDER BY created, key")
        return [{"key": r[0], "name": r[1], "secret_hash": r[2], "scopes": json.loads(r[3]),
                 "activity_prefixes": json.loads(r[4]), "homepage": r[5], "revoked": bool(r[6]), "created": r[7]}
                for r in rows]

    def revoke(self, key_or_name: str) -> int:
        with self.transaction() as cur:
            return self.execute(cur, "UPDATE credentials SET revoked = 1 WHERE key = ? OR name = ?",
                                (key_or_name, key_or_name)).rowcount


def open_storage(url: str) -> Storage:
    return Storage(url)
