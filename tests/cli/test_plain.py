"""``python -m toolkit build`` with a plain command line builds without click (toolkit.command):
what it prints, and its exit code, must be what the click command gives for the same build."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from toolkit import command

from ..conftest import ROOT, assemble_course

TODAY = "2026-12-01"
CLICK = [sys.executable, "-c", "from toolkit.cli import main; main(prog_name='toolkit')"]
PLAIN = [sys.executable, "-X", "importtime", "-m", "toolkit"]
ENV = {**os.environ, "PYTHONPATH": str(ROOT), "TOOLKIT_TODAY": TODAY}


def twins(tmp_path: Path, name: str) -> tuple[Path, Path]:
    """Two projects holding the same course, so that both commands print the same paths."""
    for side in ("click", "plain"):
        assemble_course(name, tmp_path / side / "courses" / name)
    return tmp_path / "click", tmp_path / "plain"


def both(tmp_path: Path, name: str, *args: str, edit=None) -> tuple[subprocess.CompletedProcess, subprocess.CompletedProcess]:
    click_dir, plain_dir = twins(tmp_path, name)
    if edit is not None:
        edit(click_dir / "courses" / name)
        edit(plain_dir / "courses" / name)
    argv = ["build", f"courses/{name}", "--out", "out", *args]
    by_click = subprocess.run([*CLICK, *argv], cwd=click_dir, capture_output=True, text=True, env=ENV, check=False)
    plain = subprocess.run([*PLAIN, *argv], cwd=plain_dir, capture_output=True, text=True, env=ENV, check=False)
    return by_click, plain


def imports(stderr: str) -> set[str]:
    return {line.rsplit("|", 1)[-1].strip() for line in stderr.splitlines() if line.startswith("import time")}


def printed(stderr: str) -> str:
    return "".join(line + "\n" for line in stderr.splitlines() if not line.startswith("import time"))


@pytest.mark.parametrize("name, args, code", [
    ("ok-minimal", ("--format", "web"), 0),
    ("ok-minimal", ("--format", "web", "--format", "scorm12", "--jobs", "1"), 0),
    ("many-errors", ("--format", "web"), 1),                  # a failed check
    ("quiz-without-explanation", ("--strict",), 1),           # a warning, with --strict
    ("ok-minimal", ("--format", "nope"), 1),                  # a toolkit error
])
def test_a_plain_build_prints_and_exits_as_the_click_command(tmp_path, name, args, code):
    by_click, plain = both(tmp_path, name, *args)
    assert by_click.returncode == plain.returncode == code, (by_click.stderr, plain.stderr)
    assert plain.stdout == by_click.stdout
    assert printed(plain.stderr) == by_click.stderr
    assert "click" not in imports(plain.stderr)
    assert "toolkit.build" in imports(plain.stderr)  # it did build


def test_escapes_in_a_diagnostic_are_removed_as_click_removes_them(tmp_path):
    def edit(course: Path) -> None:
        lesson = sorted((course / "lessons").glob("*.md"))[0]
        text = lesson.read_text(encoding="utf-8")
        lesson.write_text(text.replace("\n---\n", "\n---\n\nSe {{ \x1b[31mrød }} her.\n", 1), encoding="utf-8")

    by_click, plain = both(tmp_path, "ok-minimal", "--format", "web", edit=edit)
    assert by_click.returncode == plain.returncode == 1
    assert "\x1b" not in plain.stderr and printed(plain.stderr) == by_click.stderr
    assert "rød" in by_click.stderr or "31m" in by_click.stderr  # the diagnostic did quote the text


def test_a_replay_that_fails_goes_through_the_same_printing(tmp_path):
    click_dir, plain_dir = twins(tmp_path, "quiz-without-explanation")
    argv = ["build", "courses/quiz-without-explanation", "--out", "out", "--format", "web"]
    for cmd, cwd in ((CLICK, click_dir), (PLAIN, plain_dir)):
        assert subprocess.run([*cmd, *argv], cwd=cwd, capture_output=True, env=ENV, check=False).returncode == 0
    by_click = subprocess.run([*CLICK, *argv, "--strict"], cwd=click_dir, capture_output=True, text=True, env=ENV,
                              check=False)
    plain = subprocess.run([*PLAIN, *argv, "--strict"], cwd=plain_dir, capture_output=True, text=True, env=ENV,
                           check=False)
    assert by_click.returncode == plain.returncode == 1
    assert "Nothing was written" in by_click.stderr
    assert (plain.stdout, printed(plain.stderr)) == (by_click.stdout, by_click.stderr)
    assert not imports(plain.stderr) & {"click", "toolkit.build"}


def test_a_progress_bar_is_left_to_click(tmp_path, monkeypatch):
    course = assemble_course("ok-minimal", tmp_path / "courses" / "ok-minimal")
    lessons = course / "lessons"
    monkeypatch.setattr(sys.stderr, "isatty", lambda: True)
    assert not command.wants_progress([course])  # a few lessons: no bar
    for i in range(100):
        (lessons / f"9{i:03d}-x.md").write_text("x", encoding="utf-8")
    assert command.wants_progress([course])
    monkeypatch.setattr(sys.stderr, "isatty", lambda: False)
    assert not command.wants_progress([course])
