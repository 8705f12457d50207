"""Provenance: every curated figure can be found, and read back, in its source text.

The reader tests run everywhere. The audit tests read the five source texts from
``analysis.paths.sources_dir()`` (../shared/sources, or BIOTECH_SOURCES_DIR) and are skipped,
with a reason, where they are absent: the texts are not part of the repository.
"""

import dataclasses

import pandas as pd
import pytest

from analysis import paths
from analysis.data.provenance import (
    Reading,
    explain_value,
    missing_locators,
    occurrences,
    read_numbers,
    read_texts,
    unreadable_values,
)
from analysis.data.scan import covers_of, number_tokens, uncovered_numbers

# --- the reader ------------------------------------------------------------------------------


def values(text, language):
    return [(r.value, r.unit) for r in read_numbers(text, language)]


@pytest.mark.parametrize(
    ("text", "language", "expected"),
    [
        ("81M€", "fr", [(81, "EUR_million")]),
        ("81 M€", "fr", [(81, "EUR_million")]),
        ("81 million euros", "en", [(81, "EUR_million")]),
        ("1 200 emplois", "fr", [(1200, None)]),
        ("1\u202f200 emplois", "fr", [(1200, None)]),
        ("1,200 jobs", "en", [(1200, None)]),
        ("18 500 employés", "fr", [(18500, None)]),
        ("2,6 %", "fr", [(2.6, "percent")]),
        ("2.6%", "en", [(2.6, "percent")]),
        ("10 pour cent", "fr", [(10, "percent")]),
        ("€10 billion", "en", [(10, "EUR_billion")]),
        ("10 milliards d'euros", "fr", [(10, "EUR_billion")]),
        ("15+", "fr", [(15, None)]),
        ("Wallonia15+ companies", "en", [(15, None)]),
        ("entre 2019 et 2025", "fr", [(2019, None), (2025, None)]),
        ("cinq", "fr", [(5, None)]),
        ("five", "en", [(5, None)]),
        ("six centres et sept hôpitaux", "fr", [(6, None), (7, None)]),
        ("près de deux tiers", "fr", [(66.67, "percent")]),
        ("two thirds", "en", [(66.67, "percent")]),
        ("un tiers", "fr", [(33.33, "percent")]),
        ("la troisième, deuxième et première place", "fr", [(3, "rank"), (2, "rank"), (1, "rank")]),
        ("third, second and first place", "en", [(3, "rank"), (2, "rank"), (1, "rank")]),
        ("le 1er janvier", "fr", [(1, "rank")]),
        ("une des révolutions, one of them", "en", []),
    ],
)
def test_read_numbers(text, language, expected):
    assert values(text, language) == expected


def test_a_reading_keeps_its_text_position_and_plus():
    assert read_numbers("soit 15+ sociétés", "fr") == [Reading(15, None, 5, 8, "15+", plus=True)]


def test_decimal_and_thousands_follow_the_language():
    # The same characters mean different numbers in French and in English.
    assert values("2,600", "fr") == [(2.6, None)]
    assert values("2,600", "en") == [(2600, None)]
    assert values("2.6", "en") == [(2.6, None)]


def test_unknown_language_is_refused():
    with pytest.raises(ValueError, match="unsupported language 'de'"):
        read_numbers("2,6", "de")


@pytest.mark.parametrize(
    ("locator", "language", "value", "unit"),
    [
        ("un budget de 81M€ sur 3 ans", "fr", 81, "EUR_million"),
        ("un budget de 81M€ sur 3 ans", "fr", 3, "years"),
        (
            "With a budget of 81 million euros over 3 years and 26 partners",
            "en",
            26,
            "organisations",
        ),
        ("près de deux tiers", "fr", 66.67, "percent"),
        ("et 80 milliards en 2032", "fr", 80, "EUR_billion"),
        ("reaching around €10 billion in 2025", "en", 10, "EUR_billion"),
        ("Plus de 2 100 emplois directs", "fr", 2100, "jobs"),
        ("15+ service companies active in the field", "en", 15, "companies"),
        ("le deuxième partenaire commercial", "fr", 2, "rank"),
    ],
)
def test_explain_value_accepts_a_supported_value(locator, language, value, unit):
    assert explain_value(locator, language, value, unit) is None


@pytest.mark.parametrize(
    ("locator", "language", "value", "unit", "reason"),
    [
        (
            "un budget de 81M€ sur 3 ans",
            "fr",
            80,
            "EUR_million",
            "the locator does not read 80 (it reads 81, 3)",
        ),
        (
            "et 80 milliards en 2032",
            "fr",
            80,
            "EUR_million",
            "80 is in the locator but not as EUR_million (needs M€ or million)",
        ),
        (
            "1,200 indirect jobs",
            "fr",
            1200,
            "jobs",
            "the locator does not read 1200 (it reads 1.2)",
        ),
        (
            "représente 7,8 % des emplois",
            "fr",
            7.8,
            "jobs",
            "7.8 is read as percent, not as a number of jobs",
        ),
        (
            "associe 26 partenaires pour 12 workpackages",
            "fr",
            26,
            "percent",
            "26 is in the locator but not as percent (needs %, pour cent, per cent or a fraction"
            " (tiers, thirds))",
        ),
        (
            "BioWin représente 260 membres",
            "fr",
            260,
            "jobs",
            "the locator does not say what 260 counts (jobs)",
        ),
        (
            "respectivement la troisième place",
            "fr",
            3,
            "years",
            "3 is read as rank, not as a number of years",
        ),
    ],
)
def test_explain_value_says_why_a_value_is_not_supported(locator, language, value, unit, reason):
    assert explain_value(locator, language, value, unit) == reason


def test_occurrences_finds_every_one():
    assert occurrences("les deux régions et les deux régions", "deux régions") == [4, 24]
    assert occurrences("abc", "") == []


# --- the audit of the curated data against the texts --------------------------------------


@pytest.fixture(scope="module")
def dataset(ds):
    return ds


@pytest.fixture(scope="module")
def texts(dataset):
    folder = paths.sources_dir()
    if not folder.is_dir():
        pytest.skip(
            f"source texts not found in {folder}: put the five texts in ../shared/sources "
            f"or set {paths.SOURCES_ENV}"
        )
    return read_texts(dataset.sources, folder)


@pytest.fixture(scope="module")
def languages(dataset):
    return dict(
        zip(
            dataset.sources["source_id"].astype(str),
            dataset.sources["language"].astype(str),
            strict=True,
        )
    )


def test_every_source_text_is_there(dataset, texts):
    assert sorted(texts) == sorted(dataset.sources["source_id"].astype(str))
    assert all(text.strip() for text in texts.values())


def test_fact_locators_occur_verbatim(dataset, texts):
    assert missing_locators(dataset.facts, "fact_id", texts) == []


@pytest.mark.parametrize(
    ("table", "id_column"),
    [
        ("exclusions", "exclusion_id"),
        ("organisations", "org_id"),
        ("events", "event_id"),
        ("relations", "relation_id"),
    ],
)
def test_other_locators_occur_verbatim(dataset, texts, table, id_column):
    assert missing_locators(getattr(dataset, table), id_column, texts) == []


def version_locators(table):
    """The version differences as (id, source, locator) rows, one per version quoted."""
    rows = [
        {"difference_id": r["difference_id"], "source_id": r[f"source_{side}"],
         "locator": r[f"locator_{side}"]}
        for _, r in table.iterrows()
        for side in ("a", "b")
        if pd.notna(r[f"locator_{side}"])
    ]  # fmt: skip
    return pd.DataFrame(rows, columns=["difference_id", "source_id", "locator"])


def test_version_difference_locators_occur_verbatim(dataset, texts):
    locators = version_locators(dataset.version_differences)
    # 12 differences; V04, V05, V08, V11 and V12 quote both versions: 12 + 5 = 17
    assert len(locators) == 17
    assert missing_locators(locators, "difference_id", texts) == []


def test_a_statement_only_in_one_version_is_absent_from_the_other(dataset, texts):
    # "only in one version": the quoted words are not in the other version's text.
    table = dataset.version_differences
    only = table[table["kind"] == "only_in_one_version"]
    present = [
        r["difference_id"]
        for _, r in only.iterrows()
        for side, other in (("a", "b"), ("b", "a"))
        if pd.notna(r[f"locator_{side}"])
        and r[f"locator_{side}"] in texts[str(r[f"source_{other}"])]
    ]
    assert present == []


def test_the_version_audit_notices_a_wrong_locator(dataset, texts):
    table = dataset.version_differences.head(1).copy()
    table["locator_a"] = "a validé fin 2022 le financement"
    assert missing_locators(version_locators(table), "difference_id", texts) == [
        "V01: 'a validé fin 2022 le financement' is not in S002"
    ]


def test_fact_values_read_back_from_their_locators(dataset, texts, languages):
    assert unreadable_values(dataset.facts, languages) == []


def test_every_exclusion_locator_holds_a_number(dataset, texts):
    empty = [
        row.exclusion_id
        for row in dataset.exclusions.itertuples()
        if not number_tokens(row.locator)
    ]
    assert empty == []


def covers(dataset, texts):
    return {source_id: covers_of(dataset, source_id) for source_id in texts}


def test_every_number_of_the_texts_is_a_fact_or_an_exclusion(dataset, texts, languages):
    # The same reading as `biotech-report scan` (analysis.data.scan), source by source.
    assert uncovered_numbers(texts, languages, covers(dataset, texts)) == []


def test_the_coverage_audit_notices_a_number_left_out(dataset, texts, languages):
    # Without the exclusion of the press contact's phone number, its digits are uncovered.
    exclusions = dataset.exclusions[dataset.exclusions["exclusion_id"] != "X002-03"]
    smaller = dataclasses.replace(dataset, exclusions=exclusions)
    lines = uncovered_numbers({"S002": texts["S002"]}, languages, covers(smaller, ["S002"]))
    assert [line.split(": ")[1].split(" in ")[0] for line in lines] == [
        "'33'",
        "'1'",
        "'56'",
        "'54'",
        "'07'",
        "'00'",
    ]


def test_a_figure_the_text_implies_is_not_read_back_but_its_locator_is_found(
    dataset, texts, languages
):
    # "après l'Allemagne": Germany's first place is implied by the order, not written.
    facts = dataset.facts[dataset.facts["fact_id"].isin(["F001-04", "F001-05"])].copy()
    assert list(facts["value_basis"]) == ["inferred", "inferred"]
    assert unreadable_values(facts, languages) == []
    assert missing_locators(facts, "fact_id", texts) == []
    facts["value_basis"] = None  # taken as written, nothing reads 1 or 3 as a rank
    assert unreadable_values(facts, languages) == [
        "F001-04 (1 rank): the locator does not read 1 (it reads no number)",
        "F001-05 (3 rank): the locator does not read 3 (it reads no number)",
    ]


def test_the_value_audit_notices_a_wrong_value(dataset, texts, languages):
    facts = dataset.facts[dataset.facts["fact_id"] == "F002-26"].copy()
    facts["value"] = 2000.0
    assert unreadable_values(facts, languages) == [
        "F002-26 (2000 jobs): the locator does not read 2000 (it reads 2100)"
    ]
