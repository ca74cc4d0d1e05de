"""The printable report and the web page templates are valid HTML5 (W3C Nu checker)."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from pathlib import Path

from tests.conftest import ROOT, require
from tests.records.statements import COURSE, reg, stmt
from toolkit.records.output import render
from toolkit.records.pages import render_page
from toolkit.records.status import Learner, record_from

VNU = Path(os.environ.get("TOOLKIT_VNU_JAR", ROOT / "node_modules" / "vnu-jar" / "build" / "dist" / "vnu.jar"))


def test_pages_are_valid_html5(tmp_path):
    require(VNU.is_file(), f"the Nu HTML checker is not installed at {VNU} (npm ci)")
    require(shutil.which("java") is not None, "java is not installed")
    records = [record_from(Learner("anna"), COURSE, [stmt("anna", "passed", registration=reg(), scaled=0.8)])]
    import datetime as dt

    from toolkit.records.chart import weekly_chart
    from toolkit.records.invitations import Invitation
    from toolkit.records.output import cards
    from toolkit.records.team import TeamRow
    from toolkit.records.web_team import SORTS, TEAM_HEADERS, team_rows

    chart = weekly_chart("Kursus", [(dt.date(2026, 3, 2) - dt.timedelta(weeks=w), w % 3) for w in range(12)][::-1])
    courses = [(COURSE, "Dit CV på Jobnet")]
    team_form = {"course": COURSE, "source": "pasted", "codes": "K7F3Q-9QX2Z", "since": "", "until": "",
                 "sort": "meeting"}
    invite_form = {"course": COURSE, "count": "1", "base_url": "", "meeting": "", "note": ""}
    mine = [Invitation("K7F3Q-9QX2Z", COURSE, "mette", dt.datetime(2026, 3, 2, tzinfo=dt.UTC),
                       dt.date(2026, 3, 12), "Hold A")]
    pages = {
        "team.html": render_page("team.html", base="", csrf="t", user="mette", here="team", courses=courses,
                                 sorts=SORTS, can_store=True, headers=TEAM_HEADERS, shown=True, error="",
                                 rows=team_rows([TeamRow(records[0], dt.date(2026, 3, 12))]), chart=chart,
                                 course_title="Dit CV på Jobnet", form=team_form),
        "invite.html": render_page("invite.html", base="", csrf="t", user="mette", here="invite", courses=courses,
                                   form=invite_form, made=[("K7F3Q-9QX2Z", "https://x.example/index.html?learner=K")],
                                   error="", mine=mine, titles=dict(courses), retention_days=180),
        "print.html": render(records, "learner", "html", "anna"),
        "print-empty.html": render([], "course", "html", COURSE),
        "login.html": render_page("login.html", base="", csrf="t", error="Forkert brugernavn eller adgangskode.",
                                  username="mette", user=None, here="login"),
        "lookup.html": render_page("lookup.html", base="", csrf="t", user="mette", learner="anna", searched=True,
                                   error="", cards=cards(records), empty="", here="lookup"),
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
