"""The claims audit (analysis.audit): generated from the facts, on real and altered data."""

import csv
import dataclasses
import math

import pandas as pd
import pytest

from analysis import load_data
from analysis.compute.audit import COLUMNS, audit_command, display_frame, interval, run_audit

NBSP = "\u00a0"


@pytest.fixture(scope="module")
def ds():
    return load_data()


@pytest.fixture(scope="module")
def audit(ds):
    return run_audit(ds)


def verdicts(frame):
    return dict(zip(frame["claim_id"], zip(frame["verdict"], frame["reason"], strict=True),
                    strict=True))  # fmt: skip


#: Every finding on the real data that is not a plain agreement, as a careful reader sees it.
FINDINGS = {
    # BioWin's members: 260 in S004's body, 250 in the boilerplate of S004 and S002
    "DOC:F004-01+F004-13": ("conflict", "different_figures"),
    "XDOC:F002-28+F004-01": ("conflict", "different_figures"),
    # the English version gives the market figures to "occupational diseases and injuries"
    "TR:F002-20+F003-16": ("conflict", "different_subject"),
    "TR:F002-21+F003-17": ("conflict", "different_subject"),
    "TR:F002-22+F003-18": ("conflict", "different_subject"),
    # figures of the French version missing from the English one: 60/40 split, 23 M, 250
    "TRM:F002-07": ("inconsistent", "missing"),
    "TRM:F002-08": ("inconsistent", "missing"),
    "TRM:F002-09": ("inconsistent", "missing"),
    "TRM:F002-28": ("inconsistent", "missing"),
    # ... and the other way round: more than 20 years' experience
    "TRM:F003-01": ("inconsistent", "missing"),
    # "more than 36 % between 2019 and 2025": no 2019 size to check it against
    "RATE:F002-20": ("not verifiable", "no_start_size"),
    "RATE:F003-16": ("not verifiable", "no_start_size"),
    # 10 bn (2025) -> 80 bn (2032) is 34.6 % a year, more than 1.4 pp under 36 %
    "TREND:F002-20+F002-21+F002-22": ("inconsistent", "implied_rate_lower"),
    "TREND:F003-16+F003-17+F003-18": ("inconsistent", "implied_rate_lower"),
}

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
        "repeat_within_document", "repeat_across_documents", "translation",
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
    conflict = rows.loc["XDOC:F002-28+F004-01"]
    assert conflict["claim_fr"] == (
        "BioWin, Membres : 250 (S002, paragraphe de présentation) et 260 (S004, corps du texte)"
    )
    assert conflict["explanation_en"] == (
        "The two statements contradict each other (250 against 260); the analysis uses 260 "
        "(S004, body), as a text's body prevails over its boilerplate, then the latest text "
        "over earlier ones."
    )
    subject = rows.loc["TR:F002-20+F003-16"]
    assert subject["explanation_fr"] == (
        "Les deux versions rattachent ce chiffre à des objets différents : « Marché des ATMP » "
        "dans la version française, « Marché des maladies et accidents professionnels » dans "
        "la version anglaise."
    )
    missing = rows.loc["TRM:F003-01"]
    assert missing["explanation_en"] == (
        "The figure appears in the English version (S003) but not in the French version (S002)."
    )
    jobs = rows.loc["PART:F002-26+F002-27"]
    assert jobs["explanation_fr"] == (
        "La somme des parties (plus de 2\u202f100) ne dépasse pas le total annoncé "
        "(6\u202f000) : il reste moins de 3\u202f900."
    )
    assert jobs["recomputed"] == 3900  # 6 000 - 2 100
    share = rows.loc["SUM:F002-07+F002-08"]
    assert share["explanation_en"] == (
        "The stated shares add up to about 100%, which is 100% within 0.5 pp."
    )
    assert share["recomputed"] == 100  # 60 + 40
    trend = rows.loc["TREND:F002-20+F002-21+F002-22"]
    assert trend["recomputed"] == pytest.approx(34.59, abs=0.01)  # 8 ** (1/7) - 1
    # about 10 x (more than 1.36)^7 = more than about 86.05: one qualifier, its side after it
    assert "would reach about €86.1bn or more in 2032" in trend["explanation_en"]
    rate = rows.loc["RATE:F002-20"]
    assert math.isnan(rate["recomputed"])
    assert rate["explanation_fr"].startswith(
        "Aucune taille du marché n'est donnée pour 2019 : le taux annoncé pour 2019–2025 ne "
        "peut pas être recalculé"
    )


def test_tolerances(ds):
    loose = verdicts(run_audit(ds, tolerance=1.5))
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
    assert (row["verdict"], row["reason"]) == ("conflict", "different_figures")
    assert row["explanation_en"].startswith(
        "The two statements contradict each other (150 against 160); the analysis uses 150 "
        "(S004, body)"
    )


def test_a_translation_that_changes_a_value(data_copy):
    data = data_copy()

    def change(row):
        if row["fact_id"] == "F003-07":
            row["value"] = "480"

    edit_facts(data, change)
    found = verdicts(run_audit(load_data(data)))
    assert found["TRV:F002-11+F003-07"] == ("conflict", "different_value")
    assert "TR:F002-11+F003-07" not in found and "TRM:F002-11" not in found


def test_a_translation_that_changes_a_qualifier(data_copy):
    data = data_copy()

    def change(row):
        if row["fact_id"] == "F003-08":
            row["qualifier"] = "about"

    edit_facts(data, change)
    found = verdicts(run_audit(load_data(data)))
    assert found["TR:F002-12+F003-08"] == ("conflict", "different_qualifier")


def test_shares_that_miss_100(ds):
    # The loader rejects such data, so alter the loaded tables directly.
    facts = ds.facts.astype(object).copy()
    facts.loc[facts["fact_id"] == "F002-08", "value"] = 45.0
    found = run_audit(dataclasses.replace(ds, facts=facts)).set_index("claim_id")
    row = found.loc["SUM:F002-07+F002-08"]
    assert (row["verdict"], row["reason"], row["recomputed"]) == (
        "inconsistent",
        "outside_tolerance",
        105,
    )
    assert row["explanation_fr"] == (
        f"Les parts annoncées totalisent environ 105{NBSP}%, à 5,0{NBSP}pp de 100{NBSP}%, au-delà "
        f"de la tolérance de 0,5{NBSP}pp."
    )


def test_parts_that_exceed_their_total(data_copy):
    data = data_copy()

    def change(row):
        if row["fact_id"] == "F002-26":
            row["value"] = "6100"

    edit_facts(data, change)
    found = run_audit(load_data(data)).set_index("claim_id")
    row = found.loc["PART:F002-26+F002-27"]
    assert (row["verdict"], row["reason"]) == ("inconsistent", "parts_exceed_total")
    assert row["explanation_en"] == (
        "The parts add up to more than 6,100, more than the stated total of 6,000."
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
    assert (row["verdict"], row["reason"]) == ("consistent", "within_tolerance")
    assert row["recomputed"] == pytest.approx(35.72, abs=0.01)
    assert row["fact_ids"] == ("F002-20", "F002-99", "F002-21")


# -- presentation ------------------------------------------------------------------------------


def test_display_frame(audit):
    fr = display_frame(audit, "fr")
    assert list(fr.columns) == [
        "Identifiant", "Contrôle", "Verdict", "Affirmation", "Explication", "Faits",
    ]  # fmt: skip
    assert set(fr["Verdict"]) == {"cohérent", "incohérent", "contradiction", "invérifiable"}
    with pytest.raises(ValueError) as err:
        display_frame(audit, "de")
    assert str(err.value) == "lang must be 'fr' or 'en', got 'de'"


def test_audit_command_prints_the_table(capsys, monkeypatch):
    monkeypatch.setenv("COLUMNS", "250")
    assert audit_command(None, "en") == 0
    out = capsys.readouterr().out
    assert "Audit of the quantified claims" in out
    assert "XDOC:F002-28+F004-01" in out
    assert "43 checks. consistent: 29; inconsistent: 7; conflict: 5; not verifiable: 2." in out


def test_audit_command_french(capsys, monkeypatch):
    monkeypatch.setenv("COLUMNS", "250")
    assert audit_command(None, "fr") == 0
    out = capsys.readouterr().out
    assert "Audit des affirmations chiffrées" in out
    assert "43 contrôles. cohérent : 29 ; incohérent : 7 ; contradiction : 5 ; " in out


def test_audit_command_on_invalid_data(data_copy, capsys):
    data = data_copy()

    def change(row):
        if row["fact_id"] == "F002-08":
            row["value"] = "45"  # 60 + 45 is not 100

    edit_facts(data, change)
    assert audit_command(data, "en") == 1
    assert "problem" in capsys.readouterr().out
