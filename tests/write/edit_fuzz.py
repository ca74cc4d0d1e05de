"""Random edits, then a cached build compared with a clean one (whole trees, byte for byte).

Run: PYTHONPATH=$PWD python3 tests/write/edit_fuzz.py SEED STEPS [--sub]
"""
from __future__ import annotations

import datetime as dt
import difflib
import hashlib
import os
import random
import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from toolkit.build import BuildOptions, build  # noqa: E402
from toolkit.errors import CheckFailed, ToolkitError  # noqa: E402

TODAY = dt.date(2026, 12, 1)


def tree(root: Path) -> dict[str, str]:
    return {str(p.relative_to(root)): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(root.rglob("*")) if p.is_file() and ".cache" not in p.parts
            and ".replay" not in str(p) and "record" not in p.name}


def make_project(dest: Path, lessons: int) -> Path:
    shutil.copytree(ROOT / "brands", dest / "brands")
    (dest / "courses").mkdir(parents=True)
    shutil.copy(ROOT / "courses" / "facts.yaml", dest / "courses" / "facts.yaml")
    shutil.copytree(ROOT / "courses" / "ret-og-pligt", dest / "courses" / "ret-og-pligt")
    subprocess.run([sys.executable, str(ROOT / "bench" / "synthetic.py"), str(dest / "courses" / "syn"),
                    "--lessons", str(lessons)], check=True, capture_output=True)
    return dest


SENT = ["Ny sætning om {{ unit.name }}.", "Læs [mere](%s).", "En ting mere.", "Se ![billede](pic.png).",
        "Ring {{ unit.phone | tel }}.", "Tekst med æøå og “citat”."]
QUIZ = """
```quiz
question: Spørgsmål %d?
choices:
  - text: Ja %d
    correct: true
  - text: Nej
explanation: Fordi.
```
"""


def lessons_of(course: Path) -> list[Path]:
    return sorted((course / "lessons").glob("*.md"))


def edit(rng: random.Random, proj: Path, log: list[str]) -> None:
    courses = [proj / "courses" / "syn", proj / "courses" / "ret-og-pligt"]
    course = rng.choice(courses)
    files = lessons_of(course)
    kinds = ["body", "title", "id", "link", "quiz", "quizedit", "course_title", "fact", "fact_source", "add", "remove",
             "rename", "brand_lesson", "pic", "listed", "unlist", "touch"]
    kind = rng.choice([k for k in kinds if k not in os.environ.get("SKIP_EDITS", "").split(",")])
    f = rng.choice(files)
    text = f.read_text(encoding="utf-8")
    head, sep, body = text.partition("\n---\n")
    if kind == "body":
        body += "\n\n" + rng.choice(SENT).replace("%s", rng.choice(files).name) + "\n"
        f.write_text(head + sep + body, encoding="utf-8")
    elif kind == "title":
        head = re.sub(r"^title: .*$", f"title: Titel {rng.randint(0, 99)}", head, count=1, flags=re.M)
        f.write_text(head + sep + body, encoding="utf-8")
    elif kind == "id":
        new = f"id-{rng.randint(0, 20)}"
        if re.search(r"^id: ", head, flags=re.M):
            head = re.sub(r"^id: .*$", f"id: {new}", head, count=1, flags=re.M)
        else:
            head += f"\nid: {new}"
        f.write_text(head + sep + body, encoding="utf-8")
    elif kind == "link":
        body += f"\n\nSe [lektion]({rng.choice(files).name}#top).\n"
        f.write_text(head + sep + body, encoding="utf-8")
    elif kind == "quiz":
        n = rng.randint(0, 10**6)
        body += QUIZ % (n, n)
        f.write_text(head + sep + body, encoding="utf-8")
    elif kind == "quizedit":
        body2 = re.sub(r"^question: (.*)$", lambda m: f"question: {m.group(1)} ændret", body, count=1, flags=re.M)
        f.write_text(head + sep + body2, encoding="utf-8")
    elif kind == "course_title":
        y = course / "course.yaml"
        y.write_text(re.sub(r"^title: .*$", f"title: Kursus {rng.randint(0, 99)}", y.read_text(encoding="utf-8"),
                            count=1, flags=re.M), encoding="utf-8")
    elif kind == "fact":
        y = proj / "courses" / "facts.yaml"
        t = y.read_text(encoding="utf-8")
        y.write_text(t.replace("14 dage", f"{rng.randint(2, 30)} dage", 1), encoding="utf-8")
    elif kind == "fact_source":
        y = proj / "courses" / "facts.yaml"
        t = y.read_text(encoding="utf-8")
        t2 = re.sub(r"(source: )(.*)$", lambda m: m.group(1) + m.group(2) + " x", t, count=1, flags=re.M)
        y.write_text(t2, encoding="utf-8")
    elif kind == "add":
        n = rng.randint(0, 9999)
        (course / "lessons" / f"{n:04d}-ny-{n}.md").write_text(
            f"---\ntitle: Ny {n}\n---\n\nNy lektion {n}. Se [start]({files[0].name}).\n", encoding="utf-8")
    elif kind == "remove" and len(files) > 3:
        f.unlink()
    elif kind == "rename":
        f.rename(f.with_name(f"{rng.randint(0, 99):02d}z-{f.name}"))
    elif kind == "brand_lesson":
        d = proj / "brands" / "eksempelby" / "courses" / course.name / "lessons"
        d.mkdir(parents=True, exist_ok=True)
        target = d / rng.choice([f.name, f"{rng.randint(0, 99):02d}-brand.md"])
        target.write_text(f"---\ntitle: Brand {rng.randint(0, 99)}\n---\n\nBrandtekst. Se [x]({files[0].name}).\n",
                          encoding="utf-8")
    elif kind == "pic":
        p = rng.choice([course / "lessons" / "pic.png", course / "pic.png"])
        if p.exists():
            p.unlink()
        else:
            p.write_bytes(b"\x89PNG\r\n\x1a\n" + os.urandom(8))
    elif kind == "listed":
        y = course / "course.yaml"
        t = y.read_text(encoding="utf-8")
        t = re.sub(r"^lessons:\n(  - .*\n)*", "", t, flags=re.M)
        names = [x.name for x in files]
        rng.shuffle(names)
        y.write_text(t.rstrip("\n") + "\nlessons:\n" + "".join(f"  - {n}\n" for n in names), encoding="utf-8")
    elif kind == "unlist":
        y = course / "course.yaml"
        y.write_text(re.sub(r"^lessons:\n(  - .*\n)*", "", y.read_text(encoding="utf-8"), flags=re.M),
                     encoding="utf-8")
    elif kind == "touch":
        os.utime(f)
    log.append(f"{kind} {course.name} {f.name}")


def run(proj: Path, out: Path, no_cache: bool, brand: str | None, sub: bool) -> str:
    if sub:
        args = [sys.executable, "-m", "toolkit", "build", "--out", str(out), "--format", "web", "--format", "scorm12",
                "--format", "cmi5", *(["--brand", brand] if brand else []), *(["--no-cache"] if no_cache else [])]
        p = subprocess.run(args, cwd=proj, capture_output=True, text=True, check=False,
                           env={**os.environ, "PYTHONPATH": str(ROOT), "TOOLKIT_TODAY": "2026-12-01"})
        return f"{p.returncode}\n{p.stdout}\n{p.stderr}".replace(str(out), "OUT")
    cwd = os.getcwd()
    os.chdir(proj)
    try:
        _, report = build([proj / "courses" / "syn", proj / "courses" / "ret-og-pligt"],
                                BuildOptions(out=out, formats=("web", "scorm12", "cmi5"), brand=brand,
                                             no_cache=no_cache, today=TODAY, jobs=1))
        return "ok " + repr(sorted((d.path, d.line, d.message) for d in report.items))
    except CheckFailed as exc:
        return "fail " + repr(sorted((str(d.path), d.line, d.message) for d in exc.diagnostics))
    except ToolkitError as exc:
        return f"err {exc}"
    finally:
        os.chdir(cwd)


def main() -> int:
    seed, steps = int(sys.argv[1]), int(sys.argv[2])
    sub = "--sub" in sys.argv
    rng = random.Random(seed)
    base = Path(tempfile.mkdtemp(prefix=f"edit-fuzz-{seed}-"))
    proj = make_project(base / "proj", 8)
    brand = os.environ.get("BRAND") or rng.choice([None, "eksempelby"])
    cached = base / "out-cached"
    log: list[str] = []
    run(proj, cached, False, brand, sub)
    bad = 0
    oks = 0
    for step in range(steps):
        snap = base / "snap"
        shutil.rmtree(snap, ignore_errors=True)
        shutil.copytree(proj, snap, symlinks=True)
        for _ in range(rng.randint(1, 3)):
            edit(rng, proj, log)
        a = run(proj, cached, False, brand, sub)
        clean = base / "out-clean"
        shutil.rmtree(clean, ignore_errors=True)
        b = run(proj, clean, True, brand, sub)
        if a != b:
            print(f"seed {seed} step {step}: result differs", log[-3:])
            print("\n".join(list(difflib.unified_diff(a.split("), ("), b.split("), ("), lineterm=""))[:12]))
            bad += 1
            continue
        built = a.startswith(("ok", "0"))
        if not built:  # back to a course that builds
            shutil.rmtree(proj)
            shutil.copytree(snap, proj, symlinks=True)
        else:
            oks += 1
            ta, tb = tree(cached), tree(clean)
            if ta != tb:
                diff = sorted(k for k in set(ta) | set(tb) if ta.get(k) != tb.get(k))
                print(f"seed {seed} step {step} brand {brand}: trees differ: {diff[:8]}\n  last edits: {log[-4:]}")
                bad += 1
                # resync so later steps test fresh divergences
                shutil.rmtree(cached, ignore_errors=True)
                run(proj, cached, False, brand, sub)
    print(f"seed {seed}: {steps} steps, {oks} built, {bad} bad")
    shutil.rmtree(base, ignore_errors=True)
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
