"""The LRS's tables, as SQL both SQLite and PostgreSQL run (with a few type names filled in),
and the PostgreSQL-only rate buckets.  :mod:`toolkit.lrs.storage` migrates to them at open."""

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

# Rate-limit and failed-login buckets shared by every worker.  UNLOGGED: no WAL, no fsync, and
# emptied after a crash, which only forgives some requests.
BUCKETS = "CREATE UNLOGGED TABLE IF NOT EXISTS rate_buckets (name TEXT PRIMARY KEY, tokens DOUBLE PRECISION NOT NULL, " \
          "at DOUBLE PRECISION NOT NULL)"
# Version 3: when each bucket is full again (a full bucket is the same as no row), so that rows
# for addresses and key names not seen for a while can be deleted.
BUCKETS_FULL_AT = ["ALTER TABLE rate_buckets ADD COLUMN IF NOT EXISTS full_at DOUBLE PRECISION NOT NULL DEFAULT 0",
                   "CREATE INDEX IF NOT EXISTS rate_buckets_full_at ON rate_buckets (full_at)"]
# Taking tokens from several buckets, all or none, in one round trip (a transaction of
# separate statements costs four).  Rows are locked in name order, so two requests never
# wait for each other in a cycle.  A bucket seen for the first time, or deleted as full
# meanwhile, starts full.  One call in a hundred also deletes up to 500 full buckets.
TAKE_TOKENS = """
CREATE OR REPLACE FUNCTION toolkit_prune_buckets() RETURNS INTEGER LANGUAGE plpgsql AS $fn$
DECLARE
  gone INTEGER;
BEGIN
  DELETE FROM rate_buckets WHERE name IN (
    SELECT name FROM rate_buckets WHERE full_at < extract(epoch FROM clock_timestamp())
    ORDER BY full_at LIMIT 500 FOR UPDATE SKIP LOCKED);
  GET DIAGNOSTICS gone = ROW_COUNT;
  RETURN gone;
END
$fn$;
CREATE OR REPLACE FUNCTION toolkit_take_tokens(names TEXT[], rates DOUBLE PRECISION[],
                                               bursts DOUBLE PRECISION[], cost DOUBLE PRECISION)
RETURNS BOOLEAN LANGUAGE plpgsql AS $fn$
DECLARE
  now_at DOUBLE PRECISION := extract(epoch FROM clock_timestamp());
  i INTEGER;
  have DOUBLE PRECISION;
  fill DOUBLE PRECISION[] := '{}';
BEGIN
  FOR i IN SELECT g FROM generate_subscripts(names, 1) AS g ORDER BY names[g] LOOP
    INSERT INTO rate_buckets (name, tokens, at, full_at) VALUES (names[i], bursts[i], now_at, now_at)
      ON CONFLICT (name) DO NOTHING;
    SELECT LEAST(bursts[i], b.tokens + GREATEST(0, now_at - b.at) * rates[i]) INTO have
      FROM rate_buckets AS b WHERE b.name = names[i] FOR UPDATE;
    have := COALESCE(have, bursts[i]);
    IF have < cost THEN
      RETURN FALSE;
    END IF;
    fill[i] := have;
  END LOOP;
  FOR i IN 1 .. array_length(names, 1) LOOP
    INSERT INTO rate_buckets AS b (name, tokens, at, full_at)
      VALUES (names[i], fill[i] - cost, now_at, now_at + GREATEST(0, bursts[i] - (fill[i] - cost)) / rates[i])
      ON CONFLICT (name) DO UPDATE SET tokens = EXCLUDED.tokens, at = GREATEST(b.at, EXCLUDED.at),
                                       full_at = EXCLUDED.full_at;
  END LOOP;
  IF random() < 0.01 THEN
    PERFORM toolkit_prune_buckets();
  END IF;
  RETURN TRUE;
END
$fn$
"""
