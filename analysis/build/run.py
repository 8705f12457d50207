"""``biotech-report build`` and ``biotech-report list``: the reports, from notebooks to files.

A *variant* is one report in one language. For each variant the build

1. checks every parameter against the registry (:mod:`analysis.build.registry`) before any kernel
   starts;
2. computes an input hash (notebook, data, library source, parameters, pinned
   requirements) and skips the variant when its outputs are present and unchanged;
3. otherwise executes the notebook with papermill in a worker process
   (:mod:`analysis.build.execute`), renders the HTML page and the PDF
   (:mod:`analysis.build.export`) and moves the files into place atomically;
4. records parameters, hashes, package versions and timings in ``<out>/manifest.json``.

Exit codes: 0 every variant built or up to date; 1 at least one variant failed; 2 invalid
command line, report, language, format or parameter (nothing built); 3 another build is
writing to the same output folder; 130 interrupted.

Only the standard library is imported at module level, so that a rebuild with nothing to
do stays well under a second; rich, PyYAML and the worker side are imported when needed.
"""

from __future__ import annotations

import argparse
import fcntl
import hashlib
import json
import os
import sys
import time
from collections.abc import Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

from analysis import paths
from analysis.build.registry import (
    FORMATS,
    LANGS,
    REGISTRY,
    ParameterError,
    Report,
    check_choice,
    format_value,
    parameters_from_mapping,
    resolve_parameters,
)

EXIT_OK = 0
EXIT_FAILED = 1
EXIT_USAGE = 2
EXIT_LOCKED = 3
EXIT_INTERRUPTED = 130

MANIFEST = "manifest.json"
LOCK_FILE = ".build.lock"
FAILED_DIR = "_failed"
LOCK_REQUIREMENTS = paths.ROOT / "requirements.lock"
#: Packages whose versions are recorded in the manifest.
RECORDED_PACKAGES = (
    "papermill",
    "nbclient",
    "nbconvert",
    "ipykernel",
    "typst",
    "pandas",
    "matplotlib",
)
#: Modules imported, silently, in each kernel before its notebook runs (when installed):
#: the kernel is started ahead of time, so this happens while the worker is busy elsewhere.
#: Only modules whose import changes nothing a notebook can observe belong here: not
#: ``matplotlib.pyplot`` (it picks the backend and hooks into IPython), not the package's
#: own modules (``analysis.charts`` chooses a backend when imported).
KERNEL_PRELOAD = ("numpy", "pandas", "matplotlib")
#: Used for SOURCE_DATE_EPOCH when the data carry no publication date (1980-01-01).
FALLBACK_EPOCH = 315532800


class BuildLocked(RuntimeError):
    """Another build holds the output folder's lock (exit code 3)."""


# --------------------------------------------------------------------------------------
# Command line
# --------------------------------------------------------------------------------------


def _split(values: Iterable[str] | None) -> list[str]:
    items: list[str] = []
    for value in values or []:
        items.extend(part.strip() for part in value.split(",") if part.strip())
    return items


def _positive(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a whole number, got {text!r}") from None
    if value < 1:
        raise argparse.ArgumentTypeError(f"must be at least 1, got {value}")
    return value


def add_build_arguments(parser: argparse.ArgumentParser) -> None:
    """Declare the options of ``biotech-report build``."""
    parser.description = (
        "Execute the report notebooks and render them as HTML and PDF, in French and English. "
        "Variants whose inputs did not change are skipped. Exit codes: 0 done, 1 a report "
        "failed, 2 invalid option or parameter (nothing built), 3 another build is using "
        "the output folder."
    )
    parser.add_argument(
        "--report",
        action="extend",
        nargs="+",
        metavar="NAME",
        help="report(s) to build, comma- or space-separated (default: all; see `list`)",
    )
    parser.add_argument(
        "--lang",
        action="append",
        metavar="LANGS",
        help="languages, comma-separated (default: fr,en)",
    )
    parser.add_argument(
        "--format",
        action="append",
        metavar="FORMATS",
        help="output formats, comma-separated (default: html,pdf); the executed notebook "
        "is always kept",
    )
    parser.add_argument(
        "--jobs",
        type=_positive,
        default=None,
        metavar="N",
        help="worker processes (default: number of CPUs)",
    )
    parser.add_argument(
        "--out", type=Path, default=None, metavar="DIR", help="output folder (default: reports/)"
    )
    parser.add_argument(
        "--data",
        type=Path,
        default=None,
        metavar="DIR",
        help=f"curated data folder (default: ${paths.DATA_ENV} or data/)",
    )
    parser.add_argument("--force", action="store_true", help="rebuild even if up to date")
    parser.add_argument(
        "--quiet",
        action="store_true",
        help="one line per finished report and a summary (default when not on a terminal)",
    )
    parser.add_argument(
        "--params",
        type=Path,
        default=None,
        metavar="FILE",
        help="YAML file of parameter values: `name: value`, or `report: {name: value}`",
    )
    parser.add_argument(
        "--as-of",
        dest="as_of",
        default=None,
        metavar="YYYY-MM-DD",
        help="an edition of the data as of that date: only the sources published by then "
        "(same as `-p as_of DATE`; written to its own files, never over the stated edition)",
    )
    parser.add_argument(
        "-p",
        "--param",
        dest="param",
        action="append",
        nargs=2,
        metavar=("NAME", "VALUE"),
        help="set a parameter (NAME or REPORT.NAME); `none` for the notebook's own default",
    )


def add_list_arguments(parser: argparse.ArgumentParser) -> None:
    """Declare the options of ``biotech-report list`` (none besides help)."""
    parser.description = "List the reports and the parameters each one accepts."


def list_command(args: argparse.Namespace, reports: Mapping[str, Report] = REGISTRY) -> int:
    """Print every report with its parameters' type, default, accepted range and help."""
    del args
    lines = []
    for report in reports.values():
        lines.append(f"{report.name}  (notebooks/{report.notebook})")
        lines.append(f"    {report.description}")
        width_name = max(len(p.name) for p in report.parameters)
        width_type = max(len(p.type_name) for p in report.parameters)
        for param in report.parameters:
            limits = param.describe_range()
            extra = f" [{limits}]" if limits else ""
            default = "None" if param.default is None else format_value(param.default)
            lines.append(
                f"    {param.name:<{width_name}}  {param.type_name:<{width_type}}"
                f"  default {default:<6} {param.help}{extra}"
            )
        lines.append("")
    lines.append("Languages: " + ", ".join(LANGS) + ".  Formats: " + ", ".join(FORMATS) + ".")
    print("\n".join(lines))
    return EXIT_OK


def build_command(args: argparse.Namespace) -> int:
    """Run ``biotech-report build`` from parsed arguments and return the exit code."""
    try:
        config = config_from_args(args)
    except ParameterError as error:
        print(f"error: {error}", file=sys.stderr)
        return EXIT_USAGE
    return run_build(config)


# --------------------------------------------------------------------------------------
# Configuration and planning
# --------------------------------------------------------------------------------------


@dataclass
class BuildConfig:
    """Everything a build needs; tests build one directly with fixture notebooks.

    Attributes:
        reports: The reports to build, in order.
        langs: Languages to build.
        formats: Output formats (the executed notebook is always written).
        params: Values given explicitly, per report name (checked).
        out_dir: Output folder.
        notebooks_dir: Folder of the notebooks named in the registry.
        data_dir: Curated data folder given to the notebooks (``BIOTECH_DATA_DIR``).
        jobs: Maximum number of worker processes.
        force: Rebuild variants that are up to date.
        quiet: One line per finished variant instead of the live display.
        warm_kernels: Start each worker's next kernel ahead of time.
    """

    reports: list[Report]
    langs: list[str] = field(default_factory=lambda: list(LANGS))
    formats: tuple[str, ...] = FORMATS
    params: dict[str, dict[str, object]] = field(default_factory=dict)
    out_dir: Path = paths.REPORTS_DIR
    notebooks_dir: Path = paths.NOTEBOOKS_DIR
    data_dir: Path = field(default_factory=paths.data_dir)
    jobs: int = field(default_factory=lambda: os.cpu_count() or 1)
    force: bool = False
    quiet: bool = False
    warm_kernels: bool = True


def load_params_file(
    path: Path, reports: Sequence[Report], all_reports: Mapping[str, Report]
) -> list[tuple[str, object, bool]]:
    """Read a YAML parameters file into ``(name, value, False)`` triples (see reports)."""
    import yaml

    try:
        text = path.read_text(encoding="utf-8")
    except OSError as error:
        raise ParameterError(f"{path}: cannot read: {error.strerror or error}") from None
    try:
        data = yaml.load(text, Loader=_parameters_loader(yaml))  # noqa: S506 - a safe loader
    except RecursionError:
        # A parameters file is two levels deep at most; the YAML reader recurses per level.
        raise ParameterError(
            f"{path}: nested too deeply: a parameters file maps names to values, or a report"
            " to names and values (two levels at most)"
        ) from None
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        where = f" (line {mark.line + 1}, column {mark.column + 1})" if mark else ""
        problem = getattr(error, "problem", None) or str(error)
        raise ParameterError(f"{path}: not valid YAML{where}: {problem}") from None
    return parameters_from_mapping(data, reports, all_reports, str(path))


def _parameters_loader(yaml: Any) -> Any:
    """PyYAML's safe loader, except that dates stay text (the registry checks them by name)."""
    timestamp = "tag:yaml.org,2002:timestamp"

    class Loader(yaml.SafeLoader):
        pass

    Loader.yaml_implicit_resolvers = {
        first: [(tag, regexp) for tag, regexp in resolvers if tag != timestamp]
        for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
    }
    return Loader


def check_as_of_dates(config: BuildConfig) -> None:
    """Refuse an ``as_of`` date before the first source of the data (``sources.csv``).

    Only the standard library reads the table here; a missing or unreadable one is left
    for the data validation to report.

    Raises:
        ParameterError: naming the date and the first source.
    """
    dates = {values.get("as_of") for values in config.params.values()} - {None}
    if not dates:
        return
    import csv

    from analysis.data.editions import AsOfError, check_as_of

    try:
        with (config.data_dir / "sources.csv").open(encoding="utf-8-sig", newline="") as stream:
            rows = list(csv.DictReader(stream))
        for when in sorted(dates):
            check_as_of(rows, when)
    except AsOfError as error:
        raise ParameterError(str(error)) from None
    except (OSError, KeyError, ValueError):
        return


def make_config(
    reports: Iterable[str] | None = None,
    langs: Iterable[str] | None = None,
    formats: Iterable[str] | None = None,
    params: Iterable[tuple[str, str]] = (),
    params_file: Path | None = None,
    registry: Mapping[str, Report] = REGISTRY,
    **options: Any,
) -> BuildConfig:
    """Check the choices and parameters and return a :class:`BuildConfig`.

    Args:
        reports: Report names (default: every report of ``registry``).
        langs: Language codes (default: fr, en).
        formats: Output formats (default: html, pdf).
        params: ``(name, text)`` pairs from the command line; they override the file.
        params_file: YAML file of parameter values.
        registry: The reports known to the build.
        **options: Other :class:`BuildConfig` fields (out_dir, notebooks_dir, jobs, ...).

    Raises:
        ParameterError: naming the first invalid report, language, format or parameter.
    """
    names = list(dict.fromkeys(reports or registry))
    selected = [registry[check_choice("report", name, registry)] for name in names]
    lang_list = list(dict.fromkeys(langs or LANGS))
    for lang in lang_list:
        check_choice("language", lang, LANGS)
    format_list = tuple(dict.fromkeys(formats or FORMATS))
    for kind in format_list:
        check_choice("format", kind, FORMATS)
    resolved: dict[str, dict[str, object]] = {report.name: {} for report in selected}
    if params_file is not None:
        from_file = load_params_file(params_file, selected, registry)
        for name, values in resolve_parameters(selected, from_file, str(params_file)).items():
            resolved[name].update(values)
    from_cli = [(name, value, True) for name, value in params]
    for name, values in resolve_parameters(selected, from_cli).items():
        resolved[name].update(values)
    config = BuildConfig(
        reports=selected, langs=lang_list, formats=format_list, params=resolved, **options
    )
    check_as_of_dates(config)
    return config


def config_from_args(args: argparse.Namespace) -> BuildConfig:
    """Turn ``build`` arguments into a checked :class:`BuildConfig`."""
    options: dict[str, Any] = {"force": args.force, "quiet": args.quiet}
    if args.out is not None:
        options["out_dir"] = args.out
    if args.data is not None:
        options["data_dir"] = args.data
    if args.jobs is not None:
        options["jobs"] = args.jobs
    return make_config(
        reports=_split(args.report) or None,
        langs=_split(args.lang) or None,
        formats=_split(args.format) or None,
        params=[tuple(pair) for pair in args.param or []]
        + ([("as_of", args.as_of)] if args.as_of is not None else []),
        params_file=args.params,
        **options,
    )


@dataclass(frozen=True)
class Variant:
    """One report in one language, with its resolved parameters."""

    report: Report
    lang: str
    parameters: dict[str, object]

    @property
    def stem(self) -> str:
        """The edition's file name without extension, e.g. ``atmp_partnership--as_of-2024-01-31``.

        The stated edition (every parameter at its default) is the report's name; another
        edition has files of its own and never replaces it.
        """
        return self.report.file_stem(self.parameters)

    @property
    def key(self) -> str:
        """``<lang>/<stem>``, as in the output paths and the manifest."""
        return f"{self.lang}/{self.stem}"


def plan(config: BuildConfig) -> list[Variant]:
    """Return the variants of a build, reports first then languages, in the given order."""
    variants = []
    for report in config.reports:
        for lang in config.langs:
            values = report.defaults()
            values.update(config.params.get(report.name, {}))
            values["lang"] = lang
            variants.append(Variant(report, lang, values))
    return variants


# --------------------------------------------------------------------------------------
# Hashes, dates and the manifest
# --------------------------------------------------------------------------------------


def library_hash(package_dir: Path = paths.PACKAGE_DIR) -> str:
    """Hash the library source the notebooks and the build depend on."""
    # Every file of the package counts: code, messages, styles, templates, stylesheets.
    return paths.hash_files(paths.tree_files(package_dir), package_dir)


def data_hash(data_dir: Path) -> str:
    """Hash every file under the data folder (the digest :func:`load_data` recognises)."""
    return paths.data_digest(data_dir)


def file_hash(path: Path) -> str:
    """Return the SHA-256 of a file, or ``missing``."""
    try:
        return hashlib.sha256(path.read_bytes()).hexdigest()
    except FileNotFoundError:
        return "missing"


def data_date(data_dir: Path) -> date | None:
    """Return the latest source publication date (``sources.csv``, column ``pub_date``)."""
    import csv

    path = data_dir / "sources.csv"
    try:
        with path.open(encoding="utf-8", newline="") as stream:
            found = [
                date.fromisoformat(row["pub_date"])
                for row in csv.DictReader(stream)
                if row.get("pub_date")
            ]
    except (OSError, KeyError, ValueError):
        return None
    return max(found) if found else None


def source_date_epoch(data_dir: Path) -> int:
    """Seconds since 1970 of the data's latest publication date (midnight UTC)."""
    latest = data_date(data_dir)
    if latest is None:
        return FALLBACK_EPOCH
    return int(datetime(latest.year, latest.month, latest.day, tzinfo=UTC).timestamp())


@dataclass(frozen=True)
class Inputs:
    """Hashes shared by every variant of a build."""

    data: str
    library: str
    requirements: str
    messages: str

    def for_variant(self, variant: Variant, notebook: Path) -> dict[str, str]:
        """Return the variant's input hashes, ``combined`` being the one that decides."""
        parameters = json.dumps(variant.parameters, sort_keys=True)
        hashes = {
            "notebook": file_hash(notebook),
            "data": self.data,
            "library": self.library,
            "messages": self.messages,
            "requirements": self.requirements,
            "parameters": hashlib.sha256(parameters.encode("utf-8")).hexdigest(),
        }
        combined = hashlib.sha256(json.dumps(hashes, sort_keys=True).encode("utf-8"))
        hashes["combined"] = combined.hexdigest()
        return hashes


def current_inputs(config: BuildConfig) -> Inputs:
    """Hash the data folder, the library, the message catalogues and the pinned requirements."""
    from analysis.present.messages import report_files

    return Inputs(
        data=data_hash(config.data_dir),
        library=library_hash(),
        requirements=file_hash(LOCK_REQUIREMENTS),
        # Every kernel reads the reports' catalogues beside the notebooks (the shared one is
        # part of the library).
        messages=paths.hash_files(report_files(), paths.NOTEBOOKS_DIR),
    )


def load_manifest(out_dir: Path) -> dict[str, Any]:
    """Return the manifest of ``out_dir`` (an empty one if absent or unreadable)."""
    try:
        data = json.loads((out_dir / MANIFEST).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {"variants": {}}
    if not isinstance(data, dict) or not isinstance(data.get("variants"), dict):
        return {"variants": {}}
    return data


def write_manifest(out_dir: Path, manifest: dict[str, Any]) -> None:
    """Write the manifest atomically, keys sorted (only timings vary between builds)."""
    text = json.dumps(manifest, sort_keys=True, indent=2, ensure_ascii=False) + "\n"
    target = out_dir / MANIFEST
    temporary = out_dir / f".{MANIFEST}.{os.getpid()}.tmp"
    temporary.write_text(text, encoding="utf-8")
    os.replace(temporary, target)


def is_up_to_date(
    entry: Mapping[str, Any] | None, hashes: Mapping[str, str], formats: Iterable[str], out: Path
) -> bool:
    """Whether a manifest entry matches the inputs and every wanted output is intact."""
    if not entry or entry.get("inputs", {}).get("combined") != hashes["combined"]:
        return False
    outputs = entry.get("outputs", {})
    for kind in ("ipynb", *formats):
        recorded = outputs.get(kind)
        if not recorded or file_hash(out / recorded["path"]) != recorded["sha256"]:
            return False
    return True


def package_versions() -> dict[str, str]:
    """Versions of the packages that shape the reports, and of Python."""
    import platform
    from importlib import metadata

    versions = {"python": platform.python_version()}
    for name in RECORDED_PACKAGES:
        try:
            versions[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            versions[name] = "not installed"
    return versions


# --------------------------------------------------------------------------------------
# Lock
# --------------------------------------------------------------------------------------


@contextmanager
def build_lock(out_dir: Path) -> Iterator[None]:
    """Hold ``<out>/.build.lock`` for the whole build (``fcntl.flock``, released on exit).

    Raises:
        BuildLocked: when another process holds it.
    """
    out_dir.mkdir(parents=True, exist_ok=True)
    path = out_dir / LOCK_FILE
    handle = path.open("a+")
    try:
        try:
            fcntl.flock(handle.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            handle.seek(0)
            holder = handle.read().strip()
            who = f" (process {holder})" if holder.isdigit() else ""
            raise BuildLocked(
                f"another build is writing to {_shown(out_dir)}{who}; wait for it to finish"
                f" or choose another folder with --out (lock: {_shown(path)})"
            ) from None
        handle.seek(0)
        handle.truncate()
        handle.write(str(os.getpid()))
        handle.flush()
        yield
    finally:
        handle.close()


def _shown(path: Path) -> str:
    try:
        return str(path.resolve().relative_to(Path.cwd()))
    except ValueError:
        return str(path)


def _remove_stale_temporaries(out_dir: Path) -> None:
    """Delete temporary files an interrupted build left (never a finished output)."""
    for folder in [out_dir, *out_dir.glob("*"), *out_dir.glob(f"{FAILED_DIR}/*")]:
        if folder.is_dir():
            for stale in folder.glob(".*.tmp"):
                stale.unlink(missing_ok=True)


# --------------------------------------------------------------------------------------
# Progress display
# --------------------------------------------------------------------------------------


@dataclass
class Status:
    """What the display shows for one variant."""

    state: str = "queued"
    detail: str = ""
    started: float | None = None
    seconds: float | None = None

    def text(self) -> str:
        """Status words, e.g. ``executing cell 3/7`` or ``done in 4.2 s``."""
        if self.state == "done":
            return f"done in {self.seconds:.1f} s"
        if self.state in {"executing", "rendering"} and self.detail:
            return f"{self.state} {self.detail}"
        if self.state == "failed" and self.detail:
            return f"failed: {self.detail}"
        return self.state


class Progress:
    """Live table (one line per variant) on a terminal; plain lines otherwise."""

    def __init__(self, keys: Sequence[str], console: Any, live: bool) -> None:
        self.statuses = {key: Status() for key in keys}
        self.console = console
        self.width = max((len(key) for key in keys), default=0)
        self._live = None
        if live:
            from rich.live import Live

            self._live = Live(self._table(), console=console, refresh_per_second=8, transient=False)

    def __enter__(self) -> Progress:
        if self._live is not None:
            self._live.__enter__()
        return self

    def __exit__(self, *exc: object) -> None:
        if self._live is not None:
            self._live.update(self._table(), refresh=True)
            self._live.__exit__(*exc)

    def _table(self) -> Any:
        from rich.table import Table
        from rich.text import Text

        table = Table.grid(padding=(0, 2))
        styles = {"done": "green", "up to date": "dim", "failed": "bold red"}
        now = time.perf_counter()
        for key, status in self.statuses.items():
            clock = ""
            if status.started is not None and status.state in {"executing", "rendering"}:
                clock = f"{now - status.started:.0f} s"
            table.add_row(key, Text(status.text(), style=styles.get(status.state, "")), clock)
        return table

    def update(self, key: str, state: str, detail: str = "", seconds: float | None = None) -> None:
        """Record a new state for ``key`` and show it."""
        status = self.statuses[key]
        if state in {"executing", "rendering"} and status.started is None:
            status.started = time.perf_counter()
        status.state, status.detail, status.seconds = state, detail, seconds
        if self._live is not None:
            self._live.update(self._table())
        elif state in {"done", "up to date", "failed"}:
            self.console.print(f"{key:<{self.width}}  {status.text()}", highlight=False)

    def tick(self) -> None:
        """Refresh the elapsed times."""
        if self._live is not None:
            self._live.update(self._table())


def _console() -> Any:
    from rich.console import Console

    return Console(highlight=False)


def _wants_live(console: Any, quiet: bool) -> bool:
    ci = os.environ.get("CI", "").strip().lower() in {"1", "true", "yes"}
    return not quiet and not ci and console.is_terminal


# --------------------------------------------------------------------------------------
# The build
# --------------------------------------------------------------------------------------


@dataclass
class Outcome:
    """Result of :func:`run_build`, for tests and callers."""

    exit_code: int
    statuses: dict[str, Status]
    results: dict[str, Any] = field(default_factory=dict)


def kernel_environment(config: BuildConfig, epoch: int) -> dict[str, str]:
    """Environment variables that make the notebooks' outputs reproducible."""
    return {
        paths.DATA_ENV: str(config.data_dir.resolve()),
        paths.VALIDATED_ENV: data_hash(config.data_dir),
        "SOURCE_DATE_EPOCH": str(epoch),
        "PYTHONHASHSEED": "0",
        "TZ": "UTC",
        "MATPLOTLIBRC": str(paths.PACKAGE_DIR / "present" / "static" / "matplotlibrc"),
    }


def _preload_code(modules: Sequence[str]) -> str:
    names = ", ".join(repr(name) for name in modules)
    return (
        f"for __module in ({names},):\n"
        "    try:\n"
        "        __import__(__module)\n"
        "    except Exception:\n"
        "        pass\n"
        "del __module\n"
    )


def run_build(config: BuildConfig, console: Any = None) -> int:
    """Build the configured variants; print progress and a summary; return the exit code."""
    return build(config, console).exit_code


def build(config: BuildConfig, console: Any = None) -> Outcome:
    """Build the configured variants and return what happened to each one."""
    started = time.perf_counter()
    console = console or _console()
    out_dir = config.out_dir
    variants = plan(config)
    for report in config.reports:
        notebook = config.notebooks_dir / report.notebook
        if not notebook.is_file():
            print(f"error: report {report.name!r}: notebook {notebook} not found", file=sys.stderr)
            return Outcome(EXIT_USAGE, {})
    try:
        with build_lock(out_dir):
            return _build_locked(config, variants, console, started)
    except BuildLocked as error:
        print(f"error: {error}", file=sys.stderr)
        return Outcome(EXIT_LOCKED, {})


def _build_locked(
    config: BuildConfig, variants: list[Variant], console: Any, started: float
) -> Outcome:
    out_dir = config.out_dir
    _remove_stale_temporaries(out_dir)
    manifest = load_manifest(out_dir)
    inputs = current_inputs(config)
    hashes = {
        v.key: inputs.for_variant(v, config.notebooks_dir / v.report.notebook) for v in variants
    }
    stale = [
        v
        for v in variants
        if config.force
        or not is_up_to_date(
            manifest["variants"].get(v.key), hashes[v.key], config.formats, out_dir
        )
    ]
    keys = [v.key for v in variants]
    progress = Progress(keys, console, _wants_live(console, config.quiet))
    outcome = Outcome(EXIT_OK, progress.statuses)
    with progress:
        for variant in variants:
            if variant not in stale:
                progress.update(variant.key, "up to date")
        if stale:
            try:
                if _data_is_valid(config.data_dir):
                    _execute(config, stale, hashes, manifest, progress, outcome)
                else:
                    outcome.exit_code = EXIT_FAILED
            except KeyboardInterrupt:
                outcome.exit_code = EXIT_INTERRUPTED
    _summary(console, config, outcome, time.perf_counter() - started)
    return outcome


def _data_is_valid(data_dir: Path) -> bool:
    """Validate the data once, before any kernel starts; print every problem if invalid."""
    from analysis.data.validate import validate_package

    problems = validate_package(data_dir)
    for problem in problems:
        print(f"  - {problem}", file=sys.stderr)
    if problems:
        print(f"error: the data in {data_dir} is invalid; nothing was built", file=sys.stderr)
    return not problems


@dataclass
class _Batch:
    """The variants a build executes, and where their results go."""

    config: BuildConfig
    variants: dict[str, Variant]
    tasks: dict[str, Any]
    hashes: dict[str, dict[str, str]]
    manifest: dict[str, Any]
    versions: dict[str, str]
    epoch: int
    env: dict[str, str]
    progress: Progress
    outcome: Outcome

    def record(self, key: str, result: Any) -> None:
        """Show a finished variant; add a successful one to the manifest at once."""
        self.outcome.results[key] = result
        if result.ok:
            self.progress.update(key, "done", seconds=result.timings.get("total", 0.0))
            self.manifest["variants"][key] = _manifest_entry(
                self.variants[key],
                self.hashes[key],
                result,
                self.versions,
                self.epoch,
                self.config,
            )
            write_manifest(self.config.out_dir, self.manifest)
        else:
            self.outcome.exit_code = EXIT_FAILED
            self.progress.update(key, "failed", _failure_text(result))


def _execute(
    config: BuildConfig,
    stale: list[Variant],
    hashes: dict[str, dict[str, str]],
    manifest: dict[str, Any],
    progress: Progress,
    outcome: Outcome,
) -> None:
    import multiprocessing
    import shutil
    import tempfile

    from analysis.build import execute as render

    epoch = source_date_epoch(config.data_dir)
    created = datetime.fromtimestamp(epoch, UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    env = kernel_environment(config, epoch)
    tasks = {
        variant.key: render.VariantTask(
            key=variant.key,
            # The worker names the files after it: each edition writes its own.
            report=variant.stem,
            lang=variant.lang,
            notebook=str((config.notebooks_dir / variant.report.notebook).resolve()),
            parameters=variant.parameters,
            formats=config.formats,
            out_dir=str(config.out_dir.resolve()),
            author=variant.report.author,
            created=created,
            kernel_env=env,
        )
        for variant in stale
    }
    batch = _Batch(
        config=config,
        variants={variant.key: variant for variant in stale},
        tasks=tasks,
        hashes=hashes,
        manifest=manifest,
        versions=package_versions(),
        epoch=epoch,
        env=env,
        progress=progress,
        outcome=outcome,
    )
    context = _worker_context(multiprocessing)
    forked = context.get_start_method() == "forkserver"
    # Kernels' sockets live here; removed even when workers are stopped short.
    runtime = tempfile.mkdtemp(prefix="biotech-report-")
    try:
        _run_pool(context, batch, runtime)
    except KeyboardInterrupt:
        if forked:
            _stop_fork_server(kill=True)
        raise
    finally:
        shutil.rmtree(runtime, ignore_errors=True)
    if forked:
        _stop_fork_server()


def _run_pool(context: Any, batch: _Batch, runtime: str) -> None:
    import multiprocessing
    import queue as queue_module
    from concurrent.futures import FIRST_COMPLETED, ProcessPoolExecutor, wait

    from analysis.build import execute as render

    config = batch.config
    pending = context.Value("i", len(batch.tasks))
    # The manager is a small spawned process of its own: it does not wait for the fork
    # server's imports, and an early Ctrl-C does not leave it half-started.
    with multiprocessing.get_context("spawn").Manager() as manager:
        messages = manager.Queue()
        pool = ProcessPoolExecutor(
            max_workers=max(1, min(config.jobs, len(batch.tasks))),
            mp_context=context,
            initializer=render.init_worker,
            initargs=(
                messages,
                pending,
                batch.env,
                str(config.notebooks_dir.resolve()),
                _preload_code(KERNEL_PRELOAD),
                config.warm_kernels,
                runtime,
            ),
        )
        try:
            futures = {
                pool.submit(render.run_variant, task): key for key, task in batch.tasks.items()
            }
            waiting = set(futures)
            while waiting:
                done, waiting = wait(waiting, timeout=0.125, return_when=FIRST_COMPLETED)
                _drain(messages, batch.progress, queue_module)
                for future in done:
                    key = futures[future]
                    try:
                        result = future.result()
                    except Exception as error:  # noqa: BLE001 - a crashed worker
                        result = render.VariantResult(
                            key=key, ok=False, stage="worker", error=f"{error!r}"
                        )
                    batch.record(key, result)
                batch.progress.tick()
            _drain(messages, batch.progress, queue_module)
        except KeyboardInterrupt:
            for process in list(getattr(pool, "_processes", {}).values()):
                process.terminate()
            pool.shutdown(wait=False, cancel_futures=True)
            raise
        else:
            pool.shutdown(wait=True)


def _worker_context(multiprocessing: Any) -> Any:
    """Where workers come from: a fork server that imported the heavy modules once.

    Forking from it spares each worker a second or two of imports; it holds one thread
    only, so forking is safe. Platforms without fork servers spawn fresh workers.
    """
    if "forkserver" not in multiprocessing.get_all_start_methods():
        return multiprocessing.get_context("spawn")
    context = multiprocessing.get_context("forkserver")
    context.set_forkserver_preload(["analysis.build.worker_preload"])
    return context


def _stop_fork_server(kill: bool = False) -> None:
    """Stop the fork server, so the next build forks from freshly imported code.

    Waiting for it also makes its processor time count among this process's children.
    On an interrupt it is killed first: it must not fork workers for a build that ended.
    """
    import signal
    from multiprocessing import forkserver

    server = getattr(forkserver, "_forkserver", None)
    pid = getattr(server, "_forkserver_pid", None)
    if kill and pid:
        try:
            os.kill(pid, signal.SIGTERM)
        except ProcessLookupError:
            pass
    stop = getattr(server, "_stop", None)
    if stop is not None:
        stop()


def _drain(messages: Any, progress: Progress, queue_module: Any) -> None:
    while True:
        try:
            key, state, detail = messages.get_nowait()
        except queue_module.Empty:
            return
        if state in {"executing", "rendering"} and progress.statuses[key].state not in {
            "done",
            "failed",
        }:
            progress.update(key, state, detail)


def _failure_text(result: Any) -> str:
    if result.cell is not None:
        return f"cell {result.cell}: {result.error}"
    stage = {"execute": "execution", "html": "HTML", "pdf": "PDF", "write": "writing"}
    return f"{stage.get(result.stage, result.stage)}: {result.error}"


def _manifest_entry(
    variant: Variant,
    hashes: dict[str, str],
    result: Any,
    versions: dict[str, str],
    epoch: int,
    config: BuildConfig,
) -> dict[str, Any]:
    notebook = config.notebooks_dir / variant.report.notebook
    try:
        shown = notebook.resolve().relative_to(paths.ROOT).as_posix()
    except ValueError:
        shown = notebook.name
    return {
        "report": variant.report.name,
        "lang": variant.lang,
        "notebook": shown,
        "parameters": variant.parameters,
        "edition": variant.report.edition(variant.parameters),
        "formats": list(config.formats),
        "inputs": hashes,
        "outputs": result.outputs,
        "source_date_epoch": epoch,
        "versions": versions,
        "timings": result.timings,
    }


def _summary(console: Any, config: BuildConfig, outcome: Outcome, seconds: float) -> None:
    counts = {"done": 0, "up to date": 0, "failed": 0}
    for status in outcome.statuses.values():
        if status.state in counts:
            counts[status.state] += 1
    unfinished = len(outcome.statuses) - sum(counts.values())
    parts = [f"{counts['done']} built", f"{counts['up to date']} up to date"]
    if counts["failed"]:
        parts.append(f"{counts['failed']} failed")
    if unfinished:
        parts.append(f"{unfinished} not finished")
    line = ", ".join(parts) + f" in {seconds:.1f} s; reports in {_shown(config.out_dir)}"
    console.print(line, highlight=False)
    for key, result in outcome.results.items():
        if result.ok:
            continue
        lang, report = key.split("/", 1)
        console.print(f"failed: report {report} ({lang}), {_failure_text(result)}", highlight=False)
        if result.failed_notebook:
            console.print(
                f"  executed notebook: {_shown(Path(result.failed_notebook))}", highlight=False
            )
    if outcome.exit_code == EXIT_INTERRUPTED:
        console.print(
            "interrupted: finished reports were kept, no file was left half-written",
            highlight=False,
        )
