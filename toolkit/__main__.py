import atexit
import gc
import os
import sys

# A build or a check is a short process whose objects mostly live until it ends (modules, the
# course, the cached lessons), and whose garbage reference counting frees (cycles are few), so
# it runs without the cyclic garbage collector (one_shot_gc).  Measured at 1,000 lessons: with
# CPython's default threshold of 700 allocations a one-lesson rebuild spent 13 ms in 38
# collections that freed next to nothing, a clean build 17 ms; at a threshold of 50,000 one
# collection was left, the first after the cached lessons were loaded, which went through all
# their objects: 15 to 20 ms of a 150 to 200 ms rebuild.  Peak memory without the collector is
# what it was with it: 52 against 51 MB for that rebuild, 47 MB for a clean build with --jobs 1,
# 90 MB for one with two workers (all processes); at 3,000 lessons 84-86 MB clean and 105 MB for
# a rebuild, either way.  Not for ``--watch``, which stays up and builds again and again.


def one_shot_gc() -> None:
    """The garbage collector as a build or a check in a process of its own runs it: off."""
    gc.disable()


def run() -> None:
    """``toolkit`` and ``python -m toolkit``: a build that would change nothing is replayed
    before click and the pipeline are imported, and any other plain ``toolkit build`` command
    line is built without click (unless it shows a progress bar); everything else goes to the
    click CLI."""
    if sys.argv[1:2] in (["build"], ["check"]) and "--watch" not in sys.argv[2:]:
        one_shot_gc()
    from toolkit.replay import from_argv, hand_over

    code, fingerprint = from_argv(sys.argv[1:])
    if code is not None:
        sys.exit(code)
    if fingerprint is not None and fingerprint.plain is not None:
        from toolkit import command

        courses, values = fingerprint.plain
        if not command.wants_progress(courses):
            leave(command.run_plain(courses, values, fingerprint))
    if fingerprint is not None:
        hand_over(fingerprint)
    from toolkit.cli import main

    main()


def leave(code: int) -> None:
    """Exit with *code* once a build has finished, without tearing down its objects one by one.

    A 1,000-lesson rebuild leaves some 60 MB of objects (modules, the course, the cached lessons)
    that the interpreter would free one at a time on its way out: about 30 ms, a tenth of the
    rebuild.  Everything an orderly exit does that matters is done here first: the atexit
    handlers run (temporary folders, multiprocessing, coverage), and stdout and stderr are
    flushed; the build closes every file it writes before it returns.  With another thread
    still running (none is, after a build), the exit is Python's own, which waits for it."""
    threading = sys.modules.get("threading")
    if threading is not None and threading.active_count() > 1:
        sys.exit(code)
    atexit._run_exitfuncs()
    for stream in (sys.stdout, sys.stderr):
        try:
            if stream is not None:
                stream.flush()
        except (OSError, ValueError):  # a closed pipe: exit code 120, whatever the code, as Python's own exit
            code = 120
    os._exit(code)


if __name__ == "__main__":
    run()
