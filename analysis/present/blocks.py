r"""Blocks: the typed, immutable pieces a report is made of.

A report notebook displays a sequence of blocks (a title block, key figures, headings,
paragraphs, figures, tables, definition lists). A block holds data only: words already in
the report's language, numbers already formatted. It renders through the Jinja templates of
``analysis/present/templates/<format>/<kind>.<ext>.j2`` to HTML (``text/html``, what
JupyterLab and the HTML page show) and to Typst markup (:data:`TYPST_MIMETYPE`, what the PDF
is compiled from), so one executed notebook is the single source of both editions::

    >>> Paragraph((Run("Budget: "), Run("81 M€", "strong"))).render("html")
    '<p>Budget: <strong>81 M€</strong></p>\n'

``+`` joins blocks into :class:`Blocks`, which a notebook cell displays as one output.
"""

from __future__ import annotations

import base64
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any, ClassVar

import jinja2

from analysis.present.formatting import numbers_unbroken

__all__ = [
    "FORMATS",
    "TYPST_MIMETYPE",
    "Badge",
    "Block",
    "Blocks",
    "Break",
    "Colophon",
    "Column",
    "DefinitionList",
    "Equation",
    "Figure",
    "Formula",
    "Heading",
    "Inline",
    "MathAbs",
    "MathFrac",
    "MathNum",
    "MathOp",
    "MathParen",
    "MathPow",
    "MathSym",
    "KeyFigures",
    "MathNode",
    "Paragraph",
    "Run",
    "Table",
    "Tile",
    "TitleBlock",
    "TrackedFacts",
    "render",
    "svg_data_uri",
    "typst_string",
]

#: MIME type of a block's Typst markup in a notebook output.
TYPST_MIMETYPE = "text/vnd.typst"

#: Output formats: name -> (template folder, file extension, MIME type).
FORMATS = {
    "html": ("html", "html", "text/html"),
    "typst": ("typst", "typ", TYPST_MIMETYPE),
}

TEMPLATES = Path(__file__).with_name("templates")

#: Inline styles a :class:`Run` may carry.
STYLES = frozenset({"", "strong", "small", "code", "quote", "absent", "tile-bound"})


# --------------------------------------------------------------------------------------
# Inline content
# --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Run:
    """A run of text with one style.

    Attributes:
        text: the words, plain text (templates escape it).
        style: ``""`` (plain), ``strong``, ``small`` (a definition, a reference),
            ``code``, ``quote`` (a verbatim passage of a source), ``absent`` (a figure a
            version does not state).
        lang: the language of a quotation, when it differs from the report's.
    """

    text: str
    style: str = ""
    lang: str = ""

    def __post_init__(self) -> None:
        if self.style not in STYLES:
            raise ValueError(f"style must be one of {sorted(STYLES)}, got {self.style!r}")


@dataclass(frozen=True)
class Badge:
    """A verdict of the claims audit: an icon and a word, readable without colour."""

    verdict: str
    word: str
    icon: str

    @property
    def slug(self) -> str:
        """The verdict as a CSS-safe name (``not-verifiable``)."""
        return self.verdict.replace(" ", "-").replace("_", "-")


@dataclass(frozen=True)
class Break:
    """A line break inside a cell (between the passages of a locator list)."""


# Mathematical notation: a formula is a tree of these nodes, which the templates write as
# MathML (HTML) and Typst math (PDF); words in a formula stay words ("projected jobs").


@dataclass(frozen=True)
class MathSym:
    """A quantity: one letter (a variable, set in italics) or words, with a subscript."""

    kind: ClassVar[str] = "sym"
    text: str
    sub: str = ""

    @property
    def variable(self) -> bool:
        """Whether the symbol is a single letter (a variable) rather than words."""
        return len(self.text) == 1 and self.text.isalpha()


@dataclass(frozen=True)
class MathNum:
    """A number as written (``1``, ``100%``)."""

    kind: ClassVar[str] = "num"
    text: str


#: Operators a :class:`MathOp` may carry, as printed.
MATH_OPERATORS = frozenset({"+", "\u2212", "\u00d7", "=", "<", ">", "\u2264", "\u2265"})


@dataclass(frozen=True)
class MathOp:
    """Two terms joined by an infix operator (``+``, ``−``, ``×``, ``=``, ``<``, ``≤``...)."""

    kind: ClassVar[str] = "op"
    op: str
    left: MathNode
    right: MathNode

    def __post_init__(self) -> None:
        if self.op not in MATH_OPERATORS:
            raise ValueError(f"op must be one of {sorted(MATH_OPERATORS)}, got {self.op!r}")


@dataclass(frozen=True)
class MathFrac:
    """A fraction: numerator over denominator, or on one line with a slash (in an exponent)."""

    kind: ClassVar[str] = "frac"
    num: MathNode
    den: MathNode
    slash: bool = False


@dataclass(frozen=True)
class MathPow:
    """A power: base with a superscript exponent."""

    kind: ClassVar[str] = "pow"
    base: MathNode
    exp: MathNode


@dataclass(frozen=True)
class MathParen:
    """A term in parentheses."""

    kind: ClassVar[str] = "paren"
    inner: MathNode


@dataclass(frozen=True)
class MathAbs:
    """An absolute value: a term between vertical bars."""

    kind: ClassVar[str] = "abs"
    inner: MathNode


MathNode = MathSym | MathNum | MathOp | MathFrac | MathPow | MathParen | MathAbs


@dataclass(frozen=True)
class Formula:
    """A formula set in mathematical notation, inline (in a sentence or a table cell).

    Attributes:
        expr: the formula's tree.
        text: the formula written in words and plain symbols, which assistive technology
            reads (``Budget ÷ projected jobs``).
        display: fractions and powers at full size (a table cell), not at a line's height.
    """

    expr: MathNode
    text: str
    display: bool = False


Inline = Run | Badge | Break | Formula


def _inlines(value: object) -> tuple[Inline, ...]:
    """Normalise a cell or a paragraph's content to a tuple of inline pieces."""
    if isinstance(value, Run | Badge | Break | Formula):
        return (value,)
    if isinstance(value, str):
        return (Run(value),)
    if isinstance(value, Iterable):
        return tuple(piece for item in value for piece in _inlines(item))
    raise TypeError(f"inline content must be text, Run, Badge, Break or Formula, got {value!r}")


# --------------------------------------------------------------------------------------
# Blocks
# --------------------------------------------------------------------------------------


class Block:
    """Base of every block: rendering and display in a notebook."""

    kind: ClassVar[str] = ""

    def render(self, fmt: str) -> str:
        """Return the block in ``fmt`` (``html`` or ``typst``)."""
        return render(self, fmt)

    def _repr_mimebundle_(self, include: Any = None, exclude: Any = None) -> dict[str, str]:
        return Blocks((self,))._repr_mimebundle_(include, exclude)

    def __add__(self, other: object) -> Blocks:
        return Blocks((self,)) + other

    def __radd__(self, other: object) -> Blocks:
        return Blocks(_blocks(other)) + self


def _blocks(value: object) -> tuple[Block, ...]:
    if value is None:
        return ()
    if isinstance(value, Block):
        return (value,)
    if isinstance(value, Iterable) and not isinstance(value, str):
        return tuple(b for item in value for b in _blocks(item))
    raise TypeError(f"only blocks can be joined to blocks, got {value!r}")


class Blocks(tuple):
    """Blocks displayed together as one notebook output (``a + b + c``)."""

    __slots__ = ()

    def __new__(cls, items: Iterable[Block] = ()) -> Blocks:
        """Flatten ``items`` (blocks or sequences of blocks) into one sequence."""
        return super().__new__(cls, _blocks(items))

    def __add__(self, other: object) -> Blocks:  # type: ignore[override]
        return Blocks((*self, *_blocks(other)))

    def __radd__(self, other: object) -> Blocks:
        return Blocks((*_blocks(other), *self))

    def render(self, fmt: str) -> str:
        """Return every block in ``fmt``, in order."""
        return "".join(render(block, fmt) for block in self)

    def _repr_mimebundle_(self, include: Any = None, exclude: Any = None) -> dict[str, str]:
        bundle = {mime: self.render(fmt) for fmt, (_, _, mime) in FORMATS.items()}
        bundle["text/plain"] = " | ".join(b.kind for b in self)
        return bundle


@dataclass(frozen=True)
class TitleBlock(Block):
    """The report's title, subtitle and particulars (publisher, edition, sources' period).

    A scenario edition's ``scenario`` mark is shown under the title, and on every page of
    the PDF.
    """

    kind: ClassVar[str] = "title_block"
    kicker: str
    title: str
    subtitle: str
    meta: tuple[tuple[str, str], ...] = ()
    #: The scenario's mark when the edition departs from the stated figures, else "".
    scenario: str = ""


@dataclass(frozen=True)
class Colophon(Block):
    """The edition's particulars at the end of the report (publisher, data, language).

    The HTML page shows it as its footer; the PDF as the last block of the last page.
    """

    kind: ClassVar[str] = "colophon"
    heading: str
    items: tuple[tuple[str, str], ...]


@dataclass(frozen=True)
class Tile:
    """One key figure: the bound wording around the number, what it counts, why it matters."""

    number: str
    unit: str
    meaning: str
    source: str = ""
    before: str = ""
    after: str = ""
    fact_ids: tuple[str, ...] = ()


@dataclass(frozen=True)
class KeyFigures(Block):
    """The first page's summary: key-figure tiles, then a few plain sentences."""

    kind: ClassVar[str] = "key_figures"
    heading: str
    tiles: tuple[Tile, ...]
    points: tuple[str, ...]
    #: One source note for the whole set of tiles, when they share it (else "").
    source_note: str = ""


@dataclass(frozen=True)
class Heading(Block):
    """A section (level 1) or subsection (level 2) heading; appendices are flagged."""

    kind: ClassVar[str] = "heading"
    text: str
    level: int = 1
    appendix: bool = False

    def __post_init__(self) -> None:
        if self.level not in (1, 2):
            raise ValueError(f"level must be 1 or 2, got {self.level!r}")


@dataclass(frozen=True)
class Paragraph(Block):
    """A paragraph of inline runs; ``style`` ``note`` sets it in small print."""

    kind: ClassVar[str] = "paragraph"
    runs: tuple[Inline, ...]
    style: str = ""

    def __post_init__(self) -> None:
        object.__setattr__(self, "runs", _inlines(self.runs))


@dataclass(frozen=True)
class Figure(Block):
    """A numbered chart: SVG, text alternative, caption and source line.

    ``zoom`` holds the words of the HTML page's switch between the chart fitted to a
    phone's width and the chart at its full size (scrolling in its box): (to full size,
    back to the width); empty, the page offers no switch.
    """

    kind: ClassVar[str] = "figure"
    number: str
    caption: str
    source: str
    alt: str
    svg: str
    key: str = ""
    anchor: str = ""
    fact_ids: tuple[str, ...] = ()
    zoom: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        if not self.alt.strip():
            raise ValueError(f"figure {self.key!r} has no text alternative")
        if self.zoom and len(self.zoom) != 2:
            raise ValueError(f"figure {self.key!r}: zoom needs two labels, got {self.zoom!r}")
        if "<svg" not in self.svg:
            raise ValueError(f"figure {self.key!r} is not an SVG image")


@dataclass(frozen=True)
class Column:
    """A table column: header, whether it holds numbers (right-aligned), relative width."""

    label: str
    numeric: bool = False
    width: int | None = None


@dataclass(frozen=True)
class Table(Block):
    """A numbered table: caption, columns, rows of cells, source line.

    A cell is a tuple of inline pieces (text runs, verdict badges, line breaks). The first
    cell of each row is a row header unless ``row_headers`` is false; ``total`` marks the
    last row as a total row.
    """

    kind: ClassVar[str] = "table"
    number: str
    caption: str
    columns: tuple[Column, ...]
    rows: tuple[tuple[tuple[Inline, ...], ...], ...]
    source: str = ""
    style: str = ""
    row_headers: bool = True
    total: bool = False
    fact_ids: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        rows = tuple(tuple(_inlines(cell) for cell in row) for row in self.rows)
        for i, row in enumerate(rows, start=1):
            if len(row) != len(self.columns):
                raise ValueError(
                    f"table {self.number!r}: row {i} has {len(row)} cells "
                    f"for {len(self.columns)} columns"
                )
        object.__setattr__(self, "rows", rows)

    @property
    def widths(self) -> tuple[int, ...]:
        """Relative column widths (equal unless every column has one)."""
        given = [c.width for c in self.columns]
        if any(w is None for w in given):
            return tuple(1 for _ in given)
        return tuple(w for w in given if w is not None)


@dataclass(frozen=True)
class DefinitionList(Block):
    """Terms and their definitions: the glossary, the verdicts' meaning."""

    kind: ClassVar[str] = "definition_list"
    items: tuple[tuple[tuple[Inline, ...], tuple[Inline, ...]], ...]
    style: str = ""

    def __post_init__(self) -> None:
        items = tuple((_inlines(term), _inlines(text)) for term, text in self.items)
        object.__setattr__(self, "items", items)


@dataclass(frozen=True)
class Equation(Block):
    """A formula set on its own line, then what its symbols stand for (``where ...``)."""

    kind: ClassVar[str] = "equation"
    formula: Formula
    where: tuple[Inline, ...] = ()

    def __post_init__(self) -> None:
        object.__setattr__(self, "where", _inlines(self.where))


@dataclass(frozen=True)
class TrackedFacts(Block):
    """Every fact the report used (read by tests and tools; shows nothing)."""

    kind: ClassVar[str] = "tracked_facts"
    fact_ids: tuple[str, ...] = field(default=())


# --------------------------------------------------------------------------------------
# Rendering
# --------------------------------------------------------------------------------------


def typst_string(value: object) -> str:
    """Return ``value`` as a Typst string literal (quotes, backslashes, controls escaped).

    A Typst string literal is shown as plain text: no character of it can become markup.
    """
    out = []
    for char in str(value):
        if char in _TYPST_ESCAPES:
            out.append(_TYPST_ESCAPES[char])
        elif ord(char) < 0x20 or ord(char) == 0x7F:
            out.append(f"\\u{{{ord(char):x}}}")
        else:
            out.append(char)
    return '"' + "".join(out) + '"'


_TYPST_ESCAPES = {"\\": "\\\\", '"': '\\"', "\n": "\\n", "\r": "\\r", "\t": "\\t"}


def svg_data_uri(svg: str) -> str:
    """Return an SVG image as a base64 ``data:`` URI (the page loads nothing from outside)."""
    svg = svg[svg.index("<svg") :]
    # An SVG file (which a data URI is) needs its namespace; base64 keeps the namespace URL
    # out of the page's text.
    if 'xmlns="http://www.w3.org/2000/svg"' not in svg[: svg.index(">")]:
        svg = svg.replace("<svg", '<svg xmlns="http://www.w3.org/2000/svg"', 1)
    return "data:image/svg+xml;base64," + base64.b64encode(svg.encode("utf-8")).decode("ascii")


@cache
def environment(fmt: str) -> jinja2.Environment:
    """Return the Jinja environment of an output format (templates read once)."""
    if fmt not in FORMATS:
        raise ValueError(f"format must be one of {', '.join(FORMATS)}, got {fmt!r}")
    folder, _, _ = FORMATS[fmt]
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(TEMPLATES / folder),
        autoescape=fmt == "html",
        undefined=jinja2.StrictUndefined,
        keep_trailing_newline=True,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters["typst"] = typst_string
    env.filters["svg_data_uri"] = svg_data_uri
    env.filters["unbroken"] = numbers_unbroken
    env.tests["run"] = lambda x: isinstance(x, Run)
    env.tests["badge"] = lambda x: isinstance(x, Badge)
    env.tests["break"] = lambda x: isinstance(x, Break)
    env.tests["formula"] = lambda x: isinstance(x, Formula)
    return env


def render(block: Block, fmt: str) -> str:
    """Render one block with its template ``<kind>.<ext>.j2`` of format ``fmt``."""
    env = environment(fmt)
    _, ext, _ = FORMATS[fmt]
    return env.get_template(f"{block.kind}.{ext}.j2").render(block=block)
