"""Statements over HTTP, on SQLite and PostgreSQL."""

from __future__ import annotations

import hashlib
import json
import time
import uuid

from .conftest import Client, statement


def ids(response):
    return [s["id"] for s in response.json()["statements"]]


def test_about_needs_no_auth(lrs):
    r = lrs.request("GET", "about", who=None, headers={"X-Experience-API-Version": ""})
    assert r.status_code == 200 and "1.0.3" in r.json()["version"]
    assert r.headers["X-Experience-API-Version"] == "1.0.3"


def test_version_header_and_auth_required(lrs):
    assert lrs.http.get("/xapi/statements", auth=lrs.keys["admin"]).status_code == 400
    r = lrs.request("GET", "statements", who=None)
    assert r.status_code == 401 and "Basic" in r.headers["WWW-Authenticate"]


def test_post_get_roundtrip_sets_stored_authority_version(lrs):
    r = lrs.request("POST", "statements", json=statement())
    assert r.status_code == 200
    sid = r.json()[0]
    got = lrs.request("GET", "statements", params={"statementId": sid})
    body = got.json()
    assert body["id"] == sid and body["version"] == "1.0.0"
    assert body["authority"]["account"]["name"] == "admin"
    assert body["stored"].endswith("Z")
    assert "X-Experience-API-Consistent-Through" in got.headers and "Last-Modified" in got.headers


def test_put_is_idempotent_and_conflicts_are_409(lrs):
    sid = str(uuid.uuid4())
    s = statement(id=sid)
    assert lrs.request("PUT", "statements", params={"statementId": sid}, json=s).status_code == 204
    assert lrs.request("PUT", "statements", params={"statementId": sid}, json=s).status_code == 204
    other = statement(id=sid, verb={"id": "http://adlnet.gov/expapi/verbs/completed"})
    assert lrs.request("PUT", "statements", params={"statementId": sid}, json=other).status_code == 409
    assert lrs.request("POST", "statements", json=s).status_code == 200  # same content again: accepted, not stored twice
    assert len(ids(lrs.request("GET", "statements"))) == 1


def test_invalid_statements_are_400_not_422(lrs):
    bad = [
        statement(result={"score": {"scaled": 1.5}}),
        statement(timestamp="2026-11-20T10:00:00"),
        statement(object={"id": "not an iri"}),
        statement(actor={"mbox": "a@b.c"}),
        statement(extra=True),
        statement(context={"registration": "nope"}),
    ]
    for s in bad:
        r = lrs.request("POST", "statements", json=s)
        assert r.status_code == 400, s
        assert r.json()["error"] == "bad_request"


def test_a_failed_batch_stores_nothing(lrs):
    batch = [statement(), statement(), statement(result={"score": {"scaled": 7}})]
    assert lrs.request("POST", "statements", json=batch).status_code == 400
    assert ids(lrs.request("GET", "statements")) == []


def test_voiding(lrs):
    sid = lrs.request("POST", "statements", json=statement()).json()[0]
    void = statement(verb={"id": "http://adlnet.gov/expapi/verbs/voided"}, object={"objectType": "StatementRef", "id": sid})
    vid = lrs.request("POST", "statements", json=void).json()[0]
    assert lrs.request("GET", "statements", params={"statementId": sid}).status_code == 404
    assert lrs.request("GET", "statements", params={"voidedStatementId": sid}).json()["id"] == sid
    assert ids(lrs.request("GET", "statements")) == [vid]


def test_filters_and_more_paging(lrs):
    reg = str(uuid.uuid4())
    for i in range(5):
        lrs.request("POST", "statements", json=statement(context={"registration": reg},
                                                         object={"id": f"https://kurser.example.dk/cv/q{i}"}))
    lrs.request("POST", "statements", json=statement(actor={"mbox": "mailto:other@example.dk"}))
    agent = json.dumps({"account": {"homePage": "https://lms.example.dk", "name": "borger-1"}})
    first = lrs.request("GET", "statements", params={"agent": agent, "limit": 2})
    seen = ids(first)
    more = first.json()["more"]
    while more:
        page = lrs.http.get(more, auth=lrs.keys["admin"], headers={"X-Experience-API-Version": "1.0.3"})
        seen += ids(page)
        more = page.json()["more"]
    assert len(seen) == 5 == len(set(seen))
    assert len(ids(lrs.request("GET", "statements", params={"registration": reg}))) == 5
    assert len(ids(lrs.request("GET", "statements", params={"activity": "https://kurser.example.dk/cv/q3"}))) == 1
    assert len(ids(lrs.request("GET", "statements", params={"verb": "http://adlnet.gov/expapi/verbs/experienced"}))) == 6
    asc = ids(lrs.request("GET", "statements", params={"ascending": "true"}))
    assert asc == list(reversed(ids(lrs.request("GET", "statements"))))


def test_since_and_until_use_stored_time_not_timestamp(lrs):
    before = time.time()
    time.sleep(0.01)
    late = statement(timestamp="2020-01-01T00:00:00Z")  # sent late from an offline queue
    sid = lrs.request("POST", "statements", json=late).json()[0]
    since = time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(before)) + f".{int(before % 1 * 1e6):06d}Z"
    assert ids(lrs.request("GET", "statements", params={"since": since})) == [sid]
    assert ids(lrs.request("GET", "statements", params={"until": since})) == []


def test_alternate_request_syntax_for_beacons(lrs):
    sid = str(uuid.uuid4())
    import base64
    form = {"statementId": sid, "content": json.dumps(statement(id=sid)),
            "Authorization": "Basic " + base64.b64encode(b"writer:writer-secret").decode(),
            "X-Experience-API-Version": "1.0.3", "Content-Type": "application/json"}
    r = lrs.http.post("/xapi/statements?method=PUT", data=form)
    assert r.status_code == 204, r.text
    assert lrs.request("GET", "statements", params={"statementId": sid}).status_code == 200
    assert lrs.http.post("/xapi/statements?method=PUT&statementId=x", data=form).status_code == 400


def test_cors_preflight_and_null_origin(lrs):
    r = lrs.http.options("/xapi/statements", headers={"Origin": "null", "Access-Control-Request-Method": "PUT",
                                                       "Access-Control-Request-Headers":
                                                           "authorization,content-type,x-experience-api-version"})
    assert r.status_code == 204
    assert r.headers["Access-Control-Allow-Origin"] == "null"
    assert "X-Experience-API-Version" in r.headers["Access-Control-Allow-Headers"]
    other = lrs.http.options("/xapi/statements", headers={"Origin": "https://evil.example"})
    assert "Access-Control-Allow-Origin" not in other.headers


def test_attachments_roundtrip(lrs):
    content = b"Mine noter"
    sha2 = hashlib.sha256(content).hexdigest()
    s = statement(attachments=[{"usageType": "http://id.tincanapi.com/attachment/supporting_media",
                                "display": {"da": "Noter"}, "contentType": "text/plain", "length": len(content), "sha2": sha2}])
    boundary = "abc123"
    body = (f"--{boundary}\r\nContent-Type: application/json\r\n\r\n{json.dumps(s)}\r\n"
            f"--{boundary}\r\nContent-Type: text/plain\r\nContent-Transfer-Encoding: binary\r\n"
            f"X-Experience-API-Hash: {sha2}\r\n\r\n").encode() \
        + content + f"\r\n--{boundary}--\r\n".encode()
    r = lrs.request("POST", "statements", content=body, headers={"Content-Type": f"multipart/mixed; boundary={boundary}"})
    assert r.status_code == 200, r.text
    got = lrs.request("GET", "statements", params={"attachments": "true"})
    assert got.headers["content-type"].startswith("multipart/mixed")
    assert content in got.content and sha2.encode() in got.content
    missing = lrs.request("POST", "statements", json=s)
    assert missing.status_code == 400


def test_rate_limit(db_url):
    client = Client(db_url, rate=0.001, burst=2)
    codes = [client.request("POST", "statements", who="writer", json=statement()).status_code for _ in range(3)]
    assert codes == [200, 200, 429]
    client.storage.close()
