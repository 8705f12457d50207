"""Benchmark: ``biotech-report build`` against the command chain a user would type.

For every variant (report x language) of the registry, on the same notebooks and data:

* build:  ``biotech-report build --force --out <fresh folder>`` (all variants at once);
* chain:  per variant ``papermill``, then ``jupyter nbconvert --to html --no-input``, then
          ``weasyprint`` on that HTML, one command after the other;
* no-op:  ``biotech-report build`` again on the build's folder right after the build
          (everything up to date).

Each scenario runs in its own measuring process, so that the peak memory of one does not
hide the next: wall time, CPU time of the processes it started (user + system, children
included, from ``resource.getrusage(RUSAGE_CHILDREN)``), the largest resident set of any one
of them (max RSS) and the largest total resident set of the whole process tree at any
moment (sampled with psutil every 100 ms).

Run with ``make bench`` or ``.venv/bin/python benchmarks/build_benchmark.py``.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
sys.path.insert(0, str(ROOT))


def measure(commands: list[list[str]], env: dict[str, str]) -> dict[str, float]:
    """Run commands one after the other; return wall, CPU and memory figures."""
    import psutil

    peak = {"total": 0}
    stop = threading.Event()
    me = psutil.Process()

    def sample() -> None:
        while not stop.is_set():
            total = 0
            for process in me.children(recursive=True):
                try:
                    total += process.memory_info().rss
                except psutil.Error:
                    pass
            peak["total"] = max(peak["total"], total)
            stop.wait(0.1)

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    started = time.perf_counter()
    last = ""
    for command in commands:
        last = subprocess.run(
            command, check=True, env=env, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL
        ).stdout.decode("utf-8", "replace")
    wall = time.perf_counter() - started
    stop.set()
    sampler.join()
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return {
        "wall": wall,
        "cpu": usage.ru_utime + usage.ru_stime,
        "max_rss_mib": usage.ru_maxrss / 1024,
        "peak_total_mib": peak["total"] / 2**20,
        "summary": (last.strip().splitlines() or [""])[-1],
    }


def scenario(name: str, commands: list[list[str]], env: dict[str, str]) -> dict:
    """Measure ``commands`` in a fresh process (its RUSAGE_CHILDREN starts at zero)."""
    result = subprocess.run(
        [sys.executable, __file__, "--measure", json.dumps(commands)],
        check=True,
        env=env,
        capture_output=True,
        text=True,
    )
    figures = json.loads(result.stdout.strip().splitlines()[-1])
    print(
        f"{name:<8} wall {figures['wall']:6.1f} s   cpu {figures['cpu']:6.1f} s   "
        f"max RSS {figures['max_rss_mib']:5.0f} MiB   "
        f"peak total RSS {figures['peak_total_mib']:5.0f} MiB",
        flush=True,
    )
    return figures


def chain_commands(work: Path) -> list[list[str]]:
    """The three commands per variant, as a user would type them."""
    from analysis.build.registry import REPORTS

    commands = []
    notebooks = ROOT / "notebooks"
    for report in REPORTS:
        for lang in ("fr", "en"):
            folder = work / lang
            folder.mkdir(parents=True, exist_ok=True)
            executed = folder / f"{report.name}.ipynb"
            html = folder / f"{report.name}.html"
            commands.append(
                [
                    str(BIN / "papermill"),
                    str(notebooks / report.notebook),
                    str(executed),
                    "-p",
                    "lang",
                    lang,
                    "--cwd",
                    str(notebooks),
                    "-k",
                    "python3",
                    "--no-progress-bar",
                ]
            )
            commands.append(
                [str(BIN / "jupyter"), "nbconvert", "--to", "html", "--no-input", str(executed)]
            )
            commands.append([str(BIN / "weasyprint"), str(html), str(html.with_suffix(".pdf"))])
    return commands


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--measure", help=argparse.SUPPRESS)
    parser.add_argument("--jobs", type=int, default=None, help="build workers (default: CPUs)")
    args = parser.parse_args()
    env = dict(os.environ)
    if args.measure:
        print(json.dumps(measure(json.loads(args.measure), env)))
        return 0

    from analysis.build.registry import REPORTS

    variants = len(REPORTS) * 2
    print(f"{variants} variants, {os.cpu_count()} CPUs, Python {sys.version.split()[0]}")
    work = Path(tempfile.mkdtemp(prefix="build-benchmark-"))
    try:
        out = work / "build"
        build = [str(BIN / "biotech-report"), "build", "--force", "--quiet", "--out", str(out)]
        if args.jobs:
            build += ["--jobs", str(args.jobs)]
        results = {"build": scenario("build", [build], env)}
        # The PDF stage of each variant, as the build's manifest records it.
        manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
        pdf_times = sorted(v["timings"]["pdf"] for v in manifest["variants"].values())
        # Right after the build, before anything (e.g. an edit of the library) can change.
        noop = build[:2] + ["--quiet", "--out", str(out)]
        results["no-op"] = scenario("no-op", [noop], env)
        if not results["no-op"]["summary"].startswith("0 built"):
            print("  (inputs changed since the build; measuring again after one rebuild)")
            subprocess.run(noop, check=True, env=env, capture_output=True)
            results["no-op"] = scenario("no-op", [noop], env)
        results["chain"] = scenario("chain", chain_commands(work / "chain"), env)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    build_, chain, noop = results["build"], results["chain"], results["no-op"]
    print()
    print(f"chain / build, wall time: {chain['wall'] / build_['wall']:.1f}x  (target >= 6x)")
    print(f"chain / build, CPU time:  {chain['cpu'] / build_['cpu']:.1f}x  (target >= 3x)")
    median = pdf_times[len(pdf_times) // 2]
    if len(pdf_times) % 2 == 0:
        median = (pdf_times[len(pdf_times) // 2 - 1] + median) / 2
    print(
        f"PDF stage per variant: median {median:.2f} s, from {pdf_times[0]:.2f} to "
        f"{pdf_times[-1]:.2f} s  (target: median <= 0.5 s)"
    )
    print(f"no-op rebuild: {noop['wall']:.2f} s  (target < 1 s): {noop['summary']}")
    peak = max(build_["max_rss_mib"], build_["peak_total_mib"])
    print(
        f"build memory: largest process {build_['max_rss_mib']:.0f} MiB, whole tree at peak "
        f"{build_['peak_total_mib']:.0f} MiB  (target < 1024 MiB: "
        f"{'met' if peak < 1024 else 'missed'})"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
