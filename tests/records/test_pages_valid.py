"""The printable report and the web page templates are valid HTML5 (W3C Nu checker)."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from pathlib import Path

from tests.conftest import ROOT, require
from tests.records.statements import COURSE, reg, stmt
from toolkit.records.output import display_rows, render
from toolkit.records.pages import render_page
from toolkit.records.status import Learner, record_from

VNU = Path(os.environ.get("TOOLKIT_VNU_JAR", ROOT / "node_modules" / "vnu-jar" / "build" / "dist" / "vnu.jar"))


def test_pages_are_valid_html5(tmp_path):
    require(VNU.is_file(), f"the Nu HTML checker is not installed at {VNU} (npm ci)")
    require(shutil.which("java") is not None, "java is not installed")
    records = [record_from(Learner("anna"), COURSE, [stmt("anna", "passed", registration=reg(), scaled=0.8)])]
    headers, rows = display_rows(records, "learner")
    pages = {
        "print.html": render(records, "learner", "html", "anna"),
        "print-empty.html": render([], "course", "html", COURSE),
        "login.html": render_page("login.html", base="", csrf="t", error="Forkert brugernavn eller adgangskode.",
                                  username="mette", user=None),
        "lookup.html": render_page("lookup.html", base="", csrf="t", user="mette", learner="anna", searched=True,
                                   error="", headers=headers, rows=rows, empty=""),
    }
    for name, html in pages.items():
        (tmp_path / name).write_text(html, encoding="utf-8")
    proc = subprocess.run(["java", "-jar", str(VNU), "--format", "json", "--also-check-css",
                           *sorted(str(tmp_path / n) for n in pages)], capture_output=True, text=True, timeout=300,
                          check=False)
    messages = json.loads(proc.stderr or proc.stdout or '{"messages": []}')["messages"]
    problems = [f"{m.get('url', '').rsplit('/', 1)[-1]}:{m.get('lastLine')}: {m['message']}"
                for m in messages if m.get("type") == "error" or m.get("subType") == "warning"]
    assert problems == []
