"""Turning an executed report notebook into its HTML page (the PDF: :mod:`analysis.build.pdf`).

Everything here runs in the build's worker processes (see :mod:`analysis.build`). Heavy
modules (papermill, nbconvert) are imported inside functions, so importing this module stays
cheap, both for notebooks and for the command line.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from analysis import paths
from analysis.parameters import LANGS
from analysis.present import messages
from analysis.present.blocks import svg_data_uri
from analysis.present.display import ATTACHMENT_MIMETYPE

__all__ = [
    "Attachment",
    "PARAMETER_TAGS",
    "PageContext",
    "REMOVE_TAG",
    "STATIC_DIR",
    "TEMPLATES_DIR",
    "TEMPLATE_NAME",
    "css_content",
    "finish_html",
    "inspect_parameters",
    "install_parameter_inspection",
    "load_messages",
    "notebook_to_html",
    "page_css",
]


TEMPLATES_DIR = paths.PACKAGE_DIR / "present" / "templates"
STATIC_DIR = paths.PACKAGE_DIR / "present" / "static"
#: nbconvert template (a folder of ``TEMPLATES_DIR``) used for every report.
TEMPLATE_NAME = "biotech_report"
#: Cell tags with a meaning for the build.
REMOVE_TAG = "remove"
PARAMETER_TAGS = frozenset({"parameters", "injected-parameters"})

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


def load_messages() -> Mapping[str, Mapping[str, str]]:
    """Return every message (see :mod:`analysis.present.messages`): key -> {lang -> text}."""
    return messages.catalogue()


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


def page_css(lang: str) -> str:
    """Return the print stylesheet with the language's page footer."""
    footer = messages.template("report.page_footer", lang)
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
    # nbformat may store an SVG output as a list of lines.
    return svg_data_uri("".join(svg) if isinstance(svg, list) else svg)


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
    other_languages = {f"lang-{code}" for code in LANGS if code != page.lang}
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
    resources = {
        "metadata": {"path": page.notebook_dir},
        "report": {
            "lang": page.lang,
            "author": page.author,
            "generator": page.generator,
            "created": page.created,
            "screen_css": (STATIC_DIR / "report.css").read_text(encoding="utf-8"),
            "print_css": page_css(page.lang),
        },
    }
    body, _ = exporter.from_notebook_node(nb, resources=resources)
    toc_title = (
        messages.template("report.contents", page.lang) if messages.has("report.contents") else None
    )
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

    # The key findings come before the contents: the contents list what follows them.
    entries = [
        h for h in main.find_all(["h2", "h3"]) if h.find_parent("section", class_="summary") is None
    ]
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
            # An appendix carries its own label ("Appendix A"): the list does not number it.
            kind = " toc-appendix" if "appendix" in heading.get("class", []) else ""
            item = soup.new_tag("li", attrs={"class": f"toc-{heading.name}{kind}"})
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
