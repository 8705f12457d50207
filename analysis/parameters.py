"""Every report parameter, declared once, and the package's languages and output formats.

A declaration gives a parameter's name, type, default, accepted range, unit, message keys
and help. From it the build checks the values it is given, ``biotech-report list`` prints
them, a test checks each notebook's ``parameters`` cell, and the presentation layer reads
units and labels (:func:`parameter_descriptions`) to write the methodology appendix.

Standard library only, and no import from the rest of the package: every layer (data,
compute, present, build, the command line) can import it without pulling in pandas or
creating an import cycle.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date

__all__ = [
    "AS_OF",
    "CAGR_TOLERANCE",
    "DIRECT_JOBS",
    "FORMATS",
    "INDIRECT_JOBS",
    "LANG",
    "LANGS",
    "PARAMETERS",
    "PUBLIC_SHARE",
    "Parameter",
    "ParameterDescription",
    "format_value",
    "parameter_descriptions",
    "parse_date",
]

#: Languages every report is written in (the one list of the package).
LANGS: tuple[str, ...] = ("fr", "en")
#: Output formats the build can produce.
FORMATS: tuple[str, ...] = ("html", "pdf")

_TYPE_NAMES = {str: "str", float: "float", int: "int", bool: "bool"}
_EXPECTED = {str: "a string", float: "a number", int: "an integer", bool: "true or false"}
_NULL_WORDS = frozenset({"none", "null"})
_ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")


def format_value(value: object) -> str:
    """Return ``value`` as it is shown in messages: numbers without useless decimals."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        return f"{value:g}"
    if isinstance(value, str):
        return repr(value)
    return str(value)


def parse_date(value: object) -> date:
    """Read a calendar date written ``YYYY-MM-DD`` (or already a :class:`datetime.date`).

    Raises:
        ValueError: naming the value and the expected form.
    """
    if isinstance(value, date):
        return value
    if not isinstance(value, str) or not _ISO_DATE.fullmatch(value.strip()):
        shown = repr(value) if isinstance(value, str) else f"{format_value(value)}"
        raise ValueError(f"expected a date written YYYY-MM-DD, got {shown}")
    try:
        return date.fromisoformat(value.strip())
    except ValueError as error:
        raise ValueError(f"{value.strip()!r} is not a calendar date: {error}") from None


@dataclass(frozen=True)
class Parameter:
    """One report parameter: the single declaration everything else is derived from.

    Attributes:
        name: Python name of the variable in the notebook's ``parameters`` cell.
        type: One of ``str``, ``float``, ``int``, ``bool`` (the notebook's annotation).
        default: Value used when none is given; ``None`` only for optional parameters.
        help: One-line explanation, the same as the comment in the notebook.
        minimum: Smallest accepted value (numbers), inclusive.
        maximum: Largest accepted value (numbers), inclusive.
        choices: The accepted values, when they form a closed list.
        optional: Whether ``None`` is accepted (the annotation is ``Optional[<type>]``).
        unit: Unit of the value as the reports show it (a unit of
            :mod:`analysis.present.formatting`, or ``date``); ``None`` for plain text.
        scale: Factor that turns the value into ``unit`` (a share 0-1 shown in percent: 100).
        label: Message key of the parameter's label in the reports.
        rationale: Message key of the sentence that explains it, when there is one.
        is_date: The value is a date written ``YYYY-MM-DD`` (type ``str``).
    """

    name: str
    type: type
    default: object
    help: str
    minimum: float | None = None
    maximum: float | None = None
    choices: tuple[object, ...] | None = None
    optional: bool = False
    unit: str | None = None
    scale: float = 1
    label: str | None = None
    rationale: str | None = None
    is_date: bool = False

    @property
    def type_name(self) -> str:
        """The annotation as written in the notebook, e.g. ``Optional[float]``."""
        name = _TYPE_NAMES[self.type]
        # Optional[...] rather than "| None": papermill's own reader (--help-notebook) parses it.
        return f"Optional[{name}]" if self.optional else name

    @property
    def default_source(self) -> str:
        """The default as written in the notebook's ``parameters`` cell (Python source)."""
        return repr(self.default)

    @property
    def cell_line(self) -> str:
        """The line that declares the parameter in a notebook's ``parameters`` cell."""
        return f"{self.name}: {self.type_name} = {self.default_source}  # {self.help}"

    def parse(self, text: str) -> object:
        """Turn a command-line string into a value of the parameter's type (not range-checked).

        Raises:
            ValueError: with a message naming what was expected.
        """
        stripped = text.strip()
        if self.optional and stripped.lower() in _NULL_WORDS:
            return None
        if self.type is str:
            return text
        if self.type is bool:
            lowered = stripped.lower()
            if lowered in {"true", "yes", "1"}:
                return True
            if lowered in {"false", "no", "0"}:
                return False
            raise ValueError(self._expected(text))
        try:
            return self.type(stripped)
        except ValueError:
            raise ValueError(self._expected(text)) from None

    def check(self, value: object) -> object:
        """Check a typed value (from a file or :meth:`parse`) and return it normalised.

        Integers are accepted for float parameters and returned as floats; dates (from a
        YAML file) are returned as ``YYYY-MM-DD`` text.

        Raises:
            ValueError: naming the problem (wrong type, out of range, not a choice).
        """
        if value is None:
            if self.optional:
                return None
            raise ValueError(self._expected(value))
        if self.is_date:
            return parse_date(value).isoformat()
        if self.type is float:
            if isinstance(value, bool) or not isinstance(value, int | float):
                raise ValueError(self._expected(value))
            value = float(value)
            if not math.isfinite(value):
                raise ValueError(f"{format_value(value)} is not a finite number")
        elif self.type is int:
            if isinstance(value, bool) or not isinstance(value, int):
                raise ValueError(self._expected(value))
        elif not isinstance(value, self.type):
            raise ValueError(self._expected(value))
        if self.minimum is not None and value < self.minimum:
            raise ValueError(
                f"{format_value(value)} is below the minimum {format_value(self.minimum)}"
            )
        if self.maximum is not None and value > self.maximum:
            raise ValueError(
                f"{format_value(value)} is above the maximum {format_value(self.maximum)}"
            )
        if self.choices is not None and value not in self.choices:
            allowed = ", ".join(str(choice) for choice in self.choices)
            raise ValueError(f"{format_value(value)} is not one of: {allowed}")
        return value

    def _expected(self, got: object) -> str:
        expected = "a date written YYYY-MM-DD" if self.is_date else _EXPECTED[self.type]
        if self.optional:
            expected += " or none"
        shown = repr(got) if isinstance(got, str) else format_value(got)
        if not isinstance(got, str) and got is not None:
            shown += f" ({type(got).__name__})"
        return f"expected {expected}, got {shown}"

    def describe_range(self) -> str:
        """Return the accepted range or choices in words, or an empty string."""
        if self.choices is not None:
            return "one of " + ", ".join(str(choice) for choice in self.choices)
        if self.is_date:
            return "YYYY-MM-DD"
        if self.minimum is not None and self.maximum is not None:
            return f"{format_value(self.minimum)} to {format_value(self.maximum)}"
        if self.minimum is not None:
            return f">= {format_value(self.minimum)}"
        if self.maximum is not None:
            return f"<= {format_value(self.maximum)}"
        return ""


LANG = Parameter("lang", str, "fr", "report language: fr or en", choices=LANGS)

# A gap between two growth rates is a difference of percentages: past 100 points a
# tolerance no longer distinguishes any pair of rates the sources could state.
CAGR_TOLERANCE = Parameter(
    "cagr_tolerance",
    float,
    None,
    "allowed gap between stated and implied market CAGR, percentage points (0-100); "
    "None: value in data/assumptions.csv",
    minimum=0,
    maximum=100,
    optional=True,
    unit="percentage_points",
    label="report.param.cagr_tolerance.label",
)

PUBLIC_SHARE = Parameter(
    "public_share",
    float,
    None,
    "public share of funding (0-1); None: the stated share",
    minimum=0,
    maximum=1,
    optional=True,
    unit="percent",
    scale=100,
    label="report.param.public_share.label",
    rationale="report.param.public_share.rationale",
)

# Jobs: at most 100,000. That is more than ten times the whole Walloon ATMP sector's
# workforce (data/facts.csv, F002-27) for a programme of a few tens of millions of euros,
# so no reading of the sources comes near it, and the reports' exact decimal arithmetic
# (28 significant digits, amounts kept to 1e-9) stays far from its limits (a value such as
# 1e28 used to pass and then fail inside a notebook).
_MAX_JOBS = 100_000

DIRECT_JOBS = Parameter(
    "direct_jobs",
    float,
    None,
    "projected direct jobs (0 or more); None: the stated figure",
    minimum=0,
    maximum=_MAX_JOBS,
    optional=True,
    unit="jobs",
    label="report.param.direct_jobs.label",
    rationale="report.param.direct_jobs.rationale",
)

INDIRECT_JOBS = Parameter(
    "indirect_jobs",
    float,
    None,
    "projected indirect jobs (0 or more); None: the stated figure",
    minimum=0,
    maximum=_MAX_JOBS,
    optional=True,
    unit="jobs",
    label="report.param.indirect_jobs.label",
    rationale="report.param.indirect_jobs.rationale",
)

# The earliest accepted date depends on the data (the first source's publication date):
# the build checks it against sources.csv (analysis.data.editions.check_as_of).
AS_OF = Parameter(
    "as_of",
    str,
    None,
    "keep only the sources published on or before this date, YYYY-MM-DD; None: every source",
    optional=True,
    unit="date",
    label="report.param.as_of.label",
    is_date=True,
)

#: Every declared parameter by name, ``lang`` first.
PARAMETERS: Mapping[str, Parameter] = {
    p.name: p for p in (LANG, CAGR_TOLERANCE, PUBLIC_SHARE, DIRECT_JOBS, INDIRECT_JOBS, AS_OF)
}


@dataclass(frozen=True)
class ParameterDescription:
    """What a report needs to present a parameter (e.g. in its methodology appendix).

    Attributes:
        name: The parameter's name.
        unit: Unit of the value as shown (``None`` for plain text).
        scale: Factor that turns the value into ``unit``.
        label: Message key of its label.
        rationale: Message key of its explanation, or ``None``.
        default: Its default (``None``: the value stated by the sources or the data).
        minimum: Smallest accepted value, or ``None``.
        maximum: Largest accepted value, or ``None``.
    """

    name: str
    unit: str | None
    scale: float
    label: str | None
    rationale: str | None
    default: object
    minimum: float | None
    maximum: float | None


def parameter_descriptions(names: Iterable[str] | None = None) -> tuple[ParameterDescription, ...]:
    """Return the unit, message keys and range of parameters, in the order asked.

    Args:
        names: Parameter names (e.g. the keys of a report's ``parameters``); default every
            declared parameter except ``lang``.

    Raises:
        KeyError: naming a parameter that is not declared.
    """
    if names is None:
        names = [name for name in PARAMETERS if name != "lang"]
    described = []
    for name in names:
        if name not in PARAMETERS:
            raise KeyError(f"unknown parameter {name!r}; declared: {', '.join(PARAMETERS)}")
        p = PARAMETERS[name]
        described.append(
            ParameterDescription(
                p.name, p.unit, p.scale, p.label, p.rationale, p.default, p.minimum, p.maximum
            )
        )
    return tuple(described)
