"""Invitations: the municipality's own database (SQLite or PostgreSQL), retention on a pinned clock, the CLI."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import sqlite3

import pytest
from click.testing import CliRunner

from tests.lrs.conftest import db_url  # noqa: F401  (SQLite, and PostgreSQL under scripts/test.sh)
from toolkit.cli import main
from toolkit.errors import ConfigError
from toolkit.records.codes import CPR_MESSAGE, CprError, is_code
from toolkit.records.invitations import InvitationStore

COURSE = "https://kurser.example.dk/ret-og-pligt"


class Clock:
    def __init__(self, start: dt.datetime) -> None:
        self.now = start

    def __call__(self) -> dt.datetime:
        return self.now


@pytest.fixture
def clock():
    return Clock(dt.datetime(2026, 3, 2, 9, 0, tzinfo=dt.UTC))


def test_create_list_delete(db_url, clock):  # noqa: F811
    store = InvitationStore(db_url, clock)
    made = store.create(COURSE, "mette", 3, dt.date(2026, 3, 12), "Hold A")
    assert len({i.code for i in made}) == 3 and all(is_code(i.code) for i in made)
    store.create(COURSE, "mette", 1, dt.date(2026, 3, 10))
    store.create(COURSE, "jonas", 2)
    mine = store.mine("mette")
    assert len(mine) == 4 and next(i.meeting for i in mine) == dt.date(2026, 3, 10)  # sorted by meeting date
    assert {i.note for i in mine} == {None, "Hold A"}
    assert store.mine("mette", COURSE + "-andet") == []
    assert not store.delete("jonas", made[0].code)  # only the owner deletes
    assert store.delete("mette", made[0].code)
    assert len(store.mine("mette")) == 3
    store.close()


def test_retention_deletes_old_invitations(db_url, clock):  # noqa: F811
    store = InvitationStore(db_url, clock)
    old = store.create(COURSE, "mette", 2)
    clock.now += dt.timedelta(days=100)
    new = store.create(COURSE, "mette", 1)
    clock.now += dt.timedelta(days=80, hours=23)  # old: 180 days 23 h; new: 80 days 23 h
    assert store.purge(180) == 2
    assert [i.code for i in store.mine("mette")] == [new[0].code]
    assert old[0].code not in {i.code for i in store.mine("mette")}
    clock.now += dt.timedelta(days=100)
    assert store.purge(180) == 1 and store.mine("mette") == []
    with pytest.raises(ConfigError):
        store.purge(0)
    store.close()


def test_notes_refuse_cpr_and_are_bounded(tmp_path, clock):
    store = InvitationStore(str(tmp_path / "r.sqlite3"), clock)
    with pytest.raises(CprError):
        store.create(COURSE, "mette", 1, note="Ring til 010190-1234")
    with pytest.raises(ConfigError):
        store.create(COURSE, "mette", 1, note="x" * 501)
    with pytest.raises(ConfigError):
        store.create(COURSE, "mette", 0)
    assert store.mine("mette") == []
    store.close()


def test_the_table_holds_only_what_was_typed(tmp_path, clock):
    path = tmp_path / "r.sqlite3"
    InvitationStore(str(path), clock).create(COURSE, "mette", 1, dt.date(2026, 3, 12), "Hold A")
    with sqlite3.connect(path) as conn:
        columns = [r[1] for r in conn.execute("PRAGMA table_info(records_invitation)")]
        tables = [r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")]
    assert columns == ["code", "course", "owner", "created", "meeting", "note"]
    assert tables == ["records_invitation"]  # the records' own table, none of the LRS's


def test_cli_invite_prints_codes_and_links_and_stores_them(tmp_path):
    db = tmp_path / "records.sqlite3"
    env = {"TOOLKIT_RECORDS_CONFIG": "/nonexistent/records.toml"}
    result = CliRunner().invoke(main, ["records", "invite", COURSE, "--count", "3", "--base-url",
                                       "https://kurser.eksempelby.example/ret-og-pligt/", "--meeting", "2026-03-12",
                                       "--caseworker", "mette", "--db", str(db), "--format", "csv"], env=env)
    assert result.exit_code == 0, result.output
    rows = list(csv.DictReader(io.StringIO(result.stdout_bytes.decode("utf-8-sig")), delimiter=";"))
    assert len(rows) == 3
    for row in rows:
        assert is_code(row["Kode"]) and row["Mødedato"] == "2026-03-12"
        assert row["Personligt link"] == \
            f"https://kurser.eksempelby.example/ret-og-pligt/index.html?learner={row['Kode']}"
    stored = InvitationStore(str(db)).mine("mette")
    assert sorted(i.code for i in stored) == sorted(r["Kode"] for r in rows)


def test_cli_invite_without_store_and_refusals(tmp_path):
    env = {"TOOLKIT_RECORDS_CONFIG": "/nonexistent/records.toml", "TOOLKIT_DATA_DIR": str(tmp_path)}
    result = CliRunner().invoke(main, ["records", "invite", COURSE, "--no-store", "--format", "json"], env=env)
    assert result.exit_code == 0, result.output
    (one,) = json.loads(result.stdout)["invitations"]
    assert one["link"] == f"{COURSE}/index.html?learner={one['code']}"  # the course IRI is the default base
    assert not (tmp_path / "records.sqlite3").exists()
    result = CliRunner().invoke(main, ["records", "invite", COURSE, "--note", "0101901234"], env=env)
    assert result.exit_code == 1 and CPR_MESSAGE in result.output and "0101901234" not in result.output
    result = CliRunner().invoke(main, ["records", "invite", COURSE, "--meeting", "12/3"], env=env)
    assert result.exit_code == 1 and "is not a date" in result.output and "Traceback" not in result.output
