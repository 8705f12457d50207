"""End to end: the sector overview built in French and English, checked in HTML and PDF."""

import hashlib
import io
import json
import re
import shutil
import subprocess
import sys
import time

import nbformat
import pytest
from pypdf import PdfReader
from rich.console import Console

from analysis import paths
from analysis.build import build, make_config

REPORT = "sector_overview"
TITLES = {
    "fr": "Le secteur biotech en Belgique et en Wallonie",
    "en": "The biotech sector in Belgium and Wallonia",
}
FOOTERS = {"fr": "Page {page} sur {pages}", "en": "Page {page} of {pages}"}


def quiet_console():
    return Console(file=io.StringIO(), width=200, force_terminal=False)


def run(config):
    console = quiet_console()
    outcome = build(config, console)
    return outcome, console.file.getvalue()


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    """One build of the report in both languages, on a copy of the data."""
    root = tmp_path_factory.mktemp("e2e")
    data = root / "data"
    shutil.copytree(paths.data_dir(), data)
    out = root / "out"
    config = make_config(reports=[REPORT], out_dir=out, data_dir=data, quiet=True, jobs=2)
    outcome, text = run(config)
    assert outcome.exit_code == 0, text
    return {"root": root, "out": out, "data": data, "text": text, "outcome": outcome}


def read_html(built, lang):
    return (built["out"] / lang / f"{REPORT}.html").read_text(encoding="utf-8")


def sha256(path):
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_layout_and_summary(built):
    out = built["out"]
    for lang in ("fr", "en"):
        for suffix in (".html", ".pdf", ".ipynb"):
            assert (out / lang / f"{REPORT}{suffix}").stat().st_size > 1000
    assert not list(out.rglob("*.tmp"))
    assert "2 built, 0 up to date in " in built["text"]
    assert re.search(r"fr/sector_overview\s+done in \d+\.\d s", built["text"])


@pytest.mark.parametrize("lang", ["fr", "en"])
def test_html_is_self_contained_and_localised(built, lang):
    page = read_html(built, lang)
    assert page.startswith("<!DOCTYPE html>")
    assert f'<html lang="{lang}">' in page
    assert f"<title>{TITLES[lang]}</title>" in page
    assert re.search(f'<h1 id="[a-z0-9-]+">{TITLES[lang]}</h1>', page)
    assert '<meta content="biotech-report" name="author"/>' in page
    assert re.search(r'<meta content="[^"]+" name="description"/>', page)
    assert "http://" not in page and "https://" not in page
    assert "<script" not in page and "<link" not in page
    assert "data:image/svg+xml;base64," in page
    # No code, no prompts, no parameters, no placeholder note, no attachment.
    assert "set_matplotlib_formats" not in page and "In&nbsp;[" not in page
    assert "cagr_tolerance = None" not in page
    assert "Placeholder notebook" not in page
    assert "biotech-report.attachment" not in page and "[facts.csv:" not in page
    # Only this language's cells.
    about = {"fr": "À propos de ce rapport", "en": "About this report"}
    other = "en" if lang == "fr" else "fr"
    assert about[lang] in page and about[other] not in page
    # Contents: a link to every section heading, which has that id.
    nav = page[page.index('<nav class="toc"') : page.index("</nav>")]
    targets = re.findall(r'href="#([^"]+)"', nav)
    assert len(targets) >= 4
    for target in targets:
        assert f'id="{target}"' in page
    # The data date, not the build date.
    assert "2024-05-14" in page


@pytest.mark.parametrize("lang", ["fr", "en"])
def test_pdf_pages_footer_bookmarks_metadata(built, lang):
    reader = PdfReader(built["out"] / lang / f"{REPORT}.pdf")
    pages = len(reader.pages)
    assert pages > 1
    for number, page in enumerate(reader.pages, start=1):
        footer = FOOTERS[lang].format(page=number, pages=pages)
        assert footer in page.extract_text()
    assert TITLES[lang] in reader.pages[1].extract_text()  # running header
    outline = reader.outline
    assert outline and reader.get_destination_page_number(outline[0]) == 0
    assert outline[0].title == TITLES[lang]
    info = reader.metadata
    assert info.title == TITLES[lang]
    assert info.author == "biotech-report"
    assert info.subject
    assert info["/CreationDate"] == "D:20240514000000Z"  # from the data, not the clock
    root = reader.trailer["/Root"]
    assert root["/Lang"] == lang
    assert "/StructTreeRoot" in root and root["/MarkInfo"]["/Marked"]
    xmp = root["/Metadata"].get_object().get_data().decode("utf-8")
    assert 'pdfaid:part="3"' in xmp and 'pdfaid:conformance="B"' in xmp


def test_pdf_attachment_is_the_data_file(built):
    reader = PdfReader(built["out"] / "en" / f"{REPORT}.pdf")
    assert list(reader.attachments) == ["facts.csv"]
    (content,) = reader.attachments["facts.csv"]
    assert content == (built["data"] / "facts.csv").read_bytes()
    af = reader.trailer["/Root"]["/AF"]
    assert af[0].get_object()["/AFRelationship"] == "/Data"


def test_executed_notebook_keeps_parameters(built):
    nb = nbformat.read(built["out"] / "fr" / f"{REPORT}.ipynb", as_version=4)
    assert nb.metadata.papermill.parameters == {"lang": "fr", "cagr_tolerance": None}
    assert nb.metadata.papermill.output_path == "fr/sector_overview.ipynb"
    assert any("injected-parameters" in c.metadata.get("tags", []) for c in nb.cells)
    assert all(c.get("outputs") is not None for c in nb.cells if c.cell_type == "code")


def test_manifest_records_inputs_outputs_versions_timings(built):
    out = built["out"]
    text = (out / "manifest.json").read_text(encoding="utf-8")
    manifest = json.loads(text)
    assert text == json.dumps(manifest, sort_keys=True, indent=2, ensure_ascii=False) + "\n"
    entry = manifest["variants"]["en/sector_overview"]
    assert entry["parameters"] == {"lang": "en", "cagr_tolerance": None}
    assert entry["notebook"] == "notebooks/sector_overview.ipynb"
    assert set(entry["inputs"]) == {
        "notebook",
        "data",
        "library",
        "requirements",
        "parameters",
        "combined",
    }
    assert entry["inputs"]["notebook"] == sha256(paths.NOTEBOOKS_DIR / "sector_overview.ipynb")
    for kind in ("html", "pdf", "ipynb"):
        recorded = entry["outputs"][kind]
        assert recorded["sha256"] == sha256(out / recorded["path"])
    assert entry["versions"]["python"] == ".".join(map(str, sys.version_info[:3]))
    for package in ("papermill", "nbconvert", "weasyprint", "pandas", "matplotlib"):
        assert re.fullmatch(r"\d+(\.\d+)+.*", entry["versions"][package])
    assert {"execute", "html", "pdf", "total"} <= set(entry["timings"])
    assert entry["source_date_epoch"] == 1715644800


def test_unchanged_rebuild_is_up_to_date_and_fast(built):
    out = built["out"]
    before = {p: p.stat().st_mtime_ns for p in out.rglob("*") if p.is_file()}
    config = make_config(reports=[REPORT], out_dir=out, data_dir=built["data"], quiet=True)
    started = time.perf_counter()
    outcome, text = run(config)
    elapsed = time.perf_counter() - started
    assert outcome.exit_code == 0
    assert {s.state for s in outcome.statuses.values()} == {"up to date"}
    assert re.search(r"fr/sector_overview\s+up to date", text)
    assert "0 built, 2 up to date" in text
    assert elapsed < 1.0
    after = {p: p.stat().st_mtime_ns for p in out.rglob("*") if p.is_file()}
    changed = [p.name for p in after if before.get(p) != after[p]]
    assert changed == [".build.lock"]


def test_noop_rebuild_from_command_line_imports_nothing_heavy(built):
    code = (
        "import json, sys, time\n"
        "started = time.perf_counter()\n"
        "from analysis import cli\n"
        f"code = cli.main(['build', '--report', {REPORT!r}, '--quiet', '--out', "
        f"{str(built['out'])!r}, '--data', {str(built['data'])!r}])\n"
        "heavy = {'pandas', 'matplotlib', 'weasyprint', 'papermill', 'nbconvert'}\n"
        "print(json.dumps([code, sorted(heavy & set(sys.modules)), "
        "time.perf_counter() - started]))\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, cwd=paths.ROOT
    )
    assert "0 built, 2 up to date" in result.stdout
    exit_code, imported, seconds = json.loads(result.stdout.strip().splitlines()[-1])
    assert exit_code == 0
    assert imported == []
    assert seconds < 1.0


def test_rebuild_is_byte_identical(built):
    out2 = built["root"] / "out-again"
    config = make_config(reports=[REPORT], out_dir=out2, data_dir=built["data"], quiet=True)
    outcome, text = run(config)
    assert outcome.exit_code == 0, text
    for lang in ("fr", "en"):
        for suffix in (".html", ".pdf"):
            first = (built["out"] / lang / f"{REPORT}{suffix}").read_bytes()
            again = (out2 / lang / f"{REPORT}{suffix}").read_bytes()
            assert first == again, f"{lang}{suffix} differs between two builds"


def test_data_change_triggers_rebuild(built, tmp_path):
    out = tmp_path / "out"
    data = tmp_path / "data"
    shutil.copytree(built["out"], out)
    shutil.copytree(built["data"], data)
    config = make_config(reports=[REPORT], out_dir=out, data_dir=data, quiet=True, langs=["en"])
    outcome, _ = run(config)
    assert outcome.statuses["en/sector_overview"].state == "up to date"
    old = json.loads((out / "manifest.json").read_text())["variants"]["en/sector_overview"]

    facts = data / "facts.csv"
    facts.write_text(facts.read_text(encoding="utf-8").replace("66.67", "66.68", 1), "utf-8")
    outcome, text = run(config)
    assert outcome.exit_code == 0, text
    assert outcome.statuses["en/sector_overview"].state == "done"
    new = json.loads((out / "manifest.json").read_text())["variants"]["en/sector_overview"]
    assert new["inputs"]["data"] != old["inputs"]["data"]
    assert new["inputs"]["library"] == old["inputs"]["library"]
    page = (out / "en" / f"{REPORT}.html").read_text(encoding="utf-8")
    assert "66.68" in page and "66.67" not in page
    # The French variant was not asked for: untouched.
    assert (out / "fr" / f"{REPORT}.html").read_bytes() == (
        built["out"] / "fr" / f"{REPORT}.html"
    ).read_bytes()


def test_parameter_change_triggers_rebuild_of_that_variant_only(built, tmp_path):
    out = tmp_path / "out"
    shutil.copytree(built["out"], out)
    config = make_config(
        reports=[REPORT],
        langs=["fr", "en"],
        params=[("cagr_tolerance", "2.5")],
        out_dir=out,
        data_dir=built["data"],
        quiet=True,
        formats=["html"],
    )
    outcome, text = run(config)
    assert outcome.exit_code == 0, text
    assert {s.state for s in outcome.statuses.values()} == {"done"}
    page = (out / "fr" / f"{REPORT}.html").read_text(encoding="utf-8")
    assert "cagr_tolerance = 2.5" in page
    entry = json.loads((out / "manifest.json").read_text())["variants"]["fr/sector_overview"]
    assert entry["parameters"] == {"lang": "fr", "cagr_tolerance": 2.5}
    assert entry["formats"] == ["html"]
    # HTML only was asked for: the earlier PDF is still there, and a PDF build now
    # needs a rebuild (the manifest no longer vouches for it).
    assert (out / "fr" / f"{REPORT}.pdf").exists()
    assert "pdf" not in entry["outputs"]


@pytest.mark.skipif(shutil.which("pdftotext") is None, reason="poppler-utils not installed")
def test_pdf_contents_have_page_numbers(built):
    pdf = built["out"] / "fr" / f"{REPORT}.pdf"
    text = subprocess.run(
        ["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True, check=True
    ).stdout
    pages = text.split("\f")
    match = re.search(r"Sources par année\s*\.{5,}\s*(\d+)", text)
    assert match, "no page number for a section in the contents"
    # The number is the page where the section's heading is.
    number = int(match.group(1))
    body = pages[number - 1]
    assert re.search(r"^\s*Sources par année\s*$", body, flags=re.M)
