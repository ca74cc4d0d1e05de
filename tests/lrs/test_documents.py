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
