"""A learner with a personal link, taking a built web package: the statements the runtime sends.

``post_as_runtime`` mirrors ``toolkit.js`` (``Tracker.view``/``answer``/``changed`` and ``summary``) for
a web package built with an LRS key: the actor is the learner code's account under the package's
homePage, and after the learner picks a path every statement carries the path extension (the shared
contract of issue 16).  It reads the course from the package's own ``assets/course-data.js``, so it
follows the real build.  A Chromium driver that opens ``index.html?learner=CODE`` can take its place:
``Plan`` says what the learner does, whoever carries it out.
"""

from __future__ import annotations

import base64
import datetime as dt
import json
import urllib.request
import uuid
import zipfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from tests.records.statements import BASE, Launch, runtime


@dataclass
class Plan:
    code: str
    path: str | None
    wrong_first: set[str] = field(default_factory=set)  # questions answered wrong, then right
    all_wrong: bool = False
    stop_after: int | None = None  # lessons viewed before leaving


def course_data(package: Path) -> dict[str, Any]:
    with zipfile.ZipFile(package) as zf:
        text = zf.read("assets/course-data.js").decode("utf-8")
    return json.loads(text[text.index("=") + 1:].strip().rstrip(";"))


class _Runtime:
    def __init__(self, data: dict[str, Any], plan: Plan) -> None:
        self.data, self.plan = data, plan
        self.state: dict[str, Any] = {"s": [], "f": {}, "p": "", "c": 0, "k": 0}
        self.launch = Launch(course=data["id"], registration=str(uuid.uuid4()), homepage=data["lrs"]["homepage"])
        self.out: list[dict[str, Any]] = []
        self.minute = 0.0

    def applicable(self) -> list[dict[str, Any]]:
        p = self.state["p"]
        return [les for les in self.data["lessons"] if not les["paths"] or not p or p in les["paths"]]

    def summary(self) -> dict[str, Any]:
        lessons = self.applicable()
        seen = sum(1 for les in lessons if les["id"] in self.state["s"])
        qs = [q for les in lessons for q in les["questions"]]
        right = sum(1 for q in qs if self.state["f"].get(q))
        answered = sum(1 for q in qs if q in self.state["f"])
        completed = bool(lessons) and seen == len(lessons) and (
            not self.data["paths"] or bool(self.state["p"]) or len(lessons) == len(self.data["lessons"]))
        scaled = round((right / len(qs) if qs else 1) * 10000) / 10000
        done = completed and answered == len(qs)
        return {"completed": completed, "scaled": scaled, "passed": done and scaled >= self.data["passMark"],
                "failed": done and scaled < self.data["passMark"]}

    def emit(self, verb: str, **kw: Any) -> None:
        self.minute += 0.5
        self.out.append(runtime(self.plan.code, verb, self.launch, minutes=self.minute, **kw))

    def changed(self) -> None:
        s = self.summary()
        if s["completed"] and not self.state["c"]:
            self.state["c"] = 1
            self.emit("completed", duration=f"PT{int(self.minute * 60)}S")
        if (s["passed"] or s["failed"]) and not self.state["k"]:
            self.state["k"] = 1
            self.emit("passed" if s["passed"] else "failed", scaled=s["scaled"], duration=f"PT{int(self.minute * 60)}S")

    def answer(self, qid: str, right: bool) -> None:
        q = self.data["questions"][qid]
        if qid not in self.state["f"]:
            self.state["f"][qid] = 1 if right else 0
        self.emit("answered", question=qid, title=q["prompt"], success=right)
        self.changed()

    def take(self) -> list[dict[str, Any]]:
        self.emit("initialized", title=self.data["title"])
        viewed = 0
        for lesson in list(self.data["lessons"]):
            if lesson not in self.applicable():
                continue
            if self.plan.stop_after is not None and viewed >= self.plan.stop_after:
                break
            if lesson["id"] not in self.state["s"]:
                self.state["s"].append(lesson["id"])
                self.emit("experienced", lesson=lesson["id"], title=lesson["title"])
                viewed += 1
            self.changed()
            if viewed == 1 and self.plan.path:  # the path question is on the first page
                self.state["p"] = self.launch_path(self.plan.path)
                self.changed()
            for qid in lesson["questions"]:
                wrong = self.plan.all_wrong or qid in self.plan.wrong_first
                self.answer(qid, not wrong)
                if qid in self.plan.wrong_first:
                    self.answer(qid, True)
        return self.out

    def launch_path(self, path: str) -> str:
        self.launch = Launch(course=self.launch.course, registration=self.launch.registration,
                             homepage=self.launch.homepage, path=path)
        return path


def statements_for(package: Path, plan: Plan) -> list[dict[str, Any]]:
    return _Runtime(course_data(package), plan).take()


def post_as_runtime(package: Path, plan: Plan) -> list[dict[str, Any]]:
    """Send *plan*'s statements to the package's LRS with the package's own key, as the runtime does."""
    data = course_data(package)
    statements = _Runtime(data, plan).take()
    key = base64.b64encode(data["lrs"]["key"].encode("utf-8")).decode("ascii")
    request = urllib.request.Request(data["lrs"]["endpoint"].rstrip("/") + "/statements",
                                     data=json.dumps(statements).encode("utf-8"), method="POST", headers={
                                         "Content-Type": "application/json", "Authorization": f"Basic {key}",
                                         "X-Experience-API-Version": "1.0.3"})
    urllib.request.urlopen(request, timeout=30).close()
    return statements


def meeting_week_start() -> dt.date:
    """Monday of the week of BASE, when the simulated learners take the course."""
    day = BASE.date()
    return day - dt.timedelta(days=day.weekday())
