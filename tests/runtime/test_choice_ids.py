"""Issue 14, case 15: a choice is known by a stable id, not by its position.  An author who
reorders the choices in a new version keeps every resumed learner's ticks right."""

from __future__ import annotations

from pathlib import Path

from toolkit.build import check

QUIZ = """---
title: Regler
---
Tekst.

```quiz
question: Hvornår skal du melde dig ledig?
choices:
{choices}
explanation: Første dag.
```
"""


def write(tmp_path: Path, name: str, choices: list[str]) -> Path:
    course = tmp_path / name
    (course / "lessons").mkdir(parents=True)
    source = (Path(__file__).parents[1] / "fixtures" / "ok-minimal" / "course.yaml").read_text(encoding="utf-8")
    (course / "course.yaml").write_text(source, encoding="utf-8")
    (course / "lessons" / "01-regler.md").write_text(QUIZ.format(choices="\n".join(choices)), encoding="utf-8")
    return course


def ids(course_dir: Path) -> dict[str, str]:
    (loaded,), report = check([course_dir])
    assert not report.errors, report.errors
    question = loaded.course.lessons[0].questions[0]
    return {c.text: c.id for c in question.choices}


def test_reordered_choices_keep_their_ids(tmp_path):
    first = ids(write(tmp_path, "v1", ["  - text: Første dag\n    correct: true", "  - text: Efter en uge",
                                        "  - Når jeg har tid"]))
    second = ids(write(tmp_path, "v2", ["  - Når jeg har tid", "  - text: Efter en uge",
                                         "  - text: Første  dag\n    correct: true"]))
    assert set(first) == {"Første dag", "Efter en uge", "Når jeg har tid"}
    assert second["Når jeg har tid"] == first["Når jeg har tid"]
    assert second["Efter en uge"] == first["Efter en uge"]
    assert second["Første  dag"] == first["Første dag"]  # spacing and case do not count
    assert len(set(first.values())) == 3 and all(len(i) == 4 for i in first.values())


def test_an_explicit_id_wins_and_same_text_gets_a_longer_id(tmp_path):
    got = ids(write(tmp_path, "v3", ["  - text: Ja\n    id: ja\n    correct: true", "  - Nej", "  - NEJ"]))
    assert got["Ja"] == "ja"
    assert len(got["Nej"]) == 4
    assert len(got["NEJ"]) == 5 and got["NEJ"].startswith(got["Nej"])  # the same text, case aside
