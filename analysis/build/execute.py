"""Executing one report notebook in a worker process, then writing its files atomically."""

from __future__ import annotations

import hashlib
import os
import re
import time
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

from analysis import paths
from analysis.build.export import (
    Attachment,
    PageContext,
    html_to_pdf,
    install_parameter_inspection,
    notebook_to_html,
)

_ANSI = re.compile(r"\x1b\[[0-9;]*[A-Za-z]")

# --------------------------------------------------------------------------------------
# Worker side of the build
# --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class VariantTask:
    """One report in one language, to execute and render (sent to a worker)."""

    key: str
    report: str
    lang: str
    notebook: str
    parameters: dict[str, object]
    formats: tuple[str, ...]
    out_dir: str
    author: str
    created: str | None
    kernel_env: dict[str, str] = field(default_factory=dict)


@dataclass
class VariantResult:
    """What a worker reports back for one variant."""

    key: str
    ok: bool
    outputs: dict[str, dict[str, str]] = field(default_factory=dict)
    timings: dict[str, float] = field(default_factory=dict)
    stage: str = ""
    cell: int | None = None
    error: str = ""
    failed_notebook: str | None = None


class _WarmKernel:
    """A kernel started ahead of its notebook, with the heavy modules already imported."""

    count = 0

    def __init__(self, env: dict[str, str], cwd: str, preload: str) -> None:
        from jupyter_client.blocking import BlockingKernelClient
        from jupyter_client.manager import AsyncKernelManager
        from jupyter_core.utils import run_sync

        self.env, self.cwd = env, cwd
        # Unix sockets in a private folder: local only, and no warning about TCP.
        _WarmKernel.count += 1
        ip = os.path.join(_runtime_dir(), f"k{os.getpid()}-{_WarmKernel.count}")
        self.km = AsyncKernelManager(kernel_name="python3", transport="ipc", ip=ip)
        run_sync(self.km.start_kernel)(env=env, cwd=cwd)
        self.kc = None
        if preload:
            # A separate blocking client: the request is queued now and runs while the
            # worker does something else; the notebook's own client comes later.
            self.kc = BlockingKernelClient()
            self.kc.load_connection_info(self.km.get_connection_info())
            self.kc.start_channels(shell=True, iopub=False, stdin=False, hb=False, control=False)
            self.kc.execute(preload, silent=True, store_history=False)

    def matches(self, env: dict[str, str], cwd: str) -> bool:
        return self.env == env and self.cwd == cwd

    def close(self) -> None:
        from jupyter_core.utils import run_sync

        if self.kc is not None:
            self.kc.stop_channels()
            self.kc = None
        try:
            run_sync(self.km.shutdown_kernel)(now=True)
        except Exception:  # noqa: BLE001 - a kernel that is already gone is fine
            pass


_WORKER: dict[str, Any] = {}


def _runtime_dir() -> str:
    folder = _WORKER.get("runtime")
    if folder is None:
        import shutil
        import tempfile

        folder = tempfile.mkdtemp(prefix="biotech-report-")
        _WORKER["runtime"] = folder
        import multiprocessing.util

        multiprocessing.util.Finalize(
            None, shutil.rmtree, args=(folder,), kwargs={"ignore_errors": True}, exitpriority=5
        )
    return folder


def _worker_env(extra: dict[str, str]) -> dict[str, str]:
    env = dict(os.environ)
    env.update(extra)
    return env


def init_worker(
    progress: Any,
    pending: Any,
    kernel_env: dict[str, str],
    kernel_cwd: str,
    preload: str,
    warm: bool = True,
    runtime_dir: str | None = None,
) -> None:
    """Prepare a worker process: import the heavy modules once and start a kernel.

    Args:
        progress: Queue receiving ``(key, status, detail)`` progress messages (a
            multiprocessing manager queue).
        pending: Shared counter of variants not yet taken by a worker; a worker starts a
            kernel for the next variant only while some remain.
        kernel_env: Environment variables set for every kernel, on top of this process's.
        kernel_cwd: Working directory of the kernels (the notebooks folder).
        preload: Python code run silently in each kernel before its notebook.
        warm: Whether to start kernels ahead of time at all.
        runtime_dir: Folder for the kernels' sockets, removed by the build when it ends
            (default: a temporary folder of this process).
    """
    if runtime_dir is not None:
        _WORKER["runtime"] = runtime_dir
    _WORKER.update(
        progress=progress,
        pending=pending,
        env=_worker_env(kernel_env),
        cwd=kernel_cwd,
        preload=preload,
        warm=warm,
        kernel=None,
    )
    if warm:
        _WORKER["kernel"] = _WarmKernel(_WORKER["env"], kernel_cwd, preload)
    prepare_worker()
    import multiprocessing.util

    multiprocessing.util.Finalize(None, _close_warm_kernel, exitpriority=10)


_PREPARED: list[bool] = []


def prepare_worker() -> None:
    """Import the heavy modules and render a small page once, so that reports do not wait.

    Run in each worker, or once in the process that workers are forked from.
    """
    if _PREPARED:
        return
    _skip_optional_iri_checker()
    import nbconvert  # noqa: F401
    import nbformat
    import papermill  # noqa: F401

    install_parameter_inspection()
    # First use loads fonts and Pango and imports what rendering needs: do it now, with a
    # page that uses the same features as a report.
    sample = nbformat.v4.new_notebook(
        cells=[nbformat.v4.new_markdown_cell("# Warm-up\n\n## Section\n\n| a |\n|---|\n| 1 |")]
    )
    text, _ = notebook_to_html(sample, PageContext(lang="en", author="warm-up"))
    html_to_pdf(text, [Attachment("warm-up.txt", "warm-up", "warm-up")])
    _PREPARED.append(True)


def _skip_optional_iri_checker() -> None:
    """Spare each worker 1-2 s of start-up: do not import ``rfc3987_syntax``.

    nbformat imports jsonschema, which imports ``rfc3987_syntax`` if it is installed, only
    to offer an optional "iri" format checker; building that module's grammar dominates the
    import time of papermill and nbconvert. Notebook validation never checks formats, and
    jsonschema skips the checker when the import fails, so the worker makes it fail.
    """
    import sys

    if "jsonschema" not in sys.modules:
        sys.modules.setdefault("rfc3987_syntax", None)  # type: ignore[arg-type]


def _close_warm_kernel() -> None:
    kernel = _WORKER.get("kernel")
    _WORKER["kernel"] = None
    if kernel is not None:
        kernel.close()


def _take_kernel(env: dict[str, str], cwd: str) -> _WarmKernel | None:
    kernel = _WORKER.get("kernel")
    _WORKER["kernel"] = None
    if kernel is not None and not kernel.matches(env, cwd):
        kernel.close()
        kernel = None
    if kernel is None and _WORKER.get("warm", False):
        kernel = _WarmKernel(env, cwd, _WORKER.get("preload", ""))
    return kernel


def _maybe_warm_next(env: dict[str, str], cwd: str) -> None:
    if not _WORKER.get("warm", False) or _WORKER.get("kernel") is not None:
        return
    pending = _WORKER.get("pending")
    if pending is not None and pending.value <= 0:
        return
    _WORKER["kernel"] = _WarmKernel(env, cwd, _WORKER.get("preload", ""))


def _send(key: str, status: str, detail: str = "") -> None:
    queue = _WORKER.get("progress")
    if queue is not None:
        queue.put((key, status, detail))


def _claim_task() -> None:
    pending = _WORKER.get("pending")
    if pending is not None:
        with pending.get_lock():
            pending.value -= 1


def _write_atomic(path: Path, data: bytes) -> Path:
    """Write ``data`` to a temporary file beside ``path``; return the temporary path."""
    path.parent.mkdir(parents=True, exist_ok=True)
    temporary = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    with temporary.open("wb") as stream:
        stream.write(data)
        stream.flush()
        os.fsync(stream.fileno())
    return temporary


def _relative(path: Path, start: Path) -> str:
    try:
        return path.resolve().relative_to(start.resolve()).as_posix()
    except ValueError:
        return path.name


def _last_line(error: BaseException) -> str:
    message = _ANSI.sub("", f"{type(error).__name__}: {error}").strip()
    return message.splitlines()[-1] if message else type(error).__name__


def _failure_details(nb: Any, source_nb: Any) -> tuple[int | None, str]:
    """Return the failing cell (1-based, in the source notebook) and the error's last line."""
    injected_at = None
    for index, cell in enumerate(nb.cells):
        if "injected-parameters" in cell.get("metadata", {}).get("tags", []):
            injected_at = index
            break
    executed = [c for c in nb.cells if c.get("cell_type") == "code"]
    for cell in executed:
        for output in cell.get("outputs", []):
            if output.get("output_type") == "error":
                ename = output.get("ename", "Error")
                evalue = _ANSI.sub("", str(output.get("evalue", "")))
                index = _cell_position(nb, cell, injected_at, source_nb)
                last = f"{ename}: {evalue}".strip() if evalue else ename
                return index, last.splitlines()[-1]
    for cell in executed:
        if cell.get("metadata", {}).get("papermill", {}).get("exception"):
            return _cell_position(nb, cell, injected_at, source_nb), "the cell did not finish"
    return None, "the notebook did not finish"


def _cell_position(nb: Any, cell: Any, injected_at: int | None, source_nb: Any) -> int | None:
    cell_id = cell.get("id")
    for index, source_cell in enumerate(source_nb.cells):
        if cell_id and source_cell.get("id") == cell_id:
            return index + 1
    position = nb.cells.index(cell)
    if injected_at is not None and position > injected_at:
        position -= 1
    return position + 1


def run_variant(task: VariantTask) -> VariantResult:
    """Execute one report notebook and write its outputs (in a worker process).

    Outputs go to ``<out>/<lang>/<report>.{ipynb,html,pdf}``, each written to a temporary
    file in the same folder and moved into place only when every requested output is
    ready. On failure the executed notebook goes to ``<out>/_failed/<lang>/<report>.ipynb``
    and earlier outputs are left untouched.
    """
    import nbformat
    import papermill

    result = VariantResult(key=task.key, ok=False)
    out_dir = Path(task.out_dir)
    notebook = Path(task.notebook)
    target = out_dir / task.lang / task.report
    failed_path = out_dir / "_failed" / task.lang / f"{task.report}.ipynb"
    env = _worker_env(task.kernel_env)
    cwd = str(notebook.parent)
    _claim_task()
    temporaries: list[Path] = []
    captured: dict[str, Any] = {}
    source_nb = nbformat.read(notebook, as_version=4)
    code_cells = [i for i, c in enumerate(source_nb.cells) if c.cell_type == "code"]
    total = len(code_cells) + 1  # the injected parameters cell runs too
    counter = {"done": 0, "position": None}
    positions = {cell.get("id"): index + 1 for index, cell in enumerate(source_nb.cells)}

    def on_notebook_start(notebook: Any, **_: Any) -> None:
        captured["nb"] = notebook

    def on_cell_start(cell: Any, cell_index: int, **_: Any) -> None:
        if cell.get("cell_type") == "code":
            counter["done"] += 1
            counter["position"] = positions.get(cell.get("id"))
            _send(task.key, "executing", f"cell {counter['done']}/{total}")

    kernel = None
    stage = "execute"
    started = time.perf_counter()
    try:
        _send(task.key, "executing", f"cell 0/{total}")
        kernel = _take_kernel(env, cwd)
        extra: dict[str, Any] = {}
        if kernel is not None:
            extra["km"] = kernel.km
        else:
            os.environ.update(task.kernel_env)
        failed: Exception | None = None
        try:
            executed = papermill.execute_notebook(
                str(notebook),
                None,
                parameters=task.parameters,
                kernel_name="python3",
                language="python",
                progress_bar=False,
                request_save_on_cell_execute=False,
                cwd=cwd,
                on_notebook_start=on_notebook_start,
                on_cell_start=on_cell_start,
                **extra,
            )
        except Exception as error:  # noqa: BLE001 - a cell raised, or the kernel died
            executed, failed = captured.get("nb"), error
        finally:
            if kernel is not None:
                kernel.close()
                kernel = None
            _maybe_warm_next(env, cwd)
        result.timings["execute"] = round(time.perf_counter() - started, 3)
        if failed is not None:
            result.stage = "execute"
            if isinstance(failed, papermill.PapermillExecutionError) and executed is not None:
                result.cell, result.error = _failure_details(executed, source_nb)
            else:
                result.cell, result.error = counter["position"], _last_line(failed)
            if executed is not None:
                executed.metadata.setdefault("papermill", {})
                executed.metadata.papermill["input_path"] = _relative(notebook, paths.ROOT)
                executed.metadata.papermill["output_path"] = _relative(failed_path, out_dir)
                data = nbformat.writes(executed).encode("utf-8")
                temporary = _write_atomic(failed_path, data)
                os.replace(temporary, failed_path)
                result.failed_notebook = str(failed_path)
            _send(task.key, "failed", result.error)
            return result

        executed.metadata.papermill["input_path"] = _relative(notebook, paths.ROOT)
        executed.metadata.papermill["output_path"] = _relative(
            target.with_suffix(".ipynb"), out_dir
        )
        files: dict[str, bytes] = {"ipynb": nbformat.writes(executed).encode("utf-8")}
        stage = "html"
        _send(task.key, "rendering", "html")
        step = time.perf_counter()
        created_dt = datetime.fromisoformat(task.created) if task.created else None
        page = PageContext(
            lang=task.lang, author=task.author, created=task.created, notebook_dir=cwd
        )
        text, attachments = notebook_to_html(executed, page)
        if "html" in task.formats:
            files["html"] = text.encode("utf-8")
        result.timings["html"] = round(time.perf_counter() - step, 3)
        if "pdf" in task.formats:
            stage = "pdf"
            _send(task.key, "rendering", "pdf")
            step = time.perf_counter()
            files["pdf"] = html_to_pdf(text, attachments, created_dt, base_url=cwd)
            result.timings["pdf"] = round(time.perf_counter() - step, 3)

        stage = "write"
        for kind, data in files.items():
            temporaries.append(_write_atomic(target.with_suffix(f".{kind}"), data))
        for kind, temporary in zip(files, temporaries, strict=True):
            final = target.with_suffix(f".{kind}")
            os.replace(temporary, final)
            result.outputs[kind] = {
                "path": _relative(final, out_dir),
                "sha256": hashlib.sha256(files[kind]).hexdigest(),
            }
        temporaries.clear()
        if failed_path.exists():
            failed_path.unlink()
        result.ok = True
        result.timings["total"] = round(time.perf_counter() - started, 3)
        return result
    except Exception as error:  # noqa: BLE001 - reported in the summary, the build goes on
        result.stage = stage
        result.error = _last_line(error)
        _send(task.key, "failed", result.error)
        return result
    finally:
        for temporary in temporaries:
            temporary.unlink(missing_ok=True)
        if kernel is not None:
            kernel.close()
