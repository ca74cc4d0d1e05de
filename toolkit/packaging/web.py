"""The plain site as a zip, for municipal websites that are not an LMS."""

from __future__ import annotations

from toolkit.packaging.base import Packager


class Web(Packager):
    name = "web"
    launch = "index.html"
