"""Installed as a package (``pip install .``, not editable), the command works from a project.

The package is installed into a fresh virtual environment in a temporary folder, without its
dependencies: a ``.pth`` file lends it the test environment's, which the installed package
cannot shadow (that environment's own editable install is not activated through it). The
commands then run from a copy of the project folder (``data/``, ``notebooks/``), which is
never the folder the package is installed in.
"""

import os
import shutil
import subprocess
import sys
import sysconfig
import tomllib
from pathlib import Path

import pytest

from analysis import paths

# The build tier: slow tests that build or install (pyproject.toml, markers).
pytestmark = pytest.mark.build

REPO = Path(__file__).resolve().parent.parent
VERSION = tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))["project"]["version"]
#: Variables that would point the commands elsewhere than the folder under test.
OVERRIDES = (paths.PROJECT_ENV, paths.DATA_ENV, paths.VALIDATED_ENV)


@pytest.fixture(scope="module")
def installed(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Install the package into a fresh virtual environment; return its ``bin`` folder."""
    root = tmp_path_factory.mktemp("install")
    source = root / "source"
    source.mkdir()
    for name in ("pyproject.toml", "README.md"):
        shutil.copyfile(REPO / name, source / name)
    shutil.copytree(
        REPO / "analysis", source / "analysis", ignore=shutil.ignore_patterns("__pycache__")
    )
    venv = root / "venv"
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(venv)], check=True)
    python = venv / "bin" / "python"
    purelib = subprocess.run(
        [str(python), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout.strip()
    (Path(purelib) / "dependencies.pth").write_text(
        sysconfig.get_paths()["purelib"] + "\n", encoding="utf-8"
    )
    subprocess.run(
        [str(python), "-m", "pip", "install", "--quiet", "--no-deps", str(source)],
        check=True,
        cwd=root,
    )
    return venv / "bin"


@pytest.fixture(scope="module")
def project(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("project")
    shutil.copytree(paths.DATA_DIR, folder / "data")
    shutil.copytree(paths.NOTEBOOKS_DIR, folder / "notebooks")
    return folder


def run(bin_dir: Path, args: list[str], cwd: Path, **env: str) -> subprocess.CompletedProcess:
    clean = {k: v for k, v in os.environ.items() if k not in OVERRIDES}
    return subprocess.run(
        [str(bin_dir / args[0]), *args[1:]],
        capture_output=True,
        text=True,
        cwd=cwd,
        env=clean | env,
    )


def test_the_installed_package_is_not_the_source_folder(installed, project):
    done = run(installed, ["python", "-c", "import analysis; print(analysis.__file__)"], project)
    assert Path(done.stdout.strip()).is_relative_to(installed.parent / "lib")


def test_version_comes_from_the_package_metadata(installed, project):
    done = run(installed, ["biotech-report", "--version"], project)
    assert (done.returncode, done.stdout) == (0, f"biotech-report {VERSION}\n")
    code = "import analysis; print(analysis.__version__)"
    assert run(installed, ["python", "-c", code], project).stdout == f"{VERSION}\n"


@pytest.mark.parametrize("where", ["project", "notebooks"])
def test_check_data_finds_the_project_from_its_folder(installed, project, where):
    cwd = project if where == "project" else project / "notebooks"
    done = run(installed, ["biotech-report", "check-data"], cwd)
    assert done.returncode == 0, done.stderr
    assert done.stdout.splitlines()[0] == f"Data package {project / 'data'}: valid"


def test_check_data_with_the_project_option_or_variable(installed, project, tmp_path):
    done = run(installed, ["biotech-report", "--project", str(project), "check-data"], tmp_path)
    assert done.stdout.splitlines()[0] == f"Data package {project / 'data'}: valid"
    done = run(
        installed, ["biotech-report", "check-data"], tmp_path, **{paths.PROJECT_ENV: str(project)}
    )
    assert done.stdout.splitlines()[0] == f"Data package {project / 'data'}: valid"


def test_outside_a_project_check_data_says_what_is_missing(installed, tmp_path):
    done = run(installed, ["biotech-report", "check-data"], tmp_path)
    assert done.returncode == 1
    assert done.stdout.splitlines() == [
        f"Data package {tmp_path / 'data'}: 1 problem",
        "  - datapackage.json: the file does not exist [missing-file]",
    ]


def test_list_runs_from_the_project(installed, project):
    done = run(installed, ["biotech-report", "list"], project)
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith("sector_overview  (notebooks/sector_overview.ipynb)\n")
