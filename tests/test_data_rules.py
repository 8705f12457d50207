"""The package rules frictionless cannot express, each on a tiny table of text cells."""

from datetime import date

import pandas as pd
import pytest

from analysis.data.validate import (
    Problem,
    check_date_precision,
    check_duplicate_locators,
    check_fact_periods,
    check_fact_units,
    check_fact_values,
    check_formula_text,
    check_ids_match_sources,
    check_inferred_values,
    check_locator_length,
    check_number_cells,
    check_restates,
    check_share_sums,
    check_translation_of,
    check_version_differences,
    period_start,
    share_tolerance,
)


def frame(*rows: dict) -> pd.DataFrame:
    """A table as the rules see it: every cell text, '' when empty."""
    return pd.DataFrame(list(rows)).fillna("").astype(str)


def fact(**cells) -> dict:
    base = {
        "fact_id": "F002-01",
        "source_id": "S002",
        "metric": "budget",
        "subject": "pit_atmp",
        "value": "81",
        "unit": "EUR_million",
        "period_start": "",
        "period_end": "",
        "locator": "un budget de 81M€ sur 3 ans",
    }
    return base | cells


# --- values by unit ----------------------------------------------------------------------


@pytest.mark.parametrize("value", ["0", "2.6", "66.67", "100"])
def test_percent_within_0_and_100_passes(value):
    assert check_fact_values(frame(fact(unit="percent", value=value))) == []


def test_percent_above_100_is_reported():
    facts = frame(fact(unit="percent", value="60"), fact(unit="percent", value="100.5"))
    assert check_fact_values(facts) == [
        Problem(
            "facts.csv",
            3,
            "value",
            "percent-range",
            "a percent must lie between 0 and 100, not 100.5",
        )
    ]


@pytest.mark.parametrize("value", ["0", "2.5", "-1"])
def test_rank_must_be_a_whole_number_from_1(value):
    assert check_fact_values(frame(fact(unit="rank", value=value))) == [
        Problem(
            "facts.csv",
            2,
            "value",
            "rank",
            f"a rank must be a whole number of at least 1, not {value}",
        )
    ]


def test_rank_1_passes():
    assert (
        check_fact_values(frame(fact(unit="rank", value="1"), fact(unit="rank", value="3.0"))) == []
    )


@pytest.mark.parametrize(
    "unit", ["jobs", "companies", "organisations", "people", "workpackages", "employees"]
)
def test_counts_must_be_whole_numbers(unit):
    facts = frame(fact(unit=unit, value="470"), fact(unit=unit, value="470.5"))
    assert check_fact_values(facts) == [
        Problem(
            "facts.csv",
            3,
            "value",
            "whole-count",
            f"a count of {unit} must be a whole number, not 470.5",
        )
    ]


def test_non_count_units_may_have_decimals():
    facts = frame(fact(unit="years", value="2.5"), fact(unit="EUR_billion", value="10.5"))
    assert check_fact_values(facts) == []


def test_values_frictionless_rejected_are_skipped():
    # A rejected cell is blanked before the rules run: nothing more is said about it.
    assert check_fact_values(frame(fact(unit="percent", value=""))) == []


# --- unit of the metric ------------------------------------------------------------------

METRICS = frame(
    {"metric_id": "budget", "unit": "EUR_million"},
    {"metric_id": "market_size", "unit": "EUR_billion"},
)


def test_fact_unit_must_be_its_metric_unit():
    facts = frame(fact(), fact(metric="market_size", unit="EUR_million"))
    assert check_fact_units(facts, METRICS) == [
        Problem(
            "facts.csv",
            3,
            "unit",
            "unit-matches-metric",
            "unit EUR_million differs from the unit of metric market_size in metrics.csv "
            "(EUR_billion)",
        )
    ]


def test_unknown_metric_is_left_to_the_foreign_key():
    assert check_fact_units(frame(fact(metric="nope", unit="percent")), METRICS) == []


# --- periods -------------------------------------------------------------------------------


def test_period_end_without_start():
    facts = frame(fact(period_end="2029"))
    assert check_fact_periods(facts) == [
        Problem(
            "facts.csv",
            2,
            "period_end",
            "period-end-needs-start",
            "period_end is given without period_start",
        )
    ]


def test_period_end_before_start():
    facts = frame(
        fact(period_start="2024", period_end="2029"),
        fact(period_start="2025", period_end="2025"),
        fact(period_start="2025", period_end="2019"),
    )
    assert check_fact_periods(facts) == [
        Problem(
            "facts.csv",
            4,
            "period_end",
            "period-order",
            "period_end 2019 is before period_start 2025",
        )
    ]


def test_period_start_alone_is_fine():
    assert check_fact_periods(frame(fact(period_start="2023"))) == []


# --- figures the text implies ------------------------------------------------------------


def test_an_inferred_figure_needs_a_note():
    facts = frame(
        fact(value_basis="", note=""),
        fact(value_basis="inferred", note="Germany comes before the second partner."),
        fact(value_basis="inferred", note=""),
    )
    assert check_inferred_values(facts) == [
        Problem(
            "facts.csv",
            4,
            "note",
            "inferred-needs-note",
            "value_basis is inferred but the note is empty: say how the text implies the figure",
        )
    ]


def test_the_inferred_rule_leaves_a_missing_column_to_frictionless():
    assert check_inferred_values(frame(fact())) == []


# --- shares of one budget --------------------------------------------------------------------


def shares(public: str, private: str, source: str = "S002") -> list[dict]:
    return [
        fact(source_id=source, metric="public_funding_share", value=public, unit="percent"),
        fact(source_id=source, metric="private_funding_share", value=private, unit="percent"),
    ]


def test_shares_adding_up_to_100_pass():
    assert check_share_sums(frame(*shares("60", "40")), tolerance=0.5) == []


def test_shares_within_tolerance_pass():
    assert check_share_sums(frame(*shares("60.3", "40")), tolerance=0.5) == []


def test_shares_not_adding_up_are_reported_once_on_the_later_row():
    facts = frame(fact(), *shares("60", "30"))
    assert check_share_sums(facts, tolerance=0.5) == [
        Problem(
            "facts.csv",
            4,
            "value",
            "shares-sum",
            "public_funding_share (row 3) + private_funding_share (row 4) of pit_atmp in S002 "
            "add up to 90, not 100 (tolerance 0.5)",
        )
    ]


def test_shares_are_summed_per_source():
    # 60 in S002 and 40 in S003 are two separate statements, each with one share only.
    facts = frame(*shares("60", "35", source="S002"), *shares("65", "35", source="S003"))
    assert [p.row for p in check_share_sums(facts, tolerance=0.5)] == [3]


def test_a_single_share_is_not_checked():
    assert check_share_sums(frame(shares("60", "40")[0]), tolerance=0.5) == []


def test_share_tolerance_comes_from_assumptions():
    assumptions = frame(
        {"assumption_id": "cagr_tolerance", "value": "1.0"},
        {"assumption_id": "share_sum_tolerance", "value": "0.5"},
    )
    assert share_tolerance(assumptions) == 0.5
    assert share_tolerance(assumptions.iloc[:1]) is None


# --- locators --------------------------------------------------------------------------------


def test_locator_of_15_words_passes_16_does_not():
    fifteen = " ".join(["mot"] * 15)
    facts = frame(fact(locator=fifteen), fact(locator=fifteen + " de"))
    assert check_locator_length(facts, "facts.csv") == [
        Problem(
            "facts.csv", 3, "locator", "locator-length", "the locator has 16 words, more than 15"
        )
    ]


def test_same_locator_metric_and_subject_twice_in_a_source():
    facts = frame(
        fact(fact_id="F002-01"),
        fact(fact_id="F002-02", metric="duration", unit="years"),  # same locator, other metric
        fact(fact_id="F003-01", source_id="S003"),  # same locator, other source
        fact(fact_id="F002-03"),
    )
    assert check_duplicate_locators(facts) == [
        Problem(
            "facts.csv",
            5,
            "locator",
            "duplicate-locator",
            "same source, locator, metric and subject as row 2",
        )
    ]


def test_ids_carry_their_source_number():
    facts = frame(fact(fact_id="F002-01"), fact(fact_id="F003-01"))
    assert check_ids_match_sources(facts, "facts.csv", "fact_id") == [
        Problem(
            "facts.csv",
            3,
            "fact_id",
            "id-matches-source",
            "F003-01 does not carry the number of its source S002 (expected F002-..)",
        )
    ]


# --- dates -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("day", "precision", "first"),
    [
        (date(2024, 1, 17), "day", date(2024, 1, 17)),
        (date(2022, 6, 8), "week", date(2022, 6, 6)),  # a Wednesday -> its Monday
        (date(2021, 2, 15), "month", date(2021, 2, 1)),
        (date(2023, 11, 30), "quarter", date(2023, 10, 1)),
        (date(2023, 3, 31), "quarter", date(2023, 1, 1)),
        (date(2024, 5, 14), "year", date(2024, 1, 1)),
    ],
)
def test_period_start(day, precision, first):
    assert period_start(day, precision) == first


def test_coarse_dates_must_be_first_days():
    events = frame(
        {"date": "2021-02-01", "date_precision": "month"},
        {"date": "2023-01-01", "date_precision": "year"},
        {"date": "2023-10-01", "date_precision": "quarter"},
        {"date": "2022-06-06", "date_precision": "week"},
        {"date": "2021-02-15", "date_precision": "month"},
        {"date": "2023-06-01", "date_precision": "year"},
        {"date": "2023-11-01", "date_precision": "quarter"},
        {"date": "2022-06-08", "date_precision": "week"},
        {"date": "2024-05-14", "date_precision": "day"},
    )
    problems = check_date_precision(events, "events.csv", "date")
    assert [str(p) for p in problems] == [
        "events.csv, row 6, field 'date': 2021-02-15 has precision 'month', so it must be the "
        "first day of its month (2021-02-01) [date-precision]",
        "events.csv, row 7, field 'date': 2023-06-01 has precision 'year', so it must be the "
        "first day of its year (2023-01-01) [date-precision]",
        "events.csv, row 8, field 'date': 2023-11-01 has precision 'quarter', so it must be the "
        "first day of its quarter (2023-10-01) [date-precision]",
        "events.csv, row 9, field 'date': 2022-06-08 has precision 'week', so it must be the "
        "Monday of its week (2022-06-06) [date-precision]",
    ]


def test_invalid_dates_are_left_to_frictionless():
    events = frame({"date": "2021-02-30", "date_precision": "month"})
    assert check_date_precision(events, "events.csv", "date") == []


def event(event_id: str, day: str, restates: str = "") -> dict:
    return {"event_id": event_id, "date": day, "restates": restates}


def test_an_event_restates_only_other_earlier_events():
    events = frame(
        event("E02", "2021-02-01"),
        event("E03", "2021-02-01"),
        event("E14", "2022-06-06", "E02 E03"),  # as in the data: valid
        event("E15", "2022-06-06", "E14"),  # the same date is no later: valid
        event("E16", "2021-03-01", "E99 E16"),
        event("E17", "2021-01-01", "E02 E14"),  # E02 (2021-02-01) and E14 are both later
    )
    assert [str(p) for p in check_restates(events)] == [
        """events.csv, row 6, field 'restates': "E99" is not an event_id in events.csv"""
        " [restates-known]",
        "events.csv, row 6, field 'restates': restates names the event itself (E16)"
        " [restates-self]",
        "events.csv, row 7, field 'restates': E02 is dated 2021-02-01, after this event"
        " (2021-01-01): an event can only restate one dated no later than itself"
        " [restates-earlier]",
        "events.csv, row 7, field 'restates': E14 is dated 2022-06-06, after this event"
        " (2021-01-01): an event can only restate one dated no later than itself"
        " [restates-earlier]",
    ]


def test_restated_dates_frictionless_rejected_are_not_compared():
    # "2021-02-30" blanked after its type error: no second problem about its order.
    events = frame(event("E02", ""), event("E14", "2021-01-01", "E02"))
    assert check_restates(events) == []


# --- sources ---------------------------------------------------------------------------------


def test_translation_of_must_not_point_to_itself():
    sources = frame(
        {"source_id": "S002", "translation_of": ""},
        {"source_id": "S003", "translation_of": "S002"},
        {"source_id": "S004", "translation_of": "S004"},
    )
    assert check_translation_of(sources) == [
        Problem(
            "sources.csv",
            4,
            "translation_of",
            "translation-of-self",
            "translation_of names the document itself (S004)",
        )
    ]


def test_a_metric_unit_frictionless_rejected_is_not_compared():
    metrics = frame({"metric_id": "budget", "unit": ""})  # "MEUR" blanked after the enum error
    assert check_fact_units(frame(fact()), metrics) == []


# --- how numbers are written -----------------------------------------------------------------

NOT_A_NUMBER = "is not a number (digits, with a dot for decimals, e.g. 2.6)"


def test_numbers_are_plain_decimals():
    cells = ["81", "2.6", "-3", "0", "", "1e400", "inf", "nan", "8_1", "1e-400", "+5", " 7"]
    problems = check_number_cells(
        frame(*({"value": c} for c in cells)), "facts.csv", "value", "number"
    )
    assert [str(p) for p in problems] == [
        f"""facts.csv, row {row}, field 'value': "{cell}" {NOT_A_NUMBER} [type]"""
        for row, cell in [
            (7, "1e400"),
            (8, "inf"),
            (9, "nan"),
            (10, "8_1"),
            (11, "1e-400"),
            (12, "+5"),
            (13, " 7"),
        ]
    ]


def test_a_signed_zero_and_numbers_beyond_a_float():
    huge, tiny = "1" + "0" * 400, "0." + "0" * 400 + "1"  # 1e400 and 1e-401 as plain digits
    problems = check_number_cells(
        frame(
            {"value": "-0"},
            {"value": "-0.00"},
            {"value": huge},
            {"value": tiny},
            {"value": "0.000"},
        ),
        "facts.csv",
        "value",
        "number",
    )
    assert [(p.row, p.rule) for p in problems] == [
        (2, "negative-zero"),
        (3, "negative-zero"),
        (4, "number-range"),
        (5, "number-range"),
    ]
    assert problems[0].message == '"-0" is zero with a minus sign: write 0'
    assert (
        problems[3].message == f'"{tiny}" is beyond the range of numbers that can be computed with'
    )


def test_whole_numbers():
    cells = ["2024", "2_024", "2024.0", "abc", "9223372036854775807", "9223372036854775808"]
    problems = check_number_cells(
        frame(*({"year": c} for c in cells)), "facts.csv", "year", "integer"
    )
    assert [str(p) for p in problems] == [
        """facts.csv, row 3, field 'year': "2_024" is not a whole number [type]""",
        """facts.csv, row 4, field 'year': "2024.0" is not a whole number [type]""",
        """facts.csv, row 5, field 'year': "abc" is not a whole number [type]""",
        """facts.csv, row 7, field 'year': "9223372036854775808" is beyond the range of numbers"""
        " that can be computed with [number-range]",  # 2**63: one more than 64 bits hold
    ]


# --- text that charts would read as a formula ------------------------------------------------


def test_a_pair_of_dollar_signs_is_a_formula_one_alone_is_not():
    cells = ["US$ 5 billion", r"$\frac{$", "$x$ and $y$", "$1 or $2 or $3", r"5 \$ and 6 \$"]
    problems = check_formula_text(
        frame(*({"label_en": c} for c in cells)), "metrics.csv", "label_en"
    )
    # Matplotlib: an even, non-zero count of $ not written \$ (2 in row 3, 4 in row 4).
    assert [str(p) for p in problems] == [
        """metrics.csv, row 3, field 'label_en': "$\\frac{$" holds 2 dollar signs, which a"""
        " chart would read as a formula (matplotlib mathtext) [formula-text]",
        """metrics.csv, row 4, field 'label_en': "$x$ and $y$" holds 4 dollar signs, which a"""
        " chart would read as a formula (matplotlib mathtext) [formula-text]",
    ]


def test_a_version_difference_quotes_one_version_at_least_and_names_two():
    ok = {"source_a": "S002", "locator_a": "A propos de BioWin", "source_b": "S003",
          "locator_b": ""}  # fmt: skip
    assert check_version_differences(frame(ok)) == []
    unquoted = ok | {"locator_a": ""}
    same = ok | {"source_b": "S002"}
    assert check_version_differences(frame(ok, unquoted, same)) == [
        Problem("version_differences.csv", 3, "locator_a", "locator-missing",
                "locator_a and locator_b are both empty: quote at least one version"),
        Problem("version_differences.csv", 4, "source_b", "same-source",
                "source_b is source_a (S002): name two versions"),
    ]  # fmt: skip


def test_locator_length_of_another_column():
    long = {"locator_b": " ".join(["mot"] * 16)}
    assert check_locator_length(frame(long), "version_differences.csv", "locator_b") == [
        Problem("version_differences.csv", 2, "locator_b", "locator-length",
                "the locator has 16 words, more than 15"),
    ]  # fmt: skip
