"""A draft accessibility statement (tilgængelighedserklæring) per course.

It follows the fields of the Danish Agency for Digital Government's
statement tool (WAS-Tool, built on the EU model statement of implementing
decision 2018/1523): compliance status, content that is not accessible, how
the statement was prepared, feedback and contact (by phone and in writing),
and the enforcement procedure.  It claims only what was measured: the source
checks it runs itself, and the axe-core and keyboard results that the tests
wrote into the build (:mod:`toolkit.a11y_results`).  Without results for
that build it says "ikke testet".  The municipality completes the draft and
publishes it through WAS-Tool.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from toolkit import clock
from toolkit.a11y_results import Measured
from toolkit.model import Course
from toolkit.site import longdate
from toolkit.source.checks import LIX_LIMIT, lesson_lix
from toolkit.source.report import Report

NOT_TESTED = "ikke testet"


def _day(value: str) -> str:
    return longdate(dt.date.fromisoformat(value[:10]), "da")


def source_findings(course: Course, report: Report) -> tuple[list[str], list[str]]:
    """(content that fails the law, third-party content outside its scope)."""
    failing: list[str] = []
    outside: list[str] = []
    for lesson in course.lessons:
        for video in lesson.videos:
            if video.kind in ("youtube", "vimeo"):
                site = {"youtube": "YouTube", "vimeo": "Vimeo"}[video.kind]
                outside.append(f"Videoen \"{video.title}\" ligger hos {site}. Afspilleren er tredjepartsindhold, "
                               "som vi ikke styrer. Undertekster og tekstudgave findes på siden.")
        score = lesson_lix(lesson)
        if score is not None and score > LIX_LIMIT:
            failing.append(f"Lektionen \"{lesson.title}\" har et LIX-tal på {score:.0f}. Teksten kan være svær at læse.")
    for d in report.items:
        if d.severity in ("error", "warning") and any(k in d.message for k in ("alt text", "captions", "transcript")):
            failing.append(f"{d.path}:{d.line}: {d.message}")
    return failing, outside


def _axe_lines(measured: Measured) -> tuple[list[str], list[str]]:
    """(findings, how it was tested) from the axe-core runs."""
    if not measured.axe:
        return [], [f"- Automatisk test med axe-core: {NOT_TESTED}."]
    rules: dict[str, dict[str, Any]] = {}
    for v in measured.violations():
        entry = rules.setdefault(v["id"], {"help": v["help"], "impact": v["impact"], "pages": set()})
        entry["pages"].add(v["page"])
    findings = [f"Automatisk test (axe-core, regel {rule}, {v['impact']}): {v['help']} – på {len(v['pages'])} side(r): "
                f"{', '.join(sorted(v['pages']))}." for rule, v in sorted(rules.items())]
    how = []
    for width, run in sorted(measured.axe.items(), key=lambda kv: int(kv[0])):
        how.append(f"- {_day(run['date'])}: {len(run['pages'])} sider testet automatisk med axe-core {run['axe_core']} "
                   f"i {run['browser']} ved {width} pixel bredde; {len(run.get('violations', []))} fund "
                   f"(reglerne for WCAG 2.1 A og AA og god praksis).")
    return findings, how


def _keyboard_lines(measured: Measured) -> list[str]:
    k = measured.keyboard
    if k is None:
        return [f"- Test med tastatur alene: {NOT_TESTED}."]
    result = "kunne gennemføres" if k.get("passed") else "kunne IKKE gennemføres"
    return [f"- {_day(k['date'])}: kurset {result} med tastatur alene i {k['browser']} "
            f"({len(k['pages'])} sider: {', '.join(k['pages'])})."]


def statement_draft(course: Course, report: Report, measured: Measured, today: dt.date | None = None) -> str:
    today = clock.today(today)
    failing, outside = source_findings(course, report)
    axe_findings, axe_how = _axe_lines(measured)
    failing += axe_findings
    if measured.keyboard is not None and not measured.keyboard.get("passed"):
        failing.append("Kurset kunne ikke gennemføres med tastatur alene.")
    if not measured.tested:
        status = (f"Kurset er {NOT_TESTED} i en browser. Vi kan derfor ikke sige, om det overholder "
                  "WCAG 2.1 på niveau AA.")
    elif failing:
        status = "Kurset er delvist i overensstemmelse med WCAG 2.1 på niveau AA. Se de fund, der står herunder."
    else:
        status = ("De test, der står herunder, fandt ingen fejl. Automatiske test dækker ikke alle krav i "
                  "WCAG 2.1 AA: vælg status i WAS-Tool, når kurset også er gennemgået manuelt.")
    facts = course.facts
    unit = facts["unit.name"].value if "unit.name" in facts else "[navn på kommunens enhed]"
    phone = facts["unit.phone"].value if "unit.phone" in facts else "[telefonnummer]"
    written = facts["unit.email"].value if "unit.email" in facts else "[skriftlig kontakt, fx e-mail eller kontaktformular]"
    lines = [
        f"# Tilgængelighedserklæring (udkast): {course.title}",
        "",
        f"> Udkast lavet af toolkit {longdate(today, 'da')}. Gennemgå det, og udgiv den endelige erklæring "
        "i Digitaliseringsstyrelsens WAS-Tool (was.digst.dk). Link til den fra hver sides sidefod "
        "(faktaet statement.url i brandet).",
        "",
        f"{unit} ønsker at gøre kurset \"{course.title}\" tilgængeligt i overensstemmelse med "
        "lov om tilgængelighed af offentlige organers websteder og mobilapplikationer.",
        "",
        "## Overholdelsesstatus",
        "",
        status,
        "",
        "## Indhold, der ikke er tilgængeligt",
        "",
        "### Manglende overholdelse af lovgivningen",
        "",
        *([f"- {i}" for i in failing] or (["- Vi har ikke fundet indhold, der ikke er tilgængeligt, i de test, der er kørt."]
                                          if measured.tested else [f"- Ikke kendt: kurset er {NOT_TESTED} i en browser."])),
        "",
        "### Uforholdsmæssig stor byrde",
        "",
        "- [Udfyldes af kommunen, hvis det er relevant.]",
        "",
        "### Indhold uden for lovens anvendelsesområde",
        "",
        *([f"- {i}" for i in outside] or ["- Intet."]),
        "",
        "## Udarbejdelse af denne erklæring",
        "",
        "Erklæringen bygger på en selvevaluering:",
        "",
        f"- {longdate(today, 'da')}: kursets kilder er tjekket automatisk for alternativ tekst til billeder, "
        f"undertekster og tekstudgave til video og læsbarhed (LIX højst {LIX_LIMIT:.0f}).",
        *axe_how,
        *_keyboard_lines(measured),
        *([f"- Resultater fundet, men ikke brugt: {measured.stale}."] if measured.stale else []),
        "",
        f"Kursets version: {course.version}. Indholdet er senest gennemgået: "
        f"{longdate(course.reviewed, 'da') if course.reviewed else 'ikke angivet'}.",
        "",
        "## Feedback og kontaktoplysninger",
        "",
        f"Oplever du problemer med tilgængeligheden, så kontakt {unit}:",
        "",
        f"- Telefon: {phone}",
        f"- Skriftligt: {written}",
        "",
        "## Håndhævelsesprocedure",
        "",
        "Digitaliseringsstyrelsen fører tilsyn med tilgængeligheden af offentlige websteder. "
        "Du kan klage til Digitaliseringsstyrelsen, hvis du ikke får et tilfredsstillende svar.",
        "",
    ]
    return "\n".join(lines)
