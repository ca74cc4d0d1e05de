"""(Review 2 of the blob and cache fixes.)  The cache's files damaged, replaced by a FIFO, a folder
or another user's file while builds read and write them: each costs at most a cold cache, never
wrong output, a hang, a failed build or a stray file."""

from __future__ import annotations

import json
import os
import pickle
import threading
from pathlib import Path

import pytest

import toolkit.build
from toolkit import cache, signing
from toolkit.build import BuildOptions, build

from ..conftest import tree_digest
from .compare import WEB, blob_file, changing_blobs_in_place, clean_digest, edit_lesson


def test_a_fifo_put_in_place_of_the_blob_file_after_it_was_read_does_not_hang_the_build(fixture_copy, tmp_path,
                                                                                         monkeypatch):
    """open_regular guards the reads only: blobs.write appends with open(path, "ab"), which
    blocks for ever on a FIFO without a reader, when one replaced the blob file after the build
    read it (the blob file is read in check(), written in save_caches(), after the packages)."""
    course = fixture_copy("ok-minimal")
    out = tmp_path / "out"
    build([course], BuildOptions(out=out, **WEB))
    edit_lesson(course, 1)
    real = toolkit.build.check

    def then_a_fifo(*args, **kwargs):
        result = real(*args, **kwargs)
        blob_file(out).unlink()
        os.mkfifo(blob_file(out))
        return result

    monkeypatch.setattr(toolkit.build, "check", then_a_fifo)
    failed: list[BaseException] = []

    def run() -> None:
        try:
            build([course], BuildOptions(out=out, **WEB))
        except BaseException as exc:  # (reported below)
            failed.append(exc)

    builder = threading.Thread(target=run, daemon=True)
    builder.start()
    builder.join(timeout=15)
    hung = builder.is_alive()
    if hung:  # let it go: read what it writes until it is done
        fd = os.open(blob_file(out), os.O_RDONLY | os.O_NONBLOCK)
        try:
            while builder.is_alive():
                try:
                    os.read(fd, 1 << 16)
                except BlockingIOError:
                    builder.join(timeout=0.05)
        finally:
            os.close(fd)
    assert not hung, "the build hung appending to a FIFO at the blob file's path"
    assert not failed, failed
    assert tree_digest(out / course.name) == clean_digest(course, tmp_path, **WEB)


def test_a_damaged_template_bytecode_in_the_cache_file_is_not_run(fixture_copy, tmp_path):
    """cache.pickle keeps Jinja's compiled templates ("valid whatever the context: Jinja checks the
    source"): Jinja checks the source's checksum, not the bytecode's bytes.  A damaged byte in a
    template's code (here a string constant of base.html, same length) is run: the pages are
    wrong, silently, in every later build that renders one (a flipped byte in a name raised
    AttributeError from inside the template instead)."""
    course = fixture_copy("ok-minimal")
    out = tmp_path / "out"
    build([course], BuildOptions(out=out, **WEB))
    path = out / ".cache" / "cache.pickle"
    data = path.read_bytes()
    assert b'<footer class="tk-footer">' in data  # (in base.html's bytecode)
    path.write_bytes(data.replace(b'<footer class="tk-footer">', b'<footer class="tk-fooXer">'))
    edit_lesson(course, 1)  # a page rendered again
    build([course], BuildOptions(out=out, **WEB))
    assert tree_digest(out / course.name) == clean_digest(course, tmp_path, **WEB), \
        "a damaged bytecode from the cache file was run"


def test_a_course_loaded_again_reports_each_lessons_progress_once(fixture_copy, tmp_path, monkeypatch):
    """A blob file changed in place while read: load_and_render drops the first attempt's report
    items but not its progress: each lesson is reported twice (click's bar goes past its end)."""
    course = fixture_copy("ok-minimal")
    out = tmp_path / "out"
    build([course], BuildOptions(out=out, **WEB))
    edit_lesson(course, 1, "03-video.md")
    real = toolkit.build.add_lessons

    monkeypatch.setattr(toolkit.build, "add_lessons", changing_blobs_in_place(out, real))
    seen: list[str] = []
    build([course], BuildOptions(out=out, **WEB), progress=seen.append)
    lessons = sorted(p.name for p in (course / "lessons").glob("*.md"))
    assert sorted(seen) == lessons, f"progress: {sorted(seen)}"


def _damage_part(path: Path, name: str, old: bytes, new: bytes) -> None:
    """*old* replaced by *new* (as long) inside one part of cache.pickle, the rest as it was."""

    with open(path, "rb") as fh:
        start, length, _ = cache._index(fh)[name]
    data = bytearray(path.read_bytes())
    part = bytes(data[start:start + length])
    assert old in part, f"{old!r} not in the part {name!r}"
    data[start:start + length] = part.replace(old, new)
    path.write_bytes(bytes(data))


def test_a_damaged_yaml_result_kept_in_the_cache_file_is_not_trusted(fixture_copy, tmp_path):
    """The YAML parser's kept results are taken by the text's digest, and not checked: one damaged
    byte inside them (a key of course.yaml, here) makes the build fail with errors the course does
    not have, and every later build too, until the cache is removed by hand (what 2760618 says no
    damaged cache does any more).  Found flipping bits of cache.pickle at random."""
    from toolkit.cache import PARSED

    course = fixture_copy("ok-minimal")
    out = tmp_path / "out"
    build([course], BuildOptions(out=out, **WEB))
    _damage_part(out / ".cache" / "cache.pickle", PARSED, b"language", b"languaga")
    edit_lesson(course, 1)
    build([course], BuildOptions(out=out, **WEB))  # failed: "course.yaml is missing required key 'language'"
    assert tree_digest(out / course.name) == clean_digest(course, tmp_path, **WEB)


def _built(fixture_copy, tmp_path) -> tuple[Path, Path, Path, dict[str, cache.Part]]:
    """ok-minimal built once with the cache on: the course, the output folder, cache.pickle and
    its index."""
    course = fixture_copy("ok-minimal")
    out = tmp_path / "out"
    build([course], BuildOptions(out=out, **WEB))
    path = out / ".cache" / "cache.pickle"
    with open(path, "rb") as fh:
        return course, out, path, cache._index(fh)


def test_a_damaged_page_ref_in_the_cache_file_does_not_put_wrong_bytes_in_a_package(fixture_copy, tmp_path):
    """A page's place in the blob file comes from cache.pickle, which no stamp covers (the blob
    file's stamp is checked, not the refs to it): one off by a byte reads the page shifted, and
    its digest, kept beside it, is trusted, so the site is left alone but the package gets the
    wrong bytes."""
    course, out, path, index = _built(fixture_copy, tmp_path)
    with open(path, "rb") as fh:
        parts = {n: cache._part(fh, n, *where) for n, where in index.items()}
    macs = {name: where[2] for name, where in index.items()}  # as written: the damage comes after
    data = pickle.loads(parts["default-ok-minimal"])
    (key,) = [k for k in data["pages"] if k.endswith(":index.html")]
    start, length = data["pages"][key]
    data["pages"][key] = (start + 1, length)  # one bit of the start flipped
    parts["default-ok-minimal"] = pickle.dumps(data, protocol=pickle.HIGHEST_PROTOCOL)
    with open(path, "wb") as fh:
        fh.write(cache.MAGIC)
        index = {}
        for name, blob in parts.items():
            index[name] = (fh.tell(), len(blob), macs[name])
            fh.write(blob)
        footer = json.dumps(index).encode()
        fh.write(footer + cache.FOOTER.pack(len(footer)))
    edit_lesson(course, 1, "03-video.md")
    build([course], BuildOptions(out=out, **WEB))
    assert tree_digest(out / course.name) == clean_digest(course, tmp_path, **WEB)


def test_a_directory_at_the_cache_files_or_outputs_files_path_is_named_and_leaves_no_temporary_file(fixture_copy,
                                                                                                     tmp_path):
    """7335e4f moved the blob file's rename inside naming(); cache.pickle's and outputs-*.marshal's
    are still after it: the error names the temporary file, which each such build leaves behind."""
    course = fixture_copy("ok-minimal")
    out = tmp_path / "out"
    build([course], BuildOptions(out=out, **WEB))
    for n, name in enumerate(("cache.pickle", "outputs-default-ok-minimal.marshal")):
        path = out / ".cache" / name
        path.unlink()
        path.mkdir()
        (path / "x").touch()
        edit_lesson(course, n)
        with pytest.raises(IsADirectoryError) as failed:  # a directory there: the build cannot keep its cache
            build([course], BuildOptions(out=out, **WEB))
        assert failed.value.filename == str(path), f"names {failed.value.filename}"
        left = sorted(p.name for p in (out / ".cache").iterdir() if ".tmp" in p.name)
        assert left == [], f"temporary files left: {left}"
        (path / "x").unlink()
        path.rmdir()


def test_a_blob_file_this_user_cannot_append_to_is_written_again(fixture_copy, tmp_path, monkeypatch):
    """Two users building into one output folder (the case 7335e4f is for): the blob file and
    cache.pickle are the other user's build's (its stamp matches), the file read-only to this one
    (umask 022) in a folder both write.  Opening it to append raises PermissionError, which ends
    the build, though the file could be written again in its place, as a missing one is.
    (Simulated: the tests run as root, whom file modes do not stop; a chmod changes the ctime.)"""
    import builtins

    from toolkit import blobs

    course = fixture_copy("ok-minimal")
    out = tmp_path / "out"
    build([course], BuildOptions(out=out, **WEB))
    real_open = builtins.open

    def opening(file, mode="r", *args, **kwargs):  # the file is the other user's, mode 0644
        if mode in ("ab", "r+b") and Path(file) == blob_file(out):
            raise PermissionError(13, "Permission denied", str(file))
        return real_open(file, mode, *args, **kwargs)

    def opening_regular(file, append=False):
        if append and Path(file) == blob_file(out):
            raise PermissionError(13, "Permission denied", str(file))
        return real_regular(file, append)

    real_regular = blobs.open_regular
    monkeypatch.setattr(blobs, "open", opening, raising=False)
    monkeypatch.setattr(blobs, "open_regular", opening_regular)
    edit_lesson(course, 1)
    build([course], BuildOptions(out=out, **WEB))
    assert tree_digest(out / course.name) == clean_digest(course, tmp_path, **WEB)


def test_a_fifo_in_place_of_the_replay_record_does_not_hang_the_build(fixture_copy, tmp_path):
    """open_regular guards the cache's files, not replay.marshal beside them, which ``toolkit
    build`` opens (replay.fingerprint) before it builds: a FIFO there, and the build waits for
    ever, saying nothing (the case 7335e4f fixed for the blob file and cache.pickle)."""
    import subprocess
    import sys

    from .compare import ENV

    course = fixture_copy("ok-minimal")
    out = tmp_path / "out"
    command = [sys.executable, "-m", "toolkit", "build", str(course), "--out", str(out), "--format", "web", "-j", "1"]
    subprocess.run(command, env=ENV, capture_output=True, check=True, timeout=120)
    record = out / ".cache" / "replay.marshal"
    assert record.is_file()
    record.unlink()
    os.mkfifo(record)
    proc = subprocess.Popen(command, env=ENV, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        _, err = proc.communicate(timeout=30)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.communicate()
        raise AssertionError("the build hung opening a FIFO at replay.marshal") from None
    assert proc.returncode == 0, err
    assert tree_digest(out / course.name) == clean_digest(course, tmp_path, **WEB)


class _Runs:
    """A pickle that, unpickled, calls a function of the writer's choosing (here, it makes a file)."""

    def __init__(self, marker: Path) -> None:
        self.marker = marker

    def __reduce__(self):
        return (Path.touch, (self.marker,))


def test_a_cache_file_written_by_a_co_user_of_the_output_folder_runs_no_code(fixture_copy, tmp_path):
    """(Review 2.)  cache.pickle is unpickled, and a pickle runs what it names: whoever could write
    the output folder ran code as the user who built there next.  Each part now carries an HMAC
    made with this user's key (signing.cache_key), checked before anything in it is unpickled; the
    index is JSON.  A part with a guessed or copied HMAC is not unpickled, and the build is cold."""
    course, out, path, real = _built(fixture_copy, tmp_path)
    marker = tmp_path / "ran"
    blob = pickle.dumps(_Runs(marker), protocol=pickle.HIGHEST_PROTOCOL)
    for mac in ("0" * 64, real["default-ok-minimal"][2], cache.hmac.new(b"another user's key", b"", "sha256").hexdigest()):
        index = {name: (len(cache.MAGIC), len(blob), mac) for name in (cache.PARSED, "default-ok-minimal")}
        footer = json.dumps(index).encode()
        path.write_bytes(cache.MAGIC + blob + footer + cache.FOOTER.pack(len(footer)))
        edit_lesson(course, len(mac) + len(marker.name))
        build([course], BuildOptions(out=out, **WEB))
        assert not marker.exists(), "the build ran a function named in cache.pickle"
        assert tree_digest(out / course.name) == clean_digest(course, tmp_path, **WEB)


def test_the_cache_key_is_this_users_alone(tmp_path, monkeypatch):
    """The key file is made readable by its owner only, and one that others could read or write
    is not used (a key for this process only instead)."""

    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    signing.cache_key.cache_clear()
    try:
        key = signing.cache_key()
        path = tmp_path / signing.KEY_FILE
        assert path.read_bytes() == key and len(key) == 32
        assert path.stat().st_mode & 0o777 == 0o600
        signing.cache_key.cache_clear()
        assert signing.cache_key() == key  # the same next time
        path.chmod(0o644)
        signing.cache_key.cache_clear()
        assert signing.cache_key() != key  # readable by others: not trusted (and made again)
        assert path.stat().st_mode & 0o777 == 0o600
    finally:
        signing.cache_key.cache_clear()
