"""Numbers, money, percentages, dates and bounds for fr (fr_BE) and en (en_GB)
(analysis.present.formatting); the message catalogues are tested in test_messages.py."""

import datetime as dt
import math

import pytest
from babel.numbers import get_group_symbol

from analysis.compute.growth import Bounded
from analysis.present.formatting import (
    FR_GROUP,
    FR_UNIT_SPACE,
    UNITS,
    fmt_date,
    fmt_fact,
    fmt_money,
    fmt_number,
    fmt_percent,
    fmt_period,
    fmt_pp,
    fmt_quantity,
    fmt_ratio,
    fmt_value,
)

NNBSP = "\u202f"  # narrow no-break space: French digit groups
NBSP = "\u00a0"  # no-break space: French number-unit separator


def test_babel_still_groups_french_digits_with_a_narrow_no_break_space():
    # The choice documented in analysis.formatting follows CLDR; this guards a Babel upgrade.
    assert get_group_symbol("fr_BE") == NNBSP == FR_GROUP
    assert FR_UNIT_SPACE == NBSP


@pytest.mark.parametrize(
    ("call", "fr", "en"),
    [
        (lambda lang: fmt_number(2100, lang), f"2{NNBSP}100", "2,100"),
        (lambda lang: fmt_number(18500, lang), f"18{NNBSP}500", "18,500"),
        (lambda lang: fmt_number(1234567.891, lang, 2), f"1{NNBSP}234{NNBSP}567,89",
         "1,234,567.89"),
        (lambda lang: fmt_number(3.11538, lang), "3,1", "3.1"),
        (lambda lang: fmt_number(6.75, lang, 1), "6,8", "6.8"),  # half-up, not half-even
        (lambda lang: fmt_number(2.25, lang, 1), "2,3", "2.3"),
        (lambda lang: fmt_number(-0.01, lang, 1), "0,0", "0.0"),  # no "-0,0"
        (lambda lang: fmt_money(48.6, lang), f"48,6{NBSP}M€", "€48.6M"),
        (lambda lang: fmt_money(81, lang), f"81{NBSP}M€", "€81M"),
        (lambda lang: fmt_money(10, lang, "billion"), f"10{NBSP}Md€", "€10bn"),
        (lambda lang: fmt_money(48.503, lang, "thousand"), f"48,5{NBSP}k€", "€48.5k"),
        (lambda lang: fmt_money(2500, lang, "million"), f"2{NNBSP}500{NBSP}M€", "€2,500M"),
        (lambda lang: fmt_percent(34.59, lang), f"34,6{NBSP}%", "34.6%"),
        (lambda lang: fmt_percent(10, lang), f"10{NBSP}%", "10%"),
        (lambda lang: fmt_percent(28.395, lang, 2), f"28,40{NBSP}%", "28.40%"),
        (lambda lang: fmt_pp(1.41, lang), f"1,4{NBSP}pp", "1.4 pp"),
        (lambda lang: fmt_pp(-1.41, lang), f"-1,4{NBSP}pp", "-1.4 pp"),
        (lambda lang: fmt_ratio(7.1923, lang), f"7,19{NBSP}fois", "7.19×"),
        (lambda lang: fmt_value(5, "years", lang), f"5{NBSP}ans", "5 years"),
        (lambda lang: fmt_value(2, "rank", lang), f"rang{NBSP}2", "rank 2"),
        (lambda lang: fmt_value(6000, "jobs", lang), f"6{NNBSP}000", "6,000"),
        (lambda lang: fmt_value(3.0000000000000004, "ratio", lang), f"3,00{NBSP}fois", "3.00×"),
        (lambda lang: fmt_value(1.41, "percentage_points", lang), f"1,4{NBSP}pp", "1.4 pp"),
    ],
)  # fmt: skip
def test_numbers(call, fr, en):
    assert call("fr") == fr
    assert call("en") == en


@pytest.mark.parametrize(
    ("day", "precision", "fr", "en"),
    [
        (dt.date(2024, 1, 17), "day", "17 janvier 2024", "17 January 2024"),
        (dt.date(2024, 6, 1), "day", "1 juin 2024", "1 June 2024"),
        (dt.date(2022, 6, 6), "week", "semaine du 6 juin 2022", "week of 6 June 2022"),
        (dt.date(2022, 6, 1), "month", "juin 2022", "June 2022"),
        (dt.date(2023, 10, 1), "quarter", "T4 2023", "Q4 2023"),
        (dt.date(2024, 1, 1), "year", "2024", "2024"),
    ],
)
def test_dates(day, precision, fr, en):
    assert fmt_date(day, "fr", precision) == fr
    assert fmt_date(day, "en", precision) == en


def test_periods():
    assert fmt_period(2024, 2029, "fr") == "2024–2029"
    assert fmt_period(2025, 2025, "en") == "2025"
    assert fmt_period(None, None, "en") == ""


@pytest.mark.parametrize(
    ("value", "unit", "qualifier", "fr", "en"),
    [
        (470, "jobs", "more_than", "plus de 470", "more than 470"),
        (2100, "jobs", "more_than", f"plus de 2{NNBSP}100", "more than 2,100"),
        (10, "EUR_billion", "about", f"environ 10{NBSP}Md€", "about €10bn"),
        (23, "EUR_million", "nearly", f"près de 23{NBSP}M€", "nearly €23M"),
        (15, "companies", "at_least", "au moins 15", "at least 15"),
        (36, "percent", "more_than", f"plus de 36{NBSP}%", "more than 36%"),
        (5, "organisations", "at_most", "au plus 5", "at most 5"),
        (5, "organisations", "less_than", "moins de 5", "less than 5"),
        (81, "EUR_million", "exact", f"81{NBSP}M€", "€81M"),
    ],
)
def test_stated_figures_keep_their_qualifier(value, unit, qualifier, fr, en):
    assert fmt_fact(value, unit, qualifier, "fr") == fr
    assert fmt_fact(value, unit, qualifier, "en") == en


@pytest.mark.parametrize(
    ("quantity", "unit", "digits", "fr", "en"),
    [
        # 1200 / 470 = 2.5532: an upper bound is rounded up so it stays true
        (Bounded(2.5532, "upper", strict=True), "ratio", None, f"moins de 2,56{NBSP}fois",
         "less than 2.56×"),
        # 1670 / 6000 = 27.833 %: a lower bound is rounded down
        (Bounded(27.8333, "lower", strict=True), "percent", None, f"plus de 27,8{NBSP}%",
         "more than 27.8%"),
        (Bounded(3900, "upper", strict=True), "jobs", None, f"moins de 3{NNBSP}900",
         "less than 3,900"),
        (Bounded(58, "lower", approximate=True), "EUR_million", None,
         f"au moins environ 58{NBSP}M€", "at least about €58M"),
        # an approximate bound is rounded half-up: 1.58040 -> 1.58
        (Bounded(1.5804, "upper", strict=True, approximate=True), "EUR_billion", 2,
         f"moins d'environ 1,58{NBSP}Md€", "less than about €1.58bn"),
        (Bounded(86.054, "lower", strict=True, approximate=True), "EUR_billion", 1,
         f"plus d'environ 86,1{NBSP}Md€", "more than about €86.1bn"),
        (Bounded(22.381, "mixed"), "percent", None, f"environ 22,4{NBSP}%", "about 22.4%"),
        (48.6, "EUR_million", None, f"48,6{NBSP}M€", "€48.6M"),
    ],
)  # fmt: skip
def test_computed_bounds(quantity, unit, digits, fr, en):
    assert fmt_quantity(quantity, unit, "fr", digits) == fr
    assert fmt_quantity(quantity, unit, "en", digits) == en


@pytest.mark.parametrize(
    ("call", "message"),
    [
        (lambda: fmt_number("x", "fr"), "value must be a number, got 'x'"),
        (lambda: fmt_number(True, "fr"), "value must be a number, got True"),
        (lambda: fmt_number(math.nan, "fr"), "value must be a finite number, got nan"),
        (lambda: fmt_number(1, "de"), "lang must be 'fr' or 'en', got 'de'"),
        (lambda: fmt_number(1, "fr", -1), "digits must be an integer from 0 to 6, got -1"),
        (lambda: fmt_number(1, "fr", 1.5), "digits must be an integer from 0 to 6, got 1.5"),
        (lambda: fmt_number(1, "fr", rounding="up"),
         "rounding must be one of half_up, floor, ceiling, got 'up'"),
        (lambda: fmt_percent(None, "en"), "value must be a number, got None"),
        (lambda: fmt_money(1, "fr", "trillion"),
         "scale must be one of thousand, million, billion, got 'trillion'"),
        (lambda: fmt_pp("1", "fr"), "value must be a number, got '1'"),
        (lambda: fmt_ratio(1, "fr", 9), "digits must be an integer from 0 to 6, got 9"),
        (lambda: fmt_value(1, "parsecs", "fr"),
         f"unit must be one of {', '.join(UNITS)}, got 'parsecs'"),
        (lambda: fmt_quantity("x", "jobs", "fr"), "quantity must be a number, got 'x'"),
        (lambda: fmt_fact(1, "jobs", "roughly", "fr"),
         "qualifier must be one of exact, about, nearly, more_than, at_least, at_most, "
         "less_than, got 'roughly'"),
        (lambda: fmt_date("2024-01-17", "fr"), "value must be a date, got '2024-01-17'"),
        (lambda: fmt_date(dt.date(2024, 1, 1), "fr", "decade"),
         "precision must be one of day, week, month, quarter, year, got 'decade'"),
        (lambda: fmt_date(dt.date(2024, 1, 1), "nl"), "lang must be 'fr' or 'en', got 'nl'"),
        (lambda: fmt_period(2029, 2024, "fr"), "end must not be before start (2029), got 2024"),
    ],
)  # fmt: skip
def test_bad_input_names_the_parameter(call, message):
    with pytest.raises(ValueError) as err:
        call()
    assert str(err.value) == message
