"""The validation layer as a whole: real data valid, frictionless errors wrapped, no cascades."""

import csv
import json
from pathlib import Path

import pytest

from analysis import paths
from analysis.data.check import check_data_command
from analysis.data.load import TABLES, load_data
from analysis.data.validate import (
    DataValidationError,
    Problem,
    validate_package,
)

NUMBER_HINT = "is not a number (digits, with a dot for decimals, e.g. 2.6)"


def replace(path, old, new):
    text = path.read_text(encoding="utf-8")
    assert old in text, old
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def messages(folder):
    return [str(p) for p in validate_package(folder)]


# --- the curated data ------------------------------------------------------------------------


def test_curated_data_is_valid():
    assert validate_package(paths.DATA_DIR) == []


def test_load_data_returns_every_table_typed():
    data = load_data(paths.DATA_DIR)
    for name in TABLES:
        with (paths.DATA_DIR / f"{name}.csv").open(encoding="utf-8", newline="") as handle:
            assert len(getattr(data, name)) == sum(1 for _ in csv.DictReader(handle)), name
    budget = data.facts.set_index("fact_id").loc["F002-01"]
    assert (budget["value"], budget["unit"], budget["source_id"]) == (81.0, "EUR_million", "S002")
    assert str(data.facts["period_start"].dtype) == "Int64"
    assert data.sources.set_index("source_id").loc["S002", "pub_date"].isoformat() == "2024-01-17"


def test_check_data_prints_a_summary_and_exits_0(capsys):
    assert check_data_command(paths.DATA_DIR) == 0
    out = capsys.readouterr().out
    lines = out.splitlines()
    assert lines[0] == f"Data package {paths.DATA_DIR}: valid"
    for name in TABLES:
        with (paths.DATA_DIR / f"{name}.csv").open(encoding="utf-8", newline="") as handle:
            rows = sum(1 for _ in csv.DictReader(handle))
        # names padded to the longest, "version_differences" (19 characters)
        assert f"  {name:<19}  {rows:>4}" in lines
    data = load_data(paths.DATA_DIR)
    per_source = data.facts["source_id"].astype(str).value_counts()
    s002 = next(line.split() for line in lines if line.startswith("  S002 "))
    assert s002 == [
        "S002",
        "fr",
        "2024-01-17",
        "(day)",
        "002_e920d77f1e51e477.txt",
        str(per_source["S002"]),
        "4",
    ]
    assert "Exclusions per reason and document" in lines
    contact = next(line for line in lines if line.startswith("  contact "))
    assert contact.split()[1:] == ["0", "0", "2", "0", "3", "5"]


def test_check_data_uses_the_data_environment_variable(data_copy, monkeypatch, capsys):
    folder = data_copy()
    replace(
        folder / "facts.csv",
        ",81,EUR_million,exact,,,un budget",
        ",81,EUR_billion,exact,,,un budget",
    )
    monkeypatch.setenv(paths.DATA_ENV, str(folder))
    assert check_data_command(None) == 1
    assert "[unit-matches-metric]" in capsys.readouterr().out


# --- Problem and the error ---------------------------------------------------------------


def test_problem_names_file_row_field_and_rule():
    problem = Problem("facts.csv", 5, "value", "type", "bad")
    assert str(problem) == "facts.csv, row 5, field 'value': bad [type]"
    assert (
        str(Problem("facts.csv", None, None, "empty-file", "empty"))
        == "facts.csv: empty [empty-file]"
    )


def test_data_validation_error_lists_every_problem():
    error = DataValidationError(
        [Problem("a.csv", 2, "x", "r", "one"), Problem("b.csv", 3, None, "s", "two")]
    )
    assert str(error) == (
        "2 problems in the curated data:\n  - a.csv, row 2, field 'x': one [r]\n"
        "  - b.csv, row 3: two [s]"
    )


# --- frictionless errors, wrapped, without cascades ------------------------------------------


def test_all_problems_of_all_files_are_listed_in_file_then_row_order(data_copy):
    folder = data_copy()
    replace(folder / "facts.csv", ",81,EUR_million", ",eighty,EUR_million")
    replace(folder / "facts.csv", "F001-02,S001", "F001-02,S009")
    replace(folder / "events.csv", "E02,2021-02-01", "E02,2021-02-30")
    replace(folder / "metrics.csv", "budget,funding,EUR_million", "budget,funding,MEUR")
    # F002-01 ("eighty") is row 7: the header, then F001-01 to F001-05
    assert messages(folder) == [
        """metrics.csv, row 2, field 'unit': "MEUR" is not one of: EUR_million, EUR_billion, """
        "percent, jobs, employees, organisations, companies, people, workpackages, years, rank"
        " [enum]",
        "facts.csv, row 3, field 'fact_id': F001-02 does not carry the number of its source S009"
        " (expected F009-..) [id-matches-source]",
        """facts.csv, row 3, field 'source_id': "S009" is not a source_id in sources.csv"""
        " [foreign-key]",
        f"""facts.csv, row 7, field 'value': "eighty" {NUMBER_HINT} [type]""",
        """events.csv, row 3, field 'date': "2021-02-30" is not a valid date (an existing day"""
        " written YYYY-MM-DD) [type]",
    ]


def test_row_numbers_agree_between_frictionless_and_the_rules(data_copy):
    # Row 7 (F002-01, after F001-01 to F001-05) breaks an enum (frictionless) and the period
    # order (package rule).
    folder = data_copy()
    replace(
        folder / "facts.csv",
        "EUR_million,exact,,,un budget de 81M€",
        "EUR_million,roughly,2025,2024,un budget de 81M€",
    )
    assert messages(folder) == [
        """facts.csv, row 7, field 'qualifier': "roughly" is not one of: exact, about, nearly,"""
        " more_than, at_least, at_most, less_than [enum]",
        "facts.csv, row 7, field 'period_end': period_end 2024 is before period_start 2025"
        " [period-order]",
    ]


def test_rows_are_counted_as_records_not_lines(data_copy):
    # A quoted cell over two lines: the next rows keep the number a spreadsheet shows.
    folder = data_copy()
    replace(folder / "facts.csv", "F001-02,S001,body", 'F001-02,S001,"bo\ndy"')
    replace(folder / "facts.csv", ",81,EUR_million", ",eighty,EUR_million")
    assert messages(folder) == [
        """facts.csv, row 3, field 'section': "bo\\ndy" is not one of: title, lead, body, quote,"""
        " key_figures, boilerplate [enum]",
        f"""facts.csv, row 7, field 'value': "eighty" {NUMBER_HINT} [type]""",
    ]


def test_an_empty_referenced_table_does_not_cascade(data_copy):
    # frictionless alone reports every foreign key into the empty sources.csv.
    folder = data_copy()
    (folder / "sources.csv").write_bytes(b"")
    replace(folder / "facts.csv", ",81,EUR_million", ",eighty,EUR_million")
    assert messages(folder) == [
        "sources.csv: the file is empty: it needs at least the header row [empty-file]",
        f"""facts.csv, row 7, field 'value': "eighty" {NUMBER_HINT} [type]""",
    ]


def test_a_non_utf8_lookup_table_is_reported_once_and_its_users_still_checked(data_copy):
    # frictionless alone blames facts.csv too, and stops checking it.
    folder = data_copy()
    metrics = folder / "metrics.csv"
    # saved as a Windows spreadsheet would (cp1252 holds the typographic apostrophe)
    metrics.write_bytes(metrics.read_text(encoding="utf-8").encode("cp1252"))
    replace(folder / "facts.csv", ",81,EUR_million", ",eighty,EUR_million")
    assert messages(folder) == [
        "metrics.csv, row 3: the file is not UTF-8: byte 0xe9 at line 3, column 27 cannot be"
        " decoded (save the file as UTF-8) [encoding]",
        f"""facts.csv, row 7, field 'value': "eighty" {NUMBER_HINT} [type]""",
    ]


def test_a_missing_column_is_one_problem_not_one_per_row(data_copy):
    # frictionless alone reports a label error per column and an extra cell per row.
    folder = data_copy()
    lines = (folder / "metrics.csv").read_text(encoding="utf-8").splitlines()
    kept = [",".join(row[:2] + row[3:]) for row in csv.reader(lines)]
    (folder / "metrics.csv").write_text("\n".join(kept) + "\n", encoding="utf-8")
    assert messages(folder) == [
        "metrics.csv, row 1, field 'unit': column 'unit' is missing from the header"
        " [missing-column]"
    ]


def test_unexpected_and_misordered_columns(data_copy):
    folder = data_copy()
    header = "assumption_id,value,unit,label_fr,label_en,rationale_fr,rationale_en"
    replace(folder / "assumptions.csv", header, header.replace("value,unit", "unit,value"))
    replace(folder / "subjects.csv", "label_en,description", "label_en,description,extra")
    assert messages(folder) == [
        "subjects.csv, row 1, field 'extra': column 'extra' is not in the schema"
        " [unexpected-column]",
        "assumptions.csv, row 1: the columns must be in this order: assumption_id, value, unit,"
        " label_fr, label_en, rationale_fr, rationale_en [column-order]",
    ]


def test_a_missing_file(data_copy):
    folder = data_copy()
    (folder / "relations.csv").unlink()
    assert messages(folder) == ["relations.csv: the file does not exist [missing-file]"]


def test_row_shape_errors_replace_the_cells_they_shift(data_copy):
    folder = data_copy()
    replace(
        folder / "metrics.csv",
        "Budget,Budget,Total budget of a programme over its stated duration.",
        "Budget,Budget",
    )
    replace(folder / "facts.csv", "\nF001-02", "\n\nF001-02")
    assert messages(folder) == [
        "metrics.csv, row 2, field 'description': the row has fewer cells than the header"
        " [missing-cell]",
        "facts.csv, row 3: the row is blank [blank-row]",
    ]


def test_a_pattern_error_is_not_repeated_as_a_foreign_key(data_copy):
    folder = data_copy()
    replace(folder / "exclusions.csv", "X000-01,S000", "X000-01,S0")
    assert messages(folder) == [
        """exclusions.csv, row 2, field 'source_id': "S0" does not match the pattern S\\d{3}"""
        " [pattern]"
    ]


def test_missing_required_value_and_duplicate_key(data_copy):
    folder = data_copy()
    replace(
        folder / "organisations.csv",
        "essenscia_wallonie,essenscia wallonie,federation",
        "essenscia_wallonie,,federation",
    )
    subjects = folder / "subjects.csv"
    biowin = next(
        line
        for line in subjects.read_text(encoding="utf-8").splitlines()
        if line.startswith("biowin,")
    )
    with subjects.open("a", encoding="utf-8") as handle:
        handle.write(biowin + "\n")
    assert messages(folder) == [
        """subjects.csv, row 14, field 'subject_id': "biowin" is already used in row 8 [unique]""",
        "organisations.csv, row 3, field 'name': a value is required [required]",
    ]


def test_a_missing_assumption_is_reported(data_copy):
    folder = data_copy()
    text = (folder / "assumptions.csv").read_text(encoding="utf-8")
    kept = [line for line in text.splitlines() if not line.startswith("share_sum_tolerance")]
    (folder / "assumptions.csv").write_text("\n".join(kept) + "\n", encoding="utf-8")
    assert messages(folder) == [
        "assumptions.csv, field 'assumption_id': assumption 'share_sum_tolerance' is missing"
        " (the shares-sum rule needs it) [missing-assumption]"
    ]


def test_a_missing_descriptor(tmp_path):
    assert messages(tmp_path) == ["datapackage.json: the file does not exist [missing-file]"]


def test_an_unreadable_descriptor(data_copy):
    folder = data_copy()
    (folder / "datapackage.json").write_text('{"resources": ', encoding="utf-8")
    assert messages(folder) == [
        "datapackage.json: unreadable: Expecting value: line 1 column 15 (char 14) [descriptor]"
    ]


def test_an_invalid_descriptor(data_copy):
    folder = data_copy()
    descriptor = json.loads((folder / "datapackage.json").read_text(encoding="utf-8"))
    descriptor["resources"][0]["name"] = 1
    (folder / "datapackage.json").write_text(json.dumps(descriptor), encoding="utf-8")
    problems = validate_package(folder)
    assert [(p.file, p.rule) for p in problems] == [("datapackage.json", "resource-error")]
    assert "1 is not of type 'string'" in problems[0].message


def test_load_data_runs_nothing_on_invalid_data(data_copy):
    folder = data_copy()
    replace(folder / "facts.csv", ",81,EUR_million", ",eighty,EUR_million")
    with pytest.raises(DataValidationError, match="1 problem"):
        load_data(folder)


# --- the descriptor ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "kind"),
    [('"facts"', "a string"), ("81", "a number"), ("true", "true or false"), ("null", "null")],
)
def test_a_descriptor_that_is_not_an_object(data_copy, text, kind):
    folder = data_copy()
    (folder / "datapackage.json").write_text(text, encoding="utf-8")
    assert messages(folder) == [
        f"datapackage.json: a Data Package descriptor is a JSON object ({{...}}), not {kind}"
        " [descriptor]"
    ]
    with pytest.raises(DataValidationError, match="1 problem in the curated data"):
        load_data(folder)


def test_a_schema_kept_in_another_file_is_refused(data_copy):
    folder = data_copy()
    descriptor = json.loads((folder / "datapackage.json").read_text(encoding="utf-8"))
    relations = next(r for r in descriptor["resources"] if r["name"] == "relations")
    (folder / "relations.schema.json").write_text(json.dumps(relations["schema"]), "utf-8")
    relations["schema"] = "relations.schema.json"
    (folder / "datapackage.json").write_text(json.dumps(descriptor), encoding="utf-8")
    assert messages(folder) == [
        """datapackage.json: resource 'relations' must name one CSV file in "path" and give"""
        """ its table schema inline in "schema" [descriptor]"""
    ]


def test_every_table_loaded_must_be_declared(data_copy):
    folder = data_copy()
    descriptor = json.loads((folder / "datapackage.json").read_text(encoding="utf-8"))
    descriptor["resources"] = [
        r for r in descriptor["resources"] if r["name"] not in ("events", "assumptions")
    ]
    for resource in descriptor["resources"]:
        resource["schema"]["foreignKeys"] = [
            fk
            for fk in resource["schema"].get("foreignKeys", [])
            if fk["reference"]["resource"] != "events"
        ]
    (folder / "datapackage.json").write_text(json.dumps(descriptor), encoding="utf-8")
    assert messages(folder) == [
        f"datapackage.json: table '{name}' is not declared: every table the reports read must"
        " be described here, so that it is validated [missing-resource]"
        for name in ("events", "assumptions")
    ]


def test_the_descriptor_declares_a_tabular_package_and_namespaced_properties():
    from frictionless import Package

    descriptor = json.loads((paths.DATA_DIR / "datapackage.json").read_text(encoding="utf-8"))
    assert descriptor["profile"] == "tabular-data-package"
    assert Package(descriptor, basepath=str(paths.DATA_DIR)).profile == "tabular-data-package"
    standard = {"profile", "name", "title", "description", "version", "licenses", "resources"}
    custom = set(descriptor) - standard
    assert custom == {"dc:rights"}  # custom properties are written namespace:propertyName


# --- types come from the descriptor ------------------------------------------------------


def test_column_types_follow_the_descriptor():
    data = load_data(paths.DATA_DIR)
    descriptor = json.loads((paths.DATA_DIR / "datapackage.json").read_text(encoding="utf-8"))
    for resource in descriptor["resources"]:
        table = getattr(data, resource["name"])
        # Closed lists: an enum, or a key into another table ("" is the table itself).
        referencing = {
            name
            for key in resource["schema"].get("foreignKeys", [])
            if key["reference"]["resource"]
            for name in key["fields"]
        }
        for fld in resource["schema"]["fields"]:
            dtype = str(table[fld["name"]].dtype)
            expected = {"integer": "Int64", "number": "float64"}.get(fld["type"])
            if "enum" in fld.get("constraints", {}) or fld["name"] in referencing:
                expected = "category"
            if expected:
                assert dtype == expected, (resource["name"], fld["name"])
            else:
                assert dtype not in ("category", "Int64", "float64"), (resource["name"], fld)


def test_changing_a_type_in_the_descriptor_changes_the_loaded_column(data_copy):
    folder = data_copy()
    descriptor = json.loads((folder / "datapackage.json").read_text(encoding="utf-8"))
    facts = next(r for r in descriptor["resources"] if r["name"] == "facts")
    section = next(f for f in facts["schema"]["fields"] if f["name"] == "section")
    del section["constraints"]["enum"]  # no longer a closed list: plain text
    period = next(f for f in facts["schema"]["fields"] if f["name"] == "period_end")
    period["type"] = "number"
    facts["schema"]["foreignKeys"] = [  # metric no longer a key into metrics.csv
        key for key in facts["schema"]["foreignKeys"] if key["fields"] != ["metric"]
    ]
    (folder / "datapackage.json").write_text(json.dumps(descriptor), encoding="utf-8")
    data = load_data(folder)
    assert str(data.facts["section"].dtype) != "category"
    assert str(data.facts["metric"].dtype) != "category"
    assert str(data.facts["period_end"].dtype) == "float64"
    assert str(data.facts["subject"].dtype) == "category"  # still a key into subjects.csv


def test_load_data_reads_each_table_once(monkeypatch):
    import pandas as pd

    read = []
    original = pd.read_csv
    monkeypatch.setattr(
        pd, "read_csv", lambda path, **kw: read.append(path) or original(path, **kw)
    )
    load_data(paths.DATA_DIR)
    assert sorted(Path(p).name for p in read) == sorted(f"{name}.csv" for name in TABLES)


# --- how many problems -------------------------------------------------------------------


def broken_units(folder, count):
    """Give ``count`` facts the unknown unit MEUR (each an enum problem)."""
    lines = (folder / "facts.csv").read_text(encoding="utf-8").splitlines()
    header, first = lines[0], lines[1]
    rows = []
    for i in range(count):
        cells = next(csv.reader([first]))
        cells[0] = f"F001-{i % 100:02d}"  # the ids repeat: only the first 100 are unique
        cells[7] = "MEUR"
        cells[11] = f"locator {i}"
        rows.append(cells)
    with (folder / "facts.csv").open("w", encoding="utf-8", newline="") as handle:
        handle.write(header + "\n")
        csv.writer(handle, lineterminator="\n").writerows(rows)


def test_more_problems_than_listed_are_counted(data_copy, capsys):
    folder = data_copy()
    broken_units(folder, 1200)
    # 1,200 unknown units + 1,100 ids already used (rows 102 to 1,201) = 2,300 problems.
    assert check_data_command(folder) == 1
    out = capsys.readouterr().out.splitlines()
    assert out[0] == f"Data package {folder}: 2,300 problems, the first 1,000 listed"
    assert len(out) == 1 + 1000
    with pytest.raises(DataValidationError) as raised:
        load_data(folder)
    assert str(raised.value).startswith("2,300 problems, the first 1,000 listed in the curated")
    assert str(raised.value).count("\n  - ") == 1000


def test_a_count_that_stopped_says_more_than(data_copy, monkeypatch, capsys):
    monkeypatch.setattr("analysis.data.validate.COUNT_LIMIT", 30)
    folder = data_copy()
    broken_units(folder, 40)
    assert check_data_command(folder) == 1
    assert (
        capsys.readouterr().out.splitlines()[0] == f"Data package {folder}: more than 30 problems"
    )


def test_a_descriptor_nested_too_deeply(data_copy):
    folder = data_copy()
    (folder / "datapackage.json").write_text("[" * 100_000 + "]" * 100_000, encoding="utf-8")
    assert messages(folder) == ["datapackage.json: unreadable: nested too deeply [descriptor]"]
