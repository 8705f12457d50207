"""Provenance: read the figures of the source texts back, the way each language writes them.

Pure functions on strings and tables, used by the provenance audit of the curated data
against the five source texts (which stay outside the repository).

* :func:`read_numbers` reads every number of a French or English excerpt with the unit its
  writing implies: ``81M€`` -> 81 EUR_million, ``1 200`` (fr) and ``1,200`` (en) -> 1200,
  ``2,6 %`` (fr) and ``2.6%`` (en) -> 2.6 percent, ``10 milliards`` / ``€10 billion`` -> 10
  EUR_billion, ``15+`` -> 15, number words (``cinq``/``five`` -> 5), fractions (``deux tiers``
  -> 66.67 percent) and ordinals (``troisième``/``third`` -> rank 3).
* :func:`explain_value` tells whether a locator supports a curated value and unit, and
  :func:`missing_locators` / :func:`unreadable_values` audit whole tables with it.

Finding every figure of a whole text, and what covers it, is :mod:`analysis.data.scan`.

The words *un*, *une* and *one* are not number words here: in these texts they are articles or
pronouns far more often than figures, and counting them would drown the audit.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

__all__ = [
    "CARDINALS",
    "FRACTIONS",
    "ORDINALS",
    "UNIT_MARKERS",
    "UNIT_WORDS",
    "Reading",
    "explain_value",
    "missing_locators",
    "occurrences",
    "read_numbers",
    "read_texts",
    "unreadable_values",
]

#: Cardinal number words (excluding un/une/one, see the module docstring).
CARDINALS: dict[str, dict[str, float]] = {
    "fr": {
        "deux": 2,
        "trois": 3,
        "quatre": 4,
        "cinq": 5,
        "six": 6,
        "sept": 7,
        "huit": 8,
        "neuf": 9,
        "dix": 10,
        "onze": 11,
        "douze": 12,
        "treize": 13,
        "quatorze": 14,
        "quinze": 15,
        "seize": 16,
        "vingt": 20,
        "trente": 30,
        "quarante": 40,
        "cinquante": 50,
        "soixante": 60,
        "cent": 100,
        "mille": 1000,
        "dizaine": 10,
        "douzaine": 12,
        "quinzaine": 15,
        "vingtaine": 20,
        "centaine": 100,
        "millier": 1000,
    },
    "en": {
        "two": 2,
        "three": 3,
        "four": 4,
        "five": 5,
        "six": 6,
        "seven": 7,
        "eight": 8,
        "nine": 9,
        "ten": 10,
        "eleven": 11,
        "twelve": 12,
        "thirteen": 13,
        "fourteen": 14,
        "fifteen": 15,
        "sixteen": 16,
        "twenty": 20,
        "thirty": 30,
        "forty": 40,
        "fifty": 50,
        "sixty": 60,
        "hundred": 100,
        "thousand": 1000,
        "dozen": 12,
    },
}

#: Ordinal words, read as ranks.
ORDINALS: dict[str, dict[str, float]] = {
    "fr": {
        "premier": 1,
        "première": 1,
        "premiers": 1,
        "premières": 1,
        "deuxième": 2,
        "second": 2,
        "seconde": 2,
        "troisième": 3,
        "quatrième": 4,
        "cinquième": 5,
        "sixième": 6,
        "septième": 7,
        "huitième": 8,
        "neuvième": 9,
        "dixième": 10,
    },
    "en": {
        "first": 1,
        "second": 2,
        "third": 3,
        "fourth": 4,
        "fifth": 5,
        "sixth": 6,
        "seventh": 7,
        "eighth": 8,
        "ninth": 9,
        "tenth": 10,
    },
}

#: Fractions written in words, as (numerator, denominator): read as percentages.
FRACTIONS: dict[str, dict[str, tuple[int, int]]] = {
    "fr": {
        "un tiers": (1, 3),
        "deux tiers": (2, 3),
        "un quart": (1, 4),
        "trois quarts": (3, 4),
        "la moitié": (1, 2),
        "tiers": (1, 3),
        "quart": (1, 4),
        "moitié": (1, 2),
    },
    "en": {
        "a third": (1, 3),
        "one third": (1, 3),
        "two thirds": (2, 3),
        "two-thirds": (2, 3),
        "a quarter": (1, 4),
        "three quarters": (3, 4),
        "half": (1, 2),
    },
}

#: How a figure's unit shows in the text right after it (or, for a fraction, in its words).
_SUFFIX_UNITS = [
    (re.compile(r"\s?%"), "percent"),
    (re.compile(r"\s(?:pour cent|per ?cent)\b", re.IGNORECASE), "percent"),
    (re.compile(r"\s?(?:M€|M\s?EUR\b|Mio\b|millions?\b)"), "EUR_million"),
    (re.compile(r"\s?(?:Md€|Mrd\b|milliards?\b|billions?\b|bn\b)"), "EUR_billion"),
    (re.compile(r"(?:er|re|e|ème|st|nd|rd|th)\b"), "rank"),
]

#: Words that must accompany a count or duration, per unit and language.
UNIT_WORDS: dict[str, dict[str, str]] = {
    "jobs": {"fr": r"emplois?", "en": r"jobs?"},
    "employees": {"fr": r"employés?|salariés?", "en": r"employees?|staff"},
    "organisations": {
        "fr": r"partenaires?|membres?|institutions?|centres?|hôpitaux|hôpital|clusters?"
        r"|organisations?",
        "en": r"partners?|members?|institutions?|cent(?:re|er)s?|hospitals?|clusters?"
        r"|organi[sz]ations?",
    },
    "companies": {"fr": r"sociétés?|entreprises?", "en": r"compan(?:y|ies)|firms?"},
    "people": {
        "fr": r"entrepreneurs?|investisseurs?|personnes?|participants?",
        "en": r"entrepreneurs?|investors?|people|persons?|participants?",
    },
    "workpackages": {"fr": r"work ?packages?", "en": r"work ?packages?"},
    "years": {"fr": r"ans?|années?", "en": r"years?"},
}

#: What a locator must show for a unit read from the figure itself.
UNIT_MARKERS = {
    "EUR_million": "M€ or million",
    "EUR_billion": "milliard or billion",
    "percent": "%, pour cent, per cent or a fraction (tiers, thirds)",
    "rank": "an ordinal (troisième, third, 2e, ...)",
}

_NUMBER = {
    # French: thousands separated by a (narrow, no-break) space, decimal comma.
    "fr": re.compile(r"(?<![\d.,])(\d{1,3}(?:[ \u00a0\u202f]\d{3})+|\d+)(?:,(\d+))?(?!\d)"),
    # English: thousands separated by a comma, decimal point.
    "en": re.compile(r"(?<![\d.,])(\d{1,3}(?:,\d{3})+|\d+)(?:\.(\d+))?(?!\d)"),
}
_WORD = re.compile(r"[^\W\d_]+(?:['’-][^\W\d_]+)*")


@dataclass(frozen=True)
class Reading:
    """A number read from a text.

    Attributes:
        value: the number, in the unit below (a fraction is given in percent).
        unit: ``EUR_million``, ``EUR_billion``, ``percent`` or ``rank`` when the writing
            says so; ``None`` for a plain number (a count, a year, a duration...).
        start: offset of its first character in the text.
        end: offset just after it (including its unit marker, if any).
        text: the characters read.
        plus: written with a trailing ``+`` (``15+``: at least 15).
    """

    value: float
    unit: str | None
    start: int
    end: int
    text: str
    plus: bool = False


def _language(language: str) -> str:
    if language not in _NUMBER:
        raise ValueError(f"unsupported language {language!r}: expected 'fr' or 'en'")
    return language


def _fraction_pattern(words: Iterable[str]) -> re.Pattern[str]:
    ordered = sorted(words, key=len, reverse=True)  # "deux tiers" before "tiers"
    return re.compile(
        r"(?<![^\W\d_])(" + "|".join(re.escape(w) for w in ordered) + r")(?![^\W\d_])",
        re.IGNORECASE,
    )


_FRACTION = {lang: _fraction_pattern(words) for lang, words in FRACTIONS.items()}


def read_numbers(text: str, language: str) -> list[Reading]:
    """Read every number of ``text`` as ``language`` writes numbers, in order of position.

    Args:
        text: an excerpt or a whole document.
        language: ``fr`` or ``en``.

    Returns:
        One :class:`Reading` per figure written with digits, number word, ordinal or fraction;
        the words of a figure already read (``deux`` of ``deux tiers``, ``cent`` of
        ``10 pour cent``) are not read again.

    Raises:
        ValueError: for another language.
    """
    lang = _language(language)
    readings: list[Reading] = []
    for match in _NUMBER[lang].finditer(text):
        whole = re.sub(r"[ \u00a0\u202f,]", "", match.group(1))
        value = float(f"{whole}.{match.group(2)}" if match.group(2) else whole)
        unit, end = None, match.end()
        rest = text[end:]
        for pattern, suffix_unit in _SUFFIX_UNITS:
            suffix = pattern.match(rest)
            if suffix:
                unit, end = suffix_unit, end + suffix.end()
                break
        plus = text[end : end + 1] == "+"
        if plus:
            end += 1
        readings.append(Reading(value, unit, match.start(), end, text[match.start() : end], plus))
    for match in _FRACTION[lang].finditer(text):
        numerator, denominator = FRACTIONS[lang][match.group(1).lower()]
        value = round(100 * numerator / denominator, 2)
        readings.append(Reading(value, "percent", match.start(), match.end(), match.group(0)))
    taken = [(r.start, r.end) for r in readings]  # "pour cent" of "10 pour cent" is no 100
    for match in _WORD.finditer(text):
        if any(start <= match.start() and match.end() <= end for start, end in taken):
            continue
        word = match.group(0).lower()
        if word in CARDINALS[lang]:
            readings.append(
                Reading(CARDINALS[lang][word], None, match.start(), match.end(), match.group(0))
            )
        elif word in ORDINALS[lang]:
            readings.append(
                Reading(ORDINALS[lang][word], "rank", match.start(), match.end(), match.group(0))
            )
    return sorted(readings, key=lambda r: (r.start, -r.end))


def _same(a: float, b: float) -> bool:
    return math.isclose(a, b, rel_tol=0, abs_tol=0.005)


def explain_value(locator: str, language: str, value: float, unit: str) -> str | None:
    """Tell why ``locator`` does not support ``value`` in ``unit``; ``None`` when it does.

    A money, percent or rank value must be read with that unit from the figure itself
    (``81M€``, ``2,6 %``, ``deux tiers``, ``troisième``). A count or duration must be read as a
    plain number, and the locator must name what is counted (``emplois``, ``years``, ...).

    Args:
        locator: the verbatim excerpt.
        language: language of the document, ``fr`` or ``en``.
        value: the curated value.
        unit: the curated unit.
    """
    readings = read_numbers(locator, language)
    matches = [r for r in readings if _same(r.value, value)]
    shown = f"{value:g}"
    if not matches:
        read = ", ".join(f"{r.value:g}" for r in readings) or "no number"
        return f"the locator does not read {shown} (it reads {read})"
    if unit in UNIT_MARKERS:
        if any(r.unit == unit for r in matches):
            return None
        return f"{shown} is in the locator but not as {unit} (needs {UNIT_MARKERS[unit]})"
    if not any(r.unit is None for r in matches):
        return f"{shown} is read as {matches[0].unit}, not as a number of {unit}"
    words = UNIT_WORDS.get(unit, {}).get(language)
    if words and not re.search(rf"(?<![^\W\d_])(?:{words})(?![^\W\d_])", locator, re.I):
        return f"the locator does not say what {shown} counts ({unit})"
    return None


def occurrences(text: str, needle: str) -> list[int]:
    """Return the offset of every occurrence of ``needle`` in ``text`` (overlaps included)."""
    found, start = [], text.find(needle)
    while needle and start != -1:
        found.append(start)
        start = text.find(needle, start + 1)
    return found


# --------------------------------------------------------------------------------------------
# Audits of the curated tables against the texts


def read_texts(sources: pd.DataFrame, folder: Path) -> dict[str, str]:
    """Read the source texts named by ``sources.file_name`` in ``folder``, by source_id.

    Raises:
        FileNotFoundError: when a text named in sources.csv is not in ``folder``.
    """
    return {
        str(s.source_id): (Path(folder) / str(s.file_name)).read_text(encoding="utf-8")
        for s in sources.itertuples()
    }


def missing_locators(table: pd.DataFrame, id_column: str, texts: Mapping[str, str]) -> list[str]:
    """Return a line per row whose locator does not occur verbatim in its source's text."""
    return [
        f"{getattr(row, id_column)}: {row.locator!r} is not in {row.source_id}"
        for row in table.itertuples()
        if not occurrences(texts[str(row.source_id)], str(row.locator))
    ]


def unreadable_values(facts: pd.DataFrame, languages: Mapping[str, str]) -> list[str]:
    """Return a line per fact whose value and unit cannot be read back from its locator.

    A figure the text does not write but implies (``value_basis`` inferred: a rank from an
    order, "après l'Allemagne") has nothing to read back; its locator must still occur in
    the text (:func:`missing_locators`) and its note say why (the package rules).
    """
    lines = []
    for fact in facts.itertuples():
        if getattr(fact, "value_basis", None) == "inferred":
            continue
        reason = explain_value(
            str(fact.locator), languages[str(fact.source_id)], float(fact.value), str(fact.unit)
        )
        if reason:
            lines.append(f"{fact.fact_id} ({fact.value:g} {fact.unit}): {reason}")
    return lines
