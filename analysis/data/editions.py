"""Editions of the data "as of" a date: only the sources published by then, and what they say.

A source's publication date is known to a precision (``sources.csv``, ``date_precision``):
a source dated to the month may have come out on any day of that month, so it counts as
published only from the *end* of the period its date stands for (the end of the day, week,
month, quarter or year). ``as_of("2024-01-31")`` thus keeps a source dated 17 January 2024
to the day, but not one dated to the year 2024 only.

Dropping a source drops what rests on it: its facts, exclusions, events and relations, the
relations tied to a dropped event, the organisations only it introduced, and the differences
between two language versions one of which it is.
"""

from __future__ import annotations

import calendar
from collections.abc import Iterable, Mapping
from dataclasses import replace
from datetime import date, timedelta
from typing import TYPE_CHECKING, Any

from analysis.parameters import parse_date

if TYPE_CHECKING:
    from analysis.data.load import Dataset

__all__ = ["AsOfError", "as_of", "check_as_of", "published_by"]


class AsOfError(ValueError):
    """An ``as_of`` date the data cannot answer (before the first source)."""


def published_by(pub_date: date, precision: str) -> date:
    """Return the first day by which a source dated ``pub_date`` has surely been published.

    Args:
        pub_date: The source's ``pub_date`` (the first day of its period for month,
            quarter and year precision; a day of the week for week precision).
        precision: ``day``, ``week`` (weeks end on Sunday), ``month``, ``quarter`` or
            ``year``.

    Raises:
        ValueError: for an unknown precision.
    """
    if precision == "day":
        return pub_date
    if precision == "week":
        return pub_date + timedelta(days=6 - pub_date.weekday())
    if precision == "month":
        last = calendar.monthrange(pub_date.year, pub_date.month)[1]
        return pub_date.replace(day=last)
    if precision == "quarter":
        month = 3 * ((pub_date.month - 1) // 3) + 3
        return date(pub_date.year, month, calendar.monthrange(pub_date.year, month)[1])
    if precision == "year":
        return date(pub_date.year, 12, 31)
    raise ValueError(
        f"unknown date precision {precision!r}; expected day, week, month, quarter or year"
    )


_MONTHS = (
    "January", "February", "March", "April", "May", "June",
    "July", "August", "September", "October", "November", "December",
)  # fmt: skip


def _date_words(pub_date: date, precision: str) -> str:
    """The source's date as precise as it is known, e.g. ``February 2021`` (any locale)."""
    month = f"{_MONTHS[pub_date.month - 1]} {pub_date.year}"
    if precision == "day":
        return f"{pub_date.day} {month}"
    if precision == "week":
        return f"the week of {pub_date.day} {month}"
    if precision == "month":
        return month
    if precision == "quarter":
        return f"Q{(pub_date.month - 1) // 3 + 1} {pub_date.year}"
    return str(pub_date.year)


def _rows(sources: Any) -> list[Mapping[str, Any]]:
    """Rows of the sources table, from a DataFrame or any iterable of mappings."""
    if hasattr(sources, "to_dict"):
        return sources.to_dict("records")
    return list(sources)


def check_as_of(sources: Iterable[Mapping[str, Any]] | Any, when: date | str) -> date:
    """Check that ``when`` is on or after the first source's publication; return it as a date.

    Args:
        sources: The sources table (a DataFrame, or rows with ``source_id``, ``pub_date``
            and ``date_precision``, e.g. from :class:`csv.DictReader`).
        when: The date, as a :class:`datetime.date` or ``YYYY-MM-DD`` text.

    Raises:
        AsOfError: when no source is published by ``when``, naming the date and the first
            source, e.g. "as_of 2020-01-01 is before the first source, S000 of February 2021".
        ValueError: when ``when`` is not a date written ``YYYY-MM-DD``.
    """
    when = parse_date(when)
    rows = _rows(sources)
    if not rows:
        raise AsOfError(f"as_of {when.isoformat()}: the data has no source")
    dated = []
    for row in rows:
        pub = parse_date(row["pub_date"])
        precision = str(row["date_precision"])
        dated.append((published_by(pub, precision), str(row["source_id"]), pub, precision))
    first = min(dated)
    if when < first[0]:
        _, source_id, pub, precision = first
        raise AsOfError(
            f"as_of {when.isoformat()} is before the first source, "
            f"{source_id} of {_date_words(pub, precision)}"
        )
    return when


def _tidy(table: Any) -> Any:
    """Drop the categories no row uses any more, so that counts never list them."""
    for column in table.columns:
        if str(table[column].dtype) == "category":
            table[column] = table[column].cat.remove_unused_categories()
    return table


def as_of(ds: Dataset, when: date | str) -> Dataset:
    """Return the data as it stood on ``when``: the sources published by then and theirs.

    Rows keep their index (index ``i`` is still row ``i + 2`` of the CSV), so a filtered
    table's index may have gaps. Metrics, subjects and assumptions are definitions, not
    statements of a source, and are kept whole.

    Args:
        ds: The validated data.
        when: The date, as a :class:`datetime.date` or ``YYYY-MM-DD`` text.

    Raises:
        AsOfError: when ``when`` is before the first source (see :func:`check_as_of`).
    """
    when = check_as_of(ds.sources, when)
    sources = ds.sources
    published = [
        published_by(parse_date(pub), str(precision)) <= when
        for pub, precision in zip(sources["pub_date"], sources["date_precision"], strict=True)
    ]
    kept_sources = sources[published].copy()
    kept = set(kept_sources["source_id"].astype(str))
    # A translation whose original is not yet published stands on its own.
    if "translation_of" in kept_sources:
        orphan = ~kept_sources["translation_of"].isin(kept) & kept_sources["translation_of"].notna()
        kept_sources.loc[orphan, "translation_of"] = None

    def of_kept(table: Any) -> Any:
        return table[table["source_id"].astype(str).isin(kept)].copy()

    events = of_kept(ds.events)
    kept_events = set(events["event_id"].astype(str))
    relations = of_kept(ds.relations)
    tied = relations["event_id"].notna()
    relations = relations[~tied | relations["event_id"].astype(str).isin(kept_events)].copy()
    # An organisation stays when a kept source introduced it or kept rows still name it.
    named = set()
    for table, columns in (
        (events, ("organisation_id", "counterpart_id")),
        (relations, ("subject_id", "object_id")),
    ):
        for column in columns:
            named.update(str(v) for v in table[column].dropna())
    organisations = ds.organisations[
        ds.organisations["source_id"].astype(str).isin(kept)
        | ds.organisations["org_id"].astype(str).isin(named)
    ].copy()
    # A difference between two versions stands only when both are published.
    differences = ds.version_differences[
        ds.version_differences["source_a"].astype(str).isin(kept)
        & ds.version_differences["source_b"].astype(str).isin(kept)
    ].copy()
    return replace(
        ds,
        sources=_tidy(kept_sources),
        version_differences=_tidy(differences),
        facts=_tidy(of_kept(ds.facts)),
        exclusions=_tidy(of_kept(ds.exclusions)),
        events=_tidy(events),
        relations=_tidy(relations),
        organisations=_tidy(organisations),
    )
