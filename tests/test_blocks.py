"""The presentation layer without a build: blocks, their HTML and Typst, the Document."""

import dataclasses
import re
from pathlib import Path

import pytest

from analysis.compute import indicators
from analysis.compute.indicators import VERDICTS
from analysis.present import audit_blocks, figures
from analysis.present.blocks import (
    TYPST_MIMETYPE,
    Badge,
    Blocks,
    Break,
    Column,
    Heading,
    Paragraph,
    Run,
    Table,
    typst_string,
)
from analysis.present.document import Document

# -- blocks alone ---------------------------------------------------------------------------


def test_html_escapes_every_text():
    block = Paragraph((Run("<script>alert('x')</script> & co"), Run("<b>", "strong")))
    html = block.render("html")
    assert html == (
        "<p>&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt; &amp; co"
        "<strong>&lt;b&gt;</strong></p>\n"
    )


def test_typst_text_is_a_string_literal_never_markup():
    assert typst_string('a "b" \\ #c *d* $e$') == '"a \\"b\\" \\\\ #c *d* $e$"'
    assert typst_string("line\nnext\ttab\x01") == '"line\\nnext\\ttab\\u{1}"'
    typst = Paragraph((Run("#set page(width: 1cm)"),)).render("typst")
    assert '"#set page(width: 1cm)"' in typst
    assert "#set page" not in typst.replace('"#set page(width: 1cm)"', "")


def test_blocks_join_into_one_output_with_both_representations():
    joined = Heading("Budget") + Paragraph(("81 M€",))
    assert isinstance(joined, Blocks) and len(joined) == 2
    bundle = joined._repr_mimebundle_()
    assert bundle["text/html"] == "<h2>Budget</h2>\n<p>81 M€</p>\n"
    assert bundle[TYPST_MIMETYPE].count("\n") == 2
    assert bundle["text/plain"] == "heading | paragraph"
    with pytest.raises(TypeError, match="only blocks"):
        joined + "<b>plain</b>"


def test_table_checks_its_shape_and_right_aligns_numbers():
    columns = (Column("Indicator"), Column("Value", numeric=True))
    with pytest.raises(ValueError, match="row 1 has 1 cells for 2 columns"):
        Table("Table 1.", "Caption", columns, (("only one",),))
    table = Table(
        "Table 1.", "Caption", columns, (("Jobs", "7.8"), ("Total", (Run("9", "strong"),))),
        total=True,
    )  # fmt: skip
    html = table.render("html")
    assert '<th scope="col" role="columnheader" class="num">Value</th>' in html
    assert '<td role="cell" data-label="Value" class="num">7.8</td>' in html
    assert (
        '<tr role="row" class="total"><th scope="row" role="rowheader" data-label="Indicator">'
        'Total</th><td role="cell" data-label="Value" class="num"><strong>9</strong>'
    ) in html


def test_every_cell_carries_its_column_header_for_the_phone_layout():
    # On a phone each row is a card and each cell shows its column's header (data-label,
    # escaped like any text); an empty cell stays empty, so the card layout can hide it.
    columns = (Column("Claim"), Column("Verdict & reason"), Column("Note"))
    rows = (("F001", (Badge("contradiction", "contradiction", "×"),), ""),)
    html = Table("Table 2.", "Checks", columns, rows).render("html")
    assert '<th scope="row" role="rowheader" data-label="Claim">F001</th>' in html
    assert '<td role="cell" data-label="Verdict &amp; reason"><span class="badge' in html
    assert '<td role="cell" data-label="Note"></td></tr>' in html
    # 1 row x 3 columns: 1 row header + 2 cells, each labelled; 3 column headers.
    assert html.count("data-label=") == 3
    assert html.count('<th scope="col" role="columnheader">') == 3
    assert '<table role="table">' in html and html.count('role="rowgroup"') == 2


def test_badge_and_breaks_render_in_cells():
    columns = (Column("Verdict"),)
    cell = (Badge("not verifiable", "not verifiable", "?"), Break(), Run("why", "small"))
    html = Table("T", "C", columns, ((cell,),), row_headers=False).render("html")
    assert '<span class="badge badge-not-verifiable">' in html
    assert '<br><span class="small">why</span>' in html


def test_unknown_style_and_level_are_refused():
    with pytest.raises(ValueError, match="style must be one of"):
        Run("x", "blink")
    with pytest.raises(ValueError, match="level must be 1 or 2, got 3"):
        Heading("x", level=3)


# -- the document ---------------------------------------------------------------------------


def test_bounds_are_written_as_bounds(ds):
    jobs = indicators.jobs(ds)
    for lang, words in (("fr", "plus de"), ("en", "more than")):
        doc = Document(ds, "sector_overview", lang)
        tile = doc.tile(jobs.projected_direct, "direct_jobs", horizon=jobs.horizon,
                        indirect=jobs.projected_indirect)  # fmt: skip
        assert (tile.before, tile.number) == (words, "470")  # facts.csv: "plus de 470"
        assert doc.number(jobs.projected_total).startswith(words)


def test_the_sector_sentences_name_the_partners_the_clusters_and_the_forecast_age(ds):
    trade, clusters = indicators.trade(ds), indicators.clusters(ds)
    market = indicators.market_check(ds)
    doc = Document(ds, "sector_overview", "en")
    trade_text = doc.t(
        "report.sector_overview.europe.trade",
        us_rank=trade.us_partner_rank, us_place=int(trade.us_partner_rank.value),
        de_rank=trade.germany_partner_rank, fr_rank=trade.france_partner_rank,
        us_share=trade.us_share_of_sector_exports,
        share_to_us=trade.share_of_exports_to_us, year=doc.year(trade.share_of_exports_to_us),
    )  # fmt: skip
    # F001-03 states rank 2; F001-04 and F001-05 are implied: 2 - 1 and 2 + 1 (ranks in
    # words in a sentence)
    assert trade_text.startswith(
        "The United States is the second-largest trading partner of Belgium’s chemical and "
        "life sciences industry, behind Germany (first) and ahead of France (third)"
    )
    clusters_text = doc.t(
        "report.sector_overview.clusters.p3",
        vlaio=clusters.vlaio_clusters, year=doc.year(clusters.summit_entrepreneurs),
        entrepreneurs=clusters.summit_entrepreneurs, investors=clusters.summit_investors,
    )  # fmt: skip
    assert "one of the 6 leading clusters supported by the Flemish agency VLAIO" in clusters_text
    assert "The two clusters have worked together since 2023" in clusters_text
    assert "where 75 entrepreneurs met more than 60 investors" in clusters_text
    age_text = doc.t(
        "report.sector_overview.market.age",
        start_year=str(market.start_year),
        age=market.rate_age,
        quoted=doc.year(market.rate_age),
    )
    # 2024 (S002) - 2019 (F002-20's first year) = 5
    assert age_text == (
        "The forecast’s period starts in 2019, 5 years before the press release quotes it, in "
        "2024; the release does not say when the forecast was made."
    )
    assert {"F001-03", "F001-04", "F001-05", "F004-10", "F004-11", "F004-12", "F002-20"} <= set(
        doc.fact_ids
    )


def test_figure_block_is_numbered_and_names_no_url(ds):
    doc = Document(ds, "sector_overview", "fr")
    first = doc.figure(figures.eu_shares(ds, "fr"))
    second = doc.figure(figures.clusters(ds, "fr"))
    assert (first.number, second.number) == ("Figure\u00a01.", "Figure\u00a02.")
    html = (first + second).render("html")
    assert "http://" not in html and "https://" not in html
    assert set(figures.eu_shares(ds, "fr").fact_ids) <= set(doc.fact_ids)
    # On a phone the chart fits the width; a switch under it shows it full size and back.
    assert first.zoom == (
        "Afficher le graphique en taille réelle",
        "Ajuster le graphique à l’écran",
    )
    assert html.count('<details class="figure-zoom">') == 2
    assert (
        '<summary><span class="zoom-open">Afficher le graphique en taille réelle</span>'
        '<span class="zoom-fit">Ajuster le graphique à l’écran</span></summary>'
    ) in html
    # The PDF has no switch.
    assert "taille réelle" not in first.render("typst")
    with pytest.raises(ValueError) as err:
        dataclasses.replace(first, zoom=("one label",))
    assert str(err.value) == "figure 'eu_shares': zoom needs two labels, got ('one label',)"


def test_summary_size_is_checked(ds):
    doc = Document(ds, "sector_overview", "en")
    tile = doc.count_tile(3, "conflicts", findings=10, changed=1)
    with pytest.raises(ValueError, match="4 to 6 tiles"):
        doc.summary([tile] * 3, ["a", "b", "c"])
    with pytest.raises(ValueError, match="3 to 5 sentences"):
        doc.summary([tile] * 4, ["a", "b"])


def test_edition_date_never_reads_the_clock(ds, monkeypatch):
    doc = Document(ds, "claims_audit", "en")
    monkeypatch.delenv("SOURCE_DATE_EPOCH", raising=False)
    assert doc.edition_date().isoformat() == "2024-05-14"  # S004, the latest source
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1715644800")  # 2024-05-14T00:00:00Z
    assert doc.edition_date().isoformat() == "2024-05-14"
    assert ("Edition", "14 May 2024") in doc.title_block().meta
    assert ("Data as of", "14 May 2024") in doc.colophon().items


# -- front matter: title block, colophon, scenario editions -----------------------------------


def test_title_block_names_publisher_edition_and_the_months_the_sources_cover(ds, monkeypatch):
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1715644800")  # 2024-05-14, as the build sets it
    # sources.csv: S000 is dated February 2021 (month), S004 14 May 2024: the period's ends.
    # pyproject.toml names no publisher: the catalogue's neutral default.
    en = Document(ds, "sector_overview", "en").title_block()
    assert en.kicker == "Sector brief · biotechnology and biopharma"
    assert en.title == "The biotech sector in Belgium and Wallonia"
    assert en.meta == (
        ("Publisher", "Independent analysis"),
        ("Edition", "14 May 2024"),
        ("Sources", "February 2021 – May 2024"),
    )
    assert en.scenario == ""
    fr = Document(ds, "sector_overview", "fr").title_block()
    assert fr.meta == (
        ("Éditeur", "Analyse indépendante"),
        ("Édition", "14 mai 2024"),
        ("Sources", "février 2021 – mai 2024"),
    )
    html = Document(ds, "sector_overview", "en").title_block().render("html")
    assert "<dt>Sources</dt><dd>February 2021 – May 2024</dd>" in html
    assert "Language" not in html and "Data version" not in html  # the colophon's


def test_colophon_holds_language_data_version_and_the_count_of_texts(ds, monkeypatch):
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1715644800")
    colophon = Document(ds, "atmp_partnership", "en").colophon()
    assert colophon.heading == "About this edition"
    assert colophon.items == (
        ("Publisher", "Independent analysis"),
        ("Edition", "14 May 2024"),
        ("Sources", "February 2021 – May 2024 (5 published texts)"),  # S000-S004
        ("Data as of", "14 May 2024"),
        ("Data version", "1.0.0"),  # datapackage.json
        ("Language", "English"),
    )
    fr = Document(ds, "atmp_partnership", "fr").colophon()
    assert fr.items[-2:] == (("Version des données", "1.0.0"), ("Langue", "français"))
    html = colophon.render("html")
    assert html.startswith('<footer class="colophon">')
    assert "<dt>Language</dt><dd>English</dd>" in html
    assert colophon.render("typst").startswith('#colophon(\n  heading: "About this edition",')


def test_claims_audit_is_kicked_as_an_audit(ds):
    assert Document(ds, "claims_audit", "en").title_block().kicker == (
        "Claims audit · biotechnology and biopharma"
    )
    assert Document(ds, "claims_audit", "fr").title_block().kicker == (
        "Audit des affirmations · biotechnologies et biopharmacie"
    )


def test_scenario_edition_is_titled_and_marked_with_the_stated_values(ds):
    en = Document(ds, "atmp_partnership", "en", public_share=0.5, direct_jobs=400)
    block = en.title_block()
    assert block.title == "The Walloon ATMP innovation partnership — scenario"
    # facts.csv: public share "about 60%" (S002), direct jobs "more than 470" (S002).
    assert block.scenario == (
        "Scenario: public share of funding 50% (stated: about 60%); "
        "direct jobs expected 400 (stated: more than 470)"
    )
    fr = Document(ds, "atmp_partnership", "fr", public_share=0.5).title_block()
    assert fr.title == "Le partenariat d’innovation ATMP en Wallonie — scénario"
    assert fr.scenario == (
        "Scénario\u00a0: part publique du financement 50\u00a0% "
        "(chiffre annoncé\u00a0: environ 60\u00a0%)"
    )
    # An assumption of assumptions.csv is compared with its default value (1 pp).
    audit = Document(ds, "claims_audit", "en", cagr_tolerance=5).title_block()
    assert audit.scenario == ("Scenario: CAGR check tolerance 5 pp (default value: 1 pp)")
    # An edition as of a date is no scenario: its figures are the sources'.
    assert Document(ds, "claims_audit", "en", as_of="2024-01-31").title_block().scenario == ""


def test_scenario_values_are_never_credited_to_a_source(ds):
    doc = Document(ds, "atmp_partnership", "en", public_share=0.5)
    fund = indicators.funding(ds, public_share=0.5)
    # 81 x 0.5 = 40.5 in the scenario (exact: 3 s.f.); stated: 81 x about 60% = about 48.6
    # -> 2 s.f. -> about 49.
    tile = doc.tile(fund.public_amount, "public_amount", share=fund.public_share,
                    private=fund.private_amount)  # fmt: skip
    assert tile.number == "€40.5M"
    assert tile.source == (
        "Scenario value; stated: about €49M. "
        "Source: the Walloon Government and BioWin, press release of 17 January 2024."
    )
    # The budget itself is stated: its tile cites its source as usual.
    budget = doc.tile(fund.budget, "budget", duration=fund.duration, partners=fund.partners,
                      public=fund.public_share)  # fmt: skip
    assert budget.source.startswith("Source: the Walloon Government")
    shown = [fund.budget, fund.public_share, fund.public_amount]
    table = doc.indicator_table(shown, "report.atmp_partnership.caption.public")
    assert [row[-1][0].text for row in table.rows] == ["stated", "scenario", "scenario"]
    assert table.source == (
        "Scenario values, computed from this edition’s parameters rather than taken from a "
        "source: public share; public funding. Sources: the Walloon Government and BioWin, press "
        "release of 17 January 2024; BioWin, web page, 2024, English adaptation of the press "
        "release of 17 January 2024."
    )
    # The stated edition: the same tile cites the press release.
    stated = Document(ds, "atmp_partnership", "en")
    plain = stated.tile(indicators.funding(ds).public_amount, "public_amount",
                        share=fund.public_share, private=fund.private_amount)  # fmt: skip
    assert plain.source.startswith("Source: the Walloon Government")


def test_verdict_badges_read_without_colour(ds):
    doc = Document(ds, "claims_audit", "fr")
    badges = {v: audit_blocks.verdict(doc, v) for v in VERDICTS}
    assert (badges["conflict"].word, badges["conflict"].icon) == ("contradiction", "\u2715")
    assert len({b.icon for b in badges.values()}) == 7
    css = (Path(audit_blocks.__file__).parent / "static" / "report.css").read_text("utf-8")
    looks = set()
    for verdict in VERDICTS:
        block = re.search(rf"\.badge-{verdict.replace(' ', '-')} \{{([^}}]*)\}}", css)[1]
        border = re.search(r"border: 2px (\w+)", block)[1]
        looks.add((border, "background:" in block))
    assert len(looks) == 7  # border style or fill tells each verdict apart in grey
    with pytest.raises(ValueError, match="verdict must be one of"):
        audit_blocks.verdict(doc, "fine")


def test_unknown_report_parameter_or_fact_is_refused(ds):
    with pytest.raises(ValueError, match="report"):
        Document(ds, "nope", "fr")
    with pytest.raises(ValueError, match="unknown parameters"):
        Document(ds, "sector_overview", "fr", colour=1)
    with pytest.raises(ValueError, match="unknown fact ids: F999-99"):
        Document(ds, "sector_overview", "fr").use("F999-99")


def test_scenarios_are_computed_once_per_share(ds):
    rows = indicators.scenarios(ds)
    # Stated share about 60 %: 50 %, the stated share (None) and 70 %.
    assert [r.share for r in rows] == [0.5, None, 0.7]
    assert rows[0].funding.public_amount.value == pytest.approx(40.5)  # 81 x 0.5


def test_scenario_table_names_this_edition_and_right_aligns_its_numbers(ds):
    doc = Document(ds, "atmp_partnership", "en", public_share=0.5)
    table = doc.scenario_table(
        "report.atmp_partnership.caption.scenarios", indicators.scenarios(ds, public_share=0.5)
    )
    assert [(c.label, c.numeric) for c in table.columns] == [
        ("Public share (%)", False),
        ("Public funding (€M)", True),
        ("Private funding (€M)", True),
        ("Jobs expected", True),
        ("Public per job (€k)", True),
    ]
    # 50% ± 10 points, then the stated share (about 60%): 81 x 0.4 = 32.4, 81 x 0.5 = 40.5...
    # exact scenario shares keep 3 s.f.; the stated "about 60%" gives 2: 48.6 -> 49, 32.4 -> 32
    assert [[cell[0].text for cell in row[:3]] for row in table.rows] == [
        ["40", "32.4", "48.6"],
        ["50 (this edition)", "40.5", "40.5"],
        ["60", "48.6", "32.4"],
        ["about 60 (stated)", "about 49", "about 32"],
    ]
    assert table.source.startswith(
        "Every row but the stated share’s is a scenario, computed rather than taken from a "
        "source. Sources: the Walloon Government"
    )
    html = table.render("html")
    assert '<th scope="col" role="columnheader" class="num">Jobs expected</th>' in html


def test_the_data_appendix_says_which_figures_are_inferred_rather_than_written(ds):
    from analysis.present import appendices

    doc = Document(ds, "sector_overview", "en")
    doc.use("F001-03", "F001-04")
    html = appendices.data_appendix(doc).render("html")
    # F001-04 (Germany first) is value_basis "inferred"; F001-03 (the US second) is written.
    assert html.count("not written as a figure but inferred from the passage") == 1
    row = re.search(r'<tr role="row">(?:(?!</tr>).)*F001-04(?:(?!</tr>).)*</tr>', html, re.S).group(
        0
    )
    assert "inferred from the passage" in row


def test_a_report_resting_on_some_texts_counts_and_dates_those_only(ds):
    doc = Document(ds, "atmp_partnership", "en")
    assert doc.coverage()["n"] == "5"  # every text, until the report names its own
    doc.covers(indicators.funding(ds), indicators.jobs(ds))
    # S002 (17 January 2024) and S003 (dated to the year 2024 only): one year, no month
    assert doc.coverage() == {"n": "2", "start": "2024", "end": "2024", "span": "in 2024"}
    assert doc.title_block().meta[-1] == ("Sources", "2024")
    assert ("Sources", "2024 (2 published texts)") in doc.colophon().items


def test_a_summary_names_two_figures_of_one_quantity_in_plain_words(ds):
    # facts.csv: BioWin's members, 260 in the body of S004 (14 May 2024, F004-01) and 250 in
    # its closing "À propos de BioWin" paragraph (F004-13); 250 in S002's (17 January 2024).
    en, fr = Document(ds, "claims_audit", "en"), Document(ds, "claims_audit", "fr")
    assert en.figures_compared(("F004-01", "F004-13")) == (
        "BioWin’s member count (260 in the text of the press release of 14 May 2024, 250 in "
        "its closing presentation paragraph)"
    )
    assert fr.figures_compared(("F002-28", "F004-01")) == (
        "le nombre de membres de BioWin (250 dans le paragraphe de présentation final du "
        "communiqué de presse du 17 janvier 2024, 260 dans le texte du communiqué de presse du "
        "14 mai 2024)"
    )
    # no id reaches the sentence
    assert not re.search(r"S\d{3}|F\d{3}-\d{2}", en.figures_compared(("F004-01", "F004-13")))


def test_a_subject_is_quoted_in_the_words_of_its_own_version(ds):
    # F003-16 is the English page's market rate: a French report quotes its English words.
    fr = Document(ds, "sector_overview", "fr")
    assert fr.fact_subject_as_written("F003-16") == "market for occupational diseases and injuries"
    assert fr.fact_subject("F003-16") == "Marché des maladies et accidents professionnels"
    assert fr.fact_subject_as_written("F002-20") == "marché des ATMP"
