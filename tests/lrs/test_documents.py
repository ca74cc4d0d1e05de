"""State, Activity Profile and Agent Profile with ETag concurrency."""

from __future__ import annotations

import json
import time

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


def _race(lrs, monkeypatch, first, second):
    """Run *first* (a request) so that *second* (another request) starts while *first* is
    between reading the document and writing it; return both responses."""
    import threading

    from toolkit.lrs import document_api

    inside, check = threading.Event(), document_api.preconditions

    def slow_check(*args, **kwargs):
        check(*args, **kwargs)
        if not inside.is_set():
            inside.set()
            time.sleep(0.3)  # *second* arrives now; with the document locked it must wait

    monkeypatch.setattr(document_api, "preconditions", slow_check)
    out = {}
    a = threading.Thread(target=lambda: out.setdefault("first", first()))
    a.start()
    assert inside.wait(10)
    out["second"] = second()
    a.join()
    return out["first"], out["second"]


STATE = {"activityId": "https://kurser.example.dk/cv", "agent": AGENT, "stateId": "suspend"}


def test_a_merge_racing_another_tab_keeps_both_updates(lrs, monkeypatch):
    assert lrs.request("POST", "activities/state", params=STATE, json={"tab1": "l1"}).status_code == 204
    first, second = _race(lrs, monkeypatch,
                          lambda: lrs.request("POST", "activities/state", params=STATE, json={"tab1": "l2"}),
                          lambda: lrs.request("POST", "activities/state", params=STATE, json={"tab2": "l7"}))
    assert (first.status_code, second.status_code) == (204, 204)
    assert lrs.request("GET", "activities/state", params=STATE).json() == {"tab1": "l2", "tab2": "l7"}


def test_two_puts_with_the_same_etag_one_wins_one_gets_412(lrs, monkeypatch):
    p = {"activityId": "https://kurser.example.dk/cv", "profileId": "cfg"}
    assert lrs.request("PUT", "activities/profile", params=p, json={"a": 1}, headers={"If-None-Match": "*"}).status_code == 204
    etag = lrs.request("GET", "activities/profile", params=p).headers["ETag"]

    def put(value):
        return lambda: lrs.request("PUT", "activities/profile", params=p, json={"a": value}, headers={"If-Match": etag})

    first, second = _race(lrs, monkeypatch, put(2), put(9))
    assert (first.status_code, second.status_code) == (204, 412)
    assert lrs.request("GET", "activities/profile", params=p).json() == {"a": 2}


def test_two_creates_one_wins_one_gets_412(lrs, monkeypatch):
    p = {"activityId": "https://kurser.example.dk/cv", "profileId": "new"}

    def create(value):
        return lambda: lrs.request("PUT", "activities/profile", params=p, json={"b": value},
                                   headers={"If-None-Match": "*"})

    first, second = _race(lrs, monkeypatch, create(1), create(2))
    assert (first.status_code, second.status_code) == (204, 412)
    assert lrs.request("GET", "activities/profile", params=p).json() == {"b": 1}


def test_a_delete_with_if_match_of_a_missing_document_gets_412(lrs):
    p = {"activityId": "https://kurser.example.dk/cv", "profileId": "gone"}
    assert lrs.request("DELETE", "activities/profile", params=p, headers={"If-Match": '"x"'}).status_code == 412
    assert lrs.request("DELETE", "activities/profile", params=p).status_code == 204


def test_parallel_merges_into_one_state_document_lose_nothing(lrs):
    import threading

    statuses = []

    def tab(n: int) -> None:
        for i in range(15):
            statuses.append(lrs.request("POST", "activities/state", params=STATE, json={f"t{n}-{i}": i}).status_code)

    threads = [threading.Thread(target=tab, args=(n,)) for n in range(6)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert set(statuses) == {204}
    assert len(lrs.request("GET", "activities/state", params=STATE).json()) == 90
