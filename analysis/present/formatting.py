"""Numbers, money, percentages, dates and bounds written for French (fr_BE) or English (en_GB).

Digits, separators, month names and quarters come from Babel (CLDR); the unit words and the
bound wordings ("plus de", "more than") come from the message catalogue. Examples::

    fmt_number(2100, "fr") == "2\u202f100"          fmt_number(2100, "en") == "2,100"
    fmt_money(48.6, "fr") == "48,6\u00a0M€"          fmt_money(48.6, "en") == "€48.6M"
    fmt_percent(34.59, "fr") == "34,6\u00a0%"        fmt_percent(34.59, "en") == "34.6%"
    fmt_date(date(2024, 1, 17), "fr") == "17 janvier 2024"

Money has two styles: short in tiles, tables and charts ("€81M", "81 M€", "€48.5k"), and
in words in running text (``prose=True``): "€81 million", "81 millions d’euros", thousands
in full, "€48,500" / "48 500 €", never "k" in a sentence. A rank is an ordinal: "1er",
"2e" / "1st", "2nd" in a table, in words in running text ("deuxième" / "second").

Spaces in French follow CLDR's fr_BE data, and only those two characters are used: the
narrow no-break space U+202F groups digits ("2 100"), the no-break space U+00A0 separates a
number from its unit or sign ("34,6 %", "48,6 M€", "5 ans"). English writes "€48.6M",
"34.6%" and "5 years".

Rounding is half-up (6.75 -> 6.8), for every figure, bounds included: a quantity has one
rounding wherever it is shown (chart, table, prose), and a bound is written as its tight
figure at the precision shown ("less than €48.5k" for less than 48.503), never rounded
outwards into a looser one ("less than €48.6k"); only a bound that half-up rounding would
put on the wrong side by more than a tenth of its last digit is rounded outwards
(:func:`rounding_for`).

A computed figure shows no more precision than its inputs support (:func:`derived_digits`,
the rule the methodology states, catalogue key ``report.method.significant``): two
significant figures when an input is approximate ("about", "nearly"; "about €49M" for 81 x
about 60 %), at most three when every input is exact ("€3.12M" for 81 / 26), never fewer
than the whole units. A figure a text states is shown as stated. Only the text is rounded:
the value kept (``indicators.csv``, further arithmetic) is the unrounded one.

A figure carries one qualifier (:attr:`analysis.compute.growth.Bounded.wording`): a bound
that rests on an approximate figure is written as that approximate figure ("about €58M",
not "at least about €58M"); ``about_or_more`` / ``about_or_less`` ("about €86.1bn or
more") keep its side where the side is the point.

Percentages are given in percent (34.6, not 0.346), like the facts of ``facts.csv``.
"""

from __future__ import annotations

import datetime as dt
import math
import numbers
import re
from collections.abc import Mapping
from decimal import ROUND_CEILING, ROUND_FLOOR, ROUND_HALF_EVEN, ROUND_HALF_UP, Decimal
from typing import Any

from babel import Locale
from babel.dates import format_date, format_skeleton
from babel.numbers import format_decimal, format_percent

from analysis.compute.growth import Bounded
from analysis.data.units import COUNT_UNITS
from analysis.present.messages import check_lang, t

__all__ = [
    "FR_GROUP",
    "FR_UNIT_SPACE",
    "LOCALES",
    "MONEY_SCALES",
    "PRECISIONS",
    "ROUNDINGS",
    "SIGNIFICANT_FIGURES",
    "UNITS",
    "derived_digits",
    "elide",
    "fmt_date",
    "fmt_document",
    "fmt_fact",
    "fmt_money",
    "fmt_number",
    "fmt_ordinal",
    "fmt_percent",
    "fmt_period",
    "fmt_pp",
    "fmt_quantity",
    "fmt_ratio",
    "fmt_source",
    "fmt_value",
    "in_sentence",
    "numbers_unbroken",
    "qualified",
    "rounding_for",
]


#: The Babel locale of each language.
LOCALES = {"fr": "fr_BE", "en": "en_GB"}

#: Digit grouping in French (CLDR fr_BE): narrow no-break space.
FR_GROUP = "\u202f"
#: Between a number and its unit or sign in French (CLDR fr_BE): no-break space.
FR_UNIT_SPACE = "\u00a0"

#: Rounding modes: half-up for figures, outwards for bounds.
ROUNDINGS = {"half_up": ROUND_HALF_UP, "floor": ROUND_FLOOR, "ceiling": ROUND_CEILING}

#: Scales of :func:`fmt_money`.
MONEY_SCALES = ("thousand", "million", "billion")

#: Units :func:`fmt_value` knows, with the default number of decimals of a non-integral value.
UNITS = {
    "EUR_thousand": 1,
    "EUR_million": 1,
    "EUR_billion": 1,
    "percent": 1,
    "percentage_points": 1,
    "ratio": 2,
    "years": 0,
    "rank": 0,
    "jobs": 0,
    "employees": 0,
    "organisations": 0,
    "companies": 0,
    "people": 0,
    "workpackages": 0,
}

#: Significant figures a computed figure is shown with (:func:`derived_digits`): when one of
#: its inputs is approximate, and when every input is exact.
SIGNIFICANT_FIGURES = {"approximate": 2, "exact": 3}

#: Precisions of :func:`fmt_date` (the ``date_precision`` of the data).
PRECISIONS = ("day", "week", "month", "quarter", "year")


def _finite(value: object, name: str = "value") -> float:
    if isinstance(value, bool) or not isinstance(value, numbers.Real | Decimal):
        raise ValueError(f"{name} must be a number, got {value!r}")
    if not math.isfinite(value):
        raise ValueError(f"{name} must be a finite number, got {value!r}")
    return float(value)


def _check_digits(digits: object) -> None:
    if digits is not None and (
        isinstance(digits, bool) or not isinstance(digits, int) or not 0 <= digits <= 6
    ):
        raise ValueError(f"digits must be an integer from 0 to 6, got {digits!r}")


def _quantize(value: float, digits: int, rounding: str) -> Decimal:
    if rounding not in ROUNDINGS:
        raise ValueError(f"rounding must be one of {', '.join(ROUNDINGS)}, got {rounding!r}")
    # Drop binary noise first (7.8 / 2.6 = 3.0000000000000004), then round as asked.
    d = Decimal(repr(value)).quantize(Decimal("1e-9"), ROUND_HALF_EVEN)
    q = d.quantize(Decimal(1).scaleb(-digits), ROUNDINGS[rounding])
    return q.copy_abs() if q == 0 else q


def _auto_digits(value: float, digits: int | None, default: int) -> int:
    _check_digits(digits)
    if digits is not None:
        return digits
    d = Decimal(repr(value)).quantize(Decimal("1e-9"), ROUND_HALF_EVEN)
    return 0 if d == d.to_integral_value() else default


def _number(q: Decimal, digits: int, lang: str) -> str:
    pattern = "#,##0" + ("." + "0" * digits if digits else "")
    return format_decimal(q, format=pattern, locale=LOCALES[lang])


def derived_digits(value: float, unit: str, approximate: bool, digits: int | None = None) -> int:
    """The decimals a computed (derived) figure is shown with: no more than its inputs support.

    The rule, one for every chart, table and sentence:

    * a figure computed from at least one approximate input ("about", "nearly", or bounds
      of opposite sides) is shown to two significant figures: 81 x about 60 % = 48.6 ->
      "about €49M", nearly 23 / about 48.6 = 47.33 % -> "about 47%";
    * a figure computed from exact inputs only (bounds such as "more than" included: they
      are exact figures with a side) keeps at most three significant figures: 81 / 26 =
      3.115 -> "€3.12M", more than 1 670 / 6 000 = 27.83 % -> "more than 27.8%". Three,
      not two, because such inputs are taken as exact everywhere else (the audit, the
      bounds): rounding their quotient to "€3.1M" would read them as approximate here
      only, and 81 / 12 = 6.75 is exact and would be misstated as "€6.8M";
    * the rule only removes decimals: a figure of 100 or more keeps its whole units (more
      than 470 + 1 200 is "more than 1,670", a sum the reader can redo, not "1,700");
    * ``digits`` (or else the unit's usual decimals, see :func:`fmt_value`) stays an upper
      limit, so a finer rule of its own (a ratio rounded to the step its figures allow, a
      difference shown with no more decimals than the figures it compares) is kept.

    Figures a text states are not derived: they are shown as stated. A bound keeps the
    rounding of :func:`rounding_for` at the decimals returned here.

    Args:
        value: the figure.
        unit: one of :data:`UNITS`.
        approximate: whether an input of the figure is approximate.
        digits: the most decimals to show; None for the unit's usual decimals.

    Returns:
        The number of decimals, from 0 to ``digits``.

    Raises:
        ValueError: for a value that is not a finite number, an unknown unit or bad digits.
    """
    if unit not in UNITS:
        raise ValueError(f"unit must be one of {', '.join(UNITS)}, got {unit!r}")
    v = _finite(value)
    _check_digits(digits)
    if digits is None:
        digits = UNITS["ratio"] if unit == "ratio" else _auto_digits(v, None, UNITS[unit])
    d = Decimal(repr(v)).quantize(Decimal("1e-9"), ROUND_HALF_EVEN)
    if d == 0:
        return 0
    figures = SIGNIFICANT_FIGURES["approximate" if approximate else "exact"]
    magnitude = d.copy_abs().adjusted()  # 48.6 -> 1, 3.115 -> 0, 0.25 -> -1
    decimals = max(figures - 1 - magnitude, 0)
    # 9.96 to two figures rounds up to 10: one decimal fewer keeps two figures ("10", not "10.0")
    rounded = d.quantize(Decimal(1).scaleb(-decimals), ROUND_HALF_UP)
    if rounded.copy_abs().adjusted() > magnitude and decimals > 0:
        decimals -= 1
    return min(decimals, digits)


def fmt_number(
    value: float, lang: str, digits: int | None = None, rounding: str = "half_up"
) -> str:
    """Format a number: ``2 100`` (fr, U+202F) / ``2,100`` (en).

    Args:
        value: the number.
        lang: ``fr`` or ``en``.
        digits: decimals; by default none for a whole number, else one.
        rounding: ``half_up``, ``floor`` or ``ceiling``.

    Raises:
        ValueError: for a value that is not a finite number, bad digits, rounding or lang.
    """
    check_lang(lang)
    v = _finite(value)
    n = _auto_digits(v, digits, 1)
    return _number(_quantize(v, n, rounding), n, lang)


def fmt_percent(
    value: float, lang: str, digits: int | None = None, rounding: str = "half_up"
) -> str:
    """Format a percentage given in percent: ``34,6 %`` (fr, U+00A0) / ``34.6%`` (en).

    Args:
        value: the percentage, in percent (34.6 for 34.6 %).
        lang: ``fr`` or ``en``.
        digits: decimals; by default none for a whole number, else one.
        rounding: ``half_up``, ``floor`` or ``ceiling``.

    Raises:
        ValueError: for a value that is not a finite number, bad digits, rounding or lang.
    """
    check_lang(lang)
    v = _finite(value)
    n = _auto_digits(v, digits, 1)
    q = _quantize(v, n, rounding)
    pattern = Locale.parse(LOCALES[lang]).percent_formats[None].pattern
    if n:
        pattern = pattern.replace("#,##0", "#,##0." + "0" * n, 1)
    return format_percent(q / 100, format=pattern, locale=LOCALES[lang])


def fmt_pp(
    value: float, lang: str, digits: int = 1, rounding: str = "half_up", prose: bool = False
) -> str:
    """Format percentage points: ``1,4 pt`` (fr) / ``1.4 pp`` (en).

    With ``prose``, in words, as running text wants them: ``1,4 point`` / ``1.4
    percentage points``.

    Raises:
        ValueError: for a value that is not a finite number, bad digits, rounding or lang.
    """
    check_lang(lang)
    _check_digits(digits)
    v = _finite(value)
    key = "fmt.pp.prose" if prose else "fmt.pp"
    return t(key, lang, value=_number(_quantize(v, digits, rounding), digits, lang))


def fmt_ratio(value: float, lang: str, digits: int = 2, rounding: str = "half_up") -> str:
    """Format a ratio (a multiple): ``7,19×`` (fr) / ``7.19×`` (en).

    Raises:
        ValueError: for a value that is not a finite number, bad digits, rounding or lang.
    """
    check_lang(lang)
    _check_digits(digits)
    v = _finite(value)
    return t("fmt.ratio", lang, value=_number(_quantize(v, digits, rounding), digits, lang))


def fmt_money(
    value: float,
    lang: str,
    scale: str = "million",
    digits: int | None = None,
    rounding: str = "half_up",
    prose: bool = False,
) -> str:
    """Format an amount of euros given in thousands, millions or billions.

    ``fmt_money(48.6, "fr") == "48,6 M€"`` (U+00A0), ``fmt_money(48.6, "en") == "€48.6M"``,
    ``fmt_money(10, "en", "billion") == "€10bn"``, ``fmt_money(48.5, "fr", "thousand") ==
    "48,5 k€"``.

    Args:
        value: the amount, in ``scale``.
        lang: ``fr`` or ``en``.
        scale: ``thousand``, ``million`` or ``billion``.
        digits: decimals; by default none for a whole number, else one.
        rounding: ``half_up``, ``floor`` or ``ceiling``.
        prose: the style of running text: ``€81 million``, ``81 millions d’euros``, and
            thousands in full (``€48,500``, ``48 500 €``), rounded as the short style.

    Raises:
        ValueError: for a value that is not a finite number, an unknown scale, bad digits,
            rounding or lang.
    """
    check_lang(lang)
    if scale not in MONEY_SCALES:
        raise ValueError(f"scale must be one of {', '.join(MONEY_SCALES)}, got {scale!r}")
    v = _finite(value)
    n = _auto_digits(v, digits, 1)
    q = _quantize(v, n, rounding)
    if prose and scale == "thousand":  # a sentence gives thousands in full: €48,500
        return t("fmt.money.unit", lang, value=_number(q * 1000, max(n - 3, 0), lang))
    style = ".prose" if prose else ""
    return t(f"fmt.money.{scale}{style}", lang, value=_number(q, n, lang))


def fmt_value(
    value: float,
    unit: str,
    lang: str,
    digits: int | None = None,
    rounding: str = "half_up",
    prose: bool = False,
) -> str:
    """Format a value in one of :data:`UNITS` (the units of the data plus a few computed ones).

    Money and percentages get their symbol, ``years`` a word (``5 ans`` / ``5 years``),
    ``rank`` is an ordinal (``2e`` / ``2nd``); counts (jobs, companies...) are bare numbers.
    ``prose`` asks for the style of running text: money in words (:func:`fmt_money`),
    ranks in words (:func:`fmt_ordinal`).

    Raises:
        ValueError: for an unknown unit, a value that is not a finite number, bad digits,
            rounding or lang.
    """
    check_lang(lang)
    if unit not in UNITS:
        raise ValueError(f"unit must be one of {', '.join(UNITS)}, got {unit!r}")
    if unit.startswith("EUR_"):
        return fmt_money(value, lang, unit.removeprefix("EUR_"), digits, rounding, prose)
    if unit == "percent":
        return fmt_percent(value, lang, digits, rounding)
    v = _finite(value)
    n = _auto_digits(v, digits, UNITS[unit]) if unit != "ratio" or digits is not None else 2
    if unit == "percentage_points":
        return fmt_pp(v, lang, n, rounding, prose)
    if unit == "ratio":
        return fmt_ratio(v, lang, n, rounding)
    if unit == "rank":
        return fmt_ordinal(v, lang, words=prose)
    number = _number(_quantize(v, n, rounding), n, lang)
    if unit == "years":
        return t("fmt.years", lang, value=number)
    return number


def fmt_ordinal(value: float, lang: str, words: bool = False) -> str:
    """Format a rank as an ordinal: ``1er``, ``2e`` (fr) / ``1st``, ``2nd``, ``3rd`` (en).

    The suffix follows the language's CLDR ordinal rules (through Babel). With ``words``,
    ranks one to nine are written out, as running text wants them: ``premier``,
    ``deuxième`` / ``first``, ``second`` (the words are in the message catalogue).

    Raises:
        ValueError: for a value that is not a positive whole number, or a bad lang.
    """
    check_lang(lang)
    v = _finite(value)
    if v != int(v) or v < 1:
        raise ValueError(f"a rank must be a positive whole number, got {value!r}")
    rank = int(v)
    if words and rank <= 9:
        return t("fmt.ordinal.words", lang).split("|")[rank - 1]
    category = Locale.parse(LOCALES[lang]).ordinal_form(rank)
    return t(f"fmt.ordinal.{category}", lang, value=_number(Decimal(rank), 0, lang))


def qualified(wording: str, unit: str, lang: str, value: str) -> str:
    """A figure's text with its qualifier: ``more than 470``, ``fewer than 3,900 jobs``.

    English says "fewer than" for things counted one by one (jobs, companies...), "less
    than" for amounts; French says "moins de" for both.
    """
    if wording == "less_than" and unit in COUNT_UNITS:
        wording = "fewer_than"
    return t(f"qualifier.{wording}", lang, value=value)


def fmt_quantity(
    quantity: Bounded | float,
    unit: str,
    lang: str,
    digits: int | None = None,
    prose: bool = False,
) -> str:
    """Format a figure with the wording of its bound: ``plus de 470`` / ``more than 470``.

    A stated figure keeps its qualifier (``environ 10 Md€`` / ``about €10bn``, ``près de
    23 M€`` / ``nearly €23M``); a computed bound reads ``moins de 2,56`` / ``less than 2.56``,
    and one that rests on an approximate figure ``environ 1,58 Md€`` / ``about €1.58bn``
    (one qualifier, see the module doc).

    Args:
        quantity: a :class:`~analysis.growth.Bounded` figure, or a plain number (exact).
        unit: one of :data:`UNITS`.
        lang: ``fr`` or ``en``.
        digits: decimals, as for :func:`fmt_value`.
        prose: the style of running text, as for :func:`fmt_value`.

    Raises:
        ValueError: for an unknown unit, bad digits or lang.
    """
    check_lang(lang)
    q = quantity if isinstance(quantity, Bounded) else Bounded(_finite(quantity, "quantity"))
    text = fmt_value(q.value, unit, lang, digits, rounding_for(q, unit, digits), prose)
    return qualified(q.wording, unit, lang, text)


def rounding_for(quantity: Bounded, unit: str | None = None, digits: int | None = None) -> str:
    """Return the rounding a quantity is printed with: ``half_up``, bounds included.

    A bound is not rounded outwards into a looser figure: its tight figure, rounded
    half-up, is what the chart, the table and the prose show ("less than €48.5k" for less
    than 48.503, a shift of 0.003, within a tenth of the last digit). Only when half-up
    rounding would put an exact bound on the wrong side by more than a tenth of its last
    digit is it rounded outwards instead (less than 2.4 shown without decimals is "less than
    3", not a false "less than 2"); this needs ``unit`` (and ``digits``, as for
    :func:`fmt_value`).

    Raises:
        ValueError: for a quantity that is not a :class:`Bounded` figure or an unknown unit.
    """
    if not isinstance(quantity, Bounded):
        raise ValueError(f"quantity must be a Bounded figure, got {quantity!r}")
    if unit is None or quantity.approximate or quantity.direction not in ("lower", "upper"):
        return "half_up"
    if unit not in UNITS:
        raise ValueError(f"unit must be one of {', '.join(UNITS)}, got {unit!r}")
    v = _finite(quantity.value)
    n = 2 if unit == "ratio" and digits is None else _auto_digits(v, digits, UNITS[unit])
    shift = float(_quantize(v, n, "half_up")) - v
    wrong_side = shift > 0 if quantity.direction == "lower" else shift < 0
    if wrong_side and abs(shift) > 10.0**-n / 10:
        return "floor" if quantity.direction == "lower" else "ceiling"
    return "half_up"


def fmt_fact(value: float, unit: str, qualifier: str, lang: str, digits: int | None = None) -> str:
    """Format a stated figure with its qualifier from ``facts.csv``: ``15+`` -> ``au moins 15``.

    Raises:
        ValueError: for an unknown qualifier or unit, bad digits or lang.
    """
    return fmt_quantity(Bounded.from_qualifier(_finite(value), qualifier), unit, lang, digits)


def fmt_date(value: dt.date, lang: str, precision: str = "day", article: bool = False) -> str:
    """Format a date as precisely as it is known.

    ``day``: ``17 janvier 2024`` / ``17 January 2024``; ``week``: ``semaine du 6 juin 2022``
    / ``week of 6 June 2022``; ``month``: ``juin 2022`` / ``June 2022``; ``quarter``:
    ``T4 2023`` / ``Q4 2023``; ``year``: ``2024``. A coarse date is given by its first day.
    With ``article``, a day takes the article a sentence needs: ``entre février 2021 et le
    14 mai 2024`` (English needs none); coarser dates are written as without it.

    Raises:
        ValueError: for a value that is not a date, an unknown precision or lang.
    """
    check_lang(lang)
    if not isinstance(value, dt.date):
        raise ValueError(f"value must be a date, got {value!r}")
    if precision not in PRECISIONS:
        raise ValueError(f"precision must be one of {', '.join(PRECISIONS)}, got {precision!r}")
    locale = LOCALES[lang]
    if precision == "year":
        return str(value.year)
    if precision == "quarter":
        return format_skeleton("yQQQ", value, locale=locale)
    if precision == "month":
        return format_skeleton("yMMMM", value, locale=locale)
    day = format_date(value, "long", locale=locale)
    text = t("fmt.week", lang, date=day) if precision == "week" else day
    return t("fmt.article.day", lang, date=text) if article and precision == "day" else text


def fmt_document(
    kind: str, value: dt.date, lang: str, precision: str = "day", of: bool = False
) -> str:
    """Name a published document by its kind and date, as a reader cites it.

    ``("press release", 2024-01-17)`` -> ``communiqué de presse du 17 janvier 2024`` /
    ``press release of 17 January 2024``; a coarse date as precise as it is known (``article
    de presse de février 2021``, ``web page, 2024``). With ``of``, the name follows "of"
    (the article agreeing with the kind in French): ``du communiqué de presse du 17 janvier
    2024`` / ``of the press release of 17 January 2024``.

    Raises:
        ValueError: for an unknown kind (no ``figure.source.kind.<kind>`` message), date,
            precision or lang.
    """
    check_lang(lang)
    name = t("figure.source.kind." + kind.replace(" ", "_") + (".of" if of else ""), lang)
    date = fmt_date(value, lang, precision)
    key = f"figure.source.dated.{precision}"
    if precision == "month" and date[:1].lower() in "aeiouyàâéèêîôû":
        key = "figure.source.dated.month_elided"
    return t(key, lang, kind=name, date=date)


def fmt_source(row: Mapping[str, Any], lang: str, of: bool = False) -> str:
    """Name a document of ``sources.csv`` by its row, as :func:`fmt_document` does.

    The row gives the kind, the publication date and its precision.
    """
    return fmt_document(str(row["kind"]), row["pub_date"], lang, str(row["date_precision"]), of)


def fmt_period(start: int | None, end: int | None, lang: str) -> str:
    """Format a period of years: ``2024–2029``, ``2025``, or an empty string when unknown.

    Raises:
        ValueError: for a lang that is not ``fr`` or ``en`` or an end before the start.
    """
    check_lang(lang)
    if start is None and end is None:
        return ""
    if start is None or end is None or start == end:
        return str(start if end is None else end)
    if end < start:
        raise ValueError(f"end must not be before start ({start}), got {end}")
    return f"{start}\u2013{end}"


#: French words a filled template may leave before a vowel: "de environ" -> "d’environ".
_ELISION = re.compile(r"\b([dD]|[qQ]u|[jJ]usqu|[lL]orsqu|[pP]uisqu)e (?=(?:environ|au|un|une)\b)")


def elide(text: str, lang: str) -> str:
    """Apply the French elision a filled template may need; other languages unchanged.

    A qualifier put after "de" or "que" may start with a vowel: ``une hausse de environ
    22,4 %`` -> ``une hausse d’environ 22,4 %``, ``de au moins 15`` -> ``d’au moins 15``
    (with the typographic apostrophe of the French catalogue).

    Raises:
        ValueError: for a lang that is not ``fr`` or ``en``.
    """
    check_lang(lang)
    return _ELISION.sub("\\1\u2019", text) if lang == "fr" else text


#: A space inside a number ("6 000", "1 200") or before its percent sign ("2,6 %").
_NUMBER_SPACE = re.compile(r"(?<=\d) (?=\d{3}(?!\d)|%)")


def numbers_unbroken(text: str) -> str:
    """Quoted text whose numbers cannot break at a line's end.

    ``6 000`` and ``2,6 %`` keep their space, made a no-break one; the words are the text's
    own.
    """
    return _NUMBER_SPACE.sub("\u00a0", text)


def in_sentence(label: str) -> str:
    """A label as it reads inside a sentence: first letter in lower case, unless an acronym."""
    if len(label) > 1 and label[:2].isupper():
        return label
    return label[:1].lower() + label[1:]
