"""The message catalogues: every label and sentence of the reports, in fr and en.

Two kinds of catalogue, of one shape (a dotted key -> one text per language, French and
English side by side):

* the shared catalogue, ``analysis/present/messages.yml``: what the library writes on its
  own (units, qualifiers, verdicts, checks, indicators, charts, table headers, appendices,
  glossary) and any text that two reports use;
* one catalogue per report beside its notebook, ``notebooks/<report>.messages.yml``: that
  report's own narrative (title, summary, paragraphs, captions, section titles).

Every catalogue is read together, so any key can be asked for anywhere; a key defined in
two files is an error. Texts are ``str.format`` templates whose placeholders receive values
already formatted for the language by :mod:`analysis.present.formatting`::

    >>> t("verdict.conflict", "fr")
    'contradiction'

A word that agrees with a count is written ``{name:one=…|other=…}`` after that count's
placeholder, the form chosen by the language's plural rules (CLDR, through Babel)::

    >>> t("report.data.intro", "en", n="1").split(";")[0]
    'This report rests on 1 fact taken from the published texts'

French texts are set in French typography when the catalogue is read
(:func:`french_typography`): the apostrophe is the typographic one (’), a no-break space
(U+00A0) goes before a colon and inside guillemets, a narrow no-break space (U+202F)
before ; ! and ?. English texts get curly quotes and apostrophes (’ ‘ ’ “ ”,
:func:`english_typography`). The catalogue files may be typed with plain spaces, quotes and
apostrophes.

When the environment variable ``BIOTECH_MESSAGES_USED`` names a file, every process
appends to it each key it serves, the first time it serves it, after its process id (see
:func:`read_used`): the tests compare the keys the reports use with the keys the catalogues
define.
"""

from __future__ import annotations

import os
import re
import string
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from decimal import Decimal
from functools import cache
from pathlib import Path
from types import MappingProxyType
from typing import Any

import yaml

from analysis import parameters, paths

__all__ = [
    "LANGS",
    "PLURAL_CATEGORIES",
    "REPORT_SUFFIX",
    "SHARED",
    "USED_ENV",
    "Catalogue",
    "MessageError",
    "catalogue",
    "catalogue_files",
    "check_lang",
    "english_typography",
    "fill",
    "french_typography",
    "has",
    "load",
    "new_record",
    "origin",
    "placeholders",
    "read_file",
    "read_used",
    "report_files",
    "report_of",
    "served",
    "shown",
    "t",
    "template",
    "usage_problems",
]

#: The languages every message is written in.
LANGS = parameters.LANGS

#: The shared catalogue.
SHARED = Path(__file__).resolve().with_name("messages.yml")

#: How a report's catalogue is named, beside its notebook: ``<report>.messages.yml``.
REPORT_SUFFIX = ".messages.yml"

#: Environment variable naming a file to which each process appends the keys it serves.
USED_ENV = "BIOTECH_MESSAGES_USED"

#: CLDR plural categories a template may name.
PLURAL_CATEGORIES = ("zero", "one", "two", "few", "many", "other")


#: A space (or none) before French high punctuation, guillemets and the text they open.
_BEFORE_COLON = re.compile(r"[ \u00a0\u202f]*:(?=\s|$)")
_BEFORE_HIGH = re.compile(r"(?:(?<=\S)[ \u00a0\u202f]*|^[ \u00a0\u202f]+)([;!?])(?=\s|$|\))")
_OPEN_GUILLEMET = re.compile(r"«[ \u00a0\u202f]*")
_CLOSE_GUILLEMET = re.compile(r"[ \u00a0\u202f]*»")


def french_typography(text: str) -> str:
    """Set a French template in French typography: ’, and no-break spaces where due.

    ``"l'UE : 5 % ; « plus de »"`` -> ``"l’UE\u00a0: 5 %\u202f; «\u00a0plus de\u00a0»"``.
    A colon is spaced only where it ends a clause (followed by a space or the end), so the
    plural choices of a template (``{n:one=…}``) are left alone; a ; ! or ? gets its narrow
    space after a word or a space (a separator " ; "), so a verdict sign at the start of a
    text stays as it is.
    """
    text = text.replace("'", "\u2019")
    text = _BEFORE_COLON.sub("\u00a0:", text)
    text = _BEFORE_HIGH.sub("\u202f\\1", text)
    text = _OPEN_GUILLEMET.sub("«\u00a0", text)
    return _CLOSE_GUILLEMET.sub("\u00a0»", text)


#: What comes before an opening quote: nothing, a space, an opening bracket or dash, or the
#: ``=`` / ``|`` that starts a plural choice's text.
_OPENS_AFTER = frozenset(" \t\n\u00a0\u202f([{\u2014\u2013/=|\u2018\u201c")


def _curl(text: str, before: str) -> str:
    """Curl the straight quotes of plain text; ``before`` is the character preceding it."""
    out = []
    for char in text:
        if char in "'\"":
            opening = before == "" or before in _OPENS_AFTER
            if char == "'":
                char = "\u2018" if opening else "\u2019"
            else:
                char = "\u201c" if opening else "\u201d"
        out.append(char)
        before = char
    return "".join(out)


def english_typography(text: str) -> str:
    """Set an English template in English typography: curly quotes and apostrophes.

    ``"BioWin's '{subject}'"`` -> ``"BioWin’s ‘{subject}’"``. A quote after a space, an
    opening bracket or the start opens (‘ “), any other closes or is an apostrophe (’ ”).
    Placeholders are left as written; the texts of a plural choice
    (``{n:one=it's|other=they're}``) are set like the rest.
    """
    out: list[str] = []
    for literal, name, spec, conversion in string.Formatter().parse(text):
        before = out[-1][-1:] if out else ""
        out.append(_curl(literal, before).replace("{", "{{").replace("}", "}}"))
        if name is None:
            continue
        field = name + (f"!{conversion}" if conversion else "")
        if spec and "=" in spec:  # a plural choice: category=text|...
            spec = "|".join(
                f"{category}={english_typography(choice)}"
                for category, _, choice in (part.partition("=") for part in spec.split("|"))
            )
        out.append("{" + field + (f":{spec}" if spec else "") + "}")
    return "".join(out)


class MessageError(KeyError, ValueError):
    """An unknown message key or language, a missing placeholder value, a bad catalogue."""

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


# -- reading the catalogues -------------------------------------------------------------------


def shown(path: Path) -> str:
    """Return ``path`` relative to the project folder when it is inside it."""
    path = Path(path)
    try:
        return path.resolve().relative_to(paths.ROOT).as_posix()
    except ValueError:
        return str(path)


class _UniqueKeys:
    """Refuse a key written twice in one mapping (PyYAML keeps the last)."""

    def construct_mapping(self, node: yaml.MappingNode, deep: bool = False) -> dict[Any, Any]:
        seen: dict[Any, int] = {}
        for key_node, _ in node.value:
            key = self.construct_object(key_node, deep=deep)  # type: ignore[attr-defined]
            if key in seen:
                raise MessageError(
                    f"message {key!r} is written twice (lines {seen[key]} and "
                    f"{key_node.start_mark.line + 1})"
                )
            seen[key] = key_node.start_mark.line + 1
        return super().construct_mapping(node, deep=deep)  # type: ignore[misc]


class _UniqueKeyLoader(_UniqueKeys, yaml.SafeLoader):
    """The pure-Python safe loader: its error messages quote the offending line."""


#: libyaml's parser reads the catalogues about seven times faster (each kernel and worker
#: reads them once); it builds the same values, and a file it refuses is read again with
#: :class:`_UniqueKeyLoader` so that the message is the same.
_FastUniqueKeyLoader: type | None = (
    type("_FastUniqueKeyLoader", (_UniqueKeys, yaml.CSafeLoader), {})
    if getattr(yaml, "__with_libyaml__", False)
    else None
)


def _parse(text: str) -> Any:
    if _FastUniqueKeyLoader is not None:
        try:
            return yaml.load(text, Loader=_FastUniqueKeyLoader)  # noqa: S506 - a safe loader
        except (MessageError, yaml.YAMLError):
            pass  # read again below, for the pure-Python loader's message
    return yaml.load(text, Loader=_UniqueKeyLoader)  # noqa: S506 - a safe loader


def read_file(path: Path) -> dict[str, dict[str, str]]:
    """Read one catalogue file: key -> {language -> text}.

    Raises:
        MessageError: naming the file, when it is not YAML, writes a key twice, or holds an
            entry that is not a mapping of catalogue languages to texts.
    """
    try:
        raw = _parse(Path(path).read_text(encoding="utf-8")) or {}
    except (MessageError, yaml.YAMLError) as err:
        raise MessageError(f"{shown(path)}: {err}") from None
    if not isinstance(raw, dict):
        raise MessageError(f"{shown(path)}: must map message keys to texts")
    entries = {}
    for key, texts in raw.items():
        if (
            not isinstance(texts, dict)
            or not set(texts) <= set(LANGS)
            or not all(isinstance(v, str) for v in texts.values())
        ):
            raise MessageError(
                f"{shown(path)}: message {key!r} must map {' and '.join(LANGS)} to texts, "
                f"got {texts!r}"
            )
        entry = dict(texts)
        if "fr" in entry:
            entry["fr"] = french_typography(entry["fr"])
        if "en" in entry:
            entry["en"] = english_typography(entry["en"])
        entries[str(key)] = entry
    return entries


@dataclass(frozen=True)
class Catalogue:
    """Messages read from several files.

    Attributes:
        texts: key -> {language -> text}.
        files: key -> the file that defines it.
    """

    texts: Mapping[str, Mapping[str, str]]
    files: Mapping[str, Path]


def load(files: Iterable[Path]) -> Catalogue:
    """Read catalogue files into one catalogue.

    Raises:
        MessageError: for a bad file (see :func:`read_file`) or a key defined in two files,
            naming both.
    """
    texts: dict[str, Mapping[str, str]] = {}
    origins: dict[str, Path] = {}
    for path in files:
        for key, entry in read_file(path).items():
            if key in origins:
                raise MessageError(
                    f"message {key!r} is defined in both {shown(origins[key])} and {shown(path)}"
                )
            texts[key] = MappingProxyType(entry)
            origins[key] = Path(path)
    return Catalogue(MappingProxyType(texts), MappingProxyType(origins))


def report_files() -> tuple[Path, ...]:
    """Every report catalogue of the notebooks folder (:data:`analysis.paths.NOTEBOOKS_DIR`)."""
    return tuple(sorted(paths.NOTEBOOKS_DIR.glob(f"*{REPORT_SUFFIX}")))


def catalogue_files() -> tuple[Path, ...]:
    """The shared catalogue, then every report catalogue, by name."""
    return (SHARED, *report_files())


def report_of(path: Path) -> str | None:
    """The report whose catalogue ``path`` is, or ``None`` for the shared catalogue."""
    name = Path(path).name
    return name.removesuffix(REPORT_SUFFIX) if name.endswith(REPORT_SUFFIX) else None


def _loaded() -> Catalogue:
    # Read once per project folder, which the environment and the working directory decide
    # (--project, tests); keyed on those two, as resolving the folder on every message
    # would cost ten times the lookup itself.
    return _loaded_for(os.environ.get(paths.PROJECT_ENV), os.getcwd())


@cache
def _loaded_for(project_env: str | None, cwd: str) -> Catalogue:
    """The catalogues of the project folder that ``project_env`` and ``cwd`` decide."""
    return load(catalogue_files())


def catalogue() -> Mapping[str, Mapping[str, str]]:
    """Return every message, read once: key -> {language -> text}.

    Raises:
        MessageError: when a file is bad or a key is defined twice.
    """
    return _loaded().texts


def origin(key: str) -> Path:
    """Return the catalogue file that defines ``key``.

    Raises:
        MessageError: for an unknown key.
    """
    files = _loaded().files
    if key not in files:
        raise MessageError(f"unknown message key {key!r}")
    return files[key]


def placeholders(text: str) -> frozenset[str]:
    """Return the names of the ``{placeholders}`` of a template, those of plural choices too."""
    names: set[str] = set()
    for _, name, spec, _ in string.Formatter().parse(text):
        if name:
            names.add(name.split(".")[0].split("[")[0])
        if spec:  # {n:one=the largest|other=the {rank}-largest}
            names |= placeholders(spec)
    return frozenset(names)


def has(key: str) -> bool:
    """Return whether the catalogue holds ``key`` (without counting it as served)."""
    return key in catalogue()


# -- serving messages -------------------------------------------------------------------------

_served: set[str] = set()
_served_pid = os.getpid()
#: Records this process has started (a kernel that runs one report after another starts one
#: a report).
_records = [0]


def served() -> frozenset[str]:
    """Return the keys this process has asked for since its record started."""
    return frozenset(_served) if _served_pid == os.getpid() else frozenset()


def new_record() -> None:
    """Start a new record of the keys served: what follows belongs to another report."""
    _served.clear()
    _records[0] += 1


def _record(key: str) -> None:
    global _served_pid
    if _served_pid != os.getpid():  # a forked child starts its own record
        _served.clear()
        _served_pid = os.getpid()
    if key in _served:
        return
    _served.add(key)
    target = os.environ.get(USED_ENV)
    if target:
        # Written at once rather than at exit: the build's worker processes end without
        # running exit handlers, and a kernel may be stopped.
        with open(target, "a", encoding="utf-8") as stream:
            stream.write(f"{os.getpid()}.{_records[0]}\t{key}\n")


def read_used(path: Path) -> list[frozenset[str]]:
    """Read a file written through ``BIOTECH_MESSAGES_USED``: the keys of each record.

    Each line is a record (process id, a dot and the process's record number: see
    :func:`new_record`), a tab and a key; the result has one set per record, in the order
    the records were first written to.
    """
    keys: dict[str, set[str]] = {}
    for line in Path(path).read_text(encoding="utf-8").splitlines():
        pid, _, key = line.partition("\t")
        keys.setdefault(pid, set()).add(key)
    return [frozenset(k) for k in keys.values()]


def template(key: str, lang: str) -> str:
    """Return message ``key`` in ``lang`` as written, placeholders unfilled.

    Raises:
        MessageError: for an unknown key or language.
    """
    check_lang(lang)
    _record(key)
    entries = catalogue()
    if key not in entries:
        raise MessageError(f"unknown message key {key!r}")
    texts = entries[key]
    if lang not in texts:
        raise MessageError(f"message {key!r} has no {lang!r} text ({shown(origin(key))})")
    return texts[lang]


class _Formatter(string.Formatter):
    """``str.format`` plus plural choices: ``{n:one=fact|other=facts}``."""

    def __init__(self, key: str, lang: str) -> None:
        self.key = key
        self.lang = lang

    def format_field(self, value: Any, format_spec: str) -> str:
        if "=" not in format_spec:
            return super().format_field(value, format_spec)
        forms = dict(part.partition("=")[::2] for part in format_spec.split("|"))
        unknown = set(forms) - set(PLURAL_CATEGORIES)
        if unknown or "other" not in forms:
            raise MessageError(
                f"message {self.key!r}: a plural choice names categories among "
                f"{', '.join(PLURAL_CATEGORIES)}, 'other' included, got {format_spec!r}"
            )
        return forms.get(_plural_category(value, self.lang, self.key), forms["other"])


def _plural_category(value: object, lang: str, key: str) -> str:
    from babel import Locale
    from babel.numbers import NumberFormatError, parse_decimal

    if isinstance(value, bool) or not isinstance(value, int | float | Decimal | str):
        raise MessageError(f"message {key!r}: a plural choice needs a count, got {value!r}")
    number = value
    if isinstance(value, str):
        try:
            number = parse_decimal(value, locale=lang, strict=True)
        except NumberFormatError:
            raise MessageError(
                f"message {key!r}: a plural choice needs a count, got {value!r}"
            ) from None
    return Locale.parse(lang).plural_form(number)


def t(key: str, lang: str, **values: object) -> str:
    """Return message ``key`` in ``lang``, its placeholders filled from ``values``.

    Values not used by the template are ignored, so the same keyword arguments can serve
    both languages.

    Raises:
        MessageError: (a ``KeyError`` and a ``ValueError``) for an unknown key or language,
            or a placeholder without a value.
    """
    return fill(template(key, lang), lang, key, **values)


def fill(text: str, lang: str, key: str = "<template>", **values: object) -> str:
    """Fill a template's placeholders and plural choices (see :func:`t`); ``key`` names it.

    Raises:
        MessageError: for a placeholder without a value, a plural choice that is not
            written ``{name:category=text|...|other=text}`` or whose value is not a count.
    """
    check_lang(lang)
    missing = placeholders(text) - values.keys()
    if missing:
        raise MessageError(f"message {key!r} needs a value for {', '.join(sorted(missing))}")
    return _Formatter(key, lang).format(text, **values)


# -- which keys the reports use ---------------------------------------------------------------


def usage_problems(
    used: Mapping[str, Iterable[str]],
    found: Catalogue | None = None,
    elsewhere: Iterable[str] = (),
) -> list[str]:
    """Compare the keys each report used with the keys the catalogues define.

    Args:
        used: report name -> the keys its builds served (every language, every variant).
        found: the catalogues (default: those of the project).
        elsewhere: keys served outside the reports (e.g. the command line), which keep a
            shared key in use.

    Returns:
        One sentence per problem, sorted: a key used but defined nowhere or lacking a
        language, a key of one report's catalogue used by another report or never by its
        own, a shared key used by no report and nowhere else.
    """
    found = _loaded() if found is None else found
    problems = []
    users: dict[str, set[str]] = {}
    for report, keys in used.items():
        for key in set(keys):
            users.setdefault(key, set()).add(report)
    for key, reports in sorted(users.items()):
        if key not in found.texts:
            problems.append(f"{key}: used by {', '.join(sorted(reports))} but defined nowhere")
            continue
        file = found.files[key]
        for lang in LANGS:
            if not found.texts[key].get(lang):
                problems.append(f"{key}: used but has no {lang} text in {shown(file)}")
        owner = report_of(file)
        if owner is not None and reports - {owner}:
            others = ", ".join(sorted(reports - {owner}))
            problems.append(
                f"{key}: defined in {shown(file)} but used by {others}: "
                "a text two reports use belongs to the shared catalogue"
            )
    elsewhere = set(elsewhere)
    for key, file in sorted(found.files.items()):
        owner = report_of(file)
        reports = users.get(key, set())
        if owner is not None and owner not in reports:
            problems.append(f"{key}: defined in {shown(file)} but never used by {owner}")
        elif owner is None and not reports and key not in elsewhere:
            problems.append(f"{key}: defined in {shown(file)} but used by no report")
    return sorted(problems)
