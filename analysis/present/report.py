"""Presentation components: the only place that writes report HTML.

A report notebook creates one :class:`Document` and asks it for each block of the page::

    from analysis import load_data
    from analysis.present import figures
    from analysis.compute import indicators
    from analysis.present import report

    ds = load_data()
    doc = report.Document(ds, "sector_overview", lang, cagr_tolerance=cagr_tolerance)
    eu = indicators.eu_shares(ds)
    doc.title_block() + doc.summary([doc.tile(eu.rd_share, "eu_rd")], [doc.say(...)])
    doc.section("europe") + doc.figure(figures.eu_shares(ds, lang)) + doc.matrix(...)
    doc.methodology() + doc.data_appendix() + doc.glossary()
    doc.attachments()

Every block is an :class:`Html` string (Jupyter shows it as HTML; ``+`` joins blocks and
escapes plain strings). Every text comes from the message catalogue and every number from
:mod:`analysis.formatting`, so a block is written in the document's language only. The
document remembers every indicator, figure, fact and event it showed: the methodology
appendix defines those indicators, the data appendix lists those facts, and the PDF
attachments hold them as CSV. Elements built from facts carry their ids in a ``data-facts``
attribute, so a reader (or a test) can check that the data appendix lists them all.
"""

from __future__ import annotations

import base64
import csv
import datetime as dt
import html
import io
import json
import math
import numbers
import os
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import pandas as pd

from analysis.compute.indicators import STATED, Indicator, assumption, indicator_frame
from analysis.data.load import Dataset
from analysis.present import formatting
from analysis.present.messages import catalogue, check_lang, has, placeholders, t

#: Verdicts of the claims audit, in the order the reports list them.
VERDICTS = ("consistent", "inconsistent", "conflict", "not verifiable")

#: Icons of the verdict badges: each verdict also has its own border style (report.css), so
#: a badge reads without colour.
VERDICT_ICONS = {
    "consistent": "\u2713",
    "inconsistent": "!",
    "conflict": "\u2715",
    "not verifiable": "?",
}

#: Terms of the glossary, in the order it lists them (``glossary.<term>.term`` / ``.text``).
GLOSSARY = (
    "atmp",
    "cdmo",
    "cagr",
    "innovation_partnership",
    "workpackage",
    "direct_jobs",
    "indirect_jobs",
    "cluster",
    "bound",
    "percentage_point",
)

#: Scenario parameters the methodology appendix explains, with the unit of their value.
PARAMETERS = {
    "cagr_tolerance": "percentage_points",
    "share_sum_tolerance": "percentage_points",
    "public_share": "percent",
    "direct_jobs": "jobs",
    "indirect_jobs": "jobs",
}

#: Columns of the indicators attachment.
INDICATOR_COLUMNS = ["key", "label", "text", "value", "unit", "bound", "period", "fact_ids"]

#: Marker that splits a qualifier template around its value.
_SLOT = "\x00"


class Html(str):
    """A piece of report HTML, safe to insert as is; Jupyter displays it as HTML.

    Joining with ``+`` escapes plain strings, so text never becomes markup by accident.
    """

    __slots__ = ()

    def _repr_html_(self) -> str:
        return str(self)

    def __add__(self, other: object) -> Html:
        return Html(str.__add__(self, _html(other)))

    def __radd__(self, other: object) -> Html:
        return Html(_html(other) + str(self))


def _html(value: object) -> str:
    if isinstance(value, Html):
        return str(value)
    return html.escape(str(value), quote=True)


def esc(value: object) -> str:
    """Escape text for HTML (quotes included)."""
    return html.escape(str(value), quote=True)


def join(parts: Iterable[object]) -> Html:
    """Join blocks and texts into one :class:`Html` (plain strings are escaped)."""
    return Html("".join(_html(p) for p in parts))


def _attr_ids(ids: Iterable[str]) -> str:
    return esc(" ".join(ids))


@dataclass(frozen=True)
class Tile:
    """One key figure of the executive summary.

    Attributes:
        value: the figure as HTML (bound wording small, number large).
        unit: what the figure counts, in words.
        meaning: one line saying why it matters.
        source: the source line.
        fact_ids: the facts it rests on.
    """

    value: Html
    unit: str
    meaning: str
    source: str
    fact_ids: tuple[str, ...]


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
        unknown = set(parameters) - set(PARAMETERS)
        if unknown:
            raise ValueError(f"unknown parameters: {', '.join(sorted(unknown))}")
        self.ds = ds
        self.name = name
        self.lang = lang
        self.parameters: dict[str, float | None] = dict(parameters)
        self._facts: dict[str, None] = {}
        self._events: dict[str, None] = {}
        self._indicators: dict[tuple[str, str], Indicator] = {}
        self._claims: pd.DataFrame | None = None
        self._assumptions: dict[str, None] = {}
        self._figures = 0
        self._tables = 0
        self._sources = {str(r["source_id"]): r for _, r in ds.sources.iterrows()}
        self._facts_by_id = {str(r["fact_id"]): r for _, r in ds.facts.iterrows()}

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
        return t(key, self.lang, **{k: self._value(v) for k, v in values.items() if k in used})

    def say(self, key: str, **values: object) -> str:
        """Alias of :meth:`t` for the sentences of the summary and the interpretations."""
        return self.t(key, **values)

    def _value(self, value: object) -> str:
        if isinstance(value, Indicator):
            self.use(value)
            return value.text(self.lang)
        if isinstance(value, bool):
            return str(value)
        if isinstance(value, numbers.Integral):
            return formatting.fmt_number(int(value), self.lang)
        if isinstance(value, numbers.Real):
            return formatting.fmt_number(float(value), self.lang)
        if isinstance(value, dt.date):
            return formatting.fmt_date(value, self.lang)
        return str(value)

    def para(self, *keys: str, **values: object) -> Html:
        """One paragraph made of the messages ``keys`` (values shared), HTML-escaped."""
        text = " ".join(self.t(key, **values) for key in keys)
        return Html(f"<p>{esc(text)}</p>\n")

    def paras(self, *sentences: str) -> Html:
        """One paragraph of sentences already written (e.g. by :meth:`say`), escaped."""
        return Html(f"<p>{esc(' '.join(sentences))}</p>\n")

    def note(self, key: str, **values: object) -> Html:
        """A short note in small print (a caveat, a pointer to another report)."""
        return Html(f'<p class="note">{esc(self.t(key, **values))}</p>\n')

    def coverage(self) -> dict[str, str]:
        """How many texts the data covers and from when to when (month precision).

        Returns ``{"n": ..., "start": ..., "end": ...}``, ready for a message's values.
        """
        dates = sorted(self.ds.sources["pub_date"])
        return {
            "n": formatting.fmt_number(len(dates), self.lang),
            "start": formatting.fmt_date(dates[0], self.lang, "month"),
            "end": formatting.fmt_date(dates[-1], self.lang, "month"),
        }

    def period(self, ind: Indicator) -> str:
        """An indicator's period of years (``2024–2029``), or an empty string."""
        return formatting.fmt_period(*(ind.period or (None, None)), self.lang)

    def year(self, ind: Indicator) -> str:
        """The last year of an indicator's period (``2023``), or an empty string."""
        return str(ind.period[1]) if ind.period else ""

    def when(self, event: Any) -> str:
        """The date of an event of :func:`analysis.indicators.timeline`, as precise as known.

        The event is recorded as shown (the data appendix lists it).
        """
        self._events.setdefault(str(event.event_id), None)
        return formatting.fmt_date(event.date, self.lang, event.precision)

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
        labels = dict.fromkeys(_in_sentence(self.metric_label(str(m))) for m in metrics)
        return t("report.list_separator", self.lang).join(labels)

    def fact_subject(self, fact_id: str) -> str:
        """The label of the subject a fact is about."""
        return self.subject_label(str(self._facts_by_id[fact_id]["subject"]))

    # -- numbers --------------------------------------------------------------------------

    def number(self, ind: Indicator, digits: int | None = None) -> str:
        """An indicator's value with its bound but without its unit (for unit headers)."""
        self.use(ind)
        n = ind.digits if digits is None else digits
        rounding = formatting.rounding_for(ind.quantity)
        if ind.unit == "ratio" and n is None:
            n = 2
        number = formatting.fmt_number(ind.value, self.lang, n, rounding)
        return t(f"qualifier.{ind.wording}", self.lang, value=number)

    def _value_html(self, ind: Indicator) -> Html:
        """The value of a tile: the bound wording in small type, the figure in large type."""
        self.use(ind)
        n = ind.digits
        figure = formatting.fmt_value(
            ind.value, ind.unit, self.lang, n, formatting.rounding_for(ind.quantity)
        )
        before, _, after = t(f"qualifier.{ind.wording}", self.lang, value=_SLOT).partition(_SLOT)
        parts = []
        if before.strip():
            parts.append(f'<span class="tile-bound">{esc(before.strip())}</span> ')
        parts.append(f'<span class="tile-number">{esc(figure)}</span>')
        if after.strip():
            parts.append(f' <span class="tile-bound">{esc(after.strip())}</span>')
        return Html("".join(parts))

    # -- sources --------------------------------------------------------------------------

    def source_line(self, fact_ids: Iterable[str], event_ids: Iterable[str] = ()) -> str:
        """The source line of a block: the documents its facts and events come from."""
        from analysis.present import figures

        facts = tuple(dict.fromkeys(fact_ids))
        events = tuple(dict.fromkeys(event_ids))
        if not facts and not events:
            return ""
        return figures.source_line(self.ds, facts, self.lang, events)

    def _originals(self, fact_ids: Sequence[str]) -> tuple[str, ...]:
        """The facts from documents that are not a translation of another document cited."""
        sources = {str(self._facts_by_id[i]["source_id"]) for i in fact_ids}
        kept = []
        for fid in fact_ids:
            original = self._sources[str(self._facts_by_id[fid]["source_id"])]["translation_of"]
            if original is None or pd.isna(original) or str(original) not in sources:
                kept.append(fid)
        return tuple(kept)

    def _source_date(self, source_id: str) -> str:
        row = self._sources[source_id]
        return formatting.fmt_date(row["pub_date"], self.lang, str(row["date_precision"]))

    def _source_title(self, source_id: str) -> str:
        key = f"report.source_title.{source_id}"
        if has(key):
            return t(key, self.lang)
        row = self._sources[source_id]
        if self.lang == "en":
            return str(row["title"])
        return self._kind(source_id)

    def _kind(self, source_id: str) -> str:
        kind = str(self._sources[source_id]["kind"]).replace(" ", "_")
        return t(f"report.source_kind.{kind}", self.lang)

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

    def title_block(self) -> Html:
        """Title, subtitle and the edition's particulars (period, data, language)."""
        lang = self.lang
        dates = sorted(self.ds.sources["pub_date"])
        first, last = dates[0], dates[-1]
        period = t(
            "report.meta.period_value",
            lang,
            start=formatting.fmt_date(first, lang, "month"),
            end=formatting.fmt_date(last, lang, "month"),
            n=formatting.fmt_number(len(dates), lang),
        )
        data_date = self.data_date()
        edition = self.edition_date()
        rows = [
            (t("report.meta.period", lang), esc(period)),
            (
                t("report.meta.data_date", lang),
                f'<time datetime="{data_date.isoformat()}">'
                f"{esc(formatting.fmt_date(data_date, lang))}</time>",
            ),
        ]
        if edition != data_date:
            rows.append(
                (
                    t("report.meta.edition", lang),
                    f'<time datetime="{edition.isoformat()}">'
                    f"{esc(formatting.fmt_date(edition, lang))}</time>",
                )
            )
        rows += [
            (t("report.meta.data_version", lang), esc(self.data_version())),
            (t("report.meta.language", lang), esc(t("report.meta.language_value", lang))),
        ]
        scenario = self._scenario_text()
        if scenario:
            rows.append((t("report.meta.scenario", lang), esc(scenario)))
        meta = "".join(f"<div><dt>{esc(k)}</dt><dd>{v}</dd></div>" for k, v in rows)
        return Html(
            '<header class="title-block">\n'
            f'<p class="report-kicker">{esc(t("report.kicker", lang))}</p>\n'
            f"<h1>{esc(t(f'report.{self.name}.title', lang))}</h1>\n"
            f'<p class="report-subtitle">{esc(t(f"report.{self.name}.subtitle", lang))}</p>\n'
            f'<dl class="report-meta">{meta}</dl>\n'
            "</header>\n"
        )

    def scenario(self) -> str:
        """The scenario parameters given, in words (empty when every figure is as stated)."""
        return self._scenario_text()

    def _scenario_text(self) -> str:
        given = [(k, v) for k, v in self.parameters.items() if v is not None]
        if not given:
            return ""
        parts = [
            t(
                "report.meta.scenario_item",
                self.lang,
                name=t(f"report.param.{k}.label", self.lang),
                value=self._param_value(k, v),
            )
            for k, v in given
        ]
        return t("report.list_separator", self.lang).join(parts)

    def _param_value(self, name: str, value: float) -> str:
        unit = PARAMETERS[name]
        if unit == "percent":
            return formatting.fmt_percent(value * 100, self.lang)
        return formatting.fmt_value(value, unit, self.lang)

    def tile(self, ind: Indicator, name: str, **values: object) -> Tile:
        """A key figure: the indicator's value, ``summary.tile.<name>`` and its ``.note``.

        ``values`` fill the placeholders of both (indicators are written with their bound).
        """
        ids = self.use(ind)
        return Tile(
            value=self._value_html(ind),
            unit=self.t(f"summary.tile.{name}", **values),
            meaning=self.t(f"summary.tile.{name}.note", **values),
            source=self.source_line(self._originals(ids)),
            fact_ids=ids,
        )

    def count_tile(self, count: int, name: str, **values: object) -> Tile:
        """A key figure that is a count made by the report itself (e.g. audit verdicts)."""
        return Tile(
            value=Html(f'<span class="tile-number">{esc(self._value(int(count)))}</span>'),
            unit=self.t(f"summary.tile.{name}"),
            meaning=self.t(f"summary.tile.{name}.note", **values),
            source=self.t("summary.tile.source_audit"),
            fact_ids=(),
        )

    def summary(self, tiles: Sequence[Tile], sentences: Sequence[str]) -> Html:
        """The executive summary: 4-6 key figure tiles, then 3-5 sentences.

        Raises:
            ValueError: for fewer than 4 or more than 6 tiles, or fewer than 3 or more
                than 5 sentences.
        """
        if not 4 <= len(tiles) <= 6:
            raise ValueError(f"a summary has 4 to 6 tiles, got {len(tiles)}")
        if not 3 <= len(sentences) <= 5:
            raise ValueError(f"a summary has 3 to 5 sentences, got {len(sentences)}")
        items = "".join(
            f'<li class="tile" data-facts="{_attr_ids(tile.fact_ids)}">'
            f'<p class="tile-value">{tile.value}</p>'
            f'<p class="tile-unit">{esc(tile.unit)}</p>'
            f'<p class="tile-meaning">{esc(tile.meaning)}</p>'
            f'<p class="tile-source">{esc(tile.source)}</p></li>'
            for tile in tiles
        )
        points = "".join(f"<li>{esc(s)}</li>" for s in sentences)
        return Html(
            '<section class="summary">\n'
            f"<h2>{esc(t('section.summary', self.lang))}</h2>\n"
            f'<ul class="tiles tiles-{len(tiles)}">{items}</ul>\n'
            f'<ul class="key-points">{points}</ul>\n'
            "</section>\n"
        )

    def section(self, key: str, level: int = 2, css: str = "") -> Html:
        """A section heading from the catalogue (``section.<key>``), with an optional class."""
        if level not in (2, 3):
            raise ValueError(f"level must be 2 or 3, got {level!r}")
        cls = f' class="{esc(css)}"' if css else ""
        return Html(f"<h{level}{cls}>{esc(t(f'section.{key}', self.lang))}</h{level}>\n")

    def figure(self, fig: Any) -> Html:
        """A numbered chart: the image, its text alternative, caption and source line.

        The SVG goes in as a base64 data URI. ``fig`` is a :class:`analysis.figures.Figure`
        (``key``, ``svg``, ``alt``, ``caption``, ``source``, ``fact_ids``).
        """
        ids = self.use(fig)
        for event_id in getattr(fig, "event_ids", ()):
            self._events.setdefault(str(event_id), None)
        self._figures += 1
        number = t("report.figure_number", self.lang, n=self._figures)
        svg = fig.svg if isinstance(fig.svg, str) else "".join(fig.svg)
        svg = svg[svg.index("<svg") :]
        # An SVG file (which a data URI is) needs its namespace; base64 keeps the
        # namespace URL out of the page's text.
        if 'xmlns="http://www.w3.org/2000/svg"' not in svg[: svg.index(">")]:
            svg = svg.replace("<svg", '<svg xmlns="http://www.w3.org/2000/svg"', 1)
        uri = "data:image/svg+xml;base64," + base64.b64encode(svg.encode("utf-8")).decode("ascii")
        if not str(fig.alt).strip():
            raise ValueError(f"figure {fig.key!r} has no text alternative")
        return Html(
            f'<figure class="report-figure" id="figure-{self._figures}" '
            f'data-key="{esc(fig.key)}" data-facts="{_attr_ids(ids)}">\n'
            f'<img src="{uri}" alt="{esc(fig.alt)}">\n'
            f'<figcaption><span class="figure-number">{esc(number)}</span> '
            f'<span class="figure-caption">{esc(fig.caption)}</span> '
            f'<span class="figure-source">{esc(fig.source)}</span></figcaption>\n'
            "</figure>\n"
        )

    # -- tables ---------------------------------------------------------------------------

    def _caption(self, caption: str) -> str:
        self._tables += 1
        number = t("report.table_number", self.lang, n=self._tables)
        return f'<caption><span class="table-number">{esc(number)}</span> {esc(caption)}</caption>'

    def _table(
        self,
        caption: str,
        headers: Sequence[tuple[str, bool]],
        rows: Sequence[Sequence[object]],
        fact_ids: Sequence[str] = (),
        css: str = "",
        source: str | None = None,
        row_headers: bool = True,
        widths: Sequence[int] | None = None,
    ) -> Html:
        """Render a table with a numbered caption and a source line.

        Cells are text (escaped) or :class:`Html`; numeric columns are right-aligned; the
        first column holds row headers unless ``row_headers`` is false.
        """
        ids = self.use(*fact_ids) if fact_ids else ()
        numeric = [n for _, n in headers]
        num = ' class="num"'
        head = "".join(f'<th scope="col"{num if n else ""}>{esc(h)}</th>' for h, n in headers)
        colgroup = ""
        if widths:
            colgroup = "<colgroup>" + "".join(f'<col style="width:{w}%">' for w in widths)
            colgroup += "</colgroup>"
        body = []
        for row in rows:
            cells = []
            for i, value in enumerate(row):
                cls = ' class="num"' if numeric[i] else ""
                text = _html(value)
                if i == 0 and row_headers:
                    cells.append(f'<th scope="row"{cls}>{text}</th>')
                else:
                    cells.append(f"<td{cls}>{text}</td>")
            body.append(f"<tr>{''.join(cells)}</tr>")
        if source is None:
            source = self.source_line(ids)
        foot = f'<p class="table-source">{esc(source)}</p>' if source else ""
        classes = " ".join(c for c in ("report-table", css) if c)
        return Html(
            f'<div class="{classes}" data-facts="{_attr_ids(ids)}">\n'
            f"<table>{self._caption(caption)}{colgroup}<thead><tr>{head}</tr></thead>"
            f"<tbody>{''.join(body)}</tbody></table>\n{foot}\n</div>\n"
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
        css: str = "",
    ) -> Html:
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
                    row.append(v if isinstance(v, Html) else str(v))
            rows.append(row)
        return self._table(caption, headers, rows, fact_ids, css, source, row_headers=row_headers)

    def unit(self, unit: str) -> str:
        """The short unit shown in a column header: ``M€``, ``%``, ``emplois``..."""
        return t(f"report.unit.{unit}", self.lang)

    def indicator_table(self, items: Any, caption_key: str, **values: object) -> Html:
        """Indicators as rows: label, value with its bound and unit, period, nature.

        ``items`` are indicators or families; ``caption_key`` is a catalogue key.
        """
        inds = _indicators_of(items)
        self.use(inds)
        lang = self.lang
        periods = [formatting.fmt_period(*(i.period or (None, None)), lang) for i in inds]
        with_period = any(periods)
        rows = []
        for ind, period in zip(inds, periods, strict=True):
            row = [ind.label_text(lang), ind.text(lang)]
            if with_period:
                row.append(period or t("report.missing", lang))
            row.append(t(f"report.nature.{_nature(ind)}", lang))
            rows.append(row)
        headers = [(t("report.col.indicator", lang), False), (t("report.col.value", lang), True)]
        if with_period:
            headers.append((t("report.col.period", lang), False))
        headers.append((t("report.col.nature", lang), False))
        widths = (50, 22, 13, 15) if with_period else (58, 24, 18)
        ids = [i for ind in inds for i in ind.fact_ids]
        return self._table(
            self.t(caption_key, **values), headers, rows, ids, "compact", widths=widths
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
    ) -> Html:
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
        for label, cells in rows:
            row: list[object] = [label]
            for cell, unit in zip(cells, units, strict=True):
                if cell is None:
                    row.append(t("report.not_stated", self.lang))
                elif isinstance(cell, Indicator):
                    ids.extend(cell.fact_ids)
                    row.append(self.number(cell) if unit else self._text(cell))
                else:
                    row.append(cell)
            body.append(row)
        return self._table(self.t(caption_key, **values), headers, body, ids, "compact")

    def _text(self, ind: Indicator) -> str:
        self.use(ind)
        return ind.text(self.lang)

    def timeline_table(self, timeline: Any, caption_key: str) -> Html:
        """The events of :func:`analysis.indicators.timeline` as a table (date, kind, event)."""
        frame = timeline.to_frame(self.lang)
        for event_id in frame["event_id"]:
            self._events.setdefault(str(event_id), None)
        rows = [
            [r["when"], r["kind_label"], r["label"], r["source_id"]] for _, r in frame.iterrows()
        ]
        headers = [
            (t("report.col.date", self.lang), False),
            (t("report.col.kind", self.lang), False),
            (t("report.col.event", self.lang), False),
            (t("report.col.source", self.lang), False),
        ]
        source = self.source_line((), tuple(frame["event_id"]))
        return self._table(
            self.t(caption_key),
            headers,
            rows,
            (),
            "timeline",
            source,
            widths=(20, 18, 52, 10),
        )

    def scenario_table(
        self,
        caption_key: str,
        public_share: float | None = None,
        direct_jobs: float | None = None,
        indirect_jobs: float | None = None,
        step: float = 0.1,
    ) -> Html:
        """Funding and jobs for public shares around the one used.

        Rows: the public share used (``public_share``, or the stated share when None), the
        same minus and plus ``step`` (within 0-1), and the stated share. Each row recomputes
        :func:`analysis.indicators.funding` and :func:`analysis.indicators.jobs` with the
        given job figures (None: the stated ones); bounds stay bounds ("more than 1,670").
        """
        from analysis.compute import indicators

        lang = self.lang
        stated = indicators.funding(self.ds).public_share.value / 100
        base = stated if public_share is None else public_share
        values = {round(min(max(base + d, 0.0), 1.0), 6) for d in (-step, 0.0, step)}
        shares: list[float | None] = [
            None if public_share is None and v == round(stated, 6) else v for v in values
        ]
        if public_share is not None:
            shares.append(None)
        shares.sort(key=lambda v: stated if v is None else v)
        rows = []
        ids: list[str] = []
        for share in shares:
            f = indicators.funding(self.ds, public_share=share)
            j = indicators.jobs(self.ds, direct_jobs, indirect_jobs, public_share=share)
            shown = [f.public_amount, f.private_amount, j.projected_total, j.public_funding_per_job]
            self.use(f.public_share, *shown)
            ids.extend(i for ind in (f.public_share, *shown) for i in ind.fact_ids)
            label = self.number(f.public_share)
            if share is None:
                label = t("report.scenario.stated", lang, value=label)
            rows.append([label, *(self.number(ind) for ind in shown)])
        units = ["percent", "EUR_million", "EUR_million", "jobs", "EUR_thousand"]
        keys = [
            "report.col.public_share",
            "report.col.public_amount",
            "report.col.private_amount",
            "report.col.projected_jobs",
            "report.col.public_per_job",
        ]
        headers = [
            (t("report.with_unit", lang, label=t(k, lang), unit=self.unit(u)), i > 0)
            for i, (k, u) in enumerate(zip(keys, units, strict=True))
        ]
        return self._table(self.t(caption_key), headers, rows, ids, "compact scenarios")

    # -- the claims audit -----------------------------------------------------------------

    def verdict(self, verdict: str) -> Html:
        """A verdict badge: icon, word and border style, readable without colour."""
        if verdict not in VERDICT_ICONS:
            raise ValueError(f"verdict must be one of {', '.join(VERDICT_ICONS)}, got {verdict!r}")
        slug = verdict.replace(" ", "-")
        word = t(f"verdict.{verdict.replace(' ', '_')}", self.lang)
        return Html(
            f'<span class="badge badge-{slug}">'
            f'<span class="badge-icon" aria-hidden="true">{VERDICT_ICONS[verdict]}</span> '
            f"{esc(word)}</span>"
        )

    def verdict_legend(self) -> Html:
        """What each verdict means, with its badge."""
        items = "".join(
            f"<div><dt>{self.verdict(v)}</dt><dd>{esc(self._meaning(v))}</dd></div>"
            for v in VERDICTS
        )
        return Html(f'<dl class="verdict-legend">{items}</dl>\n')

    def _meaning(self, verdict: str) -> str:
        return t(f"report.verdict_meaning.{verdict.replace(' ', '_')}", self.lang)

    def _track_claims(self, audit: pd.DataFrame) -> None:
        self._claims = audit if self._claims is None else pd.concat([self._claims, audit])
        self._claims = self._claims.drop_duplicates("claim_id")
        self.use(*[i for ids in audit["fact_ids"] for i in ids])

    def _locators(self, fact_ids: Sequence[str]) -> Html:
        items = []
        for fid in fact_ids:
            row = self._facts_by_id[fid]
            sid = str(row["source_id"])
            src_lang = str(self._sources[sid]["language"])
            where = t(
                "report.locator_ref",
                self.lang,
                fact=fid,
                source=sid,
                section=t(f"section.{row['section']}", self.lang),
            )
            items.append(
                f'<li><span class="locator-ref">{esc(where)}</span> '
                f'<q lang="{esc(src_lang)}">{esc(row["locator"])}</q></li>'
            )
        return Html(f'<ul class="locators">{"".join(items)}</ul>')

    def audit_table(
        self, audit: pd.DataFrame, caption_key: str, *, locators: bool = True, **values: object
    ) -> Html:
        """Checked claims: verdict badge, claim, recomputation, sources' passages."""
        self._track_claims(audit)
        lang = self.lang
        headers = [
            (t("audit.col.verdict", lang), False),
            (t("audit.col.claim", lang), False),
            (t("report.col.recomputation", lang), False),
        ]
        if locators:
            headers.append((t("report.col.locators", lang), False))
        rows = []
        for _, r in audit.iterrows():
            claim = Html(
                f'{esc(r[f"claim_{lang}"])}<span class="claim-id">{esc(r["claim_id"])}</span>'
            )
            row: list[object] = [self.verdict(r["verdict"]), claim, r[f"explanation_{lang}"]]
            if locators:
                row.append(self._locators(r["fact_ids"]))
            rows.append(row)
        ids = [i for ids in audit["fact_ids"] for i in ids]
        widths = (18, 26, 30, 26) if locators else (18, 37, 45)
        return self._table(
            self.t(caption_key, **values),
            headers,
            rows,
            ids,
            "audit",
            row_headers=False,
            widths=widths,
        )

    def verdict_counts(self, audit: pd.DataFrame, caption_key: str) -> Html:
        """Number of claims per check and verdict."""
        self._track_claims(audit)
        lang = self.lang
        checks = list(dict.fromkeys(audit["check"]))
        headers = [(t("audit.col.check", lang), False)]
        headers += [(_capital(t(f"verdict.{v.replace(' ', '_')}", lang)), True) for v in VERDICTS]
        headers.append((t("report.col.total", lang), True))
        rows = []
        for check in checks:
            part = audit[audit["check"] == check]
            counts = [int((part["verdict"] == v).sum()) for v in VERDICTS]
            rows.append(
                [t(f"check.{check}", lang)]
                + [formatting.fmt_number(c, lang) if c else "\u2013" for c in counts]
                + [formatting.fmt_number(len(part), lang)]
            )
        totals = [int((audit["verdict"] == v).sum()) for v in VERDICTS]
        rows.append(
            [Html(f"<strong>{esc(t('report.col.total', lang))}</strong>")]
            + [formatting.fmt_number(c, lang) for c in totals]
            + [formatting.fmt_number(len(audit), lang)]
        )
        ids = [i for ids in audit["fact_ids"] for i in ids]
        return self._table(self.t(caption_key), headers, rows, ids, "compact counts")

    def translation_table(self, audit: pd.DataFrame, caption_key: str) -> Html:
        """The French and English versions side by side: each figure's passage in both."""
        self._track_claims(audit)
        lang = self.lang
        rows = []
        pair: tuple[str, str] | None = None
        for _, r in audit.iterrows():
            by_lang: dict[str, list[str]] = {"fr": [], "en": []}
            for fid in r["fact_ids"]:
                sid = str(self._facts_by_id[fid]["source_id"])
                by_lang[str(self._sources[sid]["language"])].append(fid)
            if pair is None and by_lang["fr"] and by_lang["en"]:
                pair = (
                    str(self._facts_by_id[by_lang["fr"][0]]["source_id"]),
                    str(self._facts_by_id[by_lang["en"][0]]["source_id"]),
                )
            metric = str(r["metric"])
            label = self.metric_label(metric)
            rows.append(
                [
                    label,
                    self._locators(by_lang["fr"]) if by_lang["fr"] else self._absent(),
                    self._locators(by_lang["en"]) if by_lang["en"] else self._absent(),
                    Html(
                        f"{self.verdict(r['verdict'])}"
                        f'<span class="verdict-reason">{esc(r[f"explanation_{lang}"])}</span>'
                    ),
                ]
            )
        fr_id, en_id = pair or ("", "")
        headers = [
            (t("report.col.metric", lang), False),
            (t("report.col.version_fr", lang, source=fr_id), False),
            (t("report.col.version_en", lang, source=en_id), False),
            (t("audit.col.verdict", lang), False),
        ]
        ids = [i for ids in audit["fact_ids"] for i in ids]
        return self._table(
            self.t(caption_key), headers, rows, ids, "audit versions", widths=(16, 28, 28, 28)
        )

    def _absent(self) -> Html:
        return Html(f'<span class="absent">{esc(t("report.absent", self.lang))}</span>')

    def metric_label(self, metric: str) -> str:
        """The label of a metric (or of ``a+b`` metrics) in the document's language."""
        table = self.ds.metrics
        names = []
        for part in metric.split("+"):
            row = table[table["metric_id"].astype(str) == part]
            names.append(str(row.iloc[0][f"label_{self.lang}"]) if len(row) else part)
        return " + ".join(names)

    # -- appendices -----------------------------------------------------------------------

    def methodology(self) -> Html:
        """The methodology appendix: how to read the figures, then every indicator shown.

        Each indicator comes with its definition, formula and value; each scenario
        parameter and assumption with its rationale and the value used.
        """
        lang = self.lang
        out = [self.section("methodology", css="appendix")]
        out.append(self.section("method_reading", 3))
        out.append(self.para("report.method.bounds", "report.method.rounding"))
        out.append(self.para("report.method.selection"))
        if self._indicators:
            out.append(self.section("method_indicators", 3))
            frame = indicator_frame(self.indicators, lang)
            seen: dict[str, None] = {}
            rows = []
            for ind, (_, r) in zip(self.indicators, frame.iterrows(), strict=True):
                marker = r["label"]  # the first value shown is the edition's
                if marker in seen:
                    continue
                seen[marker] = None
                rows.append(
                    [
                        Html(
                            f"{esc(r['label'])}"
                            f'<span class="definition">{esc(r["definition"])}</span>'
                        ),
                        r["formula"],
                        ind.text(lang),
                    ]
                )
            headers = [
                (t("report.col.indicator_definition", lang), False),
                (t("report.col.formula", lang), False),
                (t("report.col.value_used", lang), True),
            ]
            out.append(
                self._table(
                    t("report.caption.method_indicators", lang),
                    headers,
                    rows,
                    (),
                    "methods",
                    source="",
                    widths=(50, 32, 18),
                )
            )
        params = self._parameter_rows()
        if params:
            out.append(self.section("method_parameters", 3))
            headers = [
                (t("report.col.parameter", lang), False),
                (t("report.col.assumption", lang), False),
                (t("report.col.value_used", lang), True),
            ]
            out.append(
                self._table(
                    t("report.caption.method_parameters", lang),
                    headers,
                    params,
                    (),
                    "methods compact",
                    source="",
                    widths=(24, 56, 20),
                )
            )
        return join(out)

    def _parameter_rows(self) -> list[list[object]]:
        lang = self.lang
        rows: list[list[object]] = []
        names = list(self.parameters) + [a for a in self._assumptions if a not in self.parameters]
        table = self.ds.assumptions
        for name in names:
            value = self.parameters.get(name)
            in_data = name in set(table["assumption_id"].astype(str))
            if in_data:
                row = table[table["assumption_id"].astype(str) == name].iloc[0]
                label, rationale = str(row[f"label_{lang}"]), str(row[f"rationale_{lang}"])
                default = float(row["value"])
            else:
                label = t(f"report.param.{name}.label", lang)
                rationale = t(f"report.param.{name}.rationale", lang)
                default = None
            if value is None and default is not None:
                used = t(
                    "report.param.default_data",
                    lang,
                    value=self._param_value(name, default),
                )
            elif value is None:
                used = t("report.param.default_stated", lang, value=self._stated_value(name))
            else:
                used = t("report.param.given", lang, value=self._param_value(name, value))
            rows.append(
                [
                    Html(f'{esc(label)}<code class="param">{esc(name)}</code>'),
                    rationale,
                    used,
                ]
            )
        return rows

    def _stated_value(self, name: str) -> str:
        from analysis.compute import indicators

        if name == "public_share":
            return indicators.funding(self.ds).public_share.text(self.lang)
        jobs = indicators.jobs(self.ds)
        if name == "direct_jobs":
            return jobs.projected_direct.text(self.lang)
        return jobs.projected_indirect.text(self.lang)

    def data_appendix(self) -> Html:
        """The data appendix: every fact the report used, then the events and documents.

        Each fact comes with its source document, date, language, section and passage.
        """
        lang = self.lang
        out = [self.section("data", css="appendix")]
        out.append(self.para("report.data.intro", n=len(self._facts)))
        rows = []
        for fid in self.fact_ids:
            r = self._facts_by_id[fid]
            sid = str(r["source_id"])
            src = self._sources[sid]
            statement = t(
                "report.data.statement",
                lang,
                metric=self.metric_label(str(r["metric"])),
                subject=self.subject_label(str(r["subject"])),
                value=self._stated(r),
            )
            where = t(
                "report.data.where",
                lang,
                source=sid,
                date=self._source_date(sid),
                language=t(f"report.lang_short.{src['language']}", lang),
                section=t(f"section.{r['section']}", lang),
            )
            rows.append(
                [
                    Html(f'<span id="fact-{esc(fid)}">{esc(fid)}</span>'),
                    statement,
                    where,
                    Html(f'<q lang="{esc(src["language"])}">{esc(r["locator"])}</q>'),
                ]
            )
        headers = [
            (t("report.col.fact", lang), False),
            (t("report.col.statement", lang), False),
            (t("report.col.source", lang), False),
            (t("report.col.locator", lang), False),
        ]
        out.append(
            self._table(
                t("report.caption.data_facts", lang),
                headers,
                rows,
                (),
                "data",
                source="",
                widths=(11, 35, 22, 32),
            )
        )
        out.append(self._fact_ids_marker())
        if self._events:
            out.append(self._events_table())
        out.append(self._sources_table())
        return join(out)

    def _fact_ids_marker(self) -> Html:
        return Html(
            f'<div class="tracked-facts" hidden data-facts="{_attr_ids(self.fact_ids)}"></div>\n'
        )

    def _stated(self, r: Any) -> str:
        value = float(r["value"])
        text = repr(value).rstrip("0").rstrip(".") if "." in repr(value) else repr(value)
        decimals = len(text.split(".")[1]) if "." in text else 0
        return formatting.fmt_fact(value, str(r["unit"]), str(r["qualifier"]), self.lang, decimals)

    def subject_label(self, subject: str) -> str:
        """The label of a subject in the document's language."""
        table = self.ds.subjects
        row = table[table["subject_id"].astype(str) == subject]
        return str(row.iloc[0][f"label_{self.lang}"]) if len(row) else subject

    def _events_table(self) -> Html:
        lang = self.lang
        events = self.ds.events.set_index(self.ds.events["event_id"].astype(str))
        rows = []
        # In date order (then by id), whatever order the sections cited them in.
        for eid in sorted(self._events, key=lambda e: (str(events.loc[e, "date"]), e)):
            r = events.loc[eid]
            sid = str(r["source_id"])
            rows.append(
                [
                    eid,
                    formatting.fmt_date(r["date"], lang, str(r["date_precision"])),
                    str(r[f"description_{lang}"]),
                    sid,
                    Html(
                        f'<q lang="{esc(self._sources[sid]["language"])}">{esc(r["locator"])}</q>'
                    ),
                ]
            )
        headers = [
            (t("report.col.event_id", lang), False),
            (t("report.col.date", lang), False),
            (t("report.col.event", lang), False),
            (t("report.col.source", lang), False),
            (t("report.col.locator", lang), False),
        ]
        return self._table(
            t("report.caption.data_events", lang),
            headers,
            rows,
            (),
            "data",
            source="",
            widths=(8, 17, 35, 9, 31),
        )

    def _sources_table(self) -> Html:
        lang = self.lang
        rows = []
        for sid, src in sorted(self._sources.items()):
            basis = t(f"report.date_basis.{src['date_basis']}", lang)
            rows.append(
                [
                    sid,
                    self._source_title(sid),
                    self._kind(sid),
                    f"{self._source_date(sid)} ({basis})",
                    t(f"report.lang_short.{src['language']}", lang),
                ]
            )
        headers = [
            (t("report.col.source", lang), False),
            (t("report.col.document", lang), False),
            (t("report.col.kind", lang), False),
            (t("report.col.date", lang), False),
            (t("report.col.language", lang), False),
        ]
        return self._table(
            t("report.caption.data_sources", lang),
            headers,
            rows,
            (),
            "data compact",
            source=t("report.data.sources_note", lang),
            widths=(10, 37, 15, 24, 14),
        )

    def glossary(self) -> Html:
        """The terms a reader may not know, in the document's language."""
        items = "".join(
            f"<div><dt>{esc(t(f'glossary.{term}.term', self.lang))}</dt>"
            f"<dd>{esc(t(f'glossary.{term}.text', self.lang))}</dd></div>"
            for term in GLOSSARY
        )
        return self.section("glossary", css="appendix") + Html(
            f'<dl class="glossary">{items}</dl>\n'
        )

    # -- attachments ----------------------------------------------------------------------

    def attachment_bundles(self) -> list[dict[str, Any]]:
        """The PDF attachments as display bundles: facts used, indicators shown, claims."""
        from analysis.present.display import attachment_bundle

        lang = self.lang
        raw = pd.read_csv(
            self.ds.data_dir / "facts.csv", dtype=str, keep_default_na=False, encoding="utf-8-sig"
        )
        facts = raw[raw["fact_id"].isin(self._facts)]
        bundles = [
            attachment_bundle(
                "facts.csv", t("report.attachment.facts", lang), _csv(facts.sort_values("fact_id"))
            ),
            attachment_bundle(
                "indicators.csv",
                t("report.attachment.indicators", lang),
                _csv(indicator_frame(self.indicators, lang)[INDICATOR_COLUMNS]),
            ),
        ]
        if self._claims is not None:
            claims = self._claims.copy()
            for col in ("fact_ids", "source_ids", "locators"):
                claims[col] = [" | ".join(v) for v in claims[col]]
            columns = ["claim_id", "check", "verdict", "reason", "metric", "subject"]
            columns += ["fact_ids", "source_ids", "recomputed", "unit"]
            columns += [f"claim_{lang}", f"explanation_{lang}"]
            bundles.append(
                attachment_bundle(
                    "claims.csv", t("report.attachment.claims", lang), _csv(claims[columns])
                )
            )
        return bundles

    def attachments(self) -> None:
        """Attach the CSV files to the PDF (the HTML page does not show them)."""
        from IPython.display import display

        for bundle in self.attachment_bundles():
            display(bundle, raw=True)


def _capital(text: str) -> str:
    return text[:1].upper() + text[1:]


def _in_sentence(label: str) -> str:
    """A label as it reads inside a sentence: first letter in lower case, unless an acronym."""
    if len(label) > 1 and label[:2].isupper():
        return label
    return label[:1].lower() + label[1:]


def _template(key: str, lang: str) -> str:
    entry = catalogue().get(key)
    return "" if entry is None else entry.get(lang, "")


def _nature(ind: Indicator) -> str:
    if not ind.fact_ids:
        return "scenario"
    return "stated" if ind.formula == STATED else "computed"


def _csv(frame: pd.DataFrame) -> str:
    buffer = io.StringIO()
    frame.to_csv(buffer, index=False, lineterminator="\n", quoting=csv.QUOTE_MINIMAL)
    return buffer.getvalue()
