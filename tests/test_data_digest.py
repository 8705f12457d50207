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
    assert len(load_data(data).facts) == 69  # facts.csv: 69 rows


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
    # tests/broken/percent_above_100 breaks one rule in one row: one problem.
    assert f"error: the data in {broken} is invalid (1 problem); nothing was built" in err
    assert "facts.csv, row" in err
    assert not list((tmp_path / "out").rglob("*.html"))


def test_build_lists_at_most_the_first_thousand_problems(data_copy, tmp_path, capsys):
    broken = data_copy()
    facts = broken / "facts.csv"
    header, *rows = facts.read_text("utf-8").splitlines()
    # 69 facts, each copied 20 times with a negative value: 1,380 rows, each breaking the
    # minimum of 0 once (the copies also repeat their ids: one more problem per copy).
    copies = [row.replace(",S00", ",S00", 1) for row in rows for _ in range(20)]
    bad = [f"X{i:06d}" + c[c.index(",") :] for i, c in enumerate(copies)]
    bad = [",".join(r.split(",")[:6] + ["-1"] + r.split(",")[7:]) for r in bad]
    facts.write_text("\n".join([header, *rows, *bad]) + "\n", "utf-8")
    reports = registry([Report("bilingual", "bilingual.ipynb", "fixture", (LANG, CAGR_TOLERANCE))])
    config = make_config(
        registry=reports, notebooks_dir=FIXTURES, out_dir=tmp_path / "out", data_dir=broken,
        quiet=True,
    )  # fmt: skip
    outcome = build(config, Console(file=io.StringIO(), width=200))
    err = capsys.readouterr().err
    assert outcome.exit_code == 1
    listed = [line for line in err.splitlines() if line.startswith("  - ")]
    assert len(listed) == 1000
    assert ", the first 1,000 listed); nothing was built" in err
