"""Lessons rendered in worker processes give exactly what one process gives:
the same site, the same diagnostics in the same order, and the same cache."""

from __future__ import annotations

from pathlib import Path

import pytest

from toolkit.build import BuildOptions, build
from toolkit.errors import CheckFailed
from toolkit.parallel import MIN_LESSONS

from ..conftest import tree_digest

LESSONS = MIN_LESSONS + 20


def big_course(fixture_copy) -> Path:
    """ok-minimal grown past the size at which workers are used."""
    course = fixture_copy("ok-minimal")
    template = (course / "lessons" / "02-cv.md").read_text(encoding="utf-8")
    for n in range(4, LESSONS + 1):
        text = (template.replace("title: Dit CV", f"title: Lektion {n}").replace("id: cv-dele", f"id: q-{n}")
                .replace("id: mine-job", f"id: ex-{n}"))
        if n % 17 == 0:
            text += "\nEn lang sætning med mange meget vanskelige og uforståelige ord, som trækker læsbarheden kraftigt ned.\n"
        (course / "lessons" / f"{n:03d}-lektion-{n}.md").write_text(text, encoding="utf-8")
    return course


def test_workers_build_the_same_site_and_diagnostics(fixture_copy, tmp_path):
    course = big_course(fixture_copy)
    runs = {}
    for jobs in (1, 2):
        out = tmp_path / f"out-{jobs}"
        results, report = build([course], BuildOptions(out=out, formats=("web",), jobs=jobs, no_cache=True))
        assert len(results[0].course.lessons) == LESSONS
        runs[jobs] = (tree_digest(out / "ok-minimal" / "site"), [str(d) for d in report.items])
    assert runs[1] == runs[2]


def test_workers_fill_the_cache_for_the_next_build(fixture_copy, tmp_path):
    from toolkit.build import check

    course = big_course(fixture_copy)
    out = tmp_path / "out"
    build([course], BuildOptions(out=out, formats=("web",), jobs=2))
    loaded, _ = check([course], cache_dir=out / ".cache", jobs=2)
    assert loaded[0].cache.hits == LESSONS


def test_an_error_in_a_worker_is_reported_with_its_line(fixture_copy, tmp_path):
    course = big_course(fixture_copy)
    bad = course / "lessons" / "050-lektion-50.md"
    bad.write_text(bad.read_text(encoding="utf-8").replace("correct: true", "correct: false"), encoding="utf-8")
    messages = {}
    for jobs in (1, 2):
        with pytest.raises(CheckFailed) as failed:
            build([course], BuildOptions(out=tmp_path / f"out-{jobs}", formats=("web",), jobs=jobs, no_cache=True))
        messages[jobs] = [str(d) for d in failed.value.diagnostics if d.severity == "error"]
    assert messages[1] == messages[2]
    assert any("050-lektion-50.md:" in m and "no correct answer" in m for m in messages[2]), messages[2]


def test_a_build_in_one_process_does_not_import_the_process_pool(fixture_copy, tmp_path):
    """multiprocessing and concurrent.futures cost a one-process build 15 ms of imports."""
    import subprocess
    import sys

    course = fixture_copy("ok-minimal")
    code = ("import sys; from pathlib import Path; from toolkit.build import BuildOptions, build; "
            f"build([Path({str(course)!r})], BuildOptions(out=Path({str(tmp_path / 'out')!r}), formats=('web',), jobs=1)); "
            "print(sorted(m for m in ('multiprocessing', 'concurrent.futures') if m in sys.modules))")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert done.stdout.strip() == "[]"
