"""Random and malformed sources never crash the loader: every outcome is
either success or diagnostics with ``path:line``."""

from __future__ import annotations

import re
import shutil
import tempfile
from pathlib import Path

from hypothesis import HealthCheck, given, settings, strategies as st

from toolkit.build import check
from toolkit.errors import SourceError, ToolkitError
from toolkit.source.yamlutil import load_yaml

from ..conftest import FIXTURES

LOCATION_RE = re.compile(r"^[^:]+(:\d+)?$")

yaml_chars = st.sampled_from(list("abc: -\n\t'\"[]{}#&*!|>%@`,?0123456789æøå\\"))
yamlish = st.text(yaml_chars, max_size=200) | st.text(max_size=200)

scalars = st.one_of(st.none(), st.booleans(), st.integers(), st.floats(allow_nan=False), st.text(max_size=20))
values = st.recursive(scalars,
                      lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=10), inner, max_size=4),
                      max_leaves=12)

FENCES = ["quiz", "exercise", "video", "author-note", "python", ""]


@st.composite
def lessons(draw) -> str:
    parts = []
    if draw(st.booleans()):
        parts.append("---\n" + draw(yamlish) + "\n---\n")
    else:
        parts.append("---\ntitle: " + draw(st.text(max_size=30)).replace("\n", " ") + "\n---\n")
    for _ in range(draw(st.integers(0, 4))):
        kind = draw(st.sampled_from(["text", "fence", "image", "link", "fact"]))
        if kind == "text":
            parts.append(draw(st.text(max_size=80)))
        elif kind == "fence":
            parts.append(f"```{draw(st.sampled_from(FENCES))}\n{draw(yamlish)}\n" + ("```\n" if draw(st.booleans()) else ""))
        elif kind == "image":
            parts.append(f"![{draw(st.text(max_size=5))}]({draw(st.text(max_size=15))})")
        elif kind == "link":
            parts.append(f"[x]({draw(st.text(max_size=15))}.md)")
        else:
            parts.append("{{ " + draw(st.text(max_size=12)) + " }}")
    return "\n".join(parts)


@settings(max_examples=200, deadline=None)
@given(yamlish)
def test_load_yaml_never_crashes(text):
    try:
        load_yaml(text, "x.yaml")
    except SourceError as exc:
        error = exc
    else:
        return
    assert str(error).startswith("x.yaml:")
    assert error.diagnostic.line >= 1


def _check_project(course_yaml: str | None, lesson: str | None) -> None:
    root = Path(tempfile.mkdtemp())
    try:
        course = root / "courses" / "c"
        shutil.copytree(FIXTURES / "ok-minimal", course)
        if course_yaml is not None:
            (course / "course.yaml").write_text(course_yaml, encoding="utf-8")
        if lesson is not None:
            (course / "lessons" / "02-cv.md").write_text(lesson, encoding="utf-8")
        try:
            _, report = check([course])
        except ToolkitError:
            return
        for d in report.items:
            assert d.line >= 0
            assert "c/" in d.path or d.path.endswith(".yaml") or d.path.endswith(".md"), d
    finally:
        shutil.rmtree(root, ignore_errors=True)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(lessons())
def test_random_lessons_give_diagnostics_or_success(lesson):
    _check_project(None, lesson)


@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(yamlish)
def test_random_course_yaml_gives_diagnostics_or_success(text):
    _check_project(text, None)


@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.dictionaries(st.sampled_from(["id", "title", "language", "version", "description", "completion",
                                        "sources", "lessons", "paths", "reviewed", "review_by", "duration_minutes",
                                        "audience", "other"]), values, max_size=10))
def test_random_course_structures_give_diagnostics_or_success(data):
    import yaml
    _check_project(yaml.safe_dump(data, allow_unicode=True), None)
