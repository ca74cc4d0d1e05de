#!/usr/bin/env bash
# Runs ruff and mypy --strict, builds the docs (mkdocs --strict), runs the runtime's unit tests (node --test), then
# pytest.  Starts a throwaway PostgreSQL cluster so the storage and HTTP tests of the LRS run on
# both SQLite and PostgreSQL.
set -euo pipefail
cd "$(dirname "$0")/.."

# The habits: lint, and the documentation site with every link checked.
python3 -m ruff check toolkit tests
python3 -m mypy   # strict, on toolkit/ (pyproject.toml [tool.mypy])
DOCS_OUT=$(mktemp -d /tmp/toolkit-docs.XXXXXX)
python3 -m mkdocs build --strict --quiet --site-dir "$DOCS_OUT"
rm -rf "$DOCS_OUT"

cleanup() { :; }
if [ -z "${TOOLKIT_TEST_PG_URL:-}" ]; then
  PGBIN=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1 || true)
  if [ -n "$PGBIN" ] && [ -x "$PGBIN/initdb" ]; then
    PGTMP=$(mktemp -d /tmp/toolkit-pg.XXXXXX)
    chmod 755 "$PGTMP"
    RUNAS=()
    if [ "$(id -u)" = 0 ]; then
      id postgres >/dev/null 2>&1 || useradd -r postgres
      chown postgres "$PGTMP"
      RUNAS=(runuser -u postgres --)
    fi
    PGPORT=${TOOLKIT_TEST_PG_PORT:-$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')}
    "${RUNAS[@]}" "$PGBIN/initdb" -D "$PGTMP/data" -U toolkit --auth=trust -E UTF8 >/dev/null
    "${RUNAS[@]}" "$PGBIN/pg_ctl" -D "$PGTMP/data" -l "$PGTMP/log" -w \
      -o "-p $PGPORT -k $PGTMP -c listen_addresses=127.0.0.1 -c fsync=off -c synchronous_commit=off -c full_page_writes=off" start >/dev/null
    cleanup() { "${RUNAS[@]}" "$PGBIN/pg_ctl" -D "$PGTMP/data" -m immediate stop >/dev/null 2>&1 || true; rm -rf "$PGTMP"; }
    export TOOLKIT_TEST_PG_URL="postgresql://toolkit@127.0.0.1:$PGPORT/postgres"
  fi
fi
trap cleanup EXIT

# The runtime's protocol core (toolkit/runtime/src) under Node's own test runner.
node --test tests/runtime/
python3 -m pytest -n 2 "$@"
