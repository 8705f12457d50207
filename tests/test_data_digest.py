"""Validation happens once: the build validates, its kernels skip only what it checked."""

import io
from pathlib import Path

import pytest
from rich.console import Console

from analysis import paths
from analysis.build.registry import CAGR_TOLERANCE, LANG, Report, registry
from analysis.build.run import build, make_config
from analysis.data.load import load_data
from analysis.data.validate import DataValidationError
from analysis.paths import data_digest

FIXTURES = Path(__file__).parent / "fixtures" / "notebooks"


def test_digest_changes_with_any_byte(data_copy):
    data = data_copy()
    before = data_digest(data)
    assert before == data_digest(paths.DATA_DIR)  # same files, same digest
    facts = data / "facts.csv"
    facts.write_bytes(facts.read_bytes().replace(b"81M", b"82M", 1))
    assert data_digest(data) != before
    assert data_digest(data / "absent") == "missing"


def test_digest_of_other_files_does_not_skip_validation(data_copy, monkeypatch):
    broken = data_copy("negative_count")
    # A digest of the valid package must not let the broken copy through.
    monkeypatch.setenv(paths.VALIDATED_ENV, data_digest(paths.DATA_DIR))
    with pytest.raises(DataValidationError):
        load_data(broken)


def test_matching_digest_skips_validation(data_copy, monkeypatch):
    data = data_copy()
    monkeypatch.setenv(paths.VALIDATED_ENV, data_digest(data))
    monkeypatch.setattr(
        "analysis.data.load.check_package", lambda _: pytest.fail("validated again")
    )
    assert len(load_data(data).facts) == 67  # facts.csv: 67 rows


def test_build_refuses_invalid_data_before_any_kernel(data_copy, tmp_path, capsys):
    broken = data_copy("percent_above_100")
    reports = registry([Report("bilingual", "bilingual.ipynb", "fixture", (LANG, CAGR_TOLERANCE))])
    config = make_config(
        registry=reports,
        notebooks_dir=FIXTURES,
        out_dir=tmp_path / "out",
        data_dir=broken,
        quiet=True,
    )
    outcome = build(config, Console(file=io.StringIO(), width=200))
    err = capsys.readouterr().err
    assert outcome.exit_code == 1
    assert f"error: the data in {broken} is invalid; nothing was built" in err
    assert "facts.csv, row" in err
    assert not list((tmp_path / "out").rglob("*.html"))
