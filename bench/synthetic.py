"""Generate a synthetic course of N lessons with realistic Markdown.

Each lesson has about 350 words: headings, paragraphs, a list, a table, an
admonition, a link to the next lesson and one quiz.  Deterministic for a seed.
"""

from __future__ import annotations

import argparse
import random
from pathlib import Path

WORDS = ("du skal melde dig ledig på jobnet og lave et cv som viser hvad du kan en arbejdsgiver "
         "læser mange ansøgninger derfor skal din være kort og klar skriv om dine erfaringer fra "
         "tidligere job og hvad du har lært husk at tjekke stavning inden du sender den møde "
         "jobcenter a-kasse dagpenge rådighed joblog aftale samtale netværk kollega uddannelse").split()


def sentence(rng: random.Random) -> str:
    words = [rng.choice(WORDS) for _ in range(rng.randint(6, 14))]
    return " ".join(words).capitalize() + "."


def paragraph(rng: random.Random) -> str:
    return " ".join(sentence(rng) for _ in range(rng.randint(3, 5)))


def lesson(i: int, n: int, rng: random.Random) -> str:
    nxt = f"[næste lektion]({i + 2:04d}-lektion-{i + 2}.md)" if i + 1 < n else "kursusoversigten"
    return f"""---
title: Lektion {i + 1}
---

{paragraph(rng)}

## Det vigtigste

{paragraph(rng)}

- {sentence(rng)}
- {sentence(rng)}
- {sentence(rng)}

| Hvad | Hvornår |
|---|---|
| CV | {rng.randint(1, 14)} dage |
| Joblog | Hver uge |

!!! note "Husk"
    {sentence(rng)}

## Sådan gør du

{paragraph(rng)}

{paragraph(rng)}

Fortsæt til {nxt}.

```quiz
question: {sentence(rng)[:-1]}?
choices:
  - text: {sentence(rng)}
    correct: true
  - text: {sentence(rng)}
  - text: {sentence(rng)}
explanation: {sentence(rng)}
```
"""


def generate(dest: Path, lessons: int, seed: int = 1) -> Path:
    rng = random.Random(seed)
    (dest / "lessons").mkdir(parents=True, exist_ok=True)
    (dest / "course.yaml").write_text(
        "id: https://kurser.example.dk/bench/synthetic\ntitle: Syntetisk kursus\nlanguage: da\n"
        "version: 1.0.0\ndescription: Et stort kursus til måling af byggetid.\n"
        "sources:\n  - title: Syntetisk kilde\n    date: 2026-01-01\n", encoding="utf-8")
    for i in range(lessons):
        (dest / "lessons" / f"{i + 1:04d}-lektion-{i + 1}.md").write_text(lesson(i, lessons, rng), encoding="utf-8")
    return dest


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("dest", type=Path)
    parser.add_argument("--lessons", type=int, default=1000)
    args = parser.parse_args()
    print(generate(args.dest, args.lessons))
