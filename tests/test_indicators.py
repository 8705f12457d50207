"""Indicators against values computed by hand (analysis.indicators)."""

import builtins
import dataclasses
import datetime as dt
import pathlib
import re

import pandas as pd
import pytest

from analysis.compute import indicators as ind
from analysis.compute.growth import Bounded
from analysis.compute.indicators import FactNotFound, Indicator, select_fact
from analysis.present.messages import LANGS, catalogue, t

NNBSP, NBSP = "\u202f", "\u00a0"


def check(indicator: Indicator, value: float, bound: str, fact_ids=None, rel=1e-4):
    assert indicator.value == pytest.approx(value, rel=rel), indicator.key
    assert indicator.bound == bound, indicator.key
    if fact_ids is not None:
        assert set(indicator.fact_ids) == set(fact_ids), indicator.key


BUDGET = ("F002-01", "F002-06", "F003-02")


# -- selection ------------------------------------------------------------------------------


def test_select_by_geography(ds):
    # three ranks of one metric and subject, one per partner country
    sector = "chem_life_sciences_sector_be"
    germany = select_fact(ds, "trade_partner_rank", sector, geography="Germany")
    assert (germany.fact_id, germany.value, germany.basis) == ("F001-04", 1, "inferred")
    us = select_fact(ds, "trade_partner_rank", sector, geography="United States")
    assert (us.fact_id, us.value, us.basis) == ("F001-03", 2, "stated")
    assert not us.disagreement
    assert select_fact(ds, "trade_partner_rank", sector, geography="EU", required=False) is None
    with pytest.raises(FactNotFound) as err:
        select_fact(ds, "trade_partner_rank", sector, geography="EU")
    assert str(err.value) == "no fact states 'trade_partner_rank' for " + repr(sector) + " in EU"


def test_select_prefers_the_body_of_the_latest_source_and_lists_every_fact(ds):
    sel = select_fact(ds, "members", "biowin")
    # 260 in S004's body beats 250 in S004's and S002's boilerplate
    assert (sel.fact_id, sel.value, sel.source_id, sel.section) == ("F004-01", 260, "S004", "body")
    assert sel.fact_ids == ("F004-01", "F004-13", "F002-28")
    assert sel.figures == ((260.0, "exact"), (250.0, "exact"))
    assert sel.disagreement


def test_select_agreeing_statements(ds):
    sel = select_fact(ds, "budget", "pit_atmp")
    assert sel.value == 81 and not sel.disagreement
    assert set(sel.fact_ids) == set(BUDGET)
    assert select_fact(ds, "budget", "pit_atmp", language="en").fact_ids == ("F003-02",)


def test_select_by_period(ds):
    assert select_fact(ds, "market_size", "atmp_market", period=2032).fact_id == "F002-22"
    assert select_fact(ds, "market_cagr", "atmp_market", period=(2019, 2025)).value == 36
    assert select_fact(ds, "market_size", "atmp_market", period=2019, required=False) is None
    with pytest.raises(FactNotFound):
        select_fact(ds, "market_size", "atmp_market", period=2019)


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"metric": "nope", "subject": "biowin"},
         "metric must be a known metric_id (metrics.csv), got 'nope'"),
        ({"metric": "members", "subject": "nobody"},
         "subject must be a known subject_id (subjects.csv), got 'nobody'"),
        ({"metric": "members", "subject": "biowin", "language": "nl"},
         "lang must be 'fr' or 'en', got 'nl'"),
        ({"metric": "market_size", "subject": "atmp_market"},
         "period must be given: 'market_size' for 'atmp_market' is stated for several periods "
         "(2025, 2032)"),
        ({"metric": "market_size", "subject": "atmp_market", "period": "2025"},
         "period must be a year or a (start, end) pair, got '2025'"),
    ],
)  # fmt: skip
def test_select_bad_input(ds, kwargs, message):
    with pytest.raises(ValueError) as err:
        select_fact(ds, **kwargs)
    assert str(err.value) == message


@pytest.mark.parametrize(
    ("call", "message"),
    [
        (lambda ds: ind.assumption(ds, "growth"),
         "assumption_id must be a known assumption_id (assumptions.csv), got 'growth'"),
        (lambda ds: ind.eu_shares(None),
         "ds must be a Dataset (analysis.load_data()), got None"),
        (lambda ds: ind.timeline("data/"),
         "ds must be a Dataset (analysis.load_data()), got 'data/'"),
        (lambda ds: ind.rate_compatible(Bounded(36), 34.6, -1),
         "tolerance must not be negative, got -1"),
        (lambda ds: ind.methodology("nl"), "lang must be 'fr' or 'en', got 'nl'"),
        (lambda ds: ind.funding(ds).to_frame("de"), "lang must be 'fr' or 'en', got 'de'"),
        (lambda ds: ind.funding(ds).budget.text("it"), "lang must be 'fr' or 'en', got 'it'"),
    ],
)  # fmt: skip
def test_other_bad_input(ds, call, message):
    with pytest.raises(ValueError) as err:
        call(ds)
    assert str(err.value) == message


def test_numpy_numbers_are_accepted(ds):
    import numpy as np

    assert ind.jobs(ds, direct_jobs=np.int64(500)).projected_direct.value == 500
    assert ind.funding(ds, public_share=np.float64(0.5)).public_amount.value == 40.5


def test_rate_compatibility():
    more_than_36 = Bounded.from_qualifier(36, "more_than")
    assert ind.rate_compatible(more_than_36, 35.2, 1.0)  # 36 is 0.8 pp away
    assert ind.rate_compatible(more_than_36, 45.0, 1.0)  # anything above 36 fits
    assert not ind.rate_compatible(more_than_36, 34.59, 1.0)
    assert ind.rate_compatible(Bounded(36), 36.9, 1.0)
    assert not ind.rate_compatible(Bounded(36), 37.1, 1.0)
    assert ind.rate_compatible(Bounded.from_qualifier(36, "at_most"), 20, 0)


# -- 1. funding -----------------------------------------------------------------------------


def test_funding(ds):
    f = ind.funding(ds)
    check(f.budget, 81, "exact", BUDGET)
    check(f.duration, 3, "exact")
    check(f.partners, 26, "exact")
    check(f.workpackages, 12, "exact")
    check(f.public_share, 60, "approx", ["F002-07"])  # "environ 60 %"
    check(f.private_share, 40, "approx", ["F002-07", "F002-08"])  # 100 - 60
    check(f.public_amount, 48.6, "approx", [*BUDGET, "F002-07"])  # 81 x 0.60 = 48.6
    check(f.private_amount, 32.4, "approx")  # 81 x 0.40 = 32.4
    check(f.per_year, 27.0, "exact")  # 81 / 3 = 27
    check(f.per_partner, 3.115385, "exact")  # 81 / 26 = 3.1154
    check(f.per_workpackage, 6.75, "exact")  # 81 / 12 = 6.75
    check(f.granted, 23, "upper", ["F002-09"])  # "près de 23 M€": an upper bound
    assert f.granted.wording == "nearly" and f.granted.period == (2023, 2023)
    check(f.granted_share, 28.395062, "upper")  # 23 / 81 = 0.28395
    assert f.granted_share.approximate
    check(f.remaining, 58, "lower")  # 81 - (nearly 23) = at least about 58
    assert f.remaining.wording == "about"  # one qualifier: written "about 58"
    assert f.fact_ids == tuple(
        sorted({*BUDGET, "F002-02", "F003-03", "F002-03", "F002-05", "F003-04", "F002-04",
                "F003-05", "F002-07", "F002-08", "F002-09"})
    )  # fmt: skip


def test_funding_texts(ds):
    f = ind.funding(ds)
    # 81 x about 0.60 = 48.6, an approximate input -> 2 significant figures -> 49
    assert f.public_amount.text("fr") == f"environ 49{NBSP}M€"
    assert f.public_amount.text("en") == "about €49M"
    assert f.public_amount.value == pytest.approx(48.6)  # only the text is rounded
    assert f.private_amount.text("en") == "about €32M"  # 81 x about 0.40 = 32.4 -> 2 s.f. -> 32
    assert f.granted.text("en") == "nearly €23M"  # stated: as stated
    # nearly 23 / 81 = at most about 28.395 %: one qualifier, 2 s.f. -> "environ 28 %"
    assert f.granted_share.text("fr") == f"environ 28{NBSP}%"
    # nearly 23 / (81 x about 0.60) = 47.33 -> 2 s.f. -> 47
    assert f.granted_public_share.text("en") == "about 47%"
    # about 48.6 - nearly 23 = 25.6 -> 2 s.f. -> 26
    assert f.public_remaining.text("en") == "about €26M"
    assert f.remaining.text("en") == "about €58M"  # 81 - nearly 23 = about 58
    # 81 / 26 = 3.115, exact inputs -> 3 s.f. -> 3.12; 81 / 12 = 6.75 exactly
    assert f.per_partner.text("en") == "€3.12M"
    assert f.per_workpackage.text("en") == "€6.75M"


def test_funding_scenario(ds):
    f = ind.funding(ds, public_share=0.5)
    check(f.public_share, 50, "exact", [])  # a scenario input is exact and rests on no fact
    check(f.public_amount, 40.5, "exact", BUDGET)  # 81 x 0.5
    check(f.private_amount, 40.5, "exact")
    assert f.public_share.formula == "indicator.funding.public_share.formula"
    assert ind.funding(ds, public_share=0).public_amount.value == 0
    assert ind.funding(ds, public_share=1).private_amount.value == 0


@pytest.mark.parametrize(
    ("value", "message"),
    [
        (1.5, "public_share must be between 0 and 1, got 1.5"),
        (-0.1, "public_share must be between 0 and 1, got -0.1"),
        ("0.6", "public_share must be a number, got '0.6'"),
        (float("nan"), "public_share must be a finite number, got nan"),
    ],
)
def test_funding_bad_share(ds, value, message):
    with pytest.raises(ValueError) as err:
        ind.funding(ds, public_share=value)
    assert str(err.value) == message


# -- 2. jobs --------------------------------------------------------------------------------


def test_jobs(ds):
    j = ind.jobs(ds)
    check(j.horizon, 5, "exact")
    check(j.projected_direct, 470, "lower", ["F002-11", "F003-07"])  # "plus de 470"
    check(j.projected_indirect, 1200, "exact", ["F002-12", "F003-08"])
    check(j.projected_total, 1670, "lower")  # more than 470 + 1 200 = more than 1 670
    assert j.projected_total.strict and j.projected_total.period == (2024, 2029)
    # 1200 / 470 = 2.5532, 470 being a floor: written with its own rounding, to the half
    # (1 150 / 475 = 2.42 to 1 250 / 465 = 2.69 is narrower than 0.5): about 2.5
    check(j.projected_ratio, 2.5, "approx")
    check(j.current_direct, 2100, "lower")
    check(j.current_total, 6000, "exact")
    check(j.current_indirect, 3900, "upper")  # 6000 - (more than 2 100) = less than 3 900
    # less than 3900 / more than 2100 = less than 1.8571: to the half it would read "about
    # 2", above the bound, so the bound is kept, to the tenth upwards: less than 1.9
    check(j.current_ratio, 1.9, "upper")
    check(j.direct_growth, 22.380952, "approx")  # 470 / 2100 = 0.22381, lower over lower
    check(j.total_growth, 27.833333, "lower")  # 1670 / 6000 = 0.27833
    check(j.direct_annual_rate, 4.120, "approx", rel=1e-3)  # 1.22381 ** (1/5) - 1 = 0.04120
    check(j.total_annual_rate, 5.0337, "lower", rel=1e-3)  # 1.27833 ** (1/5) - 1 = 0.050337
    check(j.funding_per_job, 48.502994, "upper")  # 81 000 k€ / 1 670 = 48.503 k€
    check(j.public_funding_per_job, 29.101796, "upper")  # 48 600 k€ / 1 670 = 29.102 k€
    assert j.public_funding_per_job.approximate  # the public share is "about"


def test_jobs_texts(ds):
    j = ind.jobs(ds)
    assert j.projected_total.text("fr") == f"plus de 1{NNBSP}670"
    assert j.projected_total.text("en") == "more than 1,670"
    # 1200 / 470 = 2.5532; "1 200" and "470" may be rounded to 1 150-1 250 and 465-475,
    # so the ratio lies within 1150 / 475 = 2.42 and 1250 / 465 = 2.69 (width 0.27): to
    # the half, about 2.5, not the outward-rounded "less than 3 times"
    assert j.projected_ratio.digits == 1
    assert j.projected_ratio.text("en") == "about 2.5 times"
    # (6000 - more than 2100) / more than 2100 = less than 1.857: never "about 2"
    assert j.current_ratio.text("fr") == f"moins de 1,9{NBSP}fois"
    assert j.total_growth.text("en") == "more than 27.8%"
    # more than 470 / more than 2 100 = 22.38 %, bounds of both sides -> 2 s.f. -> 22
    assert j.direct_growth.text("fr") == f"environ 22{NBSP}%"
    # 81 000 / 1 670 = 48.503: the tight figure, not a looser "less than €48.6k"
    assert j.funding_per_job.text("en") == "less than €48.5k"
    assert j.funding_per_job.text("fr") == f"moins de 48,5{NBSP}k€"
    # 48 600 / 1 670 = 29.102, less than about: one qualifier, 2 s.f. -> 29
    assert j.public_funding_per_job.text("fr") == f"environ 29{NBSP}k€"
    assert j.public_funding_per_job.text("en") == "about €29k"


def test_jobs_period_is_the_stated_horizon(ds):
    # "dans les cinq prochaines années" from the release of 17 January 2024: not 2024-2029
    j = ind.jobs(ds)
    assert j.horizon.text("fr") == "cinq ans" and j.horizon.text("en") == "five years"
    assert j.projected_total.period_text("fr") == "dans les cinq ans suivant janvier 2024"
    assert j.projected_total.period_text("en") == "within five years of January 2024"
    for item in (j.projected_direct, j.projected_indirect, j.direct_growth, j.funding_per_job):
        assert item.period_text("en") == "within five years of January 2024", item.key
    assert j.current_total.period_text("en") == ""  # no period stated
    frame = ind.indicator_frame([j.projected_total], "fr")
    assert frame["period"].tolist() == ["dans les cinq ans suivant janvier 2024"]
    # a scenario's jobs are over the same horizon
    scenario = ind.jobs(ds, direct_jobs=500)
    assert scenario.projected_direct.period_text("en") == "within five years of January 2024"
    both = ind.jobs(ds, direct_jobs=500, indirect_jobs=1000)  # no stated period at all
    assert both.projected_total.period is None
    assert both.projected_total.period_text("fr") == "dans les cinq ans suivant janvier 2024"


def test_jobs_scenario(ds):
    j = ind.jobs(ds, direct_jobs=500, indirect_jobs=1000, public_share=0.5)
    check(j.projected_total, 1500, "exact", [])  # 500 + 1000
    check(j.projected_ratio, 2.0, "exact")  # 1000 / 500
    check(j.direct_growth, 23.809524, "upper")  # 500 / (more than 2 100) < 0.2381
    check(j.total_growth, 25.0, "exact")  # 1500 / 6000
    check(j.funding_per_job, 54.0, "exact")  # 81 000 / 1 500
    check(j.public_funding_per_job, 27.0, "exact")  # 40 500 / 1 500
    assert j.projected_direct.formula == "indicator.jobs.projected_direct.formula"


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"direct_jobs": 0}, "direct_jobs must be positive, got 0"),
        ({"direct_jobs": -10}, "direct_jobs must be positive, got -10"),
        ({"indirect_jobs": -5}, "indirect_jobs must not be negative, got -5"),
        ({"indirect_jobs": "many"}, "indirect_jobs must be a number, got 'many'"),
        ({"public_share": 2}, "public_share must be between 0 and 1, got 2"),
    ],
)
def test_jobs_bad_input(ds, kwargs, message):
    with pytest.raises(ValueError) as err:
        ind.jobs(ds, **kwargs)
    assert str(err.value) == message


# -- 3. EU shares ---------------------------------------------------------------------------


def test_eu_shares(ds):
    e = ind.eu_shares(ds)
    check(e.population_share, 2.6, "exact", ["F002-13", "F003-09"])
    check(e.jobs_share, 7.8, "exact")
    check(e.exports_share, 18.7, "exact")
    check(e.rd_share, 19.3, "exact")
    # As precise as shares written to one decimal allow (each may hide +-0.05):
    # 7.8 / 2.6 = 3.0, range 7.75 / 2.65 = 2.92 to 7.85 / 2.55 = 3.08: about 3
    check(e.jobs_multiple, 3.0, "approx")
    # 18.7 / 2.6 = 7.19, range 18.65 / 2.65 = 7.04 to 18.75 / 2.55 = 7.35, width 0.32:
    # to the half, 7.19 -> 7.0, about 7 (its own rounding, not "more than 7")
    check(e.exports_multiple, 7.0, "approx")
    # 19.3 / 2.6 = 7.42, range 19.25 / 2.65 = 7.26 to 19.35 / 2.55 = 7.59: 7.42 -> 7.5
    check(e.rd_multiple, 7.5, "approx")
    assert (e.jobs_rank.value, e.exports_rank.value, e.rd_rank.value) == (3, 2, 1)
    assert e.jobs_multiple.text("en") == "about 3 times"
    assert e.jobs_multiple.text("fr") == f"environ 3{NBSP}fois"
    assert e.exports_multiple.text("en") == "about 7 times"
    assert e.rd_multiple.text("fr") == f"environ 7,5{NBSP}fois"
    assert e.rd_rank.text("fr") == "1er"  # in a table
    assert e.rd_rank.text("fr", prose=True) == "premier"  # in a sentence
    assert e.exports_rank.text("en", prose=True) == "second"


# -- 4. market ------------------------------------------------------------------------------


def test_market_check(ds):
    m = ind.market_check(ds)
    check(m.stated_rate, 36, "lower", ["F002-20"])  # "plus de 36 %"
    assert m.stated_rate.period == (2019, 2025) and (m.start_year, m.base_year) == (2019, 2025)
    check(m.base_size, 10, "approx", ["F002-21"])
    check(m.end_size, 80, "approx", ["F002-22"])
    check(m.implied_rate, 34.590019, "approx")  # 8 ** (1/7) - 1 = 0.34590
    check(m.implied_start_size, 1.580398, "upper")  # 10 / 1.36 ** 6; higher rate, smaller
    check(m.projected_end_size, 86.054257, "lower")  # 10 x 1.36 ** 7
    check(m.rate_gap, 1.409981, "lower")  # (more than 36) - 34.59
    assert m.start_size is None and m.recomputed_rate is None
    assert m.tolerance == 1.0  # cagr_tolerance in assumptions.csv
    assert (m.rate_verdict, m.rate_reason) == ("not verifiable", "no_start_size")
    # 34.59 % is 1.41 pp under 36 % (tolerance 1 pp), for a later period: the sizes cannot
    # check the rate, and their "about" could close the gap (the reason says so)
    assert (m.continuation_verdict, m.continuation_reason) == (
        "not verifiable",
        "within_size_precision",
    )
    # The side of these bounds is the check's point: kept after the figure, one qualifier
    # about 10 / (more than 1.36)^6 = less than about 1.580 -> 2 s.f. -> 1.6
    assert m.implied_start_size.text("en") == "about €1.6bn or less"
    # about 10 x (more than 1.36)^7 = more than about 86.05 -> 2 s.f. -> 86
    assert m.projected_end_size.text("fr") == f"environ 86{NBSP}Md€ ou plus"
    # 8 ** (1/7) - 1 = 34.59 % from about 10 and about 80; compared with the stated rate,
    # it keeps one decimal: 34.6
    assert m.implied_rate.text("en") == "about 34.6%"
    # (more than 36) - about 34.59 = more than about 1.41 pp, one decimal as the rates it
    # compares: 1.4; the sentences say "less than the stated rate", so the gap itself is
    # written "about"
    assert m.rate_gap.text("en") == "about 1.4 pp"
    # the forecast runs from 2019 and S002 quotes it on 17 January 2024: 2024 - 2019 = 5
    check(m.rate_age, 5, "exact", ["F002-20"])
    assert m.rate_age.period == (2019, 2024)
    assert m.rate_age.text("fr") == f"5{NBSP}ans" and m.rate_age.text("en") == "5 years"
    assert m.rate_age.formula == "indicator.market.rate_age.formula"


def test_the_english_forecast_is_as_old_when_quoted(ds):
    # S003 is dated to the year 2024 only: 2024 - 2019 = 5, resting on the English fact
    age = ind.market_check(ds, subject="occupational_disease_market").rate_age
    check(age, 5, "exact", ["F003-16"])


def test_market_check_explanation(ds):
    text = ind.market_check(ds).explanation("en")
    assert text.startswith(
        "No market size is given for 2019, so the rate stated for 2019–2025 cannot be "
        "recomputed; applied to the 2025 size (about €10bn), it would imply about €1.6bn or "
        "less in 2019."
    )
    assert "imply about 34.6% a year, below the more than 36% stated for 2019–2025" in text


def test_market_check_parameters(ds):
    assert ind.market_check(ds, tolerance=1.5).continuation_verdict == "consistent"
    m = ind.market_check(ds, projection_year=2030)
    check(m.projected_end_size, 46.525, "lower", rel=1e-4)  # 10 x 1.36 ** 5 = 46.525
    assert m.projected_end_size.period == (2030, 2030)


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"tolerance": -1}, "tolerance must be between 0 and 100 percentage points, got -1"),
        ({"tolerance": 150}, "tolerance must be between 0 and 100 percentage points, got 150"),
        ({"projection_year": 2020}, "projection_year must be after 2025, got 2020"),
        ({"projection_year": 2030.5}, "projection_year must be an integer year, got 2030.5"),
        ({"subject": "mars"}, "subject must be a known subject_id (subjects.csv), got 'mars'"),
    ],
)
def test_market_check_bad_input(ds, kwargs, message):
    with pytest.raises(ValueError) as err:
        ind.market_check(ds, **kwargs)
    assert str(err.value) == message


def test_market_check_with_a_start_size(ds):
    # A 2019 size of 1.6 bn makes the rate checkable: (10 / 1.6) ** (1/6) - 1 = 0.3572
    extra = pd.DataFrame([{
        **ds.facts.iloc[0].to_dict(),
        "fact_id": "F002-99", "source_id": "S002", "metric": "market_size",
        "subject": "atmp_market", "value": 1.6, "unit": "EUR_billion", "qualifier": "about",
        "period_start": 2019, "period_end": 2019,
    }])  # fmt: skip
    facts = pd.concat([ds.facts.astype(object), extra], ignore_index=True)
    m = ind.market_check(dataclasses.replace(ds, facts=facts))
    check(m.recomputed_rate, 35.7233, "approx", rel=1e-4)
    # 35.72 is under "more than 36" as written, within the 1 pp tolerance
    assert (m.rate_verdict, m.rate_reason) == (
        "consistent within stated precision",
        "within_tolerance",
    )


def test_market_check_size_sensitivity(ds):
    sens = ind.market_check(ds).sensitivity
    # 1.36 ** 7 = 8.605426; "about 10" (2025) and "about 80" (2032), half a unit of the last
    # significant digit either side: 5 to 15 and 75 to 85.
    assert sens.years == 7 and sens.rate == 36
    assert sens.base_range == (5, 15) and sens.end_range == (75, 85)
    assert sens.end_needed == pytest.approx(86.05426, abs=1e-5)  # 10 x 8.605426, above 85
    assert sens.base_needed == pytest.approx(9.29646, abs=1e-5)  # 80 / 8.605426, in 5-15
    # slowest: 15 -> 75, 5 ** (1/7) - 1 = 25.85 %; fastest: 5 -> 85, 17 ** (1/7) - 1 = 49.89 %
    assert sens.implied_range == pytest.approx((25.850, 49.892), abs=1e-3)
    assert sens.reachable  # 49.89 >= 36


@pytest.mark.parametrize(
    ("rate", "base", "end", "reachable"),
    [
        # exactly 36 % from 10 needs 86.05 in 7 years; "about 80" tops out at 85: out of reach
        (Bounded.from_qualifier(36, "exact"), (10, "exact"), (80, "about"), False),
        # exact 10 and 80: 8 ** (1/7) - 1 = 34.59 %, below "more than 36"
        (Bounded.from_qualifier(36, "more_than"), (10.0, "exact"), (80, "exact"), False),
        # at most 30 %: 5 -> 75 (slowest pair 15 -> 75 is 25.85 %) can be below 30
        (Bounded.from_qualifier(30, "at_most"), (10, "about"), (80, "about"), True),
    ],
)
def test_size_sensitivity_reachability(rate, base, end, reachable):
    assert ind.size_sensitivity(rate, base, end, 7).reachable is reachable


def test_size_sensitivity_bad_years():
    with pytest.raises(ValueError) as err:
        ind.size_sensitivity(Bounded(36), (10, "about"), (80, "about"), 0)
    assert str(err.value) == "end_year must be after start_year (0), got 0"


# -- 5. clusters, ecosystem, trade ----------------------------------------------------------


def test_clusters(ds):
    c = ind.clusters(ds)
    check(c.biowin_members, 260, "exact", ["F004-01", "F004-13", "F002-28"])
    assert c.biowin_members.disputed  # 250 elsewhere: see the audit
    check(c.biowin_member_employees, 18500, "exact")
    check(c.biowin_member_companies, 140, "exact")
    assert c.biowin_member_companies.notes == ("Counts innovative industrial companies.",)
    check(c.biowin_academic_institutions, 5, "exact")
    check(c.biowin_research_centres, 6, "exact")
    assert c.biowin_hospitals is None and c.medvia_member_employees is None
    check(c.medvia_members, 150, "exact")
    check(c.medvia_hospitals, 7, "exact")
    check(c.combined_members, 410, "exact")  # 260 + 150
    assert c.combined_members.disputed
    check(c.combined_member_companies, 220, "exact")  # 140 + 80, defined differently
    assert c.combined_member_companies.definition == (
        "indicator.clusters.combined_member_companies.definition"
    )
    assert c.combined_member_companies.notes == (
        "Counts innovative industrial companies.",
        "Counts companies with research and development activities.",
    )
    check(c.combined_academic_institutions, 11, "exact")  # 5 + 6
    check(c.combined_hospitals, 7, "lower")  # BioWin states none: at least MEDVIA's 7
    check(c.combined_member_employees, 18500, "lower")
    # MEDVIA is "l'un des six clusters de premier plan soutenus par" VLAIO
    check(c.vlaio_clusters, 6, "exact", ["F004-12"])
    # the first HealthTech Investor Summit: 75 entrepreneurs, "plus de 60 investisseurs"
    check(c.summit_entrepreneurs, 75, "exact", ["F004-10"])
    check(c.summit_investors, 60, "lower", ["F004-11"])
    assert c.summit_investors.text("fr") == "plus de 60"
    assert c.summit_entrepreneurs.period == (2023, 2023)
    assert c.combined_hospitals.label_text("en") == "Hospitals (BioWin + MEDVIA)"
    assert c["combined.members"] is c.combined_members


def test_the_summit_figures_are_those_of_the_first_summit(ds):
    # a second summit stated for 2024 (90 entrepreneurs): the 2023 figures are still shown
    later = ds.facts[ds.facts["fact_id"] == "F004-10"].copy()
    later[["fact_id", "value", "period_start", "period_end"]] = ["F004-99", 90.0, 2024, 2024]
    more = dataclasses.replace(ds, facts=pd.concat([ds.facts, later], ignore_index=True))
    check(ind.clusters(more).summit_entrepreneurs, 75, "exact", ["F004-10"])


def test_ecosystem(ds):
    e = ind.ecosystem(ds)
    check(e.atmp_developers, 15, "lower", ["F002-23", "F003-19"])  # "15+"
    check(e.contract_manufacturers, 8, "exact")
    check(e.service_companies, 15, "lower")
    check(e.direct_jobs, 2100, "lower")
    check(e.total_jobs, 6000, "exact")
    check(e.experience, 20, "lower", ["F003-01"])  # only the English version
    assert e.atmp_developers.text("fr") == "au moins 15"
    assert e.experience.text("en") == "more than 20 years"


def test_trade(ds):
    tr = ind.trade(ds)
    check(tr.share_of_exports_to_us, 66.67, "upper", ["F001-01"])  # "près de deux tiers"
    assert tr.share_of_exports_to_us.period == (2021, 2021)
    check(tr.us_share_of_sector_exports, 10, "exact", ["F001-02"])
    check(tr.us_partner_rank, 2, "exact", ["F001-03"])
    # "après l'Allemagne et avant la France": 2 - 1 and 2 + 1, inferred from the order
    check(tr.germany_partner_rank, 1, "exact", ["F001-04"])
    check(tr.france_partner_rank, 3, "exact", ["F001-05"])
    assert tr.germany_partner_rank.text("en") == "1st"
    assert tr.france_partner_rank.text("fr") == "3e"
    # implied, not stated: the formula says how (never "Figure as stated")
    assert tr.germany_partner_rank.formula_text("en") == "Rank of the United States − 1"
    assert tr.france_partner_rank.formula_text("fr") == "Rang des États-Unis + 1"
    assert tr.us_partner_rank.formula == "indicator.stated.formula"
    assert tr.germany_partner_rank.notes[0].startswith("Not written as a figure")
    # stated in words: written in words, never "près de 66,7 %"
    assert tr.share_of_exports_to_us.text("fr") == "près des deux tiers"
    assert tr.share_of_exports_to_us.text("en") == "nearly two thirds"
    # the methodology says which value computations take: 2/3 = 66.67 %, from below
    assert tr.share_of_exports_to_us.formula == "indicator.stated_words.formula"
    assert tr.share_of_exports_to_us.formula_text("en") == (
        "Figure stated in words, given in those words; computations take nearly 66.67%"
    )
    assert tr.share_of_exports_to_us.formula_text("fr") == (
        f"Chiffre annoncé en toutes lettres, repris dans ses mots{NNBSP}; les calculs prennent "
        f"près de 66,67{NBSP}%"
    )


# -- timeline -------------------------------------------------------------------------------


def test_timeline(ds):
    tl = ind.timeline(ds)
    assert len(tl.events) == 20 and tl.fact_ids == ()
    # E14 (S001, June 2022) mentions again E02 and E03 (S000, February 2021): 20 - 1 = 19.
    assert [(e.event_id, e.restates) for e in tl.restatements] == [("E14", ("E02", "E03"))]
    assert len(tl.new_events) == 19
    dates = [e.date for e in tl.events]
    assert dates == sorted(dates)
    assert tl.event_ids[:2] == ("E01", "E02") and tl.event_ids[-1] == "E18"
    fr = tl.to_frame("fr").set_index("event_id")
    en = tl.to_frame("en").set_index("event_id")
    # E16: "fin 2023" read as the last quarter
    assert fr.loc["E16", "when"] == "T4 2023 (date déduite)"
    assert en.loc["E16", "when"] == "Q4 2023 (inferred)"
    # E08: week worked out from S001's weekdays; E11: "octobre de l'année dernière" in S001.
    assert fr.loc["E08", "when"] == "semaine du 6 juin 2022 (date déduite)"
    assert en.loc["E11", "when"] == "October 2021 (inferred)"
    assert en.loc["E17", "when"] == "17 January 2024"
    assert fr.loc["E02", "when"] == "février 2021 au plus tard"  # date of the report only
    assert en.loc["E18", "kind_label"] == "Partnership"
    assert fr.loc["E03", "organisation"] == "Catalent"
    assert fr.loc["E03", "counterpart"] == "MaSTherCell"
    assert fr.loc["E17", "source_id"] == "S002"
    assert en.loc["E14", "label"] == (
        "Catalent and Thermo Fisher acquire biotech CDMOs in Belgium (a later mention of:"
        " Thermo Fisher buys Novasep’s Belgian production unit; Catalent takes over MaSTherCell)"
    )
    assert fr.loc["E14", "label"] == (
        "Catalent et Thermo Fisher acquièrent des CDMO biotechnologiques en Belgique (rappel"
        " de\u00a0: Thermo Fisher rachète l’unité de production belge de Novasep\u202f;"
        " Catalent reprend MaSTherCell)"
    )
    assert fr.loc["E14", "restates"] == "E02 E03" and pd.isna(fr.loc["E02", "restates"])
    both = tl.to_frame()
    assert {"label_fr", "label_en", "locator"} <= set(both.columns)
    assert both.loc[0, "date"] == dt.date(2021, 2, 1)


# -- all families ---------------------------------------------------------------------------

FAMILIES = {
    "funding": ind.funding,
    "jobs": ind.jobs,
    "eu_shares": ind.eu_shares,
    "market_check": ind.market_check,
    "clusters": ind.clusters,
    "ecosystem": ind.ecosystem,
    "trade": ind.trade,
}


@pytest.mark.parametrize("name", sorted(FAMILIES))
def test_every_indicator_has_its_texts_in_both_languages(ds, name):
    family = FAMILIES[name](ds)
    assert family.indicators
    for item in family.indicators:
        for lang in LANGS:
            assert item.label_text(lang) and item.definition_text(lang), item.key
            assert item.formula_text(lang) and item.text(lang), item.key
    frame = family.to_frame("fr")
    assert list(frame.columns) == [
        "key", "label", "text", "value", "unit", "bound", "period", "fact_ids",
        "definition", "formula", "notes", "disputed",
    ]  # fmt: skip
    assert len(frame) == len(family.indicators)
    assert family.fact_ids == tuple(sorted({f for i in family.indicators for f in i.fact_ids}))


@pytest.mark.parametrize("name", sorted(FAMILIES))
def test_results_are_frozen(ds, name):
    family = FAMILIES[name](ds)
    with pytest.raises(dataclasses.FrozenInstanceError):
        family.indicators[0].value = 0
    with pytest.raises(dataclasses.FrozenInstanceError):
        setattr(family, dataclasses.fields(family)[0].name, None)


def test_computations_read_no_file(ds, monkeypatch):
    catalogue()  # the catalogue is read once, before; computations must not read anything

    def refuse(*args, **kwargs):
        raise AssertionError("a computation opened a file")

    monkeypatch.setattr(builtins, "open", refuse)
    monkeypatch.setattr(pathlib.Path, "open", refuse)
    monkeypatch.setattr(pathlib.Path, "read_text", refuse)
    for compute in FAMILIES.values():
        compute(ds)
    ind.timeline(ds)


def test_indicator_keys_are_unique(ds):
    keys = [i.key for f in FAMILIES.values() for i in f(ds).indicators]
    assert len(keys) == len(set(keys))


def test_an_implied_figure_without_a_formula_of_its_own_says_it_is_implied(ds):
    facts = ds.facts.copy()
    facts["value_basis"] = facts["value_basis"].astype(object)
    facts.loc[facts["fact_id"] == "F004-12", "value_basis"] = "inferred"
    c = ind.clusters(dataclasses.replace(ds, facts=facts))
    assert c.vlaio_clusters.formula == ind.INFERRED
    assert c.vlaio_clusters.formula_text("en") == "Figure the text implies without writing it"
    assert ind.clusters(ds).vlaio_clusters.formula == ind.STATED


def test_methodology_reuses_the_catalogue():
    for lang in LANGS:
        frame = ind.methodology(lang)
        assert frame["indicator"].is_unique
        row = frame.set_index("indicator").loc["funding.public_amount"]
        expected = {"fr": "Budget × part publique", "en": "Budget × public share"}[lang]
        assert row["formula"] == expected
        assert (
            frame.set_index("indicator").loc["eu.jobs_share", "formula"]
            == (catalogue()["indicator.stated.formula"][lang])
        )


# -- number style over every indicator the reports can show --------------------------------

#: Two qualifiers stacked on one figure ("au plus environ", "more than about").
STACKED_HEDGE = re.compile(
    r"\b(plus|moins) d'environ|\b(au moins|au plus|près de|plus de|moins de) (d')?environ"
    r"|\b(more than|less than|at least|at most|nearly|over|under) (about|around)",
    re.IGNORECASE,
)
#: A decimal percentage or fraction given for a figure the text states in words.
WORDS_AS_DECIMALS = re.compile(r"66[,.]7|66[,.]67")
#: A range of calendar years for the partnership's job horizon.
INVENTED_RANGE = re.compile(r"2024\s*[–-]\s*2029")


def every_indicator(ds):
    """Every indicator of the compute functions the three reports call, stated and scenario."""
    families = [
        ind.funding(ds), ind.jobs(ds), ind.eu_shares(ds), ind.market_check(ds),
        ind.market_check(ds, projection_year=2030),
        ind.market_check(ds, subject="occupational_disease_market"),
        ind.clusters(ds), ind.ecosystem(ds), ind.trade(ds),
        ind.funding(ds, public_share=0.5), ind.jobs(ds, 500, 1000, 0.5),
        ind.jobs(ds, direct_jobs=0.3, indirect_jobs=0),
    ]  # fmt: skip
    for s in ind.scenarios(ds) + ind.scenarios(ds, public_share=0.45):
        families += [s.funding, s.jobs]
    return [i for family in families for i in family.indicators]


def test_no_text_stacks_two_qualifiers_or_invents_a_period(ds):
    items = every_indicator(ds)
    assert len(items) > 200  # 13 + 15 + 10 + 9 x 3 + 17 + 6 + 3, then the scenarios
    seen = 0
    for lang in LANGS:
        texts = []
        for item in items:
            texts += [item.text(lang), item.period_text(lang), item.formula_text(lang)]
        for m in (ind.market_check(ds), ind.market_check(ds, projection_year=2030)):
            texts.append(m.explanation(lang))
        frame = ind.indicator_frame(items, lang)
        texts += frame["text"].tolist() + frame["period"].tolist()
        for text in texts:
            assert not STACKED_HEDGE.search(text), text
            assert not INVENTED_RANGE.search(text), text
            seen += 1
        words = [i for i in items if i.words is not None]
        assert {i.key for i in words} == {"trade.share_of_exports_to_us", "jobs.horizon"}
        for item in words:
            assert not WORDS_AS_DECIMALS.search(item.text(lang)), item.text(lang)
    assert seen > 1000


def test_every_bound_reads_with_one_qualifier():
    # every kind of computed figure, plain and with its side kept, in both languages
    for direction in ("none", "lower", "upper", "mixed"):
        for strict in (False, True):
            for approximate in (False, True):
                q = Bounded(58, direction, strict, approximate)
                for wording in (q.wording, q.directed_wording):
                    for lang in LANGS:
                        text = t(f"qualifier.{wording}", lang, value="58")
                        assert not STACKED_HEDGE.search(text), (q, text)


def test_one_rounding_per_quantity(ds):
    # the figure a table cell, a sentence and a chart label show is the same text
    e = ind.eu_shares(ds)
    j = ind.jobs(ds)
    for item in (e.jobs_multiple, e.rd_multiple, j.projected_ratio, j.funding_per_job):
        frame = ind.indicator_frame([item], "en")
        assert frame["text"].iloc[0] == item.text("en")
    assert e.jobs_multiple.digits == 0 and e.jobs_multiple.text("en") == "about 3 times"


def test_tile_parts_and_table_numbers_follow_the_same_rules(ds):
    m, j, tr, e = ind.market_check(ds), ind.jobs(ds), ind.trade(ds), ind.eu_shares(ds)
    # about 10 x (more than 1.36)^7 = more than about 86.05 -> 2 s.f. -> 86: the side after
    assert m.projected_end_size.parts("fr") == ("environ", f"86{NBSP}Md€", "ou plus")
    assert m.projected_end_size.number_text("en") == "about 86 or more"
    # stated in words: one part, never a decimal
    assert tr.share_of_exports_to_us.parts("fr") == ("", "près des deux tiers", "")
    assert tr.share_of_exports_to_us.number_text("en") == "nearly two thirds"
    # 7.8 / 2.6: about 3, in a tile as in a table
    assert e.jobs_multiple.parts("en") == ("about", "3 times", "")
    assert e.jobs_multiple.number_text("fr") == "environ 3"
    # 81 000 / 1 670 = 48.503: "less than 48.5", not 48.6
    assert j.funding_per_job.number_text("en") == "less than 48.5"
    for item in every_indicator(ds):
        for lang in LANGS:
            joined = " ".join(p for p in item.parts(lang) if p)
            assert joined == item.text(lang), item.key


def test_the_methodology_states_the_number_style_once():
    # one sentence each, both languages, no number typed in (numbers come from the data)
    for key in (
        "report.method.one_qualifier",
        "report.method.words",
        "report.method.rounding",
        "report.method.significant",
    ):
        for lang in LANGS:
            text = catalogue()[key][lang]
            assert text and not re.search(r"\d", text), (key, lang)
    assert "about" in catalogue()["report.method.one_qualifier"]["en"]
    assert "environ" in catalogue()["report.method.one_qualifier"]["fr"]
