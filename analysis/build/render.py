"""Turning a report notebook into files: execute it, render HTML, then PDF.

Everything here runs in the build's worker processes (see :mod:`analysis.build`), except
:func:`attachment_bundle`, which notebooks call. Heavy modules (papermill, nbconvert,
WeasyPrint) are imported inside functions, so importing this module stays cheap, both for
notebooks and for the command line.
"""

from __future__ import annotations

import base64
import hashlib
import os
import re
import time
import unicodedata
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from analysis import paths

#: MIME type of an output that carries a file to attach to the PDF (never shown in HTML).
ATTACHMENT_MIMETYPE = "application/vnd.biotech-report.attachment+json"

TEMPLATES_DIR = paths.PACKAGE_DIR / "present" / "templates"
STATIC_DIR = paths.PACKAGE_DIR / "present" / "static"
MESSAGES_FILE = paths.PACKAGE_DIR / "present" / "messages.yml"
#: nbconvert template (a folder of ``TEMPLATES_DIR``) used for every report.
TEMPLATE_NAME = "biotech_report"
#: The PDF flavour: archivable, with embedded source files allowed.
PDF_VARIANT = "pdf/a-3b"
#: Cell tags with a meaning for the build.
REMOVE_TAG = "remove"
PARAMETER_TAGS = frozenset({"parameters", "injected-parameters"})

_ANSI = re.compile(r"\x1b\[[0-9;]*[A-Za-z]")


def attachment_bundle(filename: str, description: str, content: str) -> dict[str, Any]:
    """Return a display bundle that attaches a text file to the report's PDF.

    Use it as ``IPython.display.display(attachment_bundle(...), raw=True)``. The HTML report
    does not show it; the PDF embeds ``content`` as the file ``filename``.

    Args:
        filename: Name of the attached file, e.g. ``facts.csv`` (its extension sets the type).
        description: One line describing the file, shown by PDF readers.
        content: The file's text (UTF-8).

    Returns:
        A MIME bundle with the attachment and a plain-text line for notebook front ends.
    """
    if not filename or "/" in filename or "\\" in filename:
        raise ValueError(f"attachment file name must be a plain file name, got {filename!r}")
    return {
        ATTACHMENT_MIMETYPE: {
            "filename": filename,
            "description": description,
            "content": content,
        },
        "text/plain": f"[{filename}: {description}]",
    }


# --------------------------------------------------------------------------------------
# Parameters cell inspection
# --------------------------------------------------------------------------------------


def inspect_parameters(source: str) -> list[tuple[str, str, str, str]]:
    """Read a Python ``parameters`` cell: ``(name, annotation, default, help)`` per parameter.

    Each top-level assignment is a parameter; its annotation and default are the source
    text, its help the comment ending its last line. Unlike papermill 2.7's own reader, this
    accepts ``float | None`` annotations and ``=`` inside the help comment.

    Raises:
        SyntaxError: when the cell is not valid Python.
    """
    import ast
    import io
    import tokenize

    tree = ast.parse(source)
    comments = {}
    for token in tokenize.generate_tokens(io.StringIO(source).readline):
        if token.type == tokenize.COMMENT:
            comments[token.start[0]] = token.string.lstrip("#").strip()
    found = []
    for node in tree.body:
        if isinstance(node, ast.AnnAssign) and isinstance(node.target, ast.Name):
            name = node.target.id
            annotation = ast.get_source_segment(source, node.annotation) or "None"
        elif (
            isinstance(node, ast.Assign)
            and len(node.targets) == 1
            and isinstance(node.targets[0], ast.Name)
        ):
            name, annotation = node.targets[0].id, "None"
        else:
            continue
        default = ast.get_source_segment(source, node.value) if node.value else ""
        found.append((name, annotation, default or "", comments.get(node.end_lineno, "")))
    return found


def install_parameter_inspection() -> None:
    """Make papermill read ``parameters`` cells with :func:`inspect_parameters`.

    papermill 2.7 skips parameters annotated ``<type> | None`` and lines whose help comment
    contains ``=``, then warns that such parameters are unknown when they are passed. This
    registers, through papermill's translator registry, a Python translator that inspects
    cells with the standard library's parser instead (falling back to papermill's own
    reader for a cell that does not parse).
    """
    from papermill.models import Parameter
    from papermill.translators import PythonTranslator, papermill_translators

    if getattr(papermill_translators.find_translator("python", "python"), "uses_ast", False):
        return

    class AstPythonTranslator(PythonTranslator):
        uses_ast = True

        @classmethod
        def inspect(cls, parameters_cell: Any) -> list[Any]:
            try:
                found = inspect_parameters(parameters_cell["source"])
            except SyntaxError:
                return super().inspect(parameters_cell)
            return [
                Parameter(name=name, inferred_type_name=annotation, default=default, help=text)
                for name, annotation, default, text in found
            ]

    papermill_translators.register("python", AstPythonTranslator)


# --------------------------------------------------------------------------------------
# HTML
# --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Attachment:
    """A file a notebook asked to attach to the PDF."""

    filename: str
    description: str
    content: str


@dataclass(frozen=True)
class PageContext:
    """What the HTML page needs besides the notebook."""

    lang: str
    author: str
    created: str | None = None  # W3C date-time, from the data, for the document metadata
    generator: str = "biotech-report"
    notebook_dir: str = ""


def load_messages() -> dict[str, dict[str, str]]:
    """Return the message catalogue (``analysis/messages.yml``)."""
    import yaml

    with MESSAGES_FILE.open(encoding="utf-8") as stream:
        return yaml.safe_load(stream) or {}


def css_content(template: str) -> str:
    """Turn a message with ``{page}`` and ``{pages}`` into a CSS ``content`` value."""
    parts = []
    for piece in re.split(r"(\{pages?\})", template):
        if piece == "{page}":
            parts.append("counter(page)")
        elif piece == "{pages}":
            parts.append("counter(pages)")
        elif piece:
            escaped = piece.replace("\\", "\\\\").replace('"', '\\"')
            parts.append(f'"{escaped}"')
    return " ".join(parts) or '""'


def page_css(lang: str, messages: dict[str, dict[str, str]]) -> str:
    """Return the print stylesheet with the language's page footer."""
    footer = messages["report.page_footer"][lang]
    base = (STATIC_DIR / "print.css").read_text(encoding="utf-8")
    return f"{base}\n@page {{ @bottom-right {{ content: {css_content(footer)}; }} }}\n"


def _collect_attachments(nb: Any) -> list[Attachment]:
    """Remove attachment outputs from ``nb`` (in place) and return them in order."""
    found = []
    for cell in nb.cells:
        if cell.get("cell_type") != "code":
            continue
        kept = []
        for output in cell.get("outputs", []):
            data = output.get("data", {})
            if ATTACHMENT_MIMETYPE in data:
                bundle = data[ATTACHMENT_MIMETYPE]
                found.append(
                    Attachment(
                        filename=str(bundle["filename"]),
                        description=str(bundle.get("description", "")),
                        content=str(bundle["content"]),
                    )
                )
            else:
                kept.append(output)
        cell["outputs"] = kept
    return found


def _image_alt(output: Any, mimetype: str) -> str:
    metadata = output.get("metadata", {})
    alt = metadata.get(mimetype, {}).get("alt") if isinstance(metadata, dict) else None
    return str(alt or metadata.get("alt", "") or "")


def _svg_data_uri(svg: str | list[str]) -> str:
    if isinstance(svg, list):
        svg = "".join(svg)
    return "data:image/svg+xml;base64," + base64.b64encode(svg.encode("utf-8")).decode("ascii")


def _slug(text: str) -> str:
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")
    return re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-") or "section"


def notebook_to_html(nb: Any, page: PageContext) -> tuple[str, list[Attachment]]:
    """Render an executed notebook as the report's self-contained HTML page.

    Code is never shown; cells tagged ``remove`` and cells of the other language
    (``lang-fr`` / ``lang-en``) are dropped, and so are the outputs of the parameters
    cells. Attachment outputs are taken out and returned for the PDF.

    Args:
        nb: The executed notebook (not modified).
        page: Language, author and dates of the page.

    Returns:
        The HTML text and the attachments found, in notebook order.
    """
    import copy

    from nbconvert import HTMLExporter
    from nbconvert.preprocessors import TagRemovePreprocessor

    nb = copy.deepcopy(nb)
    attachments = _collect_attachments(nb)
    other_languages = {f"lang-{code}" for code in ("fr", "en") if code != page.lang}
    exporter = HTMLExporter(
        template_name=TEMPLATE_NAME,
        extra_template_basedirs=[str(TEMPLATES_DIR)],
        exclude_input=True,
        exclude_input_prompt=True,
        exclude_output_prompt=True,
        exclude_anchor_links=True,
        embed_images=True,
    )
    exporter.register_preprocessor(
        TagRemovePreprocessor(
            remove_cell_tags={REMOVE_TAG, *other_languages},
            remove_all_outputs_tags=set(PARAMETER_TAGS),
            enabled=True,
        ),
        enabled=True,
    )
    exporter.register_filter("svg_data_uri", _svg_data_uri)
    exporter.register_filter("image_alt", _image_alt)
    messages = load_messages()
    resources = {
        "metadata": {"path": page.notebook_dir},
        "report": {
            "lang": page.lang,
            "author": page.author,
            "generator": page.generator,
            "created": page.created,
            "screen_css": (STATIC_DIR / "report.css").read_text(encoding="utf-8"),
            "print_css": page_css(page.lang, messages),
        },
    }
    body, _ = exporter.from_notebook_node(nb, resources=resources)
    toc_title = messages.get("report.contents", {}).get(page.lang)
    return finish_html(body, toc_title), attachments


def finish_html(text: str, toc_title: str | None = None) -> str:
    """Fill in what needs the rendered page: title, description, heading ids, contents.

    * ``<title>`` is the text of the first ``<h1>``;
    * ``<meta name="description">`` is the text of the first ``.report-subtitle``;
    * every heading gets a unique ``id`` (for links, the contents and PDF bookmarks);
    * a ``<nav class="toc">`` listing the ``h2``/``h3`` headings follows the title block.
    """
    from bs4 import BeautifulSoup

    soup = BeautifulSoup(text, "html.parser")
    main = soup.find("main") or soup.body or soup
    h1 = main.find("h1")
    title = " ".join(h1.get_text(" ").split()) if h1 else ""
    soup.title.string = title
    subtitle = main.find(class_="report-subtitle")
    if subtitle is not None:
        meta = soup.new_tag("meta", attrs={"name": "description"})
        meta["content"] = " ".join(subtitle.get_text(" ").split())
        soup.title.insert_after(meta)

    # Inline SVG needs no namespace declarations in HTML (the parser supplies them), and
    # its <metadata> is RDF full of namespace URLs: the page must name no external URL.
    for svg in main.find_all("svg"):
        for name in [a for a in svg.attrs if a == "xmlns" or a.startswith("xmlns:")]:
            del svg[name]
        for metadata in svg.find_all("metadata"):
            metadata.decompose()

    used: set[str] = set()
    for heading in main.find_all(["h1", "h2", "h3", "h4", "h5", "h6"]):
        base = heading.get("id") or _slug(heading.get_text(" "))
        candidate, number = base, 2
        while candidate in used:
            candidate, number = f"{base}-{number}", number + 1
        used.add(candidate)
        heading["id"] = candidate

    entries = main.find_all(["h2", "h3"])
    if entries:
        nav = soup.new_tag("nav", attrs={"class": "toc", "role": "doc-toc"})
        if toc_title:
            nav["aria-label"] = toc_title
            label = soup.new_tag("p", attrs={"class": "toc-title"})
            label.string = toc_title
            nav.append(label)
        top = soup.new_tag("ol")
        nav.append(top)
        current_h2 = None
        for heading in entries:
            item = soup.new_tag("li", attrs={"class": f"toc-{heading.name}"})
            link = soup.new_tag("a", href=f"#{heading['id']}")
            link.string = " ".join(heading.get_text(" ").split())
            item.append(link)
            if heading.name == "h3" and current_h2 is not None:
                sub = current_h2.find("ol")
                if sub is None:
                    sub = soup.new_tag("ol")
                    current_h2.append(sub)
                sub.append(item)
            else:
                top.append(item)
                if heading.name == "h2":
                    current_h2 = item
        anchor = h1 if h1 is not None else entries[0]
        while anchor.parent is not None and anchor.parent is not main:
            anchor = anchor.parent
        if h1 is None:
            anchor.insert_before(nav)
        else:
            anchor.insert_after(nav)
    return str(soup)


# --------------------------------------------------------------------------------------
# PDF
# --------------------------------------------------------------------------------------


def html_to_pdf(
    text: str,
    attachments: list[Attachment],
    created: datetime | None = None,
    base_url: str | None = None,
) -> bytes:
    """Render the report's HTML page as a tagged PDF/A-3b with its attachments.

    Only ``data:`` URLs are fetched: the page must be self-contained.

    Args:
        text: The HTML produced by :func:`notebook_to_html`.
        attachments: Files to embed in the PDF.
        created: Date written on the embedded files (taken from the data, not the clock).
        base_url: Base for relative URLs (none are expected).
    """
    from weasyprint import HTML
    from weasyprint import Attachment as PdfAttachment
    from weasyprint.urls import URLFetcher

    when = created or datetime(1980, 1, 1, tzinfo=UTC)
    files = [
        PdfAttachment(
            string=item.content.encode("utf-8"),
            name=item.filename,
            description=item.description,
            created=when,
            modified=when,
            relationship="Data",
        )
        for item in attachments
    ]
    fetcher = URLFetcher(allowed_protocols={"data"})
    document = HTML(string=text, base_url=base_url, url_fetcher=fetcher)
    return document.write_pdf(pdf_variant=PDF_VARIANT, pdf_tags=True, attachments=files)


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
