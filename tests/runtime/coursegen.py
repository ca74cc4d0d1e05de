"""Generated courses for the suspend-data budget: realistic shapes, real sources."""

from __future__ import annotations

from pathlib import Path

TOPICS = ["velkommen-til-forloebet", "dine-rettigheder", "dine-pligter", "jobsoegning-i-praksis",
          "det-gode-cv", "ansoegningen", "jobsamtalen", "netvaerk-og-kontakter", "uddannelse-og-kurser",
          "helbred-og-trivsel", "oekonomi-og-ydelser", "raadighed-og-sanktioner", "samtaler-paa-jobcentret",
          "min-plan-og-mine-maal", "afslutning-og-naeste-skridt", "praktik-og-loentilskud",
          "sprog-og-kommunikation", "digitale-vaerktoejer", "arbejdsmiljoe", "opsummering"]

COURSE_YAML = """id: https://kurser.example.dk/test/{slug}
title: Stort kursus
language: da
version: 1.0.0
description: Et stort kursus til test af pladsen i suspend_data.
duration_minutes: 120
audience: er ny som ledig
completion:
  pass_mark: 0.8
reviewed: 2026-06-01
review_by: 2099-06-01
sources:
  - title: Lov om en aktiv beskæftigelsesindsats
    url: https://www.retsinformation.dk/
    date: 2025-07-01
"""

QUIZ = """
```quiz
question: Spørgsmål {n} om emnet?
choices:
{choices}
explanation: Sådan er reglerne.
```
"""


def write_course(root: Path, slug: str, lessons: int, questions: int, choices: int,
                 multiple_every: int = 3, topics: list[str] | None = None) -> Path:
    """A course of *lessons* lessons with *questions* quizzes of *choices* choices each;
    every *multiple_every*-th quiz has two correct answers."""
    names = topics or TOPICS
    course = root / slug
    (course / "lessons").mkdir(parents=True)
    (course / "course.yaml").write_text(COURSE_YAML.format(slug=slug), encoding="utf-8")
    for i in range(lessons):
        name = names[i % len(names)] + ("" if i < len(names) else f"-{i // len(names) + 1}")
        body = [f"---\ntitle: Lektion {i + 1}\n---\n", "Her er en kort tekst. Den er let at læse.\n"]
        for n in range(questions):
            correct = {0, 1} if (n + 1) % multiple_every == 0 else {0}
            lines = [f"  - text: Svar {c + 1}\n    correct: {'true' if c in correct else 'false'}"
                     for c in range(choices)]
            body.append(QUIZ.format(n=n + 1, choices="\n".join(lines)))
        (course / "lessons" / f"{i + 1:02d}-{name}.md").write_text("\n".join(body), encoding="utf-8")
    return course
