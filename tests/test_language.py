"""The body text of the built reports reads as a native editor writes each language.

The rules a test can state, checked on the session's build of every report in French and
English (see conftest.py): one qualifier per figure, no "rang 2" / "rank 2" calque, no
English word in the French text, French typography (typographic apostrophe, no-break
spaces where French puts them) and one money style in English. Passages quoted from the
sources keep their own wording and are left out (``<q>`` in HTML, guillemets or quotes).
"""

import functools
import re

import pytest
from bs4 import BeautifulSoup
from pypdf import PdfReader

from analysis.build.registry import REGISTRY

pytestmark = pytest.mark.build

VARIANTS = [(name, lang) for name in REGISTRY for lang in ("fr", "en")]

#: Two qualifiers stacked on one figure ("at least about", "plus d'environ"), either language.
STACKED_HEDGE = re.compile(
    r"\b(plus|moins) d['’]environ|\b(au moins|au plus|près de|plus de|moins de) (d['’])?environ"
    r"|\b(more than|less than|at least|at most|nearly|over|under) (about|around)\b",
    re.IGNORECASE,
)

#: A rank written as a number after "rang" / "rank", the calque of "ranks 2nd".
RANK_CALQUE = {"fr": re.compile(r"\brang\s+\d"), "en": re.compile(r"\brank\s+\d", re.I)}

#: English words a French reader should never meet outside a quotation ("cluster" and
#: "web" are French too, and kept).
ENGLISH_IN_FRENCH = re.compile(
    r"\b(work ?packages?|press release|rank|jobs?|growth|granted|budget per|still to|"
    r"about|nearly|more than|less than|at least|findings?|checks?|stated|computed|"
    r"boilerplate|body|share|partners?)\b",
    re.IGNORECASE,
)

#: What is quoted rather than written by the report: guillemets, ‘single’ and “double”
#: curly quotes, and 'straight single quotes' opened after a space (an apostrophe inside a
#: word opens nothing).
QUOTED = re.compile(r"«[^»]*»|‘[^’]*’(?!\w)|(?<!\w)'[^']*'(?!\w)|“[^”]*”")


@functools.cache
def html_text(out, name, lang):
    """The page's text, without the passages quoted from the sources (<q>) and code."""
    soup = BeautifulSoup((out / lang / f"{name}.html").read_text("utf-8"), "html.parser")
    # one string a line, so that two cells never read as one sentence
    return "\n".join(
        s for s in soup.body.strings if s.find_parent("q") is None and s.find_parent("code") is None
    )


@functools.cache
def prose(out, name, lang):
    """The running text of the body: paragraphs, summary points and tile meaning lines, up
    to the appendices (reference matter, which lists figures as the tables give them)."""
    soup = BeautifulSoup((out / lang / f"{name}.html").read_text("utf-8"), "html.parser")
    blocks = [
        b
        for b in soup.select("main p:not([class]), main li:not([class]), main p.tile-meaning")
        if b.find_previous("h2", class_="appendix") is None
    ]
    # ordinary white space collapsed; no-break spaces kept, they are what is checked
    return [re.sub(r"[ \t\r\n]+", " ", b.get_text(" ")).strip() for b in blocks]


@functools.cache
def pdf_text(out, name, lang):
    reader = PdfReader(out / lang / f"{name}.pdf")
    return " ".join(" ".join(p.extract_text().split()) for p in reader.pages)


def unquoted(text):
    return QUOTED.sub(" ", text)


@pytest.fixture(scope="module")
def out(reports_build):
    return reports_build["out"]


def test_the_patterns_catch_the_old_wordings():
    # each pattern would have caught the wording it guards against
    assert STACKED_HEDGE.search("au moins environ 58 M€")
    assert STACKED_HEDGE.search("plus d’environ 86,1 Md€")
    assert STACKED_HEDGE.search("at least about €58M")
    assert not STACKED_HEDGE.search("about €86.1bn or more")
    assert RANK_CALQUE["fr"].search("Elle se classe au rang 1 européen")
    assert RANK_CALQUE["en"].search("holds rank 2 among the trade partners")
    assert not RANK_CALQUE["fr"].search("au premier rang européen")
    assert ENGLISH_IN_FRENCH.search("pour 26 partenaires et 12 workpackages")
    assert not ENGLISH_IN_FRENCH.search("pour 26 partenaires et 12 lots de travail")
    assert unquoted("le texte dit « plus de 470 » et 'at least about N'") == ("le texte dit   et  ")
    assert unquoted("Belgium's 'first' place") == "Belgium's   place"
    assert (
        unquoted("Belgium’s ‘first’ place, the sizes’ ‘about’") == "Belgium’s   place, the sizes’  "
    )


@pytest.mark.parametrize(("name", "lang"), VARIANTS)
def test_one_qualifier_per_figure(out, name, lang):
    # quoted passages of the texts are left out: they keep the texts' own words
    for text in (unquoted(html_text(out, name, lang)), unquoted(pdf_text(out, name, lang))):
        found = STACKED_HEDGE.search(text)
        assert found is None, text[max(found.start() - 80, 0) : found.end() + 40]


@pytest.mark.parametrize(("name", "lang"), VARIANTS)
def test_ranks_are_ordinals_not_calques(out, name, lang):
    text = html_text(out, name, lang)
    found = RANK_CALQUE[lang].search(text)
    assert found is None, text[max(found.start() - 80, 0) : found.end() + 40]


@pytest.mark.parametrize("name", list(REGISTRY))
def test_french_text_has_no_english_word(out, name):
    text = unquoted(html_text(out, name, "fr"))
    # proper names of the data that are English: events, organisations, a web address
    for name_ in ("HealthTech Investor Summit", "Science for Health", "Johnson & Johnson"):
        text = text.replace(name_, " ")
    found = ENGLISH_IN_FRENCH.search(text)
    assert found is None, text[max(found.start() - 80, 0) : found.end() + 40]


@pytest.mark.parametrize("name", list(REGISTRY))
def test_french_typography(out, name):
    text = html_text(out, name, "fr")
    # the typographic apostrophe, never the typewriter one
    found = re.search(r"\w'\w", text)
    assert found is None, text[max(found.start() - 60, 0) : found.end() + 40]
    # no breaking space before : ; ! ? » or after « (a verdict sign "? invérifiable" opens
    # a cell: nothing before it)
    found = re.search(r"\w [:;!?»]|« ", text)
    assert found is None, text[max(found.start() - 60, 0) : found.end() + 40]
    # a colon after a no-break space, ; ! ? after a narrow one
    assert "\u00a0:" in text and "\u202f;" in text
    assert not re.search(r"\w[;!?](\s|$)", text)


@pytest.mark.parametrize("name", list(REGISTRY))
def test_english_money_has_one_style(out, name):
    text = pdf_text(out, name, "en")
    # never "EUR 81M", "81 M€" or "€ 81" beside "€81M" (quotes aside: they are the texts')
    for wrong in (r"\bEUR\b", r"\d ?M€|\d ?Md€|\d ?k€", r"€ \d", r"\d euros\b"):
        found = re.search(wrong, unquoted(text))
        assert found is None, text[max(found.start() - 60, 0) : found.end() + 40]
    # sentences give money in words (a no-break space before the word) and thousands in
    # full: "€81\u00a0million", "€48,500"
    for sentence in prose(out, name, "en"):
        found = re.search(r"€[\d.,]+(k|M|bn)\b", unquoted(sentence))
        assert found is None, sentence
    shown = " ".join(prose(out, name, "en"))
    if name != "claims_audit":  # the audit states no budget in its sentences
        assert "€81\u00a0million" in shown


@pytest.mark.parametrize("name", ["sector_overview", "atmp_partnership"])
def test_money_in_sentences_and_in_tables(out, name):
    # 81 000 k€ / more than 1 670 jobs = less than 48.503 k€: 48.5 at the precision shown,
    # in full in a sentence, short in a tile or a table
    fr, en = " ".join(prose(out, name, "fr")), " ".join(prose(out, name, "en"))
    assert "moins de 48\u202f500\u00a0€" in fr and "less than €48,500" in en
    assert "81\u00a0millions d’euros" in fr
    assert "81\u00a0M€" in html_text(out, name, "fr") and "€81M" in html_text(out, name, "en")


def test_ranks_and_ratios_in_the_sector_overview(out):
    fr, en = (" ".join(prose(out, "sector_overview", lang)) for lang in ("fr", "en"))
    assert "au premier rang européen pour la R&D, au deuxième" in fr
    assert "ranks first for R&D, second for exports and third for jobs" in en
    assert "Les États-Unis sont le deuxième partenaire commercial" in fr
    assert "The United States is the second-largest trading partner" in en
    # 19.3 / 2.6 = 7.42, known within 7.26-7.59: to the half, about 7.5 (not "more than 7")
    assert "(environ 7,5\u00a0fois)" in fr and "(about 7.5 times)" in en
    assert "entre février 2021 et le 14 mai 2024" in fr  # a day in a sentence: "le"


def test_partnership_ratio_is_written_with_its_own_rounding(out):
    # 1 200 / (more than 470) = less than 2.553; the figures as written allow no better than
    # a half (2.42-2.69): about 2.5, not the outward-rounded "less than 3 times"
    fr, en = (" ".join(prose(out, "atmp_partnership", lang)) for lang in ("fr", "en"))
    assert "environ 2,5\u00a0fois plus d’emplois indirects" in fr
    assert "about 2.5 times as many indirect as direct jobs" in en
    assert "less than 3 times" not in en


@pytest.mark.parametrize("name", ["sector_overview", "atmp_partnership"])
def test_jobs_are_expected_not_a_rise_and_granted_is_public(out, name):
    fr, en = (" ".join(prose(out, name, lang)) for lang in ("fr", "en"))
    # the texts announce jobs to be created, not a rise of the sector's jobs
    assert "rise" not in en and "hausse" not in fr
    assert "l’équivalent de plus de 27,8\u00a0%" in fr and "the equivalent of more than 27.8%" in en
    # granted is public support: against the public part (nearly 23 / about 48.6 = about
    # 47.33 % -> 2 s.f. -> 47; 48.6 - 23 = about 25.6 -> 2 s.f. -> 26), the assumption said
    assert "assuming the amounts granted are the public part" in en
    assert "environ 47\u00a0% du financement public" in fr
    assert "about 47% of the public funding" in en and "about €26\u00a0million" in en
