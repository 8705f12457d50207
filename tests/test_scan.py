"""``biotech-report scan``: the figures of a source text, and the procedure to add a source.

The reader tests and the sixth text (a fictitious press release kept in tests/fixtures/sources,
never in data/) run everywhere. The tests on the five real sources read them from
``analysis.paths.sources_dir()`` and are skipped, with a reason, where they are absent.
"""

import csv
import json
import math
from pathlib import Path

import pandas as pd
import pytest

from analysis import paths
from analysis.cli import main
from analysis.data.check import check_data_command
from analysis.data.load import load_data
from analysis.data.provenance import missing_locators, unreadable_values
from analysis.data.scan import (
    FACT_COLUMNS,
    QUALIFIER_WORDS,
    Cover,
    ScanError,
    context,
    find_figures,
    guess_language,
    number_tokens,
    read_source_file,
    scan_file,
    scan_text,
    uncovered_tokens,
)

FIXTURES = Path(__file__).parent / "fixtures" / "sources"
#: The sixth text: fictitious, dated 12 September 2024 (BioWin with 280 members).
SIXTH = FIXTURES / "005_1f5b37f173976617.txt"
#: The rows a curator adds for it: sources.csv, facts.csv, exclusions.csv.
SIXTH_ROWS = FIXTURES / "S005"


def read(text, language):
    return [(f.text, f.value, f.unit, f.qualifier) for f in find_figures(text, language)]


# --- tokens and coverage ---------------------------------------------------------------------


def test_number_tokens_are_digit_runs_and_number_words_of_both_languages():
    text = "Le 14 mai 2024, deux clusters; the third one (+32 476) et la première."
    assert [t.text for t in number_tokens(text)] == [
        "14",
        "2024",
        "deux",
        "third",
        "32",
        "476",
        "première",
    ]


def test_uncovered_tokens_are_those_outside_every_locator_occurrence():
    text = "Les deux clusters ont dit. Les deux clusters et 75 entrepreneurs, 2023."
    assert [t.text for t in uncovered_tokens(text, ["Les deux clusters"])] == ["75", "2023"]
    assert uncovered_tokens(text, ["Les deux clusters", "75 entrepreneurs, 2023"]) == []


def test_context_shows_the_figure_on_one_line():
    assert context("avant\nle 75 après", 9, 11, width=5) == "t le [75] aprè"


# --- reading figures -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "language", "expected"),
    [
        # qualifiers (data/datapackage.json, facts.qualifier)
        ("Plus de 2 100 emplois directs", "fr", [("2 100", 2100, "jobs", "more_than")]),
        ("Over 2,100 direct jobs", "en", [("2,100", 2100, "jobs", "more_than")]),
        ("environ 60% du budget", "fr", [("60%", 60, "percent", "about")]),
        # the euro sign between "around" and the digits does not hide the qualifier
        ("reaching around €10 billion", "en", [("10 billion", 10, "EUR_billion", "about")]),
        ("près de deux tiers", "fr", [("deux tiers", 66.67, "percent", "nearly")]),
        ("nearly twenty companies", "en", [("twenty", 20, "companies", "nearly")]),
        ("au moins 12 partenaires", "fr", [("12", 12, "organisations", "at_least")]),
        ("15+ sociétés", "fr", [("15+", 15, "companies", "at_least")]),
        ("jusqu'à 40 emplois", "fr", [("40", 40, "jobs", "at_most")]),
        # "pas plus de" is at_most, not the more_than of its last words
        ("pas plus de 3 sociétés", "fr", [("3", 3, "companies", "at_most")]),
        ("moins de 5 ans", "fr", [("5", 5, "years", "less_than")]),
        ("less than 1.5% of exports", "en", [("1.5%", 1.5, "percent", "less_than")]),
        # "over" before a duration is a preposition
        ("over 3 years", "en", [("3", 3, "years", "exact")]),
        # money, separators and decimal marks of each language
        ("un budget de 4,5 M€", "fr", [("4,5 M€", 4.5, "EUR_million", "exact")]),
        ("a budget of €4.5 million", "en", [("4.5 million", 4.5, "EUR_million", "exact")]),
        ("18\u202f500 employés", "fr", [("18\u202f500", 18500, "employees", "exact")]),
        ("1,200 indirect jobs", "en", [("1,200", 1200, "jobs", "exact")]),
        # ranges: the lower end at_least, the upper at_most, the unit written once
        (
            "entre 10 et 15 % des emplois",
            "fr",
            [("10", 10, "percent", "at_least"), ("15 %", 15, "percent", "at_most")],
        ),
        (
            "300-350 employees",
            "en",
            [("300", 300, "employees", "at_least"), ("350", 350, "employees", "at_most")],
        ),
        # a list is no range
        (
            "six centres et sept hôpitaux",
            "fr",
            [("six", 6, "organisations", "exact"), ("sept", 7, "organisations", "exact")],
        ),
        # ordinals and ranks
        (
            "the third and fifth partners",
            "en",
            [("third", 3, "rank", "exact"), ("fifth", 5, "rank", "exact")],
        ),
        ("la moitié des sociétés", "fr", [("la moitié", 50, "percent", "exact")]),
        # an English number word in a French text is still read
        ("le rapport cite « twenty » sociétés", "fr", [("twenty", 20, "companies", "exact")]),
    ],
)
def test_find_figures_reads_value_unit_and_qualifier(text, language, expected):
    assert read(text, language) == expected


def test_dates_are_marked_and_give_figures_their_period():
    figures = find_figures("En 2021, le secteur représentait 10 % des exportations.", "fr")
    assert [(f.text, f.date, f.period) for f in figures] == [
        ("2021", True, None),
        ("10 %", False, (2021, 2021)),
    ]
    figures = find_figures("de plus de 36 % entre 2019 et 2025, et 80 milliards en 2032", "fr")
    assert [(f.text, f.date, f.period) for f in figures] == [
        ("36 %", False, (2019, 2025)),
        ("2019", True, None),
        ("2025", True, None),
        ("80 milliards", False, (2032, 2032)),
        ("2032", True, None),
    ]
    # a day before a month is a date, not a count or a rank
    assert [(f.text, f.unit, f.date) for f in find_figures("le 1er janvier 2024", "fr")] == [
        ("1er", None, True),
        ("2024", None, True),
    ]


def test_the_locator_is_a_short_verbatim_excerpt_of_the_clause():
    text = (
        "Le partenariat, qui implique 26 partenaires, est doté d'un budget de 81M€, "
        "financés à environ 60% par de l'argent public.\nPlus de 2 100 emplois directs"
    )
    assert [f.locator for f in find_figures(text, "fr")] == [
        "qui implique 26 partenaires",
        "doté d'un budget de 81M€",
        "financés à environ 60% par de l'argent public",
        "Plus de 2 100 emplois directs",
    ]
    # 40 words in one clause: four words before the figure, five after
    words = [f"m{letter}" for letter in "abcdefghijklmnopqrst"]
    (figure,) = find_figures(" ".join([*words, "75", *words]), "fr")
    assert figure.locator == "mq mr ms mt 75 ma mb mc md me"


def test_scan_text_names_what_covers_each_figure_the_fact_of_its_value_first():
    text = "plus de 470 emplois directs et 1 200 emplois indirects; le 17 janvier 2024"
    covers = [
        Cover("F1", "plus de 470 emplois directs et 1 200 emplois indirects", 470),
        Cover("F2", "plus de 470 emplois directs et 1 200 emplois indirects", 1200),
        Cover("X1", "17 janvier"),
    ]
    assert [(f.text, f.covered_by) for f in scan_text(text, "fr", covers)] == [
        ("470", ("F1", "F2")),
        ("1 200", ("F2", "F1")),
        ("17", ("X1",)),
        ("2024", ()),
    ]


def test_every_qualifier_guessed_is_in_the_data_package_vocabulary():
    descriptor = json.loads((paths.DATA_DIR / paths.DESCRIPTOR).read_text(encoding="utf-8"))
    (facts,) = [r for r in descriptor["resources"] if r["name"] == "facts"]
    (qualifier,) = [f for f in facts["schema"]["fields"] if f["name"] == "qualifier"]
    vocabulary = qualifier["constraints"]["enum"]
    assert sorted([*(q for q, _ in QUALIFIER_WORDS), "exact"]) == sorted(vocabulary)
    assert [f["name"] for f in facts["schema"]["fields"]] == FACT_COLUMNS


@pytest.mark.parametrize(
    ("text", "language"),
    [
        ("Le pôle compte 280 membres et la région en compte plus.", "fr"),
        ("The cluster has 280 members and the region has more.", "en"),
        ("81M€", "fr"),  # nothing to go by: French, the language of most sources
    ],
)
def test_guess_language(text, language):
    assert guess_language(text) == language


# --- bad input -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("content", "problem"),
    [
        (None, "no such file"),
        (b"", "the file is empty"),
        (b" \n\n\t", "the file is empty"),
        # "Budget : 81 M" is 13 bytes, so the Latin-1 e acute is the 14th
        (
            b"Budget : 81 M\xe9\n",
            "not UTF-8 (byte 0xe9 at line 1, column 14 cannot be decoded; save the file as UTF-8)",
        ),
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "binary file (it holds NUL bytes), not a text"),
        ("Budget : 81 M€".encode("utf-16"), "not UTF-8 (it is UTF-16; save the file as UTF-8)"),
    ],
)
def test_a_file_that_cannot_be_scanned_is_one_line_and_exit_1(tmp_path, capsys, content, problem):
    path = tmp_path / "new.txt"
    if content is not None:
        path.write_bytes(content)
    assert main(["scan", str(path)]) == 1
    out, err = capsys.readouterr()
    assert (out, err) == ("", f"error: {path}: {problem}\n")


def test_a_data_folder_that_does_not_validate_is_one_line_and_exit_1(tmp_path, capsys):
    assert main(["scan", str(SIXTH), "--data", str(tmp_path)]) == 1
    out, err = capsys.readouterr()
    assert (out, err) == (
        "",
        f"error: {tmp_path}: the data does not validate (1 problem; run biotech-report"
        " check-data)\n",
    )


def test_a_folder_is_not_a_text(tmp_path):
    with pytest.raises(ScanError, match=f"^{tmp_path}: is a folder, not a text file$"):
        read_source_file(tmp_path)


def test_a_text_without_a_number_says_so_and_exits_0(tmp_path, capsys):
    path = tmp_path / "none.txt"
    path.write_text("Aucun chiffre ici, seulement des mots.\n", encoding="utf-8")
    assert main(["scan", str(path)]) == 0
    out, err = capsys.readouterr()
    assert out == (
        f"{path} (not in sources.csv): language fr (guessed from the text)\nNo number found.\n"
    )
    assert err == ""
    assert main(["scan", str(path), "--format", "csv"]) == 0
    out, err = capsys.readouterr()
    assert out == ",".join([*FACT_COLUMNS, "covered_by"]) + "\n"
    assert err == f"No number found in {path}.\n"


# --- the five sources ------------------------------------------------------------------------


@pytest.fixture(scope="module")
def dataset():
    return load_data(paths.DATA_DIR)


@pytest.fixture(scope="module")
def sources_folder():
    folder = paths.sources_dir()
    if not folder.is_dir():
        pytest.skip(
            f"source texts not found in {folder}: put the five texts in ../shared/sources "
            f"or set {paths.SOURCES_ENV}"
        )
    return folder


@pytest.fixture(scope="module")
def scans(dataset, sources_folder):
    return {
        str(s.source_id): scan_file(sources_folder / str(s.file_name), None, dataset)
        for s in dataset.sources.itertuples()
    }


def test_scan_covers_every_figure_of_the_five_sources(dataset, scans):
    # Figures per text: dates, phone digits and ordinals included (S002: 28 facts' figures,
    # 7 dates and 9 groups of phone digits).
    assert {sid: len(r.figures) for sid, r in scans.items()} == {
        "S000": 2,
        "S001": 9,
        "S002": 44,
        "S003": 28,
        "S004": 35,
    }
    assert {sid: [f.text for f in r.figures if not f.covered_by] for sid, r in scans.items()} == {
        sid: [] for sid in scans
    }
    assert all(r.problems == [] for r in scans.values())
    # Each source's language comes from sources.csv.
    assert {sid: r.language for sid, r in scans.items()} == dict(
        zip(dataset.sources["source_id"], dataset.sources["language"], strict=True)
    )


def test_every_number_token_is_in_exactly_one_figure(scans):
    for result in scans.values():
        tokens = [t for f in result.figures for t in f.tokens]
        assert tokens == number_tokens(result.text)


def test_every_proposed_locator_is_verbatim_and_short(scans):
    for result in scans.values():
        for figure in result.figures:
            assert figure.locator in result.text
            assert "\n" not in figure.locator
            assert len(figure.locator.split()) <= 15
            assert figure.text in figure.locator


def test_the_guesses_agree_with_the_curated_facts_but_for_the_curators_readings(dataset, scans):
    facts = dataset.facts.set_index("fact_id")
    first = {}
    for result in scans.values():
        for figure in result.figures:
            fact_id = figure.covered_by[0] if figure.covered_by else None
            if fact_id in facts.index and math.isclose(figure.value, facts.at[fact_id, "value"]):
                first.setdefault(fact_id, figure)
    # every fact the text writes is the first cover of a figure of its value; the two ranks
    # the text implies by an order ("après l'Allemagne et avant la France") cover none
    inferred = facts.index[facts["value_basis"] == "inferred"]
    assert list(inferred) == ["F001-04", "F001-05"]
    assert sorted(first) == sorted(facts.index.difference(inferred))
    differ = {}
    for fact_id, figure in first.items():
        fact = facts.loc[fact_id]
        period = None if pd.isna(fact.period_start) else (fact.period_start, fact.period_end)
        if (figure.unit, figure.qualifier, figure.period) != (fact.unit, fact.qualifier, period):
            differ[fact_id] = (figure.qualifier, figure.period)
    assert differ == {
        # "financés à environ 60% ... et 40%": the curator extends "environ" to 40
        "F002-08": ("exact", None),
        # "dans les cinq prochaines années de plus de 470 ...": 2024-2029 is the curator's
        "F002-11": ("more_than", None),
        "F002-12": ("exact", None),
        "F003-07": ("more_than", None),
        "F003-08": ("exact", None),
        # "environ 10 milliards en 2025 et 80 milliards en 2032": "environ" extended to 80
        "F002-22": ("exact", (2032, 2032)),
        "F003-18": ("exact", (2032, 2032)),
    }


def test_scan_command_prints_the_table_of_a_source(sources_folder, capsys):
    assert main(["scan", str(sources_folder / "000_d44751c9b850bcbc.txt")]) == 0
    out, _ = capsys.readouterr()
    path = sources_folder / "000_d44751c9b850bcbc.txt"
    assert out.splitlines() == [
        f"{path} (S000): language fr (sources.csv, S000)",
        "line  read  value  unit    qualifier  period  covered by  locator",
        "1     2021  2021   (date)  exact      -       X000-01     "
        "date 2021-02 Soutenir le développement industriel des",
        "1     02    2      -       exact      -       X000-01     "
        "date 2021-02 Soutenir le développement industriel des",
        "2 figures: 2 covered",
    ]


# --- the sixth text, and adding a source -----------------------------------------------------

#: What scan reads in the sixth text: line, text read, value, unit, qualifier, date or not.
SIXTH_FIGURES = [
    (5, "12", 12, None, "exact", True),
    (5, "2024", 2024, None, "exact", True),
    (5, "280", 280, "organisations", "exact", False),
    # "près de 19 000 employés", with a narrow no-break space as thousands separator
    (5, "19\u202f000", 19000, "employees", "nearly", False),
    (5, "150", 150, "companies", "more_than", False),
    (5, "cinq", 5, "organisations", "exact", False),
    (5, "sept", 7, "organisations", "exact", False),
    (7, "deuxième", 2, "rank", "exact", False),
]


def sixth_figures(result):
    return [
        (result.text.count("\n", 0, f.start) + 1, f.text, f.value, f.unit, f.qualifier, f.date)
        for f in result.figures
    ]


def test_the_sixth_text_is_marked_fictitious_and_stays_out_of_data():
    first_line = SIXTH.read_text(encoding="utf-8").splitlines()[0]
    assert first_line.startswith("TEXTE FICTIF (FICTITIOUS TEXT)")
    assert not (paths.DATA_DIR / SIXTH.name).exists()
    assert SIXTH.name not in (paths.DATA_DIR / "sources.csv").read_text(encoding="utf-8")


def test_scan_lists_every_figure_of_a_new_text(dataset):
    result = scan_file(SIXTH, None, dataset)
    assert (result.source_id, result.language, result.language_from) == (
        None,
        "fr",
        "guessed from the text",
    )
    assert sixth_figures(result) == SIXTH_FIGURES
    assert [f.covered_by for f in result.figures] == [()] * 8


def test_scan_csv_gives_candidate_fact_rows(capsys):
    assert main(["scan", str(SIXTH), "--format", "csv"]) == 0
    out, err = capsys.readouterr()
    assert err == ""
    rows = list(csv.DictReader(out.splitlines()))
    assert list(rows[0]) == [*FACT_COLUMNS, "covered_by"]
    date_note = "a date: an exclusion unless it is a figure"
    assert [
        (r["value"], r["unit"], r["qualifier"], r["locator"], r["note"], r["covered_by"])
        for r in rows
    ] == [
        ("12", "", "exact", "le 12 septembre 2024", date_note, ""),
        ("2024", "", "exact", "le 12 septembre 2024", date_note, ""),
        ("280", "organisations", "exact", "compte désormais 280 membres pour un total de", "", ""),
        ("19000", "employees", "nearly", "total de près de 19\u202f000 employés", "", ""),
        (
            "150",
            "companies",
            "more_than",
            "dont plus de 150 entreprises industrielles innovantes",
            "",
            "",
        ),
        ("5", "organisations", "exact", "cinq institutions académiques et sept centres", "", ""),
        (
            "7",
            "organisations",
            "exact",
            "cinq institutions académiques et sept centres de recherche",
            "",
            "",
        ),
        (
            "2",
            "rank",
            "exact",
            "MEDVIA organiseront ensemble la deuxième édition du HealthTech Investor Summit",
            "",
            "",
        ),
    ]


def add_rows(folder, table):
    """Append the sixth text's rows of ``table`` to the data folder's CSV, as a curator would."""
    with (SIXTH_ROWS / f"{table}.csv").open(encoding="utf-8", newline="") as handle:
        rows = list(csv.reader(handle))[1:]
    with (folder / f"{table}.csv").open("a", encoding="utf-8", newline="") as handle:
        csv.writer(handle, lineterminator="\n").writerows(rows)
    return rows


def test_adding_a_source_as_the_readme_says(data_copy, capsys):
    folder = data_copy()
    # 1. The text lives outside data/ (here in tests/fixtures/sources). 2. Its row.
    add_rows(folder, "sources")
    assert main(["scan", str(SIXTH), "--data", str(folder)]) == 0
    out, _ = capsys.readouterr()
    lines = out.splitlines()
    assert lines[0] == f"{SIXTH} (S005): language fr (sources.csv, S005)"
    assert lines[-1] == "8 figures: 0 covered, 8 not covered"

    # 3. The curator reviews the candidates and adds five facts and two exclusions.
    assert [r[0] for r in add_rows(folder, "facts")] == [f"F005-0{i}" for i in range(1, 6)]
    assert [r[0] for r in add_rows(folder, "exclusions")] == ["X005-01", "X005-02"]

    # 4. check-data passes on the copy and counts the new document's rows.
    assert check_data_command(folder) == 0
    out, _ = capsys.readouterr()
    assert f"Data package {folder}: valid" in out
    (s005,) = [line for line in out.splitlines() if line.startswith("  S005")]
    assert s005.split()[-2:] == ["5", "2"]  # facts, exclusions

    # 5. Every figure of the new text is covered, by the row meant for it.
    dataset = load_data(folder)
    result = scan_file(SIXTH, None, dataset)
    assert sixth_figures(result) == SIXTH_FIGURES
    assert [f.covered_by for f in result.figures] == [
        ("X005-01",),
        ("X005-01",),
        ("F005-01",),
        ("F005-02",),
        ("F005-03",),
        ("F005-04", "F005-05"),
        ("F005-05", "F005-04"),
        ("X005-02",),
    ]
    assert result.problems == []
    # ... and the provenance audit agrees: locators verbatim, values read back.
    facts = dataset.facts[dataset.facts["source_id"] == "S005"]
    assert missing_locators(facts, "fact_id", {"S005": result.text}) == []
    assert unreadable_values(facts, {"S005": "fr"}) == []
    assert main(["scan", str(SIXTH), "--data", str(folder)]) == 0
    assert capsys.readouterr().out.splitlines()[-1] == "8 figures: 8 covered"


def test_scan_reports_a_row_that_does_not_match_its_text(data_copy, capsys):
    folder = data_copy()
    for table in ("sources", "facts", "exclusions"):
        add_rows(folder, table)
    facts = folder / "facts.csv"
    facts.write_text(
        facts.read_text(encoding="utf-8").replace("compte désormais 280", "compte 280"),
        encoding="utf-8",
    )
    assert main(["scan", str(SIXTH), "--data", str(folder)]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[-3:] == [
        "8 figures: 7 covered, 1 not covered",
        "Rows of S005 that do not match the text:",
        "  F005-01: 'compte 280 membres' is not in S005",
    ]


def test_the_readme_shows_what_scan_prints(data_copy, capsys):
    folder = data_copy()
    add_rows(folder, "sources")
    assert main(["scan", str(SIXTH), "--data", str(folder)]) == 0
    printed = capsys.readouterr().out.splitlines()
    readme = (paths.ROOT / "README.md").read_text(encoding="utf-8").splitlines()
    head = f"   ../shared/sources/{SIXTH.name} (S005): language fr (sources.csv, S005)"
    start = readme.index(head)
    shown = [line.removeprefix("   ") for line in readme[start : start + len(printed)]]
    # The same table, but for the folder the file is read from.
    assert shown[1:] == printed[1:]
