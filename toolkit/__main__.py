import sys

from toolkit.replay import from_argv

if __name__ == "__main__":
    code = from_argv(sys.argv[1:])  # a build that would change nothing, replayed before click is imported
    if code is not None:
        sys.exit(code)
    from toolkit.cli import main

    main()
