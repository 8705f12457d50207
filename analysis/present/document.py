"""The report being written: what it has shown, and the blocks that show it.

A report notebook creates one :class:`Document` and asks it for each block of the page::

    from analysis import load_data
    from analysis.compute import indicators
    from analysis.present import appendices, figures
    from analysis.present.document import Document

    ds = load_data()
    doc = Document(ds, "sector_overview", lang, cagr_tolerance=cagr_tolerance)
    eu = indicators.eu_shares(ds)
    doc.title_block() + doc.summary([doc.tile(eu.rd_share, "eu_rd")], [doc.say(...)])
    doc.section("europe") + doc.figure(figures.eu_shares(ds, lang)) + doc.matrix(...)
    appendices.methodology(doc) + appendices.data_appendix(doc) + appendices.glossary(doc)

Every method returns an immutable block of :mod:`analysis.present.blocks` (``+`` joins them
into one output). Every text comes from the message catalogue and every number from
:mod:`analysis.present.formatting`, so a block is written in the document's language only.
The document remembers every indicator, figure, fact and event it showed: the methodology
appendix defines those indicators, the data appendix lists those facts, and the PDF
attachments hold them as CSV. Blocks built from facts carry their ids, so a reader (or a
test) can check that the data appendix lists them all.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
import math
import numbers
import os
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

import pandas as pd

from analysis import imprint
from analysis.compute import indicators
from analysis.compute.indicators import STATED, Indicator, assumption
from analysis.data.load import Dataset
from analysis.parameters import PARAMETERS, parse_date
from analysis.present import formatting
from analysis.present.blocks import (
    Colophon,
    Column,
    Figure,
    Heading,
    KeyFigures,
    Paragraph,
    Run,
    Table,
    Tile,
    TitleBlock,
)
from analysis.present.figures import source_line
from analysis.present.messages import catalogue, check_lang, has, placeholders, t

__all__ = [
    "STATED_BY_PARAMETER",
    "Document",
]


#: The stated indicator each scenario parameter replaces (its key).
STATED_BY_PARAMETER = {
    "public_share": "funding.public_share",
    "direct_jobs": "jobs.projected_direct",
    "indirect_jobs": "jobs.projected_indirect",
}


def _facts_of(item: Any) -> tuple[str, ...]:
    """The fact ids an indicator, family, figure or list of them rests on."""
    if item is None:
        return ()
    if isinstance(item, str):
        return (item,)
    ids = getattr(item, "fact_ids", None)
    if ids is not None:
        return tuple(ids)
    if isinstance(item, Iterable):
        return tuple(i for sub in item for i in _facts_of(sub))
    return ()


def _indicators_of(item: Any) -> list[Indicator]:
    if isinstance(item, Indicator):
        return [item]
    found = getattr(item, "indicators", None)
    if found is not None:
        return list(found)
    if isinstance(item, Iterable) and not isinstance(item, str):
        return [i for sub in item for i in _indicators_of(sub)]
    return []


class Document:
    """One report in one language: its blocks, and everything they showed.

    Args:
        ds: the dataset (:func:`analysis.load_data`).
        name: the report's name (``sector_overview``, ``atmp_partnership``,
            ``claims_audit``); its title and subtitle are ``report.<name>.title`` and
            ``report.<name>.subtitle`` in the catalogue.
        lang: ``fr`` or ``en``.
        **parameters: the notebook's scenario parameters (None: the stated value or the
            value of ``assumptions.csv``); the methodology appendix explains each one.

    Raises:
        ValueError: for an unknown language, report or parameter.
    """

    def __init__(self, ds: Dataset, name: str, lang: str, **parameters: float | None):
        check_lang(lang)
        if not has(f"report.{name}.title"):
            raise ValueError(f"name must be a report with a title in the catalogue, got {name!r}")
        unknown = set(parameters) - (set(PARAMETERS) - {"lang"})
        if unknown:
            raise ValueError(f"unknown parameters: {', '.join(sorted(unknown))}")
        self.ds = ds
        self.name = name
        self.lang = lang
        self.parameters: dict[str, object] = dict(parameters)
        self._facts: dict[str, None] = {}
        self._events: dict[str, None] = {}
        self._indicators: dict[tuple[str, str], Indicator] = {}
        self._claims: pd.DataFrame | None = None
        #: Whether the verdicts' legend was shown (the methodology then refers to it).
        self.verdicts_defined = False
        self._assumptions: dict[str, None] = {}
        self._figures = 0
        self._tables = 0
        self._sources = {str(r["source_id"]): r for _, r in ds.sources.iterrows()}
        self._facts_by_id = {str(r["fact_id"]): r for _, r in ds.facts.iterrows()}
        self._covered: tuple[str, ...] | None = None  # every source, unless covers() says
        self._stated_cache: dict[str, Indicator] | None = None

    # -- what the document showed ---------------------------------------------------------

    @property
    def fact_ids(self) -> tuple[str, ...]:
        """Every fact shown so far, sorted."""
        return tuple(sorted(self._facts))

    @property
    def event_ids(self) -> tuple[str, ...]:
        """Every event shown so far, in the order shown."""
        return tuple(self._events)

    @property
    def indicators(self) -> tuple[Indicator, ...]:
        """Every indicator shown so far, in the order shown."""
        return tuple(self._indicators.values())

    def use(self, *items: Any) -> tuple[str, ...]:
        """Record indicators, families, figures or fact ids as shown; return their fact ids."""
        ids: list[str] = []
        for item in items:
            for ind in _indicators_of(item):
                self._indicators.setdefault((ind.key, ind.text(self.lang)), ind)
            ids.extend(_facts_of(item))
        unknown = [i for i in ids if i not in self._facts_by_id]
        if unknown:
            raise ValueError(f"unknown fact ids: {', '.join(sorted(set(unknown)))}")
        for i in ids:
            self._facts.setdefault(i, None)
        return tuple(dict.fromkeys(ids))

    def use_assumption(self, assumption_id: str) -> None:
        """Record that the report relied on an assumption of ``assumptions.csv``."""
        assumption(self.ds, assumption_id)  # raises for an unknown id
        self._assumptions.setdefault(assumption_id, None)

    # -- text -----------------------------------------------------------------------------

    def t(self, key: str, **values: object) -> str:
        """Return catalogue message ``key`` in the document's language, values formatted.

        Indicators are written with their bound (and recorded as shown, when the message
        uses them), integers and floats with the language's separators, dates in full;
        strings are used as given.
        """
        used = placeholders(_template(key, self.lang))
        text = t(key, self.lang, **{k: self._value(v) for k, v in values.items() if k in used})
        return formatting.elide(text, self.lang)

    def say(self, key: str, **values: object) -> str:
        """Alias of :meth:`t` for the sentences of the summary and the interpretations."""
        return self.t(key, **values)

    def _value(self, value: object) -> str:
        if isinstance(value, Indicator):  # in a sentence: money and ranks in words
            self.use(value)
            return value.text(self.lang, prose=True)
        if isinstance(value, bool):
            return str(value)
        if isinstance(value, numbers.Integral):
            return formatting.fmt_number(int(value), self.lang)
        if isinstance(value, numbers.Real):
            return formatting.fmt_number(float(value), self.lang)
        if isinstance(value, dt.date):
            return formatting.fmt_date(value, self.lang)
        return str(value)

    def para(self, *keys: str, **values: object) -> Paragraph:
        """One paragraph made of the messages ``keys`` (values shared)."""
        return Paragraph((Run(" ".join(self.t(key, **values) for key in keys)),))

    def paras(self, *sentences: str) -> Paragraph:
        """One paragraph of sentences already written (e.g. by :meth:`say`)."""
        return Paragraph((Run(" ".join(sentences)),))

    def note(self, key: str, **values: object) -> Paragraph:
        """A short note in small print (a caveat, a pointer to another report)."""
        return Paragraph((Run(self.t(key, **values)),), style="note")

    def covers(self, *families: Any) -> None:
        """Name the sources this report rests on: those of the facts of ``families``.

        The title block, the colophon and :meth:`coverage` then count and date these sources
        only (a report on one press release does not claim every text of the data).
        """
        facts = {i for family in families for i in family.fact_ids}
        self._covered = tuple(sorted({str(self._facts_by_id[i]["source_id"]) for i in facts}))

    def covered_sources(self) -> pd.DataFrame:
        """The sources the report covers (every source unless :meth:`covers` named some)."""
        sources = self.ds.sources
        if self._covered is None:
            return sources
        return sources[sources["source_id"].astype(str).isin(self._covered)]

    def _span_ends(self) -> tuple[str, str]:
        """The first and last months of the covered sources, or their one year.

        The year stands alone when every source falls in it and one is dated to the year
        only: a month would claim more than the data holds.
        """
        sources = self.covered_sources()
        dates = sorted(sources["pub_date"])
        one_year = dates[0].year == dates[-1].year
        precision = "year" if one_year and (sources["date_precision"] == "year").any() else "month"
        return (
            formatting.fmt_date(dates[0], self.lang, precision),
            formatting.fmt_date(dates[-1], self.lang, precision),
        )

    def coverage(self) -> dict[str, str]:
        """How many texts the data covers and from when to when (month precision).

        Returns ``{"n": ..., "start": ..., "end": ..., "span": ...}``, ready for a message's
        values; ``span`` reads "between February 2021 and May 2024", or "in 2024" when the
        two ends are the same.
        """
        start, end = self._span_ends()
        span = ("report.span.in", {"month": start}) if start == end else ("report.span.between", {})
        return {
            "n": formatting.fmt_number(len(self.covered_sources()), self.lang),
            "start": start,
            "end": end,
            "span": t(span[0], self.lang, start=start, end=end, **span[1]),
        }

    def period(self, ind: Indicator) -> str:
        """An indicator's period as the text states it ("within five years of January 2024")."""
        return ind.period_text(self.lang)

    def year(self, ind: Indicator) -> str:
        """The last year of an indicator's period (``2023``), or an empty string."""
        return str(ind.period[1]) if ind.period else ""

    def when(self, event: Any, article: bool = False) -> str:
        """The date of an event of :func:`analysis.indicators.timeline`, as precise as known.

        With ``article``, as a sentence needs it after "entre" / "between" ("le 14 mai
        2024"). The event is recorded as shown (the data appendix lists it).
        """
        self._events.setdefault(str(event.event_id), None)
        return formatting.fmt_date(event.date, self.lang, event.precision, article)

    def market_values(self, m: Any) -> dict[str, object]:
        """The values the market sentences take, from a :class:`~analysis.indicators.MarketCheck`.

        Indicators are written with their bound when a message uses them; years stay
        plain (``2025``, not ``2 025``).
        """
        values: dict[str, object] = {
            "rate": m.stated_rate,
            "base": m.base_size,
            "implied_start": m.implied_start_size,
            "projected": m.projected_end_size,
            "start_year": str(m.start_year),
            "base_year": str(m.base_year),
            "period": formatting.fmt_period(m.start_year, m.base_year, self.lang),
            "tolerance": formatting.fmt_pp(m.tolerance, self.lang),
        }
        if m.end_size is not None:
            values |= {
                "end": m.end_size,
                "end_year": self.year(m.end_size),
                "implied": m.implied_rate,
                "gap": m.rate_gap,
            }
        return values

    def metric_list(self, metrics: Iterable[str]) -> str:
        """Labels of metrics, each once, in the document's language, as one list."""
        return self.join(formatting.in_sentence(self.metric_label(str(m))) for m in metrics)

    def join(self, items: Iterable[str]) -> str:
        """Texts as one list in the document's language, each once."""
        return t("report.list_separator", self.lang).join(dict.fromkeys(map(str, items)))

    def fact_subject(self, fact_id: str) -> str:
        """The label of the subject a fact is about."""
        return self.subject_label(str(self._facts_by_id[fact_id]["subject"]))

    def fact_subject_as_written(self, fact_id: str) -> str:
        """The subject a fact is about in its own document's language, to be quoted as written.

        ``market for occupational diseases and injuries`` for a fact of the English page,
        in a French report too: a quotation keeps the words of the text it quotes.
        """
        row = self._facts_by_id[fact_id]
        written = str(self._sources[str(row["source_id"])]["language"])
        subjects = self.ds.subjects
        match = subjects[subjects["subject_id"].astype(str) == str(row["subject"])]
        label = str(match.iloc[0][f"label_{written}"]) if len(match) else str(row["subject"])
        return formatting.in_sentence(label)

    def figures_compared(self, fact_ids: Sequence[str]) -> str:
        """Facts that state one quantity differently, in plain words for a summary.

        ``BioWin’s member count (260 in the text of the press release of 14 May 2024, 250 in
        its closing presentation paragraph)``: the quantity (``summary.quantity.<metric>``,
        else the subject and the metric's label), then each figure with where it is written
        (``summary.where.<section>``; ``summary.where.same.<section>`` when it is in the
        same document as the figure before).
        """
        rows = [self._facts_by_id[f] for f in fact_ids]
        metric, subject = str(rows[0]["metric"]), str(rows[0]["subject"])
        key = f"summary.quantity.{metric}"
        quantity = (
            self.t(key, subject=self.subject_label(subject))
            if has(key)
            else self.t(
                "summary.quantity.other",
                subject=self.subject_label(subject),
                metric=formatting.in_sentence(self.metric_label(metric)),
            )
        )
        places = []
        previous = None
        for row in rows:
            sid, section = str(row["source_id"]), str(row["section"])
            value = formatting.fmt_fact(
                float(row["value"]), str(row["unit"]), str(row["qualifier"]), self.lang
            )
            same = f"summary.where.same.{section}"
            if sid == previous and has(same):
                places.append(self.t(same, value=value))
            else:
                document = formatting.fmt_source(self._sources[sid], self.lang, of=True)
                where = f"summary.where.{section}"
                places.append(
                    self.t(where, value=value, document=document)
                    if has(where)
                    else self.t(
                        "summary.where.other",
                        value=value,
                        document=self.document_name(sid),
                        section=self.t(f"section.{section}"),
                    )
                )
            previous = sid
        return self.t(
            "summary.figures_compared",
            quantity=quantity,
            places=self.t("summary.where.separator").join(places),
        )

    # -- numbers --------------------------------------------------------------------------

    def number(self, ind: Indicator) -> str:
        """An indicator's value with its bound but without its unit (for unit headers)."""
        self.use(ind)
        return ind.number_text(self.lang)

    def tile_parts(self, ind: Indicator) -> tuple[str, str, str]:
        """A tile's value: the bound wording before and after the figure, and the figure."""
        self.use(ind)
        return ind.parts(self.lang)

    # -- sources --------------------------------------------------------------------------

    def source_line(self, fact_ids: Iterable[str], event_ids: Iterable[str] = ()) -> str:
        """The source line of a block: the documents its facts and events come from."""
        facts = tuple(dict.fromkeys(fact_ids))
        events = tuple(dict.fromkeys(event_ids))
        if not facts and not events:
            return ""
        return source_line(self.ds, facts, self.lang, events)

    def _originals(self, fact_ids: Sequence[str]) -> tuple[str, ...]:
        """The facts from documents that are not a translation of another document cited."""
        sources = {str(self._facts_by_id[i]["source_id"]) for i in fact_ids}
        kept = []
        for fid in fact_ids:
            original = self._sources[str(self._facts_by_id[fid]["source_id"])]["translation_of"]
            if original is None or pd.isna(original) or str(original) not in sources:
                kept.append(fid)
        return tuple(kept)

    # -- blocks ---------------------------------------------------------------------------

    def edition_date(self) -> dt.date:
        """The date the report is issued at: ``SOURCE_DATE_EPOCH`` if set, else the data's.

        The build sets ``SOURCE_DATE_EPOCH`` to the latest source date, so both agree; the
        clock is never read.
        """
        epoch = os.environ.get("SOURCE_DATE_EPOCH", "").strip()
        if epoch.isdigit():
            return dt.datetime.fromtimestamp(int(epoch), dt.UTC).date()
        return self.data_date()

    def data_date(self) -> dt.date:
        """The latest publication date of the sources."""
        return max(self.ds.sources["pub_date"])

    def data_version(self) -> str:
        """The version of the data package (``datapackage.json``)."""
        descriptor = json.loads((self.ds.data_dir / "datapackage.json").read_text("utf-8"))
        return str(descriptor.get("version", ""))

    def sources_period(self) -> str:
        """The months of the first and last sources: ``February 2021 – May 2024``."""
        start, end = self._span_ends()
        if start == end:  # one month or year: named once
            return start
        return t("report.meta.sources_value", self.lang, start=start, end=end)

    def publisher(self) -> str:
        """The reports' publisher (``[tool.biotech-report]`` of ``pyproject.toml``)."""
        return imprint.publisher(self.lang)

    def title(self) -> str:
        """The report's title; a scenario edition's says it is a scenario."""
        title = t(f"report.{self.name}.title", self.lang)
        if self.scenario():
            return t("report.scenario.title", self.lang, title=title)
        return title

    def title_block(self) -> TitleBlock:
        """Title, subtitle, publisher, edition date and the months the sources cover.

        An edition as of a date says so; a scenario edition carries its mark (the PDF
        repeats it on every page). The rest of the particulars are in :meth:`colophon`.
        """
        lang = self.lang
        rows = [
            (t("report.meta.publisher", lang), self.publisher()),
            (t("report.meta.edition", lang), formatting.fmt_date(self.edition_date(), lang)),
            (t("report.meta.sources", lang), self.sources_period()),
        ]
        as_of = self.as_of()
        if as_of is not None:
            rows.append((t("report.param.as_of.label", lang), formatting.fmt_date(as_of, lang)))
        kicker = f"report.{self.name}.kicker"
        return TitleBlock(
            kicker=t(kicker if has(kicker) else "report.kicker", lang),
            title=self.title(),
            subtitle=t(f"report.{self.name}.subtitle", lang),
            meta=tuple(rows),
            scenario=self.scenario_mark(),
        )

    def colophon(self) -> Colophon:
        """The edition's particulars, at the end of the report: publisher, data, language."""
        lang = self.lang
        n = len(self.covered_sources())
        rows = [(t("report.meta.publisher", lang), self.publisher())]
        contact = imprint.contact(lang)
        if contact:
            rows.append((t("report.meta.contact", lang), contact))
        rows += [
            (t("report.meta.edition", lang), formatting.fmt_date(self.edition_date(), lang)),
            (
                t("report.meta.sources", lang),
                t(
                    "report.meta.sources_count",
                    lang,
                    period=self.sources_period(),
                    n=formatting.fmt_number(n, lang),
                ),
            ),
            (t("report.meta.data_date", lang), formatting.fmt_date(self.data_date(), lang)),
            (t("report.meta.data_version", lang), self.data_version()),
            (t("report.meta.language", lang), t("report.meta.language_value", lang)),
        ]
        scenario = self.scenario()
        if scenario:
            rows.append((t("report.meta.scenario", lang), scenario))
        return Colophon(heading=t("report.colophon", lang), items=tuple(rows))

    def as_of(self) -> dt.date | None:
        """The date of an edition "as of" a date (``as_of`` parameter), or None."""
        value = self.parameters.get("as_of")
        return None if value is None else parse_date(value)

    def scenario(self) -> str:
        """The scenario parameters given, in words (empty when every figure is as stated)."""
        given = self._scenario_parameters()
        if not given:
            return ""
        parts = [
            t(
                "report.meta.scenario_item",
                self.lang,
                name=t(f"report.param.{k}.label", self.lang),
                value=self.param_value(k, v),
            )
            for k, v in given.items()
        ]
        return t("report.list_separator", self.lang).join(parts)

    def _scenario_parameters(self) -> dict[str, object]:
        # An edition as of a date states the sources' figures: it is no scenario.
        return {k: v for k, v in self.parameters.items() if v is not None and k != "as_of"}

    def scenario_mark(self) -> str:
        """A scenario edition's mark: each value that differs and the one it replaces.

        ``Scenario: public share of funding 50 % (stated: about 60 %)``; empty for an
        edition of the stated figures. The PDF repeats it on every page.
        """
        given = self._scenario_parameters()
        if not given:
            return ""
        parts = []
        for name, value in given.items():
            label = formatting.in_sentence(t(f"report.param.{name}.label", self.lang))
            stated = self.stated_indicator(name)
            if stated is not None:
                parts.append(
                    t(
                        "report.scenario.item_stated",
                        self.lang,
                        name=label,
                        value=self.param_value(name, value),
                        stated=stated.text(self.lang),
                    )
                )
            else:  # an assumption of assumptions.csv
                parts.append(
                    t(
                        "report.scenario.item_data",
                        self.lang,
                        name=label,
                        value=self.param_value(name, value),
                        data=self.param_value(name, assumption(self.ds, name)),
                    )
                )
        return t(
            "report.scenario.mark",
            self.lang,
            items=t("report.list_separator", self.lang).join(parts),
        )

    def stated_indicator(self, name: str) -> Indicator | None:
        """The stated figure a scenario parameter replaces, or None (an assumption)."""
        if name not in STATED_BY_PARAMETER:
            return None
        return self._stated()[STATED_BY_PARAMETER[name]]

    def _stated(self) -> dict[str, Indicator]:
        """The stated edition's funding and jobs indicators, by key (computed once)."""
        if self._stated_cache is None:
            families = (indicators.funding(self.ds), indicators.jobs(self.ds))
            self._stated_cache = {ind.key: ind for fam in families for ind in fam.indicators}
        return self._stated_cache

    def scenario_counterpart(self, ind: Indicator) -> Indicator | None:
        """The stated figure an indicator of a scenario replaces, or None.

        In a scenario edition, an indicator computed from a scenario value differs from
        the stated edition's indicator of the same key: that one is returned, so that the
        scenario value is never credited to a source. None when ``ind`` is as stated.
        """
        if not any(k in STATED_BY_PARAMETER for k in self._scenario_parameters()):
            return None
        stated = self._stated().get(ind.key)
        if stated is None:
            return None
        if stated.text(self.lang) == ind.text(self.lang) and stated.fact_ids == ind.fact_ids:
            return None
        return stated

    def param_value(self, name: str, value: object) -> str:
        """A parameter's or an assumption's value in words, with its unit."""
        if name in PARAMETERS:
            declared = PARAMETERS[name]
            unit, scale = declared.unit, declared.scale
        else:  # an assumption of assumptions.csv
            table = self.ds.assumptions
            unit = str(table.loc[table["assumption_id"].astype(str) == name, "unit"].iloc[0])
            scale = 1
        if unit == "date":
            return formatting.fmt_date(parse_date(value), self.lang)
        number = float(value) * scale  # type: ignore[arg-type]
        if unit == "percent":
            return formatting.fmt_percent(number, self.lang)
        return formatting.fmt_value(number, unit, self.lang)

    def tile(
        self, ind: Indicator, name: str, note_key: str | None = None, **values: object
    ) -> Tile:
        """A key figure: the indicator's value, ``summary.tile.<name>`` and its ``.note``.

        ``values`` fill the placeholders of both (indicators are written with their bound);
        ``note_key`` names another message for the meaning line.
        """
        ids = self.use(ind)
        before, number, after = self.tile_parts(ind)
        stated = self.scenario_counterpart(ind)
        if stated is None:
            source = self.source_line(self._originals(ids))
        else:  # a scenario value: the source states another figure, which the tile gives
            source = self.t(
                "summary.tile.source_scenario",
                stated=stated.text(self.lang),
                source=self.source_line(self._originals(self.use(*stated.fact_ids))),
            )
        return Tile(
            number=number,
            before=before,
            after=after,
            unit=self.t(f"summary.tile.{name}", **values),
            meaning=self.t(note_key or f"summary.tile.{name}.note", **values),
            source=source,
            fact_ids=ids,
        )

    def count_tile(self, count: int, name: str, **values: object) -> Tile:
        """A key figure that is a count made by the report itself (e.g. audit verdicts)."""
        return Tile(
            number=self._value(int(count)),
            unit=self.t(f"summary.tile.{name}", n=int(count)),
            meaning=self.t(f"summary.tile.{name}.note", **values),
            source=self.t("summary.tile.source_audit"),
            fact_ids=(),
        )

    def summary(self, tiles: Sequence[Tile], sentences: Sequence[str]) -> KeyFigures:
        """The executive summary: 4-6 key figure tiles, then 3-5 sentences.

        Raises:
            ValueError: for fewer than 4 or more than 6 tiles, or fewer than 3 or more
                than 5 sentences.
        """
        if not 4 <= len(tiles) <= 6:
            raise ValueError(f"a summary has 4 to 6 tiles, got {len(tiles)}")
        if not 3 <= len(sentences) <= 5:
            raise ValueError(f"a summary has 3 to 5 sentences, got {len(sentences)}")
        # One source note for the tiles when they share it, rather than the same line in each.
        sources = {tile.source for tile in tiles}
        note = ""
        if len(sources) == 1:
            note = sources.pop()
            tiles = [dataclasses.replace(tile, source="") for tile in tiles]
        return KeyFigures(
            heading=t("section.summary", self.lang),
            tiles=tuple(tiles),
            points=tuple(sentences),
            source_note=note,
        )

    def section(self, key: str, level: int = 1, appendix: bool = False) -> Heading:
        """A section (level 1) or subsection (level 2) heading ``section.<key>``."""
        return Heading(t(f"section.{key}", self.lang), level=level, appendix=appendix)

    def figure(self, fig: Any) -> Figure:
        """A numbered chart: the image, its text alternative, caption and source line.

        ``fig`` is a :class:`analysis.present.figures.Figure` (``key``, ``svg``, ``alt``,
        ``caption``, ``source``, ``fact_ids``).
        """
        ids = self.use(fig)
        for event_id in getattr(fig, "event_ids", ()):
            self._events.setdefault(str(event_id), None)
        self._figures += 1
        svg = fig.svg if isinstance(fig.svg, str) else "".join(fig.svg)
        return Figure(
            number=t("report.figure_number", self.lang, n=self._figures),
            caption=fig.caption,
            source=fig.source,
            alt=fig.alt,
            svg=svg,
            key=fig.key,
            anchor=f"figure-{self._figures}",
            fact_ids=ids,
            zoom=(t("report.figure_full_size", self.lang), t("report.figure_fit_width", self.lang)),
        )

    # -- tables ---------------------------------------------------------------------------

    def block_table(
        self,
        caption: str,
        headers: Sequence[tuple[str, bool]],
        rows: Sequence[Sequence[object]],
        fact_ids: Sequence[str] = (),
        style: str = "",
        source: str | None = None,
        row_headers: bool = True,
        widths: Sequence[int] | None = None,
        total: bool = False,
    ) -> Table:
        """A numbered table with a caption and a source line.

        Cells are text or inline pieces (:class:`~analysis.present.blocks.Run`, badges,
        breaks); ``headers`` are ``(label, numeric)``; the first column holds row headers
        unless ``row_headers`` is false; ``widths`` are relative column widths.
        """
        ids = self.use(*fact_ids) if fact_ids else ()
        self._tables += 1
        widths = list(widths) if widths else [None] * len(headers)
        columns = tuple(
            Column(label, numeric, width)
            for (label, numeric), width in zip(headers, widths, strict=True)
        )
        return Table(
            number=t("report.table_number", self.lang, n=self._tables),
            caption=caption,
            columns=columns,
            rows=tuple(tuple(row) for row in rows),
            source=self.source_line(ids) if source is None else source,
            style=style,
            row_headers=row_headers,
            total=total,
            fact_ids=ids,
        )

    def table(
        self,
        frame: pd.DataFrame,
        caption: str,
        *,
        units: Mapping[str, str] | None = None,
        digits: Mapping[str, int] | None = None,
        fact_ids: Sequence[str] = (),
        source: str | None = None,
        row_headers: bool = True,
        style: str = "",
    ) -> Table:
        """Any frame as a report table, its column names (in the document's language) as headers.

        Numeric columns are written with the language's separators and right-aligned;
        ``units`` maps a column to a unit of :data:`analysis.formatting.UNITS` shown in its
        header ("Budget (M€)"); ``digits`` fixes a column's decimals; missing values are a
        dash. ``fact_ids`` are the facts the table rests on (recorded, and cited in the
        source line unless ``source`` is given).
        """
        units = dict(units or {})
        digits = dict(digits or {})
        headers = []
        columns = list(frame.columns)
        kinds = {c: pd.api.types.is_numeric_dtype(frame[c]) for c in columns}
        for c in columns:
            label = str(c)
            if c in units:
                label = t("report.with_unit", self.lang, label=label, unit=self.unit(units[c]))
            headers.append((label, kinds[c]))
        rows = []
        for _, r in frame.iterrows():
            row = []
            for c in columns:
                v = r[c]
                if v is None or (isinstance(v, float) and math.isnan(v)):
                    row.append(t("report.missing", self.lang))
                elif kinds[c]:
                    row.append(formatting.fmt_number(float(v), self.lang, digits.get(c)))
                else:
                    row.append(v if isinstance(v, Run) else str(v))
            rows.append(row)
        return self.block_table(
            caption, headers, rows, fact_ids, style, source, row_headers=row_headers
        )

    def unit(self, unit: str) -> str:
        """The short unit shown in a column header: ``M€``, ``%``, ``emplois``..."""
        return t(f"report.unit.{unit}", self.lang)

    def indicator_table(self, items: Any, caption_key: str, **values: object) -> Table:
        """Indicators as rows: label, value with its bound and unit, period, nature.

        ``items`` are indicators or families; ``caption_key`` is a catalogue key.
        """
        inds = _indicators_of(items)
        self.use(inds)
        lang = self.lang
        periods = [i.period_text(lang) for i in inds]
        with_period = any(periods)
        rows = []
        for ind, period in zip(inds, periods, strict=True):
            row = [ind.label_text(lang), ind.text(lang)]
            if with_period:
                row.append(period or t("report.missing", lang))
            nature = "scenario" if self.scenario_counterpart(ind) else _nature(ind)
            row.append(t(f"report.nature.{nature}", lang))
            rows.append(row)
        headers = [(t("report.col.indicator", lang), False), (t("report.col.value", lang), True)]
        if with_period:
            headers.append((t("report.col.period", lang), False))
        headers.append((t("report.col.nature", lang), False))
        widths = (50, 22, 13, 15) if with_period else (58, 24, 18)
        ids = [i for ind in inds for i in ind.fact_ids]
        return self.block_table(
            self.t(caption_key, **values),
            headers,
            rows,
            ids,
            "compact",
            source=self.scenario_source(inds, ids),
            widths=widths,
        )

    def scenario_source(self, inds: Sequence[Indicator], fact_ids: Sequence[str]) -> str | None:
        """The source line of a table that holds scenario values, else None (the usual one).

        It names the scenario values before the sources of the other figures, so that no
        scenario value reads as a source's.
        """
        shown = [ind for ind in inds if self.scenario_counterpart(ind) is not None]
        if not shown:
            return None
        labels = dict.fromkeys(formatting.in_sentence(ind.label_text(self.lang)) for ind in shown)
        return self.t(
            "report.source_scenario",
            labels=t("report.list_separator", self.lang).join(labels),
            source=self.source_line(self.use(*fact_ids)),
        )

    def matrix(
        self,
        caption_key: str,
        columns: Sequence[str],
        rows: Sequence[tuple[str, Sequence[Indicator | str | None]]],
        *,
        units: Sequence[str | None] | None = None,
        row_header_key: str = "report.col.indicator",
        **values: object,
    ) -> Table:
        """A grid of indicators: one row per label, one column per ``columns`` key.

        Args:
            caption_key: catalogue key of the caption (``values`` fill it).
            columns: catalogue keys of the column headers.
            rows: ``(label, cells)``, label already in the document's language; a cell is
                an indicator, a text, or None (not stated).
            units: per column, a unit shown in the header (cells then omit it), or None
                (cells carry their own unit).
            row_header_key: catalogue key of the first column's header.
            **values: values of the caption's placeholders.
        """
        units = list(units) if units is not None else [None] * len(columns)
        headers = [(t(row_header_key, self.lang), False)]
        for key, unit in zip(columns, units, strict=True):
            label = t(key, self.lang)
            if unit:
                label = t("report.with_unit", self.lang, label=label, unit=self.unit(unit))
            headers.append((label, True))
        body = []
        ids: list[str] = []
        shown: list[Indicator] = []
        for label, cells in rows:
            row: list[object] = [label]
            for cell, unit in zip(cells, units, strict=True):
                if cell is None:
                    row.append(t("report.not_stated", self.lang))
                elif isinstance(cell, Indicator):
                    ids.extend(cell.fact_ids)
                    shown.append(cell)
                    row.append(self.number(cell) if unit else self._text(cell))
                else:
                    row.append(cell)
            body.append(row)
        return self.block_table(
            self.t(caption_key, **values),
            headers,
            body,
            ids,
            "compact",
            source=self.scenario_source(shown, ids),
        )

    def _text(self, ind: Indicator) -> str:
        self.use(ind)
        return ind.text(self.lang)

    def timeline_table(self, timeline: Any, caption_key: str) -> Table:
        """The events of :func:`analysis.indicators.timeline` as a table (date, kind, event)."""
        frame = timeline.to_frame(self.lang)
        for event_id in frame["event_id"]:
            self._events.setdefault(str(event_id), None)
        rows = [
            [r["when"], r["kind_label"], r["label"], self.document_name(str(r["source_id"]))]
            for _, r in frame.iterrows()
        ]
        headers = [
            (t("report.col.date", self.lang), False),
            (t("report.col.kind", self.lang), False),
            (t("report.col.event", self.lang), False),
            (t("report.col.source", self.lang), False),
        ]
        source = self.source_line((), tuple(frame["event_id"]))
        return self.block_table(
            self.t(caption_key), headers, rows, (), "timeline", source, widths=(16, 18, 41, 25)
        )

    def scenario_table(self, caption_key: str, scenarios: Sequence[Any]) -> Table:
        """Funding and jobs under several public shares (:func:`indicators.scenarios`).

        Each scenario gives ``share`` (None: the stated share), ``funding`` and ``jobs``;
        bounds stay bounds ("more than 1,670").
        """
        lang = self.lang
        rows = []
        ids: list[str] = []
        chosen = self.parameters.get("public_share")
        for scenario in scenarios:
            f, j = scenario.funding, scenario.jobs
            shown = [f.public_amount, f.private_amount, j.projected_total, j.public_funding_per_job]
            self.use(f.public_share, *shown)
            ids.extend(i for ind in (f.public_share, *shown) for i in ind.fact_ids)
            label = self.number(f.public_share)
            if scenario.share is None:
                label = t("report.scenario.stated", lang, value=label)
            elif isinstance(chosen, numbers.Real) and math.isclose(scenario.share, chosen):
                label = t("report.scenario.this_edition", lang, value=label)
            rows.append([label, *(self.number(ind) for ind in shown)])
        # A header names its unit, unless the unit is its own word ("Jobs expected (jobs)").
        units = ["percent", "EUR_million", "EUR_million", None, "EUR_thousand"]
        keys = [
            "report.col.public_share",
            "report.col.public_amount",
            "report.col.private_amount",
            "report.col.projected_jobs",
            "report.col.public_per_job",
        ]
        headers = [
            (
                t("report.with_unit", lang, label=t(k, lang), unit=self.unit(u))
                if u
                else t(k, lang),
                i > 0,
            )
            for i, (k, u) in enumerate(zip(keys, units, strict=True))
        ]
        # The first column holds the stated share in words ("about 60% (stated)").
        return self.block_table(
            self.t(caption_key),
            headers,
            rows,
            ids,
            "compact scenarios",
            # Only the stated share's row is the sources': the others are computed.
            source=self.t("report.source_scenario_rows", source=self.source_line(self.use(*ids))),
            widths=(24, 19, 19, 17, 21),
        )

    def metric_label(self, metric: str) -> str:
        """The label of a metric (or of ``a+b`` metrics) in the document's language."""
        table = self.ds.metrics
        names = []
        for part in metric.split("+"):
            row = table[table["metric_id"].astype(str) == part]
            names.append(str(row.iloc[0][f"label_{self.lang}"]) if len(row) else part)
        return " + ".join(names)

    def subject_label(self, subject: str) -> str:
        """The label of a subject in the document's language."""
        table = self.ds.subjects
        row = table[table["subject_id"].astype(str) == subject]
        return str(row.iloc[0][f"label_{self.lang}"]) if len(row) else subject

    def source_date(self, source_id: str) -> str:
        """A source's publication date, as precise as known."""
        row = self._sources[source_id]
        return formatting.fmt_date(row["pub_date"], self.lang, str(row["date_precision"]))

    def source_title(self, source_id: str) -> str:
        """A source's title in the document's language (its kind when no title translates)."""
        key = f"report.source_title.{source_id}"
        if has(key):
            return t(key, self.lang)
        row = self._sources[source_id]
        if self.lang == "en":
            return str(row["title"])
        return self.source_kind(source_id)

    def source_kind(self, source_id: str) -> str:
        """A source's kind (press release, news article...) in the document's language."""
        kind = str(self._sources[source_id]["kind"]).replace(" ", "_")
        return t(f"report.source_kind.{kind}", self.lang)

    def document_name(self, source_id: str) -> str:
        """A source by its kind and date, as a reader cites it: ``press release of 14 May 2024``."""
        return formatting.fmt_source(self._sources[source_id], self.lang)

    def source(self, source_id: str) -> Any:
        """A source's row of ``sources.csv``."""
        return self._sources[source_id]

    def fact(self, fact_id: str) -> Any:
        """A fact's row of ``facts.csv``."""
        return self._facts_by_id[fact_id]

    def track_claims(self, audit: pd.DataFrame) -> None:
        """Record checked claims as shown (attached as CSV, their facts in the data appendix)."""
        self._claims = audit if self._claims is None else pd.concat([self._claims, audit])
        self._claims = self._claims.drop_duplicates("claim_id")
        self.use(*[i for ids in audit["fact_ids"] for i in ids])

    @property
    def claims(self) -> pd.DataFrame | None:
        """Every claim shown so far, or None."""
        return self._claims

    @property
    def assumptions(self) -> tuple[str, ...]:
        """Every assumption of ``assumptions.csv`` the report relied on, in order."""
        return tuple(self._assumptions)

    def use_events(self, event_ids: Iterable[str]) -> None:
        """Record events as shown (the data appendix lists them)."""
        for event_id in event_ids:
            self._events.setdefault(str(event_id), None)


def _template(key: str, lang: str) -> str:
    entry = catalogue().get(key)
    return "" if entry is None else entry.get(lang, "")


def _nature(ind: Indicator) -> str:
    if not ind.fact_ids:
        return "scenario"
    return "stated" if ind.formula == STATED else "computed"
