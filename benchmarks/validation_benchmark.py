"""Benchmark: ``biotech-report check-data`` on the curated data and on 100,000 facts.

Scenarios, each the command as a user types it, in a fresh process (imports included):

* real:  ``check-data`` on ``data/`` (67 facts);
* large: ``check-data`` on a copy of ``data/`` grown to 100,000 valid facts (the facts of
         ``data/facts.csv`` repeated, each copy under its own source, id and locator, over
         1,000 sources);
* broken: the same 100,000 facts with one value in ten written ``1e400``: 10,000 problems,
          counted, the first 1,000 listed.

Each scenario runs ``--repeat`` times (default 3); the best wall time and its CPU time (user +
system of the command) are printed. Targets on an idle machine: real under 1 s, large under
10 s. Run with ``.venv/bin/python benchmarks/validation_benchmark.py``.
"""

from __future__ import annotations

import argparse
import csv
import os
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
COMMAND = Path(sys.executable).parent / "biotech-report"
FACTS = 100_000
PER_SOURCE = 100  # fact ids are F<source>-<two digits>


def grow(source: Path, target: Path, facts: int, broken_every: int = 0) -> None:
    """Copy the data folder ``source`` to ``target`` with ``facts`` facts, all valid unless
    every ``broken_every``-th value is written 1e400."""
    shutil.copytree(source, target)
    with (source / "sources.csv").open(encoding="utf-8", newline="") as handle:
        sources = list(csv.DictReader(handle))
    with (source / "facts.csv").open(encoding="utf-8", newline="") as handle:
        base = list(csv.DictReader(handle))
    count = max(-(-facts // PER_SOURCE), len(sources))
    with (target / "sources.csv").open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(sources[0]), lineterminator="\n")
        writer.writeheader()
        for i in range(count):
            row = dict(sources[i % len(sources)])
            row["source_id"], row["file_name"] = f"S{i:03d}", f"{i:03d}_{i:016x}.txt"
            if row["translation_of"] and i >= len(sources):
                row["translation_of"] = sources[i % len(sources)]["translation_of"]
            writer.writerow(row)
    with (target / "facts.csv").open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(base[0]), lineterminator="\n")
        writer.writeheader()
        for j in range(facts):
            row = dict(base[j % len(base)])
            number = j // PER_SOURCE
            row["fact_id"] = f"F{number:03d}-{j % PER_SOURCE:02d}"
            row["source_id"] = f"S{number:03d}"
            row["locator"] = f"{row['locator'][:150]} {j}"
            if row["metric"].endswith("_funding_share"):
                # A share alone in its source cannot be summed with its partner: a budget.
                row["metric"], row["unit"] = "budget", "EUR_million"
            if broken_every and j % broken_every == 0:
                row["value"] = "1e400"
            writer.writerow(row)


def time_command(args: list[str], repeat: int) -> tuple[float, float, str]:
    """Run a command ``repeat`` times; return the best wall time, its CPU time, first line."""
    best = (float("inf"), 0.0, "")
    env = {k: v for k, v in os.environ.items() if not k.startswith("BIOTECH_")}
    for _ in range(repeat):
        before = resource.getrusage(resource.RUSAGE_CHILDREN)
        started = time.perf_counter()
        done = subprocess.run(args, capture_output=True, text=True, env=env, cwd=ROOT)
        wall = time.perf_counter() - started
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
        cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
        if wall < best[0]:
            best = (wall, cpu, done.stdout.splitlines()[0] if done.stdout else done.stderr)
    return best


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=3, help="runs per scenario (best kept)")
    parser.add_argument("--facts", type=int, default=FACTS, help="facts in the large copies")
    options = parser.parse_args()
    data = ROOT / "data"
    with tempfile.TemporaryDirectory() as tmp:
        large, broken = Path(tmp) / "large", Path(tmp) / "broken"
        grow(data, large, options.facts)
        grow(data, broken, options.facts, broken_every=10)
        scenarios = [
            ("real data", data),
            (f"{options.facts:,} facts", large),
            (f"{options.facts:,} facts, 1 in 10 broken", broken),
        ]
        print(f"{'scenario':<32} {'wall':>8} {'CPU':>8}  first line of the output")
        for name, folder in scenarios:
            command = [str(COMMAND), "check-data", "--data", str(folder)]
            wall, cpu, first = time_command(command, options.repeat)
            shown = first.replace(str(folder), "<data>")
            print(f"{name:<32} {wall:>7.2f}s {cpu:>7.2f}s  {shown}")


if __name__ == "__main__":
    main()
