"""``biotech-report build`` and ``biotech-report list``: the reports, from notebooks to files.

A *variant* is one report in one language. For each variant the build

1. checks every parameter against the registry (:mod:`analysis.build.registry`) before any kernel
   starts;
2. computes an input hash (notebook, data, library source, parameters, pinned
   requirements) and skips the variant when its outputs are present and unchanged;
3. otherwise has an executor (by default, worker processes of its own) execute the notebook
   with papermill and render the HTML page and the PDF (:mod:`analysis.build.execute`,
   :mod:`analysis.build.export`), then writes the files itself, atomically, while it holds
   the output folder's lock;
4. records parameters, hashes, package versions and timings in ``<out>/manifest.json``.

Exit codes: 0 every variant built or up to date; 1 at least one variant failed; 2 invalid
command line, report, language, format, parameter or output folder (nothing built); 3
another build is writing to the same output folder; 128 + the signal's number when stopped
by a signal: 130 interrupted (Ctrl-C, SIGINT), 143 terminated (SIGTERM), 129 hung up (SIGHUP).

Only the standard library is imported at module level, so that a rebuild with nothing to
do stays well under a second; rich, PyYAML and the worker side are imported when needed.
"""

from __future__ import annotations

import argparse
import fcntl
import hashlib
import json
import os
import signal
import sys
import threading
import time
from collections.abc import Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from analysis import imprint, paths
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

if TYPE_CHECKING:
    from concurrent.futures import Executor

__all__ = [
    "EXIT_FAILED",
    "EXIT_LOCKED",
    "EXIT_OK",
    "EXIT_USAGE",
    "FAILED_DIR",
    "LOCK_FILE",
    "MANIFEST",
    "STOP_SIGNALS",
    "BuildConfig",
    "BuildLocked",
    "Inputs",
    "Interrupted",
    "Outcome",
    "OutputFolderError",
    "Progress",
    "Status",
    "Variant",
    "add_build_arguments",
    "add_list_arguments",
    "build",
    "build_command",
    "build_lock",
    "check_as_of_dates",
    "config_from_args",
    "current_inputs",
    "data_date",
    "data_hash",
    "file_hash",
    "is_up_to_date",
    "kernel_environment",
    "library_hash",
    "list_command",
    "load_manifest",
    "load_params_file",
    "make_config",
    "package_versions",
    "plan",
    "run_build",
    "source_date_epoch",
    "write_atomically",
    "write_manifest",
]

EXIT_OK = 0
EXIT_FAILED = 1
EXIT_USAGE = 2
EXIT_LOCKED = 3

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
#: Used for SOURCE_DATE_EPOCH when the data carry no publication date (1980-01-01).
FALLBACK_EPOCH = 315532800


class BuildLocked(RuntimeError):
    """Another build holds the output folder's lock (exit code 3)."""


class OutputFolderError(RuntimeError):
    """The output folder cannot be created or written to (exit code 2)."""


class Interrupted(KeyboardInterrupt):
    """The build received a signal that stops it (exit code 128 + the signal's number)."""

    def __init__(self, signum: int) -> None:
        super().__init__(signum)
        self.signum = signum


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
        "failed, 2 invalid option, parameter or output folder (nothing built), 3 another "
        "build is using the output folder, 130 interrupted (Ctrl-C), 143 terminated "
        "(SIGTERM)."
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
        missing = not (paths.NOTEBOOKS_DIR / report.notebook).is_file()
        where = f"notebooks/{report.notebook}" + (": missing, cannot be built" if missing else "")
        lines.append(f"{report.name}  ({where})")
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
    """Return the SHA-256 of a file, or ``missing`` when it cannot be read."""
    try:
        return hashlib.sha256(path.read_bytes()).hexdigest()
    except (OSError, ValueError):
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
    imprint: str

    def for_variant(self, variant: Variant, notebook: Path) -> dict[str, str]:
        """Return the variant's input hashes, ``combined`` being the one that decides."""
        parameters = json.dumps(variant.parameters, sort_keys=True)
        hashes = {
            "notebook": file_hash(notebook),
            "data": self.data,
            "library": self.library,
            "messages": self.messages,
            "imprint": self.imprint,
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
        # The publisher and contact are printed in every report.
        imprint=hashlib.sha256(
            json.dumps(imprint.settings(), sort_keys=True).encode("utf-8")
        ).hexdigest(),
    )


def load_manifest(out_dir: Path) -> tuple[dict[str, Any], str | None]:
    """Return the manifest of ``out_dir`` and, when it cannot be used, why.

    A manifest that is missing, is not JSON or has an entry of the wrong shape counts as
    absent (an empty manifest): every variant is then rebuilt.
    """
    try:
        text = (out_dir / MANIFEST).read_text(encoding="utf-8")
    except FileNotFoundError:
        return {"variants": {}}, None
    except OSError as error:
        return {"variants": {}}, f"cannot be read: {error.strerror or error}"
    try:
        data = json.loads(text)
    except ValueError:
        return {"variants": {}}, "it is not valid JSON"
    if not isinstance(data, dict) or not isinstance(data.get("variants"), dict):
        return {"variants": {}}, "it has no 'variants' object"
    for key, entry in data["variants"].items():
        problem = _entry_problem(entry)
        if problem:
            return {"variants": {}}, f"entry {key!r}: {problem}"
    return data, None


def _entry_problem(entry: object) -> str | None:
    """What makes a manifest entry unusable, or None (see :func:`_manifest_entry`)."""
    if not isinstance(entry, dict):
        return "not an object"
    inputs, outputs = entry.get("inputs"), entry.get("outputs")
    if not isinstance(inputs, dict) or not isinstance(inputs.get("combined"), str):
        return "'inputs' is not an object with a 'combined' hash"
    if not isinstance(outputs, dict):
        return "'outputs' is not an object"
    for kind, output in outputs.items():
        if not (
            isinstance(output, dict)
            and isinstance(output.get("path"), str)
            and isinstance(output.get("sha256"), str)
        ):
            return f"output {kind!r} is not an object with a 'path' and a 'sha256'"
    return None


def write_manifest(out_dir: Path, manifest: dict[str, Any]) -> None:
    """Write the manifest atomically, keys sorted (only timings vary between builds)."""
    text = json.dumps(manifest, sort_keys=True, indent=2, ensure_ascii=False) + "\n"
    write_atomically({out_dir / MANIFEST: text.encode("utf-8")})


def write_atomically(files: Mapping[Path, bytes]) -> None:
    """Write files so that none is ever seen half-written.

    Each file is first written in full (and flushed to disk) to a temporary file beside it,
    ``.<name>.<pid>.tmp``; only when every one is ready are they moved into place, each with
    an atomic rename. Temporary files are removed whatever happens.
    """
    temporaries: list[tuple[Path, Path]] = []
    try:
        for path, data in files.items():
            path.parent.mkdir(parents=True, exist_ok=True)
            temporary = path.with_name(f".{path.name}.{os.getpid()}.tmp")
            temporaries.append((temporary, path))
            with temporary.open("wb") as stream:
                stream.write(data)
                stream.flush()
                os.fsync(stream.fileno())
        for temporary, path in temporaries:
            os.replace(temporary, path)
    finally:
        for temporary, _ in temporaries:
            temporary.unlink(missing_ok=True)


def is_up_to_date(
    entry: Mapping[str, Any] | None, hashes: Mapping[str, str], formats: Iterable[str], out: Path
) -> bool:
    """Whether a manifest entry matches the inputs and every wanted output is intact."""
    if not entry or entry["inputs"]["combined"] != hashes["combined"]:
        return False
    outputs = entry["outputs"]
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
    """Hold ``<out>/.build.lock`` for the whole build; remove it when the build ends.

    The lock is ``fcntl.flock`` on the file, so the system releases it when the process
    ends, however it ends. The file is removed while still locked; a build that opened it
    just before checks, once it holds the lock, that the file it locked is still the one in
    the folder, and starts over otherwise.

    Raises:
        BuildLocked: when another process holds it.
        OutputFolderError: when the folder cannot be created or written to.
    """
    shown = _shown(out_dir)
    hint = "choose another with --out"
    try:
        out_dir.mkdir(parents=True, exist_ok=True)
    except FileExistsError:
        raise OutputFolderError(
            f"the output folder {shown} is a file, not a folder; {hint}"
        ) from None
    except OSError as error:
        raise OutputFolderError(
            f"cannot create the output folder {shown}: {error.strerror or error}; {hint}"
        ) from None
    path = out_dir / LOCK_FILE
    while True:
        try:
            handle = path.open("a+")
        except OSError as error:
            raise OutputFolderError(
                f"cannot write to the output folder {shown}: {error.strerror or error}; {hint}"
            ) from None
        try:
            fcntl.flock(handle.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            handle.seek(0)
            holder = handle.read().strip()
            handle.close()
            who = f" (process {holder})" if holder.isdigit() else ""
            raise BuildLocked(
                f"another build is writing to {shown}{who}; wait for it to finish"
                f" or choose another folder with --out (lock: {_shown(path)})"
            ) from None
        try:
            current = os.stat(path).st_ino
        except FileNotFoundError:
            current = None
        if current == os.fstat(handle.fileno()).st_ino:
            break
        handle.close()  # removed by the build that held it: lock the new file instead
    try:
        handle.seek(0)
        handle.truncate()
        handle.write(str(os.getpid()))
        handle.flush()
        yield
    finally:
        path.unlink(missing_ok=True)
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


#: States a variant does not leave once reached.
FINAL_STATES = frozenset({"done", "up to date", "failed"})


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
        if self.detail:
            return f"{self.state} ({self.detail})"
        return self.state


class Progress:
    """Live table (one line per variant) on a terminal; plain lines otherwise."""

    def __init__(self, keys: Sequence[str], console: Any, live: bool) -> None:
        self.statuses = {key: Status() for key in keys}
        self.console = console
        self.width = max((len(key) for key in keys), default=0)
        self.caption = ""
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
        from rich.console import Group
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
        return Group(Text(self.caption, style="dim"), table) if self.caption else table

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

    def note(self, text: str) -> None:
        """Say what the build is doing: above the table, or as a line of its own."""
        if self._live is not None:
            self.caption = text
            self._live.update(self._table())
        else:
            self.console.print(text, highlight=False)

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
# Signals
# --------------------------------------------------------------------------------------

#: Signals that stop a build cleanly: Ctrl-C, ``kill`` and a closed terminal.
STOP_SIGNALS = (signal.SIGINT, signal.SIGTERM, signal.SIGHUP)


class _Signals:
    """Turns the stop signals into :class:`Interrupted`, raised in the build's thread.

    Only the first signal counts: one arriving while the build cleans up after it is
    ignored. Within :meth:`deferred` the exception waits for the end of the block, so that
    a variant's files and its manifest entry are written together or not at all.
    """

    def __init__(self) -> None:
        self.received: int | None = None
        self._deferring = 0
        self._pending = False

    def _handle(self, signum: int, frame: Any) -> None:
        del frame
        if self.received is not None:
            return
        self.received = signum
        if self._deferring:
            self._pending = True
            return
        raise Interrupted(signum)

    @contextmanager
    def active(self) -> Iterator[None]:
        """Handle the stop signals (only possible, and only needed, in the main thread)."""
        if threading.current_thread() is not threading.main_thread():
            yield
            return
        previous = {signum: signal.signal(signum, self._handle) for signum in STOP_SIGNALS}
        try:
            yield
        finally:
            for signum, handler in previous.items():
                signal.signal(signum, signal.SIG_DFL if handler is None else handler)

    @contextmanager
    def deferred(self) -> Iterator[None]:
        """Hold a stop signal until the block has finished."""
        self._deferring += 1
        try:
            yield
        finally:
            self._deferring -= 1
        if not self._deferring and self._pending and self.received is not None:
            self._pending = False
            raise Interrupted(self.received)


# --------------------------------------------------------------------------------------
# The build
# --------------------------------------------------------------------------------------


@dataclass
class Outcome:
    """Result of :func:`build`, for tests and callers.

    Attributes:
        exit_code: See the module's documentation.
        statuses: What happened to each variant (``done``, ``up to date``, ``failed``...).
        results: The result of each variant that ran (its files already written).
        retried: Variants run a second time because another variant's worker died.
        failed_notebooks: Where the executed notebook of each failed variant was written.
    """

    exit_code: int
    statuses: dict[str, Status]
    results: dict[str, Any] = field(default_factory=dict)
    retried: list[str] = field(default_factory=list)
    failed_notebooks: dict[str, Path] = field(default_factory=dict)


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


def run_build(config: BuildConfig, console: Any = None, executor: Executor | None = None) -> int:
    """Build the configured variants; print progress and a summary; return the exit code."""
    return build(config, console, executor).exit_code


def build(config: BuildConfig, console: Any = None, executor: Executor | None = None) -> Outcome:
    """Build the configured variants and return what happened to each one.

    Args:
        config: What to build, and where.
        console: A ``rich`` console for progress and the summary (default: standard output).
        executor: Where the variants run: any :class:`concurrent.futures.Executor` (a thread
            pool, a cluster's executor...), started and shut down by the caller. Default:
            ``config.jobs`` worker processes of the build's own, which end with the build
            and whose variants are retried once on a fresh worker when another variant's
            worker dies.
    """
    started = time.perf_counter()
    console = console or _console()
    signals = _Signals()
    with signals.active():
        try:
            for report in config.reports:
                notebook = config.notebooks_dir / report.notebook
                if not notebook.is_file():
                    print(
                        f"error: report {report.name!r}: notebook {notebook} not found",
                        file=sys.stderr,
                    )
                    return Outcome(EXIT_USAGE, {})
            with build_lock(config.out_dir):
                return _build_locked(config, console, started, executor, signals)
        except BuildLocked as error:
            print(f"error: {error}", file=sys.stderr)
            return Outcome(EXIT_LOCKED, {})
        except OutputFolderError as error:
            print(f"error: {error}", file=sys.stderr)
            return Outcome(EXIT_USAGE, {})
        except Interrupted as stop:
            name = signal.Signals(stop.signum).name
            console.print(f"interrupted ({name}): no file was left half-written", highlight=False)
            return Outcome(128 + stop.signum, {})


def _build_locked(
    config: BuildConfig,
    console: Any,
    started: float,
    executor: Executor | None,
    signals: _Signals,
) -> Outcome:
    out_dir = config.out_dir
    variants = plan(config)
    _remove_stale_temporaries(out_dir)
    manifest, problem = load_manifest(out_dir)
    if problem:
        print(
            f"warning: {_shown(out_dir / MANIFEST)} is ignored ({problem}); its reports are"
            " rebuilt",
            file=sys.stderr,
        )
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
    progress = Progress([v.key for v in variants], console, _wants_live(console, config.quiet))
    outcome = Outcome(EXIT_OK, progress.statuses)
    with progress:
        for variant in variants:
            if variant not in stale:
                progress.update(variant.key, "up to date")
        if stale:
            try:
                progress.note(
                    f"{len(stale)} to build, {len(variants) - len(stale)} up to date;"
                    f" checking the data in {_shown(config.data_dir)}{os.sep}"
                )
                recorder = _Recorder(config, stale, hashes, manifest, progress, outcome)
                # Validated while the workers start (their imports take a second or two);
                # no variant is submitted unless the data is valid.
                if not _execute(recorder, executor, signals, _Gate(config.data_dir)):
                    outcome.exit_code = EXIT_FAILED
            except Interrupted as stop:
                outcome.exit_code = 128 + stop.signum
    _summary(console, config, outcome, time.perf_counter() - started)
    return outcome


def _data_is_valid(data_dir: Path) -> bool:
    """Validate the data once, before any notebook runs; print every problem if invalid."""
    from analysis.data.validate import LIST_LIMIT, count_problems, validate_package

    problems = validate_package(data_dir)
    for problem in problems[:LIST_LIMIT]:
        print(f"  - {problem}", file=sys.stderr)
    if problems:
        print(
            f"error: the data in {data_dir} is invalid ({count_problems(problems)});"
            " nothing was built",
            file=sys.stderr,
        )
    return not problems


class _Recorder:
    """Writes each finished variant's files and manifest entry, and shows its state."""

    def __init__(
        self,
        config: BuildConfig,
        stale: list[Variant],
        hashes: dict[str, dict[str, str]],
        manifest: dict[str, Any],
        progress: Progress,
        outcome: Outcome,
    ) -> None:
        self.config = config
        self.variants = {variant.key: variant for variant in stale}
        self.hashes = hashes
        self.manifest = manifest
        self.progress = progress
        self.outcome = outcome
        self.versions = package_versions()
        self.epoch = source_date_epoch(config.data_dir)
        self.env = kernel_environment(config, self.epoch)
        self.created = datetime.fromtimestamp(self.epoch, UTC).strftime("%Y-%m-%dT%H:%M:%SZ")

    def task(self, key: str) -> Any:
        """The work of one variant, for a worker."""
        from analysis.build.execute import VariantTask

        variant = self.variants[key]
        return VariantTask(
            key=key,
            # Files are named after the edition: each edition has its own.
            report=variant.stem,
            lang=variant.lang,
            notebook=str((self.config.notebooks_dir / variant.report.notebook).resolve()),
            parameters=variant.parameters,
            formats=self.config.formats,
            author=variant.report.author,
            created=self.created,
            kernel_env=self.env,
            output_path=f"{variant.lang}/{variant.stem}.ipynb",
            failed_path=f"{FAILED_DIR}/{variant.lang}/{variant.stem}.ipynb",
        )

    def record(self, result: Any) -> None:
        """Write a finished variant's files (or its failed notebook) and show its state.

        Files, then the manifest entry, are written with :func:`write_atomically`; the
        outputs stay those of the last successful build when the variant failed.
        """
        key = result.key
        variant = self.variants[key]
        out = self.config.out_dir
        failed_path = out / FAILED_DIR / variant.lang / f"{variant.stem}.ipynb"
        if result.ok:
            folder = out / variant.lang
            files = {folder / f"{variant.stem}.{kind}": data for kind, data in result.files.items()}
            outputs = {
                kind: {
                    "path": path.relative_to(out).as_posix(),
                    "sha256": hashlib.sha256(files[path]).hexdigest(),
                }
                for kind, path in zip(result.files, files, strict=True)
            }
            self.manifest["variants"][key] = _manifest_entry(
                variant, self.config, self.hashes[key], outputs, result.timings, self.versions
            ) | {"source_date_epoch": self.epoch}
            write_atomically(files)
            failed_path.unlink(missing_ok=True)
            write_manifest(out, self.manifest)
            self.progress.update(key, "done", seconds=result.timings.get("total", 0.0))
        else:
            if result.failed_notebook is not None:
                write_atomically({failed_path: result.failed_notebook})
                self.outcome.failed_notebooks[key] = failed_path
            self.outcome.exit_code = EXIT_FAILED
            self.progress.update(key, "failed", _failure_text(result))
        # The bytes are on disk: do not keep every report in memory until the build ends.
        result.files, result.failed_notebook = {}, None
        self.outcome.results[key] = result


class _Gate:
    """The data's validation, run once, when the build is ready to submit its variants."""

    def __init__(self, data_dir: Path) -> None:
        self.data_dir = data_dir
        self.valid: bool | None = None

    def __call__(self) -> bool:
        if self.valid is None:
            self.valid = _data_is_valid(self.data_dir)
        return self.valid


def _execute(
    recorder: _Recorder, executor: Executor | None, signals: _Signals, gate: _Gate
) -> bool:
    """Run the stale variants; return False, having run none, when the data is invalid."""
    keys = list(recorder.variants)
    progress = recorder.progress
    if executor is not None:
        if not gate():
            return False
        progress.note(f"building {len(keys)} on {type(executor).__name__}")
        _run_on_executor(executor, keys, recorder, signals)
        return True
    jobs = max(1, min(recorder.config.jobs, len(keys)))
    progress.note(f"building {len(keys)} with {jobs} worker process{'es' if jobs > 1 else ''}")
    return _run_on_own_pool(keys, jobs, recorder, signals, gate)


def _worker_failure(key: str, error: BaseException, detail: str = "") -> Any:
    from analysis.build.execute import VariantResult

    text = detail or f"{type(error).__name__}: {error}".splitlines()[0]
    return VariantResult(key=key, ok=False, stage="worker", error=text)


def _run_on_executor(
    executor: Executor, keys: list[str], recorder: _Recorder, signals: _Signals
) -> None:
    """Run every variant on a caller's executor, recording each as it finishes."""
    from concurrent.futures import FIRST_COMPLETED
    from concurrent.futures import wait as futures_wait

    from analysis.build.execute import run_variant

    futures = {executor.submit(run_variant, recorder.task(key)): key for key in keys}
    for key in keys:
        recorder.progress.update(key, "submitted")
    waiting = set(futures)
    try:
        while waiting:
            done, waiting = futures_wait(waiting, timeout=0.125, return_when=FIRST_COMPLETED)
            for future in done:
                key = futures[future]
                error = future.exception()
                result = future.result() if error is None else _worker_failure(key, error)
                with signals.deferred():
                    recorder.record(result)
            recorder.progress.tick()
    except Interrupted:
        for future in waiting:
            future.cancel()
        raise


def _run_on_own_pool(
    keys: list[str], jobs: int, recorder: _Recorder, signals: _Signals, gate: _Gate
) -> bool:
    """Run every variant on worker processes of the build's own.

    Kernels' files and the progress socket live in a private temporary folder, removed
    whatever happens. When a worker dies, the pool breaks and every variant in flight
    fails with it: the variant whose worker died is reported, the others are run again
    once, on a fresh pool.
    """
    import shutil
    import socket
    import tempfile

    runtime = tempfile.mkdtemp(prefix="biotech-report-")
    address = os.path.join(runtime, "progress")
    channel = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
    try:
        channel.bind(address)
        channel.setblocking(False)
        attempts = dict.fromkeys(keys, 0)
        todo: list[str] | None = list(keys)
        while todo:
            todo = _pool_round(todo, jobs, runtime, channel, attempts, recorder, signals, gate)
        return todo is not None
    finally:
        channel.close()
        shutil.rmtree(runtime, ignore_errors=True)


def _first_kernel(recorder: _Recorder, todo: list[str]) -> tuple[dict[str, str], str]:
    """The kernel environment and working folder a worker's kernel is started with ahead."""
    task = recorder.task(todo[0])
    return task.kernel_env, str(Path(task.notebook).parent)


def _pool_round(
    todo: list[str],
    jobs: int,
    runtime: str,
    channel: Any,
    attempts: dict[str, int],
    recorder: _Recorder,
    signals: _Signals,
    gate: _Gate,
) -> list[str] | None:
    """Run ``todo`` on a fresh pool; return the variants to run again on another one.

    The workers start (and import what they need) while ``gate`` validates the data; when
    it finds the data invalid, no variant is submitted and None is returned.
    """
    import multiprocessing
    from concurrent.futures import FIRST_COMPLETED, BrokenExecutor, ProcessPoolExecutor
    from concurrent.futures import wait as futures_wait

    from analysis.build.execute import init_worker, prepare_worker, run_variant

    # Spawned workers: a fresh interpreter each, with no thread or lock of this process.
    context = multiprocessing.get_context("spawn")
    before = set(multiprocessing.active_children())
    pool = ProcessPoolExecutor(
        max_workers=min(jobs, len(todo)),
        mp_context=context,
        initializer=init_worker,
        initargs=(os.getpid(), runtime, channel.getsockname(), _first_kernel(recorder, todo)),
    )
    started: dict[str, int] = {}  # variant -> process id of the worker that took it
    broken: list[str] = []
    try:
        if gate.valid is None:
            # Start every worker now: they import while the data is validated here.
            for _ in range(min(jobs, len(todo))):
                pool.submit(prepare_worker)
        if not gate():
            pool.shutdown(wait=True, cancel_futures=True)
            return None
        futures = {pool.submit(run_variant, recorder.task(key)): key for key in todo}
        # The pool watches for dead workers among those it knew when it last woke up, and a
        # worker started by a submission may come after that: one more submission wakes it
        # with every worker known, so that the death of any is seen at once.
        pool.submit(os.getpid)
        # The pool starts its workers while tasks are submitted: these are all of them.
        workers = {p.pid: p for p in multiprocessing.active_children() if p not in before}
        waiting = set(futures)
        while waiting:
            done, waiting = futures_wait(waiting, timeout=0.125, return_when=FIRST_COMPLETED)
            _drain(channel, recorder.progress, started)
            for future in done:
                key = futures[future]
                error = future.exception()
                if isinstance(error, BrokenExecutor):
                    broken.append(key)
                    continue
                result = future.result() if error is None else _worker_failure(key, error)
                with signals.deferred():
                    recorder.record(result)
            recorder.progress.tick()
    except Interrupted:
        _stop_workers(set(multiprocessing.active_children()) - before)
        pool.shutdown(wait=True, cancel_futures=True)
        raise
    pool.shutdown(wait=True)
    with signals.deferred():
        return _after_breakage(broken, started, workers, attempts, recorder)


def _after_breakage(
    broken: list[str],
    started: dict[str, int],
    workers: dict[int, Any],
    attempts: dict[str, int],
    recorder: _Recorder,
) -> list[str]:
    """Report the variants whose worker died; return the others, to run again."""
    # The pool stops its remaining workers with SIGTERM (a worker exits 128 + 15 on it):
    # any other end is the death that broke the pool.
    stopped = {-signal.SIGTERM, 128 + signal.SIGTERM}
    again = []
    for key in broken:
        pid = started.get(key)
        code = workers[pid].exitcode if pid in workers else None
        if pid is not None and code is not None and code not in stopped:
            detail = f"its worker process died ({_describe_exit(code)})"
            recorder.record(_worker_failure(key, RuntimeError(), detail))
        elif pid is not None and attempts[key] >= 1:
            detail = "its worker process was stopped twice when other workers died"
            recorder.record(_worker_failure(key, RuntimeError(), detail))
        elif pid is None and not started:
            codes = sorted({_describe_exit(p.exitcode) for p in workers.values()})
            detail = f"no worker process could start ({', '.join(codes)})"
            recorder.record(_worker_failure(key, RuntimeError(), detail))
        else:
            if pid is not None:
                attempts[key] += 1
                recorder.outcome.retried.append(key)
            recorder.progress.update(key, "queued", "again, on a fresh worker")
            again.append(key)
    return again


def _describe_exit(code: int | None) -> str:
    if code is None:
        return "still running"
    if code < 0:
        try:
            return f"killed by {signal.Signals(-code).name}"
        except ValueError:
            return f"killed by signal {-code}"
    return f"exit code {code}"


def _stop_workers(processes: Iterable[Any], grace: float = 5.0) -> None:
    """Stop worker processes: SIGTERM (they end their kernels), then SIGKILL if need be."""
    processes = list(processes)
    for process in processes:
        process.terminate()
    deadline = time.monotonic() + grace
    for process in processes:
        process.join(max(0.0, deadline - time.monotonic()))
        if process.exitcode is None:
            process.kill()
            process.join()


def _drain(channel: Any, progress: Progress, started: dict[str, int]) -> None:
    """Read the workers' progress messages: ``[key, state, detail, pid]``."""
    while True:
        try:
            message = channel.recv(65536)
        except BlockingIOError:
            return
        try:
            key, state, detail, pid = json.loads(message)
        except ValueError:
            continue
        started.setdefault(key, pid)
        status = progress.statuses.get(key)
        if state in {"executing", "rendering"} and status and status.state not in FINAL_STATES:
            progress.update(key, state, detail)


def _failure_text(result: Any) -> str:
    if result.cell is not None:
        return f"cell {result.cell}: {result.error}"
    if result.stage == "worker":
        return result.error
    stage = {"execute": "execution", "html": "HTML", "pdf": "PDF"}
    return f"{stage.get(result.stage, result.stage)}: {result.error}"


def _manifest_entry(
    variant: Variant,
    config: BuildConfig,
    hashes: dict[str, str],
    outputs: dict[str, dict[str, str]],
    timings: dict[str, float],
    versions: dict[str, str],
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
        "outputs": outputs,
        "versions": versions,
        "timings": timings,
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
        if key in outcome.failed_notebooks:
            shown = _shown(outcome.failed_notebooks[key])
            console.print(f"  executed notebook: {shown}", highlight=False)
    if outcome.retried:
        console.print(
            "run again on a fresh worker after another worker died: " + ", ".join(outcome.retried),
            highlight=False,
        )
    if outcome.exit_code > 128:
        name = signal.Signals(outcome.exit_code - 128).name
        console.print(
            f"interrupted ({name}): finished reports were kept, no file was left half-written",
            highlight=False,
        )
