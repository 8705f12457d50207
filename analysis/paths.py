"""Where the package finds its inputs: the curated data, the notebooks and the source texts."""

import hashlib
import os
from collections.abc import Iterable
from pathlib import Path

PACKAGE_DIR = Path(__file__).resolve().parent
ROOT = PACKAGE_DIR.parent
DATA_DIR = ROOT / "data"
NOTEBOOKS_DIR = ROOT / "notebooks"
REPORTS_DIR = ROOT / "reports"
DESCRIPTOR = "datapackage.json"

#: Environment variable naming another folder that holds the five source texts.
SOURCES_ENV = "BIOTECH_SOURCES_DIR"


def sources_dir() -> Path:
    """Return the folder of the primary source texts (``../shared/sources`` unless overridden)."""
    override = os.environ.get(SOURCES_ENV)
    if override:
        return Path(override)
    return ROOT.parent / "shared" / "sources"


#: Environment variable naming another curated data folder (tests, what-if copies).
DATA_ENV = "BIOTECH_DATA_DIR"


def data_dir() -> Path:
    """Return the curated data folder (``data/`` unless ``BIOTECH_DATA_DIR`` names another)."""
    override = os.environ.get(DATA_ENV)
    if override:
        return Path(override)
    return DATA_DIR


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
