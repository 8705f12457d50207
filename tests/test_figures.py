"""Figures: captions, source lines, text alternatives and fact ids (analysis.figures)."""

import builtins
import dataclasses
import datetime as dt
import hashlib
import html
import pathlib
import re
import subprocess
import sys

import pytest

from analysis.compute import indicators
from analysis.data import editions
from analysis.present import charts, figures
from analysis.present.messages import catalogue, placeholders

NNBSP, NBSP = "\u202f", "\u00a0"
LANGS = ("fr", "en")

BUDGET = ("F002-01", "F002-06", "F003-02")
#: Every fact each figure plots or derives from, listed by hand.
FACT_IDS = {
    "funding": (
        *BUDGET,
        "F002-02", "F003-03",  # duration
        "F002-07", "F002-08",  # public and private shares
        "F002-09",  # amount granted
    ),
    "jobs": (
        "F002-10", "F003-06",  # horizon
        "F002-11", "F003-07",  # projected direct
        "F002-12", "F003-08",  # projected indirect
        "F002-26", "F003-22",  # current direct
        "F002-27", "F003-23",  # current total
    ),
    "eu_shares": (
        "F002-13", "F002-14", "F002-15", "F002-16", "F002-17", "F002-18", "F002-19",
        "F003-09", "F003-10", "F003-11", "F003-12", "F003-13", "F003-14", "F003-15",
    ),
    "market": ("F002-20", "F002-21", "F002-22"),
    "timeline": (),
    "clusters": (
        "F004-01", "F004-13", "F002-28",  # BioWin members: 260 in the body, 250 in boilerplates
        "F004-03", "F004-04", "F004-05",  # BioWin companies, academic institutions, centres
        "F004-06", "F004-09", "F004-07", "F004-08",  # MEDVIA members, companies, acad., hosp.
    ),
}  # fmt: skip

S002_FR = "le Gouvernement wallon et BioWin, communiqué de presse du 17 janvier 2024"
S002_EN = "the Walloon Government and BioWin, press release of 17 January 2024"
S003_FR = "BioWin, page web, 2024, adaptation anglaise du communiqué de presse du 17 janvier 2024"
S003_EN = "BioWin, web page, 2024, English adaptation of the press release of 17 January 2024"
S002_S003 = {
    "fr": f"Sources{NBSP}: {S002_FR}{NNBSP}; {S003_FR}.",
    "en": f"Sources: {S002_EN}; {S003_EN}.",
}


@pytest.fixture(scope="module")
def made(ds):
    """Each figure in each language, made once for the module."""
    return {(key, lang): getattr(figures, key)(ds, lang) for key in figures.KEYS for lang in LANGS}


def _svg_texts(svg: str) -> list[str]:
    """The texts an SVG writes, one per line of text, unescaped."""
    return [html.unescape(t) for t in re.findall(r"<text[^>]*>([^<]*)</text>", svg)]


def _t_list_separator(lang: str) -> str:
    return catalogue()["figure.list.separator"][lang]


# -- the Figure -----------------------------------------------------------------------------


#: Two qualifiers stacked on one figure, and French "de" left before a vowel.
STACKED_HEDGE = re.compile(
    r"\b(plus|moins) d['’]environ|\b(au moins|au plus|près de|plus de|moins de) (d['’])?environ"
    r"|\b(more than|less than|at least|at most|nearly|over|under) (about|around)",
    re.IGNORECASE,
)
NOT_ELIDED = re.compile(r"\b(de|que) (environ|au moins|au plus)\b")


@pytest.mark.parametrize("lang", LANGS)
def test_no_label_stacks_two_qualifiers_or_misses_an_elision(ds, made, lang):
    figs = [made[key, lang] for key in figures.KEYS] + [
        figures.funding(ds, lang, public_share=0.5),
        figures.jobs(ds, lang, direct_jobs=600, indirect_jobs=1500),
        figures.market(ds, lang, tolerance=2.0),
    ]
    for fig in figs:
        for text in (fig.svg, fig.alt, fig.caption):
            assert not STACKED_HEDGE.search(text), (fig.key, STACKED_HEDGE.search(text))
            assert not NOT_ELIDED.search(text), (fig.key, NOT_ELIDED.search(text))
        assert not re.search(r"2024\s*[–-]\s*2029", fig.alt + fig.caption), fig.key


@pytest.mark.parametrize("lang", LANGS)
@pytest.mark.parametrize("key", figures.KEYS)
def test_every_figure_is_complete(made, key, lang):
    fig = made[key, lang]
    assert isinstance(fig, figures.Figure)
    assert fig.key == key
    assert fig.svg.startswith("<svg ")
    assert fig.svg.rstrip().endswith("</svg>")
    assert 'role="img"' in fig.svg
    assert charts._escape(fig.alt) in fig.svg  # the alt text is the SVG's accessible name
    assert fig.caption.endswith(".")
    assert not fig.caption.lower().startswith(("figure", "fig."))
    assert not re.search(r"\.\s+[A-ZÀ-Ý]", fig.caption), "a caption is one sentence"
    assert fig.source.startswith("Source")
    assert "\n" not in fig.alt + fig.caption + fig.source


@pytest.mark.parametrize("lang", LANGS)
@pytest.mark.parametrize("key", figures.KEYS)
def test_fact_ids_are_every_fact_plotted(made, key, lang):
    assert made[key, lang].fact_ids == tuple(sorted(FACT_IDS[key]))


def test_figures_are_frozen(made):
    with pytest.raises(dataclasses.FrozenInstanceError):
        made["funding", "fr"].caption = ""


@pytest.mark.parametrize("key", figures.KEYS)
def test_svg_is_deterministic(ds, made, key):
    for lang in LANGS:
        assert getattr(figures, key)(ds, lang).svg == made[key, lang].svg, (key, lang)
    assert made[key, "fr"].svg != made[key, "en"].svg


def test_svg_is_the_same_in_another_process(made):
    code = (
        "import hashlib; from analysis import load_data; from analysis.present import figures; "
        "print(hashlib.sha256(figures.market(load_data(), 'fr').svg.encode()).hexdigest())"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    ).stdout.strip()
    assert out == hashlib.sha256(made["market", "fr"].svg.encode()).hexdigest()


def test_charts_leave_matplotlib_settings_alone(ds):
    import matplotlib

    before = dict(matplotlib.rcParams)
    figures.clusters(ds, "en")
    assert dict(matplotlib.rcParams) == before


def test_figures_read_no_file(ds, monkeypatch):
    figures.funding(ds, "fr")  # fonts and locale data are loaded once, before

    def refuse(*args, **kwargs):
        raise AssertionError("a figure opened a file")

    monkeypatch.setattr(builtins, "open", refuse)
    monkeypatch.setattr(pathlib.Path, "open", refuse)
    monkeypatch.setattr(pathlib.Path, "read_text", refuse)
    for key in figures.KEYS:
        for lang in LANGS:
            getattr(figures, key)(ds, lang)


# -- source lines ---------------------------------------------------------------------------


def test_source_line_of_one_document(ds):
    assert figures.source_line(ds, ["F002-01"], "fr") == f"Source{NBSP}: {S002_FR}."
    assert figures.source_line(ds, ["F002-01"], "en") == f"Source: {S002_EN}."


def test_source_line_credits_the_organisation_a_text_cites(ds):
    # F002-20 (the ATMP market's growth): S002 writes "(Source Deloitte)"; F002-16 (R&D
    # share) comes from a paragraph credited "(Source pharma.be)" (facts.csv, cited_source).
    assert figures.source_line(ds, ["F002-20"], "en") == f"Source: Deloitte, cited by {S002_EN}."
    assert figures.source_line(ds, ["F002-20"], "fr") == (
        f"Source{NBSP}: {S002_FR}, qui cite Deloitte."
    )
    assert figures.source_line(ds, ["F002-16", "F002-20"], "en") == (
        f"Source: pharma.be, Deloitte, cited by {S002_EN}."
    )


@pytest.mark.parametrize("lang", LANGS)
def test_source_line_names_a_translation(ds, lang):
    assert figures.source_line(ds, ["F003-02", "F002-01"], lang) == S002_S003[lang]


def test_source_lines_date_each_document_at_its_precision(ds):
    ids = ["F001-01", "F004-01"]
    assert figures.source_line(ds, ids, "fr") == (
        f"Sources{NBSP}: bio.be/essenscia, communiqué de presse de la semaine du 6 juin 2022"
        f"{NNBSP}; BioWin et MEDVIA, communiqué de presse du 14 mai 2024."
    )
    assert figures.source_line(ds, ids, "en") == (
        "Sources: bio.be/essenscia, press release of the week of 6 June 2022;"
        " BioWin and MEDVIA, press release of 14 May 2024."
    )
    assert figures.source_line(ds, [], "fr", event_ids=["E01"]) == (
        f"Source{NBSP}: article de presse de février 2021 citant AWEX et essenscia wallonie."
    )
    assert figures.source_line(ds, [], "en", event_ids=["E01"]) == (
        "Source: news article of February 2021 quoting AWEX and essenscia wallonie."
    )


def test_source_line_elides_before_a_vowel(ds):
    sources = ds.sources.copy()
    sources.loc[sources["source_id"] == "S000", "pub_date"] = dt.date(2021, 4, 1)
    april = dataclasses.replace(ds, sources=sources)
    assert "article de presse d’avril 2021" in figures.source_line(
        april, [], "fr", event_ids=["E01"]
    )
    assert "news article of April 2021" in figures.source_line(april, [], "en", event_ids=["E01"])


def test_source_line_lists_each_document_once_in_id_order(ds):
    line = figures.source_line(ds, ["F004-13", "F002-28", "F004-01"], "en", ["E17", "E18"])
    assert line == f"Sources: {S002_EN}; BioWin and MEDVIA, press release of 14 May 2024."


@pytest.mark.parametrize(
    ("args", "kwargs", "name"),
    [
        (("F002-01", "fr"), {}, "fact_ids"),  # a string, not a sequence of ids
        ((["F999-01"], "fr"), {}, "fact_ids"),
        (([1], "fr"), {}, "fact_ids"),
        (([], "fr"), {"event_ids": ["E99"]}, "event_ids"),
        (([], "fr"), {}, "fact_ids and event_ids"),
        ((["F002-01"], "de"), {}, "lang"),
    ],
)
def test_source_line_rejects_bad_arguments(ds, args, kwargs, name):
    with pytest.raises(ValueError, match=name):
        figures.source_line(ds, *args, **kwargs)


# -- funding --------------------------------------------------------------------------------


def test_funding_caption_and_source(made):
    fr, en = made["funding", "fr"], made["funding", "en"]
    assert fr.caption == (
        f"Budget de 81{NBSP}M€ sur 3{NBSP}ans du partenariat d’innovation ATMP{NBSP}: "
        f"répartition entre fonds publics (environ 60{NBSP}%) et privés (environ 40{NBSP}%), "
        f"et montant déjà octroyé en 2023 (près de 23{NBSP}M€), rapporté au financement public "
        f"en supposant que les montants octroyés en font partie."
    )
    assert en.caption == (
        "The ATMP innovation partnership’s €81M budget over 3 years: split between public "
        "(about 60%) and private (about 40%) funds, and the amount already granted in 2023 "
        "(nearly €23M), set against the public funding on the assumption that the amounts "
        "granted are public money."
    )
    assert "17 janvier 2024" in fr.source and "S002" not in fr.source
    assert fr.source == S002_S003["fr"]
    assert en.source == S002_S003["en"]


def test_funding_alt_gives_every_segment(made):
    fr, en = made["funding", "fr"].alt, made["funding", "en"].alt
    for text in (
        # 81 x about 60% = 48.6 -> 2 s.f. -> 49; 81 x about 40% = 32.4 -> 32
        f"public environ 49{NBSP}M€ (environ 60{NBSP}%)",
        f"privé environ 32{NBSP}M€ (environ 40{NBSP}%)",
        f"près de 23{NBSP}M€ octroyés en 2023",
        # granted against the public part: about 48.6 - nearly 23 = about 25.6 -> 2 s.f. -> 26
        f"environ 26{NBSP}M€ restant à octroyer",
    ):
        assert text in fr
    for text in (
        "public about €49M (about 60%)",
        "private about €32M (about 40%)",
        "nearly €23M granted in 2023",
        "about €26M still to be granted",
        "assuming the amounts granted are public money",
    ):
        assert text in en


def test_funding_falls_back_to_the_budget_when_the_public_part_is_below_the_grants(ds):
    # public share 20 %: 0.2 x 81 = 16.2 < nearly 23 granted, so the grants are set against
    # the whole budget: 81 - nearly 23 = about 58.
    fig = figures.funding(ds, "en", public_share=0.2)
    assert "Grants: nearly €23M granted in 2023, about €58M still to be granted." in fig.alt
    assert "public funding" not in fig.caption


def test_funding_scenario(ds):
    fig = figures.funding(ds, "fr", public_share=0.5)
    assert f"part publique de 50{NBSP}%" in fig.caption
    assert f"public 40,5{NBSP}M€ (50{NBSP}%)" in fig.alt
    assert "F002-07" not in fig.fact_ids and "F002-08" not in fig.fact_ids
    assert fig.fact_ids == tuple(sorted((*BUDGET, "F002-02", "F003-03", "F002-09")))
    en = figures.funding(ds, "en", public_share=1)  # no private segment to draw
    assert "private €0M (0%)" in en.alt
    assert "scenario of a 100% public share" in en.caption


# -- jobs -----------------------------------------------------------------------------------


def test_jobs_caption_alt_and_source(made):
    fr, en = made["jobs", "fr"], made["jobs", "en"]
    for text in (
        f"6{NNBSP}000",
        f"dont plus de 2{NNBSP}100 directs",
        # the horizon in the text's words ("cinq prochaines années")
        f"en cinq ans (plus de 1{NNBSP}670)",
    ):
        assert text in fr.caption
    assert "in five years (more than 1,670)" in en.caption
    assert "of which more than 2,100 direct" in en.caption
    # the current indirect jobs are derived, an upper bound
    assert f"moins de 3{NNBSP}900 indirects" in fr.alt
    assert "fewer than 3,900 indirect" in en.alt
    assert f"plus de 470 directs et 1{NNBSP}200 indirects" in fr.alt
    assert "more than 470 direct and 1,200 indirect" in en.alt
    assert fr.source == S002_S003["fr"] and en.source == S002_S003["en"]


def test_jobs_scenario(ds):
    fig = figures.jobs(ds, "en", direct_jobs=600, indirect_jobs=1500)
    assert "would create in five years in the chosen scenario (2,100)" in fig.caption
    assert "2,100, of which 600 direct and 1,500 indirect" in fig.alt
    assert fig.fact_ids == ("F002-10", "F002-26", "F002-27", "F003-06", "F003-22", "F003-23")


# -- EU shares ------------------------------------------------------------------------------


def test_eu_shares(made, ds):
    fr, en = made["eu_shares", "fr"], made["eu_shares", "en"]
    assert fr.caption.endswith(f"dans la population de l’UE (2,6{NBSP}%).")
    assert en.caption.endswith("against Belgium’s share of the EU population (2.6%).")
    for text in (
        # as precise as shares written to one decimal allow, to the half: 7.8 / 2.6 lies
        # within 2.92-3.08 (about 3), 18.7 / 2.6 = 7.19 within 7.04-7.35 (about 7) and
        # 19.3 / 2.6 = 7.42 within 7.26-7.59 (about 7.5)
        f"Emplois{NBSP}: 7,8{NBSP}%, environ 3{NBSP}fois la part de la population, 3e en Europe",
        f"Exportations{NBSP}: 18,7{NBSP}%, environ 7{NBSP}fois la part de la population, "
        "2e en Europe",
        f"Investissements de R&D{NBSP}: 19,3{NBSP}%, environ 7,5{NBSP}fois la part de la "
        "population, 1re en Europe",
    ):
        assert text in fr.alt
    for text in (
        "Jobs: 7.8%, about 3 times the population share, 3rd in Europe",
        "Exports: 18.7%, about 7 times the population share, 2nd in Europe",
        "R&D investment: 19.3%, about 7.5 times the population share, 1st in Europe",
    ):
        assert text in en.alt
    # one rounding per quantity: the chart label is the indicator's text, as in the tables
    e = indicators.eu_shares(ds)
    for lang, fig in (("fr", fr), ("en", en)):
        for item in (e.jobs_multiple, e.exports_multiple):
            assert item.text(lang) in fig.svg, item.text(lang)
    # S002 credits the EU shares and ranks to pharma.be; S003 cuts the credit off.
    assert fr.source == S002_S003["fr"].replace(S002_FR, f"{S002_FR}, qui cite pharma.be")
    assert en.source == S002_S003["en"].replace("Sources: ", "Sources: pharma.be, cited by ")


@pytest.mark.parametrize(
    ("n", "fr", "en"),
    [(1, "1re", "1st"), (2, "2e", "2nd"), (3, "3e", "3rd"), (4, "4e", "4th"),
     (11, "11e", "11th"), (12, "12e", "12th"), (21, "21e", "21st"), (22, "22e", "22nd")],
)  # fmt: skip
def test_ordinals(n, fr, en):
    assert figures._ordinal(n, "fr") == fr
    assert figures._ordinal(n, "en") == en


# -- market ---------------------------------------------------------------------------------


def test_market_caption_and_source(made):
    fr, en = made["market", "fr"], made["market", "en"]
    assert fr.caption == (
        f"Marché des ATMP{NBSP}: tailles annoncées pour 2025 et 2032, trajectoire du TCAC "
        f"annoncé pour 2019–2025 (plus de 36{NBSP}%) prolongé jusqu’en 2032, et trajectoire du "
        f"taux qu’impliquent les deux tailles (environ 34,6{NBSP}%), soit un écart "
        f"d’environ 1,4{NBSP}pt, pour une période postérieure à celle du taux annoncé, que ces "
        "tailles ne permettent donc pas de vérifier."
    )
    assert en.caption == (
        "ATMP market: sizes stated for 2025 and 2032, path of the CAGR stated for 2019–2025 "
        "(more than 36%) continued to 2032, and path of the rate the two sizes imply (about "
        "34.6%), a gap of about 1.4 pp, for a later period than the stated rate, which these "
        "sizes therefore cannot check."
    )
    # S002 credits the market figures to Deloitte
    assert fr.source == f"Source{NBSP}: {S002_FR}, qui cite Deloitte."
    assert en.source == f"Source: Deloitte, cited by {S002_EN}."


def test_market_alt(made):
    fr, en = made["market", "fr"].alt, made["market", "en"].alt
    for text in (
        f"environ 10{NBSP}Md€ en 2025",
        f"environ 80{NBSP}Md€ en 2032",
        # the side of these bounds is the point: after the figure, one qualifier
        # 10 / 1.36 ** 6 = 1.580 -> 1.6; 10 x 1.36 ** 7 = 86.05 -> 86; 8 ** (1/7) - 1 =
        # 34.59 % -> 35: from "about" sizes, two significant figures
        f"environ 1,6{NBSP}Md€ ou moins en 2019",
        f"environ 86{NBSP}Md€ ou plus en 2032",
        f"environ 34,6{NBSP}% par an",
    ):
        assert text in fr
    for text in (
        "about €10bn in 2025",
        "about €80bn in 2032",
        "about €1.6bn or less in 2019",
        "about €86bn or more in 2032",
        "about 34.6% a year",
    ):
        assert text in en


def test_market_tolerance_decides_the_wording(ds):
    assert figures.market(ds, "fr", tolerance=2).caption.endswith(
        f"dans la tolérance de 2,0{NBSP}pt."
    )
    caption = figures.market(ds, "en", tolerance=0).caption
    assert caption.endswith(
        "for a later period than the stated rate, which these sizes therefore cannot check."
    )


def test_market_paths_at_the_stated_and_implied_rates(ds, drawn):
    figures.market(ds, "en")
    (call,) = drawn
    (stated_rate, continued, implied), kw = call["args"][0], call["kwargs"]
    # At the stated rate through about €10bn in 2025: 10 / 1.36 ** 6 = 10 / 6.3275 = 1.580 in
    # 2019, 10 * 1.36 ** 7 = 10 * 8.6054 = 86.05 in 2032.
    assert stated_rate[0] == [2019, 2020, 2021, 2022, 2023, 2024, 2025]
    assert stated_rate[1][0] == pytest.approx(1.5804, abs=1e-4)
    assert stated_rate[1][-1] == continued[1][0] == implied[1][0] == 10.0
    assert continued[0] == implied[0] == [2025, 2026, 2027, 2028, 2029, 2030, 2031, 2032]
    assert continued[1][-1] == pytest.approx(86.054, abs=1e-3)
    # At the implied rate (80 / 10) ** (1 / 7) - 1 = 0.34590: 10 * 1.34590 ** 3 = 24.38 in
    # 2028, 10 * 8 = 80 in 2032, the stated size.
    assert implied[1][3] == pytest.approx(24.38, abs=0.01)
    assert implied[1][-1] == pytest.approx(80.0)
    # the whiskers: what "about" covers (half the leading digit's unit: ±5)
    assert [(y, v, r) for y, v, r, _ in kw["stated"]] == [(2025, 10.0, (5.0, 15.0)),
                                                          (2032, 80.0, (75.0, 85.0))]  # fmt: skip
    assert kw["gap"][:2] == (1, 2)  # shaded between the continued and the implied paths


@pytest.mark.parametrize("lang", LANGS)
def test_market_chart_writes_its_key_and_values_as_the_prose_does(ds, made, lang):
    texts = _svg_texts(made["market", lang].svg)
    m = indicators.market_check(ds)
    explanation = m.explanation(lang)
    if lang == "fr":
        key = [
            f"TCAC annoncé pour 2019–2025{NBSP}: plus de 36{NBSP}%",
            "Le même taux prolongé jusqu’en 2032",
            f"Taux entre les deux tailles annoncées{NBSP}: environ 34,6{NBSP}% par an",
            f"Écart entre les deux trajectoires{NBSP}: environ 1,4{NBSP}pt par an",
            f"Taille annoncée (trait{NBSP}: ce que couvre «{NBSP}environ{NBSP}»)",
            "Taille qu’implique le TCAC annoncé",
        ]
        values = [f"environ 86{NBSP}Md€ ou plus", f"environ 1,6{NBSP}Md€ ou moins",
                  f"(75{NBSP}Md€ à 85{NBSP}Md€)", f"(5{NBSP}Md€ à 15{NBSP}Md€)"]  # fmt: skip
    else:
        key = [
            "CAGR stated for 2019–2025: more than 36%",
            "The same rate continued to 2032",
            "Rate between the two stated sizes: about 34.6% a year",
            "Gap between the two paths: about 1.4 pp a year",
            "Stated size (bar: the range ‘about’ covers)",
            "Size the stated CAGR implies",
        ]
        values = ["about €86bn or more", "about €1.6bn or less", "(€75bn to €85bn)",
                  "(€5bn to €15bn)"]  # fmt: skip
    for text in key + values:
        assert text in texts, text
    # One rounding per quantity: the chart's figures read as the claims audit's prose.
    shared = {
        # 10 x 1.36 ** 7 = 86.05 -> 86; 10 / 1.36 ** 6 = 1.580 -> 1.6; 34.59 % -> 34.6
        "fr": [f"86{NBSP}Md€", f"1,6{NBSP}Md€", f"34,6{NBSP}%", f"75{NBSP}Md€ à 85{NBSP}Md€"],
        "en": ["€86bn", "€1.6bn", "34.6%", "€75bn to €85bn"],
    }[lang]
    chart = " ".join(texts)
    for text in shared:
        assert text in chart and text in explanation, text
    assert "log" not in made["market", lang].alt.lower()


@pytest.mark.parametrize("lang", LANGS)
def test_market_labels_cover_no_line_label_or_key(ds, monkeypatch, lang):
    seen = []
    original = charts._place

    def spy(fig, ax, labels, obstacles, boxes):
        key = list(boxes)
        placed = original(fig, ax, labels, obstacles, boxes)
        seen.append((ax.get_window_extent().frozen(), key, placed, obstacles))
        return placed

    monkeypatch.setattr(charts, "_place", spy)
    figures.market(ds, lang)
    ((frame, key, placed, obstacles),) = seen
    assert len(placed) == 4  # two stated sizes, the stated rate's end, its 2019 start
    for i, box in enumerate(placed):
        assert frame.x0 <= box.x0 <= box.x1 <= frame.x1, i
        assert frame.y0 <= box.y0 <= box.y1 <= frame.y1, i
        assert not any(box.contains(x, y) for x, y in obstacles), i
        assert not any(box.overlaps(other) for other in key + placed[:i] + placed[i + 1 :]), i


# -- timeline -------------------------------------------------------------------------------


def test_timeline(made):
    fr, en = made["timeline", "fr"], made["timeline", "en"]
    # 20 rows of events.csv - 1 restatement (E14, week of 6 June 2022: E02 and E03 of
    # February 2021 mentioned again) = 19 events.
    assert fr.caption.startswith(
        "Les 19 événements datés que citent les sources, de 2021 à 2024, colorés par type"
        " (une mention de 2022 de 2 événements de 2021 n’est pas redessinée)\u202f; un point"
    )
    assert en.caption.startswith(
        "The 19 dated events the sources mention, from 2021 to 2024, coloured by type"
        " (a 2022 mention of 2 events of 2021 is not drawn again); a hollow dot"
    )
    assert fr.alt.startswith("Frise chronologique de 19 événements, de 2021 à 2024")
    assert en.alt.startswith("Timeline of 19 events, from 2021 to 2024")
    # each of the four documents by its publishers, kind and date; no id (left to the appendix)
    for document in (
        "news article of February 2021 quoting AWEX and essenscia wallonie",
        "bio.be/essenscia, press release of the week of 6 June 2022",
        "the Walloon Government and BioWin, press release of 17 January 2024",
        "BioWin and MEDVIA, press release of 14 May 2024",
    ):
        assert document in en.source
    assert "article de presse de février 2021 citant AWEX et essenscia wallonie" in fr.source
    assert not re.search(r"S\d{3}", fr.source + en.source)
    assert "communiqué de presse de la semaine du 6 juin 2022" in fr.source
    assert "press release of the week of 6 June 2022" in en.source
    assert (
        f"février 2021 au plus tard, Catalent reprend MaSTherCell (acquisition){NNBSP};" in fr.alt
    )
    launch = "Launch of the ATMP innovation partnership (programme announcement)"
    assert f"17 January 2024, {launch}" in en.alt
    assert "T4 2023" in fr.alt and "Q4 2023" in en.alt


def test_timeline_plots_every_event_it_counts(ds, made):
    # The caption counts the new events of events.csv: every one of them is drawn, in date
    # order; the restatement E14 (20 rows - 1 = 19 events) is neither drawn nor listed.
    events = indicators.timeline(ds).new_events
    assert len(events) == 19
    ids = tuple(e.event_id for e in events)
    assert "E14" not in ids and {"E02", "E03"} <= set(ids)
    entries = catalogue()
    for lang in LANGS:
        fig = made["timeline", lang]
        assert fig.event_ids == ids
        texts = _svg_texts(fig.svg)
        for event in ids:
            assert entries[f"figure.timeline.event.{event}"][lang] in texts, (lang, event)
        assert not any("Catalent et Thermo" in x or "Catalent and Thermo" in x for x in texts)
        assert fig.alt.count(_t_list_separator(lang)) == len(ids) - 1


@pytest.mark.parametrize("lang", LANGS)
def test_timeline_heads_each_year_once(ds, made, lang):
    # Events from February 2021 to 14 May 2024, listed under a heading for each year: the
    # years 2021 to 2024, each once, as plain years, and no other (no 2025).
    # Two events are dated to the year 2023 only: their rows also read "2023".
    texts = _svg_texts(made["timeline", lang].svg)
    rows = [str(e.date.year) for e in indicators.timeline(ds).new_events if e.precision == "year"]
    assert rows == ["2023", "2023"]
    years = [x for x in texts if re.fullmatch(r"\d{4}", x)]
    for row in rows:
        years.remove(row)
    assert sorted(years) == ["2021", "2022", "2023", "2024"]


def test_timeline_caption_without_restatements(ds):
    # In the edition of 1 January 2022 the only event text published is S000 (February 2021):
    # its 7 events, none restating another, so no clause.
    edition = editions.as_of(ds, "2022-01-01")
    assert len(indicators.timeline(edition).restatements) == 0
    assert figures.timeline(edition, "en").caption.startswith(
        "The 7 dated events the sources mention, from 2021 to 2021, coloured by type; a hollow"
    )


def test_restated_clause_of_the_chronology(ds):
    # The text after "19 events between February 2021 and 14 May 2024": E14 (2022) mentions
    # E02 and E03 (2021) again.
    tl = indicators.timeline(ds)
    key = "report.sector_overview.timeline.restated"
    assert figures.restated_clause(tl, "fr", key) == (
        " (une mention de 2022 de 2 événements de 2021 n’est pas comptée deux fois)"
    )
    assert figures.restated_clause(tl, "en", key) == (
        " (a 2022 mention of 2 events of 2021 is not counted twice)"
    )


def test_restated_clause_counts_several_restatements(ds):
    # E15 (week of 6 June 2022) made a second restatement, of E01 (February 2021): 2 later
    # mentions, of 3 distinct earlier events (E02, E03, E01), all of 2021.
    events = ds.events.copy()
    events.loc[events["event_id"] == "E15", "restates"] = "E01"
    tl = indicators.timeline(dataclasses.replace(ds, events=events))
    assert [e.event_id for e in tl.restatements] == ["E14", "E15"]
    assert len(tl.new_events) == 18  # 20 rows - 2 restatements
    key = "figure.timeline.restated"
    assert figures.restated_clause(tl, "en", key) == (
        " (2 mentions from 2022 of 3 events of 2021 are not drawn again)"
    )
    assert figures.restated_clause(tl, "fr", key) == (
        " (2 mentions de 2022 de 3 événements de 2021 ne sont pas redessinées)"
    )


def test_timeline_key_names_each_colour_and_the_hollow_dot(made):
    for lang, names in (
        ("fr", ["Industrie", "Coopération", "Pouvoirs publics", "Promotion",
                "Daté par l’article (au plus tard)"]),
        ("en", ["Industry", "Cooperation", "Public authorities", "Promotion",
                "Dated by the article (at the latest)"]),
    ):  # fmt: skip
        texts = _svg_texts(made["timeline", lang].svg)
        for name in names:
            assert name in texts, (lang, name)
        assert "Autre" not in texts and "Other" not in texts  # no event of another kind


def test_timeline_events_have_short_labels_in_both_languages(ds):
    entries = catalogue()
    drawn = [e.event_id for e in indicators.timeline(ds).new_events]
    assert len(drawn) == 19  # 20 rows - the restatement E14, not drawn: no label needed
    for event in drawn:
        texts = entries[f"figure.timeline.event.{event}"]
        assert set(texts) == set(LANGS)
        assert not re.search(r"\d", texts["fr"] + texts["en"]), "numbers come from the data"


# -- clusters -------------------------------------------------------------------------------


def test_clusters(made):
    fr, en = made["clusters", "fr"], made["clusters", "en"]
    assert "BioWin (Wallonie) et MEDVIA (Flandre)" in fr.caption
    assert "entreprises industrielles innovantes" in fr.caption
    assert "entreprises ayant des activités de R&D" in fr.caption
    assert "define member companies differently" in en.caption
    assert (
        f"BioWin{NBSP}: 260 membres, 140 entreprises membres, 5 institutions académiques, "
        "hôpitaux (chiffre non communiqué), 6 centres de recherche" in fr.alt
    )
    assert (
        "MEDVIA: 150 members, 80 member companies, 6 academic institutions, 7 hospitals, "
        "research centres (not stated)" in en.alt
    )
    assert en.source == (f"Sources: {S002_EN}; BioWin and MEDVIA, press release of 14 May 2024.")


@pytest.mark.parametrize(("lang", "axis", "names"), [
    ("fr", "Organisations (nombre)", ["BioWin", "MEDVIA"]),
    ("en", "Organisations (number)", ["BioWin", "MEDVIA"]),
])  # fmt: skip
def test_clusters_key_and_axis_labels(made, lang, axis, names):
    texts = _svg_texts(made["clusters", lang].svg)
    assert texts.count(axis) == 2  # one per panel: each has its own scale
    for name in names:
        assert texts.count(name) == 1  # in the key only, not over a bar
    assert texts.count("260") == 1 and texts.count("140") == 1  # values over bars, once each


@pytest.mark.parametrize("key", figures.KEYS)
def test_chart_text_is_text_in_dejavu_sans(made, key):
    svg = made[key, "en"].svg
    assert "font-family: 'DejaVu Sans'" in svg
    assert "<text" in svg
    assert 'id="DejaVuSans-' not in svg  # no glyph drawn as a path


# -- no number typed ------------------------------------------------------------------------


def test_numbers_follow_the_data(ds):
    facts = ds.facts.copy()
    facts.loc[facts["fact_id"].isin(BUDGET), "value"] = 90.0
    facts.loc[facts["fact_id"] == "F002-22", "value"] = 70.0
    facts.loc[facts["fact_id"] == "F004-08", "value"] = 9.0
    changed = dataclasses.replace(ds, facts=facts)
    assert "€90M budget" in figures.funding(changed, "en").caption
    # public part: 0.6 x 90 = 54; 54 - 23 = 31
    assert "about €31M still to be granted" in figures.funding(changed, "en").alt
    assert "about €70bn in 2032" in figures.market(changed, "en").alt
    assert "9 hospitals" in figures.clusters(changed, "en").alt


# -- language -------------------------------------------------------------------------------

#: Words that give away the other language in a label.
ENGLISH = {"the", "and", "of", "in", "to", "at", "a", "about", "more", "less", "than",
           "nearly", "least", "stated", "implied", "rate", "year", "years", "share", "jobs",
           "members", "granted", "private", "direct", "indirect", "week", "between", "still",
           "number", "amount", "not", "billion", "million", "log", "scale", "january",
           "february", "may", "june", "october", "press", "release"}  # fmt: skip
FRENCH = {"de", "des", "du", "et", "en", "au", "la", "le", "les", "environ", "plus", "moins",
          "près", "annoncé", "annoncée", "implicite", "taux", "fois", "part", "membres",
          "octroyé", "privé", "emplois", "directs", "indirects", "semaine", "janvier", "février",
          "mai", "juin", "octobre", "entre", "nombre", "montant", "échelle", "ans", "par",
          "communiqué", "presse"}  # fmt: skip


def _strings(value: object) -> list[str]:
    if isinstance(value, str):
        return [] if re.fullmatch(r"#[0-9A-Fa-f]{6}|-", value) else [value]  # colour, line
    if isinstance(value, dict):
        return [s for k, v in value.items() for s in _strings(k) + _strings(v)]
    if isinstance(value, list | tuple):
        return [s for v in value for s in _strings(v)]
    return []


@pytest.fixture
def drawn(monkeypatch):
    """Record the texts and tick formatters each chart function is given."""
    calls: list[dict] = []
    for name in ("stacked_bars", "ratio_bars", "grouped_bars", "trajectory", "timeline"):
        original = getattr(charts, name)

        def spy(*args, _original=original, **kwargs):
            calls.append({"args": args, "kwargs": kwargs})
            return _original(*args, **kwargs)

        monkeypatch.setattr(charts, name, spy)
    return calls


@pytest.mark.parametrize("key", figures.KEYS)
def test_labels_are_in_one_language(ds, drawn, key):
    for lang, foreign in (("fr", ENGLISH), ("en", FRENCH)):
        drawn.clear()
        fig = getattr(figures, key)(ds, lang)
        (call,) = drawn
        kwargs = [v for k, v in call["kwargs"].items() if k != "chart_id"]
        texts = _strings(call["args"]) + _strings(kwargs) + [fig.caption, fig.source]
        for text in texts:
            words = set(re.findall(r"[^\W\d_]+", text.lower()))
            assert not words & foreign, (lang, text)


@pytest.mark.parametrize(("lang", "six_thousand", "half"), [("fr", f"6{NNBSP}000", "0,5"),
                                                             ("en", "6,000", "0.5")])  # fmt: skip
def test_axis_ticks_are_formatted_for_the_language(ds, drawn, lang, six_thousand, half):
    figures.jobs(ds, lang)
    value_format = drawn[0]["kwargs"]["value_format"]
    assert value_format(6000.0) == six_thousand
    assert value_format(0.5) == half
    assert value_format(0.30000000000000004) == ("0,3" if lang == "fr" else "0.3")


# -- parameters -----------------------------------------------------------------------------


@pytest.mark.parametrize("key", figures.KEYS)
def test_unknown_language_is_refused(ds, key):
    with pytest.raises(ValueError, match="lang"):
        getattr(figures, key)(ds, "de")


@pytest.mark.parametrize(
    ("key", "kwargs", "name"),
    [
        ("funding", {"public_share": 1.5}, "public_share"),
        ("funding", {"public_share": -0.1}, "public_share"),
        ("funding", {"public_share": "0.6"}, "public_share"),
        ("funding", {"public_share": float("nan")}, "public_share"),
        ("jobs", {"direct_jobs": 0}, "direct_jobs"),
        ("jobs", {"direct_jobs": True}, "direct_jobs"),
        ("jobs", {"indirect_jobs": -1}, "indirect_jobs"),
        ("jobs", {"indirect_jobs": "1200"}, "indirect_jobs"),
        ("market", {"tolerance": -1}, "tolerance"),
        ("market", {"tolerance": 101}, "tolerance"),
        ("market", {"tolerance": None, "lang": "EN"}, "lang"),
    ],
)
def test_bad_parameters_are_refused(ds, key, kwargs, name):
    kwargs = {"lang": "fr"} | kwargs
    with pytest.raises(ValueError, match=name):
        getattr(figures, key)(ds, **kwargs)


def test_a_dataset_is_required():
    with pytest.raises(ValueError, match="ds"):
        figures.funding("data/", "fr")
    with pytest.raises(ValueError, match="ds"):
        figures.source_line(None, ["F002-01"], "fr")


# -- catalogue ------------------------------------------------------------------------------


def test_figure_messages_take_the_same_values_in_both_languages():
    entries = {k: v for k, v in catalogue().items() if k.startswith("figure.")}
    assert entries
    for key, texts in entries.items():
        assert set(texts) == set(LANGS), key
        assert placeholders(texts["fr"]) == placeholders(texts["en"]), key


def test_a_scenario_chart_names_its_scenario_values_before_the_sources(ds):
    fig = figures.jobs(ds, "en", direct_jobs=600)
    assert fig.source.startswith(
        "Scenario values, computed from this edition’s parameters rather than taken from a "
        "source: projected direct jobs; projected jobs (direct and indirect). Sources: "
    )
    assert "indirect jobs;" not in fig.source  # the indirect jobs stay as stated
    stated = figures.funding(ds, "fr")
    assert stated.source.startswith("Sources\u00a0: le Gouvernement wallon")
    scenario = figures.funding(ds, "fr", public_share=0.5)
    assert scenario.source.startswith("Valeurs de scénario") and stated.source in scenario.source
