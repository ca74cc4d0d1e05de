"""The package as an author gets it: build the wheel, install it into a fresh
venv (dependencies from the package index, nothing from this checkout),
scaffold a course in an empty folder outside the repository, build it in
every format and validate every package."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from ..conftest import ROOT, require

pytestmark = pytest.mark.wheel

FORMATS = ["scorm12", "scorm2004", "xapi", "cmi5", "web"]  # every format the README promises
# What the wheel is built from: the project metadata and the import package.
SOURCES = ["pyproject.toml", "README.md", "toolkit"]


def run(args: list[str | Path], cwd: Path, env: dict[str, str]) -> str:
    done = subprocess.run([str(a) for a in args], cwd=cwd, env=env, capture_output=True, text=True, check=False)
    assert done.returncode == 0, f"{args} exited {done.returncode}:\n{done.stdout}\n{done.stderr}"
    return done.stdout


def clean_env(**extra: str) -> dict[str, str]:
    """The environment without anything that points Python at this checkout."""
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "PYTHONHOME", "VIRTUAL_ENV")}
    return {**env, **extra}


@pytest.fixture(scope="module")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    try:
        import build  # noqa: F401
    except ImportError:
        require(False, "the 'build' package is not installed (pip install -e '.[test]')")
    src = tmp_path_factory.mktemp("src")
    for name in SOURCES:
        if (ROOT / name).is_dir():
            shutil.copytree(ROOT / name, src / name, ignore=shutil.ignore_patterns("__pycache__", "*.pyc"))
        else:
            shutil.copy2(ROOT / name, src / name)
    dist = tmp_path_factory.mktemp("dist")
    run([sys.executable, "-m", "build", "--wheel", "--outdir", dist, src], src, clean_env())
    (found,) = dist.glob("*.whl")
    return found


def test_the_wheel_carries_the_themes_and_the_runtime(wheel: Path) -> None:
    names = set(zipfile.ZipFile(wheel).namelist())
    for needed in ["toolkit/themes/site/base.html", "toolkit/themes/site/lesson.html",
                   "toolkit/themes/site/blocks.html", "toolkit/themes/site/assets/toolkit.css",
                   "toolkit/themes/preview/preview.html", "toolkit/py.typed",
                   "toolkit/packaging/schemas/scorm2004-4th/imscp_v1p1.xsd",
                   "toolkit/packaging/schemas/scorm12/imsmd_rootv1p2p1.xsd",
                   "toolkit/packaging/schemas/cmi5/CourseStructure.xsd", "toolkit/packaging/schemas/SOURCES.txt"]:
        assert needed in names, f"{needed} is not in {wheel.name}"
    runtime = sorted(p.name for p in (ROOT / "toolkit" / "runtime" / "src").glob("*.js"))
    assert runtime, "no runtime sources found"
    for name in runtime:
        assert f"toolkit/runtime/src/{name}" in names, f"runtime source {name} is not in {wheel.name}"
    assert wheel.name.startswith("markdown_course_toolkit-")


def test_a_fresh_install_scaffolds_builds_and_validates_every_format(wheel: Path, tmp_path: Path) -> None:
    venv = tmp_path / "venv"
    run([sys.executable, "-m", "venv", venv], tmp_path, clean_env())
    bindir = venv / ("Scripts" if os.name == "nt" else "bin")
    env = clean_env()  # the official XSDs ship in the wheel: no TOOLKIT_SCHEMAS_DIR
    run([bindir / "python", "-m", "pip", "install", "--quiet", wheel], tmp_path, env)

    work = tmp_path / "author"  # an empty folder, outside the repository
    work.mkdir()
    where = run([bindir / "python", "-c", "import toolkit; print(toolkit.__file__)"], work, env).strip()
    assert Path(where).is_relative_to(venv), f"toolkit imported from {where}, not from the venv"

    toolkit = bindir / "toolkit"
    run([toolkit, "new", "demo"], work, env)
    formats = [arg for fmt in FORMATS for arg in ("--format", fmt)]
    run([toolkit, "build", "courses/demo", *formats], work, env)
    site = work / "build" / "demo" / "site"
    assert (site / "index.html").is_file() and (site / "assets" / "toolkit.css").is_file()

    packages = sorted((work / "build" / "demo").glob("*.zip"))
    assert [p.name for p in packages] == sorted(f"demo-{fmt}.zip" for fmt in FORMATS)
    report = run([toolkit, "validate", *packages], work, env)
    for package in packages:
        line = next(x for x in report.splitlines() if x.startswith(str(package)))
        assert "launch -" not in line, line
        if package.stem.split("-")[-1] in ("scorm12", "scorm2004", "cmi5"):
            assert "schema valid" in line, line
