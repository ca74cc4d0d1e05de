"""Output formats: the same rows everywhere, CSV for Danish Excel, printable HTML."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json

import pytest

from tests.records.statements import COURSE, reg, stmt
from toolkit.records.output import display_rows, duration, render, to_csv
from toolkit.records.status import Learner, Status, record_from, records_for_course

ANNA = Learner("anna-7f3a", "https://lms.example.dk")


def sample():
    g1, g2 = reg(), reg()
    return [record_from(ANNA, COURSE, [
        stmt("anna-7f3a", "initialized", minutes=0, registration=g1),
        stmt("anna-7f3a", "failed", minutes=30, registration=g1, scaled=0.5),
        stmt("anna-7f3a", "terminated", minutes=31, registration=g1, duration="PT31M"),
        stmt("anna-7f3a", "initialized", minutes=24 * 60, registration=g2),
        stmt("anna-7f3a", "passed", minutes=24 * 60 + 40, registration=g2, scaled=0.857),
        stmt("anna-7f3a", "terminated", minutes=24 * 60 + 45, registration=g2, duration="PT45M"),
    ], title="Dit CV på Jobnet – ÆØÅ")]


def test_display_rows_are_local_time_and_danish():
    headers, rows = display_rows(sample(), "learner")
    assert headers[0] == "Kursus" and "Forsøg" in headers
    # BASE is 2026-03-02 08:00 UTC = 09:00 in Copenhagen (CET); +1 day +40 min
    assert rows == [["Dit CV på Jobnet – ÆØÅ", "I gang · bestået (86 %)", "", "0", "", "2026-03-03 09:40",
                     "1 t 16 min", "2", "2026-03-03 09:45"]]


def test_summer_time_is_used_in_summer():
    s = stmt("anna-7f3a", "completed", registration=reg())
    s["timestamp"] = "2026-07-01T10:00:00Z"
    headers, rows = display_rows([record_from(ANNA, COURSE, [s])], "learner")
    assert rows[0][headers.index("Afsluttet")] == "2026-07-01 12:00"


def test_duration_labels():
    assert duration(dt.timedelta(0)) == ""
    assert duration(dt.timedelta(seconds=20)) == "under 1 min"
    assert duration(dt.timedelta(minutes=59, seconds=59)) == "59 min"
    assert duration(dt.timedelta(hours=2, minutes=3)) == "2 t 3 min"


def test_csv_opens_in_danish_excel_with_numeric_columns():
    text = to_csv(sample(), "learner")
    assert text.startswith("\ufeff")
    data = text.encode("utf-8")
    assert data.startswith(b"\xef\xbb\xbf")
    assert "\r\n" in text
    rows = list(csv.DictReader(io.StringIO(data.decode("utf-8-sig")), delimiter=";"))
    (row,) = rows
    assert row["Kursus"] == "Dit CV på Jobnet – ÆØÅ" and row["Kursus-id"] == COURSE
    assert row["Status"] == "I gang · bestået (86 %)"
    assert (row["Gennemført"], row["Bestået"]) == ("nej", "ja")
    # numbers with the Danish decimal comma, parsed back as numbers
    assert row["Score (%)"] == "85,7" and float(row["Score (%)"].replace(",", ".")) == pytest.approx(85.7)
    assert float(row["Tid brugt (min)"].replace(",", ".")) == pytest.approx(76.0)
    assert int(row["Forsøg"]) == 2 and int(row["Lektioner set (antal)"]) == 0
    assert row["Afsluttet"] == "2026-03-03 09:40"


def test_csv_defuses_formulas():
    rec = sample()
    rec[0].course_title = "=HYPERLINK(\"http://x\")"
    rec[0].learner = Learner("+1-2", "https://lms.example.dk")
    rows = list(csv.reader(io.StringIO(to_csv(rec, "learner")[1:]), delimiter=";"))
    assert rows[1][0] == "'=HYPERLINK(\"http://x\")"
    rows = list(csv.reader(io.StringIO(to_csv(rec, "course")[1:]), delimiter=";"))
    assert rows[1][0] == "'+1-2"


def test_table_shows_control_characters_as_escapes():
    rec = sample()
    rec[0].course_title = "Kursus\x1b[31mRØD\x1b[0m\u202e"
    table = render(rec, "learner", "table", "anna-7f3a")
    assert "\x1b" not in table and "\u202e" not in table and "Kursus\\x1b[31mRØD\\x1b[0m\\u202e" in table


def test_csv_quotes_separator_in_values():
    rec = sample()
    rec[0].course_title = 'Kursus; med "citat"'
    rows = list(csv.reader(io.StringIO(to_csv(rec, "learner")[1:]), delimiter=";"))
    assert rows[1][0] == 'Kursus; med "citat"'


def test_json_has_codes_labels_and_no_raw_statements():
    data = json.loads(render(sample(), "learner", "json", "anna-7f3a"))
    assert data["learner"] == "anna-7f3a"
    (r,) = data["records"]
    assert r["status"] == "passed" and r["status_label"] == "I gang · bestået (86 %)"
    assert (r["completion"], r["success"]) == ("in_progress", "passed")
    assert r["attempts"] == 2 and len(r["attempt_details"]) == 2
    assert r["time_spent_seconds"] == 76 * 60
    assert r["result_at"] == "2026-03-03T09:40:00+01:00"
    assert "statements" not in json.dumps(data) and "mbox" not in json.dumps(data)


def test_table_and_empty_messages():
    table = render(sample(), "learner", "table", "anna-7f3a")
    lines = table.splitlines()
    assert lines[0] == "Kursusstatus for borger anna-7f3a"
    assert lines[1].startswith("Kursus") and "bestået" in lines[3]
    assert "har ikke startet nogen kurser" in render([], "learner", "table", "x")
    team = records_for_course(COURSE, [], "Kursus", [Learner("bo")])
    assert team[0].status is Status.NOT_STARTED
    assert "Ikke startet" in render(team, "course", "table", COURSE, "Kursus")


def test_html_is_printable_escaped_and_self_contained():
    rec = sample()
    rec[0].course_title = "<script>alert(1)</script>"
    html = render(rec, "learner", "html", "anna-7f3a")
    assert html.startswith("<!doctype html>") and 'lang="da"' in html
    assert "<script>" not in html and "&lt;script&gt;" in html
    assert "@media print" in html
    assert "http://" not in html and "https://" not in html  # nothing loaded from elsewhere
