"""The reports the package builds and the parameters each one accepts.

This registry is the authority for parameter validation: a value given on the command line
or in a parameters file is checked here before any notebook runs. The parameters themselves
are declared once, in :mod:`analysis.parameters`; each notebook declares the same ones in
its cell tagged ``parameters`` (a test keeps the two in agreement).

The module is deliberately light (standard library only): the command line imports it on
every call, including a rebuild that finds everything up to date.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from urllib.parse import quote

from analysis.parameters import (
    AS_OF,
    CAGR_TOLERANCE,
    DIRECT_JOBS,
    FORMATS,
    INDIRECT_JOBS,
    LANG,
    LANGS,
    PUBLIC_SHARE,
    Parameter,
    format_value,
)

__all__ = [
    "FORMATS",
    "LANGS",
    "REGISTRY",
    "REPORTS",
    "ParameterError",
    "Report",
    "check_choice",
    "edition_suffix",
    "format_value",
    "parameters_from_mapping",
    "registry",
    "resolve_parameters",
]

#: Separates the report's name from each non-default parameter in an edition's file name.
EDITION_SEPARATOR = "--"


class ParameterError(ValueError):
    """A report, language or parameter value the build cannot accept (exit code 2)."""


@dataclass(frozen=True)
class Report:
    """One report: a notebook in ``notebooks/`` and the parameters it accepts.

    Attributes:
        name: Identifier used on the command line and in output file names.
        notebook: File name of the notebook, relative to the notebooks folder.
        description: One line shown by ``biotech-report list``.
        parameters: The notebook's parameters, in the order of its ``parameters`` cell.
        author: Written to the report's ``<meta name="author">`` and the PDF metadata;
            empty: the publisher of ``[tool.biotech-report]`` (:mod:`analysis.imprint`).
    """

    name: str
    notebook: str
    description: str
    parameters: tuple[Parameter, ...]
    author: str = ""
    _by_name: dict[str, Parameter] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "_by_name", {p.name: p for p in self.parameters})

    def parameter(self, name: str) -> Parameter | None:
        """Return the parameter called ``name``, or ``None``."""
        return self._by_name.get(name)

    def defaults(self) -> dict[str, object]:
        """Return every parameter's default value."""
        return {p.name: p.default for p in self.parameters}

    def edition(self, values: Mapping[str, object]) -> dict[str, object]:
        """Return the values that differ from the defaults (``lang`` aside), sorted by name.

        An empty result is the stated edition; anything else is another edition of the
        report, with files of its own.
        """
        return {
            p.name: values[p.name]
            for p in sorted(self.parameters, key=lambda p: p.name)
            if p.name != "lang" and p.name in values and values[p.name] != p.default
        }

    def file_stem(self, values: Mapping[str, object]) -> str:
        """Return the file name (without extension) of the edition given by ``values``.

        The stated edition is the report's name; another edition appends
        ``--<name>-<value>`` for each value that differs from its default, in the order of
        the names, e.g. ``atmp_partnership--direct_jobs-400--public_share-0.5``.
        """
        return self.name + edition_suffix(self.edition(values))


REPORTS: tuple[Report, ...] = (
    Report(
        name="sector_overview",
        notebook="sector_overview.ipynb",
        description="The Belgian and Walloon biotech, biopharma and ATMP sector in figures",
        parameters=(LANG, CAGR_TOLERANCE, AS_OF),
    ),
    Report(
        name="atmp_partnership",
        notebook="atmp_partnership.ipynb",
        description="The Walloon ATMP innovation partnership: funding, partners, jobs",
        parameters=(LANG, PUBLIC_SHARE, DIRECT_JOBS, INDIRECT_JOBS, AS_OF),
    ),
    Report(
        name="claims_audit",
        notebook="claims_audit.ipynb",
        description="Every checkable claim of the sources, recomputed and judged",
        parameters=(LANG, CAGR_TOLERANCE, AS_OF),
    ),
)


def _value_text(value: object) -> str:
    """Write a parameter value for a file name: stable, short, filesystem-safe."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        # Whole numbers without ".0"; others in the shortest form that reads back exactly.
        if value.is_integer() and abs(value) < 1e15:
            return str(int(value))
        return repr(value)
    if value is None:
        return "none"
    # Letters, digits, "-", "." and "_" as they are; anything else percent-encoded.
    return quote(str(value), safe="-._")


def edition_suffix(edition: Mapping[str, object]) -> str:
    """Return ``--<name>-<value>`` for each entry of ``edition``, names in sorted order.

    Parameter names contain no ``-``, so the first ``-`` after ``--`` ends the name.
    """
    return "".join(
        f"{EDITION_SEPARATOR}{name}-{_value_text(edition[name])}" for name in sorted(edition)
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
