"""Charts: the package's matplotlib style and one function per chart, each returning SVG.

Functions here only draw: they take numbers and labels already formatted for the report's
language and return a :class:`Chart` (deterministic SVG text plus alt text). Choosing the
numbers and writing the labels is done by :mod:`analysis.figures`.

Every chart labels its values directly (on or beside the bars, beside the points, placed
where they cover no line, marker or other label); a key names the series when colours
alone tell them apart (the clusters, the kinds of events, the market's paths). Axis ticks
are formatted with the ``value_format`` each chart is given, so that French charts read
``6 000`` and English ones ``6,000``. Texts stay texts in the SVG (DejaVu Sans, the font
that comes with matplotlib), so that they can be searched and read aloud.
"""

import functools
import io
import math
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import matplotlib

__all__ = [
    "Chart",
    "Formatter",
    "GREY_LIGHT",
    "INK",
    "LIGHT_FILLS",
    "STYLE",
    "grouped_bars",
    "ratio_bars",
    "stacked_bars",
    "timeline",
    "trajectory",
]


matplotlib.use("svg")

import matplotlib.pyplot as plt  # noqa: E402
from matplotlib import ticker  # noqa: E402
from matplotlib.transforms import Bbox, blended_transform_factory  # noqa: E402

STYLE = Path(__file__).with_name("report.mplstyle")
#: The style's settings, read once: each chart applies them only while it draws, so drawing
#: neither reads a file nor changes the caller's matplotlib settings.
_STYLE = matplotlib.rc_params_from_file(STYLE, use_default_template=False)

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
#: Text colour, and the fills light enough to carry it (the others carry white text).
INK = "#222222"
LIGHT_FILLS = (ORANGE, SKY, GREY_LIGHT)

Formatter = Callable[[float], str]


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
    """Width of a text artist in data units of the x axis, in the current layout.

    Measuring does not lay the figure out again (that is slow): call :func:`_layout` first
    once everything that takes room around the axes (ticks, axis labels) is in place.
    """
    box = text.get_window_extent().transformed(ax.transData.inverted())
    return box.width


def _layout(fig) -> None:
    """Lay the figure out (constrained layout), so that texts can be measured."""
    fig.draw_without_rendering()


def _fit_right(fig, ax, anchors: Sequence[tuple[float, object]], pad_px: float = 4.0) -> None:
    """Widen the x axis so that texts written right of ``x`` (``(x, text)``) stay inside it."""
    # Measured out of the layout: texts sticking out would otherwise shrink the axes.
    for _, text in anchors:
        text.set_in_layout(False)
    _layout(fig)
    x0, x1 = ax.get_xlim()
    axis_px = ax.get_window_extent().width
    needed = x1
    for x, text in anchors:
        room = axis_px - text.get_window_extent().width - pad_px
        if room <= 0:
            continue
        needed = max(needed, x0 + (x - x0) * axis_px / room)
    ax.set_xlim(x0, needed)
    for _, text in anchors:
        text.set_in_layout(True)


def _tick_format(axis, value_format: Formatter | None) -> None:
    if value_format is not None:
        axis.set_major_formatter(ticker.FuncFormatter(lambda v, _: value_format(v)))


def _styled(draw):
    """Run a drawing function with the package's style, restoring the settings after."""

    @functools.wraps(draw)
    def wrapper(*args, **kwargs):
        with plt.rc_context(_STYLE):
            return draw(*args, **kwargs)

    return wrapper


def _figure(width: float = 6.4, height: float = 3.0):
    # Constrained layout keeps tick labels and direct labels inside the figure's fixed size,
    # so every chart is as wide as the page allows and its text keeps the same size.
    return plt.subplots(figsize=(width, height), layout="constrained")


@_styled
def stacked_bars(
    rows: Sequence[tuple[str, Sequence[tuple[float, str, str]]]],
    *,
    xlabel: str,
    chart_id: str,
    alt: str,
    value_format: Formatter | None = None,
) -> Chart:
    """Horizontal stacked bars with the value label written inside each segment.

    A label too long for its segment (even in a smaller font) is written on one line above
    the bar, from the segment's left end, after any label already written there. Segments
    of zero width are left out.

    Args:
        rows: one ``(row label, [(value, segment label, colour), ...])`` per bar, top first;
            labels may hold line breaks.
        xlabel: axis label, with its unit.
        chart_id: stable id for the SVG (deterministic output).
        alt: text alternative.
        value_format: formats the axis ticks for the report's language.
    """
    fig, ax = _figure(6.4, 0.9 + 0.85 * len(rows))
    total = max(sum(v for v, _, _ in segs) for _, segs in rows)
    ax.set_xlim(0, total * 1.02)
    ax.set_yticks(range(len(rows)), [r[0] for r in rows])
    ax.set_xlabel(xlabel)
    _tick_format(ax.xaxis, value_format)
    ax.spines["left"].set_visible(False)
    ax.tick_params(axis="y", length=0)
    ax.grid(axis="x")
    _layout(fig)
    above_first = False  # a label is written above the first bar: make room for it
    for i, (_, segs) in enumerate(rows):
        left, cursor = 0.0, 0.0
        for value, label, colour in segs:
            if value <= 0:
                continue
            ax.barh(i, value, left=left, color=colour, height=0.62, edgecolor="white")
            text = ax.text(
                left + value / 2,
                i,
                label,
                ha="center",
                va="center",
                fontsize=8,
                linespacing=1.25,
                color=INK if colour in LIGHT_FILLS else "white",
            )
            if _width(fig, ax, text) > value * 0.94:
                text.set(fontsize=7)
            if _width(fig, ax, text) > value * 0.94:
                # Still too long for its segment: one line above the bar, from its left end.
                x = max(left, cursor)
                text.set(
                    x=x,
                    y=i - 0.34,
                    text=" ".join(label.split("\n")),
                    ha="left",
                    va="bottom",
                    color=INK,
                )
                cursor = x + _width(fig, ax, text) + total * 0.02
                above_first = above_first or i == 0
            left += value
    ax.set_ylim(len(rows) - 0.55, -0.75 if above_first else -0.55)  # top row first
    return _render(fig, chart_id, alt)


@_styled
def ratio_bars(
    items: Sequence[tuple[str, float, str]],
    *,
    reference: float,
    reference_label: str,
    xlabel: str,
    chart_id: str,
    alt: str,
    value_format: Formatter | None = None,
) -> Chart:
    """Horizontal bars against a vertical reference line (e.g. a population share).

    Args:
        items: ``(bar label, value, value label)``, top first; the value label is written
            right of the bar and the axis is widened to hold it.
        reference: position of the reference line.
        reference_label: text written above the plot, at the reference line.
        xlabel: axis label, with its unit.
        chart_id: stable id for the SVG.
        alt: text alternative.
        value_format: formats the axis ticks for the report's language.
    """
    fig, ax = _figure(6.4, 1.2 + 0.62 * len(items))
    top = max(v for _, v, _ in items)
    ax.set_xlim(0, top * 1.05)
    anchors = []
    for i, (_, value, label) in enumerate(items):
        ax.barh(i, value, color=BLUE, height=0.62)
        text = ax.annotate(
            label,
            (value, i),
            xytext=(4, 0),
            textcoords="offset points",
            va="center",
            fontsize=8,
            linespacing=1.3,
            color=INK,
        )
        anchors.append((value, text))
    ax.axvline(reference, color=VERMILLION, linewidth=1.2, linestyle=(0, (4, 2)))
    ax.text(
        reference,
        1.02,
        reference_label,
        transform=blended_transform_factory(ax.transData, ax.transAxes),
        color=VERMILLION,
        fontsize=8,
        ha="left",
        va="bottom",
    )
    ax.set_yticks(range(len(items)), [it[0] for it in items])
    ax.invert_yaxis()
    ax.set_ylim(len(items) - 0.5, -0.5)
    ax.set_xlabel(xlabel)
    _tick_format(ax.xaxis, value_format)
    ax.spines["left"].set_visible(False)
    ax.tick_params(axis="y", length=0)
    _fit_right(fig, ax, anchors, pad_px=8)
    return _render(fig, chart_id, alt)


@_styled
def grouped_bars(
    panels: Sequence[Sequence[str]],
    series: Sequence[tuple[str, dict[str, float | None], Formatter, str]],
    *,
    ylabel: str,
    missing_label: str,
    chart_id: str,
    alt: str,
    value_format: Formatter | None = None,
) -> Chart:
    """Vertical grouped bars, one panel per scale, value labels on the bars.

    Args:
        panels: the category labels of each panel (left to right); categories of very
            different sizes go in different panels so small counts stay visible.
        series: ``(series name, {category: value or None when not stated}, value formatter,
            colour)``; a key above the panels names each series by its colour.
        ylabel: axis label of every panel (each has its own scale), with its unit.
        missing_label: label drawn, upright, where a value is not stated.
        chart_id: stable id for the SVG.
        alt: text alternative.
        value_format: formats the axis ticks (default: the first series' formatter).
    """
    fig, axes = plt.subplots(
        1,
        len(panels),
        figsize=(6.4, 3.2),
        width_ratios=[len(p) for p in panels],
        layout="constrained",
    )
    axes = list(axes) if len(panels) > 1 else [axes]
    n = len(series)
    width = 0.8 / n
    missing = []  # (axes, text) of the "not stated" labels
    keyed: dict[str, object] = {}  # one bar of each series, for the key
    for ax, categories in zip(axes, panels, strict=True):
        values = [
            v for _, vals, _, _ in series for c in categories if (v := vals.get(c)) is not None
        ]
        top = max(values)
        for j, (name, vals, fmt, colour) in enumerate(series):
            for i, category in enumerate(categories):
                x = i - 0.4 + width * (j + 0.5)
                value = vals.get(category)
                if value is None:
                    missing.append(
                        (ax, ax.text(x, top * 0.02, missing_label, ha="center", va="bottom",
                                     fontsize=7, color=GREY))
                    )  # fmt: skip
                    continue
                bar = ax.bar(x, value, width=width * 0.92, color=colour, label=name)
                if name not in keyed:
                    keyed[name] = bar
                ax.annotate(
                    fmt(value),
                    (x, value),
                    xytext=(0, 2),
                    textcoords="offset points",
                    ha="center",
                    va="bottom",
                    fontsize=7.5,
                    linespacing=1.15,
                    color=INK,
                    fontweight="normal",
                )
        ax.set_xticks(range(len(categories)), categories)
        ax.tick_params(axis="x", length=0)
        ax.set_xlim(-0.55, len(categories) - 0.45)
        ax.set_ylim(0, top * 1.3)
        ax.grid(axis="y")
        _tick_format(ax.yaxis, value_format or series[0][2])
        ax.set_ylabel(ylabel)  # each panel has its own scale
    fig.legend(
        list(keyed.values()),
        list(keyed),
        loc="outside upper center",
        ncols=len(keyed),
        handlelength=1.2,
        handleheight=1.0,
        columnspacing=1.6,
        fontsize=8,
    )
    fig.get_layout_engine().set(wspace=0.08)
    # "Not stated" labels wider than a bar are all set upright, once the layout is known.
    _layout(fig)
    if any(_width(fig, ax, text) > width * 0.95 for ax, text in missing):
        for _, text in missing:
            text.set_rotation(90)
    return _render(fig, chart_id, alt)


#: Where a point's label may go: the direction from its anchor (x and y factors of the
#: distance, in points), with its horizontal and vertical alignment. Each direction is tried
#: at each of :data:`_DISTANCES` before the next.
_PLACES = {
    "right": (1.4, 0, "left", "center"),
    "right_up": (1.4, 0.5, "left", "bottom"),
    "right_down": (1.4, -0.5, "left", "top"),
    "above": (0, 1, "center", "bottom"),
    "above_right": (1, 1, "left", "bottom"),
    "up_right": (0.3, 1, "left", "bottom"),
    "above_left": (-1, 1, "right", "bottom"),
    "left": (-1.4, 0, "right", "center"),
    "below_right": (1, -1, "left", "top"),
    "below": (0, -1, "center", "top"),
    "below_left": (-1, -1, "right", "top"),
}
_DISTANCES = (6.0, 12.0, 20.0)


def _samples(ax, xs: Sequence[float], ys: Sequence[float], step_px: float = 2.0):
    """Points every ``step_px`` pixels along a polyline given in data coordinates."""
    pts = ax.transData.transform(list(zip(xs, ys, strict=True)))
    out = [tuple(pts[0])]
    for (x0, y0), (x1, y1) in zip(pts[:-1], pts[1:], strict=True):
        n = max(1, int(math.hypot(x1 - x0, y1 - y0) / step_px))
        out += [(x0 + (x1 - x0) * k / n, y0 + (y1 - y0) * k / n) for k in range(1, n + 1)]
    return out


def _place(fig, ax, labels, obstacles, boxes) -> list:
    """Write each label, in turn, at the first of its places that is free.

    A place is free when the label's box lies inside the axes and, with a margin,
    holds none of the ``obstacles`` and overlaps none of ``boxes``. A label with
    no free place goes where it covers least (outside the axes counting most, then other
    labels, then points of lines).

    Args:
        fig: the figure, laid out.
        ax: the axes the labels are written in.
        labels: ``(anchors, text, colour, first)``: the data points the label may be
            written beside (a marker, the ends of its whisker), the text, its colour and the
            direction of :data:`_PLACES` tried first (None: their order).
        obstacles: display points the labels must not cover (along lines and whiskers,
            around markers).
        boxes: display boxes the labels must not overlap (the key); each label's box is
            added once it is written.

    Returns:
        The labels' boxes, in the order of ``labels``.
    """
    frame = ax.get_window_extent().frozen()
    placed = []
    for anchors, label, colour, first in labels:
        order = [first] if first else []
        order += [name for name in _PLACES if name != first]
        places = [
            (sx * d, sy * d, ha, va)
            for name in order
            for d in _DISTANCES
            for sx, sy, ha, va in [_PLACES[name]]
        ]
        text = ax.annotate(label, anchors[0], (0, 0), textcoords="offset points", fontsize=7.5,
                           color=colour, linespacing=1.2, annotation_clip=False)  # fmt: skip
        text.set_in_layout(False)
        best = None
        for anchor in anchors:
            for dx, dy, ha, va in places:
                text.xy, text.xyann = anchor, (dx, dy)
                text.set(ha=ha, va=va)
                box = text.get_window_extent()
                outside = not (
                    box.x0 >= frame.x0
                    and box.x1 <= frame.x1
                    and box.y0 >= frame.y0
                    and box.y1 <= frame.y1
                )
                # Margins: 4 pixels, and 6 % of the width on the side the text runs to, as
                # a PDF or browser may set it a little wider than matplotlib measures it.
                more = {"left": (0, 0.06), "right": (0.06, 0), "center": (0.03, 0.03)}[ha]
                box = Bbox.from_extents(
                    box.x0 - more[0] * box.width,
                    box.y0,
                    box.x1 + more[1] * box.width,
                    box.y1,
                ).padded(4)
                cost = (
                    10_000 * outside
                    + 100 * sum(box.overlaps(b) for b in boxes)
                    + sum(box.contains(x, y) for x, y in obstacles)
                )
                if best is None or cost < best[0]:
                    best = (cost, anchor, dx, dy, ha, va)
                if cost == 0:
                    break
            if best is not None and best[0] == 0:
                break
        assert best is not None
        _, anchor, dx, dy, ha, va = best
        text.xy, text.xyann = anchor, (dx, dy)
        text.set(ha=ha, va=va)
        box = text.get_window_extent()  # the text alone: measured before its leader
        if math.hypot(dx, dy) > 3 * _DISTANCES[0]:  # far from its point: a leader line
            text.remove()
            text = ax.annotate(label, anchor, (dx, dy), textcoords="offset points",
                               fontsize=7.5, color=colour, linespacing=1.2, ha=ha, va=va,
                               annotation_clip=False,
                               arrowprops={"arrowstyle": "-", "color": GREY, "lw": 0.5,
                                           "shrinkA": 1, "shrinkB": 4, "relpos": (
                                               {"left": 0, "center": 0.5, "right": 1}[ha],
                                               {"bottom": 0, "center": 0.5, "top": 1}[va])},
                               )  # fmt: skip
            text.set_in_layout(False)
        boxes.append(box)
        placed.append(box)
    return placed


@_styled
def trajectory(
    paths: Sequence[tuple[Sequence[int], Sequence[float], str, str, object]],
    *,
    stated: Sequence[tuple[int, float, tuple[float, float], str]],
    stated_key: str,
    ylabel: str,
    chart_id: str,
    alt: str,
    years: tuple[int, int],
    value_format: Formatter,
    implied: Sequence[tuple[int, float, str]] = (),
    implied_key: str = "",
    ends: Sequence[tuple[int, float, str, str]] = (),
    gap: tuple[int, int, str] | None = None,
) -> Chart:
    """Sizes over the years on a linear scale: growth paths, stated and computed points.

    The key, inside the plot at its top left, names the paths, the shaded gap between two
    of them and the two kinds of points; each point's value is written beside it, at the
    first place that covers no line, whisker, marker, key or other label (labels of the last
    year first get room on the right of the axis).

    Args:
        paths: ``(years, values, key label, colour, linestyle)`` of computed paths.
        stated: ``(year, value, (low, high), label)`` of stated sizes (filled dots); the
            whisker spans the values the stated precision allows ("about").
        stated_key: key entry of the stated sizes.
        ylabel: axis label, with its unit.
        chart_id: stable id for the SVG.
        alt: text alternative.
        years: first and last year of the x axis.
        value_format: formats tick values for the report's language.
        implied: ``(year, value, label)`` of computed points (hollow dots).
        implied_key: key entry of the computed points.
        ends: ``(year, value, label, colour)``: values of paths, labelled without a marker.
        gap: ``(path, path, key label)``: the area between two paths (indices in
            ``paths``) is shaded over the years they share.
    """
    fig, ax = _figure(6.4, 3.6)
    # The SVG is written at 72 dpi: measured at the same, texts and lines agree.
    fig.set_dpi(72)
    handles, names = [], []
    for xs, ys, key, colour, style in paths:
        (line,) = ax.plot(xs, ys, color=colour, linestyle=style, zorder=2)
        handles.append(line)
        names.append(key)
    if gap is not None:
        (xa, ya, _, colour, _), (xb, yb, _, _, _) = paths[gap[0]], paths[gap[1]]
        shared = sorted(set(xa) & set(xb))
        lower = [yb[list(xb).index(x)] for x in shared]
        upper = [ya[list(xa).index(x)] for x in shared]
        patch = ax.fill_between(shared, lower, upper, color=colour, alpha=0.3, lw=0, zorder=1)
        handles.append(patch)
        names.append(gap[2])
    for year, value, (low, high), _ in stated:
        bars = ax.errorbar([year], [value], yerr=[[value - low], [high - value]], fmt="o",
                           color=INK, markersize=5, capsize=3, elinewidth=1, zorder=4)  # fmt: skip
    if stated:
        handles.append(bars)
        names.append(stated_key)
    for year, value, _ in implied:
        (dot,) = ax.plot([year], [value], "o", mfc="white", mec=INK, markersize=5, zorder=4)
    if implied:
        handles.append(dot)
        names.append(implied_key)
    top = max([v for _, vs, _, _, _ in paths for v in vs] + [h for _, _, (_, h), _ in stated])
    ax.set_ylim(0, top * 1.22)
    ax.set_xlim(years[0] - 0.6, years[1] + 0.6)
    marks = sorted({years[0], years[1], *(y for y, *_ in stated), *(y for y, *_ in implied)})
    ax.set_xticks(range(years[0], years[1] + 1), minor=True)
    ax.set_xticks(marks, [str(y) for y in marks])
    _tick_format(ax.yaxis, value_format)
    ax.set_ylabel(ylabel)
    ax.grid(axis="y")
    key = ax.legend(handles, names, loc="upper left", fontsize=7.5, handlelength=2.2,
                    borderaxespad=0.3, labelspacing=0.45)  # fmt: skip
    labels = [([(y, v), (y, h)] if v < h else [(y, v)], text, INK)
              for y, v, (_, h), text in stated]  # fmt: skip
    labels += [([(y, v)], text, colour) for y, v, text, colour in ends]
    labels += [([(y, v)], text, INK) for y, v, text in implied]
    # The last year's labels right of it, in the order of their values: the highest above
    # its point, the others below theirs.
    highest = max((a[0][1] for a, *_ in labels if a[0][0] == years[1]), default=None)
    labels = [
        (a, text, colour, None if a[0][0] != years[1] else
         "right_up" if a[0][1] == highest else "right_down")
        for a, text, colour in labels
    ]  # fmt: skip
    # Room right of the last year for its labels (each as wide as its widest line).
    last = [ax.text(years[1], 0, text, fontsize=7.5, linespacing=1.2)
            for (anchors, text, *_) in labels if anchors[0][0] == years[1]]  # fmt: skip
    _fit_right(fig, ax, [(years[1], t) for t in last], pad_px=1.4 * _DISTANCES[0] + 8)
    for t in last:
        t.remove()
    _layout(fig)
    obstacles = []
    for xs, ys, *_ in paths:
        obstacles += _samples(ax, xs, ys)
    for year, _, (low, high), _ in stated:
        obstacles += _samples(ax, [year, year], [low, high])
    for year, value, *_ in (*stated, *implied):
        cx, cy = ax.transData.transform((year, value))
        obstacles += [(cx + dx, cy + dy) for dx in (-4, 0, 4) for dy in (-4, 0, 4)]
    _place(fig, ax, labels, obstacles, [key.get_window_extent()])
    return _render(fig, chart_id, alt)


@_styled
def timeline(
    events: Sequence[tuple[date, str, str, str, str, bool]],
    *,
    chart_id: str,
    alt: str,
    groups: Sequence[tuple[str, str]] = (),
    reported_label: str | None = None,
) -> Chart:
    """Events listed one per row in date order, under a heading for each year.

    Each row reads: a dot in the event's colour, its date, its label, then a detail in grey.
    A year's heading stands on a line of its own with a rule, so a row is never read against
    another year. Rows too long for the figure are written in a smaller font.

    Args:
        events: ``(date, date label, label, detail, colour, reported)`` sorted by date;
            ``reported`` draws a hollow dot (the event is dated by the document that
            reports it).
        chart_id: stable id for the SVG.
        alt: text alternative.
        groups: ``(name, colour)`` of the colours used: the key above the rows, each
            name after a dot drawn as the rows draw theirs.
        reported_label: the key's name of the hollow dot (events dated by the document
            that reports them); None leaves it out of the key.
    """
    items: list[int | tuple[date, str, str, str, str, bool]] = []
    for event in events:
        if not items or event[0].year != _year_of(items):
            items.append(event[0].year)
        items.append(event)
    n = len(items)
    fig = plt.figure(figsize=(6.4, 1.0))
    ax = fig.add_axes((0.0, 0.0, 1.0, 1.0))  # fixed: the columns are measured in it
    ax.set_xlim(0, 1)
    ax.axis("off")
    year_x, row_x, date_x, gap = 0.01, 0.035, 0.055, 0.022
    # The key first: widths along x do not depend on the figure's height, set after.
    keys = [(name, colour, colour) for name, colour in groups]
    if reported_label is not None:
        keys.append((reported_label, "white", GREY))
    x, line, placed = year_x, 0, []
    for name, face, edge in keys:
        text = ax.text(x + 0.016, 0, name, va="center", fontsize=7.5, color=INK)
        if x > year_x and x + 0.016 + _width(fig, ax, text) > 0.995:
            x, line = year_x, line + 1  # no room left on this line: the next one
            text.set_x(x + 0.016)
        placed.append((x, line, text, face, edge))
        x += 0.016 + _width(fig, ax, text) + 0.035
    lines = line + 1 if keys else 0
    for x, line, text, face, edge in placed:
        y = -0.95 - 0.8 * (lines - 1 - line)  # the first line on top
        text.set_y(y)
        ax.plot([x], [y], "o", mfc=face, mec=edge, markersize=5.5, mew=1.2)
    top = -0.55 - 0.8 * lines if keys else -0.8
    fig.set_size_inches(6.4, 0.25 * (n + 0.6 - top))
    ax.set_ylim(n - 0.4, top)
    dates = []
    for row, item in enumerate(items):
        if isinstance(item, int):
            ax.text(year_x, row, str(item), va="center", fontsize=8.5, fontweight="bold", color=INK)
            ax.plot([year_x, 0.995], [row + 0.42, row + 0.42], color=GREY_LIGHT, linewidth=0.6)
            continue
        _, when_label, _, _, colour, reported = item
        face = "white" if reported else colour
        ax.plot([row_x], [row], "o", mfc=face, mec=colour, markersize=5.5, mew=1.2, zorder=3)
        dates.append(ax.text(date_x, row, when_label, va="center", fontsize=7.5, color=GREY))
    label_x = date_x + max((_width(fig, ax, d) for d in dates), default=0) + gap
    for row, item in enumerate(items):
        if isinstance(item, int):
            continue
        _, _, label, detail, _, _ = item
        text = ax.text(label_x, row, label, va="center", fontsize=7.5, color=INK)
        # A no-break space: SVG collapses a leading plain space.
        more = ax.text(
            label_x, row, f"\u00a0·\u00a0{detail}", va="center", fontsize=7.5, color=GREY
        )
        for size in (7.5, 7.0, 6.5, 6.0):
            text.set_fontsize(size)
            more.set_fontsize(size)
            more.set_x(label_x + _width(fig, ax, text))
            if more.get_position()[0] + _width(fig, ax, more) <= 0.995:
                break
    return _render(fig, chart_id, alt)


def _year_of(items: list) -> int:
    """The year of the last event listed (the heading a new event may need)."""
    last = items[-1]
    return last if isinstance(last, int) else last[0].year
