"""A disk that fills while the build writes: the error names the file being written (the kernel's
ENOSPC names none), the CLI prints it on one line, and the previous output stays as it was."""

from __future__ import annotations

import builtins
import errno
import io
import os
from pathlib import Path

import pytest
from click.testing import CliRunner

import toolkit.cache
import toolkit.errors
import toolkit.packaging.zipcopy
import toolkit.site
from toolkit.build import BuildOptions, build
from toolkit.cli import main
from toolkit.errors import naming

from ..conftest import tree_digest
from .compare import TODAY, project


def full() -> OSError:
    return OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))  # (a new one each time: naming() names it)


class FullFile:
    """A file object whose writes fail as on a full disk."""

    def __init__(self, fh):
        self.fh = fh

    def write(self, data):
        raise full()

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.fh.close()

    def __getattr__(self, name):
        return getattr(self.fh, name)


def full_open(module, monkeypatch, suffix: str):
    """*module*'s open() gives a full file for a name with *suffix* in it."""
    def fake(path, mode="r", *args, **kwargs):
        fh = builtins.open(path, mode, *args, **kwargs)  # noqa: SIM115 (handed to the caller, who closes it)
        return FullFile(fh) if "w" in mode and suffix in str(path) else fh
    monkeypatch.setattr(module, "open", fake, raising=False)


def test_naming_names_the_file_and_keeps_the_kind_of_error():
    with pytest.raises(OSError, match="No space") as got, naming("out/x.html"):
        raise OSError(errno.ENOSPC, "No space left on device")
    assert (got.value.errno, got.value.filename) == (errno.ENOSPC, "out/x.html")
    with pytest.raises(PermissionError) as denied, naming("out/y.html"):
        raise OSError(errno.EACCES, "Permission denied")
    assert denied.value.filename == "out/y.html"
    with pytest.raises(FileNotFoundError) as named, naming("out/z.html"):
        raise FileNotFoundError(errno.ENOENT, "No such file or directory", "somewhere/else")
    assert named.value.filename == "somewhere/else"  # one that names its file is left as it is
    # (review 6) the same error goes on, its kind and what else it carries kept
    blocked = BlockingIOError(errno.EAGAIN, "Resource temporarily unavailable", 4096)
    with pytest.raises(BlockingIOError) as same, naming("out/w.html"):
        raise blocked
    assert same.value is blocked and (blocked.filename, blocked.characters_written) == ("out/w.html", 4096)
    for raised in (TimeoutError("write timed out"), io.UnsupportedOperation("not writable")):  # no errno:
        with pytest.raises(OSError, match=str(raised)) as same, naming("out/w.html"):  # its message stays
            raise raised
        assert same.value is raised and raised.filename is None


@pytest.mark.parametrize("where", ["page", "zip", "cache"])
def test_a_full_disk_names_the_file_and_leaves_the_previous_output(tmp_path, monkeypatch, where):
    proj = project(tmp_path, 3)
    monkeypatch.chdir(proj)
    monkeypatch.setenv("TOOLKIT_TODAY", TODAY.isoformat())
    build([Path("courses/syn")], BuildOptions(out=Path("build"), formats=("web",), today=TODAY, jobs=1))
    before = tree_digest(Path("build/syn"))
    lesson = sorted(Path("courses/syn/lessons").glob("*.md"))[1]
    lesson.write_text(lesson.read_text(encoding="utf-8") + "\nEn linje mere.\n", encoding="utf-8")
    if where == "page":
        real = os.write

        def write(fd, data):  # the site's changed page, written beside its old version
            if os.readlink(f"/proc/self/fd/{fd}").endswith(".html.tmp-" + str(os.getpid())):
                raise full()
            return real(fd, data)

        monkeypatch.setattr(toolkit.site.os, "write", write)
        expected = "build/syn/site/lektion-2.html.tmp-"
    elif where == "zip":
        full_open(toolkit.packaging.zipcopy, monkeypatch, "syn-web")
        expected = "/syn/syn-web.zip"
    else:
        full_open(toolkit.errors, monkeypatch, ".tmp-")  # (errors.replacing opens it)
        expected = "build/.cache/outputs-default-syn.marshal"  # the file it was writing, not its temporary name
    result = CliRunner().invoke(main, ["build", "courses/syn", "--format", "web", "-j", "1"])
    assert result.exit_code == 1, result.output
    line = result.output.strip().splitlines()[-1]
    assert line.startswith("Error: No space left on device: ") and expected in line, line
    if where != "page":  # (a page is written beside its old version, under a temporary name)
        assert line.endswith(expected), line
    assert "Traceback" not in result.output
    if where != "cache":  # (the cache is saved once the output is in place: only the cache is lost)
        assert tree_digest(Path("build/syn")) == before
    assert not [p for p in Path("build").rglob("*") if ".tmp-" in p.name]
