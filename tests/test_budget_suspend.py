"""The suspend-data budget is computed at build time and matches the runtime's format."""

from __future__ import annotations

import json

from toolkit.build import check
from toolkit.runtime.budget import SCORM12_LIMIT, worst_case_size, worst_case_state

from .conftest import FIXTURES


def test_worst_case_state_has_the_runtime_keys():
    loaded, _ = check([FIXTURES / "ok-minimal"])
    state = worst_case_state(loaded[0].course)
    # emptyState() in toolkit.js, as encode() writes it (v2: the first-try flag packed into "a")
    assert set(state) == {"v", "s", "a", "x", "p", "l", "c", "k", "reg"}
    question = next(q for le in loaded[0].course.lessons for q in le.questions if q.id == "cv-dele")
    assert state["a"]["cv-dele"] == "0" + ",".join(c.id for c in question.choices)
    assert worst_case_size(loaded[0].course) == len(json.dumps(state, separators=(",", ":")))


def test_a_course_over_the_budget_warns(fixture_copy):
    course = fixture_copy("ok-minimal")
    lessons = course / "lessons"
    quiz = "\n".join(f"```quiz\nid: et-meget-langt-spoergsmaals-id-nummer-{i:03d}\nquestion: Spørgsmål {i}?\n"
                     "choices:\n" + "".join(f"  - text: Svar {j}\n" + ("    correct: true\n" if j == 0 else "") for j in range(6))
                     + "explanation: Fordi.\n```\n" for i in range(100))
    (lessons / "04-mange.md").write_text(f"---\ntitle: Mange spørgsmål\n---\n\nTekst.\n\n{quiz}", encoding="utf-8")
    loaded, report = check([course])
    assert worst_case_size(loaded[0].course) > SCORM12_LIMIT
    assert any("suspend_data" in w.message for w in report.warnings)


def test_the_shipped_courses_fit(tmp_path):
    from toolkit.build import discover_courses

    from .conftest import ROOT

    loaded, _ = check(discover_courses(None, ROOT))
    sizes = {lc.course.slug: worst_case_size(lc.course) for lc in loaded}
    assert max(sizes.values()) < SCORM12_LIMIT, sizes
