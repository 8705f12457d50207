"""Where the package finds its inputs: the project folder, its data, notebooks and reports.

The project folder holds ``data/`` (the curated tables and ``datapackage.json``),
``notebooks/`` and ``reports/``. It is found as Quarto, Jupyter Book and dbt find theirs:
the folder named by ``--project`` or ``BIOTECH_PROJECT_DIR``, else the current directory or
the nearest of its parents that holds ``data/datapackage.json`` (so a notebook running in
``notebooks/`` finds it too), else the current directory. It is never the folder the package
is installed in.
"""

import hashlib
import os
from collections.abc import Iterable
from pathlib import Path

__all__ = [
    "DATA_ENV",
    "DESCRIPTOR",
    "PACKAGE_DIR",
    "PROJECT_ENV",
    "SOURCES_ENV",
    "VALIDATED_ENV",
    "data_digest",
    "data_dir",
    "hash_files",
    "notebooks_dir",
    "project_dir",
    "reports_dir",
    "sources_dir",
    "tree_files",
]

PACKAGE_DIR = Path(__file__).resolve().parent
DESCRIPTOR = "datapackage.json"

#: Environment variable naming the project folder (what ``--project`` sets).
PROJECT_ENV = "BIOTECH_PROJECT_DIR"


def project_dir() -> Path:
    """Return the project folder (see the module's description)."""
    override = os.environ.get(PROJECT_ENV)
    if override:
        return Path(override).absolute()
    here = Path.cwd()
    for folder in (here, *here.parents):
        if (folder / "data" / DESCRIPTOR).is_file():
            return folder
    return here


def notebooks_dir() -> Path:
    """Return the folder of the report notebooks: ``notebooks/`` of the project folder."""
    return project_dir() / "notebooks"


def reports_dir() -> Path:
    """Return the folder the build writes to by default: ``reports/`` of the project folder."""
    return project_dir() / "reports"


# The project folder depends on the working directory and the environment: these names,
# kept for the code that reads them as constants, are resolved when read.
_RESOLVED = {
    "ROOT": project_dir,
    "DATA_DIR": lambda: project_dir() / "data",
    "NOTEBOOKS_DIR": notebooks_dir,
    "REPORTS_DIR": reports_dir,
}


def __getattr__(name: str) -> Path:
    if name in _RESOLVED:
        return _RESOLVED[name]()
    raise AttributeError(f"module 'analysis.paths' has no attribute {name!r}")


#: Environment variable naming another folder that holds the five source texts.
SOURCES_ENV = "BIOTECH_SOURCES_DIR"


def sources_dir() -> Path:
    """Return the folder of the primary source texts (``../shared/sources`` unless overridden).

    The default is ``shared/sources`` beside the project folder.
    """
    override = os.environ.get(SOURCES_ENV)
    if override:
        return Path(override)
    return project_dir().parent / "shared" / "sources"


#: Environment variable naming another curated data folder (tests, what-if copies).
DATA_ENV = "BIOTECH_DATA_DIR"


def data_dir() -> Path:
    """Return the curated data folder (``data/`` unless ``BIOTECH_DATA_DIR`` names another)."""
    override = os.environ.get(DATA_ENV)
    if override:
        return Path(override)
    return project_dir() / "data"


#: Set by the build for its kernels: the digest of a data folder it has just validated, so
#: each notebook skips repeating that validation when it loads the very same files.
VALIDATED_ENV = "BIOTECH_DATA_VALIDATED"


def tree_files(root: Path) -> list[Path]:
    """Return every file below ``root`` (caches excluded)."""
    return [p for p in Path(root).rglob("*") if p.is_file() and "__pycache__" not in p.parts]


def hash_files(files: Iterable[Path], root: Path) -> str:
    """Return a SHA-256 over files' paths relative to ``root`` and their contents."""
    digest = hashlib.sha256()
    for path in sorted(files, key=lambda p: p.relative_to(root).as_posix()):
        digest.update(path.relative_to(root).as_posix().encode("utf-8") + b"\0")
        digest.update(hashlib.sha256(path.read_bytes()).digest())
    return digest.hexdigest()


def data_digest(data_dir: Path) -> str:
    """Return a SHA-256 over every file of a data folder (names and contents), or ``missing``."""
    data_dir = Path(data_dir)
    if not data_dir.is_dir():
        return "missing"
    return hash_files(tree_files(data_dir), data_dir)
