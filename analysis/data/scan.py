"""Scan a source text: every figure it states, what it reads as, and what in data/ covers it.

One reading of the texts serves three uses: ``biotech-report scan`` (a curator's first pass over
a new or an already curated text), the coverage audit (every number of the five sources is a
fact or an exclusion) and the locator audit of :mod:`analysis.data.provenance`.

* :func:`number_tokens` finds every digit run and number word of a text; the coverage audit
  counts these, so no figure can hide in an expression the reader does not understand.
* :func:`find_figures` groups the tokens into figures with :func:`read_numbers` (``2 100``,
  ``81M€``, ``deux tiers``), and guesses for each its unit (from the figure, or from the word
  after it: ``26 partenaires`` -> organisations), its qualifier (``plus de`` -> more_than,
  ``environ`` -> about, ``près de`` -> nearly, ``15+`` -> at_least, a range's two ends
  at_least / at_most...), its period (``en 2025``, ``entre 2019 et 2025``) and a short
  verbatim locator.
* :func:`scan_text` adds what covers each figure: the facts and exclusions whose locator
  occurs in the text around it. :func:`uncovered_numbers` is the coverage audit.
* :func:`scan_file` reads a file defensively (missing, empty, binary, not UTF-8) and finds its
  source in ``sources.csv`` by file name; :func:`scan_command` is ``biotech-report scan``.
"""

from __future__ import annotations

import csv
import io
import re
import sys
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from analysis.data.provenance import (
    CARDINALS,
    FRACTIONS,
    ORDINALS,
    UNIT_WORDS,
    missing_locators,
    occurrences,
    read_numbers,
    unreadable_values,
)

__all__ = [
    "FACT_COLUMNS",
    "QUALIFIER_WORDS",
    "Cover",
    "Figure",
    "ScanError",
    "ScanResult",
    "Token",
    "context",
    "covers_of",
    "csv_rows",
    "find_figures",
    "format_value",
    "guess_language",
    "number_tokens",
    "read_source_file",
    "scan_command",
    "scan_file",
    "scan_text",
    "table_lines",
    "uncovered_numbers",
    "uncovered_tokens",
]

#: Columns of data/facts.csv, in order; ``scan --format csv`` adds ``covered_by``.
FACT_COLUMNS = [
    "fact_id",
    "source_id",
    "section",
    "metric",
    "subject",
    "geography",
    "value",
    "unit",
    "qualifier",
    "period_start",
    "period_end",
    "locator",
    "note",
    "words_fr",
    "words_en",
    "cited_source",
    "value_basis",
]

#: Words just before a figure that qualify it, per qualifier of facts.csv (``exact`` when
#: none). Longer phrases first: "pas plus de" is at_most, not more_than.
QUALIFIER_WORDS: list[tuple[str, str]] = [
    ("at_most", r"pas plus d[e'’]|no more than|au plus|au maximum|at most|jusqu['’]à|up to"),
    ("at_least", r"pas moins d[e'’]|no (?:fewer|less) than|au moins|at least|minimum"),
    ("more_than", r"plus d[e'’]|more than|over|above|in excess of|upwards of|supérieure? à"),
    ("less_than", r"moins d[e'’]|less than|fewer than|under|below|inférieure? à"),
    ("nearly", r"près d[e'’]|presque|quasi|nearly|almost|close to"),
    (
        "about",
        r"environ|quelque|autour d[e'’]|de l['’]ordre d[e'’]|approximativement"
        r"|around|about|approximately|roughly|some|circa|~",
    ),
]
# A currency sign may stand between the words and the digits: "around €10 billion".
_QUALIFIERS = [
    (q, re.compile(rf"(?<![^\W\d_])(?:{words})\s*[€$£]?\s*$", re.IGNORECASE))
    for q, words in QUALIFIER_WORDS
]
_MONTH = re.compile(
    r"\s+(?:janvier|février|mars|avril|mai|juin|juillet|août|septembre|octobre|novembre"
    r"|décembre|january|february|march|april|may|june|july|august|september|october"
    r"|november|december)(?![^\W\d_])",
    re.IGNORECASE,
)
#: Between the two ends of a range: "entre 10 et 15", "between 10 and 15", "10-15", "10 – 15"
#: ("de 250 à 280" and "from 250 to 280" more often tell a change than a range).
_RANGE_GAP = re.compile(r"\s*[-–]\s*|\s+(?:et|and)\s+")
_RANGE_OPENER = re.compile(r"(?<![^\W\d_])(?:entre|between)\s*$", re.IGNORECASE)
#: Between two years of one period: "entre 2019 et 2025", "2019-2025", "from 2019 to 2025".
_YEARS_GAP = re.compile(r"\s*[-–]\s*|\s+(?:et|and|à|to)\s+")
_YEAR_BEFORE = re.compile(r"(?<![^\W\d_])(?:en|in|dès|since|depuis|by|d['’]ici)\s*$", re.I)
#: A sentence ends at . ! ? ; or a line break (press releases set figures one per line).
_SENTENCE_END = re.compile(r"[.!?;](?=\s|$)|\n")
#: Where a clause ends: a comma or colon before a space, a dash between spaces, brackets.
_CLAUSE_MARK = re.compile(r"[,:](?=\s)|\s[–—-]\s|[()«»]")
#: Most words a locator may have (data/datapackage.json, facts.locator).
MAX_LOCATOR_WORDS = 15
#: Words a proposed locator takes on each side of the figure, at most.
_WORDS_BEFORE, _WORDS_AFTER = 4, 5
_FRENCH_WORDS = {"le", "la", "les", "des", "du", "et", "est", "une", "dans", "pour", "avec"}
_ENGLISH_WORDS = {"the", "and", "of", "to", "is", "are", "with", "for", "this", "that", "by"}


class ScanError(Exception):
    """A file that cannot be scanned; the message names the file and the problem."""


@dataclass(frozen=True)
class Token:
    """A digit run or number word of a text, with its position."""

    start: int
    end: int
    text: str


@dataclass(frozen=True)
class Cover:
    """A row of facts.csv or exclusions.csv that may cover figures of its source's text.

    Attributes:
        row_id: fact_id or exclusion_id.
        locator: its verbatim excerpt.
        value: the fact's value; ``None`` for an exclusion.
    """

    row_id: str
    locator: str
    value: float | None = None


@dataclass(frozen=True)
class Figure:
    """A figure of a text, as ``scan`` reports it.

    Attributes:
        start: offset of its first character in the text.
        end: offset just after it.
        text: the characters read (``81M€``, ``2 100``, ``deux tiers``).
        value: the value read, in ``unit``.
        unit: the unit guessed (one of facts.csv's units), ``None`` when nothing says.
        qualifier: the qualifier guessed (facts.csv's vocabulary).
        date: a year (a plain four-digit number from 1900 to 2100 with no unit) or the day of a
            date (``17 janvier``, ``8 June``): most likely an exclusion, not a fact.
        period: the years the sentence attaches to the figure (``en 2025``: (2025, 2025)).
        locator: a verbatim excerpt of the text, at most 15 words, holding the figure.
        tokens: the digit runs and number words the figure is made of.
        covered_by: ids of the facts and exclusions whose locator covers it (facts stating the
            same value first); empty when nothing does.
    """

    start: int
    end: int
    text: str
    value: float
    unit: str | None
    qualifier: str
    date: bool
    period: tuple[int, int] | None
    locator: str
    tokens: tuple[Token, ...]
    covered_by: tuple[str, ...] = field(default=())


# --------------------------------------------------------------------------------------------
# Tokens and coverage


def _number_words() -> set[str]:
    words: set[str] = set()
    for table in (CARDINALS, ORDINALS):
        for lang_words in table.values():
            words.update(lang_words)
    for lang_fractions in FRACTIONS.values():
        for phrase in lang_fractions:
            words.update(w for w in re.split(r"[ -]", phrase) if w not in ("un", "a", "one", "la"))
    return words


_NUMBER_WORDS = _number_words()


def number_tokens(text: str) -> list[Token]:
    """Return every digit run and number word of ``text`` (French and English words alike).

    Number words are the cardinals, ordinals and fraction words of both languages (a French
    text may quote English and the reverse); un/une/one are articles far more often than
    figures and are left out.
    """
    tokens = [Token(m.start(), m.end(), m.group(0)) for m in re.finditer(r"\d+", text)]
    tokens += [
        Token(m.start(), m.end(), m.group(0))
        for m in re.finditer(r"[^\W\d_]+", text)
        if m.group(0).lower() in _NUMBER_WORDS
    ]
    return sorted(tokens, key=lambda t: t.start)


def _spans(text: str, covers: Iterable[Cover]) -> list[tuple[int, int, Cover]]:
    return [
        (i, i + len(cover.locator), cover)
        for cover in covers
        for i in occurrences(text, cover.locator)
    ]


def uncovered_tokens(text: str, locators: Iterable[str]) -> list[Token]:
    """Return the number tokens of ``text`` that lie in no occurrence of any of ``locators``."""
    spans = _spans(text, [Cover("", loc) for loc in set(locators)])
    return [
        t for t in number_tokens(text) if not any(s <= t.start and t.end <= e for s, e, _ in spans)
    ]


def context(text: str, start: int, end: int, width: int = 30) -> str:
    """Return ``text`` around ``start:end`` on one line, to show where a figure is."""
    left = text[max(0, start - width) : start]
    right = text[end : end + width]
    return " ".join(f"{left}[{text[start:end]}]{right}".split())


# --------------------------------------------------------------------------------------------
# Figures


def guess_language(text: str) -> str:
    """Guess whether ``text`` is French or English from its commonest short words.

    Returns ``fr`` unless English words are strictly more frequent.
    """
    words = re.findall(r"[^\W\d_]+", text.lower())
    french = sum(w in _FRENCH_WORDS for w in words)
    english = sum(w in _ENGLISH_WORDS for w in words)
    return "en" if english > french else "fr"


def _sentence(text: str, start: int, end: int) -> tuple[int, int]:
    """Return the bounds of the sentence (or line) around ``start:end``."""
    begin = 0
    for match in _SENTENCE_END.finditer(text, 0, start):
        begin = match.end()
    after = _SENTENCE_END.search(text, end)
    return begin, after.start() if after else len(text)


def _unit_after(text: str, end: int, stop: int, language: str) -> str | None:
    """Return the unit named by one of the three words after a plain number, if any."""
    for word in re.findall(r"[^\W\d_]+(?:['’][^\W\d_]+)?", text[end:stop])[:3]:
        for unit, words in UNIT_WORDS.items():
            if re.fullmatch(words[language], word, re.IGNORECASE):
                return unit
    return None


def _qualifier(before: str, unit: str | None) -> str:
    for qualifier, pattern in _QUALIFIERS:
        match = pattern.search(before)
        # "over 3 years" is a duration, not "more than 3".
        if match and not (unit == "years" and match.group(0).strip().lower() == "over"):
            return qualifier
    return "exact"


def _clause(text: str, start: int, end: int, bounds: tuple[int, int]) -> tuple[int, int]:
    """Narrow ``bounds`` to the clause of ``start:end`` when it has three words or more."""
    marks = list(_CLAUSE_MARK.finditer(text, bounds[0], bounds[1]))
    begin = max([m.end() for m in marks if m.end() <= start], default=bounds[0])
    stop = min([m.start() for m in marks if m.start() >= end], default=bounds[1])
    return (begin, stop) if len(text[begin:stop].split()) >= 3 else bounds


def _locator(text: str, start: int, end: int, bounds: tuple[int, int]) -> str:
    """Return words around ``start:end``, within its clause, cut verbatim from ``text``."""
    bounds = _clause(text, start, end, bounds)
    words = [m.span() for m in re.finditer(r"\S+", text[bounds[0] : bounds[1]])]
    words = [(s + bounds[0], e + bounds[0]) for s, e in words]
    inside = [i for i, (s, e) in enumerate(words) if s < end and e > start]
    if not inside:  # pragma: no cover - a figure always has characters
        return text[start:end]
    first = max(0, inside[0] - _WORDS_BEFORE)
    last = min(len(words) - 1, inside[-1] + _WORDS_AFTER)
    while last - first + 1 > MAX_LOCATOR_WORDS and (last > inside[-1] or first < inside[0]):
        if last > inside[-1]:
            last -= 1
        else:
            first += 1
    begin = words[first][0]
    excerpt = text[begin : words[last][1]]
    # Trailing punctuation and an unclosed bracket or quote are no part of the statement.
    trimmed = excerpt.rstrip(",;:.–-(«“ ")
    return trimmed if begin + len(trimmed) >= end else excerpt


def _fallback(word: str, language: str) -> tuple[float, str | None]:
    """Read a token the text's language leaves unread.

    Digits after a ``.`` or ``,`` that is no decimal mark, a number word of the other language,
    a fraction word on its own ("thirds").
    """
    if word.isdigit():
        return float(word), None
    read = read_numbers(word, "en" if language == "fr" else "fr")
    if read:
        return read[0].value, read[0].unit
    for lang_fractions in FRACTIONS.values():
        for phrase, (_, denominator) in lang_fractions.items():
            if word.lower() in re.split(r"[ -]", phrase):
                return round(100 / denominator, 2), "percent"
    return float("nan"), None  # pragma: no cover - every number word is in a table


def _readings(text: str, language: str) -> list[tuple[int, int, str, float, str | None, bool]]:
    """Read the figures of ``text``; tokens left unread are read as the other language would."""
    out = []
    for r in read_numbers(text, language):
        if not any(s <= r.start and r.end <= e for s, e, *_ in out):
            out.append((r.start, r.end, r.text, r.value, r.unit, r.plus))
    for token in number_tokens(text):
        if any(s <= token.start and token.end <= e for s, e, *_ in out):
            continue
        value, unit = _fallback(token.text, language)
        out.append((token.start, token.end, token.text, value, unit, False))
    return sorted(out)


def find_figures(text: str, language: str) -> list[Figure]:
    """Find every figure of ``text``, with the unit, qualifier, period and locator it suggests.

    Every number token of the text (:func:`number_tokens`) belongs to exactly one figure.

    Args:
        text: a whole source text.
        language: ``fr`` or ``en``: how the text writes numbers.

    Raises:
        ValueError: for another language.
    """
    tokens = number_tokens(text)
    figures: list[Figure] = []
    for start, end, read, value, unit, plus in _readings(text, language):
        bounds = _sentence(text, start, end)
        day = re.fullmatch(r"\d{1,2}(?:er)?", read) and _MONTH.match(text, end)
        if day:
            unit = None
        elif unit is None:
            unit = _unit_after(text, end, bounds[1], language)
        qualifier = "at_least" if plus else _qualifier(text[bounds[0] : start], unit)
        date = bool(day) or (unit is None and re.fullmatch(r"(19|20)\d\d|2100", read) is not None)
        figures.append(
            Figure(
                start=start,
                end=end,
                text=read,
                value=value,
                unit=unit,
                qualifier=qualifier,
                date=date,
                period=None,
                locator=_locator(text, start, end, bounds),
                tokens=tuple(t for t in tokens if start <= t.start and t.end <= end),
            )
        )
    return _with_periods(text, _with_ranges(text, figures))


def _with_ranges(text: str, figures: list[Figure]) -> list[Figure]:
    """Read "entre 10 et 15 %" as two bounds: 10 at_least and 15 at_most, in percent."""
    out = list(figures)
    for i in range(len(out) - 1):
        low, high = out[i], out[i + 1]
        gap = text[low.end : high.start]
        if low.date or high.date or not low.value < high.value or not _RANGE_GAP.fullmatch(gap):
            continue
        if gap.strip() in ("et", "and") and not _RANGE_OPENER.search(text[: low.start]):
            continue  # "six centres et sept hôpitaux" is a list, not a range
        unit = high.unit or low.unit  # the unit is written once, after the upper end
        out[i] = replace(low, unit=unit, qualifier="at_least")
        out[i + 1] = replace(high, unit=unit, qualifier="at_most")
    return out


def _with_periods(text: str, figures: list[Figure]) -> list[Figure]:
    """Attach to each figure the year (or range of years) its sentence gives it.

    The first year after the figure in the sentence (``10 milliards en 2025``), else the last
    one before it (``En 2021, ... 10 %``); two years joined as a range give a period.
    """
    years = [f for f in figures if f.date and f.value > 31]
    out = []
    for figure in figures:
        if figure.date:
            out.append(figure)
            continue
        begin, stop = _sentence(text, figure.start, figure.end)
        after = [y for y in years if figure.end <= y.start < stop]
        before = [y for y in years if begin <= y.start < figure.start]
        chosen = after[0] if after else (before[-1] if before else None)
        period = None
        if chosen is not None:
            nxt = [y for y in years if y.start > chosen.end]
            gap = text[chosen.end : nxt[0].start] if nxt else ""
            if nxt and _YEARS_GAP.fullmatch(gap) and nxt[0].value > chosen.value:
                period = (int(chosen.value), int(nxt[0].value))
            elif after or _YEAR_BEFORE.search(text[begin : chosen.start]):
                period = (int(chosen.value), int(chosen.value))
        out.append(replace(figure, period=period))
    return out


def scan_text(text: str, language: str, covers: Sequence[Cover] = ()) -> list[Figure]:
    """Find every figure of ``text`` and what covers it.

    A figure is covered when each of its tokens lies inside an occurrence of the locator of a
    fact or exclusion of this text (the rule of the coverage audit). ``covered_by`` lists the
    rows whose locator holds the whole figure, the facts stating its value first.

    Args:
        text: a whole source text.
        language: ``fr`` or ``en``.
        covers: the facts and exclusions of this text (:func:`covers_of`).
    """
    spans = _spans(text, covers)
    out = []
    for figure in find_figures(text, language):
        holders = [
            c for s, e, c in spans if all(s <= t.start and t.end <= e for t in figure.tokens)
        ]
        each = all(any(s <= t.start and t.end <= e for s, e, _ in spans) for t in figure.tokens)
        if each and not holders:  # covered piecewise by several locators
            holders = [
                c for s, e, c in spans if any(s <= t.start and t.end <= e for t in figure.tokens)
            ]
        same = [c for c in holders if c.value is not None and abs(c.value - figure.value) < 5e-3]
        ids = dict.fromkeys(c.row_id for c in same + holders)
        out.append(replace(figure, covered_by=tuple(ids) if each else ()))
    return out


def covers_of(dataset: Any, source_id: str) -> list[Cover]:
    """Return the facts and exclusions of ``source_id`` as :class:`Cover` rows.

    Args:
        dataset: an :class:`analysis.data.load.Dataset`.
        source_id: e.g. ``S002``.
    """
    facts = dataset.facts[dataset.facts["source_id"].astype(str) == source_id]
    exclusions = dataset.exclusions[dataset.exclusions["source_id"].astype(str) == source_id]
    return [Cover(str(r.fact_id), str(r.locator), float(r.value)) for r in facts.itertuples()] + [
        Cover(str(r.exclusion_id), str(r.locator)) for r in exclusions.itertuples()
    ]


def uncovered_numbers(
    texts: Mapping[str, str], languages: Mapping[str, str], covers: Mapping[str, Sequence[Cover]]
) -> list[str]:
    """The coverage audit: a line per figure of a text that no fact or exclusion covers.

    Args:
        texts: text of each source, by source_id.
        languages: language of each source, by source_id.
        covers: facts and exclusions of each source, by source_id.
    """
    lines = []
    for source_id, text in texts.items():
        for figure in scan_text(text, languages[source_id], covers.get(source_id, [])):
            if not figure.covered_by:
                where = context(text, figure.start, figure.end)
                lines.append(f"{source_id} at {figure.start}: {figure.text!r} in '{where}'")
    return lines


# --------------------------------------------------------------------------------------------
# Files and the command


def read_source_file(path: Path) -> str:
    """Read a source text, refusing what cannot be one.

    Raises:
        ScanError: the file is missing, a folder, unreadable, empty, binary or not UTF-8; the
            message is one line naming the file.
    """
    if not path.exists():
        raise ScanError(f"{path}: no such file")
    if path.is_dir():
        raise ScanError(f"{path}: is a folder, not a text file")
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise ScanError(f"{path}: cannot be read ({exc.strerror})") from exc
    if not raw.strip():
        raise ScanError(f"{path}: the file is empty")
    if raw.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise ScanError(f"{path}: not UTF-8 (it is UTF-16; save the file as UTF-8)")
    if b"\0" in raw:
        raise ScanError(f"{path}: binary file (it holds NUL bytes), not a text")
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = raw.count(b"\n", 0, exc.start) + 1
        column = exc.start - (raw.rfind(b"\n", 0, exc.start) + 1) + 1
        raise ScanError(
            f"{path}: not UTF-8 (byte 0x{raw[exc.start]:02x} at line {line}, column {column}"
            " cannot be decoded; save the file as UTF-8)"
        ) from exc
    return text


@dataclass(frozen=True)
class ScanResult:
    """What ``scan`` found in one file."""

    path: Path
    text: str
    language: str
    language_from: str
    source_id: str | None
    figures: list[Figure]
    #: The provenance audit of the source's rows: a locator not in the text, a value that
    #: does not read back from its locator.
    problems: list[str] = field(default_factory=list)


def scan_file(path: Path, language: str | None = None, dataset: Any = None) -> ScanResult:
    """Scan a file: read it, settle its language and source, find and cover its figures.

    Args:
        path: the text file.
        language: ``fr`` or ``en``; ``None`` to take the language of the source whose
            file_name in sources.csv is the file's name, else to guess it from the text.
        dataset: the curated tables (:func:`analysis.data.load.load_data`); ``None`` scans
            without coverage.

    Raises:
        ScanError: the file cannot be read as a text (see :func:`read_source_file`).
    """
    text = read_source_file(Path(path))
    source_id, from_sources = None, None
    if dataset is not None:
        known = dataset.sources[dataset.sources["file_name"].astype(str) == Path(path).name]
        if len(known):
            source_id = str(known["source_id"].iloc[0])
            from_sources = str(known["language"].iloc[0])
    if language:
        lang, basis = language, "--lang"
    elif from_sources:
        lang, basis = from_sources, f"sources.csv, {source_id}"
    else:
        lang, basis = guess_language(text), "guessed from the text"
    covers = covers_of(dataset, source_id) if source_id else []
    problems = []
    if source_id:
        texts = {source_id: text}
        facts = dataset.facts[dataset.facts["source_id"].astype(str) == source_id]
        exclusions = dataset.exclusions[dataset.exclusions["source_id"].astype(str) == source_id]
        problems = (
            missing_locators(facts, "fact_id", texts)
            + missing_locators(exclusions, "exclusion_id", texts)
            + unreadable_values(facts, {source_id: lang})
        )
    figures = scan_text(text, lang, covers)
    return ScanResult(Path(path), text, lang, basis, source_id, figures, problems)


def format_value(value: float) -> str:
    """Write a value as facts.csv does: ``81``, ``66.67``, ``18500``."""
    return str(int(value)) if float(value).is_integer() else f"{value:.10g}"


def csv_rows(result: ScanResult) -> str:
    """Return candidate rows of facts.csv (plus ``covered_by``) for every figure, as CSV."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow([*FACT_COLUMNS, "covered_by"])
    for f in result.figures:
        row = dict.fromkeys(FACT_COLUMNS, "")
        row.update(
            source_id=result.source_id or "",
            value=format_value(f.value),
            unit=f.unit or "",
            qualifier=f.qualifier,
            period_start=str(f.period[0]) if f.period else "",
            period_end=str(f.period[1]) if f.period else "",
            locator=f.locator,
            note="a date: an exclusion unless it is a figure" if f.date else "",
        )
        writer.writerow([*row.values(), " ".join(f.covered_by)])
    return out.getvalue()


def _period(period: tuple[int, int] | None) -> str:
    if period is None:
        return "-"
    return str(period[0]) if period[0] == period[1] else f"{period[0]}-{period[1]}"


def table_lines(result: ScanResult) -> list[str]:
    """Return the lines ``scan`` prints as a table: one per figure, then a summary."""
    where = f" ({result.source_id})" if result.source_id else " (not in sources.csv)"
    head = [f"{result.path}{where}: language {result.language} ({result.language_from})"]
    problems = [f"  {p}" for p in result.problems]
    if problems:
        problems.insert(0, f"Rows of {result.source_id} that do not match the text:")
    if not result.figures:
        return [*head, "No number found.", *problems]
    rows = [
        (
            str(result.text.count("\n", 0, f.start) + 1),
            f.text.replace("\n", " "),
            format_value(f.value),
            f.unit or ("(date)" if f.date else "-"),
            f.qualifier,
            _period(f.period),
            " ".join(f.covered_by) or "NOT COVERED",
            f.locator,
        )
        for f in result.figures
    ]
    titles = ("line", "read", "value", "unit", "qualifier", "period", "covered by", "locator")
    widths = [max(len(r[i]) for r in [titles, *rows]) for i in range(len(titles) - 1)]
    lines = [
        "  ".join(cell.ljust(w) for cell, w in zip(r[:-1], widths, strict=True)) + "  " + r[-1]
        for r in [titles, *rows]
    ]
    uncovered = sum(not f.covered_by for f in result.figures)
    total = len(result.figures)
    summary = f"{total} figure{'s' if total != 1 else ''}: {total - uncovered} covered"
    summary += f", {uncovered} not covered" if uncovered else ""
    return [*head, *lines, summary, *problems]


def scan_command(args: Any) -> int:
    """Run ``biotech-report scan``; return the exit code.

    Returns 0 once the figures (or "No number found.") are printed, 1 when the file cannot be
    scanned (one line on standard error naming it and the problem) or the data folder does
    not validate.
    """
    from analysis import paths
    from analysis.data.load import load_data
    from analysis.data.validate import DataValidationError

    folder = Path(args.data) if args.data else paths.data_dir()
    try:
        text_path = Path(args.file)
        read_source_file(text_path)  # a bad file is reported before the data is loaded
        dataset = load_data(folder)
        result = scan_file(text_path, args.lang, dataset)
    except ScanError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    except DataValidationError as exc:
        count = len(exc.problems)
        print(
            f"error: {folder}: the data does not validate ({count} problem"
            f"{'s' if count != 1 else ''}; run biotech-report check-data)",
            file=sys.stderr,
        )
        return 1
    if args.format == "csv":
        for line in ([] if result.figures else [f"No number found in {text_path}."]) + [
            f"{result.source_id}: {p}" for p in result.problems
        ]:
            print(line, file=sys.stderr)
        sys.stdout.write(csv_rows(result))
    else:
        print("\n".join(table_lines(result)))
    return 0
