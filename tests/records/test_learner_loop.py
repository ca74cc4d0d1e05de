"""The loop of issue 16: invitation → a learner with a personal link → the caseworker sees the record.

Real parts: the web package built by ``toolkit.build`` with a key scoped to the course and the
citizens' homePage (made with ``toolkit lrs credentials add``), the built-in LRS, ``toolkit records
invite`` for the codes, ``toolkit records learner`` and ``toolkit records serve`` for the answers.
The learners' statements are those the runtime sends (``tests/records/learner_sim.py`` reads the
built package); a Chromium driver can replace ``post_as_runtime`` without changing the checks.
"""

from __future__ import annotations

import contextlib
import csv
import io
import json
import re
import urllib.error
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest
from click.testing import CliRunner

from tests.conftest import ROOT, require
from tests.records.conftest import HOMEPAGE
from tests.records.learner_sim import Plan, course_data, post_as_runtime
from tests.records.servers import LRS, WRITE_SCOPE, records_web
from toolkit.build import BuildOptions, build
from toolkit.cli import main
from toolkit.records.auth import hash_password

COURSE_DIR = ROOT / "courses" / "ret-og-pligt"
COURSE = "https://kurser.example.dk/ret-og-pligt"
CITIZENS = "https://borger.eksempelby.example"  # the homePage of learners with a personal link
PASSWORD = "rød-cykel-i-regnvejr-4"
# What each learner does, and what the caseworker must then see.
PLANS = {
    "passed": (Plan("", "dagpenge", {"dagpenge-moeder-q2"}), "Gennemført · bestået (89 %)", "Dagpenge fra en a-kasse",
               ["Hvornår kan du få karantæne?"]),
    "all_wrong": (Plan("", "kontanthjaelp", all_wrong=True), "Gennemført · ikke bestået (0 %)",
                  "Kontanthjælp fra kommunen", None),
    "half": (Plan("", "dagpenge", stop_after=2), "I gang", "Dagpenge fra en a-kasse", []),
    "invited_only": (None, "Ikke startet", "", []),
}


@dataclass
class Loop:
    lrs: LRS
    package: Path
    db: Path
    codes: dict[str, str]  # plan name → learner code
    meetings: dict[str, str]
    sent: dict[str, list[dict]]


def cli(*args: str, env: dict[str, str] | None = None):
    return CliRunner().invoke(main, list(args), env={"TOOLKIT_RECORDS_CONFIG": "/nonexistent/records.toml",
                                                     **(env or {})})


def scoped_package(lrs: LRS, work: Path) -> Path:
    """The ret-og-pligt web package, built with a key scoped to the course and the citizens' homePage."""
    require(lrs.db is not None, "the loop needs the built-in LRS to make a scoped key")
    key = lrs.add_credential("web-ret-og-pligt", "web-nøgle-9876", "--scope", WRITE_SCOPE,
                             "--activity-prefix", COURSE, "--homepage", CITIZENS)
    build([COURSE_DIR], BuildOptions(out=work / "out", formats=("web",), no_cache=True, settings={
        "lrs_endpoint": lrs.endpoint, "lrs_key": ":".join(key), "lrs_homepage": CITIZENS}))
    return work / "out" / "ret-og-pligt" / "ret-og-pligt-web.zip"


def invite(db: Path, meeting: str, base_url: str = "https://kurser.eksempelby.example/ret-og-pligt/") -> dict:
    """One invitation letter from ``toolkit records invite``: its code and personal link."""
    made = cli("records", "invite", "ret-og-pligt", "--meeting", meeting, "--caseworker", "mette", "--db", str(db),
               "--base-url", base_url, "--format", "json")
    assert made.exit_code == 0, made.output
    (invitation,) = json.loads(made.stdout)["invitations"]
    assert invitation["link"].endswith(f"/index.html?learner={invitation['code']}")
    return invitation


@pytest.fixture(scope="module")
def loop(lrs, tmp_path_factory) -> Loop:
    work = tmp_path_factory.mktemp("loop")
    package = scoped_package(lrs, work)
    db = work / "records.sqlite3"
    codes, meetings = {}, {}
    for i, name in enumerate(PLANS):  # one invitation letter per learner, each with its own meeting date
        meeting = f"2026-03-{10 + i:02d}"
        codes[name], meetings[name] = invite(db, meeting)["code"], meeting
    sent = {}
    for name, (plan, *_) in PLANS.items():
        if plan is not None:
            plan.code = codes[name]
            sent[name] = post_as_runtime(package, plan)
    return Loop(lrs, package, db, codes, meetings, sent)


def test_the_package_reports_to_the_scoped_key_under_the_citizens_homepage(loop):
    data = course_data(loop.package)
    assert data["lrs"] == {"endpoint": loop.lrs.endpoint, "key": "web-ret-og-pligt:web-nøgle-9876", "homepage": CITIZENS}
    actors = {json.dumps(s["actor"], sort_keys=True) for sent in loop.sent.values() for s in sent}
    assert actors == {json.dumps({"objectType": "Agent", "account": {"homePage": CITIZENS, "name": code}},
                                 sort_keys=True) for name, code in loop.codes.items() if name in loop.sent}


def test_the_scoped_key_cannot_write_for_another_course(loop):
    plan = Plan(loop.codes["half"], None, stop_after=1)
    other = loop.package.parent / "other.zip"
    import shutil
    import zipfile

    data = course_data(loop.package)
    data["id"] = "https://kurser.example.dk/cv"
    with zipfile.ZipFile(loop.package) as src, zipfile.ZipFile(other, "w") as dst:
        for item in src.infolist():
            body = src.read(item)
            if item.filename == "assets/course-data.js":
                body = f"window.TK_COURSE={json.dumps(data)};\n".encode()
            dst.writestr(item, body)
    with pytest.raises(urllib.error.HTTPError) as exc:
        post_as_runtime(other, plan)
    exc.value.close()  # the refused answer's socket
    assert exc.value.code == 403
    shutil.os.remove(other)


def lookup_cli(loop: Loop, code: str, *extra: str):
    env = {"TOOLKIT_LRS_ENDPOINT": loop.lrs.endpoint, "TOOLKIT_LRS_USERNAME": loop.lrs.reader[0],
           "TOOLKIT_LRS_PASSWORD": loop.lrs.reader[1], "TOOLKIT_ACTOR_HOMEPAGE": f"{HOMEPAGE},{CITIZENS}"}
    return cli("records", "learner", code, *extra, env=env)


@pytest.mark.parametrize("name", list(PLANS))
def test_the_cli_finds_each_learner_by_code(loop, name):
    _, label, path, missed = PLANS[name]
    code = loop.codes[name]
    typed = code.lower().replace("-", " ")  # read aloud and typed sloppily
    result = lookup_cli(loop, typed, "--format", "json")
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert data["learner"] == code
    records = [r for r in data["records"] if r["course_id"] == COURSE]
    if name == "invited_only":
        assert records == []
        return
    (r,) = records
    assert r["status_label"] == label and r["path_label"] == path
    assert r["course_title"] == "Dine rettigheder og pligter som ledig"
    seen = [s["object"]["id"].rsplit("/", 1)[1] for s in loop.sent[name] if s["verb"]["id"].endswith("experienced")]
    assert [x["id"] for x in r["lessons_seen"]] == seen
    wrong_first = [x["title"] for x in r["missed_first_try"]]
    if missed is None:  # all wrong: every question answered
        answered = {s["object"]["id"] for s in loop.sent[name] if s["verb"]["id"].endswith("answered")}
        assert len(wrong_first) == len(answered) > 0
    else:
        assert wrong_first == missed


def test_the_cli_table_shows_both_facts(loop):
    table = lookup_cli(loop, loop.codes["all_wrong"]).stdout
    assert "Gennemført · ikke bestået (0 %)" in table and "Kontanthjælp fra kommunen" in table


@contextlib.contextmanager
def caseworker_page(lrs: LRS, db: Path, work: Path, today: str = "2026-03-04") -> Iterator[str]:
    """``toolkit records serve`` for mette, reading *lrs* and the invitations in *db*."""
    with records_web(lrs, [f"mette:{hash_password(PASSWORD)}"], work, HOMEPAGE, "--homepage", CITIZENS,
                     "--db", str(db), "--today", today) as base:
        yield base


@pytest.fixture(scope="module")
def page(loop, tmp_path_factory):
    with caseworker_page(loop.lrs, loop.db, tmp_path_factory.mktemp("records-web")) as base:
        yield base


@contextlib.contextmanager
def logged_in(base: str) -> Iterator[tuple[httpx.Client, str]]:
    with httpx.Client(base_url=base, follow_redirects=True, timeout=60) as http:
        form = http.get("/login").text
        csrf = re.search(r'name="csrf" value="([^"]+)"', form).group(1)
        home = http.post("/login", data={"username": "mette", "password": PASSWORD, "csrf": csrf})
        assert home.status_code == 200 and "Borgerens kode" in home.text
        yield http, re.search(r'name="csrf" value="([^"]+)"', home.text).group(1)


def test_the_page_finds_the_code_typed_from_the_receipt(loop, page):
    with logged_in(page) as (http, csrf):
        r = http.post("/", data={"learner": loop.codes["passed"].lower(), "csrf": csrf})
        assert r.status_code == 200
        assert "Gennemført · bestået (89 %)" in r.text and "Dagpenge fra en a-kasse" in r.text
        assert "Hvornår kan du få karantæne?" in r.text  # missed at the first try
        r = http.post("/", data={"learner": "010190-1234", "csrf": csrf})
        assert r.status_code == 400 and "CPR-nummer" in r.text and "010190" not in r.text


def team(http: httpx.Client, csrf: str, **fields: str) -> httpx.Response:
    data = {"csrf": csrf, "course": COURSE, "source": "mine", "codes": "", "since": "", "until": "",
            "sort": "meeting", "action": "show", **fields}
    return http.post("/hold", data=data)


def team_table(html: str) -> str:
    return html[html.index('<table class="team">'):].split("</table>", maxsplit=1)[0] if '<table class="team">' in html else ""


def test_team_view_of_own_invitations_sorted_filtered_and_exported(loop, page):
    with logged_in(page) as (http, csrf):
        r = team(http, csrf)
        assert r.status_code == 200, r.text[-500:]
        rows = re.findall(r'<tr><th scope="row">([^<]+)</th><td>([^<]*)</td><td class="tone-[a-z]*">([^<]*)</td>',
                          team_table(r.text))
        assert [(code, day, label) for code, day, label in rows] == [
            (loop.codes[n], loop.meetings[n], PLANS[n][1]) for n in PLANS]  # by meeting date
        r = team(http, csrf, since="2026-03-11", until="2026-03-12")
        found = re.findall(r'<tr><th scope="row">([^<]+)</th>', team_table(r.text))
        assert found == [loop.codes["all_wrong"], loop.codes["half"]]
        r = team(http, csrf, action="csv", sort="status")
        assert r.headers["content-type"].startswith("text/csv")
        assert r.content.startswith(b"\xef\xbb\xbf")
        table = list(csv.DictReader(io.StringIO(r.content.decode("utf-8-sig")), delimiter=";"))
        assert [row["Borger-id"] for row in table] == [loop.codes[n] for n in ("invited_only", "half", "all_wrong",
                                                                                "passed")]
        by_code = {row["Borger-id"]: row for row in table}
        passed = by_code[loop.codes["passed"]]
        assert passed["Mødedato"] == loop.meetings["passed"] and passed["Bestået"] == "ja"
        assert float(passed["Score (%)"].replace(",", ".")) == pytest.approx(88.9)
        assert int(by_code[loop.codes["half"]]["Lektioner set (antal)"]) == 2
        assert by_code[loop.codes["all_wrong"]]["Score (%)"] == "0,0"


def test_team_view_of_pasted_codes_and_the_chart(loop, page):
    with logged_in(page) as (http, csrf):
        pasted = f"{loop.codes['half']} 2026-03-20\n{loop.codes['passed'].lower()}\n"
        r = team(http, csrf, source="pasted", codes=pasted)
        assert re.findall(r'<tr><th scope="row">([^<]+)</th><td>([^<]*)</td>', team_table(r.text)) == [
            (loop.codes["half"], "2026-03-20"), (loop.codes["passed"], "–")]
        # two learners completed in week 10 of 2026 (the week of 2 March), the week --today falls in
        assert '<svg role="img"' in r.text and "<title id=\"chart-title\">" in r.text
        assert "uge 10 (2. marts 2026): 2" in r.text
        assert re.search(r"<th scope=\"row\">uge 10 \(2. marts 2026\)</th><td>2</td>", r.text)
        r = team(http, csrf, source="pasted", codes="K7F3Q-9QX2Z\n010190-1234")
        assert r.status_code == 400 and "CPR-nummer" in r.text and "010190" not in r.text


def test_personal_links_from_the_page(loop, page):
    with logged_in(page) as (http, csrf):
        r = http.post("/invitationer", data={"csrf": csrf, "action": "create", "course": COURSE, "count": "2",
                                             "base_url": "https://kurser.eksempelby.example/ret-og-pligt/",
                                             "meeting": "2026-03-30", "note": "Hold B"})
        assert r.status_code == 200
        links = re.findall(r"https://kurser\.eksempelby\.example/ret-og-pligt/index\.html\?learner=([A-Z2-9-]{11})", r.text)
        assert len(set(links)) >= 2 and "Skriv aldrig navne" in r.text
        gone = links[0]
        r = http.post("/invitationer", data={"csrf": csrf, "action": "delete", "code": gone})
        assert r.status_code == 200 and f'<th scope="row" class="code">{gone}</th>' not in r.text
        assert f'<th scope="row" class="code">{links[-1]}</th>' in r.text
        r = http.post("/invitationer", data={"csrf": csrf, "action": "create", "course": COURSE, "count": "1",
                                             "base_url": "", "meeting": "", "note": "Jens 010190-1234"})
        assert r.status_code == 400 and "010190" not in r.text


AXE = Path(__import__("os").environ.get("TOOLKIT_AXE_JS", ROOT / "node_modules" / "axe-core" / "axe.min.js"))
AXE_RUN = ("async () => (await axe.run(document, {runOnly: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', "
           "'best-practice']})).violations.map(v => v.id + ': ' + v.nodes.map(n => n.target.join(' ')).join(', '))")


@pytest.mark.browser
@pytest.mark.parametrize("width", [360, 1280])
def test_team_view_chart_and_links_pass_axe_in_chromium(loop, page, browser, width):
    require(AXE.is_file(), f"axe-core is not installed at {AXE} (npm ci)")
    context = browser.new_context(viewport={"width": width, "height": 900}, locale="da-DK")
    tab = context.new_page()
    tab.goto(page + "/login")
    tab.get_by_label("Brugernavn").fill("mette")
    tab.get_by_label("Adgangskode").fill(PASSWORD)
    tab.get_by_role("button", name="Log ind").click()
    tab.wait_for_url(page + "/")
    tab.get_by_role("link", name="Hold", exact=True).click()
    tab.get_by_label("Mine personlige links").check()
    with tab.expect_navigation():
        tab.get_by_role("button", name="Vis holdet").click()
    heading = tab.get_by_role("heading", name=re.compile(r"borgere$"))
    assert heading.inner_text().startswith("Dine rettigheder og pligter som ledig: ")
    shown = tab.locator("table.team tbody th").all_inner_texts()
    assert set(loop.codes.values()) <= set(shown)
    chart = tab.get_by_role("img", name=re.compile("Gennemførte pr. uge"))
    assert chart.count() == 1
    assert tab.get_by_role("table", name="Gennemførte pr. uge (tal)").count() == 1
    assert tab.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth") <= 0
    tab.evaluate(AXE.read_text(encoding="utf-8"))
    assert tab.evaluate(AXE_RUN) == []
    tab.screenshot(path=str(ROOT / "artifacts" / f"records-team-{width}.png"), full_page=True)
    tab.get_by_role("link", name="Personlige links").click()
    tab.get_by_label("Antal koder").fill("2")
    with tab.expect_navigation():
        tab.get_by_role("button", name="Lav links").click()
    assert tab.get_by_role("heading", name="Nye links (2)").count() == 1
    tab.evaluate(AXE.read_text(encoding="utf-8"))
    assert tab.evaluate(AXE_RUN) == []
    context.close()
