import sys

from toolkit.replay import from_argv, hand_over


def run() -> None:
    """``toolkit`` and ``python -m toolkit``: a build that would change nothing is replayed
    before click and the pipeline are imported; everything else goes to the click CLI."""
    code, fingerprint = from_argv(sys.argv[1:])
    if code is not None:
        sys.exit(code)
    if fingerprint is not None:
        hand_over(fingerprint)
    from toolkit.cli import main

    main()


if __name__ == "__main__":
    run()
