"""State, Activity Profile and Agent Profile with ETag concurrency."""

from __future__ import annotations

import json

from .conftest import statement

AGENT = json.dumps(statement()["actor"])


def test_state_put_get_post_merge_delete(lrs):
    p = {"activityId": "https://kurser.example.dk/cv", "agent": AGENT, "stateId": "resume"}
    assert lrs.request("PUT", "activities/state", params=p, json={"l": "intro"}).status_code == 204
    got = lrs.request("GET", "activities/state", params=p)
    assert got.json() == {"l": "intro"} and got.headers["ETag"].startswith('"')
    assert lrs.request("POST", "activities/state", params=p, json={"s": ["intro"]}).status_code == 204
    assert lrs.request("GET", "activities/state", params=p).json() == {"l": "intro", "s": ["intro"]}
    listing = lrs.request("GET", "activities/state", params={k: v for k, v in p.items() if k != "stateId"})
    assert listing.json() == ["resume"]
    assert lrs.request("DELETE", "activities/state", params=p).status_code == 204
    assert lrs.request("GET", "activities/state", params=p).status_code == 404


def test_profile_concurrency(lrs):
    p = {"activityId": "https://kurser.example.dk/cv", "profileId": "cfg"}
    assert lrs.request("PUT", "activities/profile", params=p, json={"a": 1}).status_code == 400
    assert lrs.request("PUT", "activities/profile", params=p, json={"a": 1}, headers={"If-None-Match": "*"}).status_code == 204
    etag = lrs.request("GET", "activities/profile", params=p).headers["ETag"]
    assert lrs.request("PUT", "activities/profile", params=p, json={"a": 2}).status_code == 409
    assert lrs.request("PUT", "activities/profile", params=p, json={"a": 2}, headers={"If-None-Match": "*"}).status_code == 412
    assert lrs.request("PUT", "activities/profile", params=p, json={"a": 2}, headers={"If-Match": '"nope"'}).status_code == 412
    assert lrs.request("PUT", "activities/profile", params=p, json={"a": 2}, headers={"If-Match": etag}).status_code == 204
    assert lrs.request("GET", "activities/profile", params=p).json() == {"a": 2}


def test_agent_profile_and_agents_and_activities(lrs):
    p = {"agent": AGENT, "profileId": "prefs"}
    assert lrs.request("PUT", "agents/profile", params=p, json={"sprog": "da"}, headers={"If-None-Match": "*"}).status_code == 204
    assert lrs.request("GET", "agents/profile", params=p).json() == {"sprog": "da"}
    person = lrs.request("GET", "agents", params={"agent": AGENT}).json()
    assert person["objectType"] == "Person" and person["account"][0]["name"] == "borger-1"
    lrs.request("POST", "statements", json=statement(object={"id": "https://kurser.example.dk/cv",
                                                               "definition": {"name": {"da": "CV"}}}))
    act = lrs.request("GET", "activities", params={"activityId": "https://kurser.example.dk/cv"}).json()
    assert act["definition"]["name"] == {"da": "CV"}


def _interleave(lrs, monkeypatch, change):
    """Let *change* (another tab's write, straight into the store) happen between the request's
    read of the document and its write, once."""
    read = lrs.storage.document
    pending = [change]

    def document(*args):
        found = read(*args)
        if pending:
            pending.pop()()
        return found

    monkeypatch.setattr(lrs.storage, "document", document)


STATE = {"activityId": "https://kurser.example.dk/cv", "agent": AGENT, "stateId": "suspend"}
STATE_KEY = ("state", STATE["activityId"], "account:https://lms.example.dk|borger-1", "", "suspend")


def _store_directly(lrs, body: dict, etag: str) -> None:
    lrs.storage.put_document(*STATE_KEY, json.dumps(body).encode(), "application/json", etag, "2026-11-20T10:00:00Z")


def test_a_merge_racing_another_tab_keeps_both_updates(lrs, monkeypatch):
    assert lrs.request("POST", "activities/state", params=STATE, json={"tab1": "l1"}).status_code == 204
    stored_agent = lrs.storage.document_ids("state", STATE["activityId"], STATE_KEY[2], None, None)
    assert stored_agent == ["suspend"], "the test's agent key must be the one the LRS stores under"
    _interleave(lrs, monkeypatch, lambda: _store_directly(lrs, {"tab1": "l1", "tab2": "l7"}, '"other"'))
    assert lrs.request("POST", "activities/state", params=STATE, json={"tab1": "l2"}).status_code == 204
    assert lrs.request("GET", "activities/state", params=STATE).json() == {"tab1": "l2", "tab2": "l7"}


def test_a_put_with_an_etag_that_went_stale_in_between_gets_412(lrs, monkeypatch):
    p = {"activityId": "https://kurser.example.dk/cv", "profileId": "cfg"}
    assert lrs.request("PUT", "activities/profile", params=p, json={"a": 1}, headers={"If-None-Match": "*"}).status_code == 204
    etag = lrs.request("GET", "activities/profile", params=p).headers["ETag"]
    key = ("activity_profile", p["activityId"], "", "", "cfg")
    _interleave(lrs, monkeypatch, lambda: lrs.storage.put_document(*key, b'{"a": 9}', "application/json", '"w2"',
                                                                             "2026-11-20T10:00:00Z"))
    assert lrs.request("PUT", "activities/profile", params=p, json={"a": 2}, headers={"If-Match": etag}).status_code == 412
    monkeypatch.undo()
    assert lrs.request("GET", "activities/profile", params=p).json() == {"a": 9}


def test_a_create_racing_another_create_gets_412(lrs, monkeypatch):
    p = {"activityId": "https://kurser.example.dk/cv", "profileId": "new"}
    key = ("activity_profile", p["activityId"], "", "", "new")
    _interleave(lrs, monkeypatch, lambda: lrs.storage.put_document(*key, b'{"b": 1}', "application/json", '"w2"',
                                                                             "2026-11-20T10:00:00Z"))
    got = lrs.request("PUT", "activities/profile", params=p, json={"a": 1}, headers={"If-None-Match": "*"})
    assert got.status_code == 412
    monkeypatch.undo()
    assert lrs.request("GET", "activities/profile", params=p).json() == {"b": 1}


def test_parallel_merges_into_one_state_document_lose_nothing(lrs):
    import threading

    def tab(n: int) -> None:
        for i in range(5):
            got = lrs.request("POST", "activities/state", params=STATE, json={f"t{n}-{i}": i})
            assert got.status_code == 204, got.text

    threads = [threading.Thread(target=tab, args=(n,)) for n in range(6)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert len(lrs.request("GET", "activities/state", params=STATE).json()) == 30
