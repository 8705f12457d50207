"""The claims audit (analysis.audit): generated from the facts, on real and altered data."""

import csv
import dataclasses
import math

import pandas as pd
import pytest

from analysis import load_data
from analysis.compute.audit import (
    COLUMNS,
    FINDING_COLUMNS,
    audit_command,
    checked_sources,
    display_frame,
    finding_totals,
    findings,
    interval,
    run_audit,
    verdict_definitions,
    verdict_word,
)
from analysis.compute.indicators import VERDICTS

NBSP = "\u00a0"
NNBSP = "\u202f"


@pytest.fixture(scope="module")
def audit(ds):
    return run_audit(ds)


def verdicts(frame):
    return dict(zip(frame["claim_id"], zip(frame["verdict"], frame["reason"], strict=True),
                    strict=True))  # fmt: skip


VERSIONS = "differs between language versions"

#: Every row on the real data that is not a plain agreement, as a careful reader sees it.
FINDINGS = {
    # BioWin's members inside the May 2024 release: 260 in the body, 250 in the boilerplate
    "DOC:F004-01+F004-13": ("conflict", "different_figures"),
    # 250 in January 2024 (S002), 260 in May 2024 (S004): both may be true at their dates
    "XDOC:F002-28+F004-01": ("changed over time", "different_dates"),
    # the English version gives the market figures to "occupational diseases and injuries"
    "TR:F002-20+F003-16": (VERSIONS, "different_subject"),
    "TR:F002-21+F003-17": (VERSIONS, "different_subject"),
    "TR:F002-22+F003-18": (VERSIONS, "different_subject"),
    # figures of the French version missing from the English one: 60/40 split, 23 M, 250
    "TRM:F002-07": (VERSIONS, "missing"),
    "TRM:F002-08": (VERSIONS, "missing"),
    "TRM:F002-09": (VERSIONS, "missing"),
    "TRM:F002-28": (VERSIONS, "missing"),
    # ... and the other way round: more than 20 years' experience
    "TRM:F003-01": (VERSIONS, "missing"),
    # "more than 36 % between 2019 and 2025": no 2019 size to check it against
    "RATE:F002-20": ("not verifiable", "no_start_size"),
    "RATE:F003-16": ("not verifiable", "no_start_size"),
    # 10 bn (2025) -> 80 bn (2032) is 34.6 % a year, below 36 % stated for 2019-2025: other
    # periods, so the sizes cannot check the rate ("about 10" allows 9.3 bn, from which 36 %
    # a year reaches 80 bn in 2032, which the explanation says)
    "TREND:F002-20+F002-21+F002-22": ("not verifiable", "within_size_precision"),
    "TREND:F003-16+F003-17+F003-18": ("not verifiable", "within_size_precision"),
    # statements, not figures, that differ between S002 and S003 (version_differences.csv)
    **{f"VER:V{i:02}": (VERSIONS, "only_in_one_version") for i in (1, 2, 3, 6, 7, 9, 10, 11, 12)},
    **{f"VER:V0{i}": (VERSIONS, "credited_differently") for i in (4, 5, 8)},
}  # fmt: skip

#: Checks that pass on the real data.
AGREEMENTS = {
    "SUM:F002-07+F002-08": ("consistent", "within_tolerance"),  # 60 + 40 = 100
    "PART:F002-01+F002-06+F002-09": ("consistent", "parts_within_total"),  # 23 <= 81
    "PART:F002-26+F002-27": ("consistent", "parts_within_total"),  # 2 100 <= 6 000
    "PART:F003-22+F003-23": ("consistent", "parts_within_total"),
    "PART:F004-01+F004-03+F004-04+F004-05": ("consistent", "parts_within_total"),  # 151 <= 260
    "PART:F004-03+F004-04+F004-05+F004-13": ("consistent", "parts_within_total"),  # 151 <= 250
    "PART:F004-06+F004-07+F004-08+F004-09": ("consistent", "parts_within_total"),  # 93 <= 150
    "DOC:F002-01+F002-06": ("consistent", "same_figure"),  # budget in title and body
    "DOC:F002-03+F002-05": ("consistent", "same_figure"),  # partners in title and body
    "XDOC:F002-28+F004-13": ("consistent", "same_figure"),  # the same boilerplate
}

#: Figures the French and English versions share with the same subject.
SAME_IN_BOTH_VERSIONS = [
    "TR:F002-01+F002-06+F003-02", "TR:F002-02+F003-03", "TR:F002-03+F002-05+F003-04",
    "TR:F002-04+F003-05", "TR:F002-10+F003-06", "TR:F002-11+F003-07", "TR:F002-12+F003-08",
    "TR:F002-13+F003-09", "TR:F002-14+F003-10", "TR:F002-15+F003-11", "TR:F002-16+F003-12",
    "TR:F002-17+F003-13", "TR:F002-18+F003-14", "TR:F002-19+F003-15", "TR:F002-23+F003-19",
    "TR:F002-24+F003-20", "TR:F002-25+F003-21", "TR:F002-26+F003-22", "TR:F002-27+F003-23",
]  # fmt: skip


def test_the_audit_finds_every_discrepancy_of_the_real_data(audit):
    found = verdicts(audit)
    expected = (
        FINDINGS | AGREEMENTS | {c: ("consistent", "same_figure") for c in SAME_IN_BOTH_VERSIONS}
    )
    assert found == expected


def test_columns_order_and_ids(audit):
    assert list(audit.columns) == COLUMNS
    assert audit["claim_id"].is_unique
    checks = list(dict.fromkeys(audit["check"]))
    assert checks == [
        "share_sum", "parts_total", "growth_rate", "growth_continuation",
        "repeat_within_document", "repeat_across_documents", "translation", "version_content",
    ]  # fmt: skip


def test_the_audit_is_deterministic(ds, audit):
    pd.testing.assert_frame_equal(run_audit(ds), audit)


def test_rows_carry_facts_sources_and_locators(audit):
    row = audit.set_index("claim_id").loc["XDOC:F002-28+F004-01"]
    assert row["fact_ids"] == ("F002-28", "F004-01")
    assert row["source_ids"] == ("S002", "S004")
    assert row["locators"] == (
        "F002-28 (S002, boilerplate): Il comprend 250 membres issus des secteurs privés, "
        "public et universitaire",
        "F004-01 (S004, body): BioWin représente 260 membres pour un total de 18 500 employés",
    )
    assert row["recomputed"] == 10  # 260 - 250
    assert (row["metric"], row["subject"], row["unit"]) == ("members", "biowin", "organisations")


def test_explanations_in_both_languages(audit):
    rows = audit.set_index("claim_id")
    changed = rows.loc["XDOC:F002-28+F004-01"]
    assert changed["claim_fr"] == (
        f"BioWin, Membres{NBSP}: 250 (communiqué de presse du 17 janvier 2024, paragraphe de "
        "présentation) et 260 (communiqué de presse du 14 mai 2024, corps du texte)"
    )
    assert changed["explanation_en"] == (
        "The figures differ — 250 (press release of 17 January 2024, presentation paragraph) "
        "and 260 (press release of 14 May 2024, body) — but were published at different dates: "
        "each may have been true at its date. The analysis uses 260 (press release of 14 May "
        "2024, body)."
    )
    inside = rows.loc["DOC:F004-01+F004-13"]
    assert inside["explanation_en"] == (
        "The two statements contradict each other (260 against 250); the analysis uses 260 "
        "(press release of 14 May 2024, body), as a text’s body prevails over its presentation "
        "paragraph, then the "
        "latest text over earlier ones."
    )
    subject = rows.loc["TR:F002-20+F003-16"]
    assert subject["explanation_fr"] == (
        f"Les deux versions rattachent les chiffres à des objets différents{NBSP}: "
        "la version française parle du marché des ATMP, alors que la version "
        f"anglaise écrit «{NBSP}market for occupational diseases and injuries{NBSP}»{NNBSP}; "
        "probablement une erreur de la version anglaise."
    )
    # The French side is named, not quoted: its label is the report's, not the text's words.
    assert subject["explanation_en"].startswith(
        "The two versions attach the figures to different subjects: the French version speaks "
        "of the ATMP market, the English version writes ‘market for occupational diseases"
    )
    assert subject["figure_en"] == "Compound annual growth rate: more than 36% (2019–2025)"
    missing = rows.loc["TRM:F003-01"]
    assert missing["explanation_en"] == (
        "Only in the English version, not in the French version: an omission, not a contradiction."
    )
    jobs = rows.loc["PART:F002-26+F002-27"]
    assert jobs["explanation_fr"] == (
        "La partie (plus de 2\u202f100) ne dépasse pas le total annoncé "
        "(6\u202f000)\u00a0: il reste moins de 3\u202f900."
    )
    assert jobs["recomputed"] == 3900  # 6 000 - 2 100
    share = rows.loc["SUM:F002-07+F002-08"]
    assert share["explanation_en"] == (
        "The stated shares add up to about 100%, which is 100% within 0.5 pp."
    )
    assert share["recomputed"] == 100  # 60 + 40
    trend = rows.loc["TREND:F002-20+F002-21+F002-22"]
    assert trend["recomputed"] == pytest.approx(34.59, abs=0.01)  # 8 ** (1/7) - 1
    assert trend["explanation_en"] == (
        "The 2025 (about €10bn) and 2032 (about €80bn) sizes imply about 34.6% a year, below "
        "the more than 36% stated for 2019–2025; the periods differ, so both can be true. "
        "Within the sizes’ stated precision the rates can be equal: at 36% a year, about €80bn "
        "in 2032 would need about €9.3bn in 2025, which ‘about €10bn’ covers (€5bn to €15bn). "
        "For comparison, about €10bn in 2025 would give about €86bn in 2032, against the €75bn to "
        "€85bn that ‘about €80bn’ covers."
    )  # from "about" sizes, 2 s.f.: 80 / 1.36**7 = 9.30 -> 9.3; 10 * 1.36**7 = 86.05 -> 86;
    # 8 ** (1/7) - 1 = 34.59 % -> one decimal, compared with the stated rate: 34.6
    rate = rows.loc["RATE:F002-20"]
    assert math.isnan(rate["recomputed"])
    assert rate["explanation_fr"].startswith(
        f"Aucune taille du marché n’est donnée pour 2019{NBSP}: le taux annoncé pour 2019–2025 ne "
        "peut pas être recalculé"
    )


def test_tolerances(ds):
    loose = verdicts(run_audit(ds, tolerance=1.5))  # 36 - 34.59 = 1.41 pp <= 1.5
    assert loose["TREND:F002-20+F002-21+F002-22"] == ("consistent", "within_tolerance")


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"tolerance": -0.5}, "tolerance must be between 0 and 100 percentage points, got -0.5"),
        ({"share_tolerance": 200},
         "share_tolerance must be between 0 and 100 percentage points, got 200"),
        ({"tolerance": "1"}, "tolerance must be a number, got '1'"),
    ],
)  # fmt: skip
def test_bad_tolerances(ds, kwargs, message):
    with pytest.raises(ValueError) as err:
        run_audit(ds, **kwargs)
    assert str(err.value) == message


def test_intervals():
    assert interval(10, "about") == interval(10.0, "about")
    about = interval(10, "about")  # one significant digit: 5 to 15
    assert (about.lo, about.hi) == (5, 15)
    nearly = interval(23, "nearly")
    assert (nearly.lo, nearly.hi) == (22.5, 23)
    assert interval(250, "exact").overlaps(interval(250, "at_most"))
    assert not interval(250, "exact").overlaps(interval(260, "exact"))
    assert not interval(470, "exact").overlaps(interval(470, "more_than"))
    assert interval(470, "at_least").overlaps(interval(470, "exact"))
    with pytest.raises(ValueError) as err:
        interval(1, "roughly")
    assert str(err.value) == (
        "qualifier must be one of exact, about, nearly, more_than, at_least, at_most, "
        "less_than, got 'roughly'"
    )


# -- altered data: the rules find what nobody listed -----------------------------------------


def edit_facts(data_dir, change=None, add=()):
    path = data_dir / "facts.csv"
    with path.open(encoding="utf-8", newline="") as fh:
        reader = csv.DictReader(fh)
        fields, rows = reader.fieldnames, list(reader)
    for row in rows:
        if change:
            change(row)
    rows.extend(add)
    with path.open("w", encoding="utf-8", newline="") as fh:
        writer = csv.DictWriter(fh, fieldnames=fields, lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)


def test_a_new_conflicting_fact_gets_its_row(data_copy, audit):
    data = data_copy()
    edit_facts(data, add=[{
        "fact_id": "F004-14", "source_id": "S004", "section": "boilerplate",
        "metric": "members", "subject": "medvia", "geography": "Flanders", "value": "160",
        "unit": "organisations", "qualifier": "exact", "period_start": "", "period_end": "",
        "locator": "MEDVIA est une organisation axée sur l'industrie", "note": "",
    }])  # fmt: skip
    altered = run_audit(load_data(data))
    new = set(altered["claim_id"]) - set(audit["claim_id"])
    assert new == {"DOC:F004-06+F004-14", "PART:F004-07+F004-08+F004-09+F004-14"}
    row = altered.set_index("claim_id").loc["DOC:F004-06+F004-14"]
    assert (row["verdict"], row["reason"]) == ("conflict", "different_figures")  # same text
    assert row["explanation_en"].startswith(
        "The two statements contradict each other (150 against 160); the analysis uses 150 "
        "(press release of 14 May 2024, body)"
    )


def test_ranks_of_different_partners_are_not_repeats(data_copy, audit):
    # Germany 1, the United States 2, France 3: one metric and subject, three geographies
    assert not (audit["metric"] == "trade_partner_rank").any()
    data = data_copy()

    def change(row):
        if row["fact_id"] == "F001-05":  # France's rank given to the United States
            row["geography"] = "United States"

    edit_facts(data, change)
    found = verdicts(run_audit(load_data(data)))
    # rank 2 and rank 3 for one partner in one text cannot both hold
    assert found["DOC:F001-03+F001-05"] == ("conflict", "different_figures")


def test_a_translation_that_changes_a_value(data_copy):
    data = data_copy()

    def change(row):
        if row["fact_id"] == "F003-07":
            row["value"] = "480"

    edit_facts(data, change)
    found = verdicts(run_audit(load_data(data)))
    assert found["TRV:F002-11+F003-07"] == (VERSIONS, "different_value")
    assert "TR:F002-11+F003-07" not in found and "TRM:F002-11" not in found


def test_a_translation_that_changes_a_qualifier(data_copy):
    data = data_copy()

    def change(row):
        if row["fact_id"] == "F003-08":
            row["qualifier"] = "about"

    edit_facts(data, change)
    found = verdicts(run_audit(load_data(data)))
    assert found["TR:F002-12+F003-08"] == (VERSIONS, "different_qualifier")


def test_shares_that_miss_100(ds):
    # The loader rejects such data, so alter the loaded tables directly.
    facts = ds.facts.astype(object).copy()
    facts.loc[facts["fact_id"] == "F002-08", "value"] = 45.0
    found = run_audit(dataclasses.replace(ds, facts=facts)).set_index("claim_id")
    row = found.loc["SUM:F002-07+F002-08"]
    assert (row["verdict"], row["reason"], row["recomputed"]) == (
        "conflict",  # 60 + 45 = 105: the two shares cannot both hold
        "outside_tolerance",
        105,
    )
    assert row["explanation_fr"] == (
        f"Les parts annoncées totalisent environ 105{NBSP}%, à 5,0{NBSP}pt de 100{NBSP}%, au-delà "
        f"de la tolérance de 0,5{NBSP}pt."
    )


def test_parts_that_exceed_their_total(data_copy):
    data = data_copy()

    def change(row):
        if row["fact_id"] == "F002-26":
            row["value"] = "6100"

    edit_facts(data, change)
    found = run_audit(load_data(data)).set_index("claim_id")
    row = found.loc["PART:F002-26+F002-27"]
    assert (row["verdict"], row["reason"]) == ("conflict", "parts_exceed_total")
    assert row["explanation_en"] == (
        "The part comes to more than 6,100, more than the stated total of 6,000."
    )


def start_size_2019(ds):
    """A fact stating the ATMP market at about 1.6 bn EUR in 2019 (not in the sources)."""
    return {
        **ds.facts.iloc[0].to_dict(),
        "fact_id": "F002-99", "source_id": "S002", "metric": "market_size",
        "subject": "atmp_market", "value": 1.6, "unit": "EUR_billion", "qualifier": "about",
        "period_start": 2019, "period_end": 2019,
    }  # fmt: skip


def test_a_checkable_growth_rate(ds):
    # With a 2019 size of about 1.6 bn the stated rate can be recomputed:
    # (10 / 1.6) ** (1/6) - 1 = 0.3572, within 1 pp of "more than 36 %"
    extra = pd.DataFrame([start_size_2019(ds)])
    facts = pd.concat([ds.facts.astype(object), extra], ignore_index=True)
    found = run_audit(dataclasses.replace(ds, facts=facts)).set_index("claim_id")
    row = found.loc["RATE:F002-20"]
    # 35.72 is not "more than 36" as written, but is within the 1 pp tolerance
    assert (row["verdict"], row["reason"]) == ("consistent within stated precision",
                                               "within_tolerance")  # fmt: skip
    assert row["recomputed"] == pytest.approx(35.72, abs=0.01)
    assert row["fact_ids"] == ("F002-20", "F002-99", "F002-21")


# -- presentation ------------------------------------------------------------------------------


def test_display_frame(audit):
    fr = display_frame(audit, "fr")
    assert list(fr.columns) == [
        "Identifiant", "Contrôle", "Verdict", "Affirmation", "Explication", "Faits",
    ]  # fmt: skip
    assert set(fr["Verdict"]) == {
        "cohérent", "contradiction",
        "changement dans le temps", "diffère entre les versions linguistiques", "invérifiable",
    }  # fmt: skip
    with pytest.raises(ValueError) as err:
        display_frame(audit, "de")
    assert str(err.value) == "lang must be 'fr' or 'en', got 'de'"


def test_audit_command_prints_the_table(capsys, monkeypatch):
    monkeypatch.setenv("COLUMNS", "250")
    assert audit_command(None, "en") == 0
    out = capsys.readouterr().out
    assert "Audit of the quantified claims" in out
    assert "XDOC:F002-28+F004-01" in out
    # 55 rows make 47 findings (see test_findings_on_the_real_data)
    assert (
        "47 findings from 55 checks. consistent: 28; conflict: 1; changed over time: 1; "
        "differs between language versions: 15; not verifiable: 2." in out
    )
    assert "  conflict: Two statements that cannot both be true at the same date." in out
    assert "  implausible: The statement is possible but unlikely" in out


def test_audit_command_french(capsys, monkeypatch):
    monkeypatch.setenv("COLUMNS", "250")
    assert audit_command(None, "fr") == 0
    out = capsys.readouterr().out
    assert "Audit des affirmations chiffrées" in out
    assert (
        f"47 constats issus de 55 contrôles. cohérent{NBSP}: 28{NNBSP}; "
        f"contradiction{NBSP}: 1{NNBSP}; " in out
    )


def test_audit_command_on_invalid_data(data_copy, capsys):
    data = data_copy()

    def change(row):
        if row["fact_id"] == "F002-08":
            row["value"] = "45"  # 60 + 45 is not 100

    edit_facts(data, change)
    assert audit_command(data, "en") == 1
    assert "problem" in capsys.readouterr().out


# -- findings: rows grouped by cause, counted per verdict ---------------------------------------


def test_findings_on_the_real_data(audit):
    found = findings(audit)
    assert list(found.columns) == FINDING_COLUMNS
    groups = {r.finding_id: r.claim_ids for r in found.itertuples() if len(r.claim_ids) > 1}
    assert groups == {
        # the same check in the French and in the English version
        "PART:F002-26+F002-27": ("PART:F002-26+F002-27", "PART:F003-22+F003-23"),
        "RATE:F002-20": ("RATE:F002-20", "RATE:F003-16"),
        "TREND:F002-20+F002-21+F002-22": (
            "TREND:F002-20+F002-21+F002-22", "TREND:F003-16+F003-17+F003-18",
        ),
        # rate, 2025 size and 2032 size given to another subject: one mistake
        "TR:F002-20+F003-16": ("TR:F002-20+F003-16", "TR:F002-21+F003-17", "TR:F002-22+F003-18"),
        # the 60/40 split, one statement of the French version
        "TRM:F002-07": ("TRM:F002-07", "TRM:F002-08"),
        # a curated statement and the figure it holds
        "TRM:F002-28": ("TRM:F002-28", "VER:V09"),
        "TRM:F003-01": ("TRM:F003-01", "VER:V07"),
    }  # fmt: skip
    by_id = found.set_index("finding_id")
    assert by_id.loc["TR:F002-20+F003-16", "grouped_by"] == "same_subject_change"
    assert by_id.loc["TR:F002-20+F003-16", "metrics"] == ("market_cagr", "market_size")
    assert by_id.loc["TRM:F003-01", "explanation_en"] == (
        "The English version credits Wallonia with more than 20 years’ experience in these "
        "biomedicines; the French version does not say so."
    )
    assert by_id.loc["TRM:F002-07", "explanation_en"] == (
        "2 figures, one cause (Public share of funding: about 60%; Private share of funding: "
        "about 40%). Only in the French version, not in the English version: an omission, not "
        "a contradiction."
    )
    # BioWin's members: a conflict inside the May release, a change between January and May
    assert by_id.loc["DOC:F004-01+F004-13", "verdict"] == "conflict"
    assert by_id.loc["XDOC:F002-28+F004-01", "verdict"] == "changed over time"
    # every row is in exactly one finding
    rows = [c for ids in found["claim_ids"] for c in ids]
    assert sorted(rows) == sorted(audit["claim_id"])


def test_totals_equal_the_distinct_findings_on_the_real_data(audit):
    found = findings(audit)
    totals = finding_totals(found)
    # 55 rows. consistent: 29 rows, of which the jobs parts check in both versions is one
    # finding -> 28. The market sizes against the rate of an earlier period, in both
    # versions -> 1 finding "not verifiable". BioWin's 260 vs 250 inside S004 -> 1 conflict;
    # 250 (January) vs 260 (May) -> 1 changed over time. Differences between the versions:
    # 3 rows of another subject -> 1, the 60/40 split -> 1, 23 M granted -> 1, 250 members +
    # V09 -> 1, 20 years + V07 -> 1, V01-V06, V08 and V10-V12 without a figure -> 10:
    # 15 findings.
    # The 2019-2025 rate without a 2019 size, in both versions -> 1 more not verifiable: 2.
    assert totals == {
        "consistent": 28,
        "consistent within stated precision": 0,
        "conflict": 1,
        "changed over time": 1,
        "differs between language versions": 15,
        "not verifiable": 2,
        "implausible": 0,
    }
    assert list(totals) == list(VERDICTS)
    assert sum(totals.values()) == len(found) == found["finding_id"].nunique() == 47
    for verdict, n in totals.items():
        assert n == found.loc[found["verdict"] == verdict, "finding_id"].nunique()


def fixture_row(claim_id, check, verdict, reason, fact_ids, sources=("S1", "S2"), **cells):
    """One audit row with only what grouping reads filled in."""
    row = dict.fromkeys(COLUMNS, "")
    row |= {
        "claim_id": claim_id, "check": check, "verdict": verdict, "reason": reason,
        "fact_ids": tuple(fact_ids), "source_ids": tuple(sources), "locators": (),
        "recomputed": math.nan, "unit": None,
        **{f"{k}_{lang}": f"{k} {claim_id} {lang}" for k in ("claim", "figure", "explanation")
           for lang in ("fr", "en")},
    }  # fmt: skip
    return row | cells


def fixture_audit():
    versions = "differs between language versions"
    moved = {"explanation_fr": "autre objet", "explanation_en": "another subject"}
    rows = [
        fixture_row("SUM:A6+A7", "share_sum", "consistent", "within_tolerance", ["A6", "A7"],
                    ("S1",)),
        fixture_row("PART:A1+A2", "parts_total", "consistent", "parts_within_total",
                    ["A1", "A2"], ("S1",), explanation_en="fits"),
        fixture_row("PART:B1+B2", "parts_total", "consistent", "parts_within_total",
                    ["B1", "B2"], ("S2",), explanation_en="fits"),
        fixture_row("DOC:A10+A11", "repeat_within_document", "conflict", "different_figures",
                    ["A10", "A11"], ("S1",)),
        fixture_row("XDOC:A10+C1", "repeat_across_documents", "changed over time",
                    "different_dates", ["A10", "C1"], ("S1", "S3")),
        fixture_row("TR:A1+B1", "translation", "consistent", "same_figure", ["A1", "B1"]),
        fixture_row("TR:A2+B2", "translation", "consistent", "same_figure", ["A2", "B2"]),
        fixture_row("TR:A3+B3", "translation", versions, "different_subject", ["A3", "B3"],
                    subject="m1", **moved),
        fixture_row("TR:A4+B4", "translation", versions, "different_subject", ["A4", "B4"],
                    subject="m1", **moved),
        fixture_row("TR:A5+B5", "translation", versions, "different_subject", ["A5", "B5"],
                    subject="m2", **moved),
        fixture_row("TRM:A6", "translation", versions, "missing", ["A6"]),
        fixture_row("TRM:A7", "translation", versions, "missing", ["A7"]),
        fixture_row("TRM:A8", "translation", versions, "missing", ["A8"]),
        fixture_row("TRM:B9", "translation", versions, "missing", ["B9"]),
        fixture_row("VER:V1", "version_content", versions, "only_in_one_version", ["B9"],
                    explanation_en="curated V1"),
        fixture_row("VER:V2", "version_content", versions, "credited_differently", []),
    ]  # fmt: skip
    return pd.DataFrame(rows, columns=COLUMNS)


def test_findings_and_totals_on_a_fixture():
    found = findings(fixture_audit())
    assert [(r.finding_id, r.claim_ids, r.grouped_by) for r in found.itertuples()] == [
        ("SUM:A6+A7", ("SUM:A6+A7",), "single"),
        ("PART:A1+A2", ("PART:A1+A2", "PART:B1+B2"), "both_versions"),  # A1=B1, A2=B2
        ("DOC:A10+A11", ("DOC:A10+A11",), "single"),
        ("XDOC:A10+C1", ("XDOC:A10+C1",), "single"),
        ("TR:A1+B1", ("TR:A1+B1",), "single"),
        ("TR:A2+B2", ("TR:A2+B2",), "single"),
        ("TR:A3+B3", ("TR:A3+B3", "TR:A4+B4"), "same_subject_change"),  # both to m1
        ("TR:A5+B5", ("TR:A5+B5",), "single"),  # another subject, m2
        ("TRM:A6", ("TRM:A6", "TRM:A7"), "one_statement"),  # paired by SUM:A6+A7
        ("TRM:A8", ("TRM:A8",), "single"),
        ("TRM:B9", ("TRM:B9", "VER:V1"), "same_fact"),
        ("VER:V2", ("VER:V2",), "single"),
    ]
    by_id = found.set_index("finding_id")
    assert by_id.loc["PART:A1+A2", "explanation_en"] == (
        "fits The French and English versions state the same figures: one finding."
    )
    assert by_id.loc["TRM:B9", "explanation_en"] == "curated V1"
    assert by_id.loc["TR:A3+B3", "explanation_en"] == (
        "2 figures, one cause (figure TR:A3+B3 en; figure TR:A4+B4 en). another subject"
    )
    # 16 rows, 12 findings: consistent SUM, PART (x2 rows), TR:A1, TR:A2 -> 4; conflict 1;
    # changed over time 1; versions: A3+A4, A5, A6+A7, A8, B9+V1, V2 -> 6. 4 + 1 + 1 + 6 = 12
    assert finding_totals(found) == {
        "consistent": 4, "consistent within stated precision": 0, "conflict": 1,
        "changed over time": 1, "differs between language versions": 6, "not verifiable": 0,
        "implausible": 0,
    }  # fmt: skip
    assert sum(finding_totals(found).values()) == len(found) == 12


def test_rows_with_other_verdicts_stay_apart():
    # The same parts check, consistent in one version and a conflict in the other: two findings.
    audit = fixture_audit()
    audit.loc[audit["claim_id"] == "PART:B1+B2", "verdict"] = "conflict"
    found = findings(audit)
    assert {"PART:A1+A2", "PART:B1+B2"} <= set(found["finding_id"])
    assert finding_totals(found)["conflict"] == 2  # DOC:A10+A11 and PART:B1+B2


def test_findings_of_no_rows():
    found = findings(fixture_audit().iloc[0:0])
    assert found.empty and list(found.columns) == FINDING_COLUMNS
    assert finding_totals(found) == dict.fromkeys(VERDICTS, 0)


def test_findings_bad_input():
    with pytest.raises(ValueError) as err:
        findings(fixture_audit().drop(columns=["fact_ids", "verdict"]))
    assert str(err.value) == "audit lacks the column(s) verdict, fact_ids (see run_audit)"
    old = fixture_audit()
    old.loc[0, "verdict"] = "inconsistent"
    with pytest.raises(ValueError) as err:
        findings(old)
    assert str(err.value) == (
        "verdict must be one of consistent, consistent within stated precision, conflict, "
        "changed over time, differs between language versions, not verifiable, implausible, "
        "got 'inconsistent'"
    )
    found = findings(fixture_audit())
    with pytest.raises(ValueError) as err:
        finding_totals(pd.concat([found, found.iloc[:1]]))
    assert str(err.value) == "finding_id must be unique, got SUM:A6+A7 more than once"
    with pytest.raises(ValueError) as err:
        finding_totals(found.drop(columns=["verdict"]))
    assert str(err.value) == "findings lack the column 'verdict' (see findings)"


def test_a_difference_naming_an_unknown_fact(data_copy):
    data = data_copy()
    path = data / "version_differences.csv"
    path.write_text(path.read_text(encoding="utf-8").replace(",F003-01,", ",F002-01,"),
                    encoding="utf-8")  # fmt: skip
    run_audit(load_data(data))  # F002-01 is a fact of S002: accepted
    path.write_text(path.read_text(encoding="utf-8").replace(",F002-01,", ",F004-01,"),
                    encoding="utf-8")  # fmt: skip
    with pytest.raises(ValueError) as err:
        run_audit(load_data(data))
    assert str(err.value) == (
        "version_differences.csv, difference V07, field 'fact_id': 'F004-01' is not a fact of "
        "S002 or S003 in facts.csv"
    )


def test_version_rows_carry_sources_and_locators(audit):
    row = audit.set_index("claim_id").loc["VER:V04"]
    assert (row["verdict"], row["reason"]) == (VERSIONS, "credited_differently")
    assert row["fact_ids"] == () and row["source_ids"] == ("S002", "S003")
    assert row["locators"] == (
        "V04 (S002): et le département de la Recherche et du Développement technologique du "
        "Service Public",
        "V04 (S003): 26 partners led by BioWin, the health cluster",
    )
    assert row["claim_en"] == "Credited differently — French and English versions"
    only = audit.set_index("claim_id").loc["VER:V01"]
    assert only["locators"] == (
        "V01 (S002): a validé fin 2023 le financement d'un partenariat d'innovation",
    )


def test_every_verdict_has_a_word_and_a_one_sentence_definition():
    en = verdict_definitions("en")
    assert list(en["verdict"]) == list(VERDICTS)
    assert list(en["word"]) == list(VERDICTS)  # the English words are the verdicts
    fr = verdict_definitions("fr").set_index("verdict")
    assert fr.loc["changed over time", "word"] == "changement dans le temps"
    assert en.set_index("verdict").loc["conflict", "definition"] == (
        "Two statements that cannot both be true at the same date."
    )
    for frame in (en, fr):
        for text in frame["definition"]:
            # one sentence: a capital first, a full stop last and nowhere else
            assert text[0].isupper() and text.endswith(".") and ". " not in text
    with pytest.raises(ValueError) as err:
        verdict_word("inconsistent", "en")
    assert str(err.value).endswith("got 'inconsistent'")


def test_a_count_published_at_overlapping_dates_is_a_conflict(data_copy):
    # S003 is dated to the year 2024 only: it may have come out on 14 May 2024, like S004.
    data = data_copy()
    edit_facts(data, add=[{
        "fact_id": "F003-24", "source_id": "S003", "section": "body", "metric": "members",
        "subject": "biowin", "geography": "Wallonia", "value": "270", "unit": "organisations",
        "qualifier": "exact", "period_start": "", "period_end": "",
        "locator": "26 partners led by BioWin, the health cluster", "note": "",
    }])  # fmt: skip
    found = verdicts(run_audit(load_data(data)))
    assert found["XDOC:F003-24+F004-01"] == ("conflict", "different_figures")  # 270 vs 260
    # S002 (17 January 2024, to the day) surely came out before S004 (14 May 2024)
    assert found["XDOC:F002-28+F004-01"] == ("changed over time", "different_dates")


def test_the_checks_read_three_of_the_five_texts(audit):
    # S000 and S001 state figures no other text states and no total or rate recomputes:
    # nothing to check them against.
    assert checked_sources(audit) == ("S002", "S003", "S004")
    with pytest.raises(ValueError) as err:
        checked_sources(audit.drop(columns="source_ids"))
    assert str(err.value) == "the audit lacks the column 'source_ids' (see run_audit)"
