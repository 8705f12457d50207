"""The message catalogue (``analysis/messages.yml``): every label and sentence, in fr and en.

The catalogue maps a dotted key to one text per language; texts are ``str.format``
templates whose placeholders receive values already formatted for the language by
:mod:`analysis.formatting`::

    >>> t("verdict.conflict", "fr")
    'contradiction'
"""

from __future__ import annotations

import string
from collections.abc import Mapping
from functools import cache
from pathlib import Path
from types import MappingProxyType

import yaml

#: The languages every message is written in.
LANGS = ("fr", "en")

#: The catalogue file.
CATALOGUE = Path(__file__).with_name("messages.yml")


class MessageError(KeyError, ValueError):
    """An unknown message key or language, or a missing placeholder value."""

    def __str__(self) -> str:
        return str(self.args[0])


def check_lang(lang: object) -> str:
    """Return ``lang`` when it is a catalogue language.

    Raises:
        MessageError: (a ``KeyError`` and a ``ValueError``) for any other value.
    """
    if lang not in LANGS:
        raise MessageError(f"lang must be 'fr' or 'en', got {lang!r}")
    return lang  # type: ignore[return-value]


@cache
def catalogue() -> Mapping[str, Mapping[str, str]]:
    """Return the whole catalogue, read once: key -> {language -> text}.

    Raises:
        MessageError: when an entry is not a mapping of language to text.
    """
    raw = yaml.safe_load(CATALOGUE.read_text(encoding="utf-8")) or {}
    entries = {}
    for key, texts in raw.items():
        if not isinstance(texts, dict) or not all(isinstance(v, str) for v in texts.values()):
            raise MessageError(f"message {key!r} must map languages to texts, got {texts!r}")
        entries[str(key)] = MappingProxyType(dict(texts))
    return MappingProxyType(entries)


def placeholders(text: str) -> frozenset[str]:
    """Return the names of the ``{placeholders}`` of a template."""
    return frozenset(
        name.split(".")[0].split("[")[0]
        for _, name, _, _ in string.Formatter().parse(text)
        if name is not None and name != ""
    )


def has(key: str) -> bool:
    """Return whether the catalogue holds ``key``."""
    return key in catalogue()


def t(key: str, lang: str, **values: object) -> str:
    """Return message ``key`` in ``lang``, its placeholders filled from ``values``.

    Values not used by the template are ignored, so the same keyword arguments can serve
    both languages.

    Raises:
        MessageError: (a ``KeyError`` and a ``ValueError``) for an unknown key or language,
            or a placeholder without a value.
    """
    check_lang(lang)
    entries = catalogue()
    if key not in entries:
        raise MessageError(f"unknown message key {key!r}")
    texts = entries[key]
    if lang not in texts:
        raise MessageError(f"message {key!r} has no {lang!r} text")
    text = texts[lang]
    missing = placeholders(text) - values.keys()
    if missing:
        raise MessageError(f"message {key!r} needs a value for {', '.join(sorted(missing))}")
    return text.format(**values)
