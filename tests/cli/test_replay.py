"""A ``toolkit build`` that would change nothing is replayed from <out>/.cache/replay.marshal
(toolkit/replay.py): the same diagnostics, summary and exit code, without building.  Each
test here changes one thing the build depends on and checks that the build then really runs
and gives what a clean build gives, or that a replay says exactly what a build says."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from toolkit import cache, replay
from toolkit.cli import main

from ..conftest import ROOT, tree_digest

TODAY = "2026-12-01"


@pytest.fixture
def builds(monkeypatch):
    """The builds really run (each a list of course folders); a replay runs none."""
    import toolkit.build

    calls: list[list[Path]] = []
    real = toolkit.build.build

    def spy(dirs, options, progress=None):
        calls.append(list(dirs))
        return real(dirs, options, progress)

    monkeypatch.setattr(toolkit.build, "build", spy)
    return calls


@pytest.fixture
def trust_stats(monkeypatch):
    """Every stat trusted at once (no racy window), to test the stats alone."""
    monkeypatch.setattr(replay, "RACY_NS", -10**18)
    monkeypatch.setattr(cache, "RACY_NS", -10**18)


def run(runner, course: Path, out: Path, *extra: str):
    result = runner.invoke(main, ["build", str(course), "--out", str(out), "--format", "web", "--today", TODAY, *extra])
    assert "Traceback" not in result.output
    return result


def clean_site(runner, course: Path, tmp_path: Path, *extra: str) -> dict[str, str]:
    clean = tmp_path / "clean"
    result = run(runner, course, clean, "--no-cache", *extra)
    assert result.exit_code == 0, result.output
    return tree_digest(clean / course.name / "site")


def site(out: Path, course: Path) -> dict[str, str]:
    return tree_digest(out / course.name / "site")


def _edit_keeping_size_and_mtime(path: Path, old: str, new: str) -> None:
    assert len(old.encode()) == len(new.encode())
    before = os.stat(path)
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new), encoding="utf-8")
    os.utime(path, ns=(before.st_atime_ns, before.st_mtime_ns))
    after = os.stat(path)
    assert (after.st_size, after.st_mtime_ns) == (before.st_size, before.st_mtime_ns)


def test_nothing_changed_is_replayed_with_the_same_output(runner, fixture_copy, tmp_path, builds, trust_stats):
    course = fixture_copy("quiz-without-explanation")  # a course with warnings
    out = tmp_path / "out"
    first = run(runner, course, out)
    assert first.exit_code == 0 and "warning:" in first.stderr
    assert (out / ".cache" / replay.RECORD).is_file()
    before = tree_digest(out)
    second = run(runner, course, out)
    assert len(builds) == 1, "nothing changed, yet the build ran again"
    assert (second.exit_code, second.stdout, second.stderr) == (first.exit_code, first.stdout, first.stderr)
    assert tree_digest(out) == before
    assert site(out, course) == clean_site(runner, course, tmp_path)


def test_strict_fails_on_a_replayed_warning_as_a_build_does(runner, fixture_copy, tmp_path, builds, trust_stats):
    course = fixture_copy("quiz-without-explanation")
    out = tmp_path / "out"
    assert run(runner, course, out).exit_code == 0
    replayed = run(runner, course, out, "--strict")
    assert len(builds) == 1
    real = run(runner, course, out, "--strict", "--no-cache")  # --no-cache: always built
    assert len(builds) == 2
    assert real.exit_code == replayed.exit_code == 1
    assert "Nothing was written" in real.stderr
    assert replayed.stderr == real.stderr and replayed.stdout == real.stdout


def test_an_edited_lesson_is_built(runner, fixture_copy, tmp_path, builds, trust_stats):
    course = fixture_copy("ok-minimal")
    out = tmp_path / "out"
    run(runner, course, out)
    lesson = course / "lessons" / "02-cv.md"
    lesson.write_text(lesson.read_text(encoding="utf-8") + "\nEn ny linje.\n", encoding="utf-8")
    assert run(runner, course, out).exit_code == 0
    assert len(builds) == 2
    assert "En ny linje." in (out / course.name / "site" / "cv.html").read_text(encoding="utf-8")
    assert site(out, course) == clean_site(runner, course, tmp_path)


def test_a_same_size_edit_with_the_mtime_put_back_is_built(runner, fixture_copy, tmp_path, builds, trust_stats):
    course = fixture_copy("ok-minimal")
    out = tmp_path / "out"
    run(runner, course, out)
    _edit_keeping_size_and_mtime(course / "lessons" / "02-cv.md", "Et godt CV er kort.", "Et godt CV er KORT.")
    run(runner, course, out)
    assert len(builds) == 2  # the ctime changed
    assert "Et godt CV er KORT." in (out / course.name / "site" / "cv.html").read_text(encoding="utf-8")
    assert site(out, course) == clean_site(runner, course, tmp_path)


def _newest(course: Path) -> int:
    return max(max(p.stat().st_mtime_ns, p.stat().st_ctime_ns) for p in course.rglob("*") if p.is_file())


def _blind_to_ctime(monkeypatch, tick: int = 0) -> None:
    """As if every write fell in one clock tick, *tick*: the ctime and inode tell nothing."""
    monkeypatch.setattr(replay, "signature", lambda st: f"{st.st_mtime_ns}:{st.st_size}:0:{tick}")
    monkeypatch.setattr(cache, "RACY_NS", -10**18)


def test_a_racy_source_is_compared_by_content(runner, fixture_copy, tmp_path, builds, monkeypatch):
    course = fixture_copy("ok-minimal")
    out = tmp_path / "out"
    newest = _newest(course)
    _blind_to_ctime(monkeypatch, newest)
    # the build stats every source 1 ms after its last write, however long the copy took
    monkeypatch.setattr(replay.time, "time_ns", lambda: newest + 1_000_000)
    run(runner, course, out)
    run(runner, course, out)
    assert len(builds) == 1, "an unchanged racy source was not replayed"
    _edit_keeping_size_and_mtime(course / "lessons" / "02-cv.md", "Et godt CV er kort.", "Et godt CV er KORT.")
    run(runner, course, out)
    assert len(builds) == 2, "a racy source was trusted by its stat"
    assert "Et godt CV er KORT." in (out / course.name / "site" / "cv.html").read_text(encoding="utf-8")


def test_outside_the_racy_window_only_the_stat_is_compared(runner, fixture_copy, tmp_path, builds, monkeypatch):
    """The counterpart of the racy test: what makes it pass is the digest kept for a fresh stat."""
    course = fixture_copy("ok-minimal")
    out = tmp_path / "out"
    _blind_to_ctime(monkeypatch)
    monkeypatch.setattr(replay, "RACY_NS", -10**18)
    run(runner, course, out)
    _edit_keeping_size_and_mtime(course / "lessons" / "02-cv.md", "Et godt CV er kort.", "Et godt CV er KORT.")
    run(runner, course, out)
    assert len(builds) == 1  # the stat looks the same: trusted, as git trusts its index


@pytest.mark.parametrize("change", ["add lesson", "remove lesson", "add media", "add template", "add brand",
                                    "shared facts", "course facts"])
def test_a_changed_input_is_built(runner, fixture_copy, tmp_path, builds, trust_stats, change):
    course = fixture_copy("ok-minimal")
    project = course.parent.parent
    out = tmp_path / "out"
    run(runner, course, out)
    if change == "add lesson":
        (course / "lessons" / "04-ny.md").write_text("---\ntitle: Ny lektion\n---\nKort tekst her.\n", encoding="utf-8")
    elif change == "remove lesson":
        (course / "lessons" / "03-video.md").unlink()
    elif change == "add media":
        (course / "media" / "ny.txt").write_text("ny\n", encoding="utf-8")
    elif change == "add template":
        (project / "templates").mkdir()
        (project / "templates" / "extra.html").write_text("{# ubrugt #}\n", encoding="utf-8")
    elif change == "add brand":
        (project / "brands" / "default").mkdir(parents=True)
        (project / "brands" / "default" / "brand.yaml").write_text("name: Standard\n", encoding="utf-8")
    elif change == "shared facts":
        (project / "courses" / "facts.yaml").write_text("ekstra: 1\n", encoding="utf-8")
    else:
        facts = course / "facts.yaml"
        facts.write_text(facts.read_text(encoding="utf-8").replace("14 dage", "2 uger"), encoding="utf-8")
    result = run(runner, course, out)
    assert len(builds) == 2, f"{change}: replayed"
    if result.exit_code == 0:
        assert site(out, course) == clean_site(runner, course, tmp_path)


def test_a_changed_toolkit_is_built(runner, fixture_copy, tmp_path, builds, trust_stats, monkeypatch):
    code = tmp_path / "toolkit-code"
    code.mkdir()
    (code / "render.py").write_text("A = 1\n", encoding="utf-8")
    monkeypatch.setattr(replay, "PACKAGE", str(code))
    course = fixture_copy("ok-minimal")
    out = tmp_path / "out"
    run(runner, course, out)
    run(runner, course, out)
    assert len(builds) == 1
    (code / "render.py").write_text("A = 2\n", encoding="utf-8")
    run(runner, course, out)
    assert len(builds) == 2


@pytest.mark.parametrize("extra", [["--sanitize-html"], ["--lrs-endpoint", "https://lrs.example.dk/xapi/"],
                                   ["--format", "xapi"], ["--today", "2027-01-01"]])
def test_a_changed_option_is_built(runner, fixture_copy, tmp_path, builds, trust_stats, extra):
    course = fixture_copy("ok-minimal")
    out = tmp_path / "out"
    run(runner, course, out)
    assert run(runner, course, out, *extra).exit_code == 0
    assert len(builds) == 2
    run(runner, course, out, *extra)
    assert len(builds) == 2  # and then replayed with that option


def test_a_different_today_gives_the_review_warning(runner, fixture_copy, tmp_path, builds, trust_stats,
                                                    monkeypatch):
    course = fixture_copy("ok-minimal")  # review_by: 2099-06-01
    out = tmp_path / "out"
    monkeypatch.setenv("TOOLKIT_TODAY", "2099-06-01")
    args = ["build", str(course), "--out", str(out), "--format", "web"]
    assert "review" not in runner.invoke(main, args).output
    monkeypatch.setenv("TOOLKIT_TODAY", "2099-06-02")
    late = runner.invoke(main, args)
    assert len(builds) == 2 and "review_by" in late.stderr
    assert runner.invoke(main, [*args, "--strict"]).exit_code == 1
    assert len(builds) == 2  # replayed: the warning of that day fails --strict


@pytest.mark.parametrize("change", ["delete", "edit", "add"])
def test_a_changed_output_is_built_again(runner, fixture_copy, tmp_path, builds, trust_stats, change):
    course = fixture_copy("ok-minimal")
    out = tmp_path / "out"
    run(runner, course, out)
    page = out / course.name / "site" / "cv.html"
    if change == "delete":
        page.unlink()
    elif change == "edit":
        _edit_keeping_size_and_mtime(page, "<html", "<HTML")
    else:
        (out / course.name / "site" / "stray.html").write_text("x", encoding="utf-8")
    run(runner, course, out)
    assert len(builds) == 2, f"output {change}: replayed"
    assert site(out, course) == clean_site(runner, course, tmp_path)


def test_an_edited_zip_is_built_again(runner, fixture_copy, tmp_path, builds, trust_stats):
    course = fixture_copy("ok-minimal")
    out = tmp_path / "out"
    run(runner, course, out)
    package = out / course.name / f"{course.name}-web.zip"
    good = package.read_bytes()
    package.write_bytes(good[:-1] + bytes([good[-1] ^ 1]))
    run(runner, course, out)
    assert len(builds) == 2 and package.read_bytes() == good


def test_a_different_out_is_built(runner, fixture_copy, tmp_path, builds, trust_stats):
    course = fixture_copy("ok-minimal")
    run(runner, course, tmp_path / "out")
    run(runner, course, tmp_path / "other")
    assert len(builds) == 2
    assert site(tmp_path / "other", course) == site(tmp_path / "out", course)


def test_an_output_written_just_before_the_record_is_compared_by_content(runner, fixture_copy, tmp_path, builds,
                                                                         monkeypatch, trust_stats):
    course = fixture_copy("ok-minimal")
    out = tmp_path / "out"
    _blind_to_ctime(monkeypatch)
    real = replay._fs_now
    monkeypatch.setattr(replay, "_fs_now", lambda fd: 0)  # the record stamped in the outputs' tick: all racy
    run(runner, course, out)
    monkeypatch.setattr(replay, "_fs_now", real)
    run(runner, course, out)
    assert len(builds) == 1
    _edit_keeping_size_and_mtime(out / course.name / "site" / "cv.html", "<html", "<HTML")
    run(runner, course, out)
    assert len(builds) == 2
    assert site(out, course) == clean_site(runner, course, tmp_path)


def test_the_fast_path_prints_what_the_cli_prints(runner, fixture_copy, tmp_path, builds, trust_stats, capsys):
    course = fixture_copy("quiz-without-explanation")
    out = tmp_path / "out"
    first = run(runner, course, out)
    argv = ["build", str(course), "--out", str(out), "--format", "web", "--today", TODAY]
    assert replay.from_argv(argv) == (0, None)
    printed = capsys.readouterr()
    assert (printed.out, printed.err) == (first.stdout, first.stderr)
    code, fp = replay.from_argv([*argv, "--strict"])
    assert code is None and fp is not None and fp.record is not None, "a failing replay is left to click"
    assert replay.from_argv([*argv, "--no-cache"]) == (None, None)
    assert replay.from_argv([*argv, "--outt", "x"]) == (None, None)
    assert len(builds) == 1


@pytest.mark.parametrize("d", [("a.md", 3, "m", "error"), ("a.md", 0, "m", "warning"), ("b", 7, "x: y", "info")])
def test_the_fast_path_formats_a_diagnostic_as_the_cli_does(d):
    from toolkit.errors import Diagnostic

    assert replay.diagnostic_line(d) == str(Diagnostic(*d))


def test_python_m_toolkit_replays_without_importing_the_pipeline(fixture_copy, tmp_path):
    course = fixture_copy("ok-minimal")
    out = tmp_path / "out"
    cmd = [sys.executable, "-X", "importtime", "-m", "toolkit", "build", str(course), "--out", str(out),
           "--format", "web", "--today", TODAY]
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    first = subprocess.run(cmd, capture_output=True, text=True, env=env, check=False)
    assert first.returncode == 0, first.stderr
    second = subprocess.run(cmd, capture_output=True, text=True, env=env, check=False)
    assert second.returncode == 0 and second.stdout == first.stdout
    imported = {line.rsplit("|", 1)[-1].strip() for line in second.stderr.splitlines() if line.startswith("import time")}
    assert "toolkit.replay" in imported
    assert not imported & {"toolkit.build", "click", "jinja2", "yaml", "markdown_it", "lxml", "toolkit.cache",
                           "toolkit.errors", "dataclasses"}


def test_a_symlinked_folder_is_never_replayed(runner, fixture_copy, tmp_path, builds, trust_stats):
    """Its contents could change with no stat here changing: such a build always runs."""
    course = fixture_copy("ok-minimal")
    shared = tmp_path / "shared-media"
    (course / "media").rename(shared)
    (course / "media").symlink_to(shared, target_is_directory=True)
    out = tmp_path / "out"
    run(runner, course, out)
    run(runner, course, out)
    assert len(builds) == 2


def test_python_m_toolkit_strict_fails_on_a_replayed_warning_as_a_build_does(fixture_copy, tmp_path):
    """from_argv leaves a failing replay to click, handing it the fingerprint it took."""
    course = fixture_copy("quiz-without-explanation")
    out = tmp_path / "out"
    cmd = [sys.executable, "-m", "toolkit", "build", str(course), "--out", str(out), "--format", "web",
           "--today", TODAY]
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    assert subprocess.run(cmd, capture_output=True, env=env, check=False).returncode == 0
    replayed = subprocess.run([*cmd, "--strict"], capture_output=True, text=True, env=env, check=False)
    built = subprocess.run([*cmd, "--strict", "--no-cache"], capture_output=True, text=True, env=env, check=False)
    assert replayed.returncode == built.returncode == 1
    assert "Nothing was written" in built.stderr
    assert (replayed.stdout, replayed.stderr) == (built.stdout, built.stderr)


def test_a_changed_library_is_built(runner, fixture_copy, tmp_path, builds, trust_stats, monkeypatch):
    """A library that renders, upgraded: any file of its package folder (a compiled module too)."""
    lib = tmp_path / "libs" / "fakelib"
    lib.mkdir(parents=True)
    (lib / "__init__.py").write_text("", encoding="utf-8")
    monkeypatch.syspath_prepend(str(lib.parent))
    monkeypatch.setattr(replay, "LIBRARIES", ("fakelib",))
    course = fixture_copy("ok-minimal")
    out = tmp_path / "out"
    run(runner, course, out)
    run(runner, course, out)
    assert len(builds) == 1
    (lib / "_speedups.cpython-311-x86_64-linux-gnu.so").write_bytes(b"\x7fELF")
    run(runner, course, out)
    assert len(builds) == 2


def test_the_cache_takes_the_lessons_stats_from_the_fingerprint_but_the_fresh_ones(runner, fixture_copy, tmp_path,
                                                                                    builds, monkeypatch):
    """A build after the replay's fingerprint found a change does not stat each lesson again for
    the cache (toolkit.build.BuildOptions.input_stats); one too fresh for the replay to trust is
    stat'ed and hashed by the cache itself.  Either way the output is a clean build's."""
    course = fixture_copy("ok-minimal")
    out = tmp_path / "out"
    monkeypatch.setattr(cache, "RACY_NS", -10**18)
    run(runner, course, out)
    statted: list[str] = []
    real = cache.signature

    def counting(st):
        statted.append(st)
        return real(st)

    monkeypatch.setattr(cache, "signature", counting)
    lessons = sorted((course / "lessons").glob("*.md"))
    edited = lessons[0]
    edited.write_text(edited.read_text(encoding="utf-8") + "\nMere.\n", encoding="utf-8")
    monkeypatch.setattr(replay, "RACY_NS", -10**18)  # every stat trusted: none is fresh
    run(runner, course, out)
    assert len(builds) == 2 and statted == []
    edited.write_text(edited.read_text(encoding="utf-8") + "\nEndnu mere.\n", encoding="utf-8")
    monkeypatch.setattr(replay, "RACY_NS", 10**18)  # every stat too fresh: the cache stats them all
    run(runner, course, out)
    assert len(builds) == 3 and len(statted) == len(lessons)
    assert site(out, course) == clean_site(runner, course, tmp_path)


def test_a_record_this_users_builds_did_not_sign_is_not_replayed(runner, fixture_copy, tmp_path, builds, trust_stats):
    """A co-user of the output folder who writes a record that matches the inputs (they can stat
    them too) must not make a build print what they like and skip building."""
    import marshal

    from toolkit import signing

    course = fixture_copy("ok-minimal")
    out = tmp_path / "out"
    run(runner, course, out)
    record = out / ".cache" / replay.RECORD
    forgeries = [lambda lie: lie, lambda lie: b"0" * 64 + b"\n" + lie,
                 lambda lie: signing.mac("another-name", lie).encode() + b"\n" + lie]
    for n, forge in enumerate(forgeries):
        blob = signing.unsigned(replay.RECORD, record.read_bytes())  # the last build's, which matches
        assert blob is not None
        assert run(runner, course, out).exit_code == 0 and len(builds) == 1 + n  # replayed
        lie = marshal.dumps({**marshal.loads(blob), "summary": ["ok-minimal: all fine, nothing built"]})
        record.write_bytes(forge(lie))
        result = run(runner, course, out)
        assert result.exit_code == 0 and "nothing built" not in result.output
        assert len(builds) == 2 + n  # built, not replayed
    blob = signing.unsigned(replay.RECORD, record.read_bytes())
    assert blob is not None
    lie = marshal.dumps({**marshal.loads(blob), "summary": ["ok-minimal: all fine, nothing built"]})
    record.write_bytes(signing.signed(replay.RECORD, lie))  # the same lie with this user's HMAC: believed,
    assert "nothing built" in run(runner, course, out).output  # which is what the HMAC is for
