"""Loading: validate the curated tables, then return them as typed pandas DataFrames."""

import os
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from analysis import paths
from analysis.data.validate import DataValidationError, validate_package

#: Columns read as categoricals, per table.
CATEGORIES = {
    "sources": ["kind", "language", "date_precision", "date_basis"],
    "metrics": ["family", "unit"],
    "subjects": ["kind", "geography"],
    "facts": ["section", "metric", "subject", "geography", "unit", "qualifier", "source_id"],
    "exclusions": ["reason", "source_id"],
    "organisations": ["type", "region", "country"],
    "events": ["date_precision", "date_basis", "kind"],
    "relations": ["relation"],
    "version_differences": ["kind", "source_a", "source_b"],
    "assumptions": ["unit"],
}
DATES = {"sources": ["pub_date"], "events": ["date"]}
INTEGERS = {"facts": ["period_start", "period_end"]}
FLOATS = {"facts": ["value"], "assumptions": ["value"]}
KEYS = {
    "sources": "source_id",
    "metrics": "metric_id",
    "subjects": "subject_id",
    "facts": "fact_id",
    "exclusions": "exclusion_id",
    "organisations": "org_id",
    "events": "event_id",
    "relations": "relation_id",
    "version_differences": "difference_id",
    "assumptions": "assumption_id",
}


@dataclass(frozen=True)
class Dataset:
    """The curated tables, validated and typed.

    Each table has a plain range index in file order: index ``i`` is row ``i + 2`` of its CSV,
    the row number validation problems give (the header being row 1).
    """

    sources: pd.DataFrame
    metrics: pd.DataFrame
    subjects: pd.DataFrame
    facts: pd.DataFrame
    exclusions: pd.DataFrame
    organisations: pd.DataFrame
    events: pd.DataFrame
    relations: pd.DataFrame
    version_differences: pd.DataFrame
    assumptions: pd.DataFrame
    data_dir: Path


def _read(path: Path, table: str) -> pd.DataFrame:
    df = pd.read_csv(path, dtype=str, keep_default_na=False, encoding="utf-8-sig")
    df = df.replace({"": None})
    for col in CATEGORIES.get(table, []):
        df[col] = df[col].astype("category")
    for col in DATES.get(table, []):
        df[col] = pd.to_datetime(df[col], format="%Y-%m-%d").dt.date
    for col in INTEGERS.get(table, []):
        df[col] = pd.to_numeric(df[col]).astype("Int64")
    for col in FLOATS.get(table, []):
        df[col] = df[col].astype(float)
    return df


def load_data(data_dir: Path | str | None = None) -> Dataset:
    """Validate the data package in ``data_dir`` and return its tables.

    Args:
        data_dir: folder holding ``datapackage.json`` and the CSVs; defaults to ``data/``
            (or the folder named by ``BIOTECH_DATA_DIR``).

    Raises:
        DataValidationError: listing every problem, when any table breaks a rule.

    Validation is skipped only when ``BIOTECH_DATA_VALIDATED`` holds the digest of exactly
    these files (set by the build after validating them).
    """
    data_dir = Path(data_dir) if data_dir else paths.data_dir()
    # The build validates once and hands its kernels the digest of what it checked.
    if os.environ.get(paths.VALIDATED_ENV) != paths.data_digest(data_dir):
        problems = validate_package(data_dir)
        if problems:
            raise DataValidationError(problems)
    tables = {name: _read(data_dir / f"{name}.csv", name) for name in KEYS}
    return Dataset(**tables, data_dir=data_dir)
