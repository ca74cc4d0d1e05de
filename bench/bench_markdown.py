"""Markdown engines on the synthetic lessons: Python-Markdown (the toolkit's engine
until 2026-12-01, with its extensions), markdown-it-py as the toolkit configured it
until the next release (now its fallback: toolkit/render/fallback.py), the toolkit's engine now
(markdown-it-pyrs's tree, our HTML and LIX text: toolkit/render/engine.py), and
mistune 3 when it is installed.  The two markdown-it figures are of HTML and LIX text
(``with_text``), the others of HTML alone.

Run:  python3 bench/bench_markdown.py [--lessons 1000] [--rounds 5]

Each lesson body is rendered with its quiz block replaced by the renderer's
marker, as the renderer does.  Each round renders every body with each engine
in turn, the order rotated from round to round; the figure is the median CPU
time (time.process_time) of the rounds.  Not a test: it asserts nothing.
"""

from __future__ import annotations

import argparse
import re
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
sys.path.insert(0, str(HERE.parent))
from synthetic import generate  # noqa: E402

from toolkit.render.fallback import make_converters as previous_converters  # noqa: E402
from toolkit.render.engine import make_converters  # noqa: E402

BLOCK_RE = re.compile(r"```quiz\n.*?```\n", re.DOTALL)


def engines() -> dict[str, Callable[[str], object]]:
    import markdown
    from markdown.extensions.toc import slugify_unicode

    md = markdown.Markdown(extensions=["tables", "admonition", "attr_list", "sane_lists", "fenced_code", "def_list",
                                       "md_in_html", "toc"], output_format="html",
                           extension_configs={"toc": {"slugify": slugify_unicode, "toc_depth": "2-4"}})

    def python_markdown(text: str) -> str:
        md.reset()
        return md.convert(text)

    import markdown_it

    found = {f"Python-Markdown {markdown.__version__}": python_markdown,
             f"markdown-it-py {markdown_it.__version__}, as the toolkit configured it (HTML + text)":
                 previous_converters().with_text,
             "markdown-it-pyrs, the toolkit's engine (HTML + text)": make_converters().with_text}
    try:
        import mistune  # not a dependency: it has no `!!! note` admonitions
    except ImportError:
        return found
    found[f"mistune {mistune.__version__} (tables, def_list; no admonitions)"] = \
        mistune.create_markdown(escape=False, plugins=["table", "def_list"])
    return found


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--lessons", type=int, default=1000)
    parser.add_argument("--rounds", type=int, default=5)
    args = parser.parse_args()
    course = generate(Path(tempfile.mkdtemp(prefix="toolkit-bench-md-")) / "synthetic", args.lessons)
    bodies = [BLOCK_RE.sub("<!--tk-block:0-->\n", f.read_text(encoding="utf-8").split("---\n", 2)[2])
              for f in sorted((course / "lessons").glob("*.md"))]
    found = engines()
    names = list(found)
    times: dict[str, list[float]] = {name: [] for name in names}
    for r in range(args.rounds):
        for name in names[r % len(names):] + names[:r % len(names)]:
            start = time.process_time()
            for body in bodies:
                found[name](body)
            times[name].append(time.process_time() - start)
    print(f"\n{len(bodies)} lesson bodies, median CPU s of {args.rounds} alternating rounds\n")
    print("| engine | CPU s | per lesson ms |")
    print("|---|---:|---:|")
    for name in names:
        median = statistics.median(times[name])
        print(f"| {name} | {median:.3f} | {1000 * median / len(bodies):.2f} |")


if __name__ == "__main__":
    main()
