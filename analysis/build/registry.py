"""The reports the package builds and the parameters each one accepts.

This registry is the authority for parameter validation: a value given on the command line
or in a parameters file is checked here before any notebook runs. Each notebook declares the
same parameters in its cell tagged ``parameters`` (a test keeps the two in agreement).

The module is deliberately light (standard library only): the command line imports it on
every call, including a rebuild that finds everything up to date.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

#: Languages every report is written in.
LANGUAGES: tuple[str, ...] = ("fr", "en")
#: Output formats the build can produce.
FORMATS: tuple[str, ...] = ("html", "pdf")

_TYPE_NAMES = {str: "str", float: "float", int: "int", bool: "bool"}
_EXPECTED = {str: "a string", float: "a number", int: "an integer", bool: "true or false"}
_NULL_WORDS = frozenset({"none", "null"})


class ParameterError(ValueError):
    """A report, language or parameter value the build cannot accept (exit code 2)."""


def format_value(value: object) -> str:
    """Return ``value`` as it is shown in messages: numbers without useless decimals."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        return f"{value:g}"
    if isinstance(value, str):
        return repr(value)
    return str(value)


@dataclass(frozen=True)
class Parameter:
    """One parameter of a report, as declared in the notebook's ``parameters`` cell.

    Attributes:
        name: Python name of the variable in the notebook.
        type: One of ``str``, ``float``, ``int``, ``bool``.
        default: Value used when none is given; ``None`` only for optional parameters.
        help: One-line explanation, the same as the comment in the notebook.
        minimum: Smallest accepted value (numbers), inclusive.
        maximum: Largest accepted value (numbers), inclusive.
        choices: The accepted values, when they form a closed list.
        optional: Whether ``None`` is accepted (the annotation is ``Optional[<type>]``).
    """

    name: str
    type: type
    default: object
    help: str
    minimum: float | None = None
    maximum: float | None = None
    choices: tuple[object, ...] | None = None
    optional: bool = False

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

        Integers are accepted for float parameters and returned as floats.

        Raises:
            ValueError: naming the problem (wrong type, out of range, not a choice).
        """
        if value is None:
            if self.optional:
                return None
            raise ValueError(self._expected(value))
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
        expected = _EXPECTED[self.type]
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
        if self.minimum is not None and self.maximum is not None:
            return f"{format_value(self.minimum)} to {format_value(self.maximum)}"
        if self.minimum is not None:
            return f">= {format_value(self.minimum)}"
        if self.maximum is not None:
            return f"<= {format_value(self.maximum)}"
        return ""


@dataclass(frozen=True)
class Report:
    """One report: a notebook in ``notebooks/`` and the parameters it accepts.

    Attributes:
        name: Identifier used on the command line and in output file names.
        notebook: File name of the notebook, relative to the notebooks folder.
        description: One line shown by ``biotech-report list``.
        parameters: The notebook's parameters, in the order of its ``parameters`` cell.
        author: Written to the report's ``<meta name="author">`` and the PDF metadata.
    """

    name: str
    notebook: str
    description: str
    parameters: tuple[Parameter, ...]
    author: str = "biotech-report"
    _by_name: dict[str, Parameter] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "_by_name", {p.name: p for p in self.parameters})

    def parameter(self, name: str) -> Parameter | None:
        """Return the parameter called ``name``, or ``None``."""
        return self._by_name.get(name)

    def defaults(self) -> dict[str, object]:
        """Return every parameter's default value."""
        return {p.name: p.default for p in self.parameters}


LANG = Parameter("lang", str, "fr", "report language: fr or en", choices=LANGUAGES)
CAGR_TOLERANCE = Parameter(
    "cagr_tolerance",
    float,
    None,
    "allowed gap between stated and implied market CAGR, percentage points (0-100); "
    "None: value in data/assumptions.csv",
    minimum=0,
    maximum=100,
    optional=True,
)

REPORTS: tuple[Report, ...] = (
    Report(
        name="sector_overview",
        notebook="sector_overview.ipynb",
        description="The Belgian and Walloon biotech, biopharma and ATMP sector in figures",
        parameters=(LANG, CAGR_TOLERANCE),
    ),
    Report(
        name="atmp_partnership",
        notebook="atmp_partnership.ipynb",
        description="The Walloon ATMP innovation partnership: funding, partners, jobs",
        parameters=(
            LANG,
            Parameter(
                "public_share",
                float,
                None,
                "public share of funding (0-1); None: the stated share",
                minimum=0,
                maximum=1,
                optional=True,
            ),
            Parameter(
                "direct_jobs",
                float,
                None,
                "projected direct jobs (0 or more); None: the stated figure",
                minimum=0,
                optional=True,
            ),
            Parameter(
                "indirect_jobs",
                float,
                None,
                "projected indirect jobs (0 or more); None: the stated figure",
                minimum=0,
                optional=True,
            ),
        ),
    ),
    Report(
        name="claims_audit",
        notebook="claims_audit.ipynb",
        description="Every checkable claim of the sources, recomputed and judged",
        parameters=(LANG, CAGR_TOLERANCE),
    ),
)


def registry(reports: Iterable[Report] = REPORTS) -> dict[str, Report]:
    """Return the reports keyed by name, in their declared order."""
    return {report.name: report for report in reports}


#: The package's reports keyed by name.
REGISTRY: Mapping[str, Report] = registry()


def check_choice(kind: str, value: str, known: Iterable[str]) -> str:
    """Return ``value`` if it is in ``known``, else raise a :class:`ParameterError` naming it.

    Args:
        kind: What is checked, used in the message (``report``, ``language``, ``format``).
        value: The value given.
        known: The accepted values, in the order they are listed in the message.
    """
    known = list(known)
    if value not in known:
        plural = {"language": "languages", "report": "reports", "format": "formats"}
        raise ParameterError(
            f"unknown {kind} {value!r}; {plural.get(kind, kind + 's')}: {', '.join(known)}"
        )
    return value


def resolve_parameters(
    reports: Iterable[Report],
    given: Iterable[tuple[str, object, bool]],
    origin: str = "",
) -> dict[str, dict[str, object]]:
    """Validate parameter values for the selected reports and return them per report.

    Args:
        reports: The reports being built.
        given: Triples ``(name, value, is_text)``. ``name`` is ``param`` (every selected
            report that has it) or ``report.param`` (that report only). ``is_text`` says the
            value is command-line text still to be parsed; otherwise it is already typed
            (from YAML). Later triples override earlier ones.
        origin: Prefix for messages, e.g. the parameters file name.

    Returns:
        For each report name, the values given explicitly (not the defaults), checked.

    Raises:
        ParameterError: for an unknown name, a wrong type or an out-of-range value.
    """
    reports = list(reports)
    by_name = {report.name: report for report in reports}
    prefix = f"{origin}: " if origin else ""
    resolved: dict[str, dict[str, object]] = {report.name: {} for report in reports}
    for name, value, is_text in given:
        if "." in name:
            report_name, param_name = name.split(".", 1)
            if report_name not in by_name:
                raise ParameterError(
                    f"{prefix}parameter {name!r}: report {report_name!r} is not being built"
                    f" (reports: {', '.join(by_name)})"
                )
            targets = [by_name[report_name]]
            if targets[0].parameter(param_name) is None:
                known = ", ".join(p.name for p in targets[0].parameters if p.name != "lang")
                raise ParameterError(
                    f"{prefix}report {report_name!r} has no parameter {param_name!r};"
                    f" its parameters: {known}"
                )
        else:
            param_name = name
            targets = [r for r in reports if r.parameter(param_name) is not None]
            if not targets:
                known = sorted({p.name for r in reports for p in r.parameters if p.name != "lang"})
                raise ParameterError(
                    f"{prefix}unknown parameter {param_name!r}; parameters of the reports"
                    f" being built: {', '.join(known) or 'none'}"
                )
        if param_name == "lang":
            raise ParameterError(f"{prefix}parameter 'lang' is chosen with --lang")
        for report in targets:
            param = report.parameter(param_name)
            assert param is not None
            try:
                typed = param.parse(value) if is_text else value
                resolved[report.name][param_name] = param.check(typed)
            except ValueError as error:
                raise ParameterError(
                    f"{prefix}parameter {param_name!r} of report {report.name!r}: {error}"
                ) from None
    return resolved


def parameters_from_mapping(
    data: object, reports: Iterable[Report], all_reports: Mapping[str, Report], origin: str
) -> list[tuple[str, object, bool]]:
    """Flatten the content of a parameters file into ``(name, value, False)`` triples.

    The file is a mapping of parameter names to values (applied to every report being built
    that has the parameter), and may also map a report name to a mapping of that report's
    own values, which take precedence. Sections for reports not being built are ignored.

    Raises:
        ParameterError: when the content is not such a mapping.
    """
    selected = {report.name for report in reports}
    if data is None:
        return []
    if not isinstance(data, dict):
        raise ParameterError(
            f"{origin}: expected a mapping of parameter names to values, got {type(data).__name__}"
        )
    common: list[tuple[str, object, bool]] = []
    specific: list[tuple[str, object, bool]] = []
    for key, value in data.items():
        if not isinstance(key, str):
            raise ParameterError(f"{origin}: parameter names must be text, got {key!r}")
        if key in all_reports and isinstance(value, dict):
            if key not in selected:
                continue
            for param, param_value in value.items():
                if not isinstance(param, str):
                    raise ParameterError(f"{origin}: parameter names must be text, got {param!r}")
                specific.append((f"{key}.{param}", param_value, False))
        elif key in all_reports:
            raise ParameterError(f"{origin}: section {key!r} must map parameter names to values")
        else:
            common.append((key, value, False))
    return common + specific
