"""Command line: ``biotech-report`` (also ``python -m analysis``)."""

import argparse
import os
import sys
from pathlib import Path

from analysis.parameters import LANGS


def _project_folder(text: str) -> Path:
    folder = Path(text)
    if not folder.is_dir():
        raise argparse.ArgumentTypeError(f"{text}: no such folder")
    return folder.absolute()


def _add_project_option(parser: argparse.ArgumentParser) -> None:
    from analysis import paths

    parser.add_argument(
        "--project",
        type=_project_folder,
        metavar="DIR",
        help=f"project folder holding data/, notebooks/ and reports/ (default: "
        f"${paths.PROJECT_ENV}, else the current folder or the nearest parent with "
        "data/datapackage.json)",
    )


def _use_project(argv: list[str]) -> None:
    """Apply ``--project`` before anything reads the project's paths (the build's defaults)."""
    from analysis import paths

    early = argparse.ArgumentParser(prog="biotech-report", add_help=False)
    _add_project_option(early)
    known, _ = early.parse_known_args(argv)
    if known.project is not None:
        # The environment carries it to the kernels the build starts, too.
        os.environ[paths.PROJECT_ENV] = str(known.project)


def _parser() -> argparse.ArgumentParser:
    from analysis import __version__

    parser = argparse.ArgumentParser(
        prog="biotech-report",
        description="Curated data, indicators and reports on the Belgian biotech and ATMP sector.",
    )
    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    _add_project_option(parser)
    sub = parser.add_subparsers(dest="command", required=True)

    p = sub.add_parser(
        "check-data",
        help="validate the curated tables and print a summary",
        description="Validate the curated tables of data/ against datapackage.json and the "
        "package rules; print a summary when they are valid (exit 0), else the problems "
        "(exit 1).",
    )
    p.add_argument("--data", type=Path, default=None, help="data folder (default: data/)")

    p = sub.add_parser(
        "audit",
        help="print the audit of every checkable claim",
        description="Print the audit of every checkable claim of the sources: its verdict, "
        "the stated and recomputed values (exit 1 when the data is invalid).",
    )
    p.add_argument("--data", type=Path, default=None, help="data folder (default: data/)")
    p.add_argument("--lang", default="en", choices=LANGS, help="language of explanations")

    p = sub.add_parser("scan", help="list the figures of a source text and what covers them")
    p.add_argument("file", type=Path, help="the source text (UTF-8)")
    p.add_argument("--lang", choices=LANGS, help="its language (default: sources.csv)")
    p.add_argument("--format", default="table", choices=["table", "csv"], help="output format")
    p.add_argument("--data", type=Path, default=None, help="data folder (default: data/)")

    from analysis.build.run import add_build_arguments, add_list_arguments

    add_build_arguments(sub.add_parser("build", help="execute the notebooks and render reports"))
    add_list_arguments(sub.add_parser("list", help="list the reports and their parameters"))
    return parser


def main(argv: list[str] | None = None) -> int:
    """Run the command line and return its exit code."""
    argv = sys.argv[1:] if argv is None else argv
    _use_project(argv)
    args = _parser().parse_args(argv)
    if args.command == "check-data":
        from analysis.data.check import check_data_command

        return check_data_command(args.data)
    if args.command == "audit":
        from analysis.compute.audit import audit_command

        return audit_command(args.data, args.lang)
    if args.command == "scan":
        from analysis.data.scan import scan_command

        return scan_command(args)
    if args.command == "build":
        from analysis.build.run import build_command
        from analysis.imprint import ImprintError, settings

        try:  # the publisher every report names: a bad setting stops the build at once
            settings()
        except ImprintError as error:
            print(f"error: {error}", file=sys.stderr)
            return 2
        return build_command(args)
    if args.command == "list":
        from analysis.build.run import list_command

        return list_command(args)
    return 2  # pragma: no cover - argparse rejects unknown commands


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
