import sys

from toolkit.replay import from_argv


def run() -> None:
    """``toolkit`` and ``python -m toolkit``: a build that would change nothing is replayed
    before click and the pipeline are imported; everything else goes to the click CLI."""
    code = from_argv(sys.argv[1:])
    if code is not None:
        sys.exit(code)
    from toolkit.cli import main

    main()


if __name__ == "__main__":
    run()
