"""A draft accessibility statement (tilgængelighedserklæring) per course.

Built from what the checks found: the source checks (alt text, captions,
placeholders, readability), the kinds of media used, and, when given, the
axe-core results that the browser tests keep under ``artifacts/axe/``.  It is
a draft for the municipality to complete and publish through the Danish
Agency for Digital Government's tool, not a finished statement.
"""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Any

from toolkit.model import Course
from toolkit.source.checks import LIX_LIMIT, lesson_lix
from toolkit.source.report import Report


def load_axe_results(folder: Path | None, slug: str) -> dict[str, list[dict[str, Any]]]:
    """Violations per page for one course, merged over the saved runs."""
    found: dict[str, list[dict[str, Any]]] = {}
    if folder is None or not folder.is_dir():
        return found
    for file in sorted(folder.glob("*.json")):
        data = json.loads(file.read_text(encoding="utf-8"))
        for page, violations in data.items():
            if f"{slug}/" in page and violations:
                found.setdefault(page, []).extend(violations)
    return found


def statement_draft(course: Course, report: Report, axe: dict[str, list[dict[str, Any]]] | None = None,
                    today: dt.date | None = None) -> str:
    today = today or dt.date.today()
    issues: list[str] = []
    for lesson in course.lessons:
        for video in lesson.videos:
            if video.kind == "placeholder":
                issues.append(f"Lektionen \"{lesson.title}\" har en plads til en video, som endnu ikke er lavet. "
                              "Indholdet står som tekst under pladsen.")
            elif video.kind in ("youtube", "vimeo"):
                site = {"youtube": "YouTube", "vimeo": "Vimeo"}[video.kind]
                issues.append(f"Videoen \"{video.title}\" ligger hos {site}. Afspilleren er tredjepartsindhold, "
                              "som vi ikke styrer. Undertekster og tekstudgave findes på siden.")
        score = lesson_lix(lesson)
        if score is not None and score > LIX_LIMIT:
            issues.append(f"Lektionen \"{lesson.title}\" har et LIX-tal på {score:.0f}. Teksten kan være svær at læse.")
    for d in report.items:
        if d.severity in ("error", "warning") and any(k in d.message for k in ("alt text", "captions", "transcript")):
            issues.append(f"{d.path}:{d.line}: {d.message}")
    axe = axe or {}
    rules: dict[str, dict[str, Any]] = {}
    for violations in axe.values():
        for v in violations:
            entry = rules.setdefault(v["id"], {"help": v["help"], "impact": v["impact"], "pages": 0})
            entry["pages"] += 1
    for rule, v in sorted(rules.items()):
        issues.append(f"Automatisk test (axe-core, regel {rule}, {v['impact']}): {v['help']} – på {v['pages']} side(r).")
    status = "overholder delvist" if issues else "overholder"
    facts = course.facts
    contact = facts["unit.name"].value if "unit.name" in facts else "[navn på kommunens enhed]"
    phone = facts["unit.phone"].value if "unit.phone" in facts else "[telefonnummer]"
    lines = [
        f"# Tilgængelighedserklæring (udkast): {course.title}",
        "",
        f"> Udkast lavet af toolkit {today.isoformat()}. Gennemgå det, og udgiv den endelige erklæring "
        "via Digitaliseringsstyrelsens løsning (was.digst.dk).",
        "",
        f"{contact} ønsker at gøre kurset \"{course.title}\" tilgængeligt i overensstemmelse med "
        "lov om tilgængelighed af offentlige organers websteder og mobilapplikationer.",
        "",
        "## Overholdelsesstatus",
        "",
        f"Kurset {status} standarden WCAG 2.1 på niveau AA.",
        "",
        "## Indhold, der ikke er tilgængeligt",
        "",
    ]
    lines += [f"- {i}" for i in issues] or ["- Vi har ikke fundet indhold, der ikke er tilgængeligt."]
    lines += [
        "",
        "## Sådan er kurset testet",
        "",
        "- Kilderne er tjekket automatisk for alternativ tekst til billeder, undertekster til video, "
        f"spørgsmål uden forklaring og læsbarhed (LIX højst {LIX_LIMIT:.0f}).",
        "- Alle sider er testet i Chromium med axe-core ved 375 og 1280 pixel bredde"
        + (" (resultater vedlagt)." if axe is not None and axe else "."),
        "- Kurset er gennemført alene med tastatur, ved 200 % zoom og med øget tekstafstand (WCAG 1.4.12).",
        "",
        "## Feedback og kontakt",
        "",
        f"Oplever du problemer med tilgængeligheden, så kontakt {contact} på telefon {phone}.",
        "",
        "## Håndhævelse",
        "",
        "Digitaliseringsstyrelsen fører tilsyn med tilgængeligheden af offentlige websteder. "
        "Du kan klage til Digitaliseringsstyrelsen, hvis du ikke får et tilfredsstillende svar.",
        "",
        f"Version {course.version}. Senest gennemgået: {course.reviewed.isoformat() if course.reviewed else 'ikke angivet'}.",
        "",
    ]
    return "\n".join(lines)
