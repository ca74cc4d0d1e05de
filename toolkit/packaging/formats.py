"""Every package format, by name (``toolkit validate`` reads with each of them)."""

from __future__ import annotations

from toolkit.packaging.base import Packager
from toolkit.packaging.cmi5 import Cmi5
from toolkit.packaging.scorm12 import Scorm12
from toolkit.packaging.scorm2004 import Scorm2004
from toolkit.packaging.web import Web
from toolkit.packaging.xapi import Xapi

PACKAGERS: dict[str, type[Packager]] = {p.name: p for p in (Scorm12, Scorm2004, Cmi5, Xapi, Web)}
