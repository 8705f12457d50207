"""The HTML reports on a phone (390 px wide): nothing overflows the page.

Headless Chromium loads a copy of each page, with a small script appended that measures it,
in a frame 390 px wide (its window is at least 500 px wide); the frame sends its
measurements to the outer page, which writes them into its document; ``--dump-dom`` returns
that document, and the test reads them. Chromium is not a dependency of the project:
without it on PATH the test is skipped.
"""

import json
import shutil
import subprocess
from pathlib import Path

import pytest
from bs4 import BeautifulSoup

from analysis.build.registry import REGISTRY
from analysis.present.messages import catalogue

pytestmark = pytest.mark.build

LANGS = ("fr", "en")
VARIANTS = [(name, lang) for name in REGISTRY for lang in LANGS]
WIDTH = 390
CHROMIUM = shutil.which("chromium")
#: The marks of the first quotation of a page (``<q>``), as CSS ``quotes`` computes them.
QUOTES = {
    "fr": '"«\u00a0" "\u00a0»" "\u201c" "\u201d"',
    "en": '"\u201c" "\u201d" "\u2018" "\u2019"',
}

#: Measures the page once laid out: the document's width, every element that reaches past
#: the viewport (except inside the boxes where wide tables and charts scroll), and the
#: report tables' cells: how many, those not laid out as a line of a card (display: block,
#: or none when empty), and those reaching past the viewport, scroll box or not; the
#: charts' widths and their full-size switches; the marks of the first quotation; then,
#: every switch opened, the charts' widths and the elements past the viewport again.
MEASURE = """
<script>
window.addEventListener("load", () => {
  const width = document.documentElement.clientWidth;
  const overflowing = () => {
    const found = [];
    for (const el of document.body.querySelectorAll("*")) {
      const box = el.closest(".table-scroll, .figure-scroll");
      if (box && box !== el) continue;
      const rect = el.getBoundingClientRect();
      if (rect.width > 0 && (rect.right > width + 0.5 || rect.left < -0.5)) {
        found.push(el.tagName.toLowerCase() + "." + [...el.classList].join(".") + " "
          + Math.round(rect.left) + ".." + Math.round(rect.right));
      }
    }
    return found;
  };
  const chartWidths = () => [...document.querySelectorAll("figure.report-figure img")].map(
    (img) => Math.round(img.getBoundingClientRect().width));
  const wide = overflowing();
  const cells = document.querySelectorAll(".report-table td, .report-table tbody th");
  const notCards = [];
  const wideCells = [];
  for (const cell of cells) {
    const display = getComputedStyle(cell).display;
    const empty = cell.textContent.trim() === "";
    if (!(display === "block" || (display === "none" && empty))) {
      notCards.push(cell.dataset.label + ": " + display);
    }
    const rect = cell.getBoundingClientRect();
    if (rect.right > width + 0.5 || rect.left < -0.5) {
      wideCells.push(cell.dataset.label + ": " + Math.round(rect.left) + ".."
        + Math.round(rect.right));
    }
  }
  const charts = chartWidths();
  const switches = [...document.querySelectorAll("figure.report-figure")].map(
    (fig) => {
      const zoom = fig.querySelector("details.figure-zoom");
      return zoom && getComputedStyle(zoom).display !== "none"
        ? zoom.querySelector("summary").innerText.trim() : null;
    });
  const quote = document.querySelector("q");
  const quotes = quote && getComputedStyle(quote).quotes;
  for (const zoom of document.querySelectorAll("details.figure-zoom")) zoom.open = true;
  const chartsOpen = chartWidths();
  const wideOpen = overflowing();
  parent.postMessage(JSON.stringify({
    viewport: window.innerWidth,
    scrollWidth: document.documentElement.scrollWidth,
    wide: wide,
    cells: cells.length,
    notCards: notCards,
    wideCells: wideCells,
    charts: charts,
    switches: switches,
    chartsOpen: chartsOpen,
    wideOpen: wideOpen,
    quotes: quotes,
  }), "*");
});
</script>
"""

#: The outer page: the measured page in a frame of the given width; what it sends, written.
FRAME = """<!DOCTYPE html><html><body style="margin:0">
<script>
window.addEventListener("message", (event) => {
  const out = document.createElement("pre");
  out.id = "layout-measure";
  out.textContent = event.data;
  document.body.appendChild(out);
});
</script>
<iframe src="{src}" style="width:{width}px;height:3000px;border:0"></iframe>
</body></html>
"""


def measure(html: Path, tmp_path: Path, width: int = WIDTH) -> dict:
    """Lay ``html`` out in headless Chromium at ``width`` px; its measurements (see MEASURE)."""
    page = tmp_path / html.name
    page.write_text(html.read_text("utf-8").replace("</body>", MEASURE + "</body>"), "utf-8")
    outer = tmp_path / "frame.html"
    outer.write_text(FRAME.replace("{src}", page.name).replace("{width}", str(width)), "utf-8")
    done = subprocess.run(
        [
            CHROMIUM,
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--hide-scrollbars",
            "--window-size=800,3000",
            "--virtual-time-budget=5000",
            "--dump-dom",
            outer.as_uri(),
        ],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    found = BeautifulSoup(done.stdout, "html.parser").find(id="layout-measure")
    assert found is not None, f"no measurements in Chromium's output: {done.stderr[-2000:]}"
    return json.loads(found.get_text())


needs_chromium = pytest.mark.skipif(
    CHROMIUM is None, reason="chromium is not on PATH (the narrow-screen check needs it)"
)


@needs_chromium
def test_the_measure_sees_an_overflowing_element(tmp_path):
    # A 600 px block on a 390 px page: the check must report it (and the page's width).
    page = tmp_path / "wide.html"
    page.write_text(
        '<!DOCTYPE html><html><head><meta name="viewport" content="width=device-width">'
        '</head><body style="margin:0"><div class="wide" style="width:600px">x</div>'
        '<div class="table-scroll" style="overflow-x:auto"><table style="width:900px">'
        "<tr><td>scrolls inside its box</td></tr></table></div>"
        '<div class="report-table"><table><tbody><tr><td data-label="Claim" style="padding:0">'
        '<div style="width:500px">wider than the screen</div></td><td data-label="Verdict" '
        'style="padding:0"><div style="width:20px">x</div></td></tr></tbody></table></div>'
        "</body></html>",
        "utf-8",
    )
    out = tmp_path / "measured"
    out.mkdir()
    found = measure(page, out)
    assert found["viewport"] == WIDTH
    assert found["scrollWidth"] == 600
    # The wide block; the table whose cells hold blocks of 500 and 20 px (with the default
    # border spacing of 2 px: cells 2..502 and 504..524, table 0..526); nothing inside
    # the scroll box (html and body fit: they are 390 wide).
    assert found["wide"] == [
        "div.wide 0..600",
        "table. 0..526",
        "tbody. 2..524",
        "tr. 2..524",
        "td. 2..502",
        "div. 2..502",
        "td. 504..524",
        "div. 504..524",
    ]
    # 2 cells, neither a card's line (no report stylesheet here), both past the screen.
    assert found["cells"] == 2
    assert found["notCards"] == ["Claim: table-cell", "Verdict: table-cell"]
    assert found["wideCells"] == ["Claim: 2..502", "Verdict: 504..524"]


@needs_chromium
@pytest.mark.parametrize(("name", "lang"), VARIANTS)
def test_nothing_overflows_a_phone_screen(reports_build, tmp_path, name, lang):
    found = measure(reports_build["out"] / lang / f"{name}.html", tmp_path)
    assert found["viewport"] == WIDTH
    assert found["scrollWidth"] <= WIDTH, found
    assert found["wide"] == []
    # Below 600 px every cell of every table is a line of a card (or, empty, takes no room),
    # none wider than the screen.
    assert found["cells"] > 0
    assert found["notCards"] == []
    assert found["wideCells"] == []
    # The charts (every report has some) fit the text's width: 390 px less the page's
    # padding of 1.25rem a side (18.75 px at 15 px a rem) = 352.5, drawn 353 px wide;
    # none cut off, none in a box to scroll.
    assert found["charts"] and set(found["charts"]) == {353}, found["charts"]
    # Under each, its switch to full size, in the page's language.
    label = catalogue()["report.figure_full_size"][lang]
    assert found["switches"] == [label] * len(found["charts"])
    # Full size, they are drawn 462 units wide (6.4 in) with labels of 7 units at the
    # smallest: at 560 px, 7 x 560 / 462 = 8.5 px high (at 354 px: 5.4 px), scrolling in
    # their box; still nothing past the screen.
    assert set(found["chartsOpen"]) == {560}, found["chartsOpen"]
    assert found["wideOpen"] == []
    # A quotation takes the page's marks (French: guillemets with a no-break space inside).
    assert found["quotes"] == QUOTES[lang]


@pytest.mark.parametrize(("name", "lang"), VARIANTS)
def test_every_table_cell_carries_its_column_header(reports_build, name, lang):
    # The phone layout shows each cell under its column's header, read from data-label.
    html = (reports_build["out"] / lang / f"{name}.html").read_text("utf-8")
    soup = BeautifulSoup(html, "html.parser")
    assert soup.html["lang"] == lang
    for table in soup.select(".report-table table"):
        headers = [th.get_text(" ", strip=True) for th in table.select("thead th")]
        for row in table.select("tbody tr"):
            labels = [cell.get("data-label") for cell in row.find_all(["td", "th"])]
            assert labels == headers, (table.caption.get_text(" ", strip=True), labels)
    assert soup.select(".report-table td") and not soup.select(".report-table td:not([data-label])")
