"""Explain a residual line in plain words: the rule, the numbers it used and where they come from."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import duckdb

from greenroom.contracts.params import DatedValue, Pack, load_pack
from greenroom.money import PPM, format_cents, rate_to_ppm
from greenroom.residuals.basis import performed_days
from greenroom.residuals.formulas import formula_by_id


@dataclass(frozen=True)
class CitedValue:
    """A parameter value a line used, with its citation."""

    ref_id: str
    description: str
    shown: str
    reference: str
    source: str
    verified: bool
    note: str


@dataclass(frozen=True)
class Explanation:
    """Everything needed to explain one line to a member or an auditor."""

    line: Mapping[str, Any]
    title: Mapping[str, Any] | None
    exhibition: Mapping[str, Any] | None
    engagement: Mapping[str, Any] | None
    formula_title: str
    clause: str
    plain: str
    values: list[CitedValue]
    performed: tuple[tuple[str, int], ...] = ()  # (use, days) of digital performance counted as worked


def format_rate(ppm: int) -> str:
    """Render a ppm rate as a percentage, e.g. 36000 -> '3.6%'."""
    pct = f"{ppm * 100 / PPM:.4f}".rstrip("0").rstrip(".")
    return f"{pct}%"


def _show(unit: str, value: Any) -> str:
    if isinstance(value, Mapping):
        return "; ".join(f"{k}: {_show(unit, v)}" for k, v in value.items())
    if unit == "cents":
        return format_cents(int(value))
    if unit == "rate":
        return format_rate(rate_to_ppm(value))
    return str(value)


def cited_value(pack: Pack, ref: str) -> CitedValue:
    """Resolve 'param@date' or 'param@date#key' into the value shown with its citation."""
    base, _, key = ref.partition("#")
    dated: DatedValue = pack.ref(base)
    param = pack[dated.param_id]
    value = dated.value
    shown = _show(param.unit, value)
    if key and isinstance(value, Mapping):
        coerced: int | str = int(key) if key.lstrip("-").isdigit() else key
        picked = param.lookup_key(value, coerced)
        shown = f"{_show(param.unit, picked)} (for {param.key or 'key'} {key})"
    return CitedValue(ref, param.description, shown, dated.reference, dated.source, dated.verified, dated.note)


def _first_rows(con: duckdb.DuckDBPyConnection, table: str, key: str, values: set[Any]) -> dict[Any, dict[str, Any]]:
    """The first row of table for each value of key, in one query."""
    values = {v for v in values if v is not None}
    if not values:
        return {}
    cur = con.execute(f"SELECT * FROM {table} WHERE {key} IN (SELECT unnest(?))", [sorted(values)])
    names = [d[0] for d in cur.description]
    out: dict[Any, dict[str, Any]] = {}
    for row in cur.fetchall():
        record = dict(zip(names, row, strict=True))
        out.setdefault(record[key], record)
    return out


def explain_lines(con: duckdb.DuckDBPyConnection, line_ids: list[str]) -> dict[str, Explanation | LookupError]:
    """Explain many lines with a few queries in all; a line that cannot be explained maps to the reason."""
    lines = _first_rows(con, "residual_lines", "line_id", set(line_ids))
    titles = _first_rows(con, "titles", "title_id", {r["title_id"] for r in lines.values()})
    exhibitions = _first_rows(con, "exhibitions", "exhibition_id", {r["exhibition_id"] for r in lines.values()})
    engagements = _first_rows(con, "engagements", "engagement_id", {r["engagement_id"] for r in lines.values()})
    performed: dict[str, tuple[tuple[str, int], ...]] = {}
    out: dict[str, Explanation | LookupError] = {}
    for line_id in line_ids:
        line = lines.get(line_id)
        if line is None:
            out[line_id] = KeyError(f"no residual line {line_id!r} (run `greenroom residuals compute` first?)")
            continue
        try:
            formula = formula_by_id(line["formula_id"], line["formula_version"])
            pack = load_pack(line["agreement"])
            refs = [r for r in str(line["params"] or "").split(";") if r]
            values = [cited_value(pack, r) for r in dict.fromkeys(refs)]
        except LookupError as exc:
            out[line_id] = exc
            continue
        engagement_id = line["engagement_id"]
        if engagement_id and engagement_id not in performed:
            performed[engagement_id] = tuple(performed_days(con, engagement_id))
        out[line_id] = Explanation(
            line=line, title=titles.get(line["title_id"]), exhibition=exhibitions.get(line["exhibition_id"]),
            engagement=engagements.get(engagement_id), formula_title=formula.title, clause=formula.clause,
            plain=formula.plain, values=values, performed=performed.get(engagement_id, ()) if engagement_id else ())
    return out


def explain_line(con: duckdb.DuckDBPyConnection, line_id: str) -> Explanation:
    """Gather the line, its inputs, its rule and its cited parameter values."""
    explained = explain_lines(con, [line_id])[line_id]
    if isinstance(explained, LookupError):
        raise explained
    return explained


def plain_words(ex: Explanation) -> str:
    """The explanation as text a member would understand."""
    ln = ex.line
    name = ex.title["name"] if ex.title else ln["title_id"]
    lines = [
        f"Line {ln['line_id']}: {format_cents(int(ln['amount_cents']))} to performer {ln['performer_id']} "
        f"for \"{name}\" ({ln['market']}, {ln['period_start']} to {ln['period_end']}"
        + (f", run {ln['run_number']}" if ln["run_number"] is not None else "") + ").",
        "",
        f"Rule: {ex.formula_title} — {ex.clause} (formula {ln['formula_id']} version {ln['formula_version']}).",
        ex.plain,
        "",
        "How it was worked out:",
    ]
    if ln["basis_cents"] is not None:
        lines.append(f"  basis: {format_cents(int(ln['basis_cents']))}")
    if ln["rate_ppm"] is not None:
        lines.append(f"  rate: {format_rate(int(ln['rate_ppm']))}")
    if ln["pool_cents"] is not None:
        lines.append(f"  pool for all performers: {format_cents(int(ln['pool_cents']))}; your share "
                     f"{ln['units']} of {ln['total_units']} units, split so the shares add up to the pool")
    lines.append(f"  result of the rule: {format_cents(int(ln['gross_cents']))}")
    ph_rate = format_rate(int(ln["ph_rate_ppm"]))
    if ln["includes_ph"]:
        lines.append(f"  this rule's amount includes pension & health: {format_cents(int(ln['amount_cents']))} "
                     f"to you and {format_cents(int(ln['ph_cents']))} to the P&H plans ({ph_rate})")
    else:
        lines.append(f"  plus pension & health paid by the producer on top: {format_cents(int(ln['ph_cents']))} "
                     f"({ph_rate})")
    if ln["due_date"] is not None:
        lines.append(f"  due by {ln['due_date']}; after that, interest of 1% a month is owed")
    if ln["note"]:
        lines.append(f"  note: {ln['note']}")
    lines += ["", "Values used, and where each comes from:"]
    for v in ex.values:
        flag = "" if v.verified else "  [UNVERIFIED: not a published contract figure; confirm before relying on it]"
        lines.append(f"  - {v.description}: {v.shown} — {v.reference} [source {v.source}]{flag}")
        if v.note:
            lines.append(f"      note: {v.note}")
    lines += ["", "Inputs:"]
    if ex.engagement:
        e = ex.engagement
        lines.append(f"  engagement {e['engagement_id']}: {e['category']} performer, {e['days_worked']} days, "
                     f"{e['weeks_worked']} weeks, paid {format_cents(int(e['tac_cents']))} (load {e.get('load_id')})")
    if ex.performed:
        days = sum(d for _, d in ex.performed)
        lines.append(f"  plus {days} days of digital performance by an employment-based replica (use "
                     f"{', '.join(u for u, _ in ex.performed)}), counted as days worked: residuals are paid as if "
                     "the performer had performed them")
    if ex.exhibition:
        x = ex.exhibition
        facts = ", ".join(f"{k} {v}" for k, v in x.items() if v is not None and k not in ("title_id", "load_id"))
        lines.append(f"  exhibition: {facts} (load {x.get('load_id')})")
    if ex.title:
        t = ex.title
        lines.append(f"  title {t['title_id']}: {t['kind']}, {t['length_minutes']} minutes, principal photography "
                     f"{t['pp_date']}, first shown {t['initial_release_date']}")
    if ln["unverified"]:
        lines += ["", "This amount depends on at least one unverified value; staff should confirm it against the "
                      "executed agreement before it drives a payment."]
    return "\n".join(lines)
