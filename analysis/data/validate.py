"""Validation of the curated data package: frictionless first, then the rules it cannot express.

Two layers, run in this order:

1. **frictionless** checks everything the descriptor (``datapackage.json``) states: types,
   required values, enums, patterns, minimum and maximum, uniqueness, primary and foreign keys,
   the header, encoding and shape of every CSV. Its errors are translated into short
   :class:`Problem` messages; the cascades it produces around one broken file (a table it
   cannot read makes every foreign key into it fail, or aborts the tables that look it up) are
   dropped, and the other tables are validated again without that file, so their own problems
   are still all reported.
2. **Package rules** (:data:`RULES`) for what a Table Schema cannot express: a percent lies
   between 0 and 100, a rank is a whole number from 1, counts are whole numbers, a fact uses
   its metric's unit, periods are ordered, shares of one programme add up to 100, locators are
   short, coarse dates are the first day of their period, an event restates only earlier
   ones, ... They run only on tables that frictionless found structurally readable (file
   present, UTF-8, header as in the schema, every row with as many cells as the header), and
   ignore the cells frictionless already rejected, so that one mistake is reported once.

Before either layer, the descriptor itself must be a valid Data Package that declares, as CSV
files with an inline schema, every table the library reads (:data:`TABLES`): a table that is not
declared would never be validated. Numbers must be written as plain decimals (``2.6``, ``-3``):
frictionless also accepts ``1e400``, ``inf``, ``nan``, ``8_1`` or ``1e-400``, which become
infinities, gaps or other values once read; these, a signed zero and text that charts would
read as a formula are rejected with the other problems.

Row numbers are those a spreadsheet shows: the header is row 1 and the first data row is
row 2. This is frictionless's ``row_number``; it is also the line number in a text editor
unless a quoted cell spans several lines (for an encoding problem, where the file cannot be
read as rows, it is the line of the bad byte).
"""

from __future__ import annotations

import csv
import json
import re
import sys
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from analysis import paths
from analysis.data.units import COUNT_UNITS

__all__ = [
    "read_table",
    "COUNT_LIMIT",
    "LIST_LIMIT",
    "TABLES",
    "DataValidationError",
    "PackageCheck",
    "Problem",
    "check_date_precision",
    "check_duplicate_locators",
    "check_fact_periods",
    "check_fact_units",
    "check_fact_values",
    "check_inferred_values",
    "check_formula_text",
    "check_ids_match_sources",
    "check_locator_length",
    "check_number_cells",
    "check_package",
    "check_restates",
    "check_share_sums",
    "check_translation_of",
    "check_version_differences",
    "count_problems",
    "period_start",
    "share_tolerance",
    "validate_package",
]

#: The tables the library reads (:class:`analysis.data.load.Dataset`); each must be declared
#: in the descriptor, so that nothing is ever loaded without being validated.
TABLES = (
    "sources",
    "metrics",
    "subjects",
    "facts",
    "exclusions",
    "organisations",
    "events",
    "relations",
    "version_differences",
    "assumptions",
)
#: Most problems a message lists; the count always covers them all.
LIST_LIMIT = 1000
#: Most frictionless errors counted per table (each costs memory); past it, the count is a
#: lower bound.
COUNT_LIMIT = 100_000

#: Most words a locator may have.
MAX_LOCATOR_WORDS = 15
#: Tables whose rows carry a verbatim ``locator``.
LOCATOR_TABLES = ("facts", "exclusions", "organisations", "events", "relations")
#: The two metrics that split one budget between public and private money.
SHARE_METRICS = ("public_funding_share", "private_funding_share")
#: Assumption giving how far the two shares may miss 100 (percentage points).
SHARE_TOLERANCE_ID = "share_sum_tolerance"


@dataclass(frozen=True)
class Problem:
    """One validation failure, located as precisely as possible.

    Attributes:
        file: CSV (or descriptor) file name, relative to the data folder.
        row: Row as a spreadsheet shows it (header = 1, first data row = 2); ``None`` when the
            problem concerns the whole file.
        field: Column concerned, if any.
        rule: Short name of the rule broken (``type``, ``enum``, ``foreign-key``,
            ``shares-sum``, ...).
        message: What is wrong, in one sentence.
    """

    file: str
    row: int | None
    field: str | None
    rule: str
    message: str

    def __str__(self) -> str:
        where = self.file
        if self.row is not None:
            where += f", row {self.row}"
        if self.field:
            where += f", field '{self.field}'"
        return f"{where}: {self.message} [{self.rule}]"


def count_problems(problems: list[Problem], complete: bool = True) -> str:
    """Say how many problems there are, and how many are listed when not all of them are.

    Args:
        problems: every problem found.
        complete: ``False`` when counting stopped at :data:`COUNT_LIMIT` in some table.

    Returns:
        ``1 problem``, ``9,933 problems, the first 1,000 listed`` or ``more than 100,000
        problems, the first 1,000 listed``.
    """
    count = len(problems)
    text = f"{count:,} problem{'' if count == 1 else 's'}"
    if not complete:
        text = "more than " + text
    if count > LIST_LIMIT:
        text += f", the first {LIST_LIMIT:,} listed"
    return text


class DataValidationError(ValueError):
    """Raised when the curated data breaks a rule; carries every problem found.

    Attributes:
        problems: every problem found (counting stops at :data:`COUNT_LIMIT` per table).
        complete: ``False`` when there are more problems than :attr:`problems` holds.
    """

    def __init__(self, problems: list[Problem], complete: bool = True):
        self.problems = list(problems)
        self.complete = complete
        lines = "\n".join(f"  - {p}" for p in self.problems[:LIST_LIMIT])
        count = count_problems(self.problems, complete)
        super().__init__(f"{count} in the curated data:\n{lines}")


# --------------------------------------------------------------------------------------------
# Layer 1: frictionless, with its errors translated


@dataclass
class _Structure:
    """What the frictionless layer learnt about the package."""

    problems: list[Problem] = field(default_factory=list)
    #: Tables the package rules may read (name -> file name).
    readable: dict[str, str] = field(default_factory=dict)
    #: Cells frictionless rejected: (table, row, field).
    rejected: set[tuple[str, int, str]] = field(default_factory=set)
    #: False when frictionless stopped counting a table's errors at :data:`COUNT_LIMIT`.
    complete: bool = True


def _fmt_list(values: Iterable[Any]) -> str:
    return ", ".join(str(v) for v in values)


def _show(cell: Any) -> str:
    """Quote a cell for a message, with line breaks made visible."""
    return '"' + str(cell).replace("\r", "\\r").replace("\n", "\\n") + '"'


def _file_problem(path: Path, name: str) -> Problem | None:
    """Return the problem that stops ``path`` from being read at all, if any.

    frictionless reports these, but attributes them to every table that looks the broken one
    up; reading the bytes tells which file really is at fault and where.
    """
    if not path.is_file():
        return Problem(name, None, None, "missing-file", "the file does not exist")
    raw = path.read_bytes()
    if not raw.strip():
        return Problem(
            name, None, None, "empty-file", "the file is empty: it needs at least the header row"
        )
    try:
        raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = raw.count(b"\n", 0, exc.start) + 1
        column = exc.start - (raw.rfind(b"\n", 0, exc.start) + 1) + 1
        return Problem(
            name,
            line,
            None,
            "encoding",
            f"the file is not UTF-8: byte 0x{raw[exc.start]:02x} at line {line}, "
            f"column {column} cannot be decoded (save the file as UTF-8)",
        )
    return None


def _header_problems(path: Path, name: str, expected: list[str]) -> list[Problem]:
    """Compare the header of ``path`` with the schema's field names, in one problem per column."""
    with path.open(encoding="utf-8-sig", newline="") as handle:
        header = next(csv.reader(handle), [])
    problems = []
    for column in expected:
        if column not in header:
            problems.append(
                Problem(
                    name,
                    1,
                    column,
                    "missing-column",
                    f"column '{column}' is missing from the header",
                )
            )
    seen: set[str] = set()
    for column in header:
        if column not in expected:
            shown = column if column.strip() else "(blank)"
            problems.append(
                Problem(
                    name,
                    1,
                    column or None,
                    "unexpected-column",
                    f"column '{shown}' is not in the schema",
                )
            )
        elif column in seen:
            problems.append(
                Problem(name, 1, column, "duplicate-column", f"column '{column}' appears twice")
            )
        seen.add(column)
    if not problems and header != expected:
        problems.append(
            Problem(
                name,
                1,
                None,
                "column-order",
                f"the columns must be in this order: {_fmt_list(expected)}",
            )
        )
    return problems


_NOTE_ROW = re.compile(r"row at position (\d+)")


def _schema_field(resource: dict[str, Any], name: str | None) -> dict[str, Any]:
    for fld in resource["schema"]["fields"]:
        if fld["name"] == name:
            return fld
    return {}


#: How numbers must be written: plain decimals, nothing frictionless reads beyond them.
_PLAIN = {"number": re.compile(r"-?\d+(\.\d+)?"), "integer": re.compile(r"-?\d+")}
_TYPE_HINTS = {
    "number": "is not a number (digits, with a dot for decimals, e.g. 2.6)",
    "integer": "is not a whole number",
    "date": "is not a valid date (an existing day written YYYY-MM-DD)",
}


def _type_message(cell: Any, kind: str) -> str:
    return f"{_show(cell)} {_TYPE_HINTS.get(kind, f'is not a valid {kind}')}"


def _cell_message(err: Any, resource: dict[str, Any]) -> tuple[str, str]:
    """Return (rule, message) for a frictionless type or constraint error."""
    cell = err.cell
    fld = _schema_field(resource, err.field_name)
    kind = fld.get("type", "value")
    if err.type == "type-error":
        return "type", _type_message(cell, kind)
    match = re.match(r'constraint "(\w+)"', err.note or "")
    constraint = match.group(1) if match else "constraint"
    if kind in _PLAIN and constraint != "required" and not _PLAIN[kind].fullmatch(str(cell)):
        # "nan" or "-inf" break a minimum, but the real mistake is that they are no numbers.
        return "type", _type_message(cell, kind)
    limit = fld.get("constraints", {}).get(constraint)
    if constraint == "required":
        return constraint, "a value is required"
    if constraint == "enum":
        return constraint, f"{_show(cell)} is not one of: {_fmt_list(limit)}"
    if constraint == "pattern":
        return constraint, f"{_show(cell)} does not match the pattern {limit}"
    if constraint == "minimum":
        return constraint, f"{cell} is below the minimum {limit}"
    if constraint == "maximum":
        return constraint, f"{cell} is above the maximum {limit}"
    if constraint in ("maxLength", "minLength"):
        than = "more" if constraint == "maxLength" else "fewer"
        return constraint, f"the value has {len(str(cell))} characters, {than} than {limit}"
    return constraint, err.message


def _row_problem(err: Any, table: str, resources: dict[str, dict[str, Any]]) -> Problem:
    """Translate one frictionless row or cell error into a :class:`Problem`."""
    resource = resources[table]
    name = resource["path"]
    row = err.row_number
    if err.type in ("type-error", "constraint-error"):
        rule, message = _cell_message(err, resource)
        return Problem(name, row, err.field_name, rule, message)
    if err.type == "unique-error":
        first = _NOTE_ROW.search(err.note or "")
        where = f"row {first.group(1)}" if first else "another row"
        return Problem(
            name, row, err.field_name, "unique", f'"{err.cell}" is already used in {where}'
        )
    if err.type == "primary-key":
        first = _NOTE_ROW.search(err.note or "")
        where = f"row {first.group(1)}" if first else "another row"
        keys = resource["schema"].get("primaryKey", [])
        return Problem(
            name, row, _fmt_list(keys), "primary-key", f"the key is already used in {where}"
        )
    if err.type == "foreign-key":
        target = err.reference_name or table
        values = _fmt_list(f'"{v}"' for v in err.field_cells)
        ref_file = resources[target]["path"] if target in resources else f"{target}.csv"
        message = f"{values} is not a {_fmt_list(err.reference_field_names)} in {ref_file}"
        return Problem(name, row, _fmt_list(err.field_names), "foreign-key", message)
    if err.type == "extra-cell":
        return Problem(
            name,
            row,
            None,
            "extra-cell",
            f'the row has more cells than the header (extra cell "{err.cell}" '
            f"at position {err.field_number})",
        )
    if err.type == "missing-cell":
        return Problem(
            name, row, err.field_name, "missing-cell", "the row has fewer cells than the header"
        )
    if err.type == "blank-row":
        return Problem(name, row, None, "blank-row", "the row is blank")
    return Problem(name, row, getattr(err, "field_name", None) or None, err.type, err.message)


#: Libraries jsonschema imports for its optional format checks when they are installed
#: (Jupyter installs them all); ``rfc3987_syntax`` alone compiles some forty grammars.
_FORMAT_CHECK_LIBRARIES = (
    "fqdn",
    "idna",
    "isoduration",
    "jsonpointer",
    "rfc3339_validator",
    "rfc3986_validator",
    "rfc3987",
    "rfc3987_syntax",
    "uri_template",
    "webcolors",
)


def _frictionless() -> Any:
    """Import frictionless, without the 0.3-4 s jsonschema can spend on format checks.

    frictionless validates descriptors without a format checker, so the libraries that
    jsonschema imports for format checks only cost time: while jsonschema is first imported
    they are made unimportable (jsonschema then skips those checks), then available again.
    """
    if "jsonschema" not in sys.modules:
        blocked = [name for name in _FORMAT_CHECK_LIBRARIES if name not in sys.modules]
        for name in blocked:
            sys.modules[name] = None  # type: ignore[assignment]  # import raises ImportError
        try:
            import jsonschema  # noqa: F401
        finally:
            for name in blocked:
                del sys.modules[name]
    import frictionless

    return frictionless


def _run_frictionless(descriptor: dict[str, Any], data_dir: Path, package: Any = None) -> Any:
    """Validate the tables with frictionless (``package``: the descriptor already read)."""
    if package is None:
        package = _frictionless().Package(descriptor, basepath=str(data_dir))
    return package.validate(limit_errors=COUNT_LIMIT)


def _without(descriptor: dict[str, Any], broken: set[str]) -> dict[str, Any]:
    """Return a copy of ``descriptor`` without the ``broken`` tables and the keys into them."""
    copy = json.loads(json.dumps(descriptor))
    copy["resources"] = [r for r in copy["resources"] if r["name"] not in broken]
    for resource in copy["resources"]:
        schema = resource["schema"]
        schema["foreignKeys"] = [
            fk
            for fk in schema.get("foreignKeys", [])
            if (fk["reference"]["resource"] or resource["name"]) not in broken
        ]
    return copy


_SHAPE_ERRORS = ("extra-cell", "missing-cell", "blank-row")


def _frictionless_layer(
    descriptor: dict[str, Any], data_dir: Path, package: Any = None
) -> _Structure:
    """Validate with frictionless; translate its errors and drop its cascades.

    Args:
        descriptor: the descriptor, valid.
        data_dir: the data folder.
        package: the frictionless package of ``descriptor``, when already built.
    """
    resources = {r["name"]: r for r in descriptor["resources"]}
    out = _Structure()

    # Files that cannot be read at all, and headers that do not match the schema: reported
    # once, and the table is left out of the frictionless run so it cannot cascade.
    broken: set[str] = set()
    for name, resource in resources.items():
        path = data_dir / resource["path"]
        problem = _file_problem(path, resource["path"])
        if problem is None:
            expected = [f["name"] for f in resource["schema"]["fields"]]
            header = _header_problems(path, resource["path"], expected)
        else:
            header = [problem]
        if header:
            out.problems.extend(header)
            broken.add(name)

    if broken:
        report = _run_frictionless(_without(descriptor, broken), data_dir)
    else:
        report = _run_frictionless(descriptor, data_dir, package)
    for err in report.errors:
        out.problems.append(Problem(paths.DESCRIPTOR, None, None, err.type, err.message))

    shaped: set[str] = set()
    for task in report.tasks:
        table = task.name
        resource = resources[table]
        errors = list(task.errors)
        row_errors = [e for e in errors if getattr(e, "row_number", None) is not None]
        other = [e for e in errors if getattr(e, "row_number", None) is None]
        if any("error limit" in warning for warning in task.warnings):
            # Rows past the limit went unchecked: the rules would report their cells in
            # other words, so they leave the table alone.
            out.complete = False
            shaped.add(table)
        for err in other:  # file-level errors of a file that reads fine: keep frictionless's words
            out.problems.append(Problem(resource["path"], None, None, err.type, err.message))
        if other:
            shaped.add(table)
        # A row of the wrong shape is reported as such, not as every cell it shifts.
        bad_rows = {e.row_number for e in row_errors if e.type in _SHAPE_ERRORS}
        if bad_rows:
            shaped.add(table)
        # Cells already rejected, so the primary or foreign key on them is not reported again.
        cell_hit = {
            (e.row_number, e.field_name)
            for e in row_errors
            if e.type in ("type-error", "constraint-error", "unique-error")
        }
        keys = resource["schema"].get("primaryKey", [])
        for err in row_errors:
            row = err.row_number
            if row in bad_rows and err.type not in _SHAPE_ERRORS:
                continue
            if err.type == "primary-key" and any((row, k) in cell_hit for k in keys):
                continue
            if err.type == "foreign-key" and any((row, f) in cell_hit for f in err.field_names):
                continue
            out.problems.append(_row_problem(err, table, resources))
            if err.type in ("type-error", "constraint-error"):
                out.rejected.add((table, row, err.field_name))

    for name, resource in resources.items():
        if name not in broken and name not in shaped:
            out.readable[name] = resource["path"]
    return out


# --------------------------------------------------------------------------------------------
# Layer 2: package rules on readable tables, each vectorised over a whole column

Tables = dict[str, pd.DataFrame]


def _text(df: pd.DataFrame, column: str) -> pd.Series:
    """Return a column as text, ``""`` for an empty or missing cell."""
    return df[column].fillna("").astype(str)


def _numbers(df: pd.DataFrame, column: str) -> pd.Series:
    """Return a column as floats, NaN where a cell is empty or not a number."""
    return pd.to_numeric(_text(df, column).str.strip(), errors="coerce")


def _flagged(mask: pd.Series | np.ndarray) -> list[int]:
    """Return the positions where ``mask`` is true, in file order."""
    return [int(i) for i in np.flatnonzero(np.asarray(mask, dtype=bool))]


def _cells(df: pd.DataFrame, column: str) -> list[Any]:
    return df[column].tolist()


FACTS = "facts.csv"


def check_number_cells(df: pd.DataFrame, file: str, column: str, kind: str) -> list[Problem]:
    """Numbers are plain decimals that a computation can use as they are written.

    frictionless reads ``1e400``, ``inf``, ``nan``, ``8_1`` (81) and ``1e-400`` (0) as numbers;
    pandas then reads infinities, gaps or a value other than the one the text seems to say.
    ``-0`` is a signed zero, which prints as ``-0``.

    Args:
        df: the table, every cell as text.
        file: its file name, for the messages.
        column: a field of type ``number`` or ``integer``.
        kind: ``number`` or ``integer``.
    """
    text = _text(df, column)
    given = text != ""
    plain = text.str.fullmatch(_PLAIN[kind].pattern)
    value = pd.to_numeric(text.where(given & plain), errors="coerce")
    problems = []
    cells = text.tolist()
    for i in _flagged(given & ~plain):
        problems.append(Problem(file, i + 2, column, "type", _type_message(cells[i], kind)))
    for i in _flagged(plain & text.str.startswith("-") & (value == 0)):
        message = f"{_show(cells[i])} is zero with a minus sign: write 0"
        problems.append(Problem(file, i + 2, column, "negative-zero", message))
    if kind == "integer":
        # Past 64 bits: the loaded column holds 64-bit integers.
        long = (plain & text.str.lstrip("-").str.len().gt(18)).to_numpy(dtype=bool)
        too_far = np.zeros(len(text), dtype=bool)
        too_far[long] = [abs(int(cell)) >= 2**63 for cell in text[long]]
    else:
        # Beyond the range of a float, or so small that it would be read as 0.
        too_far = plain & (np.isinf(value) | ((value == 0) & text.str.contains("[1-9]")))
    for i in _flagged(too_far):
        message = f"{_show(cells[i])} is beyond the range of numbers that can be computed with"
        problems.append(Problem(file, i + 2, column, "number-range", message))
    return sorted(problems, key=lambda p: p.row or 0)


def check_formula_text(df: pd.DataFrame, file: str, column: str) -> list[Problem]:
    r"""Text holds no pair of dollar signs, which charts would read as a formula.

    Matplotlib reads a text with an even number of unescaped ``$`` as mathtext: ``$\frac{$``
    stops the chart, ``$x$`` shows a formula instead of the text.
    """
    text = _text(df, column)
    dollars = text.str.count(r"\$") - text.str.count(r"\\\$")
    cells = text.tolist()
    counts = dollars.tolist()
    return [
        Problem(
            file,
            i + 2,
            column,
            "formula-text",
            f"{_show(cells[i])} holds {counts[i]} dollar signs, which a chart would read as "
            "a formula (matplotlib mathtext)",
        )
        for i in _flagged((dollars > 0) & (dollars % 2 == 0))
    ]


def check_fact_values(facts: pd.DataFrame) -> list[Problem]:
    """Percent between 0 and 100; rank a whole number >= 1; counts whole numbers."""
    value, unit, raw = _numbers(facts, "value"), _text(facts, "unit"), _cells(facts, "value")
    units = unit.tolist()
    known = value.notna()
    whole = value % 1 == 0
    percent = known & (unit == "percent") & ~value.between(0, 100)
    rank = known & (unit == "rank") & ((value < 1) | ~whole)
    count = known & unit.isin(COUNT_UNITS) & ~whole
    problems = []
    for i in _flagged(percent):
        message = f"a percent must lie between 0 and 100, not {raw[i]}"
        problems.append(Problem(FACTS, i + 2, "value", "percent-range", message))
    for i in _flagged(rank):
        message = f"a rank must be a whole number of at least 1, not {raw[i]}"
        problems.append(Problem(FACTS, i + 2, "value", "rank", message))
    for i in _flagged(count):
        message = f"a count of {units[i]} must be a whole number, not {raw[i]}"
        problems.append(Problem(FACTS, i + 2, "value", "whole-count", message))
    return sorted(problems, key=lambda p: p.row or 0)


def check_fact_units(facts: pd.DataFrame, metrics: pd.DataFrame) -> list[Problem]:
    """A fact's unit must be the unit its metric is stated in (metrics.csv)."""
    unit_of = dict(zip(_text(metrics, "metric_id"), _text(metrics, "unit"), strict=True))
    unit, metric = _text(facts, "unit"), _text(facts, "metric")
    expected = metric.map(unit_of).fillna("")
    # An unknown metric or a rejected unit is reported by frictionless.
    wrong = (expected != "") & (unit != "") & (unit != expected)
    units, metrics_, expect = unit.tolist(), metric.tolist(), expected.tolist()
    return [
        Problem(
            FACTS,
            i + 2,
            "unit",
            "unit-matches-metric",
            f"unit {units[i]} differs from the unit of metric {metrics_[i]} "
            f"in metrics.csv ({expect[i]})",
        )
        for i in _flagged(wrong)
    ]


def check_fact_periods(facts: pd.DataFrame) -> list[Problem]:
    """period_end only with period_start, and not before it."""
    start, end = _numbers(facts, "period_start"), _numbers(facts, "period_end")
    start_text, end_text = _text(facts, "period_start"), _text(facts, "period_end")
    no_start = end.notna() & (start_text == "")
    before = end.notna() & start.notna() & (end < start)
    starts, ends = start_text.tolist(), end_text.tolist()
    problems = [
        Problem(
            FACTS,
            i + 2,
            "period_end",
            "period-end-needs-start",
            "period_end is given without period_start",
        )
        for i in _flagged(no_start)
    ]
    problems += [
        Problem(
            FACTS,
            i + 2,
            "period_end",
            "period-order",
            f"period_end {ends[i]} is before period_start {starts[i]}",
        )
        for i in _flagged(before)
    ]
    return sorted(problems, key=lambda p: p.row or 0)


def check_inferred_values(facts: pd.DataFrame) -> list[Problem]:
    """A figure the text does not write (``value_basis`` inferred) says in its note why.

    Its locator cannot show the figure, so the note is the only trace of the reasoning.
    """
    if "value_basis" not in facts.columns:
        return []  # a missing column is reported by frictionless
    inferred = _text(facts, "value_basis") == "inferred"
    no_note = inferred & (_text(facts, "note") == "")
    return [
        Problem(
            FACTS,
            i + 2,
            "note",
            "inferred-needs-note",
            "value_basis is inferred but the note is empty: say how the text implies the figure",
        )
        for i in _flagged(no_note)
    ]


def share_tolerance(assumptions: pd.DataFrame) -> float | None:
    """Return the share-sum tolerance of assumptions.csv, or ``None`` when it is not there."""
    rows = assumptions[_text(assumptions, "assumption_id") == SHARE_TOLERANCE_ID]
    if rows.empty:
        return None
    value = pd.to_numeric(pd.Series([str(rows.iloc[0]["value"]).strip()]), errors="coerce")[0]
    return None if pd.isna(value) else float(value)


def check_share_sums(facts: pd.DataFrame, tolerance: float) -> list[Problem]:
    """Public and private funding shares of one subject in one source add up to 100.

    Args:
        facts: the facts table.
        tolerance: how far the sum may miss 100, in percentage points.
    """
    metric = _text(facts, "metric")
    chosen = metric.isin(SHARE_METRICS).to_numpy()
    shares = pd.DataFrame(
        {
            "row": np.arange(len(facts))[chosen] + 2,
            "source": _text(facts, "source_id")[chosen].tolist(),
            "subject": _text(facts, "subject")[chosen].tolist(),
            "metric": metric[chosen].tolist(),
            "value": _numbers(facts, "value")[chosen].tolist(),
        }
    )
    problems = []
    for (source, subject), members in shares.groupby(["source", "subject"], sort=False):
        if members["value"].isna().any() or set(members["metric"]) != set(SHARE_METRICS):
            continue  # one share alone is not checkable; a rejected value is already reported
        total = float(members["value"].sum())
        if abs(total - 100) <= tolerance + 1e-9:
            continue
        parts = " + ".join(
            f"{m} (row {r})" for m, r in zip(members["metric"], members["row"], strict=True)
        )
        message = (
            f"{parts} of {subject} in {source} add up to {total:g}, not 100 "
            f"(tolerance {tolerance:g})"
        )
        problems.append(Problem(FACTS, int(members["row"].max()), "value", "shares-sum", message))
    return sorted(problems, key=lambda p: p.row or 0)


def check_duplicate_locators(facts: pd.DataFrame) -> list[Problem]:
    """The same locator, metric and subject appear once per source."""
    keys = ["source_id", "locator", "metric", "subject"]
    text = pd.DataFrame({k: _text(facts, k).tolist() for k in keys})
    rows = pd.Series(np.arange(len(facts)) + 2)
    given = (text != "").all(axis=1)
    first = rows[given].groupby([text.loc[given, k] for k in keys], sort=False).transform("min")
    repeated = pd.Series(False, index=rows.index)
    repeated[given] = rows[given] != first
    first_of = first.reindex(rows.index).tolist()
    return [
        Problem(
            FACTS,
            i + 2,
            "locator",
            "duplicate-locator",
            f"same source, locator, metric and subject as row {int(first_of[i])}",
        )
        for i in _flagged(repeated)
    ]


def check_ids_match_sources(df: pd.DataFrame, file: str, id_column: str) -> list[Problem]:
    """Ids built as letter + source number (F002-01, X004-03) carry their row's source number."""
    ident, source = _text(df, id_column), _text(df, "source_id")
    wrong = (ident != "") & (source != "") & (ident.str[1:4] != source.str[1:])
    idents, sources = ident.tolist(), source.tolist()
    return [
        Problem(
            file,
            i + 2,
            id_column,
            "id-matches-source",
            f"{idents[i]} does not carry the number of its source {sources[i]} "
            f"(expected {idents[i][:1]}{sources[i][1:]}-..)",
        )
        for i in _flagged(wrong)
    ]


def check_locator_length(df: pd.DataFrame, file: str, column: str = "locator") -> list[Problem]:
    """A locator is a short excerpt: at most :data:`MAX_LOCATOR_WORDS` words."""
    words = _text(df, column).str.split().str.len().fillna(0).astype(int)
    counts = words.tolist()
    return [
        Problem(
            file,
            i + 2,
            column,
            "locator-length",
            f"the locator has {counts[i]} words, more than {MAX_LOCATOR_WORDS}",
        )
        for i in _flagged(words > MAX_LOCATOR_WORDS)
    ]


def check_version_differences(df: pd.DataFrame) -> list[Problem]:
    """A difference between two versions quotes at least one of them, and two documents."""
    file = "version_differences.csv"
    source_a, source_b = _text(df, "source_a"), _text(df, "source_b")
    unquoted = (_text(df, "locator_a") == "") & (_text(df, "locator_b") == "")
    same = (source_a != "") & (source_a == source_b)
    sources = source_a.tolist()
    problems = [
        Problem(
            file,
            i + 2,
            "locator_a",
            "locator-missing",
            "locator_a and locator_b are both empty: quote at least one version",
        )
        for i in _flagged(unquoted)
    ]
    problems += [
        Problem(
            file,
            i + 2,
            "source_b",
            "same-source",
            f"source_b is source_a ({sources[i]}): name two versions",
        )
        for i in _flagged(same)
    ]
    return sorted(problems, key=lambda p: p.row or 0)


def period_start(day: date, precision: str) -> date:
    """Return the first day of the period of ``precision`` containing ``day``.

    Args:
        day: any day.
        precision: ``day``, ``week`` (weeks start on Monday), ``month``, ``quarter`` or ``year``.
    """
    if precision == "week":
        return date.fromordinal(day.toordinal() - day.weekday())
    if precision == "month":
        return day.replace(day=1)
    if precision == "quarter":
        return date(day.year, 3 * ((day.month - 1) // 3) + 1, 1)
    if precision == "year":
        return date(day.year, 1, 1)
    return day


def check_date_precision(df: pd.DataFrame, file: str, date_column: str) -> list[Problem]:
    """A date coarser than a day is the first day of its week, month, quarter or year."""
    # An invalid date was rejected by frictionless already: NaT here, never flagged.
    day = pd.to_datetime(_text(df, date_column), format="%Y-%m-%d", errors="coerce")
    precision = _text(df, "date_precision")
    coarse = day.notna() & precision.isin(["week", "month", "quarter", "year"])
    first = (
        (precision == "week") & (day.dt.day_of_week != 0)
        | (precision == "month") & (day.dt.day != 1)
        | (precision == "quarter") & ((day.dt.day != 1) | (day.dt.month % 3 != 1))
        | (precision == "year") & ((day.dt.day != 1) | (day.dt.month != 1))
    )
    problems = []
    precisions = precision.tolist()
    for i in _flagged(coarse & first):
        stated = day.iloc[i].date()
        expected = period_start(stated, precisions[i])
        first_day = "the Monday" if precisions[i] == "week" else "the first day"
        message = (
            f"{stated.isoformat()} has precision '{precisions[i]}', so it must be {first_day} "
            f"of its {precisions[i]} ({expected.isoformat()})"
        )
        problems.append(Problem(file, i + 2, date_column, "date-precision", message))
    return problems


def check_restates(events: pd.DataFrame) -> list[Problem]:
    """An event restates only other events of the table, none dated after it.

    ``restates`` lists, space-separated, the events that a later text mentions again; each
    must be an ``event_id`` of ``events.csv``, not the row's own, and dated no later than the
    row (dates compare as the first day of their period, as written).
    """
    ident, day = _text(events, "event_id"), _text(events, "date")
    dates = dict(zip(ident.tolist(), day.tolist(), strict=True))
    problems = []
    for i, cell in enumerate(_text(events, "restates").tolist()):
        own, own_date = ident.iloc[i], day.iloc[i]
        for target in cell.split():
            if target == own:
                message = f"restates names the event itself ({own})"
                problems.append(Problem("events.csv", i + 2, "restates", "restates-self", message))
            elif target not in dates:
                message = f'"{target}" is not an event_id in events.csv'
                problems.append(Problem("events.csv", i + 2, "restates", "restates-known", message))
            # An empty date was rejected by frictionless already; ISO dates compare as text.
            elif own_date and dates[target] and dates[target] > own_date:
                message = (
                    f"{target} is dated {dates[target]}, after this event ({own_date}): "
                    "an event can only restate one dated no later than itself"
                )
                problems.append(
                    Problem("events.csv", i + 2, "restates", "restates-earlier", message)
                )
    return problems


def check_translation_of(sources: pd.DataFrame) -> list[Problem]:
    """A document is not a translation of itself."""
    target, ident = _text(sources, "translation_of"), _text(sources, "source_id")
    idents = ident.tolist()
    return [
        Problem(
            "sources.csv",
            i + 2,
            "translation_of",
            "translation-of-self",
            f"translation_of names the document itself ({idents[i]})",
        )
        for i in _flagged((target != "") & (target == ident))
    ]


def _rule_share_sums(t: Tables) -> list[Problem]:
    tolerance = share_tolerance(t["assumptions"])
    if tolerance is None:
        return [
            Problem(
                "assumptions.csv",
                None,
                "assumption_id",
                "missing-assumption",
                f"assumption '{SHARE_TOLERANCE_ID}' is missing (the shares-sum rule needs it)",
            )
        ]
    return check_share_sums(t["facts"], tolerance)


#: Package rules: (tables each needs, the check). A rule runs when all its tables are readable.
RULES: list[tuple[tuple[str, ...], Callable[[Tables], list[Problem]]]] = [
    (("sources",), lambda t: check_date_precision(t["sources"], "sources.csv", "pub_date")),
    (("sources",), lambda t: check_translation_of(t["sources"])),
    (("facts",), lambda t: check_ids_match_sources(t["facts"], "facts.csv", "fact_id")),
    (("facts",), lambda t: check_fact_values(t["facts"])),
    (("facts", "metrics"), lambda t: check_fact_units(t["facts"], t["metrics"])),
    (("facts",), lambda t: check_fact_periods(t["facts"])),
    (("facts",), lambda t: check_inferred_values(t["facts"])),
    (("facts", "assumptions"), _rule_share_sums),
    (("facts",), lambda t: check_duplicate_locators(t["facts"])),
    (
        ("exclusions",),
        lambda t: check_ids_match_sources(t["exclusions"], "exclusions.csv", "exclusion_id"),
    ),
    (("events",), lambda t: check_date_precision(t["events"], "events.csv", "date")),
    (("events",), lambda t: check_restates(t["events"])),
    *[
        ((name,), lambda t, name=name: check_locator_length(t[name], f"{name}.csv"))
        for name in LOCATOR_TABLES
    ],
    *[
        (
            ("version_differences",),
            lambda t, col=col: check_locator_length(
                t["version_differences"], "version_differences.csv", col
            ),
        )
        for col in ("locator_a", "locator_b")
    ],
    (("version_differences",), lambda t: check_version_differences(t["version_differences"])),
]


def read_table(path: Path) -> pd.DataFrame:
    """Read a CSV as text cells (``""`` for an empty cell), rows in file order."""
    return pd.read_csv(path, dtype=str, keep_default_na=False, encoding="utf-8-sig")


def _blank_rejected(df: pd.DataFrame, cells: Iterable[tuple[int, str]]) -> pd.DataFrame:
    """Return a copy of ``df`` with the given (row, column) cells emptied."""
    by_column: dict[str, list[int]] = {}
    for row, column in cells:
        if column in df.columns:
            by_column.setdefault(column, []).append(row - 2)
    if not by_column:
        return df
    df = df.copy()
    for column, positions in by_column.items():
        df.iloc[positions, df.columns.get_loc(column)] = ""
    return df


def _rule_layer(
    structure: _Structure, descriptor: dict[str, Any], data_dir: Path
) -> tuple[list[Problem], Tables]:
    """Run the cell rules and the package rules; return their problems and the tables read."""
    resources = {r["name"]: r for r in descriptor["resources"]}
    raw: Tables = {name: read_table(data_dir / file) for name, file in structure.readable.items()}
    problems: list[Problem] = []
    rejected: dict[str, set[tuple[int, str]]] = {}
    for table, row, column in structure.rejected:
        rejected.setdefault(table, set()).add((row, column))
    # Cell rules first: a number they reject is then blank for the package rules.
    for name, df in raw.items():
        file = resources[name]["path"]
        df = _blank_rejected(df, rejected.get(name, ()))
        for fld in resources[name]["schema"]["fields"]:
            kind, column = fld.get("type", "string"), fld["name"]
            if kind in _PLAIN:
                found = check_number_cells(df, file, column, kind)
                problems += found
                rejected.setdefault(name, set()).update((p.row, column) for p in found)
            elif kind == "string":
                problems += check_formula_text(df, file, column)
    tables = {name: _blank_rejected(df, rejected.get(name, ())) for name, df in raw.items()}
    for needs, rule in RULES:
        if all(n in tables for n in needs):
            problems.extend(rule(tables))
    return problems, raw


# --------------------------------------------------------------------------------------------
# Entry points


def _order(problems: list[Problem], descriptor: dict[str, Any] | None) -> list[Problem]:
    """Sort problems by file (descriptor order), row, column (schema order), rule."""
    files = {paths.DESCRIPTOR: -1}
    columns: dict[tuple[str, str], int] = {}
    for i, resource in enumerate((descriptor or {}).get("resources", [])):
        files[resource.get("path", "")] = i
        for j, fld in enumerate(resource.get("schema", {}).get("fields", [])):
            columns[(resource.get("path", ""), fld.get("name", ""))] = j
    unique = list(dict.fromkeys(problems))
    return sorted(
        unique,
        key=lambda p: (
            files.get(p.file, len(files)),
            p.row or 0,
            columns.get((p.file, p.field or ""), -1),
            p.rule,
            p.message,
        ),
    )


_JSON_KINDS = {
    type(None): "null",
    list: "an array",
    str: "a string",
    bool: "true or false",
    int: "a number",
    float: "a number",
}


def _descriptor_problem(rule: str, message: str) -> Problem:
    return Problem(paths.DESCRIPTOR, None, None, rule, message)


def _shape_problems(descriptor: dict[str, Any]) -> list[Problem]:
    """Every resource is one CSV file with its schema inline; every table read is declared."""
    problems = []
    declared = set()
    for resource in descriptor["resources"]:
        name = resource.get("name")
        declared.add(name)
        schema = resource.get("schema")
        if not isinstance(resource.get("path"), str) or not (
            isinstance(schema, dict) and isinstance(schema.get("fields"), list)
        ):
            problems.append(
                _descriptor_problem(
                    "descriptor",
                    f"resource '{name}' must name one CSV file in \"path\" and give its "
                    'table schema inline in "schema"',
                )
            )
    for name in TABLES:
        if name not in declared:
            problems.append(
                _descriptor_problem(
                    "missing-resource",
                    f"table '{name}' is not declared: every table the reports read must be "
                    "described here, so that it is validated",
                )
            )
    return problems


def _read_descriptor(data_dir: Path) -> tuple[dict[str, Any] | None, Any, list[Problem]]:
    """Return the descriptor and its frictionless package, or ``None`` and the problems."""
    path = data_dir / paths.DESCRIPTOR
    if not path.is_file():
        return None, None, [_descriptor_problem("missing-file", "the file does not exist")]
    try:
        descriptor = json.loads(path.read_text(encoding="utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        return None, None, [_descriptor_problem("descriptor", f"unreadable: {exc}")]
    except RecursionError:
        return None, None, [_descriptor_problem("descriptor", "unreadable: nested too deeply")]
    if not isinstance(descriptor, dict):
        kind = _JSON_KINDS.get(type(descriptor), type(descriptor).__name__)
        message = f"a Data Package descriptor is a JSON object ({{...}}), not {kind}"
        return None, None, [_descriptor_problem("descriptor", message)]
    frictionless = _frictionless()
    try:
        package = frictionless.Package(descriptor, basepath=str(data_dir))
    except frictionless.FrictionlessException as exc:
        errs = exc.reasons or [exc.error]
        return None, None, [_descriptor_problem(e.type, e.message) for e in errs]
    problems = _shape_problems(descriptor)
    if problems:
        return None, None, problems
    return descriptor, package, []


@dataclass
class PackageCheck:
    """The outcome of validating a data folder.

    Attributes:
        problems: every problem found, ordered by file, row and column.
        complete: ``False`` when some table had more than :data:`COUNT_LIMIT` problems and
            counting stopped there.
        descriptor: the descriptor as read (``None`` when it is itself invalid).
        tables: every table that could be read, as text cells (``""`` when empty), by name.
    """

    problems: list[Problem]
    complete: bool = True
    descriptor: dict[str, Any] | None = None
    tables: Tables = field(default_factory=dict)


def check_package(data_dir: Path | str | None = None) -> PackageCheck:
    """Validate the data package in ``data_dir``, reading each file once.

    Args:
        data_dir: folder holding ``datapackage.json`` and the CSVs; defaults to
            :func:`analysis.paths.data_dir`.

    Returns:
        The problems of both layers and the tables read, for :func:`analysis.load_data`.
    """
    data_dir = Path(data_dir) if data_dir else paths.data_dir()
    descriptor, package, problems = _read_descriptor(data_dir)
    if descriptor is None:
        return PackageCheck(problems)
    structure = _frictionless_layer(descriptor, data_dir, package)
    rule_problems, tables = _rule_layer(structure, descriptor, data_dir)
    return PackageCheck(
        _order(structure.problems + rule_problems, descriptor),
        structure.complete,
        descriptor,
        tables,
    )


def validate_package(data_dir: Path | str | None = None) -> list[Problem]:
    """Return every problem of the data package in ``data_dir`` (empty list when valid).

    Args:
        data_dir: folder holding ``datapackage.json`` and the CSVs; defaults to
            :func:`analysis.paths.data_dir`.

    Returns:
        All problems of both layers, ordered by file (descriptor order), row and column.
    """
    return check_package(data_dir).problems
