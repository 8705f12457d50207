"""What a reader gets: the three reports built in French and English, checked in HTML and PDF.

One build of every report in both languages per session (worker processes, as for users);
the checks read the built files.
"""

import csv
import functools
import io
import re
import shutil
import string
from pathlib import Path

import nbformat
import pytest
from bs4 import BeautifulSoup
from pypdf import PdfReader
from rich.console import Console

from analysis import load_data, paths
from analysis.build.registry import REGISTRY
from analysis.build.run import build, make_config
from analysis.parameters import PARAMETERS
from analysis.present.appendices import INDICATOR_COLUMNS
from analysis.present.messages import catalogue

REPORTS = list(REGISTRY)
LANGS = ("fr", "en")
VARIANTS = [(name, lang) for name in REPORTS for lang in LANGS]
OTHER = {"fr": "en", "en": "fr"}
#: Reports that show claims of the audit, and so attach them.
WITH_CLAIMS = {"sector_overview", "claims_audit"}
#: The curated rows of a fictitious sixth text (tests/fixtures/sources).
SIXTH_ROWS = Path(__file__).parent / "fixtures" / "sources" / "S005"
FIGURES = {"sector_overview": 6, "atmp_partnership": 2, "claims_audit": 1}


pytestmark = pytest.mark.build


@pytest.fixture(scope="module")
def built(reports_build):
    """The output folder of the session's build of every report (see conftest.py)."""
    return reports_build["out"]


@functools.cache
def soup_of(built, name, lang):
    """The built page, parsed once (tests must not modify it)."""
    return BeautifulSoup((built / lang / f"{name}.html").read_text("utf-8"), "html.parser")


def text_outside_quotes(soup):
    """The page's text, without the passages quoted from the sources (they keep their language)."""
    return " ".join(s for s in soup.body.strings if s.find_parent("q") is None)


def squeeze(text):
    """Whitespace (including no-break spaces) collapsed to single spaces."""
    return " ".join(text.replace("\u00a0", " ").replace("\u202f", " ").split())


@functools.cache
def pdf_pages(built, name, lang):
    """The text of each page of the built PDF, extracted once (tests must not modify it)."""
    return tuple(page.extract_text() for page in PdfReader(built / lang / f"{name}.pdf").pages)


def pdf_text(built, name, lang):
    return squeeze(" ".join(pdf_pages(built, name, lang)))


def headings(soup):
    return [squeeze(h.get_text(" ")) for h in soup.select("main h2, main h3")]


def section_texts(lang):
    return {texts[lang] for key, texts in catalogue().items() if key.startswith("section.")}


# -- headings and language ----------------------------------------------------------------


@pytest.mark.parametrize(("name", "lang"), VARIANTS)
def test_pdf_has_its_headings_and_none_of_the_other_language(built, name, lang):
    own = headings(soup_of(built, name, lang))
    assert len(own) >= 6
    assert set(own) <= section_texts(lang)  # every heading comes from the catalogue
    text = pdf_text(built, name, lang)
    for heading in own:
        assert heading in text, heading
    foreign = set(headings(soup_of(built, name, OTHER[lang]))) - set(own)
    assert foreign
    for heading in foreign:
        assert heading not in text, heading


def fragments(template):
    """The fixed parts of a message template, between its placeholders."""
    return [literal for literal, *_ in string.Formatter().parse(template) if literal]


@pytest.mark.parametrize(("name", "lang"), VARIANTS)
def test_no_sentence_of_the_other_language(built, name, lang):
    text = squeeze(text_outside_quotes(soup_of(built, name, lang)))
    other = OTHER[lang]
    for key, texts in catalogue().items():
        if texts[other] == texts[lang]:
            continue
        for piece in fragments(texts[other]):
            piece = squeeze(piece)
            if len(piece) >= 20 and piece not in squeeze(texts[lang]):
                assert piece not in text, (key, piece)


@pytest.mark.parametrize(("name", "lang"), VARIANTS)
def test_numbers_use_the_separators_of_the_language(built, name, lang):
    text = text_outside_quotes(soup_of(built, name, lang))
    if lang == "fr":
        assert not re.search(r"\d,\d{3}\b", text)  # no English thousands separator
        assert not re.search(r"\b\d+\.\d+\s?%", text)  # no decimal point
        assert "2\u202f100" in text
    else:
        assert not re.search(r"\d\u202f\d{3}", text)
        assert not re.search(r"\b\d+,\d+\s?%", text)
        assert "2,100" in text


@pytest.mark.parametrize(("name", "lang"), VARIANTS)
def test_no_page_ends_with_a_heading_or_a_table_caption(built, name, lang):
    soup = soup_of(built, name, lang)
    stranded = {squeeze(h.get_text(" ")) for h in soup.select("main h2, main h3, caption")}
    title = squeeze(soup.find("h1").get_text(" "))
    footer = re.compile(r"^Page \d+ (sur|of) \d+$")
    for number, text in enumerate(pdf_pages(built, name, lang), start=1):
        lines = [squeeze(line) for line in text.splitlines() if line.strip()]
        # Leave out the page's footer and running header (the title, then the section).
        lines = [x for x in lines if not footer.match(x) and not x.startswith(title)]
        assert lines, f"page {number} is empty"
        last = lines[-1]
        assert not any(text.endswith(last) for text in stranded if len(last) > 3), (number, last)


# -- structure ----------------------------------------------------------------------------


@pytest.mark.parametrize(("name", "lang"), VARIANTS)
def test_headings_in_order_and_a_single_title(built, name, lang):
    soup = soup_of(built, name, lang)
    levels = [int(h.name[1]) for h in soup.find_all(["h1", "h2", "h3", "h4", "h5", "h6"])]
    assert levels.count(1) == 1 and levels[0] == 1
    for before, after in zip(levels, levels[1:], strict=False):
        assert after <= before + 1, levels  # never an h3 right after the h1, etc.
    assert soup.find(class_="report-subtitle").get_text(strip=True)


@pytest.mark.parametrize(("name", "lang"), VARIANTS)
def test_edition_date_and_data_version_come_from_the_data(built, name, lang):
    soup = soup_of(built, name, lang)
    block = squeeze(soup.find("header", class_="title-block").get_text(" "))
    colophon = squeeze(soup.find("footer", class_="colophon").get_text(" "))
    # The latest source date (S004, 14 May 2024), not the clock; the data package's version.
    assert {"fr": "14 mai 2024", "en": "14 May 2024"}[lang] in block
    assert "1.0.0" in colophon and "1.0.0" not in block


@pytest.mark.parametrize(("name", "lang"), VARIANTS)
def test_summary_has_tiles_and_sentences(built, name, lang):
    summary = soup_of(built, name, lang).find("section", class_="summary")
    tiles = summary.select("li.tile")
    assert 4 <= len(tiles) <= 6
    shared = summary.find(class_="tiles-source")
    for tile in tiles:
        for part in ("tile-value", "tile-unit", "tile-meaning"):
            assert tile.find(class_=part).get_text(strip=True), part
        # Each tile names its source, unless one note under the tiles names it for all.
        assert (shared is None) != (tile.find(class_="tile-source") is None)
    assert 3 <= len(summary.select("ul.key-points li")) <= 5


@pytest.mark.parametrize(("name", "lang"), VARIANTS)
def test_figures_are_numbered_with_caption_source_and_alt(built, name, lang):
    soup = soup_of(built, name, lang)
    figures = soup.find_all("figure")
    assert len(figures) == FIGURES[name]
    word = {"fr": "Figure", "en": "Figure"}[lang]
    for number, figure in enumerate(figures, start=1):
        caption = figure.find("figcaption")
        assert caption is not None
        assert squeeze(caption.find(class_="figure-number").get_text()) == f"{word} {number}."
        assert caption.find(class_="figure-caption").get_text(strip=True)
        # the source line names the documents by publisher, kind and date, not by id
        source = caption.find(class_="figure-source").get_text()
        assert re.search(r"\b20\d\d\b", source) and not SOURCE_ID.search(source), source
        img = figure.find("img")
        assert img["src"].startswith("data:image/svg+xml;base64,")
        assert img["alt"].strip()


@pytest.mark.parametrize(("name", "lang"), VARIANTS)
def test_every_image_has_a_text_alternative(built, name, lang):
    images = soup_of(built, name, lang).find_all("img")
    assert images
    assert all(img.get("alt", "").strip() for img in images)


@pytest.mark.parametrize(("name", "lang"), VARIANTS)
def test_tables_have_captions_and_header_cells(built, name, lang):
    tables = soup_of(built, name, lang).select("main table")
    assert len(tables) >= 4
    for table in tables:
        assert table.find("caption").get_text(strip=True)
        head = table.find("thead").find_all("th")
        assert head and all(th.get("scope") == "col" for th in head)
        for row in table.find("tbody").find_all("tr"):
            assert len(row.find_all(["td", "th"])) == len(head)


@pytest.mark.parametrize(("name", "lang"), VARIANTS)
def test_numeric_columns_are_right_aligned(built, name, lang):
    soup = soup_of(built, name, lang)
    numeric = soup.select("main table td.num")
    assert numeric
    style = soup.find("style").get_text()
    assert re.search(r"td\.num[^{]*\{\s*text-align:\s*right", style)


# -- facts and attachments ----------------------------------------------------------------


def appendix_ids(soup):
    """The fact ids of the data appendix's facts table (its first column)."""
    table = soup.select("div.report-table.data table")[0]
    return {squeeze(row.find(["th", "td"]).get_text()) for row in table.select("tbody tr")}


@pytest.mark.parametrize(("name", "lang"), VARIANTS)
def test_data_appendix_lists_every_fact_the_report_shows(built, name, lang):
    soup = soup_of(built, name, lang)
    listed = appendix_ids(soup)
    tracked = set(soup.find(class_="tracked-facts")["data-facts"].split())
    assert listed == tracked
    shown = {
        i
        for element in soup.select("main [data-facts]")
        if "tracked-facts" not in element.get("class", [])
        for i in element["data-facts"].split()
    }
    assert shown and shown <= listed
    known = set(load_data().facts["fact_id"].astype(str))
    assert listed <= known


def attachments(built, name, lang):
    reader = PdfReader(built / lang / f"{name}.pdf")
    return {
        filename: list(csv.DictReader(io.StringIO(contents[0].decode("utf-8"))))
        for filename, contents in reader.attachments.items()
    }


@pytest.mark.parametrize(("name", "lang"), VARIANTS)
def test_pdf_attachments_are_the_facts_and_indicators_as_csv(built, name, lang):
    files = attachments(built, name, lang)
    expected = {"facts.csv", "indicators.csv"} | ({"claims.csv"} if name in WITH_CLAIMS else set())
    assert set(files) == expected
    header = (paths.data_dir() / "facts.csv").read_text("utf-8").splitlines()[0].split(",")
    facts = files["facts.csv"]
    assert list(facts[0]) == header
    assert {row["fact_id"] for row in facts} == appendix_ids(soup_of(built, name, lang))
    rows = files["indicators.csv"]
    assert rows and list(rows[0]) == INDICATOR_COLUMNS
    assert all(row["text"] and float(row["value"]) == float(row["value"]) for row in rows)
    if name in WITH_CLAIMS:
        claims = files["claims.csv"]
        assert {"claim_id", "verdict", f"claim_{lang}", f"explanation_{lang}"} <= set(claims[0])


#: A name from the code (``cagr_tolerance``, ``public_share``): words joined by underscores.
CODE_NAME = re.compile(r"\b[a-z][a-z0-9]*(?:_[a-z0-9]+)+\b")
#: A source or fact id of the data (``S002``, ``F002-07``): for the appendices and CSV files.
SOURCE_ID = re.compile(r"\bS\d{3}\b|\bF\d{3}-\d{2}\b")


def body_texts(built, name, lang):
    """The text of a report before its first appendix heading, in the HTML page and the PDF.

    The HTML is cut at the first appendix heading; the PDF at the first page where that
    heading stands on its own (not as a contents entry, which dot leaders follow), keeping
    that page's text above it.
    """
    page = (built / lang / f"{name}.html").read_text("utf-8")
    cut = page.index('<h2 class="appendix"')
    soup = BeautifulSoup(page[:cut], "html.parser")
    body = [s for s in soup.strings if s.find_parent(["script", "style", "head"]) is None]
    body += [img.get("alt", "") for img in soup.select("img")]
    heading = squeeze(soup_of(built, name, lang).select_one("h2.appendix").get_text(" "))
    pages = [re.sub("[\u00ad\u200b]", "", p) for p in pdf_pages(built, name, lang)]
    own = re.compile(re.escape(heading) + r"(?!\s*\.\s\.)")
    start = next(i for i, text in enumerate(pages) if own.search(squeeze(text)))
    pdf = [*pages[:start], squeeze(pages[start])[: own.search(squeeze(pages[start])).start()]]
    return {"html": " ".join(body), "pdf": " ".join(pdf)}


@pytest.mark.parametrize(("name", "lang"), VARIANTS)
def test_no_source_id_in_the_body_of_a_report(built, name, lang):
    # The body (summary, tiles, prose, tables, figure and table source lines) names
    # documents by publisher, kind and date; ids stay in the appendices and the CSV files.
    texts = body_texts(built, name, lang)
    for where, text in texts.items():
        assert not SOURCE_ID.findall(text), (where, SOURCE_ID.findall(text)[:5])
        # the cut leaves the body itself: its summary and a dated source line
        assert {"fr": "Synthèse", "en": "Key findings"}[lang] in text, where
        assert {"fr": "janvier 2024", "en": "January 2024"}[lang] in squeeze(text), where
    # ... and the appendices keep the ids a checker needs
    assert SOURCE_ID.search(pdf_text(built, name, lang))


#: A check code of the claims audit (``TREND:F002-20+F003-01``): capitals, a colon, no space.
CHECK_CODE = re.compile(r"\b[A-Z]{2,}:\S")


def reader_texts(built, name, lang):
    """What a reader reads: the page's text and text alternatives, and the PDF's text."""
    soup = soup_of(built, name, lang)
    page = [s for s in soup.body.strings if s.find_parent(["script", "style"]) is None]
    page += [img.get("alt", "") for img in soup.select("img")]
    # The PDF breaks long words with soft hyphens and zero-width spaces: joined again.
    text = " ".join(pdf_pages(built, name, lang))
    return {"html": " ".join(page), "pdf": re.sub("[\u00ad\u200b]", "", text)}


@pytest.mark.parametrize(("name", "lang"), VARIANTS)
def test_no_code_name_or_check_code_reaches_the_reader(built, ds, name, lang):
    claims = attachments(built, name, lang).get("claims.csv", [])
    codes = {row["claim_id"] for row in claims}
    assert all(CHECK_CODE.match(code) for code in codes)  # the pattern covers the real codes
    # A one-word name ("lang") is also a word of the text; the others are code only.
    names = {n for n in (*PARAMETERS, *ds.assumptions["assumption_id"].astype(str)) if "_" in n}
    assert {"cagr_tolerance", "share_sum_tolerance", "public_share"} <= names
    for where, text in reader_texts(built, name, lang).items():
        assert not CODE_NAME.findall(text), where
        assert not CHECK_CODE.findall(text), where
        for code in codes | names:
            assert code not in text, (where, code)
    assert not soup_of(built, name, lang).select("main code")


@pytest.mark.parametrize(("name", "lang"), VARIANTS)
def test_formulas_are_set_as_mathematics_never_as_written_syntax(built, name, lang):
    soup = soup_of(built, name, lang)
    assert soup.select("math mfrac")  # the methodology's fractions, as MathML
    assert soup.select('div.equation math[display="block"]')
    for where, text in reader_texts(built, name, lang).items():
        # "÷", "^(" and "V_end" are how the catalogue writes a formula, not what a reader sees
        for syntax in ("\u00f7", "^(", "\u27e8"):
            assert syntax not in text, (where, syntax)
        # figures taken as stated are named in one sentence, not one row each
        assert catalogue()["indicator.stated.formula"][lang] not in text, where


@pytest.mark.parametrize(("name", "lang"), VARIANTS)
def test_the_methodology_says_what_a_per_job_figure_divides(built, ds, name, lang):
    from analysis.compute import indicators

    template = catalogue()["report.method.per_job"][lang]
    last = squeeze(fragments(template)[-1])  # indirect jobs included, not a cost per job
    paragraphs = [
        squeeze(p.get_text(" "))
        for p in soup_of(built, name, lang).select("p")
        if last in squeeze(p.get_text(" "))
    ]
    if name == "claims_audit":  # shows no per-job figure
        assert not paragraphs
        return
    (paragraph,) = paragraphs
    f, j = indicators.funding(ds), indicators.jobs(ds)
    # budget over its duration, by the projected jobs (direct + indirect) over the horizon
    # the edition's figures, not a scenario's (the partnership report shows scenarios too)
    shown = (j.funding_per_job, f.budget, f.duration, j.projected_total)
    if name == "atmp_partnership":
        shown += (j.public_funding_per_job, f.public_amount)
    for ind in shown:
        assert squeeze(ind.text(lang, prose=True)) in paragraph, ind.key
    assert squeeze(j.projected_total.period_text(lang)) in paragraph
    assert squeeze(pdf_text(built, name, lang)).count(last) == 1


def test_scenario_parameters_change_the_partnership_report(tmp_path):
    out = tmp_path / "out"
    config = make_config(
        reports=["atmp_partnership"],
        langs=["en"],
        params=[("public_share", "0.5"), ("direct_jobs", "600")],
        out_dir=out,
        quiet=True,
    )
    console = Console(file=io.StringIO(), width=200)
    assert build(config, console).exit_code == 0, console.file.getvalue()
    # A scenario is an edition of its own: the stated edition's files are never replaced.
    stem = "atmp_partnership--direct_jobs-600--public_share-0.5"
    soup = soup_of(out, stem, "en")
    # facts.csv (S002): a public share of "about 60%", "more than 470" direct jobs.
    mark = (
        "Scenario: public share of funding 50% (stated: about 60%); "
        "direct jobs expected 600 (stated: more than 470)"
    )
    title = "The Walloon ATMP innovation partnership — scenario"
    header = soup.find("header", class_="title-block")
    assert squeeze(header.find(class_="scenario-mark").get_text()) == mark
    assert soup.title.get_text() == title and squeeze(header.h1.get_text()) == title
    text = squeeze(soup.body.get_text(" "))
    assert "€40.5M" in text  # 81 x 0.5
    assert "1,800 jobs" in text  # 600 direct + 1,200 indirect: exact now, not "more than"
    # Jobs given as a parameter are not the partnership's announcement.
    assert "In this scenario the partnership would create 600 direct and 1,200 indirect" in text
    assert "The partnership expects 600" not in text
    # The public-funding tile gives the stated figure (81 x about 60% = 48.6 -> 2 s.f. ->
    # about 49) and credits only that one to the press release.
    sources = [squeeze(p.get_text()) for p in soup.select(".tile-source")]
    assert "Scenario value; stated: about €49M. Source: the Walloon Government and BioWin, " \
        "press release of 17 January 2024." in sources  # fmt: skip
    # Every page of the PDF carries the mark at its foot, above the page number.
    reader = PdfReader(out / "en" / f"{stem}.pdf")
    pages = [squeeze(page.extract_text()) for page in reader.pages]
    assert len(pages) > 5
    for number, page in enumerate(pages, start=1):
        assert f"{mark} Page {number} of {len(pages)}" in page, number
    assert reader.metadata.title == title
    assert not (out / "en" / "atmp_partnership.pdf").exists()


def test_title_block_and_colophon_of_the_built_reports(built):
    # The session's build: SOURCE_DATE_EPOCH is the latest source, S004 of 14 May 2024; the
    # first source, S000, is dated February 2021.
    expected = {
        "en": ["Publisher", "Independent analysis", "Edition", "14 May 2024", "Sources",
               "February 2021 – May 2024"],
        "fr": ["Éditeur", "Analyse indépendante", "Édition", "14 mai 2024", "Sources",
               "février 2021 – mai 2024"],
    }  # fmt: skip
    colophon_end = {
        "en": ["Data version", "1.0.0", "Language", "English"],
        "fr": ["Version des données", "1.0.0", "Langue", "français"],
    }
    for name, lang in VARIANTS:
        soup = soup_of(built, name, lang)
        meta = soup.find(class_="report-meta")
        shown = expected[lang]
        if name == "atmp_partnership":  # rests on S002 (January 2024) and S003 (dated to the year)
            shown = [*shown[:-1], "2024"]
        assert [squeeze(e.get_text()) for e in meta.find_all(["dt", "dd"])] == shown
        assert soup.find(class_="scenario-mark") is None  # the stated edition
        # The colophon is the page's footer, after the last appendix.
        footer = soup.find("main").find_all("footer")[-1]
        assert "colophon" in footer["class"]
        assert footer.find_next(["h2", "h3", "section", "table"]) is None
        items = [squeeze(e.get_text()) for e in footer.find_all(["dt", "dd"])]
        assert items[-4:] == colophon_end[lang]  # datapackage.json: version 1.0.0
        # In the PDF, at the foot of the contents page (page 2), as on the back of a title
        # page; no longer on the first page, and once only.
        pages = pdf_pages(built, name, lang)
        assert " ".join(colophon_end[lang]) in squeeze(pages[1])
        assert sum(colophon_end[lang][0] in squeeze(page) for page in pages) == 1


def test_claims_audit_is_titled_as_an_audit(built):
    for lang, kicker, title in (
        ("en", "Claims audit · biotechnology and biopharma", "Audit of the quantified claims"),
        ("fr", "Audit des affirmations · biotechnologies et biopharmacie",
         "Audit des affirmations chiffrées"),
    ):  # fmt: skip
        soup = soup_of(built, "claims_audit", lang)
        assert squeeze(soup.find(class_="report-kicker").get_text()) == kicker
        assert soup.title.get_text() == title
        assert squeeze(pdf_pages(built, "claims_audit", lang)[0]).startswith(kicker.upper())


@pytest.mark.parametrize("lang", LANGS)
def test_every_checked_claim_shows_the_passages_it_rests_on(built, lang):
    # Statements in one version only have no fact behind them: their passages come from
    # version_differences.csv. Tables with the column: shares and totals (7 rows), rates
    # (4), repeated figures (5), the 12 statements and credits in one version only.
    header = catalogue()["report.col.locators"][lang]
    counts = []
    for table in soup_of(built, "claims_audit", lang).select(".report-table table"):
        heads = [squeeze(th.get_text()) for th in table.select("thead th")]
        if heads and heads[-1] == header:
            rows = table.select("tbody tr")
            counts.append(len(rows))
            for row in rows:
                assert squeeze(row.find_all(["td", "th"])[-1].get_text()), squeeze(row.get_text())
    assert counts == [7, 4, 5, 12]


# -- notebooks ----------------------------------------------------------------------------


@pytest.mark.parametrize("name", REPORTS)
def test_notebooks_are_thin_and_committed_without_outputs(name):
    nb = nbformat.read(paths.NOTEBOOKS_DIR / REGISTRY[name].notebook, as_version=4)
    code = [cell for cell in nb.cells if cell.cell_type == "code"]
    assert all(cell.outputs == [] and cell.execution_count is None for cell in code)
    for cell in code:
        assert not re.search(r"^\s*(async\s+)?def |^\s*class ", cell.source, re.M), cell.source
    # One notebook for both languages: no cell tied to a language.
    assert not [c for c in nb.cells if {"lang-fr", "lang-en"} & set(c.metadata.get("tags", []))]


def test_editions_as_of_two_dates_follow_the_sources_available(tmp_path):
    out = tmp_path / "out"
    for as_of in ("2024-01-31", "2024-05-31"):
        config = make_config(
            reports=["sector_overview"], langs=["en"], formats=["html"], out_dir=out,
            params=[("as_of", as_of)], quiet=True,
        )  # fmt: skip
        console = Console(file=io.StringIO(), width=200)
        assert build(config, console).exit_code == 0, console.file.getvalue()
    january = soup_of(out, "sector_overview--as_of-2024-01-31", "en")
    may = soup_of(out, "sector_overview--as_of-2024-05-31", "en")
    meta = [squeeze(s.find(class_="report-meta").get_text(" ")) for s in (january, may)]
    # By 31 January 2024: S000 (Feb 2021), S001 (June 2022), S002 (17 Jan 2024). By 31 May
    # 2024 also S004 (14 May 2024). S003 is dated to the year 2024 only: it counts from the
    # end of 2024, so neither edition has it.
    assert "Sources February 2021 – January 2024" in meta[0]
    assert "Sources February 2021 – May 2024" in meta[1]
    colophons = [squeeze(s.find(class_="colophon").get_text(" ")) for s in (january, may)]
    assert "February 2021 – January 2024 (3 published texts)" in colophons[0]
    assert "February 2021 – May 2024 (4 published texts)" in colophons[1]
    assert "Edition limited to the texts published by 31 January 2024" in meta[0]
    # The health clusters' agreement comes from S004: only the May edition has its section.
    clusters = "The Walloon and Flemish health clusters"
    assert clusters not in headings(january) and clusters in headings(may)
    assert not (out / "en" / "sector_overview.html").exists()  # the stated edition: untouched


def test_a_newer_source_updates_the_latest_figure_and_the_audit_calls_it_a_change(tmp_path):
    """The sixth (fictitious) text of tests/fixtures/sources, added as the README says."""
    data = tmp_path / "data"
    shutil.copytree(paths.DATA_DIR, data)
    for table in ("sources", "facts", "exclusions"):
        rows = (SIXTH_ROWS / f"{table}.csv").read_text("utf-8").splitlines()[1:]
        with (data / f"{table}.csv").open("a", encoding="utf-8") as handle:
            handle.write("\n".join(rows) + "\n")
    out = tmp_path / "out"
    config = make_config(
        reports=["sector_overview"], langs=["en"], formats=["html"], out_dir=out,
        data_dir=data, quiet=True,
    )  # fmt: skip
    console = Console(file=io.StringIO(), width=200)
    assert build(config, console).exit_code == 0, console.file.getvalue()
    soup = soup_of(out, "sector_overview", "en")
    clusters = next(t for t in soup.select("main table") if "BioWin" in t.find("thead").get_text())
    members = next(r for r in clusters.select("tbody tr") if r.find("th").get_text() == "Members")
    # The cluster table shows the latest statement: 280 members (S005, September 2024), not
    # the 260 of S004 (May 2024) ...
    assert squeeze(members.find_all("td")[0].get_text()) == "280"
    # ... the older statement stays in the data appendix, and the audit calls the pair a
    # change over time, not a conflict.
    assert {"F004-01", "F005-01"} <= appendix_ids(soup)
    rows = [squeeze(r.get_text(" ")) for r in soup.select("div.report-table.audit table tbody tr")]
    # Rows citing the sixth text (S005, by its kind and date: the body names no id; the
    # conflict inside S004 also cites it, as the figure the analysis now uses: left aside).
    pairs = [r for r in rows if "September 2024" in r and not r.startswith("\u2715 conflict")]
    assert pairs, rows
    assert all(r.startswith("\u21bb changed over time") for r in pairs), pairs
