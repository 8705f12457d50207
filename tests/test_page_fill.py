"""No near-empty page in the PDF editions: a page's content ends below its top third.

Where a page's content ends is read from the PDF itself: the lowest text baseline, path
point (rules, bars, a chart's shapes) or image inside the page body, the running header and
footer left out. A page may end high only if the next page opens a section that always
starts a page of its own (the contents), or if it is the document's only page: the last
page too must not be a few lines spilled from the one before (the end of a glossary).
"""

import io
import re
from pathlib import Path

import pytest
import typst
from pypdf import PageObject, PdfReader

from analysis import paths
from analysis.build.registry import REGISTRY
from analysis.present.messages import t

LANGS = ("fr", "en")
VARIANTS = [(name, lang) for name in REGISTRY for lang in LANGS]
TEMPLATE = paths.PACKAGE_DIR / "present" / "templates" / "typst" / "report.typ"
MM = 72 / 25.4
#: Content ending above this share of the page body leaves a near-empty page.
NEAR_EMPTY = 1 / 3


def margin(name: str) -> float:
    """A page margin of the report template (``#let margin-top = 24mm``), in points."""
    found = re.search(rf"^#let margin-{name} = ([\d.]+)mm$", TEMPLATE.read_text("utf-8"), re.M)
    assert found, f"report.typ declares no margin-{name}"
    return float(found.group(1)) * MM


def page_end(page: PageObject) -> float:
    """Where the content of a page's body ends: 0 at the body's top, 1 at its bottom."""
    top, bottom = margin("top"), margin("bottom")
    body_top = float(page.mediabox.height) - top
    lowest = body_top
    images = {
        name
        for name, ref in (page["/Resources"].get("/XObject") or {}).items()
        if ref.get_object().get("/Subtype") == "/Image"
    }

    def keep(y: float) -> None:
        nonlocal lowest
        # A little below the body's bottom edge: descenders and a table's last rule.
        if bottom - 3 < y < body_top:
            lowest = min(lowest, y)

    def on_text(text, cm, tm, font, size):
        if text.strip():
            keep(tm[4] * cm[1] + tm[5] * cm[3] + cm[5])

    def on_operator(op, args, cm, tm):
        points = []
        if op == b"re":
            x, y, _, h = (float(a) for a in args)
            points = [(x, y), (x, y + h)]
        elif op in (b"m", b"l", b"c"):
            points = [tuple(float(a) for a in args[-2:])]
        elif op == b"Do" and args and args[0] in images:
            points = [(0, 0), (0, 1)]  # an image fills the unit square of its matrix
        for x, y in points:
            keep(x * cm[1] + y * cm[3] + cm[5])

    page.extract_text(visitor_text=on_text, visitor_operand_before=on_operator)
    return (body_top - lowest) / (body_top - bottom)


def section_above() -> float:
    """The spacing above a section heading (``#let section-above = 1.8 * section-size``)."""
    text = TEMPLATE.read_text("utf-8")
    size = re.search(r"^#let section-size = ([\d.]+)pt$", text, re.M)
    above = re.search(r"^#let section-above = ([\d.]+) \* section-size$", text, re.M)
    assert size and above, "report.typ declares no section-size or section-above"
    return float(size.group(1)) * float(above.group(1))


def content_ends(pdf: Path | bytes) -> list[float]:
    """For each page, where its body's content ends (see page_end); 0 for an empty body."""
    reader = PdfReader(io.BytesIO(pdf) if isinstance(pdf, bytes) else pdf)
    return [page_end(page) for page in reader.pages]


def near_empty_pages(ends: list[float], opens_page: set[int] = frozenset()) -> list[int]:
    """The pages (from 1) whose content ends in the body's top third, the last one included.

    Args:
        ends: Where each page's content ends (see content_ends).
        opens_page: Pages that start a section which always opens a page: the page before
            each may end anywhere.
    """
    if len(ends) == 1:  # a one-page document ends where its content does
        return []
    return [
        n for n, end in enumerate(ends, start=1) if end < NEAR_EMPTY and n + 1 not in opens_page
    ]


# -- the check itself, on small documents of the report's page -----------------------------


def compile_page(body: str) -> bytes:
    """A PDF of ``body`` on the report's page (A4, its margins, a footer like its own)."""
    source = (
        f'#set page(paper: "a4", margin: (top: {margin("top")}pt, bottom: {margin("bottom")}pt,'
        f" x: {margin('x')}pt), footer: align(right, context counter(page).display()))\n"
        "#set text(size: 9.5pt)\n" + body
    )
    return typst.compile(source.encode("utf-8"), format="pdf")


def test_a_page_broken_after_a_few_lines_is_near_empty():
    # Five lines, then a forced break: page 1 ends near its top, and so does page 2, the
    # last: a few lines alone on the last page count too.
    pdf = compile_page("#lorem(60)\n#pagebreak()\n#lorem(60)\n")
    ends = content_ends(pdf)
    assert len(ends) == 2
    assert 0 < ends[0] < 0.1 and 0 < ends[1] < 0.1
    assert near_empty_pages(ends) == [1, 2]
    # Unless the next page opens a section that always starts a page.
    assert near_empty_pages(ends, opens_page={2}) == [2]
    # A one-page document ends where its content does.
    assert near_empty_pages(content_ends(compile_page("#lorem(60)\n"))) == []


def test_a_half_page_or_a_figure_ending_low_is_not_near_empty():
    # A paragraph, then a shape to 60% of the body (no text there): the shape's end counts.
    body_height = 297 * MM - margin("top") - margin("bottom")
    shape = f"#v({0.4 * body_height}pt)\n#rect(width: 2cm, height: {0.1 * body_height}pt)\n"
    pdf = compile_page("#lorem(60)\n" + shape + "#pagebreak()\n#lorem(20)\n")
    ends = content_ends(pdf)
    assert 0.5 < ends[0] < 0.7
    assert near_empty_pages(ends[:1]) == []
    assert near_empty_pages(ends) == [2]  # the last page: twenty words


def glossary_after(filler: float) -> list[PageObject]:
    """The pages of a filler ``filler`` of the body high, then the template's glossary."""
    body_height = 297 * MM - margin("top") - margin("bottom")
    items = ", ".join(f"([Term {i}], [#lorem(25)])" for i in range(10))
    source = (
        f'#import "{TEMPLATE.name}": *\n#show: report\n'
        f"#rect(width: 2cm, height: {filler * body_height}pt)\n"
        '#report-heading(level: 1, "Glossary")\n'
        f'#definitions(style: "glossary", ({items},))\n'
    )
    pdf = typst.compile(source.encode("utf-8"), root=TEMPLATE.parent, format="pdf")
    return list(PdfReader(io.BytesIO(pdf)).pages)


def test_a_glossary_that_would_spill_moves_whole_to_a_page_of_its_own():
    # The glossary starting at 78% of a page: its two-column form (about a third of a page)
    # has no room there, so it moves with its heading and is set one entry a line: the
    # last page ends below its top third, the page before at 78%.
    pages = glossary_after(0.78)
    ends = [page_end(page) for page in pages]
    assert len(pages) == 2 and ends[0] > 0.75 and ends[1] > NEAR_EMPTY, ends
    assert opening_lines(pages[1])[:2] == ["Glossary", "Term 0"]
    assert near_empty_pages(ends) == []
    # With room for it (from 30% of the page), it stays, two entries a row.
    (page,) = glossary_after(0.3)
    assert page_end(page) < 0.75


def test_a_page_with_an_empty_body_counts_as_near_empty():
    pdf = compile_page("#lorem(10)\n#pagebreak()\n#pagebreak()\n#lorem(10)\n")
    assert near_empty_pages(content_ends(pdf)) == [1, 2, 3]


# -- the built reports ---------------------------------------------------------------------


def opening_lines(page: PageObject) -> list[str]:
    """The text runs near the top of a page's body: where a heading opening it stands."""
    top, bottom = margin("top"), margin("bottom")
    body_top = float(page.mediabox.height) - top
    # The heading's baseline: within its own height and spacing of the body's top.
    opening = body_top - 0.1 * (body_top - bottom)
    lines = []

    def on_text(text, cm, tm, font, size):
        y = tm[4] * cm[1] + tm[5] * cm[3] + cm[5]
        if opening < y < body_top and text.strip():
            lines.append(text.strip())

    page.extract_text(visitor_text=on_text)
    return lines


def pages_opening_with(pdf: Path, title: str) -> set[int]:
    """The pages (from 1) whose body opens with a line that reads ``title``."""
    pages = PdfReader(pdf).pages
    return {n for n, page in enumerate(pages, start=1) if title in opening_lines(page)}


@pytest.mark.build
@pytest.mark.parametrize(("name", "lang"), VARIANTS)
def test_no_page_ends_in_its_top_third(reports_build, name, lang):
    pdf = reports_build["out"] / lang / f"{name}.pdf"
    ends = content_ends(pdf)
    # The contents always open a page: the page before them may end anywhere.
    contents = pages_opening_with(pdf, t("report.contents", lang))
    near_empty = near_empty_pages(ends, contents)
    assert near_empty == [], {n: round(ends[n - 1], 2) for n in near_empty}


# -- the running header --------------------------------------------------------------------


def header_text(page: PageObject) -> str:
    """The running header of a page: its text above the body."""
    body_top = float(page.mediabox.height) - margin("top")
    runs = []

    def on_text(text, cm, tm, font, size):
        if tm[4] * cm[1] + tm[5] * cm[3] + cm[5] > body_top and text.strip():
            runs.append(text.strip())

    page.extract_text(visitor_text=on_text)
    return " ".join(runs)


@pytest.mark.build
@pytest.mark.parametrize(("name", "lang"), VARIANTS)
def test_the_running_header_names_the_section_at_the_top_of_the_page(reports_build, name, lang):
    pdf = reports_build["out"] / lang / f"{name}.pdf"
    reader = PdfReader(pdf)
    # The sections, as bookmarked: the title's children (the contents are not bookmarked).
    title, sections = reader.outline[0], reader.outline[1]
    starts = [
        (reader.get_destination_page_number(s) + 1, float(s["/Top"]), s.title)
        for s in sections
        if not isinstance(s, list)
    ]
    contents = pages_opening_with(pdf, t("report.contents", lang))
    for number, page in enumerate(reader.pages, start=1):
        header = header_text(page)
        if number == 1:
            assert header == "", header  # the title page has none
            continue
        body_top = float(page.mediabox.height) - margin("top")
        # In force: the last section begun on an earlier page, or one opening this page
        # (nothing above its heading but, at most, the spacing above a section).
        opening = body_top - section_above() - 1
        begun = [s for p, top, s in starts if p < number or (p == number and top >= opening)]
        expected = t("report.contents", lang) if number in contents else begun[-1]
        assert header.startswith(title.title), (number, header)
        assert header.endswith(expected), (number, header, expected)
