"""Arithmetic on stated figures: bounded quantities, splits and compound growth.

A press text rarely states an exact number: "more than 470 jobs", "nearly 23 M EUR", "about
10 bn EUR". :class:`Bounded` carries such a figure together with what is known about the
true value, and its arithmetic keeps that knowledge honest:

* ``direction`` says on which side of ``value`` the true value lies: ``"none"`` (it *is* the
  value, exactly or approximately), ``"lower"`` (``value`` is a lower bound: the true value is
  at least that), ``"upper"`` (an upper bound) or ``"mixed"`` (no known side, because bounds
  of opposite directions were combined);
* ``strict`` marks a strict bound ("more than", "less than");
* ``approximate`` marks a figure that rests on an approximate input ("about", "nearly").

A sum keeps the directions of its operands and a difference reverses the direction of what
is subtracted. Products, quotients and powers take the true values of bounded figures to be
non-negative (counts, amounts, shares, market sizes): a product and a positive power keep
the directions, a division reverses the divisor's. Combining a lower with an upper bound
gives ``"mixed"``. An approximate figure without a direction ("about 10") is
treated as a central value: it makes a result approximate but does not cancel the direction
another operand gives (about 10 divided by more than 1.36 is less than about 7.35, its side
kept by the arithmetic; it is *written* "about 7.35": one figure, one qualifier, see
:attr:`Bounded.wording`).

A ratio of two stated figures is only as precise as they are: :func:`supported_ratio` rounds
it to what the figures as written allow (7.8 % / 2.6 % is "about 3", 18.7 % / 2.6 % "more
than 7").

The growth helpers (:func:`cagr`, :func:`project`, :func:`implied_start`) accept plain numbers
or :class:`Bounded` quantities and return the same kind.
"""

from __future__ import annotations

import math
import numbers
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from typing import Literal

__all__ = [
    "QUALIFIERS",
    "RATIO_STEPS",
    "Bound",
    "Bounded",
    "Direction",
    "Interval",
    "Number",
    "annual_rate",
    "cagr",
    "half_unit",
    "implied_start",
    "interval",
    "project",
    "ratio_range",
    "split",
    "supported_digits",
    "supported_ratio",
    "supported_step",
    "years_between",
]


Direction = Literal["none", "lower", "upper", "mixed"]
Bound = Literal["exact", "lower", "upper", "approx"]

#: How each qualifier of ``facts.csv`` reads as a bound: (direction, strict, approximate).
QUALIFIERS: dict[str, tuple[Direction, bool, bool]] = {
    "exact": ("none", False, False),
    "about": ("none", False, True),
    "nearly": ("upper", False, True),
    "more_than": ("lower", True, False),
    "at_least": ("lower", False, False),
    "at_most": ("upper", False, False),
    "less_than": ("upper", True, False),
}

_FLIP: dict[str, Direction] = {"none": "none", "lower": "upper", "upper": "lower", "mixed": "mixed"}


def _check_number(name: str, value: object) -> float:
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        raise ValueError(f"{name} must be a number, got {value!r}")
    if not math.isfinite(value):
        raise ValueError(f"{name} must be a finite number, got {value!r}")
    return float(value)


@dataclass(frozen=True)
class Bounded:
    """A non-negative figure and what is known about the true value (see the module doc).

    Attributes:
        value: the figure.
        direction: ``"none"``, ``"lower"``, ``"upper"`` or ``"mixed"``.
        strict: the bound excludes ``value`` itself ("more than" rather than "at least").
        approximate: the figure rests on an approximate input.
        qualifier: the qualifier of ``facts.csv`` the figure was stated with, if it comes
            straight from a fact; arithmetic drops it.
    """

    value: float
    direction: Direction = "none"
    strict: bool = False
    approximate: bool = False
    qualifier: str | None = None

    def __post_init__(self) -> None:
        value = _check_number("value", self.value)
        if self.direction not in _FLIP:
            raise ValueError(
                f"direction must be one of 'none', 'lower', 'upper', 'mixed', "
                f"got {self.direction!r}"
            )
        if self.qualifier is not None and self.qualifier not in QUALIFIERS:
            raise ValueError(
                f"qualifier must be one of {', '.join(QUALIFIERS)}, got {self.qualifier!r}"
            )
        object.__setattr__(self, "value", value)
        if self.direction in ("none", "mixed"):
            object.__setattr__(self, "strict", False)
        if self.direction == "mixed":
            object.__setattr__(self, "approximate", True)

    @classmethod
    def exact(cls, value: float) -> Bounded:
        """Return an exact quantity."""
        return cls(value)

    @classmethod
    def from_qualifier(cls, value: float, qualifier: str) -> Bounded:
        """Return the quantity a fact states, reading its qualifier as a bound.

        "nearly" reads as an approximate upper bound (the true value is a little under), "15+"
        (``at_least``) as an inclusive lower bound.

        Raises:
            ValueError: for an unknown qualifier or a negative value.
        """
        if qualifier not in QUALIFIERS:
            raise ValueError(f"qualifier must be one of {', '.join(QUALIFIERS)}, got {qualifier!r}")
        direction, strict, approximate = QUALIFIERS[qualifier]
        return cls(value, direction, strict, approximate, qualifier)

    @property
    def bound(self) -> Bound:
        """The kind of bound: ``exact``, ``lower``, ``upper`` or ``approx`` (no known side)."""
        if self.direction in ("lower", "upper"):
            return self.direction
        return "approx" if self.approximate else "exact"

    @property
    def wording(self) -> str:
        """The qualifier to print the figure with (a ``qualifier.*`` key of the catalogue).

        One figure, one qualifier (the rule the methodology states, catalogue key
        ``report.method.one_qualifier``): a stated figure keeps its own
        qualifier; a computed one gets ``exact``, ``about``, ``more_than``, ``at_least``,
        ``less_than`` or ``at_most``. A bound that rests on an approximate figure is
        written as that approximate figure, ``about``: "about €58M", never "at least about
        €58M" (see :attr:`directed_wording` where its side is the point).
        """
        if self.qualifier is not None:
            return self.qualifier
        if self.direction in ("none", "mixed") or self.approximate:
            return "about" if self.approximate else "exact"
        return {
            ("lower", True): "more_than",
            ("lower", False): "at_least",
            ("upper", True): "less_than",
            ("upper", False): "at_most",
        }[(self.direction, self.strict)]

    @property
    def directed_wording(self) -> str:
        """:attr:`wording`, keeping the side of an approximate bound after the figure.

        ``about_or_more`` ("about €86.1bn or more") for an approximate lower bound,
        ``about_or_less`` for an approximate upper bound; otherwise :attr:`wording`. For
        the few figures whose side is what the sentence is about (a check against a
        threshold).
        """
        if self.qualifier is None and self.approximate and self.direction in ("lower", "upper"):
            return "about_or_more" if self.direction == "lower" else "about_or_less"
        return self.wording

    # -- arithmetic -------------------------------------------------------------------------

    def _flipped(self) -> Bounded:
        return Bounded(self.value, _FLIP[self.direction], self.strict, self.approximate)

    @staticmethod
    def _lift(other: object) -> Bounded:
        if isinstance(other, Bounded):
            return other
        return Bounded(_check_number("operand", other))

    @staticmethod
    def _combine(value: float, a: Bounded, b: Bounded) -> Bounded:
        """Combine the operands of a function increasing in both (after any flips)."""
        sides = {a.direction, b.direction} - {"none"}
        if not sides:
            direction: Direction = "none"
        elif len(sides) == 1:
            direction = sides.pop()
        else:
            direction = "mixed"
        strict = direction in ("lower", "upper") and any(
            x.strict and x.direction == direction for x in (a, b)
        )
        approximate = a.approximate or b.approximate or direction == "mixed"
        return Bounded(value, direction, strict, approximate)

    def __add__(self, other: object) -> Bounded:
        o = self._lift(other)
        return self._combine(self.value + o.value, self, o)

    __radd__ = __add__

    def __sub__(self, other: object) -> Bounded:
        o = self._lift(other)
        return self._combine(self.value - o.value, self, o._flipped())

    def __rsub__(self, other: object) -> Bounded:
        return self._lift(other) - self

    def __neg__(self) -> Bounded:
        return Bounded(0.0) - self

    def __mul__(self, other: object) -> Bounded:
        o = self._lift(other)
        a, b = self, o
        # x * y increases with x when y >= 0 and with y when x >= 0: a negative point value
        # (no side) reverses the other operand's side; two bounds must both be >= 0.
        if (a.value < 0 or b.value < 0) and "none" not in (a.direction, b.direction):
            raise ValueError(
                f"bounds must not be negative in a product, got {a.value!r} and {b.value!r}"
            )
        if self.value < 0:
            b = b._flipped()
        if o.value < 0:
            a = a._flipped()
        return self._combine(self.value * o.value, a, b)

    __rmul__ = __mul__

    def __truediv__(self, other: object) -> Bounded:
        o = self._lift(other)
        if o.value <= 0:
            raise ValueError(f"divisor must be positive, got {o.value!r}")
        inverse = Bounded(1 / o.value, _FLIP[o.direction], o.strict, o.approximate)
        return self * inverse

    def __rtruediv__(self, other: object) -> Bounded:
        return self._lift(other) / self

    def __pow__(self, exponent: object) -> Bounded:
        e = _check_number("exponent", exponent)
        if self.value < 0 or (self.value == 0 and e < 0):
            raise ValueError(f"base must be positive, got {self.value!r}")
        if e == 0:
            return Bounded(1.0)
        base = self if e > 0 else self._flipped()
        return Bounded(self.value**e, base.direction, base.strict, base.approximate)


Number = float | Bounded


def _positive(name: str, x: object) -> None:
    shown = x.value if isinstance(x, Bounded) else x
    if _check_number(name, shown) <= 0:
        raise ValueError(f"{name} must be positive, got {shown!r}")


def _rate(name: str, x: object) -> None:
    shown = x.value if isinstance(x, Bounded) else x
    if _check_number(name, shown) <= -1:
        raise ValueError(f"{name} must be greater than -1, got {shown!r}")


def years_between(start_year: int, end_year: int) -> int:
    """Return the number of years from ``start_year`` to ``end_year``.

    Raises:
        ValueError: when ``end_year`` is not after ``start_year``.
    """
    for name, year in (("start_year", start_year), ("end_year", end_year)):
        if isinstance(year, bool) or not isinstance(year, int):
            raise ValueError(f"{name} must be an integer year, got {year!r}")
    if end_year <= start_year:
        raise ValueError(f"end_year must be after start_year ({start_year}), got {end_year}")
    return end_year - start_year


def cagr(start: Number, end: Number, years: float) -> Number:
    """Return the compound annual growth rate (a fraction) taking ``start`` to ``end``.

    ``(end / start) ** (1 / years) - 1``: 10 to 80 in 7 years is 0.346 (34.6 % a year).

    Raises:
        ValueError: when ``start``, ``end`` or ``years`` is not positive.
    """
    _positive("start", start)
    _positive("end", end)
    _positive("years", years)
    if isinstance(start, Bounded) or isinstance(end, Bounded):
        growth = Bounded._lift(end) / Bounded._lift(start)
        return _minus_one(growth ** (1 / years))
    return (float(end) / float(start)) ** (1 / years) - 1


def project(start: Number, rate: Number, years: float) -> Number:
    """Return ``start`` grown at ``rate`` (a fraction) a year for ``years`` years.

    Raises:
        ValueError: when ``start`` or ``years`` is not positive or ``rate`` is -1 or less.
    """
    _positive("start", start)
    _rate("rate", rate)
    _positive("years", years)
    if isinstance(start, Bounded) or isinstance(rate, Bounded):
        return Bounded._lift(start) * _plus_one(rate) ** years
    return float(start) * (1 + float(rate)) ** years


def implied_start(end: Number, rate: Number, years: float) -> Number:
    """Return the value that, grown at ``rate`` a year for ``years`` years, reaches ``end``.

    Raises:
        ValueError: when ``end`` or ``years`` is not positive or ``rate`` is -1 or less.
    """
    _positive("end", end)
    _rate("rate", rate)
    _positive("years", years)
    if isinstance(end, Bounded) or isinstance(rate, Bounded):
        return Bounded._lift(end) / _plus_one(rate) ** years
    return float(end) / (1 + float(rate)) ** years


def annual_rate(growth: Number, years: float) -> Number:
    """Return the yearly rate (a fraction) equivalent to a total ``growth`` over ``years``.

    ``(1 + growth) ** (1 / years) - 1``: 27.8 % over 5 years is 5.0 % a year.

    Raises:
        ValueError: when ``growth`` is -1 or less or ``years`` is not positive.
    """
    _rate("growth", growth)
    _positive("years", years)
    if isinstance(growth, Bounded):
        return _minus_one(_plus_one(growth) ** (1 / years))
    return (1 + float(growth)) ** (1 / years) - 1


def split(total: Number, share: float) -> tuple[Number, Number]:
    """Split ``total`` into the part ``share`` (a fraction, 0-1) of it and the rest.

    Raises:
        ValueError: when ``total`` is negative or ``share`` is outside 0-1.
    """
    shown = total.value if isinstance(total, Bounded) else total
    if _check_number("total", shown) < 0:
        raise ValueError(f"total must not be negative, got {shown!r}")
    s = _check_number("share", share)
    if not 0 <= s <= 1:
        raise ValueError(f"share must be between 0 and 1, got {share!r}")
    part = total * s
    return part, total * (1 - s)


# -- the values a stated figure allows ------------------------------------------------------


def half_unit(value: float) -> float:
    """Half a unit of the last significant digit: 10 -> 5, 23 -> 0.5, 66.67 -> 0.005."""
    d = Decimal(repr(float(value))).normalize()
    exponent = d.as_tuple().exponent
    assert isinstance(exponent, int)
    return 0.5 * 10.0**exponent if d != 0 else 0.5


@dataclass(frozen=True)
class Interval:
    """Where the true value of a stated figure can lie (``lo`` to ``hi``, ends open or not)."""

    lo: float
    hi: float
    lo_open: bool = False
    hi_open: bool = False

    def __add__(self, other: Interval) -> Interval:
        return Interval(
            self.lo + other.lo,
            self.hi + other.hi,
            self.lo_open or other.lo_open,
            self.hi_open or other.hi_open,
        )

    def overlaps(self, other: Interval) -> bool:
        """Whether both can hold at once."""
        return self.can_be_at_most(other) and other.can_be_at_most(self)

    def can_be_at_most(self, other: Interval) -> bool:
        """Whether a value of ``self`` can be no larger than a value of ``other``."""
        return self.lo < other.hi or (
            self.lo == other.hi and not self.lo_open and not other.hi_open
        )


def interval(value: float, qualifier: str) -> Interval:
    """The values a figure stated with ``qualifier`` allows (non-negative quantities).

    "about 10" allows half a unit of its last significant digit either side (5 to 15),
    "nearly 23" the same below (22.5 to 23), "more than 470" anything above 470.

    Raises:
        ValueError: for an unknown qualifier.
    """
    if qualifier not in QUALIFIERS:
        raise ValueError(f"qualifier must be one of {', '.join(QUALIFIERS)}, got {qualifier!r}")
    h = half_unit(value)
    return {
        "exact": Interval(value, value),
        "about": Interval(max(value - h, 0.0), value + h),
        "nearly": Interval(max(value - h, 0.0), value),
        "more_than": Interval(value, math.inf, lo_open=True),
        "at_least": Interval(value, math.inf),
        "less_than": Interval(0.0, value, hi_open=True),
        "at_most": Interval(0.0, value),
    }[qualifier]


# -- what a ratio of stated figures supports ------------------------------------------------


def ratio_range(numerator: float, denominator: float) -> tuple[float, float]:
    """The range a ratio of two stated figures may lie in, given their :func:`half_unit` s.

    ``ratio_range(7.8, 2.6) == (7.75 / 2.65, 7.85 / 2.55)``.

    Raises:
        ValueError: for a negative numerator or a denominator not above its half unit.
    """
    n, d = _check_number("numerator", numerator), _check_number("denominator", denominator)
    if n < 0:
        raise ValueError(f"numerator must not be negative, got {numerator!r}")
    hn, hd = half_unit(n), half_unit(d)
    if d <= hd:
        raise ValueError(f"denominator must be more than {hd}, got {denominator!r}")
    return max(n - hn, 0.0) / (d + hd), (n + hn) / (d - hd)


def supported_digits(low: float, high: float, most: int = 2) -> int:
    """The most decimals (up to ``most``) whose last unit is at least ``high - low``.

    A figure known to lie within 0.15 is given without decimals, within 0.008 with two.
    """
    return next((k for k in range(most, -1, -1) if 10.0**-k >= high - low), 0)


#: Steps a ratio may be rounded to, finest last: whole numbers, halves, tenths...
RATIO_STEPS = (
    Decimal(1),
    Decimal("0.5"),
    Decimal("0.1"),
    Decimal("0.05"),
    Decimal("0.01"),
    Decimal("0.005"),
    Decimal("0.001"),
)


def supported_step(low: float, high: float, most: int = 2) -> Decimal:
    """The finest step of :data:`RATIO_STEPS` (at most ``most`` decimals) at least ``high - low``.

    A ratio known to lie within 0.27 is given to the half (2.5), within 0.08 to the tenth.
    """
    steps = [s for s in RATIO_STEPS if -s.as_tuple().exponent <= most]
    return next((s for s in reversed(steps) if s >= Decimal(repr(high - low))), steps[0])


def supported_ratio(numerator: float, denominator: float, most: int = 2) -> tuple[Bounded, int]:
    """The ratio of two stated figures, rounded as the figures as written allow.

    Each figure may hide a rounding of half a unit of its last significant digit
    (:func:`half_unit`: 7.8 may be 7.75 to 7.85, 1 200 may be 1 150 to 1 250); the ratio
    then lies between ``(n - hn) / (d + hd)`` and ``(n + hn) / (d - hd)``. The ratio is
    rounded half-up to the finest step (a whole number, a half, a tenth... at most
    ``most`` decimals) that is at least the width of that range, and written as that
    approximate figure: its own rounding, never a bound rounded outwards to a looser
    figure ("about 2.5 times", not "less than 3 times"):

    * 7.8 / 2.6: range 7.75 / 2.65 = 2.925 to 7.85 / 2.55 = 3.078, width 0.15 -> to the
      half: about 3;
    * 19.3 / 2.6 = 7.42: range 7.264 to 7.588, width 0.32 -> to the half: about 7.5;
    * 1 200 / 470 = 2.553: range 1 150 / 475 = 2.421 to 1 250 / 465 = 2.688, width
      0.27 -> to the half: about 2.5.

    Args:
        numerator: the stated figure divided (non-negative).
        denominator: the stated figure it is divided by (positive, above its half unit).
        most: the most decimals to give.

    Returns:
        The ratio as an approximate :class:`Bounded` figure, already rounded to its step,
        and the number of decimals to print it with (none for a whole number).

    Raises:
        ValueError: for a negative numerator, a denominator not above its half unit or a
            bad ``most``.
    """
    if isinstance(most, bool) or not isinstance(most, int) or not 0 <= most <= 6:
        raise ValueError(f"most must be an integer from 0 to 6, got {most!r}")
    low, high = ratio_range(numerator, denominator)
    step = supported_step(low, high, most)
    ratio = Decimal(repr(float(numerator) / float(denominator)))
    shown = (ratio / step).quantize(Decimal(1), rounding=ROUND_HALF_UP) * step
    digits = 0 if shown == shown.to_integral_value() else -step.as_tuple().exponent
    return Bounded(float(shown), approximate=True), digits


def _plus_one(rate: Number) -> Number:
    return 1 + rate if isinstance(rate, Bounded) else 1 + float(rate)


def _minus_one(x: Bounded) -> Bounded:
    return x - 1
