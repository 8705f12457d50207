"""A failing notebook, an interrupted build, a busy output folder."""

import io
import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import nbformat
from rich.console import Console

from analysis import paths
from analysis.build.registry import LANG, Parameter, Report, registry
from analysis.build.run import build, build_lock, make_config

FIXTURES = Path(__file__).parent / "fixtures" / "notebooks"
FAIL = Parameter("fail", bool, False, "raise in the third cell")
EXIT = Parameter("exit_kernel", bool, False, "end the kernel process in the third cell")
#: Two reports on the same fixture notebook: one is made to fail, the other is not.
FIXTURE_REPORTS = registry(
    [
        Report("failing", "failing.ipynb", "made to fail on demand", (LANG, FAIL, EXIT)),
        Report("steady", "failing.ipynb", "the same notebook, left alone", (LANG, FAIL, EXIT)),
    ]
)


def run(out, **options):
    console = Console(file=io.StringIO(), width=200, force_terminal=False)
    config = make_config(
        registry=FIXTURE_REPORTS,
        notebooks_dir=FIXTURES,
        out_dir=out,
        langs=["fr"],
        quiet=True,
        jobs=2,
        **options,
    )
    outcome = build(config, console)
    return outcome, console.file.getvalue()


def test_failing_cell_fails_its_variant_only_and_keeps_earlier_outputs(tmp_path):
    out = tmp_path / "out"
    outcome, text = run(out)
    assert outcome.exit_code == 0, text
    good = {
        suffix: (out / "fr" / f"failing{suffix}").read_bytes()
        for suffix in (".html", ".pdf", ".ipynb")
    }
    manifest_before = json.loads((out / "manifest.json").read_text())["variants"]["fr/failing"]

    outcome, text = run(out, params=[("failing.fail", "true")], force=True)

    assert outcome.exit_code == 1
    # fail=true is another edition of the report, with files of its own.
    assert outcome.statuses["fr/failing--fail-true"].state == "failed"
    assert outcome.statuses["fr/steady"].state == "done"
    assert "1 built, 0 up to date, 1 failed in " in text
    assert (
        "failed: report failing--fail-true (fr), cell 3: ZeroDivisionError: division by zero"
        in text
    )
    failed = out / "_failed" / "fr" / "failing--fail-true.ipynb"
    assert f"executed notebook: {failed}" in text
    nb = nbformat.read(failed, as_version=4)
    assert nb.metadata.papermill.parameters == {"lang": "fr", "fail": True, "exit_kernel": False}
    errors = [
        output
        for cell in nb.cells
        if cell.cell_type == "code"
        for output in cell.outputs
        if output.output_type == "error"
    ]
    assert [(e.ename, e.evalue) for e in errors] == [("ZeroDivisionError", "division by zero")]
    # The earlier good outputs are untouched, byte for byte, and still in the manifest.
    for suffix, data in good.items():
        assert (out / "fr" / f"failing{suffix}").read_bytes() == data
    manifest_after = json.loads((out / "manifest.json").read_text())["variants"]["fr/failing"]
    assert manifest_after == manifest_before
    assert not list(out.rglob("*.tmp"))

    # The stated edition rebuilds; the failed copy belongs to the other edition and stays.
    outcome, text = run(out, params=[("failing.fail", "false")], force=True)
    assert outcome.exit_code == 0, text
    assert failed.exists()


def test_kernel_that_dies_fails_its_variant_without_stopping_the_build(tmp_path):
    out = tmp_path / "out"
    outcome, text = run(out, params=[("failing.exit_kernel", "true")], formats=["html"])
    assert outcome.exit_code == 1
    assert outcome.statuses["fr/steady"].state == "done"
    edition = "failing--exit_kernel-true"
    assert f"failed: report {edition} (fr), cell 3: DeadKernelError: Kernel died" in text
    assert (out / "_failed" / "fr" / f"{edition}.ipynb").exists()
    assert not (out / "fr" / f"{edition}.html").exists()


def test_html_has_outputs_in_order_without_code(tmp_path):
    out = tmp_path / "out"
    outcome, text = run(out, formats=["html"], reports=["steady"])
    assert outcome.exit_code == 0, text
    page = (out / "fr" / "steady.html").read_text(encoding="utf-8")
    assert page.index("First section") < page.index("Second section")
    assert "<td>16</td>" in page  # 4 squared, from the last cell
    assert "if fail" not in page and "display(HTML" not in page
    assert not (out / "fr" / "steady.pdf").exists()


def _start_cli_build(out, *extra):
    env = dict(os.environ, CI="true")
    return subprocess.Popen(
        [
            sys.executable,
            "-m",
            "analysis",
            "build",
            "--report",
            "sector_overview",
            "--lang",
            "fr",
            "--out",
            str(out),
            *extra,
        ],
        cwd=paths.ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        start_new_session=True,
    )


def _wait_for(predicate, timeout=60.0):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(0.05)
    return False


def test_busy_folder_refused_then_interrupt_leaves_no_partial_file(tmp_path):
    out = tmp_path / "out"
    first = _start_cli_build(out)
    try:
        assert _wait_for(
            lambda: (out / ".build.lock").exists() and (out / ".build.lock").read_text()
        )
        second = subprocess.run(
            [sys.executable, "-m", "analysis", "build", "--out", str(out), "--quiet"],
            cwd=paths.ROOT,
            capture_output=True,
            text=True,
        )
        assert second.returncode == 3
        assert second.stderr.startswith("error: another build is writing to ")
        # Interrupt like Ctrl-C in a terminal: SIGINT to the whole process group, while the
        # notebook runs or the files are being rendered.
        time.sleep(1.5)
        os.killpg(first.pid, signal.SIGINT)
        stdout, _ = first.communicate(timeout=60)
    finally:
        if first.poll() is None:
            os.killpg(first.pid, signal.SIGKILL)
            first.wait()
    assert first.returncode in (0, 130)
    if first.returncode == 130:
        assert "interrupted" in stdout
    assert not list(out.rglob("*.tmp"))
    for page in out.rglob("*.html"):
        assert page.read_text(encoding="utf-8").rstrip().endswith("</html>")
    for pdf in out.rglob("*.pdf"):
        assert pdf.read_bytes().rstrip().endswith(b"%%EOF")
    # The folder is free again.
    with build_lock(out):
        pass


def test_progress_lines_when_not_a_terminal(tmp_path):
    out = tmp_path / "out"
    run(out, reports=["steady"], formats=["html"])
    for quiet in (True, False):
        console = Console(file=io.StringIO(), width=200, force_terminal=False)
        config = make_config(
            registry=FIXTURE_REPORTS,
            notebooks_dir=FIXTURES,
            out_dir=out,
            reports=["steady"],
            langs=["fr"],
            formats=["html"],
            quiet=quiet,
        )
        outcome = build(config, console)
        lines = console.file.getvalue().splitlines()
        assert outcome.exit_code == 0
        assert lines[0].split() == ["fr/steady", "up", "to", "date"]
        assert lines[1].startswith("0 built, 1 up to date in ")
        assert len(lines) == 2
