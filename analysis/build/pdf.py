"""The PDF edition: a report notebook's blocks, as Typst markup, compiled by Typst.

Each block a report notebook displays carries its Typst markup (:data:`TYPST_MIMETYPE`).
:func:`notebook_to_pdf` takes those outputs in notebook order, skipping the cells the HTML
page skips, puts them after the page library ``analysis/present/templates/typst/report.typ``
and the files to attach, and compiles the whole as a tagged PDF/A-3a that is also PDF/UA-1.

The PDF's bytes depend on the notebook and the package's pinned dependencies only: the fonts
are the DejaVu files that come with matplotlib (and the few Typst itself embeds), system fonts
are never read, and the PDF's dates are the one the build gives (the data's date).
"""

from __future__ import annotations

import warnings
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from functools import cache
from pathlib import Path
from typing import Any

from analysis import paths
from analysis.build.export import PARAMETER_TAGS, REMOVE_TAG, Attachment
from analysis.present.blocks import TYPST_MIMETYPE, typst_string
from analysis.present.display import ATTACHMENT_MIMETYPE
from analysis.present.messages import LANGS, t

__all__ = [
    "PDF_STANDARDS",
    "TYPST_LIBRARY",
    "PdfError",
    "PdfPage",
    "collect",
    "compile_pdf",
    "font_dirs",
    "fonts",
    "notebook_to_pdf",
    "typst_source",
]

#: The page library every report's Typst source starts with.
TYPST_LIBRARY = paths.PACKAGE_DIR / "present" / "templates" / "typst" / "report.typ"
#: Archivable with its data files attached (PDF/A-3, level a: tagged, Unicode text) and
#: accessible (PDF/UA-1): the compiler refuses, e.g., a figure without a text alternative.
PDF_STANDARDS = ("a-3a", "ua-1")
#: Media types of attached files, by extension (fixed here: the system's table varies).
MEDIA_TYPES = {
    "csv": "text/csv",
    "json": "application/json",
    "txt": "text/plain",
    "yml": "application/yaml",
    "yaml": "application/yaml",
}


class PdfError(ValueError):
    """The report's Typst source does not compile, or compiles with a warning."""


@dataclass(frozen=True)
class PdfPage:
    """What the PDF needs besides the notebook.

    Attributes:
        lang: The report's language (``fr`` or ``en``): cells of the other language are
            left out, and the footer and contents take their words from the catalogue.
        author: The publisher, written as the document's author.
        title: The document title; empty: the title block's.
        description: The document's subject; empty: the title block's subtitle.
        keywords: Keywords of the document metadata.
        created: The document's date (from the data, never the clock); ``None``: 1980-01-01.
    """

    lang: str
    author: str
    title: str = ""
    description: str = ""
    keywords: tuple[str, ...] = ()
    created: datetime | None = None


def _tags(cell: Any) -> set[str]:
    return set(cell.get("metadata", {}).get("tags", []))


def _text(value: str | list[str]) -> str:
    return "".join(value) if isinstance(value, list) else str(value)


def collect(nb: Any, lang: str) -> tuple[list[str], list[Attachment]]:
    """Return the Typst markup of a notebook's outputs and the files it attaches, in order.

    Cells tagged ``remove`` and cells of another language (``lang-fr``/``lang-en``) are left
    out, and so are the outputs of the parameters cells, as in the HTML page.

    Raises:
        PdfError: when two attachments have the same file name.
    """
    if lang not in LANGS:
        raise PdfError(f"lang must be one of {', '.join(LANGS)}, got {lang!r}")
    skip = {REMOVE_TAG, *(f"lang-{code}" for code in LANGS if code != lang)}
    markup: list[str] = []
    attachments: list[Attachment] = []
    names: set[str] = set()
    for cell in nb.cells:
        tags = _tags(cell)
        if cell.get("cell_type") != "code" or tags & skip or tags & PARAMETER_TAGS:
            continue
        for output in cell.get("outputs", []):
            data = output.get("data", {})
            if ATTACHMENT_MIMETYPE in data:
                bundle = data[ATTACHMENT_MIMETYPE]
                item = Attachment(
                    filename=str(bundle["filename"]),
                    description=str(bundle.get("description", "")),
                    content=str(bundle["content"]),
                )
                if item.filename in names:
                    raise PdfError(f"the notebook attaches {item.filename!r} twice")
                names.add(item.filename)
                attachments.append(item)
            elif TYPST_MIMETYPE in data:
                markup.append(_text(data[TYPST_MIMETYPE]))
    return markup, attachments


def _attach(item: Attachment) -> str:
    extension = item.filename.rpartition(".")[2].lower()
    media_type = MEDIA_TYPES.get(extension, "application/octet-stream")
    return (
        f"#pdf.attach({typst_string(item.filename)}, bytes({typst_string(item.content)}), "
        f'relationship: "data", mime-type: {typst_string(media_type)}, '
        f"description: {typst_string(item.description)})\n"
    )


@cache
def _library() -> str:
    return TYPST_LIBRARY.read_text(encoding="utf-8")


def typst_source(markup: Iterable[str], attachments: Sequence[Attachment] = ()) -> str:
    """Return the whole Typst document: the page library, the attachments, the blocks."""
    parts = [_library(), "\n#show: report\n\n"]
    parts.extend(_attach(item) for item in attachments)
    for piece in markup:
        parts.append(piece if piece.endswith("\n") else piece + "\n")
    return "".join(parts)


def font_dirs() -> tuple[Path, ...]:
    """The folders of the PDF's fonts: matplotlib's DejaVu (and STIX, Computer Modern).

    The folder is found beside matplotlib's package (where ``matplotlib.get_data_path()``
    points) without importing matplotlib, which would cost a worker half a second.
    """
    import importlib.util

    spec = importlib.util.find_spec("matplotlib")
    if spec is None or spec.origin is None:
        raise PdfError("matplotlib is not installed: the PDF's fonts come with it")
    return (Path(spec.origin).parent / "mpl-data" / "fonts" / "ttf",)


@cache
def fonts() -> Any:
    """The PDF's fonts (a ``typst.Fonts``), found once per process.

    Finding them starts no thread, so a process may do it before forking workers.
    """
    import typst

    # Typst's own embedded fonts (Libertinus, New Computer Modern and its math font, DejaVu
    # Sans Mono) come with the pinned wheel, so they are as fixed as matplotlib's.
    return typst.Fonts(
        include_system_fonts=False,
        include_embedded_fonts=True,
        font_paths=[str(folder) for folder in font_dirs()],
    )


def _inputs(page: PdfPage) -> dict[str, str]:
    return {
        "lang": page.lang,
        "title": page.title,
        "description": page.description,
        "author": page.author,
        "keywords": "\n".join(page.keywords),
        "footer": t("report.page_footer", page.lang, page="{page}", pages="{pages}"),
        "contents": t("report.contents", page.lang),
    }


def compile_pdf(source: str, page: PdfPage) -> bytes:
    """Compile a Typst document (:func:`typst_source`) as the report's PDF.

    Raises:
        PdfError: with Typst's message and hints when the source does not compile (a figure
            without a text alternative, a missing font...) or compiles with a warning.
    """
    import typst

    created = page.created or datetime(1980, 1, 1, tzinfo=UTC)
    if created.tzinfo is None:
        created = created.replace(tzinfo=UTC)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            data, found = typst.compile_with_warnings(
                source.encode("utf-8"),
                root=str(TYPST_LIBRARY.parent),
                font_paths=fonts(),
                ignore_system_fonts=True,
                format="pdf",
                sys_inputs=_inputs(page),
                pdf_standards=list(PDF_STANDARDS),
                timestamp=created,
            )
    except typst.TypstError as error:
        hints = "".join(f"; hint: {hint}" for hint in getattr(error, "hints", []) or [])
        raise PdfError(f"the PDF does not compile: {error.message}{hints}") from None
    if found:
        messages = "; ".join(str(getattr(w, "message", w)) for w in found)
        raise PdfError(f"the PDF compiles with warnings: {messages}")
    return bytes(data)


def notebook_to_pdf(nb: Any, page: PdfPage) -> bytes:
    """Return the PDF edition of an executed report notebook.

    Args:
        nb: The executed notebook (an ``nbformat`` node; not modified).
        page: Language, publisher, metadata and date of the document.

    Raises:
        PdfError: when the notebook's blocks do not make a valid PDF.
    """
    markup, attachments = collect(nb, page.lang)
    return compile_pdf(typst_source(markup, attachments), page)
