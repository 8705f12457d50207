"""The corpus of broken data copies: each case yields exactly the expected problems, everywhere.

A case is a folder of tests/broken/ holding only the files that differ from data/; the test
copies data/ to a temporary folder and overlays them.
"""

from pathlib import Path

import pytest

from analysis.data.check import check_data_command
from analysis.data.load import load_data
from analysis.data.validate import DataValidationError

BROKEN_DIR = Path(__file__).parent / "broken"
NUMBER_HINT = "is not a number (digits, with a dot for decimals, e.g. 2.6)"
UNITS = (
    "EUR_million, EUR_billion, percent, jobs, employees, organisations, companies, people, "
    "workpackages, years, rank"
)

EXPECTED = {
    "missing_column": [
        "facts.csv, row 1, field 'unit': column 'unit' is missing from the header [missing-column]"
    ],
    "wrong_type": [f"""facts.csv, row 2, field 'value': "2,6" {NUMBER_HINT} [type]"""],
    "unknown_source": [
        """facts.csv, row 2, field 'source_id': "S005" is not a source_id in sources.csv"""
        " [foreign-key]"
    ],
    "duplicate_id": [
        """facts.csv, row 3, field 'fact_id': "F002-01" is already used in row 2 [unique]"""
    ],
    "negative_count": ["facts.csv, row 2, field 'value': -26 is below the minimum 0 [minimum]"],
    "percent_above_100": [
        "facts.csv, row 2, field 'value': a percent must lie between 0 and 100, not 780"
        " [percent-range]"
    ],
    "unknown_unit": [f"""facts.csv, row 2, field 'unit': "MEUR" is not one of: {UNITS} [enum]"""],
    "unknown_qualifier": [
        """facts.csv, row 2, field 'qualifier': "approximately" is not one of: exact, about,"""
        " nearly, more_than, at_least, at_most, less_than [enum]"
    ],
    "invalid_date": [
        """events.csv, row 3, field 'date': "2021-02-30" is not a valid date"""
        " (an existing day written YYYY-MM-DD) [type]"
    ],
    "shares_not_100": [
        "facts.csv, row 3, field 'value': public_funding_share (row 2) + private_funding_share"
        " (row 3) of pit_atmp in S002 add up to 90, not 100 (tolerance 0.5) [shares-sum]"
    ],
    "unit_not_metric": [
        "facts.csv, row 2, field 'unit': unit EUR_million differs from the unit of metric"
        " market_size in metrics.csv (EUR_billion) [unit-matches-metric]"
    ],
    "empty_file": [
        "exclusions.csv: the file is empty: it needs at least the header row [empty-file]"
    ],
    "not_utf8": [
        "exclusions.csv, row 2: the file is not UTF-8: byte 0xc0 at line 2, column 14 cannot"
        " be decoded (save the file as UTF-8) [encoding]"
    ],
    "descriptor_null": [
        "datapackage.json: a Data Package descriptor is a JSON object ({...}), not null"
        " [descriptor]"
    ],
    "descriptor_array": [
        "datapackage.json: a Data Package descriptor is a JSON object ({...}), not an array"
        " [descriptor]"
    ],
    # facts.csv says 780 % (F002-14): were the table undeclared, it would go unvalidated.
    "facts_not_declared": [
        "datapackage.json: table 'facts' is not declared: every table the reports read must be"
        " described here, so that it is validated [missing-resource]"
    ],
    # Notations frictionless reads as numbers: 1e400 and inf (infinite once a float), nan,
    # 8_1 (81), 1e-400 (0), a signed zero, and 2_024 (2024) for a whole number.
    "number_notations": [
        f"""facts.csv, row 2, field 'value': "1e400" {NUMBER_HINT} [type]""",
        f"""facts.csv, row 3, field 'value': "inf" {NUMBER_HINT} [type]""",
        f"""facts.csv, row 4, field 'value': "nan" {NUMBER_HINT} [type]""",
        """facts.csv, row 5, field 'value': "-0" is zero with a minus sign: write 0"""
        " [negative-zero]",
        f"""facts.csv, row 6, field 'value': "8_1" {NUMBER_HINT} [type]""",
        f"""facts.csv, row 7, field 'value': "1e-400" {NUMBER_HINT} [type]""",
        """facts.csv, row 8, field 'period_start': "2_024" is not a whole number [type]""",
    ],
    # E14 (week of 2022-06-06) said to restate E17 (2024-01-17), an event reported later.
    "restates_later": [
        "events.csv, row 15, field 'restates': E17 is dated 2024-01-17, after this event"
        " (2022-06-06): an event can only restate one dated no later than itself"
        " [restates-earlier]"
    ],
    "label_formula": [
        """metrics.csv, row 2, field 'label_en': "$\\frac{$" holds 2 dollar signs, which a"""
        " chart would read as a formula (matplotlib mathtext) [formula-text]"
    ],
    "two_files": [
        "sources.csv, row 2, field 'pub_date': 2021-02-15 has precision 'month', so it must be"
        " the first day of its month (2021-02-01) [date-precision]",
        f"""facts.csv, row 2, field 'value': "environ 60" {NUMBER_HINT} [type]""",
    ],
}


def test_every_case_folder_has_its_expectation():
    folders = {p.name for p in BROKEN_DIR.iterdir() if p.is_dir()}
    assert folders == set(EXPECTED)


def test_the_latin1_case_really_is_not_utf8():
    raw = (BROKEN_DIR / "not_utf8" / "exclusions.csv").read_bytes()
    assert b"\xc0 l'initiative" in raw  # "À" in latin-1, kept byte-exact by .gitattributes
    with pytest.raises(UnicodeDecodeError):
        raw.decode("utf-8")


@pytest.mark.parametrize("case", sorted(EXPECTED))
def test_broken_case_is_reported_exactly(case, data_copy, capsys):
    expected = EXPECTED[case]
    folder = data_copy(case)

    with pytest.raises(DataValidationError) as raised:
        load_data(folder)
    assert [str(p) for p in raised.value.problems] == expected

    assert check_data_command(folder) == 1
    out = capsys.readouterr().out.splitlines()
    noun = "problem" if len(expected) == 1 else "problems"
    assert out == [f"Data package {folder}: {len(expected)} {noun}"] + [
        f"  - {line}" for line in expected
    ]


def test_the_command_line_reports_problems_and_exits_1(data_copy, capsys):
    from analysis.cli import main

    folder = data_copy("two_files")
    assert main(["check-data", "--data", str(folder)]) == 1
    out = capsys.readouterr().out.splitlines()
    assert out == [f"Data package {folder}: 2 problems"] + [
        f"  - {line}" for line in EXPECTED["two_files"]
    ]


def test_the_command_line_summarises_valid_data_and_exits_0(capsys):
    from analysis import paths
    from analysis.cli import main

    assert main(["check-data", "--data", str(paths.DATA_DIR)]) == 0
    assert capsys.readouterr().out.startswith(f"Data package {paths.DATA_DIR}: valid\n")
