"""Every bad request is a 4xx, and nothing a client sends breaks the server for others
(issue 15, findings 1, 6, 7, 8, 12)."""

from __future__ import annotations

import base64
import hashlib
import json
import uuid

import pytest

from .conftest import Client, statement

AGENT = json.dumps(statement()["actor"])


def b64(data: dict | list | str) -> str:
    return base64.urlsafe_b64encode(json.dumps(data).encode()).decode()


def still_answers(lrs) -> None:
    r = lrs.request("GET", "statements", who="reader")
    assert r.status_code == 200, r.text
    r = lrs.request("POST", "statements", json=statement())
    assert r.status_code == 200, r.text


@pytest.mark.parametrize("token", [b64({"p": {}, "after": "abc"}), b64({"p": {}, "after": [1]}),
                                   b64({"p": {}, "after": True}), b64({"p": {}, "after": 2 ** 70}),
                                   b64({"p": {}, "after": -1}), b64({"p": [], "after": 1}),
                                   b64({"p": {"agent": 5}, "after": 1}), b64({"p": {"x": "y"}, "after": 1}),
                                   b64({"p": {}}), b64([]), b64("x"), "!!!", "e30", "", "%%%",
                                   base64.urlsafe_b64encode(b"\xff\xfe").decode()])
def test_forged_more_tokens_are_400_and_the_server_stays_up(lrs, token):
    r = lrs.request("GET", "statements", who="reader", params={"more": token})
    assert r.status_code == 400, r.text
    still_answers(lrs)


def deep(levels: int) -> str:
    return "[" * levels + "]" * levels


def test_deep_nesting_is_400_everywhere(lrs):
    ext = deep(10_000)
    body = json.dumps(statement(result={"extensions": {"https://x.example/e": "X"}})).replace('"X"', ext)
    assert lrs.request("POST", "statements", content=body, headers={"Content-Type": "application/json"}).status_code == 400
    boundary = "b0"
    multipart = f"--{boundary}\r\nContent-Type: application/json\r\n\r\n{body}\r\n--{boundary}--\r\n"
    assert lrs.request("POST", "statements", content=multipart,
                       headers={"Content-Type": f"multipart/mixed; boundary={boundary}"}).status_code == 400
    agent = '{"objectType":"Agent","mbox":"mailto:a@b.dk","name":' + deep(10_000) + "}"
    assert lrs.request("GET", "statements", who="reader", params={"agent": agent}).status_code == 400
    p = {"activityId": "https://kurser.example.dk/cv", "agent": AGENT, "stateId": "s"}
    assert lrs.request("PUT", "activities/state", params=p, content='{"a": 1}',
                       headers={"Content-Type": "application/json"}).status_code == 204
    assert lrs.request("POST", "activities/state", params=p, content='{"b":' + deep(10_000) + "}",
                       headers={"Content-Type": "application/json"}).status_code == 400
    still_answers(lrs)


def test_a_600_level_extension_is_refused_not_stored(lrs):
    sid = str(uuid.uuid4())
    body = json.dumps(statement(id=sid, result={"extensions": {"https://x.example/e": "X"}})).replace('"X"', deep(600))
    assert lrs.request("POST", "statements", content=body, headers={"Content-Type": "application/json"}).status_code == 400
    for fmt in ("ids", "canonical", "exact"):
        assert lrs.request("GET", "statements", who="reader", params={"format": fmt}).status_code == 200
    assert lrs.request("POST", "statements", content=body, headers={"Content-Type": "application/json"}).status_code == 400


@pytest.mark.parametrize("raw", ['NaN', 'Infinity', '-Infinity', '1e999', '-1e999', "1" * 5000])
def test_non_finite_and_huge_numbers_are_400(lrs, raw):
    body = json.dumps(statement(result={"score": {"raw": 0}})).replace('"raw": 0', f'"raw": {raw}')
    r = lrs.request("POST", "statements", content=body, headers={"Content-Type": "application/json"})
    assert r.status_code == 400, r.text
    page = lrs.request("GET", "statements", who="reader")
    assert page.status_code == 200 and json.loads(page.content) == {"statements": [], "more": ""}


def test_lone_surrogates_are_400(lrs):
    for body in ('{"actor": {"mbox": "mailto:a@b.dk", "name": "\\ud800"}, "verb": {"id": "https://v.example/x"}, '
                 '"object": {"id": "https://kurser.example.dk/cv"}}',
                 json.dumps(statement()).replace("borger-1", "\\udfff")):
        r = lrs.request("POST", "statements", content=body, headers={"Content-Type": "application/json"})
        assert r.status_code == 400, r.text
    still_answers(lrs)


def test_not_utf8_alternate_syntax_body_is_400(lrs):
    r = lrs.http.post("/xapi/statements?method=POST", content=b"content=%ff%fe&X-Experience-API-Version=1.0.3",
                      headers={"Content-Type": "application/x-www-form-urlencoded"})
    assert r.status_code == 400
    r = lrs.http.post("/xapi/statements?method=POST", content=b"\xff\xfe=1",
                      headers={"Content-Type": "application/x-www-form-urlencoded"})
    assert r.status_code == 400


def test_jws_header_that_is_not_an_object_is_400(lrs):
    s = statement()
    jws = (base64.urlsafe_b64encode(b"[]").decode().rstrip("=") + "."
           + base64.urlsafe_b64encode(json.dumps(s).encode()).decode().rstrip("=") + ".c2ln").encode()
    sha2 = hashlib.sha256(jws).hexdigest()
    s["attachments"] = [{"usageType": "http://adlnet.gov/expapi/attachments/signature", "display": {"da": "s"},
                         "contentType": "application/octet-stream", "length": len(jws), "sha2": sha2}]
    body = (f"--b1\r\nContent-Type: application/json\r\n\r\n{json.dumps(s)}\r\n"
            f"--b1\r\nContent-Type: application/octet-stream\r\nContent-Transfer-Encoding: binary\r\n"
            f"X-Experience-API-Hash: {sha2}\r\n\r\n").encode() + jws + b"\r\n--b1--\r\n"
    r = lrs.request("POST", "statements", content=body, headers={"Content-Type": "multipart/mixed; boundary=b1"})
    assert r.status_code == 400, r.text


@pytest.mark.parametrize("where", ["activity", "verb", "account", "homepage", "state"])
def test_nul_and_overlong_values_are_400_not_500(lrs, where):
    for bad in ("https://x.example/\x00", "https://x.example/" + "a" * 9000):
        if where == "activity":
            s = statement(object={"id": bad})
        elif where == "verb":
            s = statement(verb={"id": bad})
        elif where == "account":
            s = statement(actor={"account": {"homePage": "https://lms.example.dk", "name": bad[18:]}})
        elif where == "homepage":
            s = statement(actor={"account": {"homePage": bad, "name": "x"}})
        else:
            p = {"activityId": bad, "agent": AGENT, "stateId": "s"}
            assert lrs.request("PUT", "activities/state", params=p, json={"a": 1}).status_code == 400
            p = {"activityId": "https://kurser.example.dk/cv", "agent": AGENT, "stateId": bad}
            assert lrs.request("PUT", "activities/state", params=p, json={"a": 1}).status_code == 400
            continue
        r = lrs.request("POST", "statements", json=s)
        assert r.status_code == 400, r.text
    still_answers(lrs)


def test_revocation_works_at_once(lrs):
    assert lrs.request("POST", "statements", who="writer", json=statement()).status_code == 200
    lrs.storage.revoke("writer")  # as `toolkit lrs credentials revoke` does, from another process
    assert lrs.request("POST", "statements", who="writer", json=statement()).status_code == 401


def test_default_limits_let_an_all_key_run_conformance_style_bursts(db_url):
    client = Client(db_url)
    codes = {client.request("POST", "statements", who="admin", json=statement()).status_code for _ in range(300)}
    assert codes == {200}
    client.storage.close()


def test_restricted_keys_are_limited_per_client_address(db_url):
    client = Client(db_url, rate=1000, burst=1000, rate_address=0.001, burst_address=3)
    codes = [client.request("POST", "statements", who="course", json=statement()).status_code for _ in range(4)]
    assert codes == [200, 200, 200, 429]
    client.storage.close()
