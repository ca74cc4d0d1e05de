"""The records CLI without an LRS: course slugs, dates, settings errors, password hashes."""

from __future__ import annotations

import datetime as dt
import socket

import pytest
from click.testing import CliRunner

from toolkit.cli import main
from toolkit.errors import ConfigError
from toolkit.records.auth import verify_password
from toolkit.records.lookup import parse_day, resolve_course

NO_SETTINGS = {"TOOLKIT_LRS_ENDPOINT": "", "TOOLKIT_LRS_USERNAME": "", "TOOLKIT_LRS_PASSWORD": "",
               "TOOLKIT_RECORDS_CONFIG": "/nonexistent/records.toml"}


def make_course(root, slug, iri, title="Dit CV"):
    d = root / "courses" / slug
    d.mkdir(parents=True)
    (d / "course.yaml").write_text(f"id: {iri}\ntitle: {title}\n", encoding="utf-8")


def test_slug_resolves_through_course_yaml(tmp_path):
    make_course(tmp_path, "cv-paa-jobnet", "https://kurser.example.dk/cv", "Dit CV på Jobnet")
    assert resolve_course("cv-paa-jobnet", tmp_path) == ("https://kurser.example.dk/cv", "Dit CV på Jobnet")
    assert resolve_course("https://kurser.example.dk/cv", tmp_path) == ("https://kurser.example.dk/cv",
                                                                       "Dit CV på Jobnet")
    assert resolve_course("urn:x:y", tmp_path) == ("urn:x:y", None)
    with pytest.raises(ConfigError, match="known slugs: cv-paa-jobnet"):
        resolve_course("cv", tmp_path)


def test_broken_course_yaml_gives_path_and_line(tmp_path):
    d = tmp_path / "courses" / "x"
    d.mkdir(parents=True)
    (d / "course.yaml").write_text("id: https://x\ntitle: [oops\n", encoding="utf-8")
    with pytest.raises(ConfigError, match=r"course\.yaml:\d+: YAML syntax error"):
        resolve_course("x", tmp_path)


def test_days_are_copenhagen_days():
    # winter: CET = UTC+1, summer: CEST = UTC+2
    assert parse_day("2026-01-10").astimezone(dt.UTC) == dt.datetime(2026, 1, 9, 23, tzinfo=dt.UTC)
    assert parse_day("2026-07-10", end=True).astimezone(dt.UTC) == dt.datetime(
        2026, 7, 10, 22, tzinfo=dt.UTC)
    with pytest.raises(ConfigError, match="not a date"):
        parse_day("10/7/2026")


def test_missing_settings_is_one_clean_line():
    result = CliRunner().invoke(main, ["records", "learner", "anna"], env=NO_SETTINGS)
    assert result.exit_code == 1
    assert "LRS endpoint, username, password not set" in result.output
    assert "Traceback" not in result.output


def test_unreachable_lrs_is_one_clean_line_without_password():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    env = {**NO_SETTINGS, "TOOLKIT_LRS_PASSWORD": "hemmeligt-kodeord"}
    result = CliRunner().invoke(main, ["records", "learner", "anna", "--endpoint", f"http://127.0.0.1:{port}/xapi/",
                                       "--username", "reader"], env=env)
    assert result.exit_code == 1
    assert "cannot reach the LRS" in result.output and "hemmeligt" not in result.output


def test_bad_dates_and_unknown_course(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    make_course(tmp_path, "cv", "https://kurser.example.dk/cv")
    env = {**NO_SETTINGS, "TOOLKIT_LRS_ENDPOINT": "http://127.0.0.1:9/xapi/", "TOOLKIT_LRS_USERNAME": "u",
           "TOOLKIT_LRS_PASSWORD": "p"}
    r = CliRunner().invoke(main, ["records", "course", "cv", "--since", "2026-05-01", "--until", "2026-04-01"],
                           env=env)
    assert r.exit_code == 1 and "is after --until" in r.output
    r = CliRunner().invoke(main, ["records", "course", "nope"], env=env)
    assert r.exit_code == 1 and "unknown course 'nope'" in r.output


def test_hash_password_prompts_twice_and_prints_a_hash():
    result = CliRunner().invoke(main, ["records", "hash-password"], input="rød-grød-med-fløde\nrød-grød-med-fløde\n")
    assert result.exit_code == 0
    hashed = result.output.strip().splitlines()[-1]
    assert verify_password("rød-grød-med-fløde", hashed)
    short = CliRunner().invoke(main, ["records", "hash-password"], input="kort\nkort\n")
    assert short.exit_code == 1 and "12 characters" in short.output


def test_serve_refuses_to_start_without_logins():
    env = {**NO_SETTINGS, "TOOLKIT_LRS_ENDPOINT": "http://127.0.0.1:9/xapi/", "TOOLKIT_LRS_USERNAME": "u",
           "TOOLKIT_LRS_PASSWORD": "p", "TOOLKIT_RECORDS_USERS": ""}
    result = CliRunner().invoke(main, ["records", "serve"], env=env)
    assert result.exit_code == 1 and "no caseworker logins" in result.output
    result = CliRunner().invoke(main, ["records", "serve", "--user", "mette:hemmelig"], env=env)
    assert result.exit_code == 1 and "plain passwords are never accepted" in result.output
