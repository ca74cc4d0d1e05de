"""Fixtures for the records integration tests: a real LRS holding fixture statements."""

from __future__ import annotations

import base64
import json
import urllib.request
import uuid
from dataclasses import dataclass

import pytest

from tests.conftest import require
from tests.records import statements as S
from tests.records.servers import LRS, built_in_lrs

HOMEPAGE = S.HOME


@dataclass(frozen=True)
class Posted:
    lrs: LRS
    run: str  # prefix that makes this run's learners unique in a shared LRS
    course: str

    def learner(self, name: str) -> str:
        return f"{self.run}-{name}"


def _lrs_available() -> bool:
    try:
        import toolkit.lrs.app  # noqa: F401  (built on the `lrs` branch)
    except ImportError:
        return False
    return True


@pytest.fixture(scope="module")
def lrs(tmp_path_factory):
    import os

    require(_lrs_available() or bool(os.environ.get("TOOLKIT_RECORDS_TEST_LRS")),
            "the built-in LRS (toolkit.lrs.app) is not in this branch yet")
    with built_in_lrs(tmp_path_factory.mktemp("lrs")) as server:
        yield server


def fixture_statements(run: str, course: str) -> list[dict]:
    """Statements covering every rule; learner ids are prefixed with *run*."""
    def st(name: str, verb: str, **kw) -> dict:
        return S.stmt(f"{run}-{name}", verb, course=course, **kw)

    a, b, c1, c2, d, e = (S.reg() for _ in range(6))
    lesson = course + "/lektion/cv"
    eva_passed = st("eva", "passed", minutes=20, registration=e, scaled=0.95)
    out = [
        # anna: passed, then failed in the same registration -> still passed
        st("anna", "initialized", minutes=0, registration=a),
        st("anna", "passed", minutes=25, registration=a, scaled=0.9),
        st("anna", "failed", minutes=40, registration=a, scaled=0.4),
        st("anna", "terminated", minutes=41, registration=a, duration="PT41M"),
        S.stmt(f"{run}-anna", "initialized", minutes=60, course=course + "-andet", registration=S.reg(),
               title="Dine rettigheder"),
        # bo: completed, then failed -> completed
        st("bo", "initialized", minutes=0, registration=b),
        st("bo", "completed", minutes=30, registration=b),
        st("bo", "failed", minutes=35, registration=b, scaled=0.3),
        # cai: two attempts, failed then passed -> passed, 2 attempts
        st("cai", "initialized", minutes=0, registration=c1),
        st("cai", "failed", minutes=15, registration=c1, scaled=0.5),
        st("cai", "terminated", minutes=16, registration=c1, duration="PT16M"),
        st("cai", "initialized", minutes=24 * 60, registration=c2),
        st("cai", "passed", minutes=24 * 60 + 20, registration=c2, scaled=0.85),
        st("cai", "terminated", minutes=24 * 60 + 22, registration=c2, duration="PT22M"),
        # dorte: only a lesson -> in progress (a lesson's "completed" does not complete the course)
        st("dorte", "initialized", minutes=0, registration=d),
        st("dorte", "completed", minutes=5, registration=d, obj=lesson),
        # eva: her pass is voided -> in progress
        st("eva", "initialized", minutes=0, registration=e),
        eva_passed,
    ]
    # gro: a cmi5 launch, statements about the AU (<course>/au) -> passed in the course
    g = S.reg()
    out += [S.stmt(f"{run}-gro", "initialized", minutes=0, course=course + "/au", registration=g),
            S.stmt(f"{run}-gro", "experienced", minutes=3, course=course + "/au", obj=lesson, registration=g),
            S.stmt(f"{run}-gro", "passed", minutes=9, course=course + "/au", registration=g, scaled=0.8)]
    # ida and jens: through a conformant cmi5 LMS, with the ids ADL's CATAPULT assigns (AU id not under the
    # course IRI, the course only in grouping) and the LMS's own "satisfied" about its course id
    i, j = S.catapult_launch(course, S.reg()), S.catapult_launch(course, S.reg())
    ida, jens = f"{run}-ida", f"{run}-jens"
    out += [S.runtime(ida, "initialized", i, minutes=0), S.runtime(ida, "experienced", i, minutes=1, lesson="cv"),
            S.runtime(ida, "completed", i, minutes=6), S.runtime(ida, "passed", i, minutes=6, scaled=0.9),
            S.satisfied(ida, i, minutes=6), S.runtime(ida, "terminated", i, minutes=7, duration="PT7M"),
            S.runtime(jens, "initialized", j, minutes=0), S.runtime(jens, "completed", j, minutes=2, lesson="cv")]
    return [*out, S.voiding(eva_passed["id"], minutes=30, learner=f"{run}-admin")]


# learner → (status, what the caseworker reads)
EXPECTED = {"anna": "passed", "bo": "failed", "cai": "passed", "dorte": "in_progress", "eva": "in_progress",
            "gro": "passed", "hans": "completed", "ida": "passed", "jens": "in_progress"}
LABELS = {"anna": "I gang · bestået (90 %)", "bo": "Gennemført · ikke bestået (30 %)",
          "cai": "I gang · bestået (85 %)", "dorte": "I gang", "eva": "I gang", "gro": "I gang · bestået (80 %)",
          "hans": "Gennemført", "ida": "Gennemført · bestået (90 %)", "jens": "I gang"}


@pytest.fixture(scope="module")
def posted(lrs) -> Posted:
    from tincan import RemoteLRS, Statement

    run = "t" + uuid.uuid4().hex[:8]
    course = f"https://kurser.example.dk/{run}/cv-paa-jobnet"
    writer = RemoteLRS(endpoint=lrs.endpoint, username=lrs.writer[0], password=lrs.writer[1], version="1.0.3")
    items = fixture_statements(run, course)
    body, voiding = items[:-1], items[-1]
    for batch in (body, [voiding]):  # the voided statement must be stored before its voiding statement
        response = writer.save_statements([Statement.from_json(json.dumps(s)) for s in batch])
        assert response.success, (response.response.status, response.data)
    # hans: upper-case UUIDs, valid xAPI that tincan's own parser refuses; sent as raw JSON
    g = S.reg()
    raw = [S.stmt(f"{run}-hans", "initialized", minutes=0, course=course, registration=g),
           S.stmt(f"{run}-hans", "completed", minutes=7, course=course, registration=g.upper())]
    raw[1]["id"] = raw[1]["id"].upper()
    token = base64.b64encode(f"{lrs.writer[0]}:{lrs.writer[1]}".encode()).decode()
    request = urllib.request.Request(lrs.endpoint + "statements", data=json.dumps(raw).encode(), method="POST",
                                     headers={"Content-Type": "application/json", "Authorization": f"Basic {token}",
                                              "X-Experience-API-Version": "1.0.3"})
    urllib.request.urlopen(request, timeout=30).close()
    return Posted(lrs, run, course)
