"""A restricted (package) key writes only about its own learners and courses (issue 15, findings 3, 4, 9)."""

from __future__ import annotations

import base64
import json
import uuid

import pytest

from .conftest import statement

OWN = {"objectType": "Agent", "account": {"homePage": "https://lms.example.dk", "name": "borger-1"}}
OTHER = {"objectType": "Agent", "account": {"homePage": "https://andet-lms.example.dk", "name": "offer"}}
PASSED = {"id": "http://adlnet.gov/expapi/verbs/passed"}
VOIDED = {"id": "http://adlnet.gov/expapi/verbs/voided"}

ESCAPES = {
    "group member elsewhere": statement(verb=PASSED, actor={"objectType": "Group", "name": "hold",
                                                            "account": OWN["account"], "member": [OTHER]}),
    "anonymous group with a foreign member": statement(verb=PASSED, actor={"objectType": "Group",
                                                                           "member": [OWN, OTHER]}),
    "object is a foreign agent": statement(object=OTHER),
    "object is a group with a foreign member": statement(object={"objectType": "Group", "member": [OTHER]}),
    "substatement actor elsewhere": statement(object={"objectType": "SubStatement", "actor": OTHER, "verb": PASSED,
                                                      "object": {"id": "https://kurser.example.dk/cv"}}),
    "substatement object elsewhere": statement(object={"objectType": "SubStatement", "actor": OWN, "verb": PASSED,
                                                       "object": OTHER}),
    "substatement about another course": statement(object={"objectType": "SubStatement", "actor": OWN,
                                                           "verb": PASSED,
                                                           "object": {"id": "https://kurser.example.dk/andet"}}),
    "instructor elsewhere": statement(context={"instructor": OTHER}),
    "team member elsewhere": statement(context={"team": {"objectType": "Group", "member": [OTHER]}}),
    "identified group elsewhere": statement(actor={"objectType": "Group", "account": OTHER["account"],
                                                   "member": [OWN]}),
}


@pytest.mark.parametrize("name", sorted(ESCAPES))
def test_restricted_key_cannot_write_about_other_learners(lrs, name):
    r = lrs.request("POST", "statements", who="course", json=ESCAPES[name])
    assert r.status_code == 403, (name, r.text)
    # and nothing was stored under either learner
    assert lrs.request("GET", "statements", who="reader").json()["statements"] == []


def test_restricted_key_may_still_write_for_its_own_learners(lrs):
    own_group = statement(actor={"objectType": "Group", "member": [OWN, dict(OWN, account={**OWN["account"],
                                                                                           "name": "borger-2"})]})
    for s in (statement(), own_group, statement(context={"instructor": OWN})):
        assert lrs.request("POST", "statements", who="course", json=s).status_code == 200


def void(target: str) -> dict:
    return statement(verb=VOIDED, object={"objectType": "StatementRef", "id": target})


def test_restricted_key_voids_only_what_it_could_have_written(lrs):
    mine = lrs.request("POST", "statements", who="course", json=statement()).json()[0]
    other_course = lrs.request("POST", "statements", who="admin",
                               json=statement(object={"id": "https://kurser.example.dk/ret-og-pligt"})).json()[0]
    other_lms = lrs.request("POST", "statements", who="admin", json=statement(actor=OTHER)).json()[0]
    for target in (other_course, other_lms, str(uuid.uuid4())):
        assert lrs.request("POST", "statements", who="course", json=void(target)).status_code == 403
        assert lrs.request("GET", "statements", who="reader", params={"statementId": target}).status_code in (200, 404)
    assert lrs.request("GET", "statements", who="reader", params={"statementId": other_course}).status_code == 200
    assert lrs.request("GET", "statements", who="reader", params={"statementId": other_lms}).status_code == 200
    assert lrs.request("POST", "statements", who="course", json=void(mine)).status_code == 200
    assert lrs.request("GET", "statements", who="reader", params={"statementId": mine}).status_code == 404


def test_restricted_key_cannot_void_through_the_alternate_syntax(lrs):
    target = lrs.request("POST", "statements", who="admin", json=statement(actor=OTHER)).json()[0]
    form = {"content": json.dumps(void(target)), "Content-Type": "application/json",
            "Authorization": "Basic " + base64.b64encode(b"course:course-secret").decode(),
            "X-Experience-API-Version": "1.0.3"}
    assert lrs.http.post("/xapi/statements?method=POST", data=form).status_code == 403
    assert lrs.request("GET", "statements", who="reader", params={"statementId": target}).status_code == 200


def test_restricted_key_state_only_within_its_prefix_and_learners(lrs):
    own = {"activityId": "https://kurser.example.dk/cv", "agent": json.dumps(OWN), "stateId": "resume"}
    assert lrs.request("PUT", "activities/state", who="course", params=own, json={"l": 1}).status_code == 204
    outside = dict(own, activityId="https://kurser.example.dk/ret-og-pligt")
    for method in ("PUT", "POST", "GET", "DELETE"):
        assert lrs.request(method, "activities/state", who="course", params=outside, json={"l": 1}).status_code == 403
    foreign = dict(own, agent=json.dumps(OTHER))
    assert lrs.request("PUT", "activities/state", who="course", params=foreign, json={"l": 1}).status_code == 403
    group = dict(own, agent=json.dumps({"objectType": "Group", "member": [OTHER]}))
    assert lrs.request("PUT", "activities/state", who="course", params=group, json={"l": 1}).status_code == 403
