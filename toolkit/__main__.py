import sys

from toolkit.replay import from_argv, hand_over


def run() -> None:
    """``toolkit`` and ``python -m toolkit``: a build that would change nothing is replayed
    before click and the pipeline are imported, and any other plain ``toolkit build`` command
    line is built without click (unless it shows a progress bar); everything else goes to the
    click CLI."""
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
