"""``toolkit build --watch``: after every kind of change, what it leaves is what a clean build
writes; a failed build keeps the last good output; Ctrl+C stops it; its own output does not
wake it; and the next ``toolkit build`` finds the cache and the replay record warm."""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from toolkit import command, replay
from toolkit.build import BuildOptions
from toolkit.errors import ToolkitError

from ..conftest import tree_digest
from ..write.compare import ENV, TODAY, clean_digest, project


class Printed:
    def __init__(self) -> None:
        self.lines: list[tuple[str, bool]] = []

    def __call__(self, text: str, err: bool = False, red: bool = False) -> None:
        self.lines.append((text, err))

    def text(self, err: bool | None = None) -> str:
        return "\n".join(t for t, e in self.lines if err is None or e == err)


def watch_in_process(course: Path, out: Path, steps: list, printed: Printed, **options) -> None:
    """command.watch over *steps*: each edits the sources (or nothing), then the watch builds."""
    opts = BuildOptions(out=out, formats=("web",), today=TODAY, jobs=1, **options)
    key = {"formats": opts.formats, "brand": None, "settings": {}, "sanitize_html": False}

    def changes() -> Iterator[object]:
        for step in steps:
            # (edit, batch): the batch the watcher gives after the edit; else a batch of one change
            edit, batch = step if isinstance(step, tuple) else (step, {("modified", "x")})
            edit()
            yield batch

    command.watch(lambda: [course], opts, lambda found: None if opts.no_cache else replay.start(found, out, key, TODAY),
                  out=printed, changes=changes())


def append(course: Path, text: str) -> None:
    with (course / "lessons" / sorted(os.listdir(course / "lessons"))[0]).open("a", encoding="utf-8") as fh:
        fh.write(text)


def site_and_zip(out: Path) -> dict[str, str]:
    return tree_digest(out / "syn")


def test_each_build_of_a_watch_writes_what_a_clean_build_writes(tmp_path):
    proj = project(tmp_path, 4)
    course, out = proj / "courses" / "syn", proj / "build"
    lessons = sorted((course / "lessons").glob("*.md"))
    seen: list[dict[str, str]] = []
    clean: list[dict[str, str]] = []

    def check() -> None:  # the state the previous step's build left, against a clean build of it
        seen.append(site_and_zip(out))
        shutil.rmtree(tmp_path / "clean", ignore_errors=True)
        clean.append(clean_digest(course, tmp_path, formats=("web",), jobs=1))

    def edit() -> None:
        check()
        with lessons[1].open("a", encoding="utf-8") as fh:
            fh.write("\nEn ny linje.\n")

    def remove() -> None:
        check()
        lessons[0].unlink()  # the first: the others link only to the one after them

    def nothing() -> None:
        check()

    def rename_course_title() -> None:
        check()
        yaml = course / "course.yaml"
        yaml.write_text(yaml.read_text(encoding="utf-8").replace("title: Syntetisk", "title: Nyt syntetisk"),
                        encoding="utf-8")

    printed = Printed()
    watch_in_process(course, out, [edit, remove, nothing, rename_course_title, check], printed)
    assert len(seen) == 5
    assert [s == c for s, c in zip(seen, clean, strict=True)] == [True] * 5
    assert seen[1] != seen[0] and seen[2] != seen[1] and seen[4] != seen[3]  # the edits showed
    assert seen[3] == seen[2]
    assert printed.text().count("Built in ") == 4  # the first build, the edit, the removal, the title
    assert printed.text().count("Nothing changed since the last build.") == 2  # nothing, and the last check
    assert printed.text(err=True).endswith("Stopped watching.")


def test_an_edit_made_during_the_first_build_is_caught_up_once_the_watcher_runs(tmp_path):
    """The watcher starts after the first build; its first empty batch (a timeout) checks the sources
    against the first build's fingerprint, taken before it read them.  Quietly, when they held."""
    proj = project(tmp_path, 3)
    course, out = proj / "courses" / "syn", proj / "build"
    printed = Printed()
    watch_in_process(course, out, [(lambda: append(course, "\nUnder bygningen.\n"), set()),
                                   (lambda: None, set())], printed)
    assert printed.text().count("Built in ") == 2  # the first build, and the catch-up
    assert site_and_zip(out) == clean_digest(course, tmp_path, formats=("web",), jobs=1)
    printed = Printed()
    watch_in_process(course, out, [(lambda: None, set()), (lambda: append(course, "\nSenere.\n"), set())], printed)
    assert printed.text().count("Nothing changed") == 1  # the first build; the catch-up said nothing
    assert "Built in" not in printed.text()  # an empty batch after the first is no change


def test_a_failed_build_keeps_the_last_good_output_and_the_watch_goes_on(tmp_path):
    proj = project(tmp_path, 3)
    course, out = proj / "courses" / "syn", proj / "build"
    yaml = course / "course.yaml"
    good = yaml.read_text(encoding="utf-8")
    states: list[dict[str, str]] = []

    def break_it() -> None:
        states.append(site_and_zip(out))
        yaml.write_text("title: [broken\n", encoding="utf-8")

    def mend_it() -> None:
        states.append(site_and_zip(out))
        yaml.write_text(good, encoding="utf-8")
        append(course, "\nMere.\n")

    printed = Printed()
    watch_in_process(course, out, [break_it, mend_it], printed)
    assert states[0] == states[1]  # the failed build wrote nothing
    assert "course.yaml:2: YAML syntax error" in printed.text(err=True)  # where the flow list should end
    assert "Build failed: 1 error(s)" in printed.text(err=True)
    assert site_and_zip(out) != states[0]  # the build after the mend ran
    assert site_and_zip(out) == clean_digest(course, tmp_path, formats=("web",), jobs=1)


def test_strict_fails_each_build_with_a_warning_and_still_watches(tmp_path):
    proj = project(tmp_path, 3)
    course, out = proj / "courses" / "syn", proj / "build"
    printed = Printed()
    watch_in_process(course, out, [lambda: None], printed, strict=True)
    # the default brand has no accessibility statement: a warning, so --strict fails, twice
    assert printed.text(err=True).count("Build failed: 0 error(s)") == 2
    assert "Built in" not in printed.text()
    assert not (out / "syn").exists()


def test_with_no_cache_every_change_builds_everything_again(tmp_path):
    proj = project(tmp_path, 3)
    course, out = proj / "courses" / "syn", proj / "build"
    printed = Printed()
    watch_in_process(course, out, [lambda: None, lambda: None], printed, no_cache=True)
    assert printed.text().count("Built in ") == 3
    assert "Nothing changed" not in printed.text()


def test_an_error_that_is_not_the_toolkits_is_not_swallowed(tmp_path, monkeypatch):
    proj = project(tmp_path, 3)
    course, out = proj / "courses" / "syn", proj / "build"

    def bug(*a, **k):
        raise RuntimeError("a bug")

    monkeypatch.setattr(command, "run_build", bug)
    with pytest.raises(RuntimeError, match="a bug"):
        watch_in_process(course, out, [], Printed())
    monkeypatch.setattr(command, "run_build", lambda *a, **k: (_ for _ in ()).throw(ToolkitError("told")))
    printed = Printed()
    watch_in_process(course, out, [lambda: None], printed)
    assert printed.text(err=True).count("Error: told") == 2


def test_ctrl_c_during_a_build_stops_the_watch_and_leaves_the_output_as_it_was(tmp_path, monkeypatch):
    proj = project(tmp_path, 3)
    course, out = proj / "courses" / "syn", proj / "build"
    printed = Printed()
    watch_in_process(course, out, [], printed)
    before = site_and_zip(out)
    import toolkit.build

    def interrupted(*a, **k):  # the site's changed files are written beside the old ones by now
        assert list((out / "syn" / "site").glob("*.tmp-*"))
        raise KeyboardInterrupt

    monkeypatch.setattr(toolkit.build, "_package", interrupted)
    printed = Printed()
    watch_in_process(course, out, [lambda: append(course, "\nX.\n")] * 2, printed)
    assert printed.text(err=True).endswith("Stopped watching.")
    assert printed.text().count("Nothing changed") == 1  # the first build: the last one still holds
    assert "Built in" not in printed.text()  # the build of the edit was the one stopped
    assert site_and_zip(out) == before


def test_the_watched_folders_are_those_a_build_reads(tmp_path):
    proj = project(tmp_path, 2)
    (proj / "templates").mkdir()
    course = proj / "courses" / "syn"
    assert command.watch_roots([course]) == [proj / "courses", proj / "brands", proj / "templates"]
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    (elsewhere / "syn").symlink_to(course)
    assert command.watch_roots([elsewhere / "syn"]) == [proj / "courses", elsewhere, proj / "brands",
                                                        proj / "templates"]


# The command itself, with its real watcher: a process of its own.

def start_watch(proj: Path, *extra: str) -> tuple[subprocess.Popen, list[str], threading.Thread]:
    proc = subprocess.Popen([sys.executable, "-m", "toolkit", "build", "courses/syn", "--format", "web", "-j", "1",
                             "--watch", *extra], cwd=proj, env=ENV, stdout=subprocess.PIPE,
                            stderr=subprocess.STDOUT, text=True)
    lines: list[str] = []

    def read() -> None:
        assert proc.stdout is not None
        for line in proc.stdout:
            lines.append(line.rstrip("\n"))

    reader = threading.Thread(target=read, daemon=True)
    reader.start()
    return proc, lines, reader


def wait_for(lines: list[str], text: str, count: int, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while sum(text in line for line in lines) < count:
        if time.monotonic() > deadline:
            pytest.fail(f"no {count} x {text!r} in {timeout} s: {lines}")
        time.sleep(0.05)


def test_the_command_builds_on_a_save_ignores_its_own_output_and_stops_on_ctrl_c(tmp_path):
    proj = project(tmp_path, 3)
    course = proj / "courses" / "syn"
    out = "courses/out-inside"  # inside a watched folder: its writes must not wake the watch
    proc, lines, reader = start_watch(proj, "--out", out)
    try:
        wait_for(lines, "Watching ", 1)
        wait_for(lines, "Built in ", 1)
        time.sleep(1.5)  # long enough for watchfiles to report the build's own writes, were they watched
        assert sum("Built in " in line or "Nothing changed" in line for line in lines) == 1, lines
        lesson = sorted((course / "lessons").glob("*.md"))[1]
        with lesson.open("a", encoding="utf-8") as fh:
            fh.write("\nGemt fra en editor.\n")
        wait_for(lines, "Built in ", 2)
        (course / "lessons" / ".#01-editor-lock").write_text("x")  # an editor's lock file: not a change
        (course / "lessons" / "notes.md~").write_text("x")  # a backup
        time.sleep(1.5)
        assert sum("Built in " in line or "Nothing changed" in line for line in lines) == 2, lines
    finally:
        proc.send_signal(signal.SIGINT)
        code = proc.wait(timeout=30)
        reader.join(timeout=5)
        assert proc.stdout is not None
        proc.stdout.close()
    assert code == 0
    assert lines[-1] == "Stopped watching."
    (course / "lessons" / ".#01-editor-lock").unlink()
    (course / "lessons" / "notes.md~").unlink()
    assert tree_digest(proj / out / "syn") == clean_digest(course, tmp_path, formats=("web",), jobs=1)
    # the next toolkit build finds the watch's record: a replay, without the pipeline
    again = subprocess.run([sys.executable, "-X", "importtime", "-m", "toolkit", "build", "courses/syn", "--format",
                            "web", "-j", "1", "--out", out], cwd=proj, env=ENV, capture_output=True, text=True,
                           check=False)
    assert again.returncode == 0, again.stderr
    assert "syn: 3 lessons" in again.stdout
    assert "toolkit.build" not in again.stderr


def test_with_no_cache_an_edit_made_during_the_first_build_is_caught_up_too(tmp_path):
    """(Review 3.) With --no-cache there is no fingerprint to tell: the catch-up builds."""
    proj = project(tmp_path, 3)
    course, out = proj / "courses" / "syn", proj / "build"
    printed = Printed()
    watch_in_process(course, out, [(lambda: append(course, "\nUnder bygningen.\n"), set()),
                                   (lambda: None, set())], printed, no_cache=True)
    assert printed.text().count("Built in ") == 2
    assert site_and_zip(out) == clean_digest(course, tmp_path, formats=("web",), jobs=1)


def stop(proc: subprocess.Popen, reader: threading.Thread) -> int:
    proc.send_signal(signal.SIGINT)
    code = proc.wait(timeout=30)
    reader.join(timeout=5)
    assert proc.stdout is not None
    proc.stdout.close()
    return code


def builds(lines: list[str]) -> int:
    return sum("Built in " in line or "Nothing changed" in line for line in lines)


def test_its_own_output_does_not_wake_it_by_whatever_path_it_is_reached(tmp_path):
    """(Review 3.) The course and the output folder inside it named through a symbolic link to the
    project: watchfiles reports the writes under the link's path.  With --no-cache, where no replay
    record stops a second build, each wake-up would build again, for ever."""
    proj = project(tmp_path, 3)
    link = tmp_path / "link"
    link.symlink_to(proj)
    course = link / "courses" / "syn"
    proc = subprocess.Popen([sys.executable, "-m", "toolkit", "build", str(course), "--format", "web", "-j", "1",
                             "--watch", "--no-cache", "--out", str(course / "out")], cwd=tmp_path, env=ENV,
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    lines: list[str] = []
    reader = threading.Thread(target=lambda: lines.extend(line.rstrip("\n") for line in proc.stdout or ()),
                              daemon=True)
    reader.start()
    try:
        wait_for(lines, "Watching ", 1)
        append(proj / "courses" / "syn", "\nEn ny linje.\n")
        wait_for(lines, "Built in ", 2)
        time.sleep(2)  # were its own writes seen, it would have built again by now
        assert builds(lines) == 2, lines
    finally:
        assert stop(proc, reader) == 0


def test_a_templates_folder_made_while_it_watches_is_watched_and_built(tmp_path):
    """(Review 3.) The project had no templates/ when the watch started: the folder made later is
    watched from then on, and its override is built."""
    proj = project(tmp_path, 3)
    assert not (proj / "templates").exists()
    proc, lines, reader = start_watch(proj)
    try:
        wait_for(lines, "Watching ", 1)
        assert str(proj / "templates") not in next(line for line in lines if "Watching " in line)
        (proj / "templates").mkdir()
        (proj / "templates" / "help.html").write_text("<p>Særlig hjælp</p>\n", encoding="utf-8")
        wait_for(lines, "Built in ", 2)
        wait_for(lines, "Watching ", 2)
        assert str(proj / "templates") in [line for line in lines if "Watching " in line][-1]
        assert "Særlig hjælp" in (proj / "build" / "syn" / "site" / "index.html").read_text(encoding="utf-8")
        (proj / "templates" / "help.html").write_text("<p>Anden hjælp</p>\n", encoding="utf-8")
        wait_for(lines, "Built in ", 3)  # a change inside the new folder wakes it
        assert "Anden hjælp" in (proj / "build" / "syn" / "site" / "index.html").read_text(encoding="utf-8")
    finally:
        assert stop(proc, reader) == 0


def start_watch_all(proj: Path) -> tuple[subprocess.Popen, list[str], threading.Thread]:
    """``toolkit build --watch`` with no course named: every course under courses/."""
    proc = subprocess.Popen([sys.executable, "-m", "toolkit", "build", "--format", "web", "-j", "1", "--watch"],
                            cwd=proj, env=ENV, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    lines: list[str] = []
    reader = threading.Thread(target=lambda: lines.extend(line.rstrip("\n") for line in proc.stdout or ()),
                              daemon=True)
    reader.start()
    return proc, lines, reader


def test_watching_every_course_finds_them_again_at_each_build(tmp_path):
    """(Review 4.) A course added under courses/ while it watches is built; one removed is no
    longer looked for (a toolkit build at that moment builds the others)."""
    proj = project(tmp_path, 3)
    shutil.copytree(proj / "courses" / "syn", proj / "courses" / "syn2")
    proc, lines, reader = start_watch_all(proj)
    try:
        wait_for(lines, "Watching ", 1)
        shutil.copytree(proj / "courses" / "syn", proj / "courses" / "syn3")
        wait_for(lines, "syn3: 3 lessons", 1)
        wait_for(lines, "Built in ", 2)
        shutil.rmtree(proj / "courses" / "syn2")
        append(proj / "courses" / "syn", "\nEfter fjernelsen.\n")
        wait_for(lines, "Built in ", 3)
        assert "not a course folder" not in "\n".join(lines)
    finally:
        assert stop(proc, reader) == 0
    for name in ("syn", "syn3"):
        shutil.rmtree(tmp_path / "clean", ignore_errors=True)
        assert tree_digest(proj / "build" / name) == clean_digest(proj / "courses" / name, tmp_path,
                                                                  formats=("web",), jobs=1)


def test_sigterm_stops_it_as_ctrl_c_does(tmp_path):
    """(Review 4.) kill, docker stop, a process manager: exit 0, "Stopped watching.", and a build
    under way is rolled back as on Ctrl+C (SIGTERM raises KeyboardInterrupt)."""
    proj = project(tmp_path, 3)
    proc, lines, reader = start_watch(proj)
    try:
        wait_for(lines, "Watching ", 1)
        proc.send_signal(signal.SIGTERM)
        code = proc.wait(timeout=30)
        reader.join(timeout=5)
    finally:
        if proc.poll() is None:
            proc.kill()
        assert proc.stdout is not None
        proc.stdout.close()
    assert code == 0, lines
    assert lines[-1] == "Stopped watching.", lines


def test_it_runs_in_a_thread_that_is_not_the_main_one(tmp_path):
    """(Review 5.) A library user's watch in a worker thread: Python lets only the main thread set a
    signal handler, so there SIGTERM is left alone."""
    proj = project(tmp_path, 2)
    course, out = proj / "courses" / "syn", proj / "build"
    printed = Printed()
    errors: list[BaseException] = []

    def run() -> None:
        try:
            watch_in_process(course, out, [lambda: append(course, "\nI en tråd.\n")], printed)
        except BaseException as exc:
            errors.append(exc)

    before = signal.getsignal(signal.SIGTERM)
    worker = threading.Thread(target=run)
    worker.start()
    worker.join(timeout=120)
    assert errors == []
    assert printed.text().count("Built in ") == 2
    assert printed.lines[-1] == ("Stopped watching.", True)
    assert site_and_zip(out) == clean_digest(course, tmp_path, formats=("web",), jobs=1)
    assert signal.getsignal(signal.SIGTERM) is before


def test_in_the_main_thread_its_sigterm_handler_goes_when_it_stops(tmp_path):
    proj = project(tmp_path, 2)
    before = signal.getsignal(signal.SIGTERM)
    watch_in_process(proj / "courses" / "syn", proj / "build", [], Printed())
    assert signal.getsignal(signal.SIGTERM) is before
