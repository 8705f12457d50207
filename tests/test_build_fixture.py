"""The build on a fixture notebook: language cells, hidden cells, attachments, charts,
data and parameter changes.

tests/fixtures/notebooks/bilingual.ipynb reads the curated data through
analysis.paths.data_dir(), shows a title block, one cell per language, a chart, a long table
of data/facts.csv and attaches that file to the PDF.
"""

import io
import json
import re
import shutil
from pathlib import Path

import pytest
from pypdf import PdfReader
from rich.console import Console

from analysis import paths
from analysis.build.registry import CAGR_TOLERANCE, LANG, Report, registry
from analysis.build.run import build, make_config

# The build tier: builds with kernels (see conftest.py and pyproject's markers).
pytestmark = pytest.mark.build

FIXTURES = Path(__file__).parent / "fixtures" / "notebooks"
REPORTS = registry([Report("bilingual", "bilingual.ipynb", "fixture", (LANG, CAGR_TOLERANCE))])
TITLES = {
    "fr": "Le secteur biotech en Belgique et en Wallonie",
    "en": "The biotech sector in Belgium and Wallonia",
}


def run(out, data, **options):
    console = Console(file=io.StringIO(), width=200, force_terminal=False)
    options.setdefault("quiet", True)
    config = make_config(
        registry=REPORTS, notebooks_dir=FIXTURES, out_dir=out, data_dir=data, **options
    )
    outcome = build(config, console)
    return outcome, console.file.getvalue()


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    root = tmp_path_factory.mktemp("fixture")
    data = root / "data"
    shutil.copytree(paths.data_dir(), data)
    out = root / "out"
    outcome, text = run(out, data)
    assert outcome.exit_code == 0, text
    return {"root": root, "out": out, "data": data}


def html(out, lang):
    return (out / lang / "bilingual.html").read_text(encoding="utf-8")


@pytest.mark.parametrize("lang", ["fr", "en"])
def test_one_language_no_hidden_cells_no_code(built, lang):
    page = html(built["out"], lang)
    assert re.search(f'<h1 id="[a-z0-9-]+">{TITLES[lang]}</h1>', page)
    assert f"<title>{TITLES[lang]}</title>" in page
    about = {"fr": "À propos de ce rapport", "en": "About this report"}
    other = "en" if lang == "fr" else "fr"
    assert about[lang] in page and about[other] not in page
    assert "Note for the authors" not in page  # tagged remove
    assert "cagr_tolerance = None" not in page  # the parameters cells' outputs
    assert "set_matplotlib_formats" not in page  # code
    assert "data:image/svg+xml;base64," in page  # the chart, embedded
    assert "biotech-report.attachment" not in page and "[facts.csv:" not in page
    # The report's date is the data's.
    assert "2024-05-14" in page


def test_pdf_attachment_is_the_data_file(built):
    reader = PdfReader(built["out"] / "en" / "bilingual.pdf")
    assert list(reader.attachments) == ["facts.csv"]
    (content,) = reader.attachments["facts.csv"]
    assert content == (built["data"] / "facts.csv").read_bytes()
    spec = reader.trailer["/Root"]["/AF"][0].get_object()
    assert spec["/AFRelationship"] == "/Data"
    assert spec["/EF"]["/F"].get_object()["/Subtype"] == "/text/csv"


def test_pdf_table_header_repeats_on_every_page_of_the_table(built):
    reader = PdfReader(built["out"] / "fr" / "bilingual.pdf")
    pages = [page.extract_text() for page in reader.pages]
    with_rows = [text for text in pages if "F0" in text]
    assert len(with_rows) >= 2
    assert all("fact_id" in text for text in with_rows)


def test_data_change_triggers_rebuild(built, tmp_path):
    out = tmp_path / "out"
    data = tmp_path / "data"
    shutil.copytree(built["out"], out)
    shutil.copytree(built["data"], data)
    outcome, _ = run(out, data, langs=["en"])
    assert outcome.statuses["en/bilingual"].state == "up to date"
    old = json.loads((out / "manifest.json").read_text())["variants"]["en/bilingual"]

    facts = data / "facts.csv"
    facts.write_text(facts.read_text(encoding="utf-8").replace("66.67", "66.68", 1), "utf-8")
    outcome, text = run(out, data, langs=["en"])
    assert outcome.exit_code == 0, text
    assert outcome.statuses["en/bilingual"].state == "done"
    new = json.loads((out / "manifest.json").read_text())["variants"]["en/bilingual"]
    assert new["inputs"]["data"] != old["inputs"]["data"]
    assert new["inputs"]["library"] == old["inputs"]["library"]
    page = html(out, "en")
    assert "66.68" in page and "66.67" not in page
    # The French variant was not asked for: untouched.
    assert html(out, "fr") == html(built["out"], "fr")


def test_parameter_change_rebuilds_with_the_value(built, tmp_path):
    out = tmp_path / "out"
    shutil.copytree(built["out"], out)
    outcome, text = run(
        out, built["data"], params=[("cagr_tolerance", "2.5")], formats=["html"], langs=["fr"]
    )
    assert outcome.exit_code == 0, text
    # Another edition: files of its own, beside the stated edition's.
    key = "fr/bilingual--cagr_tolerance-2.5"
    assert outcome.statuses[key].state == "done"
    page = (out / f"{key}.html").read_text(encoding="utf-8")
    assert "cagr_tolerance = 2.5" in page
    assert html(out, "fr") == html(built["out"], "fr")
    entry = json.loads((out / "manifest.json").read_text())["variants"][key]
    assert entry["parameters"] == {"lang": "fr", "cagr_tolerance": 2.5}
    assert entry["formats"] == ["html"]
    assert "pdf" not in entry["outputs"]
    # Asking for the PDF again: the manifest does not vouch for the old one, so it rebuilds.
    outcome, _ = run(out, built["data"], params=[("cagr_tolerance", "2.5")], langs=["fr"])
    assert outcome.statuses[key].state == "done"


def test_rebuild_is_byte_identical(built, tmp_path):
    outcome, text = run(tmp_path / "again", built["data"])
    assert outcome.exit_code == 0, text
    for lang in ("fr", "en"):
        for suffix in (".html", ".pdf"):
            first = (built["out"] / lang / f"bilingual{suffix}").read_bytes()
            again = (tmp_path / "again" / lang / f"bilingual{suffix}").read_bytes()
            assert first == again, f"{lang}{suffix} differs between two builds"
