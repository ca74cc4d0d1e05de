"""``python -m toolkit build`` ends with toolkit.__main__.leave, which skips the interpreter's
teardown of the build's objects: what an orderly exit does that anyone can see must still happen
(the exit code, everything printed, the atexit handlers, a thread that is still running)."""

from __future__ import annotations

import os
import subprocess
import sys

from ..conftest import ROOT

# Without PYTHONUNBUFFERED (this sandbox sets it): what is printed waits in a buffer until the exit.
ENV = {**{k: v for k, v in os.environ.items() if k != "PYTHONUNBUFFERED"}, "PYTHONPATH": str(ROOT)}


def run(code: str, **kwargs) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=ENV, check=False,
                          **kwargs)


def test_the_exit_code_and_everything_printed_come_through():
    done = run("import sys\nfrom toolkit.__main__ import leave\n"
               "print('out ' * 5000, end='')\nprint('err', file=sys.stderr, end='')\nleave(3)")
    assert done.returncode == 3
    assert done.stdout == "out " * 5000  # more than a pipe's buffer: flushed, not lost
    assert done.stderr == "err"


def test_the_atexit_handlers_run():
    done = run("import atexit, tempfile, pathlib\nfrom toolkit.__main__ import leave\n"
               "t = tempfile.TemporaryDirectory()\nprint(t.name)\n"
               "atexit.register(print, 'handler ran')\nleave(0)")
    folder, said = done.stdout.splitlines()
    assert done.returncode == 0
    assert said == "handler ran"
    assert not os.path.exists(folder)  # its finalizer ran at exit


def test_a_running_thread_is_waited_for():
    done = run("import threading, time\nfrom toolkit.__main__ import leave\n"
               "threading.Thread(target=lambda: (time.sleep(0.3), print('thread done'))).start()\nleave(2)")
    assert done.returncode == 2
    assert done.stdout == "thread done\n"


def closed_stdout_exit(code: str) -> int:
    reader, writer = os.pipe()
    os.close(reader)  # nobody reads what is printed: the flush fails (EPIPE)
    try:
        return subprocess.run([sys.executable, "-c", code], stdout=writer, stderr=subprocess.DEVNULL, env=ENV,
                              check=False).returncode
    finally:
        os.close(writer)


def test_a_closed_stdout_is_an_error_exit_as_python_makes_it():
    by_python = closed_stdout_exit("print('x')")
    assert by_python == 120
    assert closed_stdout_exit("from toolkit.__main__ import leave\nprint('x')\nleave(0)") == by_python
    assert closed_stdout_exit("import sys\nprint('x')\nsys.exit(1)") == by_python  # whatever the code
    assert closed_stdout_exit("from toolkit.__main__ import leave\nprint('x')\nleave(1)") == by_python
