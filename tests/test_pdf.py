"""The PDF edition (analysis.build.pdf): standards, attachments, fonts, page furniture."""

import io
import json
import os
import re
import subprocess
import sys
from datetime import UTC, datetime
from pathlib import Path

import nbformat
import pypdf
import pytest

from analysis.build import pdf
from analysis.present.blocks import (
    Column,
    Figure,
    Heading,
    Paragraph,
    Table,
    TitleBlock,
)
from analysis.present.display import attachment_bundle

DATE = datetime(2024, 5, 14, tzinfo=UTC)
PAGE = pdf.PdfPage(lang="en", author="Publisher of the brief", keywords=("biotech",), created=DATE)
SVG = (
    '<svg xmlns="http://www.w3.org/2000/svg" width="120" height="60" viewBox="0 0 120 60">'
    '<rect x="10" y="10" width="40" height="40" fill="#0072b2"/>'
    '<text x="60" y="35" font-family="DejaVu Sans" font-size="10">42 %</text></svg>'
)
A4_HEIGHT = 841.89  # points
MM = 72 / 25.4


def notebook(*cells: tuple[object, list[str]]) -> nbformat.NotebookNode:
    """A notebook whose code cells display the given blocks or bundles, with cell tags."""
    nb = nbformat.v4.new_notebook()
    for shown, tags in cells:
        cell = nbformat.v4.new_code_cell("", metadata={"tags": tags})
        bundle = shown if isinstance(shown, dict) else shown._repr_mimebundle_()
        cell.outputs = [nbformat.v4.new_output("display_data", data=bundle)]
        nb.cells.append(cell)
    return nb


def small_report() -> nbformat.NotebookNode:
    title = TitleBlock("Brief", "A small report", "Its subtitle", (("Data as of", "14 May 2024"),))
    body = (
        Heading("Findings")
        + Paragraph("Two files are attached to this document.")
        + Figure("Figure 1.", "A square and a number", "Source: none.", "A blue square.", SVG)
        + Table(
            "Table 1.",
            "Two rows",
            (Column("Name"), Column("Value", numeric=True)),
            (("first", "1.0"), ("second", "2.0")),
        )
    )
    return notebook(
        (title, []),
        (body, []),
        (attachment_bundle("facts.csv", "Facts used", "fact_id,value\nF1,1\n"), []),
        (attachment_bundle("claims.csv", "Claims checked", "claim_id,verdict\nC1,ok\n"), []),
    )


@pytest.fixture(scope="module")
def small_pdf() -> bytes:
    return pdf.notebook_to_pdf(small_report(), PAGE)


# -- collecting the notebook's outputs -------------------------------------------------------


def test_collect_skips_removed_parameter_and_other_language_cells():
    nb = notebook(
        (Paragraph("parameters"), ["parameters"]),
        (Paragraph("injected"), ["injected-parameters"]),
        (Paragraph("kept"), []),
        (Paragraph("removed"), ["remove"]),
        (Paragraph("french"), ["lang-fr"]),
        (Paragraph("english"), ["lang-en"]),
    )
    markup, attachments = pdf.collect(nb, "en")
    assert markup == [
        Paragraph("kept").render("typst"),
        Paragraph("english").render("typst"),
    ]
    assert attachments == []


def test_collect_refuses_the_same_file_attached_twice():
    bundle = attachment_bundle("facts.csv", "Facts", "a\n1\n")
    with pytest.raises(pdf.PdfError, match="^the notebook attaches 'facts.csv' twice$"):
        pdf.collect(notebook((bundle, []), (bundle, [])), "en")


def test_collect_refuses_an_unknown_language():
    with pytest.raises(pdf.PdfError, match="^lang must be one of fr, en, got 'de'$"):
        pdf.collect(notebook(), "de")


# -- standards, metadata, attachments ---------------------------------------------------------


def test_each_attachment_is_listed_once(small_pdf):
    root = pypdf.PdfReader(io.BytesIO(small_pdf)).trailer["/Root"]
    associated = [spec.get_object()["/F"] for spec in root["/AF"]]
    names = root["/Names"]["/EmbeddedFiles"]["/Names"][::2]
    assert sorted(associated) == ["claims.csv", "facts.csv"]
    assert sorted(names) == ["claims.csv", "facts.csv"]
    specs = {spec.get_object()["/F"]: spec.get_object() for spec in root["/AF"]}
    assert specs["facts.csv"]["/AFRelationship"] == "/Data"
    assert specs["facts.csv"]["/Desc"] == "Facts used"
    assert specs["facts.csv"]["/EF"]["/F"].get_object().get_data() == b"fact_id,value\nF1,1\n"


def test_pdf_a3a_and_pdf_ua1_are_declared_with_language_and_publisher(small_pdf):
    reader = pypdf.PdfReader(io.BytesIO(small_pdf))
    xmp = reader.xmp_metadata.stream.get_data().decode("utf-8")
    assert "<pdfaid:part>3</pdfaid:part>" in xmp
    assert "<pdfaid:conformance>A</pdfaid:conformance>" in xmp
    assert "<pdfuaid:part>1</pdfuaid:part>" in xmp
    assert "<dc:language><rdf:Bag><rdf:li>en</rdf:li></rdf:Bag></dc:language>" in xmp
    root = reader.trailer["/Root"]
    assert root["/Lang"] == "en"
    assert bool(root["/MarkInfo"]["/Marked"])  # a pypdf BooleanObject
    assert "/StructTreeRoot" in root
    assert reader.metadata.title == "A small report"  # the title block's, none was given
    assert reader.metadata.subject == "Its subtitle"
    assert reader.metadata.author == "Publisher of the brief"
    assert reader.metadata["/CreationDate"] == "D:20240514000000Z"  # from the data


def test_the_page_metadata_takes_precedence_over_the_title_block():
    page = pdf.PdfPage(lang="en", author="P", title="Given title", description="Given subject")
    info = pypdf.PdfReader(io.BytesIO(pdf.notebook_to_pdf(small_report(), page))).metadata
    assert (info.title, info.subject) == ("Given title", "Given subject")


def test_a_figure_without_text_alternative_is_refused():
    with pytest.raises(ValueError, match="has no text alternative"):
        Figure("Figure 1.", "Caption", "Source", " ", SVG)
    markup = Figure("Figure 1.", "Caption", "Source", "alt", SVG).render("typst")
    markup = markup.replace('alt: "alt"', 'alt: ""')
    with pytest.raises(pdf.PdfError, match=r'figure "Figure 1\." has no text alternative'):
        pdf.compile_pdf(pdf.typst_source([markup]), PAGE)
    # An image placed without the report's function is refused by the PDF/UA-1 check.
    bare = f'#image(bytes({json.dumps(SVG)}), format: "svg")\n'
    with pytest.raises(pdf.PdfError, match="missing alt text"):
        pdf.compile_pdf(pdf.typst_source([TitleBlock("", "T", "").render("typst"), bare]), PAGE)


def test_same_input_gives_the_same_bytes(small_pdf):
    assert pdf.notebook_to_pdf(small_report(), PAGE) == small_pdf


def test_text_cannot_become_markup():
    text = '#pagebreak() *bold* $x$ "quoted" \\ ] ['
    reader = pypdf.PdfReader(
        io.BytesIO(
            pdf.notebook_to_pdf(notebook((TitleBlock("", "T", "") + Paragraph(text), [])), PAGE)
        )
    )
    assert len(reader.pages) == 1
    assert text in reader.pages[0].extract_text()


# -- fonts: only the package's, whatever the machine has ---------------------------------------

RENDER_SCRIPT = """
import sys, typst
from tests.test_pdf import PAGE, small_report
from analysis.build import pdf
found = typst.Fonts(include_system_fonts=True, include_embedded_fonts=False).fonts()
print([f.path for f in found if f.family == "DejaVu Sans"])
sys.stdout.flush()
open(sys.argv[1], "wb").write(pdf.notebook_to_pdf(small_report(), PAGE))
"""


def render_elsewhere(tmp_path: Path, name: str, env: dict[str, str]) -> tuple[bytes, str]:
    """Compile the small report in a new process with ``env``: (PDF bytes, DejaVu Sans paths)."""
    out = tmp_path / f"{name}.pdf"
    root = Path(__file__).resolve().parents[1]
    done = subprocess.run(
        [sys.executable, "-c", RENDER_SCRIPT, str(out)],
        cwd=root,
        env={"PATH": os.environ.get("PATH", ""), "PYTHONPATH": str(root), **env},
        capture_output=True,
        text=True,
        check=True,
    )
    return out.read_bytes(), done.stdout


def fontconfig(folder: Path, *font_dirs: Path) -> dict[str, str]:
    """An environment whose system fonts are those of ``font_dirs`` only."""
    folder.mkdir(parents=True, exist_ok=True)
    dirs = "".join(f"<dir>{d}</dir>" for d in font_dirs)
    conf = folder / "fonts.conf"
    conf.write_text(f'<?xml version="1.0"?>\n<fontconfig>{dirs}</fontconfig>\n', encoding="utf-8")
    return {"HOME": str(folder), "FONTCONFIG_FILE": str(conf)}


def test_fonts_added_to_or_missing_from_the_system_change_nothing(tmp_path, small_pdf):
    from fontTools.ttLib import TTFont

    # A system font that claims to be DejaVu Sans (it is DejaVu Serif): a program reading
    # the system's fonts finds it before matplotlib's.
    fonts = tmp_path / "fonts"
    fonts.mkdir()
    impostor = TTFont(pdf.font_dirs()[0] / "DejaVuSerif.ttf")
    for record in impostor["name"].names:
        if record.nameID in (1, 4, 16):
            record.string = "DejaVu Sans"
    impostor.save(fonts / "impostor.ttf")
    added, seen = render_elsewhere(tmp_path, "added", fontconfig(tmp_path / "added", fonts))
    assert seen.startswith(f"['{fonts / 'impostor.ttf'}'")  # the font is there to be found
    assert added == small_pdf

    # No system font at all: one font folder, empty.
    empty = tmp_path / "no-fonts"
    empty.mkdir()
    missing, seen = render_elsewhere(tmp_path, "missing", fontconfig(tmp_path / "missing", empty))
    assert seen == "[]\n"  # no DejaVu Sans among the system's fonts
    assert missing == small_pdf


# -- page furniture -------------------------------------------------------------------------


def page_furniture(page: pypdf.PageObject) -> tuple[str, str]:
    """The running header's and the footer's text of a page (above / below the body)."""
    header, footer = [], []

    def visit(text, cm, tm, font, size):
        y = cm[5] + tm[5] * cm[3]
        if text.strip() and y > A4_HEIGHT - 24 * MM:
            header.append(text.strip())
        elif text.strip() and y < 20 * MM:
            footer.append(text.strip())

    page.extract_text(visitor_text=visit)
    return " ".join(header), " ".join(footer)


def test_running_header_names_the_section_in_force_at_the_top_of_the_page():
    def filler(n: int) -> Paragraph:
        return Paragraph(" ".join(["The text of a section, long enough to fill pages."] * n))

    blocks = (
        TitleBlock("", "Header test", "")
        + Heading("Alpha")
        + filler(120)  # Alpha runs onto the top of page 2...
        + Heading("Beta")  # ...where Beta starts lower down
        + filler(50)  # and ends in the lower half of page 2
        + Heading("Gamma", appendix=True)  # so the first appendix opens page 3
        + Paragraph("End.")
    )
    reader = pypdf.PdfReader(io.BytesIO(pdf.notebook_to_pdf(notebook((blocks, [])), PAGE)))
    assert len(reader.pages) == 3
    furniture = [page_furniture(page) for page in reader.pages]
    assert furniture[0] == ("", "Page 1 of 3")  # no header above the title
    assert furniture[1] == ("Header test Alpha", "Page 2 of 3")
    assert furniture[2] == ("Header test Gamma", "Page 3 of 3")
    body = reader.pages[1].extract_text().splitlines()
    assert body[1].strip() in filler(120).runs[0].text  # Alpha's text opens page 2
    assert "Beta" in body
    assert reader.pages[2].extract_text().splitlines()[1] == "Gamma"


def test_footer_and_contents_speak_the_report_language():
    from analysis.present.blocks import KeyFigures, Tile

    blocks = (
        TitleBlock("", "Rapport", "")
        + KeyFigures("Chiffres clés", (Tile("1", "unité", "sens"),), ("Point.",))
        + Heading("Première partie")
    )
    page = pdf.PdfPage(lang="fr", author="Éditeur")
    reader = pypdf.PdfReader(io.BytesIO(pdf.notebook_to_pdf(notebook((blocks, [])), page)))
    assert page_furniture(reader.pages[0])[1] == "Page 1 sur 2"
    contents = reader.pages[1].extract_text()
    assert re.search(r"^Sommaire\nPremière partie[ .]+2$", contents, re.MULTILINE)
    # Bookmarks: the title, then the sections under it, the key figures included (though
    # not in the contents they precede).
    title, sections = reader.outline
    assert title.title == "Rapport"
    assert [item.title for item in sections] == ["Chiffres clés", "Première partie"]


def test_a_scenario_edition_says_so_on_every_page():
    scenario = "Scenario: public share 50 % (stated: about 60 %)."
    filler = Paragraph(" ".join(["The text of a section, long enough to fill pages."] * 120))
    blocks = TitleBlock("", "Scenario", "", scenario=scenario) + Heading("Alpha") + filler
    reader = pypdf.PdfReader(io.BytesIO(pdf.notebook_to_pdf(notebook((blocks, [])), PAGE)))
    footers = [page_furniture(page)[1] for page in reader.pages]
    assert footers == [f"{scenario} Page 1 of 2", f"{scenario} Page 2 of 2"]
