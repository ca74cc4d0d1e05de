"""What the accessibility tests measured on one build of one course.

The axe-core and keyboard tests (``tests/a11y/``) write their results into the
build they tested, as ``<out>/<slug>/a11y-results.json``, and
``toolkit statement`` reads them from there.  The file records a digest of the
site it was measured on: results for a site whose files have changed since
(a rebuild after an edit) no longer count, so a statement can only claim what
was measured for the build it describes.

The file::

    {"format": 1, "course": "<slug>", "version": "<course version>",
     "site_digest": "<sha256 over the site's files>",
     "axe": {"375": {"date": ..., "axe_core": ..., "browser": ..., "pages": [...],
                     "violations": [{"page", "id", "impact", "help", "nodes"}]}, "1280": {...}},
     "keyboard": {"date": ..., "browser": ..., "pages": [...], "passed": true}}
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

RESULTS_NAME = "a11y-results.json"
FORMAT = 1


def site_digest(site: Path) -> str:
    """A digest of every file of a built site, by relative path and content."""
    h = hashlib.sha256()
    for path in sorted(p for p in site.rglob("*") if p.is_file()):
        h.update(path.relative_to(site).as_posix().encode() + b"\0")
        h.update(hashlib.sha256(path.read_bytes()).digest())
    return h.hexdigest()


def record(course_out: Path, version: str, section: str, entry: dict[str, Any], key: str | None = None) -> Path:
    """Store *entry* under *section* (and *key*, e.g. a viewport width) in the
    course's results file, starting afresh when the site has changed."""
    path = course_out / RESULTS_NAME
    digest = site_digest(course_out / "site")
    data: dict[str, Any] = {}
    if path.is_file():
        data = json.loads(path.read_text(encoding="utf-8"))
    if data.get("site_digest") != digest or data.get("format") != FORMAT:
        data = {"format": FORMAT, "course": course_out.name, "version": version, "site_digest": digest}
    if key is None:
        data[section] = entry
    else:
        data.setdefault(section, {})[key] = entry
    path.write_text(json.dumps(data, indent=1, ensure_ascii=False, sort_keys=True) + "\n", encoding="utf-8")
    return path


@dataclass
class Measured:
    """The results that hold for a build, or why there are none."""

    axe: dict[str, dict[str, Any]] = field(default_factory=dict)  # by viewport width
    keyboard: dict[str, Any] | None = None
    stale: str | None = None  # why results found were not used

    @property
    def tested(self) -> bool:
        return bool(self.axe) or self.keyboard is not None

    def violations(self) -> list[dict[str, Any]]:
        return [v | {"width": width} for width, run in sorted(self.axe.items(), key=lambda kv: int(kv[0]))
                for v in run.get("violations", [])]


def load(course_out: Path, version: str) -> Measured:
    """The results measured on the build in *course_out*, if they still hold."""
    path = course_out / RESULTS_NAME
    if not path.is_file():
        return Measured()
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        return Measured(stale=f"{path} kunne ikke læses ({exc})")
    site = course_out / "site"
    if data.get("format") != FORMAT or not site.is_dir() or data.get("site_digest") != site_digest(site):
        return Measured(stale=f"{path} hører til en anden udgave af kursets filer")
    if data.get("version") != version:
        return Measured(stale=f"{path} er målt på version {data.get('version')}, ikke {version}")
    return Measured(axe=data.get("axe") or {}, keyboard=data.get("keyboard"))
