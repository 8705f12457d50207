"""Indicators: pure functions of the loaded :class:`~analysis.load.Dataset`.

Each family function returns a small frozen result whose fields are :class:`Indicator` s::

    from analysis import load_data
    from analysis.compute import indicators

    ds = load_data()
    f = indicators.funding(ds)                 # or funding(ds, public_share=0.5)
    f.public_amount.value                      # 48.6 (M EUR)
    f.public_amount.text("fr")                 # 'environ 48,6 M€'
    f.to_frame("en")                           # one row per indicator
    f.fact_ids                                 # every fact the family rests on

Families: :func:`funding`, :func:`jobs`, :func:`eu_shares`, :func:`market_check`,
:func:`clusters`, :func:`ecosystem`, :func:`trade`, and the event table :func:`timeline`.
:func:`methodology` lists every indicator's label, definition and formula (written once, in
the message catalogue, under ``indicator.<family>.<name>``).

Figures are chosen with :func:`select_fact`, which returns every fact it consulted and says
whether they disagree. Bounds ("more than 470") travel through the arithmetic with
:class:`~analysis.growth.Bounded`; each indicator says whether its value is ``exact``, a
``lower`` or ``upper`` bound, or ``approx``. Scenario inputs (``public_share``,
``direct_jobs``...) default to the stated figures and are taken as exact when given.

No function here reads a file or the network: everything comes from the dataset passed in.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import math
import numbers
import weakref
from dataclasses import dataclass
from typing import Any

import pandas as pd

from analysis.compute.growth import (
    Bounded,
    annual_rate,
    cagr,
    implied_start,
    interval,
    project,
    ratio_range,
    supported_digits,
    supported_ratio,
    years_between,
)
from analysis.data.load import Dataset
from analysis.parameters import LANGS
from analysis.present import formatting
from analysis.present.messages import catalogue, check_lang, t

__all__ = [
    "BOILERPLATE",
    "CLUSTER_METRICS",
    "Clusters",
    "Ecosystem",
    "EuShares",
    "Event",
    "FactNotFound",
    "Funding",
    "INFERRED",
    "Indicator",
    "Jobs",
    "MARKET",
    "MarketCheck",
    "PARTNERSHIP",
    "SECTOR",
    "STATED",
    "STATED_WORDS",
    "Scenario",
    "Selection",
    "SizeSensitivity",
    "Timeline",
    "Trade",
    "VERDICTS",
    "assumption",
    "check_ds",
    "clusters",
    "ecosystem",
    "eu_shares",
    "funding",
    "horizon_words",
    "indicator_frame",
    "jobs",
    "market_check",
    "market_sentences",
    "methodology",
    "pp_param",
    "ranked_facts",
    "rate_compatible",
    "resolve_tolerance",
    "scenarios",
    "select_fact",
    "size_sensitivity",
    "timeline",
    "trade",
]


#: Sections read last when statements disagree: the standard "about" paragraph.
BOILERPLATE = "boilerplate"

#: Verdicts shared with the claims audit, each defined in the message catalogue under
#: ``verdict.definition.<verdict with underscores>`` (word: ``verdict.<...>``).
VERDICTS = (
    "consistent",
    "consistent within stated precision",
    "conflict",
    "changed over time",
    "differs between language versions",
    "not verifiable",
    "implausible",
)

#: Catalogue key of the formula of a figure taken as stated.
STATED = "indicator.stated.formula"

#: Catalogue key of the formula of a figure the text states in words ("two thirds").
STATED_WORDS = "indicator.stated_words.formula"

#: Catalogue key of the formula of a figure the text implies without writing it
#: (``value_basis`` inferred in ``facts.csv``: a rank from an order).
INFERRED = "indicator.inferred.formula"


class FactNotFound(LookupError):
    """No fact states the metric for the subject (and period) asked for."""


# -- selection ------------------------------------------------------------------------------


@dataclass(frozen=True)
class Selection:
    """The fact chosen for a (metric, subject[, period]) and every fact consulted.

    Attributes:
        metric: metric id.
        subject: subject id.
        fact_id: the chosen fact.
        value: its value.
        unit: its unit.
        qualifier: its qualifier.
        period: its (start, end) years, or None.
        source_id: its source.
        section: its section.
        note: its curator's note, if any.
        fact_ids: every fact consulted, the chosen one first, then in order of preference.
        figures: every distinct (value, qualifier) stated, the chosen one first.
        words: the figure with its qualifier as the reports write it (fr, en), when the
            text states it in words (``words_fr``, ``words_en`` of ``facts.csv``).
        pub_date: the date of its source.
        basis: ``stated`` when the text writes the figure, ``inferred`` when it implies it
            (``value_basis`` of ``facts.csv``; the note says how).
    """

    metric: str
    subject: str
    fact_id: str
    value: float
    unit: str
    qualifier: str
    period: tuple[int, int] | None
    source_id: str
    section: str
    note: str | None
    fact_ids: tuple[str, ...]
    figures: tuple[tuple[float, str], ...]
    words: tuple[str, str] | None = None
    pub_date: dt.date | None = None
    basis: str = "stated"

    @property
    def disagreement(self) -> bool:
        """Whether the consulted facts state different figures."""
        return len(self.figures) > 1

    @property
    def quantity(self) -> Bounded:
        """The chosen figure as a bounded quantity."""
        return Bounded.from_qualifier(self.value, self.qualifier)


def _period(row: Any) -> tuple[int, int] | None:
    start, end = row["period_start"], row["period_end"]
    if pd.isna(start) and pd.isna(end):
        return None
    start = int(end) if pd.isna(start) else int(start)
    end = start if pd.isna(end) else int(end)
    return (start, end)


#: :func:`ranked_facts` per dataset (by identity), while the dataset lives. A dataset's tables
#: are never modified in place, and the indicators and the audit of one report rank its
#: facts some sixty times.
_RANKED: dict[int, pd.DataFrame] = {}


def ranked_facts(ds: Dataset) -> pd.DataFrame:
    """The facts with their source's date and language, in order of preference (a copy)."""
    key = id(ds)
    ranked = _RANKED.get(key)
    if ranked is None:
        ranked = _RANKED[key] = _rank_facts(ds)
        weakref.finalize(ds, _RANKED.pop, key, None)
    return ranked.copy()


def _rank_facts(ds: Dataset) -> pd.DataFrame:
    src = ds.sources[["source_id", "pub_date", "language", "translation_of"]].copy()
    src["source_id"] = src["source_id"].astype(str)
    facts = ds.facts.copy()
    for col in ("source_id", "section", "metric", "subject", "geography", "unit", "qualifier"):
        facts[col] = facts[col].astype(str)
    facts = facts.merge(src, on="source_id", how="left")
    facts["_boilerplate"] = facts["section"] == BOILERPLATE
    facts["_date"] = facts["pub_date"].map(lambda d: -d.toordinal() if d else 0)
    return facts.sort_values(["_boilerplate", "_date", "fact_id"], kind="stable")


def check_ds(ds: object) -> Dataset:
    """Return ``ds`` when it is a :class:`Dataset`; raise ``ValueError`` otherwise."""
    if not isinstance(ds, Dataset):
        raise ValueError(f"ds must be a Dataset (analysis.load_data()), got {ds!r}")
    return ds


def _check_id(ds: Dataset, name: str, value: object, table: str, column: str) -> str:
    known = set(getattr(ds, table)[column].astype(str))
    if value not in known:
        raise ValueError(f"{name} must be a known {column} ({table}.csv), got {value!r}")
    return value  # type: ignore[return-value]


def select_fact(
    ds: Dataset,
    metric: str,
    subject: str,
    period: int | tuple[int, int] | None = None,
    language: str | None = None,
    required: bool = True,
    geography: str | None = None,
) -> Selection | None:
    """Choose the fact stating ``metric`` for ``subject`` and report every fact consulted.

    When statements disagree, the body of a text is preferred to its boilerplate ("about"
    paragraph, copied from release to release), then the latest source, then the lowest
    fact id. :attr:`Selection.disagreement` says whether they disagree; the claims audit
    lists each disagreement.

    Args:
        ds: the dataset.
        metric: a ``metric_id`` of ``metrics.csv``.
        subject: a ``subject_id`` of ``subjects.csv``.
        period: a year (facts whose period ends that year) or a (start, end) pair; needed
            when the metric is stated for several periods.
        language: only facts of sources in this language (``fr`` or ``en``).
        required: raise :class:`FactNotFound` when no fact matches (else return None).
        geography: only facts describing this geography (a trade partner's rank:
            "United States", "Germany"); None: every geography.

    Raises:
        ValueError: for an unknown metric, subject or language, or a missing period.
        FactNotFound: when ``required`` and no fact matches.
    """
    check_ds(ds)
    _check_id(ds, "metric", metric, "metrics", "metric_id")
    _check_id(ds, "subject", subject, "subjects", "subject_id")
    if language is not None:
        check_lang(language)
    facts = ranked_facts(ds)
    facts = facts[(facts["metric"] == metric) & (facts["subject"] == subject)]
    if language is not None:
        facts = facts[facts["language"].astype(str) == language]
    if geography is not None:
        facts = facts[facts["geography"] == geography]
    periods = [_period(r) for _, r in facts.iterrows()]
    if period is not None:
        if isinstance(period, int) and not isinstance(period, bool):
            keep = [p is not None and p[1] == period for p in periods]
        elif (
            isinstance(period, tuple)
            and len(period) == 2
            and all(isinstance(y, int) and not isinstance(y, bool) for y in period)
        ):
            keep = [p == period for p in periods]
        else:
            raise ValueError(f"period must be a year or a (start, end) pair, got {period!r}")
        facts = facts[keep]
    elif len(set(periods)) > 1:
        shown = ", ".join(formatting.fmt_period(*p, "en") if p else "none" for p in periods)
        raise ValueError(
            f"period must be given: {metric!r} for {subject!r} is stated for several "
            f"periods ({shown})"
        )
    if facts.empty:
        if required:
            raise FactNotFound(
                f"no fact states {metric!r} for {subject!r}"
                + (f" in {geography}" if geography is not None else "")
                + (f" for period {period!r}" if period is not None else "")
            )
        return None
    first = facts.iloc[0]
    figures: list[tuple[float, str]] = []
    for _, row in facts.iterrows():
        figure = (float(row["value"]), str(row["qualifier"]))
        if figure not in figures:
            figures.append(figure)
    return Selection(
        metric=metric,
        subject=subject,
        fact_id=str(first["fact_id"]),
        value=float(first["value"]),
        unit=str(first["unit"]),
        qualifier=str(first["qualifier"]),
        period=_period(first),
        source_id=str(first["source_id"]),
        section=str(first["section"]),
        note=None if pd.isna(first["note"]) else str(first["note"]),
        fact_ids=tuple(str(f) for f in facts["fact_id"]),
        figures=tuple(figures),
        words=_words(first),
        pub_date=first["pub_date"],
        basis=_basis(first),
    )


def _basis(row: Any) -> str:
    """``inferred`` when the text implies the figure without writing it, else ``stated``."""
    value = row.get("value_basis")
    return "inferred" if isinstance(value, str) and value == "inferred" else "stated"


def _words(row: Any) -> tuple[str, str] | None:
    """A fact's figure in words (fr, en), when the text states it in words."""
    fr, en = row.get("words_fr"), row.get("words_en")
    if fr is None or en is None or pd.isna(fr) or pd.isna(en):
        return None
    return (str(fr), str(en))


def assumption(ds: Dataset, assumption_id: str) -> float:
    """Return the value of an assumption of ``assumptions.csv`` (e.g. ``cagr_tolerance``).

    Raises:
        ValueError: for an unknown assumption id.
    """
    check_ds(ds)
    _check_id(ds, "assumption_id", assumption_id, "assumptions", "assumption_id")
    table = ds.assumptions
    return float(table.loc[table["assumption_id"] == assumption_id, "value"].iloc[0])


# -- indicators -----------------------------------------------------------------------------


@dataclass(frozen=True)
class Indicator:
    """One figure, stated or computed, with what it rests on and how to print it.

    Attributes:
        key: unique id, ``<family>.<name>`` (``funding.public_amount``).
        value: the figure, in ``unit`` (percentages in percent).
        unit: one of :data:`analysis.formatting.UNITS`.
        bound: ``exact``, ``lower`` or ``upper`` (the true value is at least / at most
            ``value``) or ``approx`` (approximate, or bounds of opposite directions).
        definition: catalogue key of the one-line definition.
        formula: catalogue key of the formula in words.
        fact_ids: the facts the figure rests on (empty for a pure scenario input).
        period: (start, end) years the figure refers to, if any.
        label: catalogue key of the short label.
        wording: ``qualifier.*`` catalogue key suffix to print the value with.
        direction: side of the true value, as :attr:`analysis.growth.Bounded.direction`
            (``mixed`` when bounds of opposite directions were combined).
        strict: the bound excludes the value itself ("more than").
        approximate: the figure rests on an approximate input.
        digits: decimals to print (None: the unit's default).
        args: values for the label, definition and formula templates: (name, fr, en).
        notes: the curator's notes of the facts used (English, from ``facts.csv``).
        disputed: the facts consulted disagree (see the claims audit).
        words: the figure with its qualifier in words (fr, en), when the text states it
            in words: written so everywhere ("près des deux tiers"), never as a decimal.
        period_words: the period as the text states it (fr, en), e.g. "within five years
            of January 2024", when it is a horizon rather than calendar years.
    """

    key: str
    value: float
    unit: str
    bound: str
    definition: str
    formula: str
    fact_ids: tuple[str, ...]
    period: tuple[int, int] | None = None
    label: str = ""
    wording: str = "exact"
    direction: str = "none"
    strict: bool = False
    approximate: bool = False
    digits: int | None = None
    args: tuple[tuple[str, str, str], ...] = ()
    notes: tuple[str, ...] = ()
    disputed: bool = False
    words: tuple[str, str] | None = None
    period_words: tuple[str, str] | None = None

    @property
    def quantity(self) -> Bounded:
        """The figure as a bounded quantity (for further arithmetic)."""
        return Bounded(self.value, self.direction, self.strict, self.approximate)  # type: ignore[arg-type]

    def _args(self, lang: str) -> dict[str, str]:
        return {name: fr if lang == "fr" else en for name, fr, en in self.args}

    def label_text(self, lang: str) -> str:
        """The short label in ``lang``."""
        return t(self.label, lang, **self._args(lang))

    def definition_text(self, lang: str) -> str:
        """The one-line definition in ``lang``."""
        return t(self.definition, lang, **self._args(lang))

    def formula_text(self, lang: str) -> str:
        """The formula in words in ``lang``."""
        return t(self.formula, lang, **self._args(lang))

    def text(self, lang: str, prose: bool = False) -> str:
        """The value formatted for ``lang`` with its one qualifier: ``plus de 1 670``.

        A figure the text states in words is written in words (``près des deux tiers``).
        Otherwise the figure has one rounding (:attr:`digits`, half-up) and one qualifier
        (:attr:`wording`), the same in every chart, table and sentence; ``prose`` gives
        it in the style of running text (``€81 million``, ``second``; see
        :func:`analysis.present.formatting.fmt_value`).
        """
        check_lang(lang)
        if self.words is not None:
            return self.words[0] if lang == "fr" else self.words[1]
        number = formatting.fmt_value(
            self.value,
            self.unit,
            lang,
            self.digits,
            formatting.rounding_for(self.quantity, self.unit, self.digits),
            prose,
        )
        return formatting.qualified(self.wording, self.unit, lang, number)

    def parts(self, lang: str) -> tuple[str, str, str]:
        """The text split for a key-figure tile: (words before, figure, words after).

        ``("plus de", "1 670", "")``, ``("environ", "86,1 Md€", "ou plus")``; a figure
        stated in words is one part: ``("", "près des deux tiers", "")``. Joined with
        spaces, the parts are :meth:`text`.
        """
        check_lang(lang)
        if self.words is not None:
            return "", self.words[0] if lang == "fr" else self.words[1], ""
        figure = formatting.fmt_value(
            self.value,
            self.unit,
            lang,
            self.digits,
            formatting.rounding_for(self.quantity, self.unit, self.digits),
        )
        slot = "\x00"
        before, _, after = formatting.qualified(self.wording, self.unit, lang, slot).partition(slot)
        return before.strip(), figure, after.strip()

    def number_text(self, lang: str) -> str:
        """:meth:`text` without the unit, for a table whose header gives it: ``plus de 1 670``.

        A figure stated in words stays in words.
        """
        check_lang(lang)
        if self.words is not None:
            return self.words[0] if lang == "fr" else self.words[1]
        digits = self.digits
        if digits is None and self.unit == "ratio":
            digits = formatting.UNITS["ratio"]
        number = formatting.fmt_number(
            self.value, lang, digits, formatting.rounding_for(self.quantity, self.unit, self.digits)
        )
        return formatting.qualified(self.wording, self.unit, lang, number)

    def period_text(self, lang: str) -> str:
        """The period in ``lang`` as the text states it, or an empty string when none.

        A horizon is written as the text writes it ("dans les cinq ans suivant janvier
        2024" / "within five years of January 2024"), never as an invented range of years;
        other periods as years (``2021``, ``2019–2025``).
        """
        check_lang(lang)
        if self.period_words is not None:
            return self.period_words[0] if lang == "fr" else self.period_words[1]
        return formatting.fmt_period(*(self.period or (None, None)), lang)


def _indicator(
    key: str,
    q: Bounded,
    unit: str,
    fact_ids: tuple[str, ...] | list[str],
    *,
    period: tuple[int, int] | None = None,
    stem: str | None = None,
    stated: bool = False,
    digits: int | None = None,
    args: tuple[tuple[str, str, str], ...] = (),
    notes: tuple[str, ...] = (),
    disputed: bool = False,
    directional: bool = False,
    words: tuple[str, str] | None = None,
    period_words: tuple[str, str] | None = None,
    inferred: bool = False,
    compared: bool = False,
) -> Indicator:
    """Build an indicator; ``directional`` keeps an approximate bound's side in its wording.

    A computed figure shows only the precision its inputs support
    (:func:`~analysis.present.formatting.derived_digits`), unless it is ``compared``: a
    rate set against a stated rate keeps its ``digits``, as the comparison is what it is
    computed for (about 34.6 % against more than 36 % is a gap of 1.4 points, which two
    significant figures would show as 35 % and 1 point, inside a tolerance of 1 point).

    A stated figure's formula says it is taken as stated or in words; one the text implies
    (``inferred``) has the indicator's own formula (a rank from the stated rank next to
    it), else :data:`INFERRED`.
    """
    stem = stem or f"indicator.{key}"
    ids = tuple(dict.fromkeys(fact_ids))
    if not (stated or compared):  # a computed figure: only the precision its inputs support
        digits = formatting.derived_digits(q.value, unit, q.approximate, digits)
    formula = f"{stem}.formula"
    if stated and inferred:
        formula = formula if formula in catalogue() else INFERRED
    elif stated:
        formula = STATED if words is None else STATED_WORDS
    return Indicator(
        key=key,
        value=q.value,
        unit=unit,
        bound=q.bound,
        definition=f"{stem}.definition",
        formula=formula,
        fact_ids=ids,
        period=period,
        label=f"{stem}.label",
        wording=q.directed_wording if directional else q.wording,
        direction=q.direction,
        strict=q.strict,
        approximate=q.approximate,
        digits=digits,
        args=args,
        notes=notes,
        disputed=disputed,
        words=words,
        period_words=period_words,
    )


def _stated(key: str, sel: Selection, **kw: Any) -> Indicator:
    notes = (sel.note,) if sel.note else ()
    args = kw.pop("args", ())
    if sel.words is not None:  # the methodology says which value computations take
        args = (*args, *_value_args(sel.quantity, sel.unit))
    return _indicator(
        key,
        sel.quantity,
        sel.unit,
        sel.fact_ids,
        period=sel.period,
        stated=True,
        notes=kw.pop("notes", notes),
        disputed=sel.disagreement,
        words=sel.words,
        args=args,
        inferred=sel.basis == "inferred",
        **kw,
    )


def _value_args(q: Bounded, unit: str) -> tuple[tuple[str, str, str], ...]:
    """The ``value`` template argument: the figure a computation takes, in both languages."""
    return (("value", formatting.fmt_quantity(q, unit, "fr", 2),
             formatting.fmt_quantity(q, unit, "en", 2)),)  # fmt: skip


class _Family:
    """Behaviour shared by the frozen family results: iterate, look up, tabulate."""

    @property
    def indicators(self) -> tuple[Indicator, ...]:
        """The indicators of the family, in field order (missing ones left out)."""
        return tuple(
            v
            for f in dataclasses.fields(self)  # type: ignore[arg-type]
            if isinstance(v := getattr(self, f.name), Indicator)
        )

    @property
    def fact_ids(self) -> tuple[str, ...]:
        """Every fact the family rests on, sorted."""
        return tuple(sorted({i for ind in self.indicators for i in ind.fact_ids}))

    def __getitem__(self, key: str) -> Indicator:
        for ind in self.indicators:
            if ind.key == key or ind.key.endswith("." + key):
                return ind
        raise KeyError(key)

    def to_frame(self, lang: str) -> pd.DataFrame:
        """Tabulate the family in ``lang``: one row per indicator.

        Columns: key, label, text, value, unit, bound, period, fact_ids, definition,
        formula, notes, disputed.
        """
        check_lang(lang)
        return indicator_frame(self.indicators, lang)


def indicator_frame(items: tuple[Indicator, ...] | list[Indicator], lang: str) -> pd.DataFrame:
    """Tabulate indicators in ``lang`` (the columns of :meth:`_Family.to_frame`)."""
    check_lang(lang)
    rows = [
        {
            "key": ind.key,
            "label": ind.label_text(lang),
            "text": ind.text(lang),
            "value": ind.value,
            "unit": ind.unit,
            "bound": ind.bound,
            "period": ind.period_text(lang),
            "fact_ids": ", ".join(ind.fact_ids),
            "definition": ind.definition_text(lang),
            "formula": ind.formula_text(lang),
            "notes": " ".join(ind.notes),
            "disputed": ind.disputed,
        }
        for ind in items
    ]
    columns = [
        "key", "label", "text", "value", "unit", "bound", "period", "fact_ids",
        "definition", "formula", "notes", "disputed",
    ]  # fmt: skip
    return pd.DataFrame(rows, columns=columns)


# -- scenario parameters --------------------------------------------------------------------


def _number(name: str, value: object) -> float:
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        raise ValueError(f"{name} must be a number, got {value!r}")
    if not math.isfinite(value):
        raise ValueError(f"{name} must be a finite number, got {value!r}")
    return float(value)


def _share_param(name: str, value: object) -> float:
    v = _number(name, value)
    if not 0 <= v <= 1:
        raise ValueError(f"{name} must be between 0 and 1, got {value!r}")
    return v


def _positive_param(name: str, value: object) -> float:
    v = _number(name, value)
    if v <= 0:
        raise ValueError(f"{name} must be positive, got {value!r}")
    return v


def _non_negative_param(name: str, value: object) -> float:
    v = _number(name, value)
    if v < 0:
        raise ValueError(f"{name} must not be negative, got {value!r}")
    return v


# -- 1. funding -----------------------------------------------------------------------------

PARTNERSHIP = "pit_atmp"


@dataclass(frozen=True)
class Funding(_Family):
    """Funding of the Walloon ATMP innovation partnership (amounts in M EUR)."""

    budget: Indicator
    duration: Indicator
    partners: Indicator
    workpackages: Indicator
    public_share: Indicator
    private_share: Indicator
    public_amount: Indicator
    private_amount: Indicator
    per_year: Indicator
    per_partner: Indicator
    per_workpackage: Indicator
    granted: Indicator
    granted_share: Indicator
    remaining: Indicator
    granted_public_share: Indicator | None = None
    public_remaining: Indicator | None = None


def _public_share(ds: Dataset, public_share: float | None) -> tuple[Bounded, tuple[str, ...]]:
    """The public share as a fraction, and the facts it comes from (none for a scenario)."""
    if public_share is not None:
        return Bounded(_share_param("public_share", public_share)), ()
    sel = select_fact(ds, "public_funding_share", PARTNERSHIP)
    q = sel.quantity
    return Bounded(q.value / 100, q.direction, q.strict, q.approximate), sel.fact_ids


def funding(ds: Dataset, public_share: float | None = None) -> Funding:
    """Budget of the ATMP partnership, its public/private split, and amounts per unit.

    Args:
        ds: the dataset.
        public_share: public share of the budget, 0-1; default the stated share (about 60 %).
            The private share is the rest.

    Raises:
        ValueError: when ``public_share`` is not a number between 0 and 1.
    """
    check_ds(ds)
    share, share_ids = _public_share(ds, public_share)
    budget = select_fact(ds, "budget", PARTNERSHIP)
    duration = select_fact(ds, "duration", PARTNERSHIP)
    partners = select_fact(ds, "partners", PARTNERSHIP)
    wps = select_fact(ds, "workpackages", PARTNERSHIP)
    granted = select_fact(ds, "amount_granted", PARTNERSHIP)
    b, ids = budget.quantity, budget.fact_ids
    private_ids = share_ids
    if public_share is None:
        stated_private = select_fact(ds, "private_funding_share", PARTNERSHIP, required=False)
        if stated_private is not None:
            private_ids = share_ids + stated_private.fact_ids
    scenario = public_share is not None
    eur = "EUR_million"
    return Funding(
        budget=_stated("funding.budget", budget),
        duration=_stated("funding.duration", duration),
        partners=_stated("funding.partners", partners),
        workpackages=_stated("funding.workpackages", wps),
        public_share=_indicator(
            "funding.public_share", share * 100, "percent", share_ids, stated=not scenario
        ),
        private_share=_indicator(
            "funding.private_share", (1 - share) * 100, "percent", private_ids
        ),
        public_amount=_indicator("funding.public_amount", b * share, eur, ids + share_ids),
        private_amount=_indicator(
            "funding.private_amount", b * (1 - share), eur, ids + private_ids
        ),
        per_year=_indicator(
            "funding.per_year", b / duration.quantity, eur, ids + duration.fact_ids
        ),
        per_partner=_indicator(
            "funding.per_partner",
            b / partners.quantity,
            eur,
            ids + partners.fact_ids,
            digits=2,
        ),
        per_workpackage=_indicator(
            "funding.per_workpackage", b / wps.quantity, eur, ids + wps.fact_ids, digits=2
        ),
        granted=_stated("funding.granted", granted),
        granted_share=_indicator(
            "funding.granted_share",
            granted.quantity / b * 100,
            "percent",
            granted.fact_ids + ids,
            period=granted.period,
        ),
        remaining=_indicator(
            "funding.remaining", b - granted.quantity, eur, ids + granted.fact_ids
        ),
        **_granted_public(b * share, granted, ids + share_ids),
    )


def _granted_public(
    public: Bounded, granted: Selection, ids: tuple[str, ...]
) -> dict[str, Indicator]:
    """The amount granted set against the public part of the budget, when it can be.

    The texts' "granted" is public support, while the budget includes the companies' own
    money: the share granted and the rest to grant are read against the public part. A
    scenario whose public part does not exceed the amount granted cannot be read so
    (nothing, or less than what was granted, would be public): none is returned.
    """
    if public.value <= granted.value:
        return {}
    return {
        "granted_public_share": _indicator(
            "funding.granted_public_share",
            granted.quantity / public * 100,
            "percent",
            granted.fact_ids + ids,
            period=granted.period,
        ),
        "public_remaining": _indicator(
            "funding.public_remaining",
            public - granted.quantity,
            "EUR_million",
            ids + granted.fact_ids,
        ),
    }


# -- 2. jobs --------------------------------------------------------------------------------

SECTOR = "atmp_sector_wallonia"


@dataclass(frozen=True)
class Jobs(_Family):
    """Projected jobs of the ATMP partnership against the sector's current jobs."""

    horizon: Indicator
    projected_direct: Indicator
    projected_indirect: Indicator
    projected_total: Indicator
    projected_ratio: Indicator
    current_direct: Indicator
    current_total: Indicator
    current_indirect: Indicator
    current_ratio: Indicator
    direct_growth: Indicator
    total_growth: Indicator
    direct_annual_rate: Indicator
    total_annual_rate: Indicator
    funding_per_job: Indicator
    public_funding_per_job: Indicator


def jobs(
    ds: Dataset,
    direct_jobs: float | None = None,
    indirect_jobs: float | None = None,
    public_share: float | None = None,
) -> Jobs:
    """Projected direct and indirect jobs, compared with the sector's jobs and the budget.

    Growth is the projected jobs over the current ones across the projection horizon (five
    years), with the equivalent yearly rate. With "more than 470" direct jobs projected and
    "more than 2 100" today, the direct growth has bounds in both directions and is
    ``approx``; the total growth (more than 1 670 over 6 000) is a lower bound.

    Args:
        ds: the dataset.
        direct_jobs: projected direct jobs (> 0); default the stated figure (more than 470).
        indirect_jobs: projected indirect jobs (>= 0); default the stated figure (1 200).
        public_share: public share of the budget (0-1) for the public funding per job;
            default the stated share.

    Raises:
        ValueError: when ``direct_jobs`` is not positive, ``indirect_jobs`` is negative, or
            ``public_share`` is outside 0-1.
    """
    check_ds(ds)
    horizon = select_fact(ds, "projection_horizon", PARTNERSHIP)
    within = horizon_words(horizon)
    share, share_ids = _public_share(ds, public_share)
    if direct_jobs is None:
        projected_direct = _stated(
            "jobs.projected_direct",
            select_fact(ds, "projected_direct_jobs", PARTNERSHIP),
            period_words=within,
        )
    else:
        value = _positive_param("direct_jobs", direct_jobs)
        projected_direct = _indicator(
            "jobs.projected_direct", Bounded(value), "jobs", (), period_words=within
        )
    if indirect_jobs is None:
        projected_indirect = _stated(
            "jobs.projected_indirect",
            select_fact(ds, "projected_indirect_jobs", PARTNERSHIP),
            period_words=within,
        )
    else:
        value = _non_negative_param("indirect_jobs", indirect_jobs)
        projected_indirect = _indicator(
            "jobs.projected_indirect", Bounded(value), "jobs", (), period_words=within
        )
    cur_direct = select_fact(ds, "direct_jobs", SECTOR)
    cur_total = select_fact(ds, "total_jobs", SECTOR)
    budget = select_fact(ds, "budget", PARTNERSHIP)

    period = projected_direct.period or projected_indirect.period
    direct, indirect = projected_direct.quantity, projected_indirect.quantity
    direct_ids, indirect_ids = projected_direct.fact_ids, projected_indirect.fact_ids
    total, total_ids = direct + indirect, direct_ids + indirect_ids
    cd, ct = cur_direct.quantity, cur_total.quantity
    cur_ids = cur_total.fact_ids + cur_direct.fact_ids
    direct_growth, total_growth = direct / cd, total / ct
    years = horizon.value
    projected_ratio, projected_digits = _ratio(indirect, direct)
    current_ratio, current_digits = _ratio(ct - cd, cd)

    def ind(key: str, q: Bounded, unit: str, ids: tuple[str, ...], **kw: Any) -> Indicator:
        if "period" in kw:  # a projection: its period is the stated horizon, even in a scenario
            kw["period_words"] = within
        return _indicator(f"jobs.{key}", q, unit, ids, **kw)

    return Jobs(
        horizon=_stated("jobs.horizon", horizon),
        projected_direct=projected_direct,
        projected_indirect=projected_indirect,
        projected_total=ind("projected_total", total, "jobs", total_ids, period=period),
        projected_ratio=ind(
            "projected_ratio", projected_ratio, "ratio", indirect_ids + direct_ids,
            period=period, digits=projected_digits,
        ),
        current_direct=_stated("jobs.current_direct", cur_direct),
        current_total=_stated("jobs.current_total", cur_total),
        current_indirect=ind("current_indirect", ct - cd, "jobs", cur_ids),
        current_ratio=ind("current_ratio", current_ratio, "ratio", cur_ids, digits=current_digits),
        direct_growth=ind(
            "direct_growth", direct_growth * 100, "percent",
            direct_ids + cur_direct.fact_ids, period=period,
        ),
        total_growth=ind(
            "total_growth", total_growth * 100, "percent", total_ids + cur_ids, period=period
        ),
        direct_annual_rate=ind(
            "direct_annual_rate", annual_rate(direct_growth, years) * 100, "percent",
            direct_ids + cur_direct.fact_ids + horizon.fact_ids, period=period, digits=1,
        ),
        total_annual_rate=ind(
            "total_annual_rate", annual_rate(total_growth, years) * 100, "percent",
            total_ids + cur_ids + horizon.fact_ids, period=period, digits=1,
        ),
        funding_per_job=ind(
            "funding_per_job", budget.quantity / total * 1000, "EUR_thousand",
            budget.fact_ids + total_ids, period=period,
        ),
        public_funding_per_job=ind(
            "public_funding_per_job", budget.quantity * share / total * 1000, "EUR_thousand",
            budget.fact_ids + share_ids + total_ids, period=period,
        ),
    )  # fmt: skip


def _ratio(numerator: Bounded, denominator: Bounded) -> tuple[Bounded, int]:
    """A ratio of two figures, and the decimals to print it with (``digits``).

    A ratio that rests on a bound or an approximate figure is written with its own
    rounding, as the figures as written allow (:func:`~analysis.compute.growth.
    supported_ratio`): "about 2.5 times" for less than 1 200 / 470 = 2.553, not the
    outward-rounded "less than 3 times". A ratio of exact figures (a scenario's) keeps
    its value, with the decimals those figures support.
    """
    q = numerator / denominator
    try:
        if q.direction != "none" or q.approximate:
            shown, digits = supported_ratio(numerator.value, denominator.value)
            # "About" must not pass the bound the figures set: less than 3 900 / more than
            # 2 100 = 1.857 is "less than 1.9 times", not "about 2 times".
            if q.direction == "upper" and shown.value > q.value:
                return Bounded(math.ceil(q.value * 10) / 10, "upper", strict=True), 1
            if q.direction == "lower" and shown.value < q.value:
                return Bounded(math.floor(q.value * 10) / 10, "lower", strict=True), 1
            return shown, digits
        return q, supported_digits(*ratio_range(numerator.value, denominator.value))
    except ValueError:  # a scenario's denominator below its own rounding
        return q, 2


def horizon_words(horizon: Selection) -> tuple[str, str]:
    """A projection horizon as the text states it, from the date of its source (fr, en).

    "dans les cinq ans suivant janvier 2024" / "within five years of January 2024": the
    horizon in the text's words (``words_fr``, ``words_en``) or as a number of years, and
    the month of the statement; never a range of calendar years (January 2024 plus five
    years is not 2024-2029).
    """
    out = []
    for lang in LANGS:
        years = (
            formatting.fmt_value(horizon.value, horizon.unit, lang)
            if horizon.words is None
            else horizon.words[0 if lang == "fr" else 1]
        )
        # a source's date is required (datapackage.json): the horizon counts from it
        since = formatting.fmt_date(horizon.pub_date, lang, "month")  # type: ignore[arg-type]
        out.append(t("period.horizon", lang, years=years, since=since))
    return (out[0], out[1])


# -- 3. EU shares ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Scenario:
    """Funding and jobs under one public share (None: the stated share)."""

    share: float | None
    funding: Funding
    jobs: Jobs


def scenarios(
    ds: Dataset,
    public_share: float | None = None,
    direct_jobs: float | None = None,
    indirect_jobs: float | None = None,
    step: float = 0.1,
) -> tuple[Scenario, ...]:
    """Funding and jobs for public shares around the one used, in increasing order.

    The shares are the one used (``public_share``, or the stated share when None), the
    same minus and plus ``step`` (kept within 0-1), and the stated share. Each scenario
    recomputes :func:`funding` and :func:`jobs` with the given job figures (None: the
    stated ones).
    """
    stated = funding(ds).public_share.value / 100
    base = stated if public_share is None else public_share
    values = {round(min(max(base + d, 0.0), 1.0), 6) for d in (-step, 0.0, step)}
    shares: list[float | None] = [
        None if public_share is None and v == round(stated, 6) else v for v in values
    ]
    if public_share is not None:
        shares.append(None)
    shares.sort(key=lambda v: stated if v is None else v)
    return tuple(
        Scenario(
            share,
            funding(ds, public_share=share),
            jobs(ds, direct_jobs, indirect_jobs, public_share=share),
        )
        for share in shares
    )


@dataclass(frozen=True)
class EuShares(_Family):
    """Belgium's biopharmaceutical industry in the EU, against its share of the population."""

    population_share: Indicator
    jobs_share: Indicator
    exports_share: Indicator
    rd_share: Indicator
    jobs_multiple: Indicator
    exports_multiple: Indicator
    rd_multiple: Indicator
    jobs_rank: Indicator
    exports_rank: Indicator
    rd_rank: Indicator


def eu_shares(ds: Dataset) -> EuShares:
    """Belgium's shares of EU biopharma jobs, exports and R&D, each over its population share.

    A multiple of 3 means the industry's share is three times the population share.
    """
    check_ds(ds)
    industry = "biopharma_industry_be"
    pop = select_fact(ds, "eu_population_share", "population_be")
    shares = {
        name: select_fact(ds, f"eu_{name}_share", industry) for name in ("jobs", "exports", "rd")
    }
    ranks = {
        name: select_fact(ds, f"eu_rank_{name}", industry) for name in ("jobs", "exports", "rd")
    }
    fields: dict[str, Indicator] = {"population_share": _stated("eu.population_share", pop)}
    for name, sel in shares.items():
        fields[f"{name}_share"] = _stated(f"eu.{name}_share", sel)
    for name, sel in shares.items():
        # As precise as the shares as written allow: 7.8 % / 2.6 % is about 3, not 3.00.
        multiple, digits = supported_ratio(sel.value, pop.value)
        q = sel.quantity / pop.quantity
        if q.direction != "none" or q.approximate:  # stated bounds: keep them
            multiple = q
        fields[f"{name}_multiple"] = _indicator(
            f"eu.{name}_multiple",
            multiple,
            "ratio",
            sel.fact_ids + pop.fact_ids,
            digits=digits,
        )
    for name, sel in ranks.items():
        fields[f"{name}_rank"] = _stated(f"eu.{name}_rank", sel)
    return EuShares(**fields)


# -- 4. market CAGR check -------------------------------------------------------------------

MARKET = "atmp_market"


@dataclass(frozen=True)
class MarketCheck(_Family):
    """The ATMP market's stated growth rate against its stated sizes.

    The stated rate covers ``start_year``-``base_year`` but no size is stated for
    ``start_year``, so the rate itself cannot be recomputed (:attr:`rate_verdict`). What can
    be checked is whether the rate, continued, agrees with the later stated size
    (:attr:`continuation_verdict`). The rate and the sizes cover different periods, so a gap
    is never a conflict: the verdict is ``consistent`` within the tolerance, ``consistent
    within stated precision`` when sizes the stated ones allow ("about") make the rates
    equal (:attr:`sensitivity`), and ``not verifiable`` otherwise.

    Attributes:
        stated_rate, base_size, end_size: the stated figures (rate in percent, sizes in
            bn EUR).
        implied_rate: the yearly rate between the two stated sizes.
        implied_start_size: the ``start_year`` size the stated rate implies.
        projected_end_size: the size the stated rate gives for the projection year.
        rate_gap: stated rate minus implied rate, in percentage points (positive when the
            stated sizes imply a slower growth than the stated rate).
        start_size: the stated ``start_year`` size, when there is one (else None).
        recomputed_rate: the rate between the start and base sizes, when both are stated.
        tolerance: allowed gap between two rates, percentage points.
        rate_verdict, rate_reason: verdict on the stated rate and its reason code.
        continuation_verdict, continuation_reason: verdict on the rate continued.
        sensitivity: which sizes, within their stated precision, make the rates equal
            (None without a later size).
        rate_age: years from the first year of the rate's period to the year the text
            quoting it was published (a forecast from 2019 quoted in 2024: 5); its period
            is (first year, year quoted).
    """

    stated_rate: Indicator
    base_size: Indicator
    end_size: Indicator | None
    implied_rate: Indicator | None
    implied_start_size: Indicator
    projected_end_size: Indicator
    rate_gap: Indicator | None
    start_size: Indicator | None
    recomputed_rate: Indicator | None
    tolerance: float
    rate_verdict: str
    rate_reason: str
    continuation_verdict: str
    continuation_reason: str
    sensitivity: SizeSensitivity | None = None
    rate_age: Indicator | None = None

    @property
    def start_year(self) -> int:
        """First year of the stated rate's period."""
        return self.stated_rate.period[0]  # type: ignore[index]

    @property
    def base_year(self) -> int:
        """Last year of the stated rate's period, the year of the base size."""
        return self.stated_rate.period[1]  # type: ignore[index]

    def explanation(self, lang: str) -> str:
        """Both verdicts explained in one or two sentences, in ``lang``."""
        return " ".join(t(key, lang, **values) for key, values in market_sentences(self, lang))


@dataclass(frozen=True)
class SizeSensitivity:
    """Which start and end sizes, within their stated precision, give a stated growth rate.

    Attributes:
        rate: the stated rate's value, percent a year (36 for "more than 36 %").
        years: the years between the two sizes.
        base_range: the values the stated base size allows (``about 10`` -> 5 to 15).
        end_range: the values the stated end size allows.
        end_needed: the end size that the stated base size reaches at ``rate``.
        base_needed: the base size from which ``rate`` reaches the stated end size.
        implied_range: the lowest and highest yearly rates (percent) that sizes within
            both ranges imply.
        reachable: whether some sizes within both ranges give a rate the stated one allows.
    """

    rate: float
    years: int
    base_range: tuple[float, float]
    end_range: tuple[float, float]
    end_needed: float
    base_needed: float
    implied_range: tuple[float, float]
    reachable: bool


def size_sensitivity(
    rate: Bounded, base: tuple[float, str], end: tuple[float, str], years: int
) -> SizeSensitivity:
    """How robust a gap between a stated rate and the rate two stated sizes imply is.

    Args:
        rate: the stated rate, percent a year, with its bound ("more than 36").
        base: the base size and its qualifier (``(10, "about")``).
        end: the end size and its qualifier.
        years: years from the base size to the end size (positive).

    Raises:
        ValueError: when ``years`` is not positive or a qualifier is unknown.
    """
    n = years_between(0, years)
    b, e = interval(*base), interval(*end)
    growth = (1 + rate.value / 100) ** n
    lowest = cagr(b.hi, e.lo, n) * 100 if b.hi > 0 and e.lo > 0 else -100.0
    highest = cagr(b.lo, e.hi, n) * 100 if b.lo > 0 else math.inf
    if rate.direction == "lower":
        reachable = highest >= rate.value
    elif rate.direction == "upper":
        reachable = lowest <= rate.value
    else:
        reachable = lowest <= rate.value <= highest or rate.direction == "mixed"
    return SizeSensitivity(
        rate=rate.value,
        years=n,
        base_range=(b.lo, b.hi),
        end_range=(e.lo, e.hi),
        end_needed=base[0] * growth,
        base_needed=end[0] / growth,
        implied_range=(lowest, highest),
        reachable=reachable,
    )


def rate_compatible(stated: Bounded, recomputed: float, tolerance: float) -> bool:
    """Whether a recomputed rate agrees with a stated one within ``tolerance`` (same unit).

    A lower bound ("more than 36") agrees with any rate from 36 - tolerance up; an upper
    bound with any rate up to its value + tolerance; a point value within the tolerance.
    """
    tol = _non_negative_param("tolerance", tolerance)
    if stated.direction == "lower":
        return recomputed >= stated.value - tol
    if stated.direction == "upper":
        return recomputed <= stated.value + tol
    if stated.direction == "mixed":
        return True
    return abs(recomputed - stated.value) <= tol


def pp_param(name: str, value: object) -> float:
    """Return a parameter in percentage points, checked to lie within 0-100."""
    v = _number(name, value)
    if not 0 <= v <= 100:
        raise ValueError(f"{name} must be between 0 and 100 percentage points, got {value!r}")
    return v


def resolve_tolerance(ds: Dataset, tolerance: float | None) -> float:
    """Return the CAGR tolerance given, or the value of ``assumptions.csv`` when None."""
    if tolerance is None:
        return assumption(ds, "cagr_tolerance")
    return pp_param("tolerance", tolerance)


def market_check(
    ds: Dataset,
    tolerance: float | None = None,
    projection_year: int | None = None,
    subject: str = MARKET,
) -> MarketCheck:
    """Check the ATMP market's stated growth rate against its stated sizes.

    Computes the yearly rate implied between the two stated sizes, the start-year size the
    stated rate implies (an upper bound, since the rate is "more than"), and the size the
    stated rate gives if it continued (a lower bound).

    Args:
        ds: the dataset.
        tolerance: allowed gap between stated and implied rates, percentage points (0-100);
            default ``cagr_tolerance`` of ``assumptions.csv``.
        projection_year: year to project the base size to at the stated rate; default the
            year of the latest stated size. Must be after the base year.
        subject: the market (a ``subject_id``); the claims audit also checks the subject
            the English version gives the same figures.

    Raises:
        ValueError: for a tolerance outside 0-100 or a projection year not after the base
            year.
    """
    check_ds(ds)
    tol = resolve_tolerance(ds, tolerance)
    rate_sel = select_fact(ds, "market_cagr", subject)
    if rate_sel.period is None:
        raise FactNotFound(f"the stated {subject!r} growth rate has no period")
    start_year, base_year = rate_sel.period
    n = years_between(start_year, base_year)
    rate = rate_sel.quantity / 100
    base = select_fact(ds, "market_size", subject, period=base_year)
    start = select_fact(ds, "market_size", subject, period=start_year, required=False)
    later = sorted(
        p[1]
        for _, r in ds.facts.iterrows()
        if str(r["metric"]) == "market_size"
        and str(r["subject"]) == subject
        and (p := _period(r)) is not None
        and p[1] > base_year
    )
    end = select_fact(ds, "market_size", subject, period=later[-1]) if later else None
    if projection_year is None:
        projection_year = later[-1] if later else base_year + n
    elif isinstance(projection_year, bool) or not isinstance(projection_year, int):
        raise ValueError(f"projection_year must be an integer year, got {projection_year!r}")
    if projection_year <= base_year:
        raise ValueError(f"projection_year must be after {base_year}, got {projection_year}")

    bn = "EUR_billion"
    end_year = later[-1] if later else None
    years = {"start_year": start_year, "base_year": base_year, "end_year": end_year,
             "projection_year": projection_year}  # fmt: skip
    years_arg = tuple((k, str(v), str(v)) for k, v in years.items() if v is not None)
    stated_rate = _stated("market.stated_rate", rate_sel, args=years_arg)
    base_size = _stated("market.base_size", base, args=years_arg)
    implied_start_size = _indicator(
        "market.implied_start_size",
        implied_start(base.quantity, rate, n),
        bn,
        base.fact_ids + rate_sel.fact_ids,
        period=(start_year, start_year),
        digits=2,
        args=years_arg,
        directional=True,
    )
    projected = _indicator(
        "market.projected_end_size",
        project(base.quantity, rate, projection_year - base_year),
        bn,
        base.fact_ids + rate_sel.fact_ids,
        period=(projection_year, projection_year),
        digits=1,
        args=years_arg,
        directional=True,
    )
    end_size = implied_rate = gap = sensitivity = None
    continuation_verdict, continuation_reason = "not verifiable", "no_later_size"
    if end is not None:
        assert end_year is not None
        end_size = _stated("market.end_size", end, args=years_arg)
        implied = cagr(base.quantity, end.quantity, years_between(base_year, end_year))
        implied_rate = _indicator(
            "market.implied_rate",
            implied * 100,
            "percent",
            base.fact_ids + end.fact_ids,
            period=(base_year, end_year),
            digits=1,
            args=years_arg,
            compared=True,
        )
        gap = _indicator(
            "market.rate_gap",
            rate_sel.quantity - implied * 100,
            "percentage_points",
            rate_sel.fact_ids + base.fact_ids + end.fact_ids,
            period=(base_year, end_year),
            digits=1,
            args=years_arg,
            compared=True,
        )
        sensitivity = size_sensitivity(
            rate_sel.quantity,
            (base.value, base.qualifier),
            (end.value, end.qualifier),
            years_between(base_year, end_year),
        )
        # The rate covers an earlier period than the sizes: a gap may be a change of pace, so
        # the sizes cannot check the rate; the explanation says how far apart they are and
        # whether the sizes' stated precision could close the gap.
        if rate_compatible(rate_sel.quantity, implied_rate.value, tol):
            continuation_verdict, continuation_reason = "consistent", "within_tolerance"
        elif sensitivity.reachable:
            continuation_verdict, continuation_reason = "not verifiable", "within_size_precision"
        else:
            continuation_verdict, continuation_reason = "not verifiable", "periods_differ"
    start_size = recomputed = None
    if start is None:
        rate_verdict, rate_reason = "not verifiable", "no_start_size"
    else:
        start_size = _stated("market.start_size", start, args=years_arg)
        rec = cagr(start.quantity, base.quantity, n) * 100
        recomputed = _indicator(
            "market.recomputed_rate",
            rec,
            "percent",
            start.fact_ids + base.fact_ids,
            period=(start_year, base_year),
            digits=1,
            args=years_arg,
        )
        # Same period: a gap beyond the tolerance means the three figures cannot all hold.
        if rate_compatible(rate_sel.quantity, rec.value, 0):
            rate_verdict, rate_reason = "consistent", "within_tolerance"
        elif rate_compatible(rate_sel.quantity, rec.value, tol):
            rate_verdict, rate_reason = "consistent within stated precision", "within_tolerance"
        else:
            rate_verdict, rate_reason = "conflict", "outside_tolerance"
    return MarketCheck(
        stated_rate=stated_rate,
        base_size=base_size,
        end_size=end_size,
        implied_rate=implied_rate,
        implied_start_size=implied_start_size,
        projected_end_size=projected,
        rate_gap=gap,
        start_size=start_size,
        recomputed_rate=recomputed,
        tolerance=tol,
        rate_verdict=rate_verdict,
        rate_reason=rate_reason,
        continuation_verdict=continuation_verdict,
        continuation_reason=continuation_reason,
        sensitivity=sensitivity,
        rate_age=_rate_age(rate_sel),
    )


def _rate_age(rate: Selection) -> Indicator:
    """How old a stated rate's period was when its text quoted it, in whole years.

    The first year of the period against the year of the source's publication (a source
    dated to the year counts as that year): a forecast "between 2019 and 2025" quoted in
    January 2024 starts five years before it was quoted.
    """
    quoted = rate.pub_date.year  # type: ignore[union-attr]  # required in sources.csv
    start = rate.period[0]  # type: ignore[index]  # checked by market_check
    return _indicator(
        "market.rate_age",
        Bounded(quoted - start),
        "years",
        rate.fact_ids,
        period=(start, quoted),
    )


def market_sentences(m: MarketCheck, lang: str) -> list[tuple[str, dict[str, str]]]:
    """Return the message keys and values that explain a market check in ``lang``."""
    values = {
        "start_year": str(m.start_year),
        "base_year": str(m.base_year),
        "rate": m.stated_rate.text(lang),
        "base": m.base_size.text(lang),
        "implied_start": m.implied_start_size.text(lang),
        "projected": m.projected_end_size.text(lang),
        "projection_year": str(m.projected_end_size.period[0]),  # type: ignore[index]
        "tolerance": formatting.fmt_pp(m.tolerance, lang),
    }
    if m.start_size is not None and m.recomputed_rate is not None:
        values |= {"start": m.start_size.text(lang), "recomputed": m.recomputed_rate.text(lang)}
    if m.end_size is not None and m.implied_rate is not None and m.rate_gap is not None:
        values |= {
            "end": m.end_size.text(lang),
            "end_year": str(m.end_size.period[1]),  # type: ignore[index]
            "implied": m.implied_rate.text(lang),
            "gap": m.rate_gap.text(lang),
        }
    if m.sensitivity is not None:
        sens, unit = m.sensitivity, "EUR_billion"

        def size(value: float, digits: int | None = None) -> str:
            return formatting.fmt_value(value, unit, lang, digits=digits)

        def needed(value: float) -> str:  # computed from "about" sizes: two figures
            return size(value, formatting.derived_digits(value, unit, approximate=True))

        lower = m.implied_rate is not None and m.implied_rate.value < m.stated_rate.value
        values |= {
            "rate_value": formatting.fmt_percent(sens.rate, lang),
            "end_needed": needed(sens.end_needed),
            "base_needed": needed(sens.base_needed),
            "base_lo": size(sens.base_range[0]),
            "base_hi": size(sens.base_range[1]),
            "end_lo": size(sens.end_range[0]),
            "end_hi": size(sens.end_range[1]),
            "comparison": t(f"audit.comparison.{'below' if lower else 'above'}", lang),
        }
    rate_key = f"audit.growth_rate.{m.rate_reason}"
    cont_key = f"audit.growth_continuation.{m.continuation_reason}"
    return [(rate_key, values), (cont_key, values)]


# -- 5. clusters, ecosystem, trade ----------------------------------------------------------

CLUSTER_METRICS = (
    "members",
    "member_employees",
    "member_companies",
    "academic_institutions",
    "research_centres",
    "hospitals",
)
_CLUSTER_NAMES = {"biowin": "BioWin", "medvia": "MEDVIA", "combined": "BioWin + MEDVIA"}


@dataclass(frozen=True)
class Clusters(_Family):
    """BioWin and MEDVIA, the Walloon and Flemish health clusters, and both together.

    A count a cluster does not state is None; the combined count then adds nothing for it
    and is a lower bound. Member companies are counted differently by each cluster (BioWin:
    innovative industrial companies; MEDVIA: companies with R&D activities): the facts'
    notes are carried.

    Beside the counts: the leading clusters VLAIO supports, MEDVIA among them
    (``vlaio_clusters``), and the entrepreneurs and investors of the first HealthTech
    Investor Summit the two clusters co-organised (``summit_entrepreneurs``,
    ``summit_investors``); None in an edition without the text that states them.
    """

    biowin_members: Indicator | None
    biowin_member_employees: Indicator | None
    biowin_member_companies: Indicator | None
    biowin_academic_institutions: Indicator | None
    biowin_research_centres: Indicator | None
    biowin_hospitals: Indicator | None
    medvia_members: Indicator | None
    medvia_member_employees: Indicator | None
    medvia_member_companies: Indicator | None
    medvia_academic_institutions: Indicator | None
    medvia_research_centres: Indicator | None
    medvia_hospitals: Indicator | None
    combined_members: Indicator | None
    combined_member_employees: Indicator | None
    combined_member_companies: Indicator | None
    combined_academic_institutions: Indicator | None
    combined_research_centres: Indicator | None
    combined_hospitals: Indicator | None
    vlaio_clusters: Indicator | None
    summit_entrepreneurs: Indicator | None
    summit_investors: Indicator | None


def _metric_labels(ds: Dataset, metric: str) -> tuple[str, str]:
    row = ds.metrics[ds.metrics["metric_id"].astype(str) == metric].iloc[0]
    return str(row["label_fr"]), str(row["label_en"])


def clusters(ds: Dataset) -> Clusters:
    """Size of the BioWin and MEDVIA clusters and of both together."""
    check_ds(ds)
    fields: dict[str, Indicator | None] = {}
    for metric in CLUSTER_METRICS:
        parts: list[Selection] = []
        for cluster in ("biowin", "medvia"):
            sel = select_fact(ds, metric, cluster, required=False)
            name = _CLUSTER_NAMES[cluster]
            fields[f"{cluster}_{metric}"] = (
                None
                if sel is None
                else _stated(
                    f"clusters.{cluster}.{metric}",
                    sel,
                    stem=f"indicator.clusters.{metric}",
                    args=(("cluster", name, name),),
                )
            )
            if sel is not None:
                parts.append(sel)
        if not parts:
            fields[f"combined_{metric}"] = None
            continue
        total = parts[0].quantity if len(parts) == 1 else parts[0].quantity + parts[1].quantity
        q = Bounded(total.value, total.direction, total.strict, total.approximate)
        if len(parts) == 1:  # the other cluster's count is unknown, at least zero
            q = q + Bounded(0, "lower")
        fr, en = _metric_labels(ds, metric)
        stem = (
            "indicator.clusters.combined_member_companies"
            if metric == "member_companies"
            else "indicator.clusters.combined"
        )
        fields[f"combined_{metric}"] = _indicator(
            f"clusters.combined.{metric}",
            q,
            parts[0].unit,
            [i for p in parts for i in p.fact_ids],
            stem=stem,
            args=(("metric", fr, en), ("cluster", "BioWin + MEDVIA", "BioWin + MEDVIA")),
            notes=tuple(p.note for p in parts if p.note),
            disputed=any(p.disagreement for p in parts),
        )
    for name, metric, subject in (
        ("vlaio_clusters", "supported_clusters", "vlaio"),
        ("summit_entrepreneurs", "event_entrepreneurs", "healthtech_investor_summit"),
        ("summit_investors", "event_investors", "healthtech_investor_summit"),
    ):
        # The first statement in time: a later summit would be another edition of the event.
        years = [
            p[1]
            for _, r in ds.facts.iterrows()
            if str(r["metric"]) == metric
            and str(r["subject"]) == subject
            and (p := _period(r)) is not None
        ]
        first = min(years) if years else None
        sel = select_fact(ds, metric, subject, period=first, required=False)
        fields[name] = None if sel is None else _stated(f"clusters.{name}", sel)
    return Clusters(**fields)


@dataclass(frozen=True)
class Ecosystem(_Family):
    """The Walloon ATMP sector: companies, jobs and experience."""

    atmp_developers: Indicator
    contract_manufacturers: Indicator
    service_companies: Indicator
    direct_jobs: Indicator
    total_jobs: Indicator
    experience: Indicator | None


def ecosystem(ds: Dataset) -> Ecosystem:
    """Counts stated for the Walloon ATMP sector (companies, jobs, years of experience)."""
    check_ds(ds)
    fields: dict[str, Indicator | None] = {}
    for metric in (
        "atmp_developers",
        "contract_manufacturers",
        "service_companies",
        "direct_jobs",
        "total_jobs",
        "experience",
    ):
        sel = select_fact(ds, metric, SECTOR, required=metric != "experience")
        fields[metric] = None if sel is None else _stated(f"ecosystem.{metric}", sel)
    return Ecosystem(**fields)


@dataclass(frozen=True)
class Trade(_Family):
    """Belgium's chemical and pharmaceutical trade with the United States.

    The ranks of the sector's trade partners: the United States second, as stated; Germany
    first and France third, as the text's order implies ("après l'Allemagne et avant la
    France").
    """

    share_of_exports_to_us: Indicator
    us_share_of_sector_exports: Indicator
    us_partner_rank: Indicator
    germany_partner_rank: Indicator
    france_partner_rank: Indicator


def trade(ds: Dataset) -> Trade:
    """The trade statements about the United States (2021) and the sector's partner ranks."""
    check_ds(ds)
    sector = "chem_life_sciences_sector_be"

    def rank(key: str, geography: str) -> Indicator:
        return _stated(
            f"trade.{key}", select_fact(ds, "trade_partner_rank", sector, geography=geography)
        )

    return Trade(
        share_of_exports_to_us=_stated(
            "trade.share_of_exports_to_us",
            select_fact(ds, "share_of_exports_to_us", "chem_pharma_exports_be_us"),
        ),
        us_share_of_sector_exports=_stated(
            "trade.us_share_of_sector_exports",
            select_fact(ds, "us_share_of_sector_exports", sector),
        ),
        us_partner_rank=rank("us_partner_rank", "United States"),
        germany_partner_rank=rank("germany_partner_rank", "Germany"),
        france_partner_rank=rank("france_partner_rank", "France"),
    )


# -- timeline -------------------------------------------------------------------------------


@dataclass(frozen=True)
class Event:
    """One dated event of ``events.csv``, with the organisations' names.

    ``restates`` holds the earlier events of the timeline that this one mentions again (a
    later text reporting the same deals in general terms); empty for a new event.
    """

    event_id: str
    date: dt.date
    precision: str
    date_basis: str
    kind: str
    label_fr: str
    label_en: str
    organisation: str
    counterpart: str | None
    site: str | None
    source_id: str
    locator: str
    note: str | None
    restates: tuple[str, ...] = ()

    def when(self, lang: str) -> str:
        """The date at its precision, saying how it is known.

        ``February 2021 at the latest`` when it is only the reporting document's date,
        ``October 2021 (inferred)`` when it was worked out from an undated text.
        """
        when = formatting.fmt_date(self.date, lang, self.precision)
        if self.date_basis == "source_date":  # not stated: the report's date, a bound
            return t("timeline.reported_by", lang, date=when)
        if self.date_basis == "inferred":
            return t("timeline.inferred", lang, date=when)
        return when


@dataclass(frozen=True)
class Timeline:
    """The investment and partnership timeline, in date order.

    ``events`` lists every row, restatements included; counts and charts use
    :attr:`new_events`, so that an event mentioned again later is counted once.
    """

    events: tuple[Event, ...]

    @property
    def new_events(self) -> tuple[Event, ...]:
        """The events that restate none: what the timeline counts and draws."""
        return tuple(e for e in self.events if not e.restates)

    @property
    def restatements(self) -> tuple[Event, ...]:
        """The later mentions of events already in the timeline, in date order."""
        return tuple(e for e in self.events if e.restates)

    @property
    def fact_ids(self) -> tuple[str, ...]:
        """Events rest on no fact of ``facts.csv``: always empty."""
        return ()

    @property
    def event_ids(self) -> tuple[str, ...]:
        """The events' ids, in date order."""
        return tuple(e.event_id for e in self.events)

    def to_frame(self, lang: str | None = None) -> pd.DataFrame:
        """The events as a tidy table.

        Args:
            lang: ``fr`` or ``en`` for a ``when`` column (the date at its precision; "at
                the latest" when the date is only that of the reporting document), a
                ``kind_label`` and one ``label`` (a restatement's names the events it
                mentions again); None for both languages' labels.
        """
        by_id = {e.event_id: e for e in self.events}
        rows = []
        for e in self.events:
            row = {
                "event_id": e.event_id,
                "date": e.date,
                "precision": e.precision,
                "date_basis": e.date_basis,
                "kind": e.kind,
            }
            if lang is None:
                row |= {"label_fr": e.label_fr, "label_en": e.label_en}
            else:
                check_lang(lang)
                label = e.label_fr if lang == "fr" else e.label_en
                if e.restates:
                    earlier = [
                        by_id[i].label_fr if lang == "fr" else by_id[i].label_en for i in e.restates
                    ]
                    earlier_text = t("figure.list.separator", lang).join(earlier)
                    label = t("timeline.restatement", lang, label=label, events=earlier_text)
                row |= {
                    "when": e.when(lang),
                    "kind_label": t(f"event_kind.{e.kind}", lang),
                    "label": label,
                }
            row |= {
                "organisation": e.organisation,
                "counterpart": e.counterpart,
                "site": e.site,
                "source_id": e.source_id,
                "locator": e.locator,
                "note": e.note,
                "restates": " ".join(e.restates) or None,
            }
            rows.append(row)
        return pd.DataFrame(rows)


def timeline(ds: Dataset) -> Timeline:
    """The events of ``events.csv`` in date order, with organisation names.

    An event restates only the events of ``ds`` it names: in an edition without the earlier
    report, the later mention is the first one and counts as a new event.
    """
    check_ds(ds)
    names = dict(zip(ds.organisations["org_id"].astype(str), ds.organisations["name"], strict=True))

    def text(value: object) -> str | None:
        return None if value is None or pd.isna(value) else str(value)

    known = set(ds.events["event_id"].astype(str))

    events = [
        Event(
            event_id=str(r["event_id"]),
            date=r["date"],
            precision=str(r["date_precision"]),
            date_basis=str(r["date_basis"]),
            kind=str(r["kind"]),
            label_fr=str(r["description_fr"]),
            label_en=str(r["description_en"]),
            organisation=names.get(str(r["organisation_id"]), str(r["organisation_id"])),
            counterpart=None
            if text(r["counterpart_id"]) is None
            else names.get(str(r["counterpart_id"]), str(r["counterpart_id"])),
            site=text(r["site"]),
            source_id=str(r["source_id"]),
            locator=str(r["locator"]),
            note=text(r["note"]),
            restates=tuple(i for i in (text(r["restates"]) or "").split() if i in known),
        )
        for _, r in ds.events.iterrows()
    ]
    events.sort(key=lambda e: (e.date, e.event_id))
    return Timeline(tuple(events))


# -- methodology ----------------------------------------------------------------------------


def methodology(lang: str) -> pd.DataFrame:
    """Every indicator's label, definition and formula in ``lang``, from the catalogue.

    Templates that take values (a cluster's name, a year) keep their ``{placeholders}``.
    """
    check_lang(lang)
    entries = catalogue()
    stems = sorted(
        {k.rsplit(".", 1)[0] for k in entries if k.startswith("indicator.")}
        - {key.rsplit(".", 1)[0] for key in (STATED, STATED_WORDS, INFERRED)}
    )
    rows = []
    for stem in stems:
        formula_key = f"{stem}.formula" if f"{stem}.formula" in entries else STATED
        rows.append(
            {
                "indicator": stem.removeprefix("indicator."),
                "label": entries[f"{stem}.label"][lang],
                "definition": entries[f"{stem}.definition"][lang],
                "formula": entries[formula_key][lang],
            }
        )
    return pd.DataFrame(rows, columns=["indicator", "label", "definition", "formula"])
