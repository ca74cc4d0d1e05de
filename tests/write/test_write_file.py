"""Files of the site are written without a Python file object, as open(path, "wb") writes them."""

from __future__ import annotations

import os
import stat

from toolkit.site import _write_file


def test_a_file_is_written_truncated_and_made_as_open_makes_it(tmp_path):
    target = tmp_path / "page.html"
    _write_file(str(target), b"<p>lang tekst</p>" * 10_000)
    _write_file(str(target), b"<p>kort</p>")  # over a longer file: truncated
    assert target.read_bytes() == b"<p>kort</p>"
    _write_file(str(tmp_path / "empty.txt"), b"")
    assert (tmp_path / "empty.txt").read_bytes() == b""
    with open(tmp_path / "by-open.txt", "wb") as fh:
        fh.write(b"x")
    assert stat.S_IMODE(os.stat(target).st_mode) == stat.S_IMODE(os.stat(tmp_path / "by-open.txt").st_mode)
