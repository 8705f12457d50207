"""Shared fixtures: copies of the curated data package that a test may break."""

import shutil
from collections.abc import Callable
from pathlib import Path

import pytest

from analysis import paths

#: Broken copies of data files, one folder per case (only the files that differ from data/).
BROKEN_DIR = Path(__file__).parent / "broken"


@pytest.fixture
def data_copy(tmp_path: Path) -> Callable[..., Path]:
    """Return a factory: ``data_copy(case=None)`` copies data/ into tmp_path, overlays a case.

    With ``case``, the files of ``tests/broken/<case>/`` replace their namesakes in the copy.
    """

    def make(case: str | None = None) -> Path:
        target = tmp_path / "data"
        shutil.copytree(paths.DATA_DIR, target)
        if case is not None:
            overlays = sorted((BROKEN_DIR / case).iterdir())
            assert overlays, f"tests/broken/{case} holds no file"
            for overlay in overlays:
                shutil.copyfile(overlay, target / overlay.name)
        return target

    return make
