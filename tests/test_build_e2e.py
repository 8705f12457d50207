"""End to end: a real report built in French and English, checked in HTML and PDF.

These checks hold whatever the report says: they read the title, headings and contents from
the built files. Behaviour that needs particular content (language cells, attachments, data
and parameter changes) is checked on a fixture notebook in test_build_fixture.py.
"""

import hashlib
import io
import json
import re
import subprocess
import sys
from datetime import UTC, datetime

import nbformat
import pytest
from bs4 import BeautifulSoup
from pypdf import PdfReader
from rich.console import Console

from analysis import paths
from analysis.build.export import load_messages
from analysis.build.run import build, data_date, make_config, source_date_epoch

REPORT = "sector_overview"
#: The reports' publisher: pyproject.toml names none, so the catalogue's neutral default.
PUBLISHER = {"fr": "Analyse indépendante", "en": "Independent analysis"}


def run(config):
    console = Console(file=io.StringIO(), width=200, force_terminal=False)
    outcome = build(config, console)
    return outcome, console.file.getvalue()


pytestmark = pytest.mark.build


@pytest.fixture(scope="module")
def built(reports_build):
    """The session's build of every report (see conftest.py)."""
    return reports_build


def page_of(built, lang):
    text = (built["out"] / lang / f"{REPORT}.html").read_text(encoding="utf-8")
    return text, BeautifulSoup(text, "html.parser")


def title_of(built, lang):
    _, soup = page_of(built, lang)
    return " ".join(soup.find("h1").get_text(" ").split())


def sha256(path):
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_layout_and_summary(built):
    out = built["out"]
    for lang in ("fr", "en"):
        for suffix in (".html", ".pdf", ".ipynb"):
            assert (out / lang / f"{REPORT}{suffix}").stat().st_size > 1000
    assert not list(out.rglob("*.tmp"))
    assert not (out / "_failed").exists()
    assert "6 built, 0 up to date in " in built["text"]  # 3 reports x 2 languages
    assert re.search(rf"fr/{REPORT}\s+done in \d+\.\d s", built["text"])


@pytest.mark.parametrize("lang", ["fr", "en"])
def test_html_is_self_contained(built, lang):
    text, soup = page_of(built, lang)
    assert text.startswith("<!DOCTYPE html>")
    assert soup.html["lang"] == lang
    title = title_of(built, lang)
    assert title and soup.title.get_text() == title
    assert soup.find("meta", attrs={"name": "author"})["content"] == PUBLISHER[lang]
    subtitle = soup.find(class_="report-subtitle")
    description = soup.find("meta", attrs={"name": "description"})
    if subtitle is not None:
        assert description["content"] == " ".join(subtitle.get_text(" ").split())
    assert "http://" not in text and "https://" not in text
    assert not soup.find_all(["script", "link", "iframe"])
    for element in soup.find_all(src=True):
        assert element["src"].startswith("data:")
    # Stylesheets inlined: the package's own, screen and print.
    styles = soup.find_all("style")
    assert len(styles) == 2 and styles[1]["media"] == "print"
    assert "@page" in styles[1].get_text()
    # No code: nothing of the notebook's source.
    assert "from analysis import" not in text and "import " not in soup.get_text()
    # Every heading has a unique id; the contents link to them.
    ids = [h["id"] for h in soup.find_all(["h1", "h2", "h3", "h4", "h5", "h6"])]
    assert len(ids) == len(set(ids)) and all(ids)
    links = [a["href"][1:] for a in soup.select("nav.toc a")]
    assert len(links) >= 2 and set(links) <= set(ids)


@pytest.mark.parametrize("lang", ["fr", "en"])
def test_pdf_pages_footer_header_bookmarks_metadata(built, lang):
    reader = PdfReader(built["out"] / lang / f"{REPORT}.pdf")
    title = title_of(built, lang)
    footer = load_messages()["report.page_footer"][lang]
    pages = len(reader.pages)
    assert pages > 1
    for number, page in enumerate(reader.pages, start=1):
        assert footer.format(page=number, pages=pages) in page.extract_text()
    # Running header: the title on every page but the first.
    squeeze = " ".join(reader.pages[1].extract_text().split())
    assert " ".join(title.split()) in squeeze
    outline = reader.outline
    assert outline and outline[0].title == title
    assert reader.get_destination_page_number(outline[0]) == 0
    assert len(outline) > 1
    info = reader.metadata
    assert info.title == title
    assert info.author == PUBLISHER[lang]  # the publisher, never the tool's name
    epoch = source_date_epoch(built["data"])
    expected = datetime.fromtimestamp(epoch, UTC).strftime("D:%Y%m%d%H%M%SZ")
    assert info["/CreationDate"] == expected  # from the data, never the clock
    assert data_date(built["data"]).strftime("%Y%m%d") in expected
    root = reader.trailer["/Root"]
    assert root["/Lang"] == lang
    assert "/StructTreeRoot" in root and root["/MarkInfo"]["/Marked"]
    xmp = root["/Metadata"].get_object().get_data().decode("utf-8")
    # PDF/A-3a and PDF/UA-1, declared in the XMP metadata with the language.
    assert "<pdfaid:part>3</pdfaid:part>" in xmp
    assert "<pdfaid:conformance>A</pdfaid:conformance>" in xmp
    assert "<pdfuaid:part>1</pdfuaid:part>" in xmp
    assert f"<dc:language><rdf:Bag><rdf:li>{lang}</rdf:li></rdf:Bag></dc:language>" in xmp
    assert f"<dc:creator><rdf:Seq><rdf:li>{PUBLISHER[lang]}</rdf:li></rdf:Seq>" in xmp
    assert "/OutputIntents" in root


def test_pdf_contents_give_the_page_of_each_section(built):
    _, soup = page_of(built, "fr")
    # Both contents follow the key findings and start with the same section.
    heading = " ".join(soup.select("nav.toc a")[0].get_text(" ").split())
    reader = PdfReader(built["out"] / "fr" / f"{REPORT}.pdf")
    pages = [" ".join(page.extract_text().split()) for page in reader.pages]
    contents = next(text for text in pages if load_messages()["report.contents"]["fr"] in text)
    match = re.search(re.escape(heading) + r"[\s.]*?(\d+)", contents)
    assert match, f"no page number for {heading!r} in the contents"
    assert heading in pages[int(match.group(1)) - 1]


def test_executed_notebook_keeps_parameters(built):
    nb = nbformat.read(built["out"] / "fr" / f"{REPORT}.ipynb", as_version=4)
    assert nb.metadata.papermill.parameters == {
        "lang": "fr",
        "cagr_tolerance": None,
        "as_of": None,
    }
    assert nb.metadata.papermill.output_path == f"fr/{REPORT}.ipynb"
    assert any("injected-parameters" in c.metadata.get("tags", []) for c in nb.cells)


def test_manifest_records_inputs_outputs_versions_timings(built):
    out = built["out"]
    text = (out / "manifest.json").read_text(encoding="utf-8")
    manifest = json.loads(text)
    assert text == json.dumps(manifest, sort_keys=True, indent=2, ensure_ascii=False) + "\n"
    entry = manifest["variants"][f"en/{REPORT}"]
    assert entry["parameters"] == {"lang": "en", "cagr_tolerance": None, "as_of": None}
    assert entry["edition"] == {}
    assert entry["notebook"] == f"notebooks/{REPORT}.ipynb"
    assert set(entry["inputs"]) == {
        "notebook",
        "messages",
        "imprint",
        "data",
        "library",
        "requirements",
        "parameters",
        "combined",
    }
    assert entry["inputs"]["notebook"] == sha256(paths.NOTEBOOKS_DIR / f"{REPORT}.ipynb")
    assert entry["inputs"]["requirements"] == sha256(paths.ROOT / "requirements.lock")
    for kind in ("html", "pdf", "ipynb"):
        recorded = entry["outputs"][kind]
        assert recorded["sha256"] == sha256(out / recorded["path"])
    assert entry["versions"]["python"] == ".".join(map(str, sys.version_info[:3]))
    for package in ("papermill", "nbconvert", "typst", "pandas", "matplotlib"):
        assert re.fullmatch(r"\d+(\.\d+)+.*", entry["versions"][package])
    assert {"execute", "html", "pdf", "total"} <= set(entry["timings"])
    assert entry["source_date_epoch"] == source_date_epoch(built["data"])


def test_unchanged_rebuild_is_up_to_date(built):
    out = built["out"]
    before = {p: p.stat().st_mtime_ns for p in out.rglob("*") if p.is_file()}
    config = make_config(reports=[REPORT], out_dir=out, data_dir=built["data"], quiet=True)
    outcome, text = run(config)
    assert outcome.exit_code == 0
    assert {s.state for s in outcome.statuses.values()} == {"up to date"}, text
    assert re.search(rf"fr/{REPORT}\s+up to date", text)
    assert "0 built, 2 up to date" in text
    after = {p: p.stat().st_mtime_ns for p in out.rglob("*") if p.is_file()}
    assert [p.name for p in after if before.get(p) != after[p]] == []
    assert not (out / ".build.lock").exists()


def test_noop_rebuild_from_command_line_imports_nothing_heavy(built):
    code = (
        "import json, sys\n"
        "from analysis import cli\n"
        f"code = cli.main(['build', '--report', {REPORT!r}, '--quiet', '--out', "
        f"{str(built['out'])!r}, '--data', {str(built['data'])!r}])\n"
        "heavy = {'pandas', 'matplotlib', 'typst', 'papermill', 'nbconvert'}\n"
        "print(json.dumps([code, sorted(heavy & set(sys.modules))]))\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, cwd=paths.ROOT
    )
    assert "0 built, 2 up to date" in result.stdout
    exit_code, imported = json.loads(result.stdout.strip().splitlines()[-1])
    assert exit_code == 0
    assert imported == []


def test_rebuild_is_byte_identical(built):
    """A second build from the same inputs gives the same bytes (one language: it is slow)."""
    out2 = built["root"] / "out-again"
    config = make_config(
        reports=[REPORT], langs=["fr"], out_dir=out2, data_dir=built["data"], quiet=True
    )
    outcome, text = run(config)
    assert outcome.exit_code == 0, text
    for suffix in (".html", ".pdf"):
        first = (built["out"] / "fr" / f"{REPORT}{suffix}").read_bytes()
        again = (out2 / "fr" / f"{REPORT}{suffix}").read_bytes()
        assert first == again, f"fr{suffix} differs between two builds"
