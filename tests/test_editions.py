"""Editions of the data as of a date (analysis.data.editions), on the real data.

The five sources and their dates (data/sources.csv):
S000 2021-02-01 month, S001 2022-06-06 week (a Monday), S002 2024-01-17 day,
S003 2024-01-01 year, S004 2024-05-14 day.
Rows per source: facts S000 0, S001 5, S002 28, S003 23, S004 13 (69 in all); exclusions
1, 5, 4, 0, 15 (25); events 7, 8, 2, 0, 3 (20); relations 4, 3, 2, 0, 6 (15).
"""

import hashlib
import io
import json
from datetime import date
from pathlib import Path

import pytest
from rich.console import Console

from analysis.build.registry import REGISTRY, Report, edition_suffix, registry
from analysis.build.run import build, make_config
from analysis.data.editions import AsOfError, as_of, check_as_of, published_by
from analysis.parameters import AS_OF, CAGR_TOLERANCE, LANG


def ids(table, column):
    return sorted(str(value) for value in table[column])


@pytest.mark.parametrize(
    ("pub_date", "precision", "expected"),
    [
        (date(2024, 1, 17), "day", date(2024, 1, 17)),
        # 6 June 2022 is a Monday: its week ends on Sunday 12 June.
        (date(2022, 6, 6), "week", date(2022, 6, 12)),
        # A Sunday is the last day of its own week.
        (date(2022, 6, 12), "week", date(2022, 6, 12)),
        (date(2021, 2, 1), "month", date(2021, 2, 28)),
        (date(2024, 2, 1), "month", date(2024, 2, 29)),  # leap year
        # May is in the second quarter, which ends on 30 June.
        (date(2024, 5, 14), "quarter", date(2024, 6, 30)),
        (date(2024, 1, 1), "year", date(2024, 12, 31)),
    ],
)
def test_a_source_counts_from_the_end_of_the_period_its_date_stands_for(
    pub_date, precision, expected
):
    assert published_by(pub_date, precision) == expected


def test_unknown_precision_is_named():
    with pytest.raises(ValueError, match="unknown date precision 'decade'"):
        published_by(date(2024, 1, 1), "decade")


def test_as_of_end_of_january_2024_keeps_the_sources_surely_published_by_then(ds):
    edition = as_of(ds, "2024-01-31")
    # S000 (February 2021, counts from 28 Feb 2021), S001 (week of 6 June 2022, from
    # 12 June 2022) and S002 (17 January 2024, to the day) are published by 31 January 2024.
    # S003 is dated to the year 2024 only: it may have appeared on any day of 2024, so it
    # counts from 31 December 2024 and is left out. S004 (14 May 2024) is later.
    assert ids(edition.sources, "source_id") == ["S000", "S001", "S002"]
    # facts 0 + 5 + 28 = 33; exclusions 1 + 5 + 4 = 10; events 7 + 8 + 2 = 17;
    # relations 4 + 3 + 2 = 9.
    assert len(edition.facts) == 33
    assert set(edition.facts["source_id"].astype(str)) == {"S001", "S002"}
    assert len(edition.exclusions) == 10
    assert len(edition.events) == 17
    assert ids(ds.events, "event_id")[-3:] == ["E18", "E19", "E20"]  # S004's events
    assert "E18" not in ids(edition.events, "event_id")
    assert len(edition.relations) == 9
    assert not {"R09", "R10", "R14"} & set(ids(edition.relations, "relation_id"))
    # MEDVIA, VLAIO and HST Group appear in S004 only; 32 - 3 = 29 organisations remain.
    assert len(edition.organisations) == 29
    assert not {"medvia", "vlaio", "hst_group"} & set(ids(edition.organisations, "org_id"))
    # The twelve differences between S002 and S003 wait for S003.
    assert len(ds.version_differences) == 12 and edition.version_differences.empty
    # Definitions are not statements of a source: kept whole.
    assert edition.metrics.equals(ds.metrics)
    assert edition.subjects.equals(ds.subjects)
    assert edition.assumptions.equals(ds.assumptions)


@pytest.mark.parametrize(
    ("when", "sources", "facts"),
    [
        # S000 counts from 28 February 2021 (month precision): it has no fact of its own.
        ("2021-02-28", ["S000"], 0),
        # S001's week ends on 12 June 2022: not yet on the 11th.
        ("2022-06-11", ["S000"], 0),
        ("2022-06-12", ["S000", "S001"], 5),
        # S004 on its own day; S003 still waiting for the end of 2024: 5 + 28 + 13 = 46.
        ("2024-05-14", ["S000", "S001", "S002", "S004"], 46),
        ("2024-12-30", ["S000", "S001", "S002", "S004"], 46),
        ("2024-12-31", ["S000", "S001", "S002", "S003", "S004"], 69),
    ],
)
def test_the_sources_kept_change_with_the_date(ds, when, sources, facts):
    edition = as_of(ds, date.fromisoformat(when))
    assert ids(edition.sources, "source_id") == sources
    assert len(edition.facts) == facts


def test_a_date_after_every_source_gives_the_data_unchanged(ds):
    edition = as_of(ds, "2030-01-01")
    tables = ("sources", "facts", "exclusions", "events", "relations", "organisations",
              "version_differences")  # fmt: skip
    for table in tables:
        assert getattr(edition, table).equals(getattr(ds, table)), table


def test_as_of_leaves_its_input_untouched_and_keeps_csv_row_labels(ds):
    before = len(ds.facts), list(ds.facts["source_id"].cat.categories)
    edition = as_of(ds, "2022-06-12")
    assert (len(ds.facts), list(ds.facts["source_id"].cat.categories)) == before
    # Index i is row i + 2 of facts.csv, in the edition too (F001-01 is the first row).
    assert list(edition.facts.index) == [0, 1, 2, 3, 4]  # F001-01 to F001-05
    assert edition.facts.loc[0, "fact_id"] == "F001-01"
    # A dropped source leaves no empty category behind (counts never list it).
    assert list(edition.facts["source_id"].cat.categories) == ["S001"]


@pytest.mark.parametrize(
    ("when", "message"),
    [
        ("2020-01-01", "as_of 2020-01-01 is before the first source, S000 of February 2021"),
        # Month precision: S000 counts from the last day of February 2021 only.
        ("2021-02-27", "as_of 2021-02-27 is before the first source, S000 of February 2021"),
    ],
)
def test_a_date_before_the_first_source_is_refused_naming_it(ds, when, message):
    with pytest.raises(AsOfError) as raised:
        as_of(ds, when)
    assert str(raised.value) == message
    with pytest.raises(AsOfError) as raised:
        check_as_of(ds.sources, when)
    assert str(raised.value) == message


def test_check_as_of_reads_plain_rows_and_names_a_day_or_week():
    rows = [
        {"source_id": "B", "pub_date": "2022-06-06", "date_precision": "week"},
        {"source_id": "A", "pub_date": "2023-03-15", "date_precision": "day"},
    ]
    assert check_as_of(rows, "2022-06-12") == date(2022, 6, 12)
    with pytest.raises(
        AsOfError,
        match=r"^as_of 2022-06-11 is before the first source, B of "
        r"the week of 6 June 2022$",
    ):
        check_as_of(rows, "2022-06-11")
    with pytest.raises(
        AsOfError,
        match=r"^as_of 2022-01-01 is before the first source, A of "
        r"15 March 2023$",
    ):
        check_as_of(rows[1:], "2022-01-01")
    with pytest.raises(ValueError, match=r"^expected a date written YYYY-MM-DD, got '2024-1-5'$"):
        check_as_of(rows, "2024-1-5")


# -- file names of editions -------------------------------------------------------------

REPORT = REGISTRY["atmp_partnership"]


@pytest.mark.parametrize(
    ("given", "stem"),
    [
        ({}, "atmp_partnership"),
        # Values equal to the defaults, and the language, leave the stated edition's name.
        ({"lang": "en", "public_share": None}, "atmp_partnership"),
        ({"public_share": 0.5}, "atmp_partnership--public_share-0.5"),
        # Whole numbers without ".0"; names in sorted order whatever the order given.
        (
            {"public_share": 0.25, "direct_jobs": 400.0},
            "atmp_partnership--direct_jobs-400--public_share-0.25",
        ),
        ({"as_of": "2024-01-31"}, "atmp_partnership--as_of-2024-01-31"),
        # The shortest text that reads back as the same float: 1/3 is not cut to 0.333333.
        ({"public_share": 1 / 3}, "atmp_partnership--public_share-0.3333333333333333"),
        ({"indirect_jobs": 1e-05}, "atmp_partnership--indirect_jobs-1e-05"),
    ],
)
def test_an_edition_is_named_after_the_values_that_differ(given, stem):
    values = REPORT.defaults() | given
    assert REPORT.file_stem(values) == stem


def test_text_values_are_made_safe_for_file_names():
    assert edition_suffix({"note": "a/b c", "as_of": "2024-01-31"}) == (
        "--as_of-2024-01-31--note-a%2Fb%20c"
    )


# -- editions built side by side (fixture notebook) -------------------------------------

FIXTURES = Path(__file__).parent / "fixtures" / "notebooks"
FIXTURE_REPORTS = registry(
    [Report("bilingual", "bilingual.ipynb", "fixture", (LANG, CAGR_TOLERANCE, AS_OF))]
)


def build_fixture(out, **options):
    console = Console(file=io.StringIO(), width=200, force_terminal=False)
    config = make_config(
        registry=FIXTURE_REPORTS,
        notebooks_dir=FIXTURES,
        out_dir=out,
        langs=["en"],
        formats=["html"],
        quiet=True,
        **options,
    )
    outcome = build(config, console)
    assert outcome.exit_code == 0, console.file.getvalue()
    return {key: status.state for key, status in outcome.statuses.items()}


def snapshot(folder):
    return {path.name: path.read_bytes() for path in sorted(folder.iterdir())}


@pytest.mark.build
def test_other_editions_never_touch_the_stated_one(tmp_path):
    out = tmp_path / "out"
    assert build_fixture(out) == {"en/bilingual": "done"}
    stated = snapshot(out / "en")
    assert list(stated) == ["bilingual.html", "bilingual.ipynb"]

    states = build_fixture(out, params=[("cagr_tolerance", "2.5")])
    assert states == {"en/bilingual--cagr_tolerance-2.5": "done"}
    states = build_fixture(out, params=[("as_of", "2024-01-31")])
    assert states == {"en/bilingual--as_of-2024-01-31": "done"}
    after = snapshot(out / "en")
    assert list(after) == [
        "bilingual--as_of-2024-01-31.html",
        "bilingual--as_of-2024-01-31.ipynb",
        "bilingual--cagr_tolerance-2.5.html",
        "bilingual--cagr_tolerance-2.5.ipynb",
        "bilingual.html",
        "bilingual.ipynb",
    ]
    # The stated edition's bytes are those of its own build.
    assert {name: after[name] for name in stated} == stated
    assert "cagr_tolerance = 2.5" in after["bilingual--cagr_tolerance-2.5.html"].decode()

    variants = json.loads((out / "manifest.json").read_text(encoding="utf-8"))["variants"]
    assert sorted(variants) == [
        "en/bilingual",
        "en/bilingual--as_of-2024-01-31",
        "en/bilingual--cagr_tolerance-2.5",
    ]
    assert variants["en/bilingual"]["edition"] == {}
    assert variants["en/bilingual--cagr_tolerance-2.5"]["edition"] == {"cagr_tolerance": 2.5}
    assert variants["en/bilingual--as_of-2024-01-31"]["edition"] == {"as_of": "2024-01-31"}
    assert variants["en/bilingual--cagr_tolerance-2.5"]["outputs"]["html"] == {
        "path": "en/bilingual--cagr_tolerance-2.5.html",
        "sha256": hashlib.sha256(after["bilingual--cagr_tolerance-2.5.html"]).hexdigest(),
    }

    # Each edition is up to date on its own; rebuilding the stated one leaves the others.
    assert build_fixture(out) == {"en/bilingual": "up to date"}
    assert build_fixture(out, params=[("cagr_tolerance", "2.5")]) == {
        "en/bilingual--cagr_tolerance-2.5": "up to date"
    }
    assert build_fixture(out, force=True) == {"en/bilingual": "done"}
    again = snapshot(out / "en")
    assert sorted(again) == sorted(after)
    others = [name for name in after if name.startswith("bilingual--")]
    assert {name: again[name] for name in others} == {name: after[name] for name in others}
    # The page is reproducible (the executed notebook records its run times).
    assert again["bilingual.html"] == stated["bilingual.html"]
