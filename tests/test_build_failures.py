"""A failing notebook, a dying kernel, an unusable manifest, another executor."""

import io
import json
import shutil
import tempfile
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import nbformat
import pytest
from fixtures.reports import FAILING, NOTEBOOKS
from rich.console import Console

from analysis.build.run import build, make_config

# The build tier: builds with kernels (see conftest.py and pyproject's markers).
pytestmark = pytest.mark.build


def run(out, executor=None, **options):
    console = Console(file=io.StringIO(), width=200, force_terminal=False)
    config = make_config(
        registry=FAILING,
        notebooks_dir=NOTEBOOKS,
        out_dir=out,
        langs=["fr"],
        quiet=True,
        jobs=2,
        **options,
    )
    outcome = build(config, console, executor)
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


def test_progress_lines_when_not_a_terminal(tmp_path):
    out = tmp_path / "out"
    run(out, reports=["steady"], formats=["html"])
    for quiet in (True, False):
        console = Console(file=io.StringIO(), width=200, force_terminal=False)
        config = make_config(
            registry=FAILING,
            notebooks_dir=NOTEBOOKS,
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


def test_unusable_manifest_is_ignored_and_its_reports_rebuilt(tmp_path, capsys):
    out = tmp_path / "out"
    outcome, text = run(out, reports=["steady"], formats=["html"])
    assert outcome.exit_code == 0, text
    # Valid JSON, but an entry of the wrong type.
    (out / "manifest.json").write_text('{"variants": {"fr/steady": ["not", "an", "object"]}}')
    capsys.readouterr()

    outcome, text = run(out, reports=["steady"], formats=["html"])

    assert outcome.exit_code == 0, text
    assert outcome.statuses["fr/steady"].state == "done"
    assert capsys.readouterr().err == (
        f"warning: {out / 'manifest.json'} is ignored (entry 'fr/steady': not an object);"
        " its reports are rebuilt\n"
    )
    entry = json.loads((out / "manifest.json").read_text())["variants"]["fr/steady"]
    assert entry["outputs"]["html"]["path"] == "fr/steady.html"


class RecordingExecutor(ThreadPoolExecutor):
    """A thread pool that remembers what it was given."""

    def __init__(self):
        super().__init__(max_workers=2)
        self.submitted = []

    def submit(self, fn, /, *args, **kwargs):
        self.submitted.append(args[0])
        return super().submit(fn, *args, **kwargs)


def test_variants_run_on_the_executor_given(tmp_path, monkeypatch, request):
    # Kernel files of a variant run outside the build's own workers go to the temporary
    # folder, and must be gone afterwards. The folder has a short path of its own: a Unix
    # socket's path may not exceed 107 bytes, and tmp_path can be long (pytest-xdist).
    scratch = Path(tempfile.mkdtemp(prefix="scratch-"))
    request.addfinalizer(lambda: shutil.rmtree(scratch, ignore_errors=True))
    monkeypatch.setattr(tempfile, "tempdir", str(scratch))
    out = tmp_path / "out"
    with RecordingExecutor() as executor:
        outcome, text = run(out, executor=executor, formats=["html"])
        assert sorted(task.key for task in executor.submitted) == ["fr/failing", "fr/steady"]
        # The build leaves the executor to its owner: still usable.
        assert executor.submit(int, "3").result() == 3
    assert outcome.exit_code == 0, text
    assert "2 to build, 0 up to date; checking the data in " in text
    assert "building 2 on RecordingExecutor" in text
    assert "<td>16</td>" in (out / "fr" / "steady.html").read_text(encoding="utf-8")
    assert list(scratch.iterdir()) == []
    assert not (out / ".build.lock").exists()
