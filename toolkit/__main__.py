import gc
import sys

# A build or a check is a short process whose objects mostly live until it ends (modules, the
# course, the cached lessons), and whose garbage reference counting frees (cycles are few): with
# CPython's default threshold of 700 allocations, a one-lesson rebuild of 1,000 lessons spent
# 13 ms in 38 collections that freed next to nothing, a clean build 17 ms; at 50,000, none, and
# the same peak memory (57 and 49 MB).  Not for ``--watch``, which stays up: there the threshold
# doubled the watcher's peak memory (69 -> 158 MB).
BUILD_GC_THRESHOLD = (50_000, 20, 20)


def run() -> None:
    """``toolkit`` and ``python -m toolkit``: a build that would change nothing is replayed
    before click and the pipeline are imported, and any other plain ``toolkit build`` command
    line is built without click (unless it shows a progress bar); everything else goes to the
    click CLI."""
    if sys.argv[1:2] in (["build"], ["check"]) and "--watch" not in sys.argv[2:]:
        gc.set_threshold(*BUILD_GC_THRESHOLD)
    from toolkit.replay import from_argv, hand_over

    code, fingerprint = from_argv(sys.argv[1:])
    if code is not None:
        sys.exit(code)
    if fingerprint is not None and fingerprint.plain is not None:
        from toolkit import command

        courses, values = fingerprint.plain
        if not command.wants_progress(courses):
            sys.exit(command.run_plain(courses, values, fingerprint))
    if fingerprint is not None:
        hand_over(fingerprint)
    from toolkit.cli import main

    main()


if __name__ == "__main__":
    run()
