"""``toolkit new``: a course skeleton that builds and checks clean at once."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

from toolkit import clock
from toolkit.errors import ConfigError

SLUG_RE = re.compile(r"^[a-z0-9][a-z0-9-]{0,62}$")

TEXT = {
    "da": {
        "title": "Nyt kursus",
        "description": "Et kort kursus. Skriv her, hvad man lærer.",
        "lesson_title": "Velkommen",
        "body": "Her starter kurset. Skriv korte sætninger. Brug \"du\".\n\n"
                "## Det lærer du\n\n- Det første punkt\n- Det andet punkt\n",
        "question": "Hvem er kurset til?",
        "right": "Dig",
        "wrong": "Ingen",
        "explanation": "Kurset er til dig. Skriv altid, hvorfor svaret er rigtigt.",
        "source": "Skriv kilden til dine fakta her",
    },
    "en": {
        "title": "New course",
        "description": "A short course. Say here what learners will learn.",
        "lesson_title": "Welcome",
        "body": "The course starts here. Write short sentences. Talk to the reader.\n\n"
                "## What you learn\n\n- The first point\n- The second point\n",
        "question": "Who is the course for?",
        "right": "You",
        "wrong": "Nobody",
        "explanation": "The course is for you. Always say why the answer is right.",
        "source": "Name the source of your facts here",
    },
}


def scaffold(slug: str, parent: Path, title: str | None = None, language: str = "da") -> Path:
    if not SLUG_RE.match(slug):
        raise ConfigError(f"'{slug}' is not a valid course slug: use lower-case letters, digits and '-'")
    root = parent / slug
    if root.exists():
        raise ConfigError(f"{root} already exists")
    text = TEXT.get(language.split("-", maxsplit=1)[0], TEXT["en"])
    today = clock.today()
    leap_day = today.month == 2 and today.day == 29
    review_by = today + dt.timedelta(days=365) if leap_day else today.replace(year=today.year + 1)
    (root / "lessons").mkdir(parents=True)
    (root / "media").mkdir()
    (root / "course.yaml").write_text(
        f"id: https://example.org/courses/{slug}\n"
        f"title: {title or text['title']}\n"
        f"language: {language}\n"
        "version: 0.1.0\n"
        f"description: {text['description']}\n"
        "duration_minutes: 10\n"
        "completion:\n  pass_mark: 0.8\n"
        f"reviewed: {today.isoformat()}\n"
        f"review_by: {review_by.isoformat()}\n"
        "sources:\n"
        f"  - title: {text['source']}\n"
        f"    date: {today.isoformat()}\n",
        encoding="utf-8",
    )
    (root / "facts.yaml").write_text("# Shared facts: lessons write {{ name }} to use them.\n{}\n", encoding="utf-8")
    (root / "lessons" / "01-velkommen.md").write_text(
        f"---\ntitle: {text['lesson_title']}\n---\n\n{text['body']}\n"
        "```quiz\n"
        f"question: {text['question']}\n"
        "choices:\n"
        f"  - text: {text['right']}\n    correct: true\n"
        f"  - text: {text['wrong']}\n"
        f"explanation: {text['explanation']}\n"
        "```\n",
        encoding="utf-8",
    )
    return root
