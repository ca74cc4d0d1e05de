"""Learner ids come from the public write key, so they are hostile text (issue 15, finding 11)."""

from __future__ import annotations

import csv
import io

import pytest

from tests.records.statements import COURSE, reg, stmt
from toolkit.records.output import render, to_csv
from toolkit.records.status import Learner, record_from

HOSTILE = ["=HYPERLINK(\"https://evil.example\";\"klik\")", "+cmd|' /C calc'!A0", "@SUM(1+1)*cmd|' /C calc'!A0",
           "-2+3", "\tTAB", "|pipe"]


def records_for(names):
    return [record_from(Learner(name, "https://lms.example.dk"), COURSE,
                        [stmt(name, "passed", registration=reg(), scaled=0.9)]) for name in names]


@pytest.mark.parametrize("name", HOSTILE)
def test_csv_cells_never_start_a_formula(name):
    text = to_csv(records_for([name]), "course")
    rows = list(csv.reader(io.StringIO(text[1:]), delimiter=";"))
    cell = rows[1][0]
    assert cell == "'" + name  # shown as the text it is, with one quote in front
    assert not cell.startswith(("=", "+", "-", "@", "\t", "|"))


def test_ordinary_ids_are_left_alone_in_csv():
    rows = list(csv.reader(io.StringIO(to_csv(records_for(["K7F3Q-9QX2M", "borger-1"]), "course")[1:]), delimiter=";"))
    assert sorted(r[0] for r in rows[1:]) == ["K7F3Q-9QX2M", "borger-1"]


def test_terminal_table_shows_escape_sequences_instead_of_obeying_them():
    name = "anna\x1b[2J\x1b]0;pwned\x07\u202eevil\x9b"
    table = render(records_for([name]), "course", "table", COURSE)
    assert "\x1b" not in table and "\x07" not in table and "\u202e" not in table and "\x9b" not in table
    assert "anna\\x1b[2J\\x1b]0;pwned\\x07\\u202eevil\\x9b" in table
