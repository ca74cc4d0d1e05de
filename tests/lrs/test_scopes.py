"""A credential can never do more than its scope allows."""

from __future__ import annotations

import json

from toolkit.cli import main

from .conftest import statement


def test_write_key_cannot_read(lrs):
    assert lrs.request("POST", "statements", who="writer", json=statement()).status_code == 200
    assert lrs.request("GET", "statements", who="writer").status_code == 403
    assert lrs.request("GET", "activities", who="writer", params={"activityId": "https://x.example/a"}).status_code == 403


def test_read_key_cannot_write(lrs):
    assert lrs.request("POST", "statements", who="reader", json=statement()).status_code == 403
    assert lrs.request("GET", "statements", who="reader").status_code == 200
    state = {"activityId": "https://kurser.example.dk/cv", "agent": json.dumps(statement()["actor"]), "stateId": "s"}
    assert lrs.request("PUT", "activities/state", who="reader", params=state, json={"a": 1}).status_code == 403


def test_course_key_is_limited_to_its_courses_and_learners(lrs):
    assert lrs.request("POST", "statements", who="course", json=statement()).status_code == 200
    other_course = statement(object={"id": "https://kurser.example.dk/ret-og-pligt"})
    assert lrs.request("POST", "statements", who="course", json=other_course).status_code == 403
    sneaky_context = statement(context={"contextActivities": {"parent": [{"id": "https://evil.example/x"}]}})
    assert lrs.request("POST", "statements", who="course", json=sneaky_context).status_code == 403
    other_actor = statement(actor={"mbox": "mailto:someone@example.dk"})
    assert lrs.request("POST", "statements", who="course", json=other_actor).status_code == 403
    own_state = {"activityId": "https://kurser.example.dk/cv", "agent": json.dumps(statement()["actor"]), "stateId": "resume"}
    assert lrs.request("PUT", "activities/state", who="course", params=own_state, json={"l": 1}).status_code == 204
    foreign = dict(own_state, agent=json.dumps({"mbox": "mailto:someone@example.dk"}))
    assert lrs.request("GET", "activities/state", who="course", params=foreign).status_code == 403


def test_revoked_key_is_401(lrs):
    assert lrs.storage.revoke("writer") == 1
    lrs.app.state.lrs.auth.forget()
    assert lrs.request("POST", "statements", who="writer", json=statement()).status_code == 401


def test_cli_credentials(runner, tmp_path):
    db = str(tmp_path / "c.sqlite3")
    r = runner.invoke(main, ["lrs", "credentials", "add", "pakke", "--scope", "statements/write",
                             "--activity-prefix", "https://kurser.example.dk/cv", "--db", db])
    assert r.exit_code == 0, r.output
    secret = r.output.split("Secret (shown once): ")[1].strip()
    assert len(secret) >= 24
    listing = runner.invoke(main, ["lrs", "credentials", "list", "--db", db])
    assert "pakke\tstatements/write\tactive\tactivities https://kurser.example.dk/cv" in listing.output
    assert secret not in listing.output
    assert runner.invoke(main, ["lrs", "credentials", "add", "x", "--scope", "root", "--db", db]).exit_code == 1
    assert runner.invoke(main, ["lrs", "credentials", "revoke", "pakke", "--db", db]).exit_code == 0
    assert "revoked" in runner.invoke(main, ["lrs", "credentials", "list", "--db", db]).output
    assert runner.invoke(main, ["lrs", "credentials", "revoke", "nobody", "--db", db]).exit_code == 1
