"""Executing one report notebook and rendering it: the work a build hands to its executor.

:func:`run_variant` takes a :class:`VariantTask` and returns a :class:`VariantResult` that
holds the bytes of the executed notebook, the HTML page and the PDF. It writes no file: the
build process writes them, and only while it holds the output folder's lock, so a worker that
outlives its build can never replace a report. Tasks and results are plain picklable data,
so any :class:`concurrent.futures.Executor` can run them: the build's own process pool, a
thread pool, or a cluster's executor.

In the build's own process pool, :func:`init_worker` prepares each worker once: it ties the
worker to the build (the worker and its kernels end when the build process ends, however it
ends), sends progress messages to the build, starts the kernel of its first variant (which
boots while the worker imports the heavy modules and the build validates the data; it runs
nothing before a variant is submitted) and imports the heavy modules.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import signal
import socket
import sys
import tempfile
import threading
import time
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

from analysis import imprint, paths
from analysis.build.export import (
    PageContext,
    install_parameter_inspection,
    notebook_to_html,
)
from analysis.build.pdf import PdfPage, notebook_to_pdf

__all__ = [
    "VariantResult",
    "VariantTask",
    "init_worker",
    "prepare_worker",
    "run_variant",
]

#: How often a worker checks that the build that started it is still running (seconds).
PARENT_CHECK_SECONDS = 0.5
#: How long a kernel may take to reset between two variants before it is closed (seconds).
KERNEL_RESET_SECONDS = 10
#: ``prctl`` option asking Linux to signal a process when its parent ends.
_PR_SET_PDEATHSIG = 1

_ANSI = re.compile(r"\x1b\[[0-9;]*[A-Za-z]")


@dataclass(frozen=True)
class VariantTask:
    """One report in one language, to execute and render.

    Attributes:
        key: ``<lang>/<report>``.
        report: Report name (also the output file name).
        lang: Language code.
        notebook: Absolute path of the notebook; its folder is the kernel's working folder.
        parameters: Values injected into the notebook.
        formats: Formats to render besides the executed notebook (``html``, ``pdf``).
        author: The author of the PDF and HTML page; empty: the reports' publisher
            (:func:`analysis.imprint.publisher`).
        created: The reports' date (ISO 8601, from the data), for the PDF metadata.
        kernel_env: Environment variables set for the kernel, on top of the worker's.
        output_path: Where the executed notebook goes, relative to the output folder.
        failed_path: Where it goes when the notebook fails, relative to the output folder.
    """

    key: str
    report: str
    lang: str
    notebook: str
    parameters: dict[str, object]
    formats: tuple[str, ...]
    author: str
    created: str | None
    kernel_env: dict[str, str] = field(default_factory=dict)
    output_path: str = ""
    failed_path: str = ""


@dataclass
class VariantResult:
    """What a worker returns for one variant.

    Attributes:
        key: ``<lang>/<report>``.
        ok: Whether every requested file was produced.
        files: Contents per kind (``ipynb``, ``html``, ``pdf``) when ``ok``.
        timings: Seconds spent per stage (``execute``, ``html``, ``pdf``, ``total``).
        stage: Where a failure happened (``execute``, ``html``, ``pdf``, ``worker``).
        cell: The failing cell (1-based, in the source notebook), when a cell failed.
        error: The error's last line.
        failed_notebook: The executed notebook of a failed execution, when there is one.
    """

    key: str
    ok: bool
    files: dict[str, bytes] = field(default_factory=dict)
    timings: dict[str, float] = field(default_factory=dict)
    stage: str = ""
    cell: int | None = None
    error: str = ""
    failed_notebook: bytes | None = None


# --------------------------------------------------------------------------------------
# Kernels
# --------------------------------------------------------------------------------------


class _Kernel:
    """A Python kernel whose connection file and sockets live in a folder of the build."""

    def __init__(self, env: dict[str, str], cwd: str, folder: str, name: str) -> None:
        from jupyter_client.manager import AsyncKernelManager
        from jupyter_core.utils import run_sync

        # Unix sockets in a private folder: local only. The connection file (it holds the
        # kernel's key) goes there too, so removing the folder removes every trace.
        self.km = AsyncKernelManager(
            kernel_name="python3",
            transport="ipc",
            ip=os.path.join(folder, name),
            connection_file=os.path.join(folder, f"{name}.json"),
        )
        _KERNELS.add(self)
        try:
            run_sync(self.km.start_kernel)(env=env, cwd=cwd)
        except BaseException:
            self.close()
            raise

    def close(self) -> None:
        """Stop the kernel and remove its connection file and sockets."""
        from jupyter_core.utils import run_sync

        _KERNELS.discard(self)
        try:
            run_sync(self.km.shutdown_kernel)(now=True)
        except Exception:  # noqa: BLE001 - a kernel that is already gone is fine
            self.kill()

    def kill(self) -> None:
        """End the kernel's process group at once (safe inside a signal handler)."""
        provisioner = self.km.provisioner
        group = getattr(provisioner, "pgid", None) or getattr(provisioner, "pid", None)
        if group:
            try:
                os.killpg(group, signal.SIGKILL)
            except OSError:
                pass


#: Kernels running in this process, ended when the worker is told to stop.
_KERNELS: set[_Kernel] = set()
_COUNT = [0]
#: Set by :func:`init_worker` in the build's own worker processes.
_WORKER: dict[str, Any] = {}


def _start_kernel(env: dict[str, str], cwd: str, folder: str) -> _Kernel:
    _COUNT[0] += 1
    return _Kernel(env, cwd, folder, f"k{_COUNT[0]}")


#: A kernel started ahead of the worker's first variant, with the environment and working
#: folder it was started with (a variant whose own differ gets a kernel of its own).
_SPARE: list[tuple[dict[str, str], str, _Kernel]] = []


def _prestart_kernel(kernel_env: dict[str, str], cwd: str) -> None:
    """Start the kernel of the worker's first variant now, while the worker prepares."""
    env = {**os.environ, **kernel_env}
    _keep_spare(env, cwd, _start_kernel(env, cwd, _WORKER["folder"]))


def _keep_spare(env: dict[str, str], cwd: str, kernel: _Kernel) -> None:
    if not _SPARE_FINALIZER:
        # A worker the pool ends normally runs its finalizers: a kernel no variant took
        # ends too.
        import multiprocessing.util

        _SPARE_FINALIZER.append(
            multiprocessing.util.Finalize(None, _close_spare_kernels, exitpriority=10)
        )
    _SPARE.append((env, cwd, kernel))


_SPARE_FINALIZER: list[Any] = []

#: Run in a kernel between two variants: the next notebook starts from an empty namespace,
#: execution count 1, no open figure, the variants' working folder and a new record of the
#: messages it serves, as in a new kernel; only the imported modules stay, which is what
#: reusing the kernel saves.
_RESET = """\
get_ipython().reset(new_session=True)
import os as _os, sys as _sys
_os.chdir({cwd!r})
if "matplotlib.pyplot" in _sys.modules:
    _sys.modules["matplotlib.pyplot"].close("all")
if "analysis.present.messages" in _sys.modules:
    _sys.modules["analysis.present.messages"].new_record()
del _os, _sys
"""


def _recycle(kernel: _Kernel, env: dict[str, str], cwd: str) -> None:
    """Reset a kernel whose variant succeeded and keep it for the worker's next variant.

    Starting a kernel and importing pandas, matplotlib and the package costs about 1.5 s of
    CPU a variant, most of a variant's execution; a kernel that cannot be reset is closed.
    """
    from jupyter_core.utils import run_sync

    client = kernel.km.client()
    client.start_channels()
    try:
        reply = run_sync(client.execute_interactive)(
            _RESET.format(cwd=cwd),
            silent=True,
            store_history=False,
            timeout=KERNEL_RESET_SECONDS,
            output_hook=lambda message: None,
        )
        reset = reply["content"]["status"] == "ok"
    except Exception:  # noqa: BLE001 - a kernel that does not answer is not reused
        reset = False
    finally:
        client.stop_channels()
    if reset:
        _keep_spare(env, cwd, kernel)
    else:
        kernel.close()


def _close_spare_kernels() -> None:
    while _SPARE:
        _SPARE.pop()[2].close()


def _take_kernel(env: dict[str, str], cwd: str, folder: str) -> _Kernel:
    """The kernel started ahead when it matches the variant's environment, else a new one."""
    if _SPARE:
        from jupyter_core.utils import run_sync

        spare_env, spare_cwd, kernel = _SPARE.pop()
        if spare_env == env and spare_cwd == cwd and run_sync(kernel.km.is_alive)():
            return kernel
        kernel.close()
    return _start_kernel(env, cwd, folder)


# --------------------------------------------------------------------------------------
# Worker processes of the build's own pool
# --------------------------------------------------------------------------------------


def init_worker(
    build_pid: int,
    runtime: str,
    progress: str | None,
    first_kernel: tuple[dict[str, str], str] | None = None,
) -> None:
    """Prepare one process of the build's pool (its ``initializer``).

    The worker ignores Ctrl-C: the build handles it and stops its workers with SIGTERM, on
    which a worker kills its kernel, removes its kernels' files and exits at once. When the
    build process ends without doing so (``kill -9``), the worker gets SIGHUP (a
    parent-death signal on Linux, and a check every :data:`PARENT_CHECK_SECONDS`
    everywhere) and does the same, removing the build's whole runtime folder.

    Args:
        build_pid: Process id of the build; the worker ends when it is gone.
        runtime: The build's folder for kernel files; the worker keeps its own inside.
        progress: Path of the build's progress socket (Unix datagrams), if any.
        first_kernel: The kernel environment (on top of the worker's) and working folder of
            the variants, to start a kernel before the first variant comes.
    """
    folder = os.path.join(runtime, str(os.getpid()))
    os.makedirs(folder, exist_ok=True)
    _WORKER.update(build_pid=build_pid, runtime=runtime, folder=folder, progress=progress)
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, _stop_worker)
    signal.signal(signal.SIGHUP, _stop_worker)
    if sys.platform.startswith("linux"):
        import ctypes

        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(_PR_SET_PDEATHSIG, signal.SIGHUP, 0, 0, 0)
    threading.Thread(target=_watch_parent, args=(build_pid,), daemon=True).start()
    if os.getppid() != build_pid:  # the build ended before the signal was asked for
        _stop_worker(signal.SIGHUP, None)
    if first_kernel is not None:
        _prestart_kernel(*first_kernel)
    prepare_worker()


def _watch_parent(build_pid: int) -> None:
    while os.getppid() == build_pid:
        time.sleep(PARENT_CHECK_SECONDS)
    os.kill(os.getpid(), signal.SIGHUP)


def _stop_worker(signum: int, frame: Any) -> None:
    """End the worker now: kill its kernels and remove their files.

    On SIGTERM (from the build) only this worker's folder goes; on SIGHUP (the build has
    gone) the build's whole runtime folder, which nobody else will remove.
    """
    del frame
    for kernel in list(_KERNELS):
        kernel.kill()
    folder = _WORKER.get("runtime" if signum == signal.SIGHUP else "folder")
    if folder:
        shutil.rmtree(folder, ignore_errors=True)
    os._exit(128 + signum)


def _send(key: str, state: str, detail: str = "") -> None:
    """Tell the build what a variant is doing (best effort: a lost message is harmless)."""
    address = _WORKER.get("progress")
    if not address:
        return
    message = json.dumps([key, state, detail, os.getpid()]).encode("utf-8")
    try:
        with socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM) as sock:
            sock.sendto(message, address)
    except OSError:
        pass


_PREPARED: list[bool] = []


def prepare_worker() -> None:
    """Import the heavy modules of execution once per process (any executor's worker)."""
    if _PREPARED:
        return
    _skip_optional_iri_checker()
    import nbconvert  # noqa: F401
    import papermill  # noqa: F401

    install_parameter_inspection()
    _PREPARED.append(True)


def _skip_optional_iri_checker() -> None:
    """Spare each worker 1-2 s of start-up: do not import ``rfc3987_syntax``.

    nbformat imports jsonschema, which imports ``rfc3987_syntax`` if it is installed, only
    to offer an optional "iri" format checker; building that module's grammar dominates the
    import time of papermill and nbconvert. Notebook validation never checks formats, and
    jsonschema skips the checker when the import fails, so the worker makes it fail.
    """
    if "jsonschema" not in sys.modules:
        sys.modules.setdefault("rfc3987_syntax", None)  # type: ignore[arg-type]


# --------------------------------------------------------------------------------------
# One variant
# --------------------------------------------------------------------------------------


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


def _notebook_path(notebook: Path) -> str:
    """The notebook's path as recorded in the executed copy (relative to the project)."""
    try:
        return notebook.resolve().relative_to(paths.ROOT).as_posix()
    except ValueError:
        return notebook.name


def run_variant(task: VariantTask) -> VariantResult:
    """Execute one report notebook and render its files.

    The notebook runs in a new kernel, or in the build's own worker in the kernel of the
    worker's previous variant once reset (see :func:`_recycle`).

    Returns the executed notebook, the HTML page and the PDF as bytes; on failure, the
    stage, failing cell and error, with the executed notebook when there is one. Nothing
    is written to the output folder.
    """
    prepare_worker()
    import nbformat
    import papermill

    result = VariantResult(key=task.key, ok=False)
    notebook = Path(task.notebook)
    env = {**os.environ, **task.kernel_env}
    cwd = str(notebook.parent)
    source_nb = nbformat.read(notebook, as_version=4)
    total = sum(cell.cell_type == "code" for cell in source_nb.cells) + 1  # + injected cell
    positions = {cell.get("id"): index + 1 for index, cell in enumerate(source_nb.cells)}
    progress: dict[str, Any] = {"done": 0, "position": None, "nb": None}

    def on_notebook_start(notebook: Any, **_: Any) -> None:
        progress["nb"] = notebook

    def on_cell_start(cell: Any, **_: Any) -> None:
        if cell.get("cell_type") == "code":
            progress["done"] += 1
            progress["position"] = positions.get(cell.get("id"))
            _send(task.key, "executing", f"cell {progress['done']}/{total}")

    # Kernel files go to the worker's folder, or to one of this call's own (another executor).
    own_folder = None if "folder" in _WORKER else tempfile.mkdtemp(prefix="biotech-report-")
    folder = _WORKER.get("folder") or own_folder
    kernel = None
    stage = "execute"
    started = time.perf_counter()
    _send(task.key, "executing", f"cell 0/{total}")
    try:
        kernel = _take_kernel(env, cwd, folder)
        failed: Exception | None = None
        completed = False
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
                km=kernel.km,
                on_notebook_start=on_notebook_start,
                on_cell_start=on_cell_start,
            )
            completed = True
        except Exception as error:  # noqa: BLE001 - a cell raised, or the kernel died
            executed, failed = progress["nb"], error
        finally:
            # The build's own workers keep a kernel that ran its notebook to the end for
            # their next variant; a failed kernel, or one of another executor, ends here.
            if completed and own_folder is None:
                _recycle(kernel, env, cwd)
            else:
                kernel.close()
            kernel = None
        result.timings["execute"] = round(time.perf_counter() - started, 3)
        if failed is not None:
            result.stage = "execute"
            if isinstance(failed, papermill.PapermillExecutionError) and executed is not None:
                result.cell, result.error = _failure_details(executed, source_nb)
            else:
                result.cell, result.error = progress["position"], _last_line(failed)
            if executed is not None:
                executed.metadata.setdefault("papermill", {})
                executed.metadata.papermill["input_path"] = _notebook_path(notebook)
                executed.metadata.papermill["output_path"] = task.failed_path
                result.failed_notebook = nbformat.writes(executed).encode("utf-8")
            _send(task.key, "failed", result.error)
            return result

        executed.metadata.papermill["input_path"] = _notebook_path(notebook)
        executed.metadata.papermill["output_path"] = task.output_path
        files: dict[str, bytes] = {"ipynb": nbformat.writes(executed).encode("utf-8")}
        stage = "html"
        _send(task.key, "rendering", "html")
        step = time.perf_counter()
        author = task.author or imprint.publisher(task.lang)
        page = PageContext(lang=task.lang, author=author, created=task.created, notebook_dir=cwd)
        text, _ = notebook_to_html(executed, page)
        if "html" in task.formats:
            files["html"] = text.encode("utf-8")
        result.timings["html"] = round(time.perf_counter() - step, 3)
        if "pdf" in task.formats:
            stage = "pdf"
            _send(task.key, "rendering", "pdf")
            step = time.perf_counter()
            created = datetime.fromisoformat(task.created) if task.created else None
            pdf_page = PdfPage(lang=task.lang, author=author, created=created)
            files["pdf"] = notebook_to_pdf(executed, pdf_page)
            result.timings["pdf"] = round(time.perf_counter() - step, 3)
        result.files = files
        result.ok = True
        result.timings["total"] = round(time.perf_counter() - started, 3)
        return result
    except Exception as error:  # noqa: BLE001 - reported in the summary, the build goes on
        result.stage = stage
        result.error = _last_line(error)
        _send(task.key, "failed", result.error)
        return result
    finally:
        if kernel is not None:
            kernel.close()
        if own_folder is not None:
            shutil.rmtree(own_folder, ignore_errors=True)
