"""Charts: the package's matplotlib style and one function per chart, each returning SVG.

Functions here only draw: they take numbers and labels already formatted for the report's
language and return a :class:`Chart` (deterministic SVG text plus alt text). Choosing the
numbers and writing the labels is done by :mod:`analysis.figures`.
"""

import io
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import matplotlib

matplotlib.use("svg")

import matplotlib.pyplot as plt  # noqa: E402
from matplotlib import dates as mdates  # noqa: E402

STYLE = Path(__file__).with_name("report.mplstyle")

#: Okabe-Ito colours, by role, so every chart uses them the same way.
BLUE, ORANGE, GREEN, VERMILLION, PINK, SKY, GREY = (
    "#0072B2",
    "#E69F00",
    "#009E73",
    "#D55E00",
    "#CC79A7",
    "#56B4E9",
    "#666666",
)
GREY_LIGHT = "#BBBBBB"


@dataclass(frozen=True)
class Chart:
    """A rendered chart: inline SVG markup and a text alternative describing its data."""

    svg: str
    alt: str


def _render(fig, chart_id: str, alt: str) -> Chart:
    """Serialise a figure to deterministic inline SVG (fixed ids, no date) and close it."""
    buf = io.StringIO()
    with plt.rc_context({"svg.id": chart_id, "svg.hashsalt": chart_id}):
        fig.savefig(buf, format="svg", metadata={"Date": None, "Creator": None})
    plt.close(fig)
    svg = buf.getvalue()
    svg = svg[svg.index("<svg") :]  # drop the XML prolog and doctype: the SVG is inlined
    svg = re.sub(r"<metadata>.*?</metadata>\s*", "", svg, flags=re.S)
    # Fixed-size figures scale with the page; the alt text is the accessible name.
    svg = svg.replace("<svg ", f'<svg role="img" aria-label="{_escape(alt)}" ', 1)
    return Chart(svg=svg, alt=alt)


def _escape(text: str) -> str:
    return (
        text.replace("&", "&amp;").replace('"', "&quot;").replace("<", "&lt;").replace(">", "&gt;")
    )


def _width(fig, ax, text) -> float:
    """Width of a text artist in data units of the x axis."""
    fig.draw_without_rendering()
    box = text.get_window_extent().transformed(ax.transData.inverted())
    return box.width


def _figure(width: float = 6.4, height: float = 3.0):
    plt.style.use(STYLE)
    return plt.subplots(figsize=(width, height))


def stacked_bars(
    rows: Sequence[tuple[str, Sequence[tuple[float, str, str]]]],
    *,
    xlabel: str,
    chart_id: str,
    alt: str,
) -> Chart:
    """Horizontal stacked bars with the value label written inside each segment.

    Args:
        rows: one ``(row label, [(value, segment label, colour), ...])`` per bar, top first.
        xlabel: axis label, with its unit.
        chart_id: stable id for the SVG (deterministic output).
        alt: text alternative.
    """
    fig, ax = _figure(6.4, 0.9 + 0.85 * len(rows))
    total = max(sum(v for v, _, _ in segs) for _, segs in rows)
    ax.set_xlim(0, total * 1.02)
    for i, (_, segs) in enumerate(rows):
        left = 0.0
        for value, label, colour in segs:
            ax.barh(i, value, left=left, color=colour, height=0.62, edgecolor="white")
            text = ax.text(
                left + value / 2,
                i,
                label,
                ha="center",
                va="center",
                fontsize=8,
                color="#222222" if colour in (ORANGE, SKY, GREY_LIGHT) else "white",
            )
            if _width(fig, ax, text) > value * 0.96:
                text.set(fontsize=7)
            if _width(fig, ax, text) > value * 0.96:
                # Still too long for its segment: write it above the bar, from its left end.
                text.set(x=left, y=i - 0.34, ha="left", va="bottom", color="#222222")
            left += value
    ax.set_yticks(range(len(rows)), [r[0] for r in rows])
    ax.invert_yaxis()
    ax.set_xlabel(xlabel)
    ax.spines["left"].set_visible(False)
    ax.tick_params(axis="y", length=0)
    return _render(fig, chart_id, alt)


def ratio_bars(
    items: Sequence[tuple[str, float, str]],
    *,
    reference: float,
    reference_label: str,
    xlabel: str,
    chart_id: str,
    alt: str,
) -> Chart:
    """Horizontal bars against a vertical reference line (e.g. a population share).

    Args:
        items: ``(bar label, value, value label)``, top first.
        reference: position of the reference line.
        reference_label: text written beside the reference line.
        xlabel: axis label, with its unit.
        chart_id: stable id for the SVG.
        alt: text alternative.
    """
    fig, ax = _figure(6.4, 0.9 + 0.55 * len(items))
    top = max(v for _, v, _ in items)
    for i, (_, value, label) in enumerate(items):
        ax.barh(i, value, color=BLUE, height=0.6)
        ax.text(value + top * 0.01, i, label, va="center", fontsize=8, color="#222222")
    ax.axvline(reference, color=VERMILLION, linewidth=1.2, linestyle=(0, (4, 2)))
    ax.text(
        reference + top * 0.01,
        len(items) - 0.45,
        reference_label,
        color=VERMILLION,
        fontsize=8,
        va="bottom",
    )
    ax.set_yticks(range(len(items)), [it[0] for it in items])
    ax.invert_yaxis()
    ax.set_ylim(len(items) - 0.2, -0.6)
    ax.set_xlim(0, top * 1.45)
    ax.set_xlabel(xlabel)
    ax.spines["left"].set_visible(False)
    ax.tick_params(axis="y", length=0)
    return _render(fig, chart_id, alt)


def grouped_bars(
    panels: Sequence[Sequence[str]],
    series: Sequence[tuple[str, dict[str, float | None], Callable[[float], str], str]],
    *,
    ylabel: str,
    missing_label: str,
    chart_id: str,
    alt: str,
) -> Chart:
    """Vertical grouped bars, one panel per scale, value labels on the bars.

    Args:
        panels: the category labels of each panel (left to right); categories of very
            different sizes go in different panels so small counts stay visible.
        series: ``(series name, {category: value or None when not stated}, value formatter,
            colour)``; the series names are written above the first panel's bars.
        ylabel: axis label of the first panel, with its unit.
        missing_label: label drawn where a value is not stated.
        chart_id: stable id for the SVG.
        alt: text alternative.
    """
    plt.style.use(STYLE)
    fig, axes = plt.subplots(
        1, len(panels), figsize=(6.4, 3.0), width_ratios=[len(p) for p in panels]
    )
    axes = list(axes) if len(panels) > 1 else [axes]
    n = len(series)
    width = 0.8 / n
    for ax, categories in zip(axes, panels, strict=True):
        values = [v for _, vals, _, _ in series for c in categories if (v := vals.get(c))]
        top = max(values)
        for j, (_, vals, fmt, colour) in enumerate(series):
            for i, category in enumerate(categories):
                x = i - 0.4 + width * (j + 0.5)
                value = vals.get(category)
                if value is None:
                    ax.text(
                        x,
                        top * 0.01,
                        missing_label,
                        ha="center",
                        va="bottom",
                        fontsize=7,
                        color=GREY,
                    )
                    continue
                ax.bar(x, value, width=width * 0.92, color=colour)
                ax.text(x, value + top * 0.015, fmt(value), ha="center", va="bottom", fontsize=7.5)
        ax.set_xticks(range(len(categories)), categories)
        ax.set_ylim(0, top * 1.22)
        ax.grid(axis="y")
        ax.yaxis.set_major_formatter(matplotlib.ticker.FuncFormatter(lambda v, _: series[0][2](v)))
    axes[0].set_ylabel(ylabel)
    handles = [plt.Rectangle((0, 0), 1, 1, color=c) for _, _, _, c in series]
    axes[-1].legend(handles, [s[0] for s in series], loc="upper right")
    fig.tight_layout(w_pad=2.0)
    return _render(fig, chart_id, alt)


def trajectory(
    stated: Sequence[tuple[int, float, str]],
    paths: Sequence[tuple[Sequence[int], Sequence[float], str, str, str]],
    *,
    ylabel: str,
    chart_id: str,
    alt: str,
    years: tuple[int, int],
    value_format: Callable[[float], str],
) -> Chart:
    """Market sizes on a log scale: stated points plus growth paths labelled at their end.

    Args:
        stated: ``(year, value, label)`` of stated points.
        paths: ``(years, values, label, colour, linestyle)`` of computed paths; their end
            labels are spread vertically so that close paths stay readable.
        ylabel: axis label, with its unit.
        chart_id: stable id for the SVG.
        alt: text alternative.
        years: first and last year of the x axis.
        value_format: formats tick values for the report's language.
    """
    fig, ax = _figure(6.4, 3.4)
    ends = sorted(range(len(paths)), key=lambda k: paths[k][1][-1], reverse=True)
    for rank, k in enumerate(ends):
        xs, ys, label, colour, style = paths[k]
        ax.plot(xs, ys, color=colour, linestyle=style)
        ax.annotate(
            label,
            (xs[-1], ys[-1]),
            xytext=(5, 7 - 14 * rank),
            textcoords="offset points",
            color=colour,
            fontsize=7.5,
            va="center",
        )
    for year, value, label in stated:
        ax.plot([year], [value], "o", color="#222222", markersize=5, zorder=3)
        ax.annotate(
            label,
            (year, value),
            xytext=(-7, 5),
            textcoords="offset points",
            ha="right",
            fontsize=7.5,
        )
    ax.set_yscale("log")
    ax.set_xlim(years[0] - 0.5, years[1] + 4.5)
    marks = sorted({years[0], years[1], *(y for y, _, _ in stated)})
    ax.set_xticks(range(years[0], years[1] + 1), minor=True)
    ax.set_xticks(marks, [str(y) for y in marks])
    ax.yaxis.set_major_locator(matplotlib.ticker.LogLocator(subs=(1.0, 2.0, 5.0)))
    ax.yaxis.set_major_formatter(matplotlib.ticker.FuncFormatter(lambda v, _: value_format(v)))
    ax.yaxis.set_minor_formatter(matplotlib.ticker.NullFormatter())
    ax.set_ylabel(ylabel)
    ax.grid(axis="y", which="major")
    ax.spines["right"].set_visible(False)
    return _render(fig, chart_id, alt)


def timeline(
    events: Sequence[tuple[date, str, str]],
    *,
    chart_id: str,
    alt: str,
    start: date,
    end: date,
) -> Chart:
    """Events as dots on a time axis, labels stacked on alternating levels to avoid overlap.

    Args:
        events: ``(date, label, colour)`` sorted by date.
        chart_id: stable id for the SVG.
        alt: text alternative.
        start: left end of the axis.
        end: right end of the axis.
    """
    levels = [1.0, -1.0, 2.0, -2.0, 3.0, -3.0]
    fig, ax = _figure(6.4, 3.8)
    ax.axhline(0, color="#888888", linewidth=0.8)
    for k, (when, label, colour) in enumerate(events):
        level = levels[k % len(levels)]
        x = mdates.date2num(when)
        ax.vlines(x, 0, level * 0.85, color="#BBBBBB", linewidth=0.6)
        ax.plot([x], [0], "o", color=colour, markersize=5, zorder=3)
        ax.text(
            x,
            level,
            label,
            ha="center",
            va="center",
            fontsize=6.8,
            color="#222222",
            bbox={"boxstyle": "round,pad=0.2", "fc": "white", "ec": colour, "lw": 0.6},
        )
    ax.set_ylim(-3.7, 3.7)
    ax.set_xlim(mdates.date2num(start), mdates.date2num(end))
    ax.xaxis.set_major_locator(mdates.YearLocator())
    ax.xaxis.set_major_formatter(mdates.DateFormatter("%Y"))
    ax.yaxis.set_visible(False)
    ax.spines["left"].set_visible(False)
    return _render(fig, chart_id, alt)
