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


@pytest.fixture(scope="session")
def reports_build(tmp_path_factory: pytest.TempPathFactory) -> dict:
    """Every report in French and English, HTML and PDF, built ONCE per test session.

    The build tier's tests read these files (never modify them); tests that need a build of
    their own use a fixture notebook instead (tests/fixtures/notebooks). The data is a copy,
    so a test may compare against it without touching data/.
    """
    import io

    from rich.console import Console

    from analysis.build.registry import REGISTRY
    from analysis.build.run import build, make_config
    from analysis.present.messages import USED_ENV

    root = tmp_path_factory.mktemp("reports-build")
    data = root / "data"
    shutil.copytree(paths.DATA_DIR, data)
    out = root / "out"
    console = Console(file=io.StringIO(), width=200, force_terminal=False)
    config = make_config(reports=list(REGISTRY), out_dir=out, data_dir=data, quiet=True, jobs=2)
    used = root / "messages-used.txt"  # every process of the build appends the keys it serves
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv(USED_ENV, str(used))
        outcome = build(config, console)
    text = console.file.getvalue()
    assert outcome.exit_code == 0, text
    return {
        "root": root,
        "out": out,
        "data": data,
        "text": text,
        "outcome": outcome,
        "messages_used": used,
    }


@pytest.fixture(scope="session")
def ds():
    """The curated data, validated and loaded once for the whole session (read-only)."""
    from analysis import load_data

    return load_data()
