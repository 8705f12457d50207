"""Growth helpers and bounded arithmetic (analysis.growth)."""

import math
from decimal import Decimal

import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from analysis.compute.growth import (
    Bounded,
    annual_rate,
    cagr,
    half_unit,
    implied_start,
    project,
    ratio_range,
    split,
    supported_digits,
    supported_ratio,
    supported_step,
    years_between,
)
from analysis.present.formatting import fmt_quantity

# -- hand-computed values -------------------------------------------------------------------


def test_cagr_between_the_stated_market_sizes():
    # 10 bn (2025) to 80 bn (2032): 8 ** (1/7) - 1 = 0.345900...
    assert cagr(10, 80, 7) == pytest.approx(0.3459002, abs=1e-7)


def test_project_at_the_stated_rate():
    # 10 x 1.36 ** 7 = 10 x 8.60543 = 86.0543
    assert project(10, 0.36, 7) == pytest.approx(86.05426, abs=1e-5)


def test_implied_start_at_the_stated_rate():
    # 10 / 1.36 ** 6 = 10 / 6.32739 = 1.58040
    assert implied_start(10, 0.36, 6) == pytest.approx(1.580398, abs=1e-6)


def test_annual_rate():
    # (1 + 1670/6000) ** (1/5) - 1 = 1.278333 ** 0.2 - 1 = 0.050337
    assert annual_rate(1670 / 6000, 5) == pytest.approx(0.050337, abs=1e-6)


def test_years_between():
    assert years_between(2019, 2025) == 6


def test_split():
    # 81 x 0.6 = 48.6 and 81 x 0.4 = 32.4
    part, rest = split(81, 0.6)
    assert (part, rest) == (pytest.approx(48.6), pytest.approx(32.4))


# -- bad input: ValueError naming the parameter ----------------------------------------------


@pytest.mark.parametrize(
    ("call", "message"),
    [
        (lambda: cagr(0, 80, 7), "start must be positive, got 0"),
        (lambda: cagr(10, -80, 7), "end must be positive, got -80"),
        (lambda: cagr(10, 80, 0), "years must be positive, got 0"),
        (lambda: cagr("10", 80, 7), "start must be a number, got '10'"),
        (lambda: cagr(10, math.inf, 7), "end must be a finite number, got inf"),
        (lambda: project(-1, 0.36, 7), "start must be positive, got -1"),
        (lambda: project(10, -1.5, 7), "rate must be greater than -1, got -1.5"),
        (lambda: project(10, 0.36, -7), "years must be positive, got -7"),
        (lambda: implied_start(0.0, 0.36, 6), "end must be positive, got 0.0"),
        (lambda: implied_start(10, -1, 6), "rate must be greater than -1, got -1"),
        (lambda: implied_start(10, 0.36, 0), "years must be positive, got 0"),
        (lambda: annual_rate(-2, 5), "growth must be greater than -1, got -2"),
        (lambda: annual_rate(0.2, 0), "years must be positive, got 0"),
        (lambda: years_between(2025, 2019), "end_year must be after start_year (2025), got 2019"),
        (lambda: years_between(2025, 2025), "end_year must be after start_year (2025), got 2025"),
        (lambda: years_between(2019.0, 2025), "start_year must be an integer year, got 2019.0"),
        (lambda: split(81, 1.5), "share must be between 0 and 1, got 1.5"),
        (lambda: split(-81, 0.5), "total must not be negative, got -81"),
        (lambda: Bounded(1, "sideways"), "direction must be one of 'none', 'lower', 'upper', "
         "'mixed', got 'sideways'"),
        (lambda: Bounded.from_qualifier(1, "roughly"), "qualifier must be one of exact, about, "
         "nearly, more_than, at_least, at_most, less_than, got 'roughly'"),
        (lambda: Bounded(math.nan), "value must be a finite number, got nan"),
        (lambda: Bounded(1) / 0, "divisor must be positive, got 0.0"),
        (lambda: Bounded(-1) ** 0.5, "base must be positive, got -1.0"),
        (lambda: Bounded(-1, "lower") * Bounded(2, "upper"),
         "bounds must not be negative in a product, got -1.0 and 2.0"),
    ],
)  # fmt: skip
def test_bad_input_names_the_parameter(call, message):
    with pytest.raises(ValueError) as err:
        call()
    assert str(err.value) == message


# -- bounds: qualifiers and propagation ------------------------------------------------------


@pytest.mark.parametrize(
    ("qualifier", "bound", "strict", "approximate"),
    [
        ("exact", "exact", False, False),
        ("about", "approx", False, True),
        ("nearly", "upper", False, True),
        ("more_than", "lower", True, False),
        ("at_least", "lower", False, False),
        ("at_most", "upper", False, False),
        ("less_than", "upper", True, False),
    ],
)
def test_qualifiers_read_as_bounds(qualifier, bound, strict, approximate):
    q = Bounded.from_qualifier(10, qualifier)
    assert (q.bound, q.strict, q.approximate, q.wording) == (bound, strict, approximate, qualifier)


def test_jobs_bounds_from_the_brief():
    direct = Bounded.from_qualifier(470, "more_than")
    indirect = Bounded.from_qualifier(1200, "exact")
    current_direct = Bounded.from_qualifier(2100, "more_than")
    total = direct + indirect  # more than 1 670
    assert (total.value, total.bound, total.strict, total.wording) == (
        1670,
        "lower",
        True,
        "more_than",
    )
    ratio = indirect / direct  # 1200 / (more than 470): less than 2.553
    assert (ratio.bound, ratio.strict, ratio.wording) == ("upper", True, "less_than")
    growth = direct / current_direct  # (more than 470) / (more than 2 100): no known side
    assert (growth.bound, growth.direction, growth.wording) == ("approx", "mixed", "about")
    current_indirect = 6000 - current_direct  # less than 3 900
    assert (current_indirect.value, current_indirect.wording) == (3900, "less_than")


def test_about_is_a_central_value_that_keeps_the_other_side():
    about_10 = Bounded.from_qualifier(10, "about")
    rate = Bounded.from_qualifier(0.36, "more_than")
    start = implied_start(about_10, rate, 6)  # about 10 / (more than 1.36)^6
    assert (start.bound, start.strict, start.approximate) == ("upper", True, True)
    # One qualifier: an approximate bound is written as the approximate figure, its side
    # kept only by the directed wording.
    assert (start.wording, start.directed_wording) == ("about", "about_or_less")
    end = project(about_10, rate, 7)
    assert (end.bound, end.wording, end.directed_wording) == ("lower", "about", "about_or_more")
    assert (about_10 * 2).wording == (about_10 * 2).directed_wording == "about"


def test_nearly_minus_gives_an_approximate_lower_bound():
    remaining = Bounded(81) - Bounded.from_qualifier(23, "nearly")  # 81 - 23 = 58
    assert (remaining.value, remaining.bound, remaining.wording) == (58, "lower", "about")
    assert remaining.directed_wording == "about_or_more"


@pytest.mark.parametrize(
    ("value", "half"),
    # half a unit of the last significant digit: "470" may be a rounded 465-475
    [(7.8, 0.05), (18.75, 0.005), (470, 5), (1200, 50), (23, 0.5), (0.04, 0.005)],
)
def test_half_unit_of_the_last_significant_digit(value, half):
    assert half_unit(value) == pytest.approx(half)


def test_ratio_range_and_supported_digits():
    # 7.8 / 2.6 may be 7.75 / 2.65 = 2.9245 up to 7.85 / 2.55 = 3.0784
    low, high = ratio_range(7.8, 2.6)
    assert (low, high) == (pytest.approx(2.924528, abs=1e-6), pytest.approx(3.078431, abs=1e-6))
    assert supported_digits(low, high) == 0  # width 0.154 > 0.1: not even one decimal
    # 1200 / 470 may be 1150 / 475 = 2.421 up to 1250 / 465 = 2.688: width 0.27, no decimal
    assert supported_digits(*ratio_range(1200, 470)) == 0
    # 123.4 / 56.7 may be 123.35 / 56.75 = 2.17357 up to 123.45 / 56.65 = 2.17917: two
    assert supported_digits(*ratio_range(123.4, 56.7)) == 2
    assert supported_digits(2.0, 2.05) == 1  # width 0.05 <= 0.1


@pytest.mark.parametrize(
    ("numerator", "denominator", "value", "digits", "text"),
    [
        # 7.8 / 2.6 = 3.0, range 2.925-3.078, width 0.154: to the half -> about 3
        (7.8, 2.6, 3.0, 0, "about 3 times"),
        # 18.7 / 2.6 = 7.192, range 18.65 / 2.65 = 7.038 to 18.75 / 2.55 = 7.353, width
        # 0.315: to the half, 7.192 / 0.5 = 14.38 -> 14 halves -> about 7 (not "more than 7")
        (18.7, 2.6, 7.0, 0, "about 7 times"),
        # 19.3 / 2.6 = 7.423, range 19.25 / 2.65 = 7.264 to 19.35 / 2.55 = 7.588, width
        # 0.324: 7.423 / 0.5 = 14.85 -> 15 halves -> about 7.5
        (19.3, 2.6, 7.5, 1, "about 7.5 times"),
        # 1 200 / 470 = 2.553, range 1 150 / 475 = 2.421 to 1 250 / 465 = 2.688, width
        # 0.267: 2.553 / 0.5 = 5.11 -> 5 halves -> about 2.5 (not "less than 3")
        (1200, 470, 2.5, 1, "about 2.5 times"),
        # 7.6 / 1.0 = 7.6, range 7.55 / 1.05 = 7.19 to 7.65 / 0.95 = 8.05, width 0.86:
        # to the unit -> about 8
        (7.6, 1.0, 8.0, 0, "about 8 times"),
        # 123.4 / 56.7 = 2.17637, range 2.17357-2.17917, width 0.0056: to the hundredth
        (123.4, 56.7, 2.18, 2, "about 2.18 times"),
    ],
)
def test_supported_ratio(numerator, denominator, value, digits, text):
    q, shown_digits = supported_ratio(numerator, denominator)
    assert (q.value, q.direction, q.approximate) == (pytest.approx(value, abs=1e-9), "none", True)
    assert shown_digits == digits
    assert q.wording == "about"  # its own rounding, never an outward-rounded bound
    assert fmt_quantity(q, "ratio", "en", shown_digits) == text


def test_supported_step():
    assert supported_step(2.925, 3.078) == Decimal("0.5")  # width 0.153
    assert supported_step(2.0, 2.05) == Decimal("0.05")  # width 0.05, a step of 0.05 holds it
    assert supported_step(2.0, 2.06) == Decimal("0.1")
    assert supported_step(1.0, 3.0) == Decimal(1)  # wider than a unit: still whole numbers
    assert supported_step(2.0, 2.001, most=1) == Decimal("0.1")  # no more than one decimal


def test_supported_ratio_bad_input():
    with pytest.raises(ValueError) as err:
        supported_ratio(-1, 2)
    assert str(err.value) == "numerator must not be negative, got -1"
    with pytest.raises(ValueError) as err:
        supported_ratio(1, 0)  # 0 as written may hide anything up to 0.5
    assert str(err.value) == "denominator must be more than 0.5, got 0"


def test_strictness_comes_from_an_operand_on_the_same_side():
    at_least = Bounded.from_qualifier(10, "at_least")
    more_than = Bounded.from_qualifier(5, "more_than")
    assert (at_least + more_than).strict is True
    assert (at_least + 1).strict is False
    assert (at_least - Bounded.from_qualifier(2, "at_most")).wording == "at_least"


def test_powers_and_negative_point_values():
    lower = Bounded(4, "lower")
    assert (lower**-1).bound == "upper"
    assert (lower**0).bound == "exact"
    assert (lower * -1).bound == "upper"  # a negative point value reverses the side


def test_cagr_of_bounds():
    # (more than 20) over 10 in 2 years: more than sqrt(2) - 1 = 0.4142
    rate = cagr(10, Bounded.from_qualifier(20, "more_than"), 2)
    assert rate.value == pytest.approx(math.sqrt(2) - 1)
    assert rate.bound == "lower"
    assert annual_rate(Bounded(0.21, "upper"), 2).bound == "upper"


def test_split_of_a_bounded_total():
    part, rest = split(Bounded.from_qualifier(81, "at_least"), 0.25)
    assert (part.value, rest.value, part.bound, rest.bound) == (20.25, 60.75, "lower", "lower")


# -- properties --------------------------------------------------------------------------------

sizes = st.floats(min_value=1e-3, max_value=1e6, allow_nan=False, allow_infinity=False)
year_counts = st.integers(min_value=1, max_value=40)


@given(start=sizes, end=sizes, years=year_counts)
def test_project_undoes_cagr(start, end, years):
    rate = cagr(start, end, years)
    # 1 + rate loses digits when end is far below start: compare to 1e-6.
    assert project(start, rate, years) == pytest.approx(end, rel=1e-6)


@given(end=sizes, rate=st.floats(min_value=-0.5, max_value=2), years=year_counts)
def test_implied_start_undoes_project(end, rate, years):
    start = implied_start(end, rate, years)
    # 1 + rate loses digits when end is far below start: compare to 1e-6.
    assert project(start, rate, years) == pytest.approx(end, rel=1e-6)


@given(total=sizes, share=st.floats(min_value=0, max_value=1))
def test_split_parts_sum_to_the_total(total, share):
    part, rest = split(total, share)
    assert part + rest == pytest.approx(total, rel=1e-12)
    assert part == pytest.approx(total * share, rel=1e-12)
    assert 0 <= part <= total and 0 <= rest <= total


SIDES = ("none", "lower", "upper")


@st.composite
def bounded_with_truth(draw, positive=False):
    """A bounded figure and a true value it allows (non-negative, as the data's figures)."""
    value = draw(st.floats(min_value=0.5 if positive else 0, max_value=1e4))
    side = draw(st.sampled_from(SIDES))
    if side == "none":
        truth = value
    elif side == "lower":
        truth = draw(st.floats(min_value=value, max_value=value * 3 + 1))
    else:
        truth = draw(st.floats(min_value=value / 4 if positive else 0, max_value=value))
    return Bounded(value, side), truth


def _respects(result: Bounded, truth: float) -> bool:
    tol = 1e-9 * max(1.0, abs(truth), abs(result.value))
    if result.direction == "lower":
        return truth >= result.value - tol
    if result.direction == "upper":
        return truth <= result.value + tol
    if result.direction == "none":
        return abs(truth - result.value) <= tol
    return True  # mixed: no claim


OPERATIONS = {
    "add": (lambda a, b: a + b),
    "sub": (lambda a, b: a - b),
    "mul": (lambda a, b: a * b),
    "div": (lambda a, b: a / b),
}


@settings(max_examples=300)
@given(
    a=bounded_with_truth(),
    b=bounded_with_truth(positive=True),
    op=st.sampled_from(sorted(OPERATIONS)),
)
def test_bounds_propagate_in_the_right_direction(a, b, op):
    (qa, ta), (qb, tb) = a, b
    f = OPERATIONS[op]
    assert _respects(f(qa, qb), f(ta, tb))


@settings(max_examples=200)
@given(
    a=bounded_with_truth(positive=True),
    b=bounded_with_truth(positive=True),
    exponent=st.floats(min_value=-3, max_value=3),
)
def test_bounds_propagate_through_chains(a, b, exponent):
    (qa, ta), (qb, tb) = a, b
    assume(abs(exponent) > 1e-3)
    result = (qa * qb + qa) / qb**exponent
    assert _respects(result, (ta * tb + ta) / tb**exponent)


@settings(max_examples=200)
@given(
    start=bounded_with_truth(positive=True),
    end=bounded_with_truth(positive=True),
    years=year_counts,
)
def test_growth_helpers_respect_bounds(start, end, years):
    (qs, ts), (qe, te) = start, end
    rate = cagr(qs, qe, years)
    assert _respects(rate, cagr(ts, te, years))
    assert _respects(project(qs, rate, years), project(ts, rate.value, years))
    assert _respects(implied_start(qe, rate, years), implied_start(te, rate.value, years))
