"""The plain site as a zip, for municipal websites that are not an LMS."""

from __future__ import annotations

from toolkit.packaging.base import Packager, Reading


class Web(Packager):
    name = "web"
    launch = "index.html"

    @classmethod
    def read_plain(cls, names: set[str]) -> Reading | None:
        return Reading("web", cls.launch) if cls.launch in names else None
