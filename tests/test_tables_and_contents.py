"""Tables' numeric columns and the contents' appendices, as a reader sees them (HTML, PDF)."""

import re

import pytest
from bs4 import BeautifulSoup
from pypdf import PdfReader

from analysis.build.registry import REGISTRY

pytestmark = pytest.mark.build

LANGS = ("fr", "en")
VARIANTS = [(name, lang) for name in REGISTRY for lang in LANGS]


def page(reports_build, name, lang):
    return BeautifulSoup(
        (reports_build["out"] / lang / f"{name}.html").read_text("utf-8"), "html.parser"
    )


def rules(soup, selector):
    """The declarations of the stylesheet's rules whose selector list names ``selector``."""
    css = re.sub(r"/\*.*?\*/", "", soup.find("style").get_text(), flags=re.S)
    return [
        body
        for selectors, body in re.findall(r"([^{}]+)\{([^{}]*)\}", css)
        if selector in [s.strip() for s in selectors.split(",")]
    ]


@pytest.mark.parametrize(("name", "lang"), VARIANTS)
def test_numeric_column_headers_are_right_aligned_and_not_hyphenated(reports_build, name, lang):
    soup = page(reports_build, name, lang)
    for table in soup.select("div.report-table table"):
        numeric = [
            i for i, th in enumerate(table.thead.find_all("th")) if "num" in th.get("class", [])
        ]
        for row in table.tbody.find_all("tr"):
            cells = row.find_all(["th", "td"])
            # A column's header is marked numeric exactly when its cells are.
            assert [i for i, c in enumerate(cells) if "num" in c.get("class", [])] == numeric
    assert soup.select("thead th.num")
    assert any(re.search(r"text-align:\s*right", r) for r in rules(soup, "th.num"))
    assert any(re.search(r"hyphens:\s*manual", r) for r in rules(soup, ".report-table th"))


@pytest.mark.parametrize(("name", "lang"), VARIANTS)
def test_the_contents_number_no_appendix(reports_build, name, lang):
    soup = page(reports_build, name, lang)
    appendices = [" ".join(h.get_text(" ").split()) for h in soup.select("h2.appendix")]
    assert len(appendices) == 3  # methodology, data and sources, glossary
    # HTML: the appendices' entries are not numbered by the list (they carry "Appendix A").
    entries = {a.get_text(): a.find_parent("li") for a in soup.select("nav.toc a")}
    for title in appendices:
        assert "toc-appendix" in entries[title]["class"], title
    assert any(re.search(r"list-style:\s*none", r) for r in rules(soup, "nav.toc li.toc-appendix"))
    # PDF: each appendix's contents line starts with its own label, no number before it.
    pdf = PdfReader(reports_build["out"] / lang / f"{name}.pdf")
    contents = pdf.pages[1].extract_text().splitlines()
    for title in appendices:
        lines = [line for line in contents if title in line]
        assert lines and all(line.startswith(title) for line in lines), (title, lines)
