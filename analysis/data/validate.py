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
   short, coarse dates are the first day of their period, ... They run only on tables that
   frictionless found structurally readable (file present, UTF-8, header as in the schema,
   every row with as many cells as the header), and ignore the cells frictionless already
   rejected, so that one mistake is reported once.

Row numbers are those a spreadsheet shows: the header is row 1 and the first data row is
row 2. This is frictionless's ``row_number``; it is also the line number in a text editor
unless a quoted cell spans several lines (for an encoding problem, where the file cannot be
read as rows, it is the line of the bad byte).
"""

from __future__ import annotations

import csv
import json
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

import pandas as pd

from analysis import paths

#: Units of metrics that count whole things.
COUNT_UNITS = ("jobs", "companies", "organisations", "people", "workpackages", "employees")
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


class DataValidationError(ValueError):
    """Raised when the curated data breaks a rule; carries every problem found."""

    def __init__(self, problems: list[Problem]):
        self.problems = list(problems)
        lines = "\n".join(f"  - {p}" for p in self.problems)
        super().__init__(f"{len(self.problems)} problem(s) in the curated data:\n{lines}")


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


def _cell_message(err: Any, resource: dict[str, Any]) -> tuple[str, str]:
    """Return (rule, message) for a frictionless type or constraint error."""
    cell = err.cell
    fld = _schema_field(resource, err.field_name)
    if err.type == "type-error":
        kind = fld.get("type", "value")
        hint = {
            "number": "is not a number (digits, with a dot for decimals, e.g. 2.6)",
            "integer": "is not a whole number",
            "date": "is not a valid date (an existing day written YYYY-MM-DD)",
        }.get(kind, f"is not a valid {kind}")
        return "type", f"{_show(cell)} {hint}"
    match = re.match(r'constraint "(\w+)"', err.note or "")
    constraint = match.group(1) if match else "constraint"
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


def _run_frictionless(descriptor: dict[str, Any], data_dir: Path) -> Any:
    from frictionless import Package

    return Package(descriptor, basepath=str(data_dir)).validate()


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


def _frictionless_layer(descriptor: dict[str, Any], data_dir: Path) -> _Structure:
    """Validate with frictionless; translate its errors and drop its cascades."""
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

    report = _run_frictionless(_without(descriptor, broken) if broken else descriptor, data_dir)
    for err in report.errors:
        out.problems.append(Problem(paths.DESCRIPTOR, None, None, err.type, err.message))

    shaped: set[str] = set()
    for task in report.tasks:
        table = task.name
        resource = resources[table]
        errors = list(task.errors)
        row_errors = [e for e in errors if getattr(e, "row_number", None) is not None]
        other = [e for e in errors if getattr(e, "row_number", None) is None]
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
# Layer 2: package rules on readable tables

Tables = dict[str, pd.DataFrame]


def _rows(df: pd.DataFrame) -> Iterable[tuple[int, pd.Series]]:
    """Yield (spreadsheet row number, row) for each data row of ``df``."""
    for position, (_, row) in enumerate(df.iterrows()):
        yield position + 2, row


def _number(text: Any) -> float | None:
    if text is None or (isinstance(text, float) and pd.isna(text)) or str(text).strip() == "":
        return None
    try:
        return float(text)
    except ValueError:
        return None


def _blank(value: Any) -> bool:
    return value is None or (isinstance(value, float) and pd.isna(value)) or str(value) == ""


FACTS = "facts.csv"


def check_fact_values(facts: pd.DataFrame) -> list[Problem]:
    """Percent between 0 and 100; rank a whole number >= 1; counts whole numbers."""
    problems = []
    for row, fact in _rows(facts):
        value, unit, raw = _number(fact["value"]), fact["unit"], fact["value"]
        if value is None:
            continue
        if unit == "percent" and not 0 <= value <= 100:
            message = f"a percent must lie between 0 and 100, not {raw}"
            problems.append(Problem(FACTS, row, "value", "percent-range", message))
        elif unit == "rank" and (value < 1 or not value.is_integer()):
            message = f"a rank must be a whole number of at least 1, not {raw}"
            problems.append(Problem(FACTS, row, "value", "rank", message))
        elif unit in COUNT_UNITS and not value.is_integer():
            message = f"a count of {unit} must be a whole number, not {raw}"
            problems.append(Problem(FACTS, row, "value", "whole-count", message))
    return problems


def check_fact_units(facts: pd.DataFrame, metrics: pd.DataFrame) -> list[Problem]:
    """A fact's unit must be the unit its metric is stated in (metrics.csv)."""
    unit_of = dict(zip(metrics["metric_id"], metrics["unit"], strict=True))
    problems = []
    for row, fact in _rows(facts):
        expected = unit_of.get(fact["metric"])
        if _blank(expected) or _blank(fact["unit"]) or fact["unit"] == expected:
            continue  # an unknown metric or a rejected unit is reported by frictionless
        message = (
            f"unit {fact['unit']} differs from the unit of metric {fact['metric']} "
            f"in metrics.csv ({expected})"
        )
        problems.append(Problem(FACTS, row, "unit", "unit-matches-metric", message))
    return problems


def check_fact_periods(facts: pd.DataFrame) -> list[Problem]:
    """period_end only with period_start, and not before it."""
    problems = []
    for row, fact in _rows(facts):
        start, end = _number(fact["period_start"]), _number(fact["period_end"])
        if end is None:
            continue
        if _blank(fact["period_start"]):
            message = "period_end is given without period_start"
            problems.append(Problem(FACTS, row, "period_end", "period-end-needs-start", message))
        elif start is not None and end < start:
            message = (
                f"period_end {fact['period_end']} is before period_start {fact['period_start']}"
            )
            problems.append(Problem(FACTS, row, "period_end", "period-order", message))
    return problems


def share_tolerance(assumptions: pd.DataFrame) -> float | None:
    """Return the share-sum tolerance of assumptions.csv, or ``None`` when it is not there."""
    rows = assumptions[assumptions["assumption_id"] == SHARE_TOLERANCE_ID]
    return None if rows.empty else _number(rows.iloc[0]["value"])


def check_share_sums(facts: pd.DataFrame, tolerance: float) -> list[Problem]:
    """Public and private funding shares of one subject in one source add up to 100.

    Args:
        facts: the facts table.
        tolerance: how far the sum may miss 100, in percentage points.
    """
    groups: dict[tuple[str, str], list[tuple[int, pd.Series]]] = {}
    for row, fact in _rows(facts):
        if fact["metric"] in SHARE_METRICS:
            groups.setdefault((fact["source_id"], fact["subject"]), []).append((row, fact))
    problems = []
    for (source, subject), members in groups.items():
        values = [_number(f["value"]) for _, f in members]
        if None in values or {f["metric"] for _, f in members} != set(SHARE_METRICS):
            continue  # one share alone is not checkable; a rejected value is already reported
        total = sum(v for v in values if v is not None)
        if abs(total - 100) <= tolerance + 1e-9:
            continue
        parts = " + ".join(f"{f['metric']} (row {r})" for r, f in members)
        message = (
            f"{parts} of {subject} in {source} add up to {total:g}, not 100 "
            f"(tolerance {tolerance:g})"
        )
        last = max(r for r, _ in members)
        problems.append(Problem(FACTS, last, "value", "shares-sum", message))
    return problems


def check_duplicate_locators(facts: pd.DataFrame) -> list[Problem]:
    """The same locator, metric and subject appear once per source."""
    seen: dict[tuple[str, ...], int] = {}
    problems = []
    for row, fact in _rows(facts):
        key = (fact["source_id"], fact["locator"], fact["metric"], fact["subject"])
        if any(_blank(k) for k in key):
            continue
        if key in seen:
            message = f"same source, locator, metric and subject as row {seen[key]}"
            problems.append(Problem(FACTS, row, "locator", "duplicate-locator", message))
        else:
            seen[key] = row
    return problems


def check_ids_match_sources(df: pd.DataFrame, file: str, id_column: str) -> list[Problem]:
    """Ids built as letter + source number (F002-01, X004-03) carry their row's source number."""
    problems = []
    for row, item in _rows(df):
        ident, source = str(item[id_column]), str(item["source_id"])
        if _blank(ident) or _blank(source) or ident[1:4] == source[1:]:
            continue
        message = (
            f"{ident} does not carry the number of its source {source} "
            f"(expected {ident[:1]}{source[1:]}-..)"
        )
        problems.append(Problem(file, row, id_column, "id-matches-source", message))
    return problems


def check_locator_length(df: pd.DataFrame, file: str, column: str = "locator") -> list[Problem]:
    """A locator is a short excerpt: at most :data:`MAX_LOCATOR_WORDS` words."""
    problems = []
    for row, item in _rows(df):
        words = len(str(item[column]).split())
        if words > MAX_LOCATOR_WORDS:
            message = f"the locator has {words} words, more than {MAX_LOCATOR_WORDS}"
            problems.append(Problem(file, row, column, "locator-length", message))
    return problems


def check_version_differences(df: pd.DataFrame) -> list[Problem]:
    """A difference between two versions quotes at least one of them, and two documents."""
    file = "version_differences.csv"
    problems = []
    for row, item in _rows(df):
        if _blank(item["locator_a"]) and _blank(item["locator_b"]):
            message = "locator_a and locator_b are both empty: quote at least one version"
            problems.append(Problem(file, row, "locator_a", "locator-missing", message))
        if not _blank(item["source_a"]) and item["source_a"] == item["source_b"]:
            message = f"source_b is source_a ({item['source_a']}): name two versions"
            problems.append(Problem(file, row, "source_b", "same-source", message))
    return problems


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
    problems = []
    for row, item in _rows(df):
        precision = str(item["date_precision"])
        try:
            day = date.fromisoformat(str(item[date_column]))
        except ValueError:
            continue  # rejected by frictionless already
        expected = period_start(day, precision)
        if day != expected:
            first = "the Monday" if precision == "week" else "the first day"
            message = (
                f"{day.isoformat()} has precision '{precision}', so it must be {first} "
                f"of its {precision} ({expected.isoformat()})"
            )
            problems.append(Problem(file, row, date_column, "date-precision", message))
    return problems


def check_translation_of(sources: pd.DataFrame) -> list[Problem]:
    """A document is not a translation of itself."""
    problems = []
    for row, source in _rows(sources):
        if not _blank(source["translation_of"]) and source["translation_of"] == source["source_id"]:
            message = f"translation_of names the document itself ({source['source_id']})"
            problems.append(
                Problem("sources.csv", row, "translation_of", "translation-of-self", message)
            )
    return problems


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
    (("facts", "assumptions"), _rule_share_sums),
    (("facts",), lambda t: check_duplicate_locators(t["facts"])),
    (
        ("exclusions",),
        lambda t: check_ids_match_sources(t["exclusions"], "exclusions.csv", "exclusion_id"),
    ),
    (("events",), lambda t: check_date_precision(t["events"], "events.csv", "date")),
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


def _read_raw(path: Path) -> pd.DataFrame:
    """Read a CSV as text cells ('' for an empty cell), rows in file order."""
    return pd.read_csv(path, dtype=str, keep_default_na=False, encoding="utf-8-sig")


def _rule_layer(structure: _Structure, data_dir: Path) -> list[Problem]:
    tables: Tables = {}
    for name, file in structure.readable.items():
        df = _read_raw(data_dir / file)
        for table, row, column in structure.rejected:
            if table == name and column in df.columns:
                df.iloc[row - 2, df.columns.get_loc(column)] = ""
        tables[name] = df
    problems = []
    for needs, rule in RULES:
        if all(n in tables for n in needs):
            problems.extend(rule(tables))
    return problems


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


def _read_descriptor(data_dir: Path) -> tuple[dict[str, Any] | None, list[Problem]]:
    path = data_dir / paths.DESCRIPTOR
    if not path.is_file():
        return None, [
            Problem(paths.DESCRIPTOR, None, None, "missing-file", "the file does not exist")
        ]
    try:
        descriptor = json.loads(path.read_text(encoding="utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        return None, [Problem(paths.DESCRIPTOR, None, None, "descriptor", f"unreadable: {exc}")]
    from frictionless import Package
    from frictionless.exception import FrictionlessException

    try:
        Package(descriptor, basepath=str(data_dir))
    except FrictionlessException as exc:
        errs = exc.reasons or [exc.error]
        return None, [Problem(paths.DESCRIPTOR, None, None, e.type, e.message) for e in errs]
    return descriptor, []


def validate_package(data_dir: Path | str | None = None) -> list[Problem]:
    """Return every problem of the data package in ``data_dir`` (empty list when valid).

    Args:
        data_dir: folder holding ``datapackage.json`` and the CSVs; defaults to
            :func:`analysis.paths.data_dir`.

    Returns:
        All problems of both layers, ordered by file (descriptor order), row and column.
    """
    data_dir = Path(data_dir) if data_dir else paths.data_dir()
    descriptor, problems = _read_descriptor(data_dir)
    if descriptor is None:
        return problems
    structure = _frictionless_layer(descriptor, data_dir)
    problems = structure.problems + _rule_layer(structure, data_dir)
    return _order(problems, descriptor)
