"""Blocks of the claims audit: verdict badges, the verdicts' legend, tables of checked claims."""

from __future__ import annotations

from collections.abc import Sequence

import pandas as pd

from analysis.compute.indicators import VERDICTS
from analysis.present import formatting
from analysis.present.blocks import Badge, Break, DefinitionList, Inline, Run, Table
from analysis.present.document import Document
from analysis.present.messages import t

__all__ = [
    "VERDICT_ICONS",
    "audit_table",
    "translation_table",
    "verdict",
    "verdict_counts",
    "verdict_legend",
]

#: Icons of the verdict badges: each verdict also has its own border style, so a badge
#: reads without colour.
VERDICT_ICONS = {
    "consistent": "\u2713",
    "consistent within stated precision": "\u2248",
    "conflict": "\u2715",
    "changed over time": "\u21bb",
    "differs between language versions": "\u2260",
    "not verifiable": "?",
    "implausible": "!",
}


def verdict(doc: Document, name: str) -> Badge:
    """A verdict badge: icon, word and border style, readable without colour."""
    if name not in VERDICT_ICONS:
        raise ValueError(f"verdict must be one of {', '.join(VERDICT_ICONS)}, got {name!r}")
    word = t(f"verdict.{name.replace(' ', '_')}", doc.lang)
    return Badge(verdict=name, word=word, icon=VERDICT_ICONS[name])


def verdict_legend(doc: Document) -> DefinitionList:
    """What each verdict means, with its badge (recorded on ``doc`` as shown)."""
    doc.verdicts_defined = True
    items = tuple(
        ((verdict(doc, v),), t(f"verdict.definition.{v.replace(' ', '_')}", doc.lang))
        for v in VERDICTS
    )
    return DefinitionList(items, style="verdict-legend")


def _passages(doc: Document, quoted: Sequence[tuple[str, str, str]]) -> tuple[Inline, ...]:
    """Passages of the sources, one per line, each quoted in its source's language.

    ``quoted`` holds ``(reference, passage, source id)``; the reference comes first.
    """
    pieces: list[Inline] = []
    for where, passage, sid in quoted:
        if pieces:
            pieces.append(Break())
        pieces += [
            Run(where, "small"),
            Run(" "),
            Run(passage, "quote", lang=str(doc.source(sid)["language"])),
        ]
    return tuple(pieces)


def _locators(doc: Document, fact_ids: Sequence[str]) -> tuple[Inline, ...]:
    """The passages of the sources a claim rests on, each with its document and section."""
    quoted = []
    for fid in fact_ids:
        row = doc.fact(fid)
        sid = str(row["source_id"])
        where = t(
            "report.locator_ref",
            doc.lang,
            document=doc.document_name(sid),
            section=t(f"section.{row['section']}", doc.lang),
        )
        quoted.append((where, str(row["locator"]), sid))
    return _passages(doc, quoted)


def _difference_locators(doc: Document, claim_id: str) -> tuple[Inline, ...]:
    """The passages of a curated difference between two versions (``VER:<id>``), if any."""
    differences = doc.ds.version_differences
    match = differences[differences["difference_id"] == claim_id.removeprefix("VER:")]
    quoted = [
        (doc.document_name(str(r[source])), str(r[column]), str(r[source]))
        for _, r in match.iterrows()
        for source, column in (("source_a", "locator_a"), ("source_b", "locator_b"))
        if not (r[column] is None or pd.isna(r[column]))
    ]
    return _passages(doc, quoted)


def audit_table(
    doc: Document,
    audit: pd.DataFrame,
    caption_key: str,
    *,
    locators: bool = True,
    **values: object,
) -> Table:
    """Checked claims: verdict badge, claim, recomputation, sources' passages."""
    doc.track_claims(audit)
    lang = doc.lang
    headers = [
        (t("audit.col.verdict", lang), False),
        (t("audit.col.claim", lang), False),
        (t("report.col.recomputation", lang), False),
    ]
    if locators:
        headers.append((t("report.col.locators", lang), False))
    rows = []
    for _, r in audit.iterrows():
        row: list[object] = [
            (verdict(doc, r["verdict"]),),
            str(r[f"claim_{lang}"]),  # the check's code stays in the attached CSV
            str(r[f"explanation_{lang}"]),
        ]
        if locators:
            # A difference between versions that is not a figure's rests on its passages.
            passages = _locators(doc, r["fact_ids"]) or _difference_locators(doc, r["claim_id"])
            row.append(passages)
        rows.append(row)
    ids = [i for ids in audit["fact_ids"] for i in ids]
    widths = (18, 26, 30, 26) if locators else (18, 37, 45)
    return doc.block_table(
        doc.t(caption_key, **values), headers, rows, ids, "audit", row_headers=False, widths=widths
    )


def verdict_counts(doc: Document, found: pd.DataFrame, caption_key: str) -> Table:
    """Number of findings per check and verdict, with a total row.

    ``found`` is :func:`analysis.compute.audit.findings`; a finding counts under the check of
    its first row. Only verdicts that some finding has get a column.
    """
    lang = doc.lang
    check_of = found["checks"].map(lambda checks: checks[0])
    shown = [v for v in VERDICTS if (found["verdict"] == v).any()]
    headers = [(t("audit.col.check", lang), False)]
    headers += [(_capital(t(f"verdict.{v.replace(' ', '_')}", lang)), True) for v in shown]
    headers.append((t("report.col.total", lang), True))
    rows: list[list[object]] = []
    for check in dict.fromkeys(check_of):
        part = found[check_of == check]
        counts = [int((part["verdict"] == v).sum()) for v in shown]
        rows.append(
            [t(f"check.{check}", lang)]
            + [formatting.fmt_number(c, lang) if c else "\u2013" for c in counts]
            + [formatting.fmt_number(len(part), lang)]
        )
    totals = [int((found["verdict"] == v).sum()) for v in shown]
    rows.append(
        [Run(t("report.col.total", lang), "strong")]
        + [formatting.fmt_number(c, lang) for c in totals]
        + [formatting.fmt_number(len(found), lang)]
    )
    ids = [i for ids in found["fact_ids"] for i in ids]
    # Counts of this audit's findings: the audit is their source, not the texts it checks.
    return doc.block_table(
        doc.t(caption_key),
        headers,
        rows,
        ids,
        "compact counts",
        total=True,
        source=t("summary.tile.source_audit", lang),
    )


def translation_table(doc: Document, audit: pd.DataFrame, caption_key: str) -> Table:
    """The French and English versions side by side: each figure's passage in both."""
    doc.track_claims(audit)
    lang = doc.lang
    rows = []
    absent = (Run(t("report.absent", lang), "absent"),)
    for _, r in audit.iterrows():
        by_lang: dict[str, list[str]] = {"fr": [], "en": []}
        for fid in r["fact_ids"]:
            sid = str(doc.fact(fid)["source_id"])
            by_lang[str(doc.source(sid)["language"])].append(fid)
        rows.append(
            [
                doc.metric_label(str(r["metric"])),
                _locators(doc, by_lang["fr"]) if by_lang["fr"] else absent,
                _locators(doc, by_lang["en"]) if by_lang["en"] else absent,
                (verdict(doc, r["verdict"]), Break(), Run(str(r[f"explanation_{lang}"]), "small")),
            ]
        )
    headers = [
        (t("report.col.metric", lang), False),
        (t("report.col.version_fr", lang), False),
        (t("report.col.version_en", lang), False),
        (t("audit.col.verdict", lang), False),
    ]
    ids = [i for ids in audit["fact_ids"] for i in ids]
    return doc.block_table(
        doc.t(caption_key), headers, rows, ids, "audit versions", widths=(16, 28, 28, 28)
    )


def _capital(text: str) -> str:
    return text[:1].upper() + text[1:]
