"""Shared fixtures: copies of the curated data package that a test may break."""

import os
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


def _build_every_report(root: Path) -> None:
    """Build every report into ``root`` (its ``out``), on a copy of the data (``data``)."""
    import io

    from rich.console import Console

    from analysis.build.registry import REGISTRY
    from analysis.build.run import build, make_config
    from analysis.present.messages import USED_ENV

    data = root / "data"
    shutil.copytree(paths.DATA_DIR, data)
    console = Console(file=io.StringIO(), width=200, force_terminal=False)
    config = make_config(
        reports=list(REGISTRY), out_dir=root / "out", data_dir=data, quiet=True, jobs=2
    )
    with pytest.MonkeyPatch.context() as patch:
        # Every process of the build appends the keys it serves.
        patch.setenv(USED_ENV, str(root / "messages-used.txt"))
        outcome = build(config, console)
    text = console.file.getvalue()
    (root / "build-output.txt").write_text(text, encoding="utf-8")
    (root / "build-exit-code.txt").write_text(str(outcome.exit_code), encoding="utf-8")


@pytest.fixture(scope="session")
def reports_build(tmp_path_factory: pytest.TempPathFactory) -> dict:
    """Every report in French and English, HTML and PDF, built ONCE per test run.

    The build tier's tests read these files (never modify them); tests that need a build of
    their own use a fixture notebook instead (tests/fixtures/notebooks). The data is a copy,
    so a test may compare against it without touching data/. When pytest-xdist runs the
    tests in several processes, the first one to ask builds, under a lock, in the folder the
    processes share; the others wait for it and read the same files.
    """
    import fcntl

    if "PYTEST_XDIST_WORKER" not in os.environ:  # a single process: no one to share with
        root = tmp_path_factory.mktemp("reports-build")
        _build_every_report(root)
    else:
        root = tmp_path_factory.getbasetemp().parent / "reports-build"
        with open(root.parent / "reports-build.lock", "w") as lock:
            fcntl.flock(lock, fcntl.LOCK_EX)  # released when the file is closed
            if not (root / "build-exit-code.txt").is_file():
                shutil.rmtree(root, ignore_errors=True)  # a build that did not finish
                root.mkdir()
                _build_every_report(root)
    text = (root / "build-output.txt").read_text(encoding="utf-8")
    assert (root / "build-exit-code.txt").read_text(encoding="utf-8") == "0", text
    return {
        "root": root,
        "out": root / "out",
        "data": root / "data",
        "text": text,
        "messages_used": root / "messages-used.txt",
    }


@pytest.fixture(scope="session")
def ds():
    """The curated data, validated and loaded once for the whole session (read-only)."""
    from analysis import load_data

    return load_data()
