"""The appendices every report closes with: methodology, data, glossary; and its attachments.

Each takes the :class:`~analysis.present.document.Document` once the report's sections are
written, so it lists exactly what the report showed.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Mapping
from fractions import Fraction
from typing import Any

import pandas as pd

from analysis.compute.indicators import (
    INFERRED,
    STATED,
    STATED_WORDS,
    Indicator,
    indicator_frame,
)
from analysis.present import formatting
from analysis.present.audit_blocks import verdict_legend
from analysis.present.blocks import (
    Blocks,
    DefinitionList,
    Equation,
    Formula,
    MathSym,
    Paragraph,
    Run,
    Table,
    TrackedFacts,
)
from analysis.present.display import attachment_bundle
from analysis.present.document import Document
from analysis.present.formulas import formula
from analysis.present.messages import t

__all__ = [
    "GLOSSARY",
    "INDICATOR_COLUMNS",
    "attachment_bundles",
    "attachments",
    "data_appendix",
    "glossary",
    "methodology",
]

#: Terms of the glossary, in the order it lists them (``glossary.<term>.term`` / ``.text``).
GLOSSARY = (
    "atmp",
    "cdmo",
    "cagr",
    "innovation_partnership",
    "workpackage",
    "direct_jobs",
    "indirect_jobs",
    "cluster",
    "bound",
    "percentage_point",
)

#: Columns of the indicators attachment.
INDICATOR_COLUMNS = ["key", "label", "text", "value", "unit", "bound", "period", "fact_ids"]


def methodology(doc: Document, stated: Mapping[str, Indicator] | None = None) -> Blocks:
    """The methodology appendix: reading, formulas, verdicts, indicators, parameters.

    Figures taken as stated are named in one sentence; each computed indicator comes with
    its definition, formula (in mathematical notation) and value; each scenario parameter
    and assumption with its label, rationale and the value used.

    Args:
        doc: the report.
        stated: for each scenario parameter left at None, the stated indicator it stands
            for (e.g. ``{"public_share": funding.public_share}``).
    """
    out: list[Any] = [doc.section("methodology", appendix=True)]
    out.append(doc.section("method_reading", 2))
    out.append(doc.para("report.method.bounds", "report.method.one_qualifier"))
    out.append(_equation(doc, "precision"))
    out.append(_equation(doc, "bound_division"))
    out.append(
        doc.para(
            "report.method.rounding",
            "report.method.significant",
            "report.method.words",
            **formatting.SIGNIFICANT_FIGURES,
        )
    )
    out.append(doc.para("report.method.selection"))
    keys = {ind.key for ind in doc.indicators}
    formulas = [
        name
        for name, shown in (
            ("cagr", any(k.startswith("market.") or k.endswith("annual_rate") for k in keys)),
            ("share", "funding.public_share" in keys),
        )
        if shown
    ]
    per_job = _per_job(doc)
    if formulas or per_job is not None:
        out.append(doc.section("method_formulas", 2))
        out += [_equation(doc, name) for name in formulas]
        if per_job is not None:
            out.append(per_job)
    if doc.claims is not None:
        out.append(doc.section("method_verdicts", 2))
        if doc.verdicts_defined:  # the report's body already lists them with the findings
            out.append(doc.para("report.method.verdicts", "report.method.verdicts_above"))
        else:
            out.append(doc.para("report.method.verdicts"))
            out.append(verdict_legend(doc))
        out.append(_equation(doc, "tolerance"))
    if doc.indicators:
        out += _indicator_blocks(doc)
    params = _parameter_rows(doc, stated or {})
    if params:
        out.append(doc.section("method_parameters", 2))
        out.append(
            _methods_table(
                doc,
                "report.caption.method_parameters",
                ("report.col.parameter", "report.col.assumption", "report.col.value_used"),
                params,
                "methods compact",
                (24, 56, 20),
            )
        )
    return Blocks(out)


def _methods_table(
    doc: Document,
    caption_key: str,
    columns: tuple[str, str, str],
    rows: list[list[object]],
    style: str,
    widths: tuple[int, int, int],
) -> Any:
    """A table of the methodology: two text columns, then the value used (right-aligned)."""
    headers = [(t(key, doc.lang), i == len(columns) - 1) for i, key in enumerate(columns)]
    return doc.block_table(
        t(caption_key, doc.lang), headers, rows, (), style, source="", widths=widths
    )


def _equation(doc: Document, name: str) -> Equation:
    """A general formula of the methodology and the sentence under it.

    The formula is ``report.method.formula.<name>``; the sentence ``report.method.where.<name>``,
    whose symbols between ⟨ and ⟩ are set as formulas.
    """
    where = doc.t(f"report.method.where.{name}", tolerance=_tolerance(doc))
    return Equation(formula(doc.t(f"report.method.formula.{name}")), _with_formulas(where))


#: A formula inside a sentence of the catalogue: ``⟨V_end⟩``, ``⟨100% − public share⟩``.
_SYMBOL = re.compile("\u27e8(.+?)\u27e9")


def _with_formulas(text: str) -> tuple[Run | Formula, ...]:
    """A sentence as inline pieces, its parts between ⟨ and ⟩ set as formulas."""
    parts = _SYMBOL.split(text)
    return tuple(formula(part) if i % 2 else Run(part) for i, part in enumerate(parts) if part)


def _tolerance(doc: Document) -> str:
    """The CAGR check tolerance in words, label and value (``the CAGR check tolerance (1 pp)``)."""
    table = doc.ds.assumptions
    row = table[table["assumption_id"].astype(str) == "cagr_tolerance"].iloc[0]
    value = doc.parameters.get("cagr_tolerance")
    return t(
        "report.method.tolerance",
        doc.lang,
        label=formatting.in_sentence(str(row[f"label_{doc.lang}"])),
        value=doc.param_value("cagr_tolerance", float(row["value"]) if value is None else value),
    )


def _per_job(doc: Document) -> Paragraph | None:
    """What the budget per projected job divides, over which horizon; None when not shown."""
    shown: dict[str, Indicator] = {}
    for ind in doc.indicators:  # the first value shown is the edition's (then scenarios)
        shown.setdefault(ind.key, ind)
    needed = ("jobs.funding_per_job", "funding.budget", "funding.duration", "jobs.projected_total")
    if not all(key in shown for key in needed):
        return None
    per_job, budget, duration, jobs = (shown[key] for key in needed)
    keys = ["report.method.per_job"]
    public = shown.get("jobs.public_funding_per_job"), shown.get("funding.public_amount")
    if None not in public:  # the public part per job, divided the same way
        keys.append("report.method.per_job_public")
    return doc.para(
        *keys,
        label=per_job.label_text(doc.lang),
        value=per_job,
        budget=budget,
        duration=duration,
        jobs=jobs,
        horizon=jobs.period_text(doc.lang),
        public_label=public[0].label_text(doc.lang) if public[0] else "",
        public_value=public[0],
        public=public[1],
    )


def _indicator_blocks(doc: Document) -> list[Any]:
    """The indicators: those taken as stated in a sentence or two, the computed in a table."""
    lang = doc.lang
    frame = indicator_frame(doc.indicators, lang)
    seen: dict[str, None] = {}
    as_stated: list[str] = []
    implied: list[str] = []
    in_words: list[str] = []
    rows = []
    for ind, (_, r) in zip(doc.indicators, frame.iterrows(), strict=True):
        marker = r["label"]  # the first value shown is the edition's
        if marker in seen:
            continue
        seen[marker] = None
        label = str(r["label"])
        if ind.formula == STATED:
            item = t("report.method.stated_item", lang, label=label, value=ind.text(lang))
            as_stated.append(item)
            continue
        if ind.formula == INFERRED:
            implied.append(t("report.method.stated_item", lang, label=label, value=ind.text(lang)))
            continue
        if ind.formula == STATED_WORDS:
            # The value computations take: a share that is a simple fraction as that fraction
            # ("nearly two thirds": 2/3, not 66.67 %), whole numbers without decimals,
            # others to 2.
            share = Fraction(float(ind.quantity.value) / 100).limit_denominator(12)
            digits = 0 if float(ind.quantity.value).is_integer() else 2
            if (
                ind.unit == "percent"
                and share.denominator > 1
                and abs(float(share) * 100 - float(ind.quantity.value)) < 0.01
            ):
                value = f"{share.numerator}/{share.denominator}"
            else:
                value = formatting.fmt_quantity(ind.quantity, ind.unit, lang, digits)
            words = ind.text(lang)
            item = t("report.method.words_item", lang, label=label, words=words, value=value)
            in_words.append(item)
            continue
        expr = formula(str(r["formula"]), display=True)
        if isinstance(expr.expr, MathSym):  # a scenario input: the parameters table gives it
            continue
        definition = Run(str(r["definition"]), "small")
        rows.append([(Run(label), Run(" "), definition), expr, ind.text(lang)])
    out: list[Any] = [doc.section("method_indicators", 2)]
    separator = t("report.method.item_separator", lang)
    if as_stated:
        out.append(doc.para("report.method.stated", items=separator.join(as_stated)))
    if implied:
        out.append(doc.para("report.method.implied", items=separator.join(implied)))
    if in_words:
        out.append(doc.para("report.method.stated_words", items=separator.join(in_words)))
    if rows:
        out.append(
            _methods_table(
                doc,
                "report.caption.method_indicators",
                ("report.col.indicator_definition", "report.col.formula", "report.col.value_used"),
                rows,
                "methods",
                (50, 32, 18),
            )
        )
    return out


def _parameter_rows(doc: Document, stated: Mapping[str, Indicator]) -> list[list[object]]:
    lang = doc.lang
    rows: list[list[object]] = []
    names = list(doc.parameters) + [a for a in doc.assumptions if a not in doc.parameters]
    table = doc.ds.assumptions
    for name in names:
        if name == "as_of":  # the edition's date: stated in the title block
            continue
        value = doc.parameters.get(name)
        in_data = name in set(table["assumption_id"].astype(str))
        if in_data:
            row = table[table["assumption_id"].astype(str) == name].iloc[0]
            label, rationale = str(row[f"label_{lang}"]), str(row[f"rationale_{lang}"])
            default = float(row["value"])
        else:
            label = t(f"report.param.{name}.label", lang)
            rationale = t(f"report.param.{name}.rationale", lang)
            default = None
        if value is None and default is not None:
            used = t("report.param.default_data", lang, value=doc.param_value(name, default))
        elif value is None:
            if name not in stated:
                raise ValueError(f"methodology needs the stated value of parameter {name!r}")
            used = t("report.param.default_stated", lang, value=stated[name].text(lang))
        else:
            used = t("report.param.given", lang, value=doc.param_value(name, value))
        rows.append([label, rationale, used])
    return rows


def data_appendix(doc: Document) -> Blocks:
    """The data appendix: every fact the report used, then the events and documents.

    Each fact comes with its source document, date, language, section and passage.
    """
    lang = doc.lang
    out: list[Any] = [doc.section("data", appendix=True)]
    out.append(doc.para("report.data.intro", n=len(doc.fact_ids)))
    rows = []
    for fid in doc.fact_ids:
        r = doc.fact(fid)
        sid = str(r["source_id"])
        src = doc.source(sid)
        inferred = str(r.get("value_basis") or "") == "inferred"
        statement = t(
            "report.data.statement_inferred" if inferred else "report.data.statement",
            lang,
            metric=doc.metric_label(str(r["metric"])),
            subject=doc.subject_label(str(r["subject"])),
            value=_stated(doc, r),
        )
        where = t(
            "report.data.where",
            lang,
            source=sid,
            date=doc.source_date(sid),
            language=t(f"report.lang_short.{src['language']}", lang),
            section=t(f"section.{r['section']}", lang),
        )
        rows.append([fid, statement, where, Run(str(r["locator"]), "quote", str(src["language"]))])
    headers = [
        (t("report.col.fact", lang), False),
        (t("report.col.statement", lang), False),
        (t("report.col.source", lang), False),
        (t("report.col.locator", lang), False),
    ]
    out.append(
        doc.block_table(
            t("report.caption.data_facts", lang),
            headers,
            rows,
            (),
            "data",
            source="",
            widths=(11, 35, 22, 32),
        )
    )
    out.append(TrackedFacts(doc.fact_ids))
    if doc.event_ids:
        out.append(_events_table(doc))
    out.append(_sources_table(doc))
    return Blocks(out)


def _stated(doc: Document, r: Any) -> str:
    words = r.get(f"words_{doc.lang}")
    if words is not None and not pd.isna(words):  # a figure the text states in words
        return str(words)
    value = float(r["value"])
    text = repr(value).rstrip("0").rstrip(".") if "." in repr(value) else repr(value)
    decimals = len(text.split(".")[1]) if "." in text else 0
    return formatting.fmt_fact(value, str(r["unit"]), str(r["qualifier"]), doc.lang, decimals)


def _events_table(doc: Document) -> Table:
    lang = doc.lang
    events = doc.ds.events.set_index(doc.ds.events["event_id"].astype(str))
    rows = []
    # In date order (then by id), whatever order the sections cited them in.
    for eid in sorted(doc.event_ids, key=lambda e: (str(events.loc[e, "date"]), e)):
        r = events.loc[eid]
        sid = str(r["source_id"])
        rows.append(
            [
                eid,
                formatting.fmt_date(r["date"], lang, str(r["date_precision"])),
                str(r[f"description_{lang}"]),
                sid,
                Run(str(r["locator"]), "quote", str(doc.source(sid)["language"])),
            ]
        )
    headers = [
        (t("report.col.event_id", lang), False),
        (t("report.col.date", lang), False),
        (t("report.col.event", lang), False),
        (t("report.col.source", lang), False),
        (t("report.col.locator", lang), False),
    ]
    return doc.block_table(
        t("report.caption.data_events", lang),
        headers,
        rows,
        (),
        "data",
        source="",
        widths=(8, 17, 35, 9, 31),
    )


def _sources_table(doc: Document) -> Table:
    lang = doc.lang
    rows = []
    for sid in sorted(str(s) for s in doc.covered_sources()["source_id"]):
        src = doc.source(sid)
        basis = t(f"report.date_basis.{src['date_basis']}", lang)
        rows.append(
            [
                sid,
                doc.source_title(sid),
                doc.source_kind(sid),
                f"{doc.source_date(sid)} ({basis})",
                t(f"report.lang_short.{src['language']}", lang),
            ]
        )
    headers = [
        (t("report.col.source", lang), False),
        (t("report.col.document", lang), False),
        (t("report.col.kind", lang), False),
        (t("report.col.date", lang), False),
        (t("report.col.language", lang), False),
    ]
    return doc.block_table(
        t("report.caption.data_sources", lang),
        headers,
        rows,
        (),
        "data compact",
        source=t("report.data.sources_note", lang),
        widths=(10, 37, 15, 24, 14),
    )


def glossary(doc: Document) -> Blocks:
    """The terms a reader may not know, in the document's language."""
    items = tuple(
        (t(f"glossary.{term}.term", doc.lang), _with_formulas(t(f"glossary.{term}.text", doc.lang)))
        for term in GLOSSARY
    )
    return doc.section("glossary", appendix=True) + DefinitionList(items, style="glossary")


def attachment_bundles(doc: Document) -> list[dict[str, Any]]:
    """The PDF attachments as display bundles: facts used, indicators shown, claims."""
    lang = doc.lang
    raw = pd.read_csv(
        doc.ds.data_dir / "facts.csv", dtype=str, keep_default_na=False, encoding="utf-8-sig"
    )
    facts = raw[raw["fact_id"].isin(doc.fact_ids)]
    bundles = [
        attachment_bundle(
            "facts.csv", t("report.attachment.facts", lang), _csv(facts.sort_values("fact_id"))
        ),
        attachment_bundle(
            "indicators.csv",
            t("report.attachment.indicators", lang),
            _csv(indicator_frame(doc.indicators, lang)[INDICATOR_COLUMNS]),
        ),
    ]
    if doc.claims is not None:
        claims = doc.claims.copy()
        for col in ("fact_ids", "source_ids", "locators"):
            claims[col] = [" | ".join(v) for v in claims[col]]
        columns = ["claim_id", "check", "verdict", "reason", "metric", "subject"]
        columns += ["fact_ids", "source_ids", "recomputed", "unit"]
        columns += [f"claim_{lang}", f"explanation_{lang}"]
        bundles.append(
            attachment_bundle(
                "claims.csv", t("report.attachment.claims", lang), _csv(claims[columns])
            )
        )
    return bundles


def attachments(doc: Document) -> None:
    """Attach the CSV files to the PDF (the HTML page does not show them)."""
    from IPython.display import display

    for bundle in attachment_bundles(doc):
        display(bundle, raw=True)


def _csv(frame: pd.DataFrame) -> str:
    buffer = io.StringIO()
    frame.to_csv(buffer, index=False, lineterminator="\n", quoting=csv.QUOTE_MINIMAL)
    return buffer.getvalue()
