"""The records CLI against a real LRS (``toolkit lrs serve`` on SQLite, started by the test)."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json

import pytest
from click.testing import CliRunner

from tests.records.conftest import EXPECTED, HOMEPAGE, LABELS, Posted
from toolkit.cli import main
from toolkit.records.client import Connection, LRSClient
from toolkit.records.lookup import lookup_course, lookup_learner


def run(posted: Posted, *args: str, reader: tuple[str, str] | None = None) -> CliRunner:
    user, password = reader or posted.lrs.reader
    env = {"TOOLKIT_LRS_ENDPOINT": posted.lrs.endpoint, "TOOLKIT_LRS_USERNAME": user,
           "TOOLKIT_LRS_PASSWORD": password, "TOOLKIT_ACTOR_HOMEPAGE": HOMEPAGE,
           "TOOLKIT_RECORDS_CONFIG": "/nonexistent/records.toml"}
    return CliRunner().invoke(main, ["records", *args], env=env, catch_exceptions=False)


def test_learner_json_statuses(posted):
    for name, status in EXPECTED.items():
        result = run(posted, "learner", posted.learner(name), "--format", "json")
        assert result.exit_code == 0, result.output
        data = json.loads(result.stdout)
        mine = [r for r in data["records"] if r["course_id"] == posted.course]
        assert [(r["status"], r["status_label"]) for r in mine] == [(status, LABELS[name])], name


def test_learner_in_two_courses_with_attempts_and_time(posted):
    data = json.loads(run(posted, "learner", posted.learner("anna"), "--format", "json").stdout)
    by_id = {r["course_id"]: r for r in data["records"]}
    assert set(by_id) == {posted.course, posted.course + "-andet"}
    assert by_id[posted.course + "-andet"]["status"] == "in_progress"
    assert by_id[posted.course + "-andet"]["course_title"] == "Dine rettigheder"
    main_course = by_id[posted.course]
    assert main_course["score"] == pytest.approx(0.9) and main_course["time_spent_seconds"] == 41 * 60
    cai = json.loads(run(posted, "learner", posted.learner("cai"), "--format", "json").stdout)["records"][0]
    assert cai["attempts"] == 2 and cai["time_spent_seconds"] == (16 + 22) * 60
    assert cai["result_at"] == "2026-03-03T09:20:00+01:00"


def test_upper_case_uuids_are_read_and_one_registration(posted):
    (r,) = json.loads(run(posted, "learner", posted.learner("hans"), "--format", "json").stdout)["records"]
    assert r["status"] == "completed" and r["attempts"] == 1


def test_learner_without_statements(posted):
    result = run(posted, "learner", posted.learner("frank"))
    assert result.exit_code == 0
    assert "har ikke startet nogen kurser" in result.stdout
    assert json.loads(run(posted, "learner", posted.learner("frank"), "--format", "json").stdout)["records"] == []


def test_learner_table_csv_html(posted):
    table = run(posted, "learner", posted.learner("bo")).stdout
    assert "Gennemført · ikke bestået (30 %)" in table and "Dit CV på Jobnet" in table
    result = run(posted, "learner", posted.learner("bo"), "--format", "csv")
    assert result.stdout_bytes.startswith(b"\xef\xbb\xbf")
    rows = list(csv.DictReader(io.StringIO(result.stdout_bytes.decode("utf-8-sig")), delimiter=";"))
    assert (rows[0]["Kursus"], rows[0]["Gennemført"], rows[0]["Bestået"], rows[0]["Score (%)"]) == \
        ("Dit CV på Jobnet", "ja", "nej", "30,0")
    html = run(posted, "learner", posted.learner("bo"), "--format", "html").stdout
    assert "<td>Gennemført · ikke bestået (30 %)</td>" in html and 'lang="da"' in html


def test_course_lookup_with_team_list(posted, tmp_path):
    team = tmp_path / "team.txt"
    team.write_text("\ufeff" + "\n".join(posted.learner(n) for n in ("anna", "bo", "frank")) + "\n", encoding="utf-8")
    result = run(posted, "course", posted.course, "--learners", str(team), "--format", "csv")
    assert result.exit_code == 0, result.output
    rows = list(csv.reader(io.StringIO(result.stdout_bytes.decode("utf-8-sig")), delimiter=";"))
    assert rows[0][0] == "Borger-id"
    assert [(r[0], r[1]) for r in rows[1:]] == [(posted.learner("anna"), LABELS["anna"]),
                                                 (posted.learner("bo"), LABELS["bo"]),
                                                 (posted.learner("frank"), "Ikke startet")]


def test_course_lookup_everyone_and_since_until(posted):
    data = json.loads(run(posted, "course", posted.course, "--format", "json").stdout)
    got = {r["learner"]: r["status"] for r in data["records"]}
    assert got == {posted.learner(n): s for n, s in EXPECTED.items()}
    today = dt.date.today()
    later = json.loads(run(posted, "course", posted.course, "--since", str(today + dt.timedelta(days=2)),
                           "--format", "json").stdout)
    assert later["records"] == []
    earlier = json.loads(run(posted, "course", posted.course, "--until", str(today - dt.timedelta(days=2)),
                             "--format", "json").stdout)
    assert earlier["records"] == []
    window = json.loads(run(posted, "course", posted.course, "--since", str(today - dt.timedelta(days=1)),
                            "--until", str(today + dt.timedelta(days=1)), "--format", "json").stdout)
    assert {r["learner"] for r in window["records"]} == set(got)


def test_paging_follows_more_links(posted):
    """With a page size of 2 the LRS must send `more` links; the answers stay the same."""
    conn = Connection(posted.lrs.endpoint, *posted.lrs.reader, homepages=(HOMEPAGE,))
    small, big = LRSClient(conn, page_size=2), LRSClient(conn)
    for name in EXPECTED:
        assert [r.status for r in lookup_learner(small, posted.learner(name))] == \
               [r.status for r in lookup_learner(big, posted.learner(name))]
    assert [(r.learner.name, r.status) for r in lookup_course(small, posted.course)] == \
           [(r.learner.name, r.status) for r in lookup_course(big, posted.course)]


def test_wrong_password_is_one_clean_line(posted):
    result = run(posted, "learner", posted.learner("anna"), reader=(posted.lrs.reader[0], "forkert"))
    assert result.exit_code == 1
    assert "refused the credentials" in result.output and "Traceback" not in result.output
    assert "forkert" not in result.output


def test_runtime_statements_hook(posted, browser):
    """HOOK for the lead: statements produced by the real runtime in Chromium.

    Wire ``tests/records/runtime_hook.py::runtime_statements`` to run a built
    course in Chromium against ``posted.lrs`` (write credential) and return
    (learner id, course IRI, expected status) tuples; this test then checks
    the CLI agrees.
    """
    from tests.records.runtime_hook import runtime_statements

    cases = runtime_statements(posted.lrs, browser)
    if cases is None:
        pytest.skip("runtime statements hook not wired yet (tests/records/runtime_hook.py)")
    for learner, course, status in cases:
        data = json.loads(run(posted, "learner", learner, "--format", "json").stdout)
        assert {r["course_id"]: r["status"] for r in data["records"]}.get(course) == status
