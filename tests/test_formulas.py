"""Formulas in mathematical notation (read from words, set as MathML and Typst math), and
the methodology appendix that shows them."""

import dataclasses
import io

import pypdf
import pytest

from analysis.build import pdf
from analysis.compute.indicators import INFERRED, STATED, STATED_WORDS
from analysis.present.blocks import (
    Equation,
    MathAbs,
    MathFrac,
    MathNum,
    MathOp,
    MathParen,
    MathPow,
    MathSym,
    Paragraph,
    Run,
    Table,
    TitleBlock,
)
from analysis.present.formulas import formula, parse
from analysis.present.messages import catalogue
from tests.test_pdf import PAGE

MINUS, TIMES = "\u2212", "\u00d7"


def test_division_is_a_fraction_and_binds_after_the_product_before_it():
    # (Budget × public share) ÷ projected jobs: the product is the numerator
    assert parse("Budget × public share ÷ projected jobs") == MathFrac(
        MathOp(TIMES, MathSym("Budget"), MathSym("public share")), MathSym("projected jobs")
    )
    # a fraction bar groups: the parentheses of its terms go
    assert parse("(Total jobs − direct jobs) ÷ direct jobs") == MathFrac(
        MathOp(MINUS, MathSym("Total jobs"), MathSym("direct jobs")), MathSym("direct jobs")
    )


def test_a_power_keeps_its_base_in_parentheses_and_sets_a_fraction_exponent_on_one_line():
    assert parse("(1 + growth)^(1 ÷ horizon) − 1") == MathOp(
        MINUS,
        MathPow(
            MathParen(MathOp("+", MathNum("1"), MathSym("growth"))),
            MathFrac(MathNum("1"), MathSym("horizon"), slash=True),
        ),
        MathNum("1"),
    )
    # on one line, a compound denominator needs its parentheses again: 1/(2032 − 2025)
    exponent = parse("(a ÷ b)^(1 ÷ (2032 − 2025))").exp  # type: ignore[union-attr]
    assert exponent == MathFrac(
        MathNum("1"), MathParen(MathOp(MINUS, MathNum("2032"), MathNum("2025"))), slash=True
    )
    html = Paragraph((formula("x^(1 ÷ n)"),)).render("html")
    assert "<msup><mrow><mi>x</mi></mrow><mrow><mrow><mn>1</mn><mo>/</mo><mi>n</mi>" in html
    assert '$x^(#"1" \\/ n)$' in Paragraph((formula("x^(1 ÷ n)"),)).render("typst")


def test_subscripts_years_numbers_relations_and_absolute_values():
    assert parse("size 2032 ÷ size 2025") == MathFrac(
        MathSym("size", "2032"), MathSym("size", "2025")
    )
    assert parse("|r_stated − r_recomputed| ≤ t") == MathOp(
        "\u2264",
        MathAbs(MathOp(MINUS, MathSym("r", "stated"), MathSym("r", "recomputed"))),
        MathSym("t"),
    )
    assert parse("100\u00a0% − part publique") == MathOp(
        MINUS, MathNum("100\u00a0%"), MathSym("part publique")
    )
    assert MathSym("V", "end").variable and not MathSym("CAGR").variable


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("Budget ÷", "formula 'Budget ÷': a term is missing at the end"),
        ("(a + b", "formula '(a + b': '(' is not closed by ')'"),
        ("a + + b", "formula 'a + + b': a term is missing before '+'"),
        ("a) × b", "formula 'a) × b': unexpected ')'"),
        ("|a − b", "formula '|a − b': '|' is not closed by '|'"),
    ],
)
def test_a_formula_that_does_not_read_is_refused_with_its_text(text, message):
    with pytest.raises(ValueError) as err:
        parse(text)
    assert str(err.value) == message


def test_every_formula_of_the_catalogue_reads_in_both_languages():
    keys = [
        k
        for k in catalogue()
        if (k.startswith("indicator.") and k.endswith(".formula"))
        or k.startswith("report.method.formula.")
    ]
    not_formulas = {STATED, STATED_WORDS, INFERRED}  # named in a sentence, not set as math
    keys = [k for k in keys if k not in not_formulas]
    assert len(keys) >= 30
    for key in keys:
        for lang in ("fr", "en"):
            text = catalogue()[key][lang].format(
                base_year=2025, end_year=2032, start_year=2019, projection_year=2032
            )
            parse(text)  # raises for a formula that does not read


def test_mathml_for_the_page_with_words_upright_and_letters_in_italics():
    html = Paragraph((Run("per job: "), formula("Budget ÷ projected jobs"))).render("html")
    assert html == (
        '<p>per job: <math alttext="Budget ÷ projected jobs"><mfrac>'
        "<mrow><mtext>Budget</mtext></mrow><mrow><mtext>projected jobs</mtext></mrow>"
        "</mfrac></math></p>\n"
    )
    html = Paragraph((formula("V_end < x"),)).render("html")
    assert "<msub><mi>V</mi><mtext>end</mtext></msub><mo>&lt;</mo><mi>x</mi>" in html
    assert 'alttext="V end &lt; x"' in html  # read aloud without the underscore


def test_typst_math_holds_words_as_string_literals_never_markup():
    typst = Paragraph((formula('Budget ÷ "jobs" #x'),)).render("typst")
    assert '$frac(#"Budget", #"\\"jobs\\" #x")$' in typst
    assert 'alt: "Budget ÷ \\"jobs\\" #x"' in typst


def test_equations_compile_into_the_tagged_pdf_with_their_words():
    blocks = [
        TitleBlock("", "T", "").render("typst"),
        Equation(
            formula("CAGR = (V_end ÷ V_start)^(1 ÷ n) − 1"),
            (Run("where "), formula("n"), Run(" counts the years.")),
        ).render("typst"),
        Paragraph((Run("Per job: "), formula("Budget ÷ projected jobs", display=True))).render(
            "typst"
        ),
    ]
    reader = pypdf.PdfReader(io.BytesIO(pdf.compile_pdf(pdf.typst_source(blocks), PAGE)))
    text = reader.pages[0].extract_text()
    for words in ("CAGR", "start", "end", "counts the years", "Budget", "projected jobs"):
        assert words in text, words


# -- the methodology appendix --------------------------------------------------------------


def test_methodology_names_stated_and_implied_figures_in_sentences_and_sets_the_rest_as_math(ds):
    from analysis.compute import indicators
    from analysis.present.appendices import methodology
    from analysis.present.document import Document

    doc = Document(ds, "atmp_partnership", "en")
    f = indicators.funding(ds)
    implied = dataclasses.replace(f.partners, key="funding.partners_implied", formula=INFERRED)
    doc.use(f.budget, f.per_partner, implied)
    blocks = methodology(doc)
    texts = [b.render("html") for b in blocks if isinstance(b, Paragraph)]
    assert any(
        "Figures used as the texts state them, without computation: Budget, €81M." in x
        for x in texts
    )
    assert any(
        "imply without writing them, the note of each fact saying how: Partners, 26." in x
        for x in texts
    )
    (table,) = [b for b in blocks if isinstance(b, Table)]
    # one computed row: Budget ÷ partners, as a fraction (81 / 26 = 3.115 → €3.12M)
    (row,) = table.rows
    assert row[1] == (formula("Budget ÷ partners", display=True),)
    assert row[2] == (Run("€3.12M"),)
