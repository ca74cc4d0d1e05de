"""One `toolkit build courses/synthetic --out OUT --format web`, timed phase by phase (bench_phases.py runs it).

Run in the project folder with PYTHONPATH set to the toolkit's tree.  It runs the build as
`python -m toolkit build` does (its garbage collector's setting, toolkit.replay.from_argv, then
toolkit.command.run_plain), with a timer around each pipeline function it names, and prints one JSON object on stdout: the
milliseconds of each (summed over its calls), and of the whole, from this script's first line.
A function a tree does not have is left out, and named under "missing" (an older checkout;
tests/cli/test_bench_phases.py holds this one to having them all).  A timer costs about half a
microsecond a call (0.64 against 0.11 us for a bare call, in a loop of 100,000): 0.5 ms for the
1,000 calls of the links' phase, nothing to speak of for the others.
"""

from __future__ import annotations

import time

T0 = time.perf_counter()

import functools  # noqa: E402
import importlib  # noqa: E402
import json  # noqa: E402
import sys  # noqa: E402
from typing import Any  # noqa: E402

# (module, attribute or Class.method, label), in the order a build reaches them.
PHASES = [
    ("toolkit.replay", "Fingerprint.save", "replay record saved"),
    ("toolkit.build", "read_parsed", "YAML kept, read"),
    ("toolkit.build", "load_brand", "brand loaded"),
    ("toolkit.build", "load_course", "course.yaml loaded"),
    ("toolkit.build", "context_digest", "cache context"),
    ("toolkit.build", "LessonCache", "cache opened"),
    ("toolkit.build", "make_environment", "Jinja environment (and its import)"),
    ("toolkit.build", "add_lessons", "lessons: cached ones and the changed one"),
    ("toolkit.build", "resolve_lesson_links", "links between lessons"),
    ("toolkit.build", "check_course", "course checks"),
    ("toolkit.build", "render_pages", "pages"),
    ("toolkit.build", "load_and_render", "load and render, in all"),
    ("toolkit.build", "write_site", "site written"),
    ("toolkit.build", "_package", "packages"),
    ("toolkit.build", "_commit", "site committed"),
    ("toolkit.build", "save_caches", "cache saved"),
    ("toolkit.build", "build", "build(), in all"),
]
spent: dict[str, float] = {}


def timed(owner: Any, name: str, label: str) -> None:
    original = getattr(owner, name)

    @functools.wraps(original)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        start = time.perf_counter()
        try:
            return original(*args, **kwargs)
        finally:
            spent[label] = spent.get(label, 0.0) + time.perf_counter() - start

    setattr(owner, name, wrapper)


def main() -> None:
    import gc

    import toolkit.__main__  # as `python -m toolkit build` sets it (a tree may have none)

    if hasattr(toolkit.__main__, "one_shot_gc"):
        toolkit.__main__.one_shot_gc()
    else:  # an older tree: its threshold, if it has one
        gc.set_threshold(*getattr(toolkit.__main__, "BUILD_GC_THRESHOLD", gc.get_threshold()))
    from toolkit.replay import from_argv

    argv = ["build", "courses/synthetic", "--out", sys.argv[1], "--format", "web"]
    start = time.perf_counter()
    code, fp = from_argv(argv)
    spent["inputs and outputs stat'ed (replay)"] = time.perf_counter() - start
    if code is not None or fp is None or fp.plain is None:
        raise SystemExit("the build was replayed: change a lesson before each run")
    start = time.perf_counter()
    import toolkit.build
    import toolkit.command

    spent["pipeline imported"] = time.perf_counter() - start
    missing = []
    for module, attr, label in PHASES:
        owner: Any = importlib.import_module(module)
        *classes, name = attr.split(".")
        for cls in classes:
            owner = getattr(owner, cls, None)
        if owner is not None and hasattr(owner, name):
            timed(owner, name, label)
        else:
            missing.append(f"{module}.{attr}")
    courses, values = fp.plain
    toolkit.command.run_plain(courses, values, fp)
    spent["whole, from this script's start"] = time.perf_counter() - T0
    json.dump({"ms": {k: round(v * 1000, 2) for k, v in spent.items()}, "missing": missing}, sys.stdout)
    print()
    del toolkit


if __name__ == "__main__":
    main()
