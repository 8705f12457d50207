"""Figures: the report's charts, built from the indicators, in French or English.

One function per chart; each takes the dataset, the language and the chart's scenario
parameters, and returns a frozen :class:`Figure`::

    from analysis import load_data
    from analysis.present import figures

    ds = load_data()
    fig = figures.funding(ds, "fr")          # or funding(ds, "en", public_share=0.5)
    fig.svg                                  # inline SVG (same input: same bytes)
    fig.caption                              # one sentence, without "Figure N"
    fig.source                               # 'Sources : Gouvernement wallon, BioWin, ...'
    fig.fact_ids                             # every fact plotted or derived from

Charts: :func:`funding`, :func:`jobs`, :func:`eu_shares`, :func:`market`, :func:`timeline`,
:func:`clusters`; :func:`source_line` writes the source line of any set of facts and
events. Every number drawn or written comes from :mod:`analysis.indicators`, formatted by
:mod:`analysis.formatting`; every word comes from the ``figure.*`` entries of the message
catalogue (and from the data's own labels: metrics, subjects, event kinds). The functions
are pure: no file is read or written (drawing is left to :mod:`analysis.charts`).
"""

from __future__ import annotations

import re
import textwrap
from collections.abc import Iterable
from dataclasses import dataclass

import pandas as pd
from babel import Locale
from babel.lists import format_list

from analysis.compute import indicators
from analysis.compute.growth import implied_start, project
from analysis.compute.indicators import Indicator
from analysis.data.load import Dataset
from analysis.present import charts, formatting
from analysis.present.messages import check_lang, has, t

__all__ = [
    "CLUSTERS",
    "CLUSTER_PANELS",
    "EVENT_GROUPS",
    "Figure",
    "GROUP_COLOURS",
    "KEYS",
    "clusters",
    "eu_shares",
    "funding",
    "jobs",
    "market",
    "restated_clause",
    "source_line",
    "timeline",
]


#: The figures, in the order the reports usually show them.
KEYS = ("funding", "jobs", "eu_shares", "market", "timeline", "clusters")

#: Event kinds grouped for colour (``figure.timeline.group.<group>`` names each group).
EVENT_GROUPS = {
    "acquisition": "industry",
    "investment": "industry",
    "production_start": "industry",
    "site_construction": "industry",
    "partnership_signed": "cooperation",
    "collaboration_start": "cooperation",
    "charter_signed": "public",
    "programme_approval": "public",
    "programme_announcement": "public",
    "mission": "promotion",
    "roundtable": "promotion",
    "conference": "promotion",
    "website_launch": "promotion",
}
GROUP_COLOURS = {
    "industry": charts.BLUE,
    "cooperation": charts.GREEN,
    "public": charts.VERMILLION,
    "promotion": charts.PINK,
    "other": charts.GREY,
}

#: The cluster counts drawn, one panel each: (members, member companies), then the small
#: counts (academic institutions, hospitals, research centres).
CLUSTER_PANELS = (
    ("members", "member_companies"),
    ("academic_institutions", "hospitals", "research_centres"),
)
CLUSTERS = ("biowin", "medvia")


@dataclass(frozen=True)
class Figure:
    """A chart ready for the report, with its caption and source line in one language.

    Attributes:
        key: ``funding``, ``jobs``, ``eu_shares``, ``market``, ``timeline`` or ``clusters``.
        svg: the chart as inline SVG (deterministic: same input, same bytes).
        alt: text alternative describing the plotted data, in the language.
        caption: one sentence in the language, without "Figure N" (the report numbers
            figures).
        source: the source line: publishers, document kind and date, source ids.
        fact_ids: every fact the chart plots or was derived from, sorted.
        event_ids: the events the chart shows (timeline only), in date order.
    """

    key: str
    svg: str
    alt: str
    caption: str
    source: str
    fact_ids: tuple[str, ...]
    event_ids: tuple[str, ...] = ()


# -- helpers --------------------------------------------------------------------------------


def _t(key: str, lang: str, **values: object) -> str:
    """Catalogue message ``key``, with the French elision its values may need."""
    return formatting.elide(t(key, lang, **values), lang)


def _fact_ids(*items: Indicator | None) -> tuple[str, ...]:
    return tuple(sorted({i for ind in items if ind is not None for i in ind.fact_ids}))


def _join(items: Iterable[str], lang: str) -> str:
    return _t("figure.list.separator", lang).join(items)


def _ticks(lang: str):
    def fmt(value: float) -> str:
        return formatting.fmt_number(round(value, 6), lang)

    return fmt


def _period(ind: Indicator, lang: str) -> str:
    return formatting.fmt_period(*(ind.period or (None, None)), lang)


def _ordinal(n: int, lang: str) -> str:
    """``1re``, ``3e`` (fr) / ``1st``, ``3rd`` (en), by CLDR's ordinal plural rules."""
    form = Locale.parse(formatting.LOCALES[lang]).ordinal_form(n)
    return _t(f"figure.ordinal.{form}", lang, n=formatting.fmt_number(n, lang))


def _chart_id(key: str, lang: str) -> str:
    return f"figure-{key}-{lang}"


# -- source line ----------------------------------------------------------------------------


def _ids_param(name: str, value: object) -> tuple[str, ...]:
    if isinstance(value, str) or not isinstance(value, Iterable):
        raise ValueError(f"{name} must be a sequence of ids, got {value!r}")
    ids = tuple(value)
    if not all(isinstance(i, str) for i in ids):
        raise ValueError(f"{name} must hold ids (strings), got {value!r}")
    return ids


def _publisher(name: str, lang: str) -> str:
    key = "figure.publisher." + re.sub(r"[^a-z0-9]+", "_", name.lower()).strip("_")
    return _t(key, lang) if has(key) else name


def source_line(
    ds: Dataset,
    fact_ids: Iterable[str],
    lang: str,
    event_ids: Iterable[str] = (),
) -> str:
    """The source line of a figure: every document its facts and events come from.

    ``Source : le Gouvernement wallon et BioWin, communiqué de presse du 17 janvier 2024.``
    / ``Source: the Walloon Government and BioWin, press release of 17 January 2024.``
    Documents are listed in the order of their ids, each with its publishers (the
    ``speakers`` of ``sources.csv``; those a news article quotes), its kind and its date at
    the precision it is known; a
    translation names the document it translates by its kind and date. The ids themselves
    are left to the appendix.

    Args:
        ds: the dataset.
        fact_ids: ids of ``facts.csv``.
        lang: ``fr`` or ``en``.
        event_ids: ids of ``events.csv`` (for figures that draw events).

    Raises:
        ValueError: for an unknown language, an id that is not in the data, or no id at all.
    """
    indicators.check_ds(ds)
    check_lang(lang)
    facts = _ids_param("fact_ids", fact_ids)
    events = _ids_param("event_ids", event_ids)
    fact_sources = dict(zip(ds.facts["fact_id"], ds.facts["source_id"].astype(str), strict=True))
    event_sources = dict(
        zip(ds.events["event_id"], ds.events["source_id"].astype(str), strict=True)
    )
    for name, ids, known in (
        ("fact_ids", facts, fact_sources),
        ("event_ids", events, event_sources),
    ):
        unknown = [i for i in ids if i not in known]
        if unknown:
            raise ValueError(f"{name} holds ids not in the data: {', '.join(unknown)}")
    used = {fact_sources[i] for i in facts} | {event_sources[i] for i in events}
    if not used:
        raise ValueError("fact_ids and event_ids must name at least one fact or event")
    sources = ds.sources.assign(source_id=ds.sources["source_id"].astype(str))
    # The organisations a document credits for the figures used (e.g. "(Source pharma.be)").
    cited: dict[str, list[str]] = {}
    credits = ds.facts.set_index("fact_id")["cited_source"]
    for fact_id in facts:
        credit = credits.get(fact_id)
        if credit is not None and not pd.isna(credit):
            names = cited.setdefault(fact_sources[fact_id], [])
            if str(credit) not in names:
                names.append(str(credit))
    entries = []
    for _, row in sources[sources["source_id"].isin(used)].sort_values("source_id").iterrows():
        values = {
            "publishers": format_list(
                [_publisher(s, lang) for s in str(row["speakers"]).split("; ")],
                locale=formatting.LOCALES[lang],
            ),
            "document": formatting.fmt_source(row, lang),
        }
        original = row["translation_of"]
        if not (original is None or pd.isna(original)):
            # The document adapted, by its kind and date (its id stays in the appendix).
            first = sources[sources["source_id"] == str(original)].iloc[0]
            original = formatting.fmt_source(first, lang, of=True)
        if row["source_id"] in cited:
            values["cited"] = ", ".join(cited[row["source_id"]])
            key = "figure.source.entry_cited"
            if not (original is None or pd.isna(original)):
                key = "figure.source.entry_translation_cited"
                values["language"] = _t(f"lang.{row['language']}", lang)
                values["original"] = original
            entries.append(_t(key, lang, **values))
        elif original is None or pd.isna(original):
            # A news article's speakers are the organisations it quotes, not its publisher.
            key = "figure.source.entry"
            if row["kind"] == "news article":
                key = "figure.source.entry_quoting"
            entries.append(_t(key, lang, **values))
        else:
            language = _t(f"lang.{row['language']}", lang)
            entries.append(
                _t(
                    "figure.source.entry_translation",
                    lang,
                    language=language,
                    original=original,
                    **values,
                )
            )
    key = "figure.source.one" if len(entries) == 1 else "figure.source.many"
    return _t(key, lang, entries=_t("figure.source.separator", lang).join(entries))


# -- 1. funding -----------------------------------------------------------------------------


def _source(ds: Dataset, ids: tuple[str, ...], lang: str, varied: Iterable[Indicator] = ()) -> str:
    """A chart's source line; a scenario's names its ``varied`` values before the sources."""
    labels = dict.fromkeys(formatting.in_sentence(ind.label_text(lang)) for ind in varied)
    if not labels:
        return source_line(ds, ids, lang)
    return _t(
        "report.source_scenario",
        lang,
        labels=_t("report.list_separator", lang).join(labels),
        source=source_line(ds, ids, lang),
    )


def funding(ds: Dataset, lang: str, public_share: float | None = None) -> Figure:
    """The ATMP partnership's budget split public/private, and granted vs still to grant.

    Args:
        ds: the dataset.
        lang: ``fr`` or ``en``.
        public_share: public share of the budget, 0-1; default the stated share.

    Raises:
        ValueError: for an unknown language or a ``public_share`` outside 0-1.
    """
    check_lang(lang)
    f = indicators.funding(ds, public_share)
    scenario = public_share is not None
    year = _period(f.granted, lang)
    values = {
        "budget": f.budget.text(lang),
        "duration": f.duration.text(lang),
        "public_amount": f.public_amount.text(lang),
        "private_amount": f.private_amount.text(lang),
        "public_share": f.public_share.text(lang),
        "private_share": f.private_share.text(lang),
        "granted": f.granted.text(lang),
        "remaining": f.remaining.text(lang),
        "year": year,
    }
    # The texts' "granted" is public support: read against the public part when the budget
    # allows it, else (a scenario whose public part is below the amount granted) the budget.
    public_reading = f.public_remaining is not None
    if public_reading:
        values["public_remaining"] = f.public_remaining.text(lang)
    reading = "public" if public_reading else "budget"
    rows = [
        (
            _t("figure.funding.row.sources", lang, **values),
            [
                (f.public_amount.value, _t("figure.funding.public", lang, **values), charts.BLUE),
                (
                    f.private_amount.value,
                    _t("figure.funding.private", lang, **values),
                    charts.ORANGE,
                ),
            ],
        ),
        (
            _t(f"figure.funding.row.grants_{reading}", lang, **values),
            [
                (f.granted.value, _t("figure.funding.granted", lang, **values), charts.GREEN),
                (
                    (f.public_remaining if public_reading else f.remaining).value,
                    _t(f"figure.funding.remaining_{reading}", lang, **values),
                    charts.GREY_LIGHT,
                ),
            ],
        ),
    ]
    alt = _t(f"figure.funding.alt_{reading}", lang, **values)
    chart = charts.stacked_bars(
        rows,
        xlabel=_t("figure.funding.axis", lang),
        chart_id=_chart_id("funding", lang),
        alt=alt,
        value_format=_ticks(lang),
    )
    ids = _fact_ids(
        f.budget, f.duration, f.public_share, f.private_share, f.public_amount,
        f.private_amount, f.granted, f.remaining, f.public_remaining,
    )  # fmt: skip
    caption_key = "figure.funding.caption_scenario" if scenario else "figure.funding.caption"
    caption_key += f"_{reading}"
    remaining = f.public_remaining if public_reading else f.remaining
    varied = (
        (f.public_share, f.private_share, f.public_amount, f.private_amount, remaining)
        if scenario
        else ()
    )
    return Figure(
        key="funding",
        svg=chart.svg,
        alt=alt,
        caption=_t(caption_key, lang, **values),
        source=_source(ds, ids, lang, varied),
        fact_ids=ids,
    )


# -- 2. jobs --------------------------------------------------------------------------------


def jobs(
    ds: Dataset,
    lang: str,
    direct_jobs: float | None = None,
    indirect_jobs: float | None = None,
) -> Figure:
    """The Walloon ATMP sector's jobs today against the jobs the partnership is to create.

    Today's indirect jobs are the total minus the direct jobs: an upper bound, since the
    direct jobs are "more than 2 100". Every label states its bound.

    Args:
        ds: the dataset.
        lang: ``fr`` or ``en``.
        direct_jobs: projected direct jobs (> 0); default the stated figure.
        indirect_jobs: projected indirect jobs (>= 0); default the stated figure.

    Raises:
        ValueError: for an unknown language, ``direct_jobs`` not positive or
            ``indirect_jobs`` negative.
    """
    check_lang(lang)
    j = indicators.jobs(ds, direct_jobs, indirect_jobs)
    scenario = direct_jobs is not None or indirect_jobs is not None
    values = {
        "current_total": j.current_total.text(lang),
        "current_direct": j.current_direct.text(lang),
        "current_indirect": j.current_indirect.text(lang),
        "projected_total": j.projected_total.text(lang),
        "projected_direct": j.projected_direct.text(lang),
        "projected_indirect": j.projected_indirect.text(lang),
        "horizon": j.horizon.text(lang),
    }
    rows = [
        (
            _t("figure.jobs.row.current", lang, **values),
            [
                (
                    j.current_direct.value,
                    _t("figure.jobs.direct", lang, value=values["current_direct"]),
                    charts.BLUE,
                ),
                (
                    j.current_indirect.value,
                    _t("figure.jobs.indirect_derived", lang, value=values["current_indirect"]),
                    charts.SKY,
                ),
            ],
        ),
        (
            _t("figure.jobs.row.projected", lang, **values),
            [
                (
                    j.projected_direct.value,
                    _t("figure.jobs.direct", lang, value=values["projected_direct"]),
                    charts.BLUE,
                ),
                (
                    j.projected_indirect.value,
                    _t("figure.jobs.indirect", lang, value=values["projected_indirect"]),
                    charts.SKY,
                ),
            ],
        ),
    ]
    alt = _t("figure.jobs.alt", lang, **values)
    chart = charts.stacked_bars(
        rows,
        xlabel=_t("figure.jobs.axis", lang),
        chart_id=_chart_id("jobs", lang),
        alt=alt,
        value_format=_ticks(lang),
    )
    ids = _fact_ids(
        j.horizon, j.current_direct, j.current_total, j.current_indirect, j.projected_direct,
        j.projected_indirect, j.projected_total,
    )  # fmt: skip
    caption_key = "figure.jobs.caption_scenario" if scenario else "figure.jobs.caption"
    # The values the parameters set, then the total they change.
    varied = [
        i
        for i, given in ((j.projected_direct, direct_jobs), (j.projected_indirect, indirect_jobs))
        if given is not None
    ]
    varied += [j.projected_total] if varied else []
    return Figure(
        key="jobs",
        svg=chart.svg,
        alt=alt,
        caption=_t(caption_key, lang, **values),
        source=_source(ds, ids, lang, varied),
        fact_ids=ids,
    )


# -- 3. EU shares ---------------------------------------------------------------------------


def eu_shares(ds: Dataset, lang: str) -> Figure:
    """Belgium's shares of EU biopharma jobs, exports and R&D against its population share.

    Each bar is labelled with the share, the multiple of the population share and the
    European rank.

    Raises:
        ValueError: for an unknown language.
    """
    check_lang(lang)
    e = indicators.eu_shares(ds)
    items, parts, used = [], [], [e.population_share]
    for name in ("jobs", "exports", "rd"):
        share, multiple, rank = e[f"{name}_share"], e[f"{name}_multiple"], e[f"{name}_rank"]
        used += [share, multiple, rank]
        values = {
            "share": share.text(lang),
            "multiple": multiple.text(lang),
            "rank": _ordinal(int(rank.value), lang),
            "name": _t(f"figure.eu_shares.{name}", lang),
        }
        items.append((values["name"], share.value, _t("figure.eu_shares.value", lang, **values)))
        values["name"] = " ".join(values["name"].split())  # one line in the text alternative
        parts.append(_t("figure.eu_shares.alt_item", lang, **values))
    population = e.population_share.text(lang)
    alt = _t("figure.eu_shares.alt", lang, items=_join(parts, lang), population=population)
    chart = charts.ratio_bars(
        items,
        reference=e.population_share.value,
        reference_label=_t("figure.eu_shares.reference", lang, population=population),
        xlabel=_t("figure.eu_shares.axis", lang),
        chart_id=_chart_id("eu_shares", lang),
        alt=alt,
        value_format=_ticks(lang),
    )
    ids = _fact_ids(*used)
    return Figure(
        key="eu_shares",
        svg=chart.svg,
        alt=alt,
        caption=_t("figure.eu_shares.caption", lang, population=population),
        source=source_line(ds, ids, lang),
        fact_ids=ids,
    )


# -- 4. market ------------------------------------------------------------------------------


def _path(base: float, rate: float, base_year: int, years: range) -> list[float]:
    """Sizes at ``rate`` (a fraction) a year through ``base`` in ``base_year``."""
    return [
        project(base, rate, y - base_year)
        if y > base_year
        else implied_start(base, rate, base_year - y)
        if y < base_year
        else base
        for y in years
    ]


def market(ds: Dataset, lang: str, tolerance: float | None = None) -> Figure:
    """The ATMP market's stated sizes and the growth paths they and the stated rate imply.

    On a linear scale (so that the gap between the paths shows as it is), from the first
    year of the stated rate to the last stated size: the two stated sizes with whiskers
    spanning what their precision ("about") allows; the path of the stated rate, from the
    start size it implies to the base size, then continued to the last year; the path the
    two stated sizes imply; the gap between the continued and the implied paths shaded.
    Every value is written as the claims audit writes it.

    Args:
        ds: the dataset.
        lang: ``fr`` or ``en``.
        tolerance: allowed gap between the stated and implied rates, percentage points
            (0-100); default ``cagr_tolerance`` of ``assumptions.csv``. Decides whether the
            caption calls the gap within or beyond the tolerance.

    Raises:
        ValueError: for an unknown language or a tolerance outside 0-100.
        LookupError: when no market size is stated after the base year.
    """
    check_lang(lang)
    m = indicators.market_check(ds, tolerance)
    if m.end_size is None or m.implied_rate is None or m.rate_gap is None or m.sensitivity is None:
        raise indicators.FactNotFound("no ATMP market size is stated after the base year")
    start, base, end = m.start_year, m.base_year, m.end_size.period[1]  # type: ignore[index]
    values = {
        "start_year": str(start),
        "base_year": str(base),
        "end_year": str(end),
        "rate": m.stated_rate.text(lang),
        "implied": m.implied_rate.text(lang),
        "base": m.base_size.text(lang),
        "end": m.end_size.text(lang),
        "implied_start": m.implied_start_size.text(lang),
        "projected": m.projected_end_size.text(lang),
        "gap": m.rate_gap.text(lang),
        "tolerance": formatting.fmt_pp(m.tolerance, lang),
    }
    sens = m.sensitivity

    def size(value: float) -> str:  # as the claims audit writes the ranges
        return formatting.fmt_value(value, "EUR_billion", lang)

    rate, implied_rate = m.stated_rate.value / 100, m.implied_rate.value / 100
    paths = [
        (
            list(range(start, base + 1)),
            _path(m.base_size.value, rate, base, range(start, base + 1)),
            _t("figure.market.key.stated_rate", lang, **values),
            charts.VERMILLION,
            "-",
        ),
        (
            list(range(base, end + 1)),
            _path(m.base_size.value, rate, base, range(base, end + 1)),
            _t("figure.market.key.continued", lang, **values),
            charts.VERMILLION,
            (0, (1.5, 1.5)),
        ),
        (
            list(range(base, end + 1)),
            _path(m.base_size.value, implied_rate, base, range(base, end + 1)),
            _t("figure.market.key.implied", lang, **values),
            charts.BLUE,
            "-",
        ),
    ]
    stated = [
        (
            year,
            ind.value,
            bounds,
            _t(
                "figure.market.point",
                lang,
                value=ind.text(lang),
                low=size(bounds[0]),
                high=size(bounds[1]),
            ),
        )  # fmt: skip
        for year, ind, bounds in (
            (base, m.base_size, sens.base_range),
            (end, m.end_size, sens.end_range),
        )
    ]
    alt = _t("figure.market.alt", lang, **values)
    chart = charts.trajectory(
        paths,
        stated=stated,
        stated_key=_t("figure.market.key.stated", lang),
        implied=[(start, m.implied_start_size.value, values["implied_start"])],
        implied_key=_t("figure.market.key.implied_start", lang),
        ends=[(end, m.projected_end_size.value, values["projected"], charts.VERMILLION)],
        gap=(1, 2, _t("figure.market.key.gap", lang, **values)),
        ylabel=_t("figure.market.axis", lang),
        chart_id=_chart_id("market", lang),
        alt=alt,
        years=(start, end),
        value_format=_ticks(lang),
    )
    verdict = "within" if m.continuation_verdict == "consistent" else "beyond"
    values["verdict"] = _t(f"figure.market.{verdict}", lang, **values)
    ids = _fact_ids(
        m.stated_rate, m.base_size, m.end_size, m.implied_rate, m.implied_start_size,
        m.projected_end_size, m.rate_gap,
    )  # fmt: skip
    return Figure(
        key="market",
        svg=chart.svg,
        alt=alt,
        caption=_t("figure.market.caption", lang, **values),
        source=source_line(ds, ids, lang),
        fact_ids=ids,
    )


# -- 5. timeline ----------------------------------------------------------------------------


def restated_clause(tl: indicators.Timeline, lang: str, key: str) -> str:
    """Say which later mentions of earlier events a count leaves out; ``""`` when none.

    Args:
        tl: the timeline counted.
        lang: ``fr`` or ``en``.
        key: the clause's message, which receives ``later`` (how many restatements),
            ``years`` (their years), ``restated`` (how many earlier events they mention) and
            ``restated_years`` (the years of those).

    Returns:
        The clause after a space (``" (a 2022 mention of 2 events of 2021 is not drawn
        again)"``), ready to follow the count it qualifies.
    """
    later = tl.restatements
    if not later:
        return ""
    by_id = {e.event_id: e for e in tl.events}
    restated = [by_id[i] for i in dict.fromkeys(i for e in later for i in e.restates)]
    years = [e.date.year for e in later]
    restated_years = [e.date.year for e in restated]
    clause = _t(
        key,
        lang,
        later=formatting.fmt_number(len(later), lang),
        years=formatting.fmt_period(min(years), max(years), lang),
        restated=formatting.fmt_number(len(restated), lang),
        restated_years=formatting.fmt_period(min(restated_years), max(restated_years), lang),
    )
    return " " + clause


def timeline(ds: Dataset, lang: str) -> Figure:
    """Every new dated event of ``events.csv`` listed under its year, in the timeline table's order.

    Each event is coloured by its group of kinds and labelled with its date (at the
    precision it is known), a short label (``figure.timeline.event.<id>``, else the data's
    description) and its kind; an event dated only by the document that reports it gets a
    hollow dot. The key names each colour and the hollow dot. A later mention of events
    already drawn (``restates`` in the data) is neither drawn nor counted, and the caption
    says so (:func:`restated_clause`).

    Raises:
        ValueError: for an unknown language.
    """
    check_lang(lang)
    tl = indicators.timeline(ds)
    chosen = list(tl.new_events)
    if not chosen:
        raise indicators.FactNotFound("no dated event is in the data")
    rows, items, groups = [], [], []
    for e in chosen:
        key = f"figure.timeline.event.{e.event_id}"
        label = _t(key, lang) if has(key) else (e.label_fr if lang == "fr" else e.label_en)
        kind = _t(f"event_kind.{e.kind}", lang)
        when = formatting.fmt_date(e.date, lang, e.precision)
        reported = e.date_basis == "source_date"
        group = EVENT_GROUPS.get(e.kind, "other")
        if group not in groups:
            groups.append(group)
        rows.append((e.date, when, label, kind, GROUP_COLOURS[group], reported))
        kind = kind[:1].lower() + kind[1:]
        items.append(
            _t("figure.timeline.alt_item", lang, when=e.when(lang), kind=kind, label=label)
        )
    first, last = chosen[0].date.year, chosen[-1].date.year
    values = {
        "shown": formatting.fmt_number(len(chosen), lang),
        "total": formatting.fmt_number(len(tl.new_events), lang),
        "first": str(first),
        "last": str(last),
        "restated": restated_clause(tl, lang, "figure.timeline.restated"),
    }
    alt = _t("figure.timeline.alt", lang, items=_join(items, lang), **values)
    order = [g for g in GROUP_COLOURS if g in groups]
    chart = charts.timeline(
        rows,
        chart_id=_chart_id("timeline", lang),
        alt=alt,
        groups=[(_t(f"figure.timeline.group.{g}", lang), GROUP_COLOURS[g]) for g in order],
        reported_label=_t("figure.timeline.reported", lang) if any(r[5] for r in rows) else None,
    )
    event_ids = tuple(e.event_id for e in chosen)
    return Figure(
        key="timeline",
        svg=chart.svg,
        alt=alt,
        caption=_t("figure.timeline.caption", lang, **values),
        source=source_line(ds, (), lang, event_ids=event_ids),
        fact_ids=(),
        event_ids=event_ids,
    )


# -- 6. clusters ----------------------------------------------------------------------------


def clusters(ds: Dataset, lang: str) -> Figure:
    """BioWin and MEDVIA side by side: members and member companies, then the small counts.

    A count a cluster does not state is drawn as "n.c." / "not stated"; the caption notes
    that the clusters count member companies differently.

    Raises:
        ValueError: for an unknown language.
    """
    check_lang(lang)
    c = indicators.clusters(ds)
    metrics = ds.metrics.set_index(ds.metrics["metric_id"].astype(str))
    subjects = ds.subjects.set_index(ds.subjects["subject_id"].astype(str))
    label = {m: str(metrics.loc[m, f"label_{lang}"]) for panel in CLUSTER_PANELS for m in panel}
    wrapped = {m: textwrap.fill(text, 14) for m, text in label.items()}
    colours = {"biowin": charts.BLUE, "medvia": charts.ORANGE}
    series, parts, used = [], [], []
    for cluster in CLUSTERS:
        name = str(subjects.loc[cluster, f"label_{lang}"])
        counts: dict[str, float | None] = {}
        described = []
        for panel in CLUSTER_PANELS:
            for metric in panel:
                ind = getattr(c, f"{cluster}_{metric}")
                counts[wrapped[metric]] = None if ind is None else ind.value
                lower = label[metric][:1].lower() + label[metric][1:]
                if ind is None:
                    described.append(_t("figure.clusters.alt_missing", lang, metric=lower))
                else:
                    used.append(ind)
                    described.append(
                        _t("figure.clusters.alt_value", lang, metric=lower, value=ind.text(lang))
                    )
        series.append((name, counts, _ticks(lang), colours[cluster]))
        parts.append(
            _t("figure.clusters.alt_cluster", lang, cluster=name, counts=", ".join(described))
        )
    alt = _t("figure.clusters.alt", lang, items=_join(parts, lang))
    chart = charts.grouped_bars(
        [[wrapped[m] for m in panel] for panel in CLUSTER_PANELS],
        series,
        ylabel=_t("figure.clusters.axis", lang),
        missing_label=_t("figure.clusters.missing", lang),
        chart_id=_chart_id("clusters", lang),
        alt=alt,
        value_format=_ticks(lang),
    )
    ids = _fact_ids(*used)
    return Figure(
        key="clusters",
        svg=chart.svg,
        alt=alt,
        caption=_t("figure.clusters.caption", lang),
        source=source_line(ds, ids, lang),
        fact_ids=ids,
    )
