"""What a report notebook displays besides its blocks: files to attach to the PDF."""

from __future__ import annotations

from typing import Any

__all__ = [
    "ATTACHMENT_MIMETYPE",
    "attachment_bundle",
]


#: MIME type of an output that carries a file to attach to the PDF (never shown in HTML).
ATTACHMENT_MIMETYPE = "application/vnd.biotech-report.attachment+json"


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
