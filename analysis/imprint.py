"""Who publishes the reports: the publisher and contact of ``[tool.biotech-report]``.

The project's ``pyproject.toml`` (in the project folder, :func:`analysis.paths.project_dir`)
may name them, as text or as one text per language::

    [tool.biotech-report]
    publisher = "Walloon Biotech Observatory"
    contact = { fr = "contact@example.org", en = "contact@example.org" }

Every report names the publisher in its title block and colophon and writes it as the
author of its PDF and HTML page; the colophon gives the contact. Unset, the publisher is
the catalogue's ``report.imprint.publisher_default`` ("Independent analysis") and no
contact is given. The file is read once per process, here only.
"""

from __future__ import annotations

import tomllib
from collections.abc import Mapping
from functools import cache
from pathlib import Path

from analysis import paths
from analysis.parameters import LANGS

__all__ = [
    "FIELDS",
    "ImprintError",
    "contact",
    "publisher",
    "settings",
]

#: The settings ``[tool.biotech-report]`` accepts.
FIELDS = ("publisher", "contact")
#: The table of ``pyproject.toml`` that holds them.
TABLE = "biotech-report"


class ImprintError(ValueError):
    """``[tool.biotech-report]`` of ``pyproject.toml`` cannot be used (exit code 2)."""


def _text(where: str, name: str, value: object) -> dict[str, str]:
    """A setting as one text per language (the same text in each when one is given)."""
    if isinstance(value, str):
        if not value.strip():
            raise ImprintError(f"{where}: '{name}' is empty; remove it or give a text")
        return dict.fromkeys(LANGS, value.strip())
    if isinstance(value, Mapping):
        unknown = sorted(set(value) - set(LANGS))
        if unknown:
            raise ImprintError(
                f"{where}: '{name}' has unknown language {', '.join(map(repr, unknown))} "
                f"(languages: {', '.join(LANGS)})"
            )
        texts = {}
        for lang in LANGS:
            text = value.get(lang)
            if not isinstance(text, str) or not text.strip():
                raise ImprintError(f"{where}: '{name}' gives no text for language '{lang}'")
            texts[lang] = text.strip()
        return texts
    raise ImprintError(
        f"{where}: '{name}' must be a text or a table of texts by language "
        f"({', '.join(LANGS)}), got {value!r}"
    )


@cache
def _read(path: Path) -> dict[str, dict[str, str]]:
    try:
        with path.open("rb") as stream:
            document = tomllib.load(stream)
    except FileNotFoundError:
        return {}
    except (OSError, tomllib.TOMLDecodeError) as error:
        raise ImprintError(f"{path}: cannot be read: {error}") from None
    table = document.get("tool", {}).get(TABLE, {})
    where = f"{path} [tool.{TABLE}]"
    if not isinstance(table, Mapping):
        raise ImprintError(f"{where}: must be a table")
    unknown = sorted(set(table) - set(FIELDS))
    if unknown:
        raise ImprintError(
            f"{where}: unknown setting {', '.join(map(repr, unknown))} "
            f"(settings: {', '.join(FIELDS)})"
        )
    return {name: _text(where, name, value) for name, value in table.items()}


def settings() -> dict[str, dict[str, str]]:
    """The settings given, each as ``{lang: text}`` (absent when not given).

    Raises:
        ImprintError: when ``pyproject.toml`` cannot be read, or a setting is unknown,
            empty, or neither a text nor a text per language.
    """
    return _read(paths.project_dir() / "pyproject.toml")


def publisher(lang: str) -> str:
    """The reports' publisher in ``lang`` (the catalogue's default when none is set)."""
    given = settings().get("publisher")
    if given is not None:
        return given[lang]
    # Imported here: the command line reads the settings without loading the catalogue.
    from analysis.present.messages import t

    return t("report.imprint.publisher_default", lang)


def contact(lang: str) -> str:
    """How to reach the publisher, in ``lang``, or an empty string when none is set."""
    return settings().get("contact", {}).get(lang, "")
