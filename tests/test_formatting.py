"""Numbers, money, percentages, dates and bounds for fr (fr_BE) and en (en_GB)
(analysis.present.formatting); the message catalogues are tested in test_messages.py."""

import datetime as dt
import math
import re

import pytest
from babel.numbers import get_group_symbol

from analysis.compute.growth import Bounded
from analysis.present.formatting import (
    FR_GROUP,
    FR_UNIT_SPACE,
    SIGNIFICANT_FIGURES,
    UNITS,
    derived_digits,
    elide,
    fmt_date,
    fmt_document,
    fmt_fact,
    fmt_money,
    fmt_number,
    fmt_ordinal,
    fmt_percent,
    fmt_period,
    fmt_pp,
    fmt_quantity,
    fmt_ratio,
    fmt_value,
    numbers_unbroken,
    rounding_for,
)
from analysis.present.messages import t

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
        (lambda lang: fmt_pp(1.41, lang), f"1,4{NBSP}pt", "1.4 pp"),
        (lambda lang: fmt_pp(-1.41, lang), f"-1,4{NBSP}pt", "-1.4 pp"),
        (lambda lang: fmt_ratio(7.1923, lang), f"7,19{NBSP}fois", "7.19 times"),
        (lambda lang: fmt_value(5, "years", lang), f"5{NBSP}ans", "5 years"),
        (lambda lang: fmt_value(2, "rank", lang), "2e", "2nd"),
        (lambda lang: fmt_value(1, "rank", lang), "1er", "1st"),
        (lambda lang: fmt_value(6000, "jobs", lang), f"6{NNBSP}000", "6,000"),
        (lambda lang: fmt_value(3.0000000000000004, "ratio", lang), f"3,00{NBSP}fois",
         "3.00 times"),
        (lambda lang: fmt_value(1.41, "percentage_points", lang), f"1,4{NBSP}pt", "1.4 pp"),
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
        (5, "organisations", "less_than", "moins de 5", "fewer than 5"),  # counted: "fewer"
        (81, "EUR_million", "exact", f"81{NBSP}M€", "€81M"),
    ],
)
def test_stated_figures_keep_their_qualifier(value, unit, qualifier, fr, en):
    assert fmt_fact(value, unit, qualifier, "fr") == fr
    assert fmt_fact(value, unit, qualifier, "en") == en


@pytest.mark.parametrize(
    ("quantity", "unit", "digits", "fr", "en"),
    [
        # 1200 / 470 = 2.5532 with two decimals: half-up "less than 2.55" would be false by
        # 0.0032, a third of the last digit (more than a tenth): rounded outwards, 2.56
        (Bounded(2.5532, "upper", strict=True), "ratio", None, f"moins de 2,56{NBSP}fois",
         "less than 2.56 times"),
        # 81 000 / 1 670 = 48.503: the tight figure, "less than 48.5", not a looser 48.6
        (Bounded(48.503, "upper", strict=True), "EUR_thousand", None,
         f"moins de 48,5{NBSP}k€", "less than €48.5k"),
        # 1670 / 6000 = 27.833 %
        (Bounded(27.8333, "lower", strict=True), "percent", None, f"plus de 27,8{NBSP}%",
         "more than 27.8%"),
        (Bounded(3900, "upper", strict=True), "jobs", None, f"moins de 3{NNBSP}900",
         "fewer than 3,900"),
        # One qualifier: 81 - nearly 23 = at least about 58 is written "about 58"
        (Bounded(58, "lower", approximate=True), "EUR_million", None,
         f"environ 58{NBSP}M€", "about €58M"),
        # about 10 / (more than 1.36)^6 = less than about 1.5804 -> "about 1.58"
        (Bounded(1.5804, "upper", strict=True, approximate=True), "EUR_billion", 2,
         f"environ 1,58{NBSP}Md€", "about €1.58bn"),
        # about 10 * (more than 1.36)^7 = more than about 86.054 -> "about 86.1"
        (Bounded(86.054, "lower", strict=True, approximate=True), "EUR_billion", 1,
         f"environ 86,1{NBSP}Md€", "about €86.1bn"),
        (Bounded(22.381, "mixed"), "percent", None, f"environ 22,4{NBSP}%", "about 22.4%"),
        (48.6, "EUR_million", None, f"48,6{NBSP}M€", "€48.6M"),
    ],
)  # fmt: skip
def test_computed_bounds(quantity, unit, digits, fr, en):
    assert fmt_quantity(quantity, unit, "fr", digits) == fr
    assert fmt_quantity(quantity, unit, "en", digits) == en


#: Two qualifiers stacked on one figure ("at least about"), in either language.
STACKED_HEDGE = re.compile(
    r"\b(plus|moins) d['’]environ|\b(au moins|au plus|près de|plus de|moins de) environ"
    r"|\b(more than|less than|at least|at most|nearly|over|under) (about|around)",
    re.IGNORECASE,
)


@pytest.mark.parametrize("direction", ["lower", "upper", "mixed", "none"])
@pytest.mark.parametrize("strict", [False, True])
@pytest.mark.parametrize("lang", ["fr", "en"])
def test_no_computed_figure_stacks_two_qualifiers(direction, strict, lang):
    # every kind of approximate computed figure reads with one qualifier
    q = Bounded(58, direction, strict, approximate=True)  # type: ignore[arg-type]
    text = fmt_quantity(q, "EUR_million", lang)
    assert text == {"fr": f"environ 58{NBSP}M€", "en": "about €58M"}[lang]
    assert not STACKED_HEDGE.search(text)
    directed = t(f"qualifier.{q.directed_wording}", lang, value="58")
    assert not STACKED_HEDGE.search(directed)


def test_the_stacked_hedge_pattern_catches_the_old_wordings():
    # the pattern the report tests use would have caught the old texts
    for old in (
        "au moins environ 58 M€",
        "plus d'environ 86,1 Md€",
        "au plus environ 28,4 %",
        "moins d'environ 1,58 Md€",
        "at least about €58M",
        "more than about €86.1bn",
    ):
        assert STACKED_HEDGE.search(old), old
    for one in (
        "environ 58 M€ ou plus",
        "about €86.1bn or more",
        "près des deux tiers",
        "nearly two thirds",
        "plus de 470",
        "about €10bn",
    ):
        assert not STACKED_HEDGE.search(one), one


@pytest.mark.parametrize(
    ("call", "fr", "en"),
    [
        # running text: money in words, thousands in full, at the short style's rounding
        (lambda lang: fmt_money(81, lang, prose=True), f"81{NBSP}millions d’euros",
         f"€81{NBSP}million"),
        (lambda lang: fmt_money(1.5, lang, prose=True), f"1,5{NBSP}million d’euros",
         f"€1.5{NBSP}million"),  # French "un million" below two
        (lambda lang: fmt_money(86.054, lang, "billion", prose=True),
         f"86,1{NBSP}milliards d’euros", f"€86.1{NBSP}billion"),
        # 48.503 k€ -> 48.5 at the short style's rounding -> 48 500 in full
        (lambda lang: fmt_money(48.503, lang, "thousand", prose=True), f"48{NNBSP}500{NBSP}€",
         "€48,500"),
        (lambda lang: fmt_money(29.1018, lang, "thousand", 2, prose=True),
         f"29{NNBSP}100{NBSP}€", "€29,100"),  # 29.10 k€ -> 29 100
        (lambda lang: fmt_quantity(Bounded(48.503, "upper", True), "EUR_thousand", lang,
                                   prose=True), f"moins de 48{NNBSP}500{NBSP}€",
         "less than €48,500"),
        (lambda lang: fmt_pp(1.41, lang, prose=True), f"1,4{NBSP}point",
         "1.4 percentage points"),
        (lambda lang: fmt_pp(2, lang, 0, prose=True), f"2{NBSP}points", "2 percentage points"),
        # ranks: CLDR ordinal suffixes in tables, words in running text
        (lambda lang: fmt_ordinal(3, lang), "3e", "3rd"),
        (lambda lang: fmt_ordinal(11, lang), "11e", "11th"),
        (lambda lang: fmt_ordinal(22, lang), "22e", "22nd"),
        (lambda lang: fmt_ordinal(2, lang, words=True), "deuxième", "second"),
        (lambda lang: fmt_value(1, "rank", lang, prose=True), "premier", "first"),
        (lambda lang: fmt_ordinal(12, lang, words=True), "12e", "12th"),  # words up to nine
        # a day or a week inside a sentence takes its article
        (lambda lang: fmt_date(dt.date(2024, 5, 14), lang, article=True), "le 14 mai 2024",
         "14 May 2024"),
        (lambda lang: fmt_date(dt.date(2022, 6, 6), lang, "week", article=True),
         "semaine du 6 juin 2022", "week of 6 June 2022"),
        (lambda lang: fmt_date(dt.date(2021, 2, 1), lang, "month", article=True),
         "février 2021", "February 2021"),
    ],
)  # fmt: skip
def test_running_text_style(call, fr, en):
    assert call("fr") == fr
    assert call("en") == en


@pytest.mark.parametrize("value", [0, 2.5, -1, True, "2"])
def test_a_rank_is_a_positive_whole_number(value):
    with pytest.raises(ValueError) as err:
        fmt_ordinal(value, "en")
    expected = (
        f"value must be a number, got {value!r}"
        if isinstance(value, bool | str)
        else f"a rank must be a positive whole number, got {value!r}"
    )
    assert str(err.value) == expected


def test_directed_wording_keeps_the_side_after_the_figure():
    # where the side is the point: "about €86.1bn or more" / "environ 86,1 Md€ ou plus"
    more = Bounded(86.054, "lower", strict=True, approximate=True)
    less = Bounded(1.5804, "upper", strict=True, approximate=True)
    assert t(f"qualifier.{more.directed_wording}", "en", value="€86.1bn") == (
        "about €86.1bn or more"
    )
    assert t(f"qualifier.{more.directed_wording}", "fr", value=f"86,1{NBSP}Md€") == (
        f"environ 86,1{NBSP}Md€ ou plus"
    )
    assert t(f"qualifier.{less.directed_wording}", "en", value="€1.58bn") == "about €1.58bn or less"
    assert t(f"qualifier.{less.directed_wording}", "fr", value="1,58") == "environ 1,58 ou moins"


@pytest.mark.parametrize(
    ("text", "fr"),
    [
        ("une hausse de environ 22,4 %", "une hausse d’environ 22,4 %"),
        ("un écart de au moins 15", "un écart d’au moins 15"),
        ("moins que environ 3", "moins qu’environ 3"),
        ("De environ 3", "D’environ 3"),
        ("de la tolérance de 1,0 pp", "de la tolérance de 1,0 pp"),  # nothing to elide
        ("de envol", "de envol"),  # a whole word only
    ],
)
def test_french_elision_after_a_filled_template(text, fr):
    assert elide(text, "fr") == fr
    assert elide(text, "en") == text  # English untouched


def test_bounds_are_rounded_half_up_unless_that_makes_them_false():
    # one rounding per quantity: half-up, whatever the side
    for direction in ("lower", "upper", "none", "mixed"):
        assert rounding_for(Bounded(48.503, direction)) == "half_up"  # type: ignore[arg-type]
    # less than 48.503 k€ -> 48.5: 0.003 on the wrong side, within a tenth of 0.1
    assert rounding_for(Bounded(48.503, "upper", True), "EUR_thousand") == "half_up"
    assert fmt_quantity(Bounded(48.503, "upper", True), "EUR_thousand", "en") == "less than €48.5k"
    # less than 2.4, no decimal: half-up "less than 2" would be false by 0.4 -> "less than 3"
    assert rounding_for(Bounded(2.4, "upper", True), "ratio", 0) == "ceiling"
    assert fmt_quantity(Bounded(2.4, "upper", True), "ratio", "en", 0) == "less than 3 times"
    # more than 27.86 %, one decimal: "more than 27.9%" would be false by 0.04 -> 27.8
    assert fmt_quantity(Bounded(27.86, "lower", True), "percent", "fr") == f"plus de 27,8{NBSP}%"
    # an approximate bound is written "about": half-up
    assert rounding_for(Bounded(2.4, "upper", True, True), "ratio", 0) == "half_up"


@pytest.mark.parametrize(
    ("value", "unit", "approximate", "digits", "shown"),
    [
        # an approximate input: 2 significant figures
        (48.6, "EUR_million", True, None, 0),  # 81 x about 0.60 = 48.6 -> 49
        (47.325, "percent", True, None, 0),  # nearly 23 / 48.6 = 47.33 -> 47
        (1.5804, "EUR_billion", True, 2, 1),  # about 10 / 1.36 ** 6 = 1.580 -> 1.6
        (9.3015, "EUR_billion", True, None, 1),  # about 80 / 1.36 ** 7 = 9.30 -> 9.3
        (9.96, "EUR_billion", True, None, 0),  # rounds up to 10: "10", not "10.0"
        (0.254, "percent", True, None, 1),  # capped by the unit's one decimal: 0.3
        # exact inputs only: at most 3 significant figures
        (3.1154, "EUR_million", False, 2, 2),  # 81 / 26 = 3.115 -> 3.12
        (6.75, "EUR_million", False, 2, 2),  # 81 / 12 = 6.75, exactly
        (27.833, "percent", False, None, 1),  # more than 1 670 / 6 000 = 27.83 -> 27.8
        (48.503, "EUR_thousand", False, None, 1),  # 81 000 / 1 670 = 48.50 -> 48.5
        (5.0337, "percent", False, 1, 1),  # the given digits stay a limit: 5.0
        # whole units are never rounded away; a ratio keeps the step of its own rule
        (1670.0, "jobs", True, None, 0),  # "about 1,670", not "about 1,700"
        (2.5, "ratio", True, 1, 1),  # about 2.5 times
        (3.0, "ratio", True, 0, 0),  # about 3 times
        (0.0, "percent", True, None, 0),
    ],
)
def test_derived_figures_show_only_the_precision_their_inputs_support(
    value, unit, approximate, digits, shown
):
    assert SIGNIFICANT_FIGURES == {"approximate": 2, "exact": 3}
    assert derived_digits(value, unit, approximate, digits) == shown


def test_derived_digits_and_bounds_round_as_before():
    # the decimals the rule gives are the bound's precision: less than 48.503 stays 48.5
    q = Bounded(48.503, "upper", True)
    n = derived_digits(q.value, "EUR_thousand", q.approximate)
    assert fmt_quantity(q, "EUR_thousand", "en", n) == "less than €48.5k"
    # less than 33.95 (81 x 0.7 / 1 670 x 1 000) at 3 s.f. -> 34.0, on the right side
    q = Bounded(33.952, "upper", True)
    n = derived_digits(q.value, "EUR_thousand", q.approximate)
    assert (n, fmt_quantity(q, "EUR_thousand", "en", n)) == (1, "less than €34.0k")
    # more than 27.86 % at 3 s.f.: half-up 27.9 would be false by 0.04 -> 27.8 (floor)
    q = Bounded(27.86, "lower", True)
    n = derived_digits(q.value, "percent", q.approximate)
    assert fmt_quantity(q, "percent", "en", n) == "more than 27.8%"


@pytest.mark.parametrize(
    ("call", "message"),
    [
        (lambda: derived_digits(1.5, "parsecs", True),
         f"unit must be one of {', '.join(UNITS)}, got 'parsecs'"),
        (lambda: derived_digits(math.inf, "percent", True),
         "value must be a finite number, got inf"),
        (lambda: derived_digits(1.5, "percent", True, -1),
         "digits must be an integer from 0 to 6, got -1"),
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


@pytest.mark.parametrize(
    ("args", "fr", "en"),
    [
        (("press release", dt.date(2024, 1, 17), "day"),
         "communiqué de presse du 17 janvier 2024", "press release of 17 January 2024"),
        (("news article", dt.date(2021, 2, 1), "month"),
         "article de presse de février 2021", "news article of February 2021"),
        (("news article", dt.date(2021, 4, 1), "month"),  # elided before a vowel
         "article de presse d\u2019avril 2021", "news article of April 2021"),
        (("web page", dt.date(2024, 1, 1), "year"), "page web, 2024", "web page, 2024"),
    ],
)  # fmt: skip
def test_fmt_document_names_a_document_by_kind_and_date(args, fr, en):
    kind, day, precision = args
    assert fmt_document(kind, day, "fr", precision) == fr
    assert fmt_document(kind, day, "en", precision) == en


def test_fmt_document_after_of_agrees_with_the_kind():
    day = dt.date(2024, 1, 17)
    assert fmt_document("press release", day, "fr", of=True) == (
        "du communiqué de presse du 17 janvier 2024"
    )
    assert fmt_document("web page", day, "fr", "year", of=True) == "de la page web, 2024"
    assert fmt_document("press release", day, "en", of=True) == (
        "of the press release of 17 January 2024"
    )
    with pytest.raises(ValueError, match="unknown message key 'figure.source.kind.leaflet'"):
        fmt_document("leaflet", day, "en")


@pytest.mark.parametrize(
    ("quoted", "shown"),
    [
        ("6 000 emplois au total", "6\u00a0000 emplois au total"),  # thousands kept together
        ("et 1 200 emplois indirects", "et 1\u00a0200 emplois indirects"),
        ("2,6 % de la population", "2,6\u00a0% de la population"),  # the sign with its number
        ("470 emplois directs", "470 emplois directs"),  # a space before a word: unchanged
        ("en 2024, 19 2024 25", "en 2024, 19 2024 25"),  # a year is not a group of thousands
    ],
)
def test_quoted_numbers_do_not_break_at_a_line_end(quoted, shown):
    assert numbers_unbroken(quoted) == shown
