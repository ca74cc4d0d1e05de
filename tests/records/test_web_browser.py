"""The caseworkers' page in a real Chromium, against `toolkit records serve` and a real LRS."""

from __future__ import annotations

import csv
import io
import os
from pathlib import Path

import httpx
import pytest
from click.testing import CliRunner

from tests.conftest import ROOT, require
from tests.records.conftest import HOMEPAGE, Posted
from tests.records.servers import records_web
from toolkit.cli import main
from toolkit.records.auth import hash_password

PASSWORD = "blå-hest-på-taget-7"
AXE = Path(os.environ.get("TOOLKIT_AXE_JS", ROOT / "node_modules" / "axe-core" / "axe.min.js"))
ARTIFACT = ROOT / "artifacts" / "records-web.png"


@pytest.fixture(scope="module")
def web(posted: Posted, tmp_path_factory):
    with records_web(posted.lrs, [f"mette:{hash_password(PASSWORD)}"], tmp_path_factory.mktemp("web"),
                     HOMEPAGE) as base:
        yield base


def cli_rows(posted: Posted, learner: str) -> list[list[str]]:
    """Course, status, path, lessons seen, missed at the first try, as the CLI's CSV has them."""
    env = {"TOOLKIT_LRS_ENDPOINT": posted.lrs.endpoint, "TOOLKIT_LRS_USERNAME": posted.lrs.reader[0],
           "TOOLKIT_LRS_PASSWORD": posted.lrs.reader[1], "TOOLKIT_ACTOR_HOMEPAGE": HOMEPAGE,
           "TOOLKIT_RECORDS_CONFIG": "/nonexistent/records.toml"}
    result = CliRunner().invoke(main, ["records", "learner", learner, "--format", "csv"], env=env)
    assert result.exit_code == 0, result.output
    rows = list(csv.DictReader(io.StringIO(result.stdout_bytes.decode("utf-8-sig")), delimiter=";"))
    return [[row["Kursus"], row["Status"], row["Forløb"] or "–", row["Lektioner set (antal)"],
             row["Fejl i første forsøg"] or "–"] for row in rows]


def test_anonymous_access_is_refused(web):
    with httpx.Client(base_url=web, follow_redirects=False) as http:
        r = http.get("/")
        assert r.status_code == 303 and r.headers["location"].endswith("/login")
        assert http.post("/", data={"learner": "x"}).status_code == 401


def lookup(page, learner: str) -> list[list[str]]:
    page.get_by_label("Borgerens kode").fill(learner)
    with page.expect_navigation():
        page.get_by_role("button", name="Slå op").click()
    page.wait_for_selector("#resultat")
    cards = []
    for card in page.locator("li.card").all():
        cards.append([card.locator("h3").inner_text(), *[dd.inner_text() for dd in card.locator("dd").all()][:4]])
    return cards


@pytest.mark.browser
def test_login_lookup_same_answers_as_cli_on_a_phone(web, posted, browser):
    context = browser.new_context(viewport={"width": 360, "height": 780}, locale="da-DK")
    page = context.new_page()
    elsewhere: list[str] = []
    page.on("request", lambda r: elsewhere.append(r.url) if not r.url.startswith(web) else None)
    page.goto(web + "/")
    assert page.url.endswith("/login")
    page.get_by_label("Brugernavn").fill("mette")
    page.get_by_label("Adgangskode").fill("forkert")
    page.get_by_role("button", name="Log ind").click()
    assert page.get_by_role("alert").inner_text() == "Forkert brugernavn eller adgangskode."
    page.get_by_label("Adgangskode").fill(PASSWORD)
    page.get_by_role("button", name="Log ind").click()
    page.wait_for_url(web + "/")
    cookies = {c["name"]: c for c in context.cookies()}
    session = cookies["tk_records_session"]
    assert session["httpOnly"] and session["sameSite"] == "Strict"

    for name in ("cai", "bo", "anna"):
        assert lookup(page, posted.learner(name)) == cli_rows(posted, posted.learner(name)), name
    assert lookup(page, posted.learner("frank")) == []
    assert "har ikke startet nogen kurser" in page.locator("#resultat + p").inner_text()
    anna = lookup(page, posted.learner("anna"))
    assert {c[0]: c[1] for c in anna} == {"Dit CV på Jobnet": "I gang · bestået (90 %)", "Dine rettigheder": "I gang"}

    overflow = page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")
    assert overflow <= 0
    ARTIFACT.parent.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACT), full_page=True)

    require(AXE.is_file(), f"axe-core is not installed at {AXE} (npm ci)")
    # CSP forbids inline scripts from the page, but Playwright's evaluate runs outside it.
    page.evaluate(AXE.read_text(encoding="utf-8"))
    violations = page.evaluate(
        "async () => (await axe.run(document, {runOnly: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']}))"
        ".violations.map(v => v.id + ': ' + v.nodes.map(n => n.target.join(' ')).join(', '))")
    assert violations == []
    assert elsewhere == []

    page.get_by_role("button", name="Log ud").click()
    page.wait_for_url(web + "/login")
    page.goto(web + "/")
    assert page.url.endswith("/login")
    context.close()
