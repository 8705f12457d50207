"""Formulas written in words, read into mathematical notation.

The message catalogue writes each formula once per language, in words and plain symbols
(``Budget ÷ projected jobs``, ``(1 + growth)^(1 ÷ horizon) − 1``). :func:`formula` reads
such a text into a :class:`~analysis.present.blocks.Formula`, whose tree the templates set
as a fraction, a power, a subscript (MathML in HTML, Typst math in the PDF)::

    >>> formula("Budget ÷ projected jobs").expr
    MathFrac(num=MathSym(text='Budget', sub=''), den=MathSym(text='projected jobs', sub=''))

Syntax, loosest binding first: ``= < > ≤ ≥``; ``+ −`` (U+2212); ``× ÷`` (``÷`` sets a
fraction, with a slash in an exponent); ``^`` (a superscript, right to left); then
parentheses, ``|x|`` (absolute value) and terms. A term is a number (``1``, ``100%``), a
letter with a subscript (``V_end``), words ending in a year (``size 2032``: the year as
subscript) or words (``public share``).
"""

from __future__ import annotations

import re

from analysis.present.blocks import (
    Formula,
    MathAbs,
    MathFrac,
    MathNode,
    MathNum,
    MathOp,
    MathParen,
    MathPow,
    MathSym,
)

__all__ = ["formula", "parse"]

_RELATIONS = ("=", "<", ">", "\u2264", "\u2265")
_ADDITIVE = ("+", "\u2212")
_MULTIPLICATIVE = ("\u00d7", "\u00f7")
_SYMBOLS = "()|^" + "".join(_RELATIONS + _ADDITIVE + _MULTIPLICATIVE)
_TOKEN = re.compile(r"\s*([" + re.escape(_SYMBOLS) + r"])\s*")
_NUMBER = re.compile(r"\d+(?:[.,]\d+)?(?:[\s\u00a0\u202f]?%)?")
_SUBSCRIPT = re.compile(r"([^\W\d_])_(\w+)")
_YEAR = re.compile(r"(.*\S)\s+(\d{4})")


def formula(text: str, display: bool = False) -> Formula:
    """Read a formula written in words into a :class:`Formula` (its text kept for reading).

    Args:
        text: the formula in words and plain symbols.
        display: set fractions and powers at full size (in a table cell), not reduced to
            the height of a line of text.

    Raises:
        ValueError: naming the formula and what is wrong with it (a missing term, an
            unclosed parenthesis...).
    """
    # The text read aloud: a subscript as a word after its letter ("V end").
    return Formula(parse(text), " ".join(text.replace("_", " ").split()), display)


def parse(text: str) -> MathNode:
    """Read a formula written in words into its tree (see the module's syntax).

    Raises:
        ValueError: as :func:`formula`.
    """
    tokens = [tok.strip() for tok in _TOKEN.split(text) if tok.strip()]
    parser = _Parser(text, tokens)
    node = parser.relation()
    if parser.pos < len(tokens):
        parser.fail(f"unexpected {tokens[parser.pos]!r}")
    return node


class _Parser:
    """Recursive descent over the tokens, one method per level of binding."""

    def __init__(self, text: str, tokens: list[str]) -> None:
        self.text = text
        self.tokens = tokens
        self.pos = 0

    def fail(self, problem: str) -> None:
        raise ValueError(f"formula {self.text!r}: {problem}")

    def peek(self) -> str | None:
        return self.tokens[self.pos] if self.pos < len(self.tokens) else None

    def take(self) -> str:
        token = self.peek()
        if token is None:
            self.fail("a term is missing at the end")
        self.pos += 1
        return token  # type: ignore[return-value]

    def relation(self) -> MathNode:
        node = self.additive()
        while self.peek() in _RELATIONS:
            node = MathOp(self.take(), node, self.additive())
        return node

    def additive(self) -> MathNode:
        node = self.term()
        while self.peek() in _ADDITIVE:
            node = MathOp(self.take(), node, self.term())
        return node

    def term(self) -> MathNode:
        node = self.factor()
        while self.peek() in _MULTIPLICATIVE:
            if self.take() == "\u00f7":  # a fraction bar groups, the parentheses go
                node = MathFrac(_bare(node), _bare(self.factor()))
            else:
                node = MathOp("\u00d7", node, self.factor())
        return node

    def factor(self) -> MathNode:
        node = self.primary()
        if self.peek() == "^":
            self.take()
            return MathPow(node, _exponent(self.factor()))
        return node

    def primary(self) -> MathNode:
        token = self.take()
        if token in ("(", "|"):
            inner = self.relation()
            close = ")" if token == "(" else "|"
            if self.peek() != close:
                self.fail(f"{token!r} is not closed by {close!r}")
            self.take()
            return MathParen(inner) if token == "(" else MathAbs(inner)
        if len(token) == 1 and token in _SYMBOLS:
            self.fail(f"a term is missing before {token!r}")
        return _operand(token)


def _operand(token: str) -> MathNode:
    if _NUMBER.fullmatch(token):
        return MathNum(token)
    if m := _SUBSCRIPT.fullmatch(token):
        return MathSym(m[1], m[2])
    if m := _YEAR.fullmatch(token):
        return MathSym(m[1], m[2])
    return MathSym(token)


def _exponent(node: MathNode) -> MathNode:
    """An exponent: bare (a superscript groups), a fraction on one line with a slash.

    A fraction set as numerator over denominator in a superscript is too small to read.
    """
    node = _bare(node)
    if not isinstance(node, MathFrac):
        return node
    num, den = (MathParen(n) if isinstance(n, MathOp) else n for n in (node.num, node.den))
    return MathFrac(num, den, slash=True)


def _bare(node: MathNode) -> MathNode:
    """The node without its parentheses (a fraction's terms, an exponent)."""
    return node.inner if isinstance(node, MathParen) else node
