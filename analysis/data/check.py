"""``biotech-report check-data``: validate a data folder and print a summary or every problem."""

from pathlib import Path
from typing import Any

import pandas as pd

from analysis import paths
from analysis.data.load import TABLES, load_data
from analysis.data.validate import LIST_LIMIT, DataValidationError, count_problems

__all__ = [
    "check_data_command",
    "summary_lines",
]


def summary_lines(dataset: Any) -> list[str]:
    """Return the short summary ``check-data`` prints for a valid package.

    Args:
        dataset: a :class:`analysis.data.load.Dataset`.
    """
    lines = [f"Data package {dataset.data_dir}: valid", "", "Tables (rows)"]
    sizes = {name: len(getattr(dataset, name)) for name in TABLES}
    width = max(len(n) for n in sizes)
    lines += [f"  {name:<{width}}  {rows:>4}" for name, rows in sizes.items()]

    sources = dataset.sources
    facts = dataset.facts["source_id"].astype(str).value_counts()
    excl = dataset.exclusions["source_id"].astype(str).value_counts()
    head = f"  {'doc':<4}  {'lang':<4}  {'published':<18}  {'file':<26}  facts  exclusions"
    lines += ["", "Documents", head]
    for source in sources.itertuples():
        sid = str(source.source_id)
        dated = f"{source.pub_date.isoformat()} ({source.date_precision})"
        lines.append(
            f"  {sid:<4}  {source.language!s:<4}  {dated:<18}  {source.file_name:<26}"
            f"  {int(facts.get(sid, 0)):>5}  {int(excl.get(sid, 0)):>10}"
        )
    total = f"  {'total':<58}  {len(dataset.facts):>5}  {len(dataset.exclusions):>10}"
    lines.append(total)

    ids = [str(s) for s in sources["source_id"]]
    table = pd.crosstab(
        dataset.exclusions["reason"].astype(str), dataset.exclusions["source_id"].astype(str)
    ).reindex(columns=ids, fill_value=0)
    rwidth = max([len("reason")] + [len(r) for r in table.index])
    lines += ["", "Exclusions per reason and document"]
    lines.append(f"  {'reason':<{rwidth}}  " + "  ".join(f"{i:>4}" for i in ids) + "  total")
    for reason, counts in table.iterrows():
        cells = "  ".join(f"{int(counts[i]):>4}" for i in ids)
        lines.append(f"  {reason:<{rwidth}}  {cells}  {int(counts.sum()):>5}")
    return lines


def check_data_command(data_dir: Path | None) -> int:
    """Run ``biotech-report check-data``: print a summary (exit 0) or the problems (exit 1).

    At most :data:`~analysis.data.validate.LIST_LIMIT` problems are listed, after the count
    of them all.

    Args:
        data_dir: data folder; ``None`` for the default (:func:`analysis.paths.data_dir`).

    Returns:
        The process exit code.
    """
    folder = Path(data_dir) if data_dir else paths.data_dir()
    try:
        dataset = load_data(folder)
    except DataValidationError as exc:
        print(f"Data package {folder}: {count_problems(exc.problems, exc.complete)}")
        for problem in exc.problems[:LIST_LIMIT]:
            print(f"  - {problem}")
        return 1
    print("\n".join(summary_lines(dataset)))
    return 0
