"""Statements in the database: batched inserts and the indexed queries of GET /statements.

A mixin of :class:`toolkit.lrs.storage.Storage`, which provides the connection
plumbing.  A batch is a handful of multi-row INSERTs (and COPY into the index
tables on PostgreSQL), in one transaction.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from contextlib import AbstractContextManager
from typing import Any

VOIDED = "http://adlnet.gov/expapi/verbs/voided"
CHUNK = 400  # rows per multi-row INSERT: 7 columns stay far below every parameter limit
SMALL = 20  # on PostgreSQL, fewer statements go by INSERT (fewer round trips), more by COPY


PLAIN_INSERT = """
WITH ins AS (
  INSERT INTO statements (id, stored, verb, registration, voids, refs, body)
  SELECT * FROM unnest(%b::text[], %b::text[], %b::text[], %b::text[], %b::text[], %b::text[], %b::text[])
  RETURNING seq, id),
ag AS (
  INSERT INTO statement_agents (seq, agent, related)
  SELECT ins.seq, a.agent, a.related FROM unnest(%b::text[], %b::text[], %b::int[]) AS a(id, agent, related)
  JOIN ins ON ins.id = a.id),
ac AS (
  INSERT INTO statement_activities (seq, activity, related)
  SELECT ins.seq, a.activity, a.related FROM unnest(%b::text[], %b::text[], %b::int[]) AS a(id, activity, related)
  JOIN ins ON ins.id = a.id)
SELECT count(*) FROM ins
"""


class Conflict(Exception):
    """Another request stored some of these statement ids first, between our check and our insert."""

    def __init__(self, ids: list[str]) -> None:
        super().__init__(", ".join(ids))
        self.ids = ids


class StatementStore:
    @property
    def postgres(self) -> bool:
        raise NotImplementedError

    def transaction(self) -> AbstractContextManager[Any]:
        raise NotImplementedError

    def fetchall(self, text: str, params: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
        raise NotImplementedError

    def sql(self, text: str) -> str:
        raise NotImplementedError

    def existing(self, ids: list[str]) -> dict[str, dict[str, Any]]:
        out = {}
        for chunk in _chunks(ids, 500):
            marks = ",".join("?" * len(chunk))
            for sid, body in self.fetchall(f"SELECT id, body FROM statements WHERE id IN ({marks})", tuple(chunk)):
                out[sid] = json.loads(body)
        return out

    def insert(self, rows: list[dict[str, Any]], attachments: dict[str, tuple[str, bytes]]) -> None:
        """Store a batch in one transaction.  Each row: statement, body (its JSON, optional), stored, agents,
        activities, definitions, voids, sha2s.  Raises :class:`Conflict` (and stores nothing) if
        another request stored one of the ids first."""
        if self.postgres and not attachments and not any(r["voids"] or r["definitions"] or r["sha2s"] for r in rows):
            self._insert_plain(rows)
            return
        with self.transaction() as cur:
            if attachments:
                cur.executemany(self.sql("INSERT INTO attachments (sha2, content_type, data) VALUES (?, ?, ?) "
                                         "ON CONFLICT (sha2) DO NOTHING"),
                                [(sha2, ctype, data) for sha2, (ctype, data) in attachments.items()])
            seqs = self._insert_statements(cur, rows)
            missing = [row["statement"]["id"] for row in rows if row["statement"]["id"] not in seqs]
            if missing:
                raise Conflict(missing)
            agents, activities, sha2s = [], [], []
            for row in rows:
                seq = seqs[row["statement"]["id"]]
                agents += [(seq, a, r) for a, r in row["agents"]]
                activities += [(seq, a, r) for a, r in row["activities"]]
                sha2s += [(seq, h) for h in row["sha2s"]]
            self._bulk(cur, "statement_agents (seq, agent, related)", agents)
            self._bulk(cur, "statement_activities (seq, activity, related)", activities)
            self._bulk(cur, "statement_attachments (seq, sha2)", sha2s)
            voids = [row["voids"] for row in rows if row["voids"]]
            for chunk in _chunks(voids, 500):
                cur.execute(self.sql(f"UPDATE statements SET voided = 1 WHERE id IN ({','.join('?' * len(chunk))}) "
                                     "AND verb <> ?"), (*chunk, VOIDED))
            definitions: dict[str, list[dict[str, Any]]] = {}
            for row in rows:
                for act_id, definition in row["definitions"].items():
                    definitions.setdefault(act_id, []).append(definition)
            if definitions:
                self._merge_activities(cur, definitions)

    def _insert_plain(self, rows: list[dict[str, Any]]) -> None:
        """The common case on PostgreSQL (no voiding, attachments or definitions): the batch and
        its index rows in one SQL statement, which is atomic by itself: one round trip and one
        commit.  A duplicate id fails the statement and nothing is stored."""
        import psycopg

        columns: list[list[Any]] = [[] for _ in range(7)]
        for value in self._values(rows):
            for column, item in zip(columns, value, strict=True):
                column.append(item)
        agents: list[list[Any]] = [[], [], []]
        activities: list[list[Any]] = [[], [], []]
        for row in rows:
            sid = row["statement"]["id"]
            for target, pairs in ((agents, row["agents"]), (activities, row["activities"])):
                for key, related in pairs:
                    target[0].append(sid)
                    target[1].append(key)
                    target[2].append(related)
        try:
            self.fetchall(PLAIN_INSERT, (*columns, *agents, *activities))
        except psycopg.errors.UniqueViolation:
            raise Conflict([row["statement"]["id"] for row in rows]) from None

    @staticmethod
    def _values(rows: list[dict[str, Any]]) -> list[tuple[Any, ...]]:
        values = []
        for row in rows:
            s = row["statement"]
            obj = s.get("object") or {}
            values.append((s["id"], row["stored"], s["verb"]["id"], (s.get("context") or {}).get("registration"),
                           row["voids"], obj.get("id") if obj.get("objectType") == "StatementRef" else None,
                           row.get("body") or json.dumps(s, separators=(",", ":"), allow_nan=False)))
        return values

    def _insert_statements(self, cur: Any, rows: list[dict[str, Any]]) -> dict[str, int]:
        """Insert the statements rows; their positions (seq) by id, leaving out ids that exist."""
        values = self._values(rows)
        if self.postgres and len(values) > SMALL:  # positions first, then one COPY; a duplicate id fails it
            import psycopg

            cur.execute("SELECT nextval(pg_get_serial_sequence('statements', 'seq')) FROM generate_series(1, %s)",
                        (len(values),))
            numbers = [r[0] for r in cur.fetchall()]
            try:
                with cur.copy("COPY statements (seq, id, stored, verb, registration, voids, refs, body) FROM STDIN") as copy:
                    for seq, value in zip(numbers, values, strict=True):
                        copy.write_row((seq, *value))
            except psycopg.errors.UniqueViolation:
                raise Conflict([v[0] for v in values]) from None
            return {v[0]: seq for seq, v in zip(numbers, values, strict=True)}
        seqs: dict[str, int] = {}
        for chunk in _chunks(values, CHUNK):
            cur.execute(self.sql("INSERT INTO statements (id, stored, verb, registration, voids, refs, body) VALUES "
                                 + ",".join(["(?, ?, ?, ?, ?, ?, ?)"] * len(chunk))
                                 + " ON CONFLICT (id) DO NOTHING RETURNING seq, id"),
                        [v for value in chunk for v in value])
            seqs.update((sid, seq) for seq, sid in cur.fetchall())
        return seqs

    def _bulk(self, cur: Any, table: str, rows: list[tuple[Any, ...]]) -> None:
        if not rows:
            return
        if self.postgres and len(rows) > 4 * SMALL:
            with cur.copy(f"COPY {table} FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(row)
        else:
            width = len(rows[0])
            cur.executemany(self.sql(f"INSERT INTO {table} VALUES ({', '.join('?' * width)})"), rows)

    def _merge_activities(self, cur: Any, definitions: dict[str, list[dict[str, Any]]]) -> None:
        """Merge new definitions into the stored ones.  The rows are created first and then
        locked in id order, so concurrent batches neither lose a merge nor deadlock."""
        ids = sorted(definitions)
        cur.executemany(self.sql("INSERT INTO activities (id, definition) VALUES (?, '{}') ON CONFLICT (id) DO NOTHING"),
                        [(i,) for i in ids])
        stored: dict[str, dict[str, Any]] = {}
        for chunk in _chunks(ids, 500):
            lock = " ORDER BY id FOR UPDATE" if self.postgres else ""
            cur.execute(self.sql(f"SELECT id, definition FROM activities WHERE id IN ({','.join('?' * len(chunk))}){lock}"),
                        tuple(chunk))
            stored.update((i, json.loads(d)) for i, d in cur.fetchall())
        updates = []
        for act_id in ids:
            merged = stored.get(act_id, {})
            for definition in definitions[act_id]:
                for key, value in definition.items():
                    if isinstance(value, dict) and isinstance(merged.get(key), dict):
                        merged[key].update(value)
                    else:
                        merged[key] = value
            updates.append((json.dumps(merged), act_id))
        cur.executemany(self.sql("UPDATE activities SET definition = ? WHERE id = ?"), updates)

    def statement(self, sid: str, voided: bool) -> dict[str, Any] | None:
        rows = self.fetchall("SELECT body FROM statements WHERE id = ? AND voided = ?", (sid, 1 if voided else 0))
        return json.loads(rows[0][0]) if rows else None

    def _match(self, f: dict[str, Any]) -> tuple[str, list[str], list[Any], str] | None:
        """(FROM clause, conditions, params) selecting statements ``x`` that match the
        filters, voided or not, driven from the most selective index (agent, then activity)."""
        conds: list[str] = []
        params: list[Any] = []
        join = "JOIN" if self.postgres else "CROSS JOIN"  # SQLite: the index table is the outer loop
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
        _where(f, conds, params, {"verb": "x.verb = ?", "registration": "x.registration = ?"})
        return source, conds, params, drive

    def query(self, f: dict[str, Any], limit: int, after: int | None, ascending: bool) -> list[tuple[int, dict[str, Any]]]:
        """Unvoided statements matching the filters, plus those that target a matching
        statement through a StatementRef (xAPI 1.0.3, Communication 2.1.3), newest first
        unless *ascending*.  Two indexed queries, merged here."""
        window: list[str] = []
        wparams: list[Any] = []
        _where(f, window, wparams, {"since": "{a}.stored > ?", "until": "{a}.stored <= ?"})
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


def _where(f: dict[str, Any], conds: list[str], params: list[Any], clauses: dict[str, str]) -> None:
    """Add the clause of each filter in *clauses* that *f* sets, with its value."""
    for name, clause in clauses.items():
        if f.get(name):
            conds.append(clause)
            params.append(f[name])


def _chunks(items: list[Any], size: int) -> Iterator[list[Any]]:
    for start in range(0, len(items), size):
        yield items[start:start + size]
