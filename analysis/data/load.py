"""Loading: validate the curated tables, then return them as typed pandas DataFrames.

Each column's type comes from the descriptor (``datapackage.json``), the one place it is
stated: a ``date`` field becomes :class:`datetime.date` values, an ``integer`` field a nullable
``Int64`` column, a ``number`` field floats, a ``string`` field whose values come from a
closed list (an ``enum`` constraint, or a foreign key into another table) a categorical, any
other field text (``None`` when empty).
"""

import json
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pandas as pd

from analysis import paths
from analysis.data.validate import TABLES, DataValidationError, check_package, read_table

__all__ = ["TABLES", "Dataset", "load_data", "typed_table"]


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


def _categorical(schema: dict[str, Any]) -> set[str]:
    """Return the fields whose values come from a closed list: an enum, or another table's key."""
    closed = {f["name"] for f in schema["fields"] if "enum" in f.get("constraints", {})}
    for key in schema.get("foreignKeys", []):
        if key["reference"]["resource"]:  # "" is the table itself (e.g. translation_of)
            closed.update(key["fields"] if isinstance(key["fields"], list) else [key["fields"]])
    return closed


def typed_table(raw: pd.DataFrame, schema: dict[str, Any]) -> pd.DataFrame:
    """Return a table of text cells with each column typed as its schema field says.

    Args:
        raw: the table as read from its CSV, every cell text (``""`` when empty).
        schema: its Table Schema (``fields``, each with ``name``, ``type``, ``constraints``;
            ``foreignKeys``).
    """
    df = raw.replace({"": None})
    categorical = _categorical(schema)
    for fld in schema["fields"]:
        column, kind = fld["name"], fld.get("type", "string")
        if kind == "date":
            df[column] = pd.to_datetime(df[column], format="%Y-%m-%d").dt.date
        elif kind == "integer":
            df[column] = pd.to_numeric(df[column]).astype("Int64")
        elif kind == "number":
            df[column] = df[column].astype(float)
        elif kind == "string" and column in categorical:
            df[column] = df[column].astype("category")
    return df


def load_data(data_dir: Path | str | None = None) -> Dataset:
    """Validate the data package in ``data_dir`` and return its tables.

    Args:
        data_dir: folder holding ``datapackage.json`` and the CSVs; defaults to ``data/``
            of the project folder (or the folder named by ``BIOTECH_DATA_DIR``).

    Raises:
        DataValidationError: listing the problems, when any table breaks a rule.

    Validation is skipped only when ``BIOTECH_DATA_VALIDATED`` holds the digest of exactly
    these files (set by the build after validating them).
    """
    data_dir = Path(data_dir) if data_dir else paths.data_dir()
    # The build validates once and hands its kernels the digest of what it checked.
    if os.environ.get(paths.VALIDATED_ENV) == paths.data_digest(data_dir):
        descriptor = json.loads((data_dir / paths.DESCRIPTOR).read_text(encoding="utf-8"))
        resources = {r["name"]: r for r in descriptor["resources"]}
        raw = {name: read_table(data_dir / resources[name]["path"]) for name in TABLES}
    else:
        checked = check_package(data_dir)
        if checked.problems:
            raise DataValidationError(checked.problems, checked.complete)
        assert checked.descriptor is not None  # a valid package has a descriptor
        resources = {r["name"]: r for r in checked.descriptor["resources"]}
        raw = checked.tables
    tables = {name: typed_table(raw[name], resources[name]["schema"]) for name in TABLES}
    return Dataset(**tables, data_dir=data_dir)
