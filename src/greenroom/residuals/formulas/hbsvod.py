"""High Budget SVOD programs (Sideletter H; 2020 MOA item 9; reference §a11).

On the service that first shows it, an HBSVOD program pays each performer a fixed residual for
every exhibition year: a percentage of the lesser of their TAC and a ceiling, reduced for smaller
services (subscriber tiers). Under the 2014 Sideletter H the first year is covered by initial
compensation; from the 2017 terms Year 1 begins on day 91 after the initial exhibition. From
2020 a related foreign service pays 35% of the domestic residual for the same year. Licensed to
another SVOD or sold/rented the program pays 3.6% of the distributor's gross (incl. P&H); on free
AVOD 6% plus P&H after a free 7-day promotional window. The gross-based residuals are shared by
§18.2 units.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any

from greenroom.contracts.params import Pack
from greenroom.money import apply_ppm
from greenroom.residuals.basis import units_182
from greenroom.residuals.formulas._hbsvod_util import (
    OFFSET,
    exhibition_year,
    exhibition_year_sql,
    fixed_residual,
    fixed_sql,
    quarter_due_sql,
    with_columns,
)
from greenroom.residuals.formulas.base import (
    Consulted,
    Formula,
    FormulaParts,
    FormulaSql,
    RefInputs,
    RefLine,
    SqlContext,
    pool_lines,
)

KINDS = ("hbsvod",)
PH = "ph.residuals_rate"
ERA_2017 = dt.date(2017, 7, 1)
ERA_2020 = dt.date(2020, 7, 1)


# --- fixed residuals (domestic and related foreign service) ---------------------------------

def _fixed_sql(ctx: SqlContext, f: Formula, foreign: bool) -> FormulaSql:
    offset = ctx.p(OFFSET, "b.pp_date")
    year = exhibition_year_sql("x.start_date", "b.initial_release_date", offset)
    # Rows before the initial exhibition are left unpriced (engine exception), not zero-paid.
    rows = (f"SELECT x.*, {offset} AS hb_offset, {year} AS exh_year FROM exhibitions x "
            f"JOIN titles b ON b.title_id = x.title_id "
            f"WHERE {f.scope_sql()} AND x.start_date >= b.initial_release_date AND x.subscribers IS NOT NULL")
    fx = fixed_sql(ctx, "x.subscribers", "x.exh_year")
    values = {**fx.columns, "hb_due_days": ctx.p("hbsvod.fixed_due_days", "b.pp_date"),
              "hb_ph": ctx.p(PH, "b.pp_date")}
    if foreign:
        values["hb_share"] = ctx.p("hbsvod.foreign_rate", "b.pp_date")
    year_note = ("CASE WHEN x.exh_year = 0 THEN 'first ' || x.hb_offset || ' days after the initial exhibition: "
                 "covered by initial compensation' WHEN x.hb_rate = 0 THEN 'exhibition year ' || x.exh_year || "
                 "': covered by initial compensation' ELSE 'exhibition year ' || x.exh_year END")
    cols = {
        "component": "'fixed'",
        "basis_cents": fx.tiered,
        "rate_ppm": "x.hb_rate",
        "gross_cents": fx.residual,
        "ph_rate_ppm": "x.hb_ph",
        "due_date": "CAST(x.start_date + to_days(CAST(x.hb_due_days AS INTEGER)) AS DATE)",
        "note": f"concat_ws('; ', {year_note}, NULLIF({fx.note}, ''))",
    }
    if foreign:
        cols.update({
            "component": "'foreign'",
            "basis_cents": fx.residual,
            "rate_ppm": "x.hb_share",
            "gross_cents": ctx.pct(fx.residual, "x.hb_share"),
            "note": f"concat_ws('; ', 'share of the domestic residual', {year_note}, NULLIF({fx.note}, ''))",
        })
    return ctx.select(f, cols, rows=with_columns(rows, values))


def _fixed_reference(inputs: RefInputs, pack: Pack, f: Formula, foreign: bool) -> list[RefLine]:
    lines: list[RefLine] = []
    for x in inputs.exhibitions:
        title = inputs.titles.get(x["title_id"])
        if (not title or not f.applies(title, x) or x["start_date"] < title["initial_release_date"]
                or x["subscribers"] is None):
            continue
        pp: dt.date = title["pp_date"]
        for e in inputs.cast_of(x["title_id"]):
            c = Consulted(pack)
            offset = c.get(OFFSET, pp)
            if offset is None:
                continue
            year = exhibition_year(x["start_date"], title["initial_release_date"], offset)
            fixed = fixed_residual(c, title, e, int(x["subscribers"]), year)
            c.get("hbsvod.fixed_due_days", pp)
            ph = c.get(PH, pp) or 0
            share = c.get("hbsvod.foreign_rate", pp) if foreign else 1_000_000
            if fixed is None or share is None:
                continue
            gross = apply_ppm(fixed.residual_cents, share) if foreign else fixed.residual_cents
            lines.append(RefLine(x["exhibition_id"], e["engagement_id"], e["performer_id"], gross,
                                 "foreign" if foreign else "fixed", False, ph, c.unverified))
    return lines


def _domestic_sql(ctx: SqlContext, f: Formula) -> FormulaParts:
    return _fixed_sql(ctx, f, foreign=False)


def _domestic_reference(inputs: RefInputs, pack: Pack, f: Formula) -> list[RefLine]:
    return _fixed_reference(inputs, pack, f, foreign=False)


def _foreign_sql(ctx: SqlContext, f: Formula) -> FormulaParts:
    return _fixed_sql(ctx, f, foreign=True)


def _foreign_reference(inputs: RefInputs, pack: Pack, f: Formula) -> list[RefLine]:
    return _fixed_reference(inputs, pack, f, foreign=True)


# --- gross-receipts residuals on other platforms (pooled by §18.2 units) ---------------------

def _other_sql(ctx: SqlContext, f: Formula) -> FormulaSql:
    rate = ctx.p("hbsvod.other_rate", "b.pp_date")
    due_days = ctx.p("hbsvod.gross_due_days", "b.pp_date")
    ph = ctx.p(PH, "b.pp_date")
    return ctx.pool(f, {
        "component": "'gross'",
        "basis_cents": "x.gross_receipts_cents",
        "rate_ppm": rate,
        "pool_cents": ctx.pct("x.gross_receipts_cents", rate),
        "includes_ph": "TRUE",
        "ph_rate_ppm": ph,
        "due_date": quarter_due_sql("COALESCE(x.end_date, x.start_date)", due_days),
        "note": "'3.6% of distributor''s gross (inclusive of P&H), shared by §18.2 units'",
    }, where="x.gross_receipts_cents IS NOT NULL")


def _other_reference(inputs: RefInputs, pack: Pack, f: Formula) -> list[RefLine]:
    lines: list[RefLine] = []
    for x in inputs.exhibitions:
        title = inputs.titles.get(x["title_id"])
        if not title or not f.applies(title, x) or x["gross_receipts_cents"] is None:
            continue
        c = Consulted(pack)
        pp = title["pp_date"]
        rate = c.get("hbsvod.other_rate", pp)
        c.get("hbsvod.gross_due_days", pp)
        ph = c.get(PH, pp) or 0
        if rate is None:
            continue
        pool = apply_ppm(int(x["gross_receipts_cents"]), rate)
        lines.extend(pool_lines(inputs, x, pool, units_182, "gross", True, ph, c.unverified))
    return lines


# A one-time program (no series) or the first three episodes of a new series (season 1).
PROMO_ELIGIBLE = "(b.series_id IS NULL OR COALESCE(b.season = 1 AND b.episode <= 3, FALSE))"


def _promo_eligible(title: Mapping[str, Any]) -> bool:
    if title["series_id"] is None:
        return True
    return title["season"] == 1 and title["episode"] is not None and int(title["episode"]) <= 3


def _avod_sql(ctx: SqlContext, f: Formula) -> FormulaSql:
    rate = ctx.p("hbsvod.avod_rate", "b.pp_date")
    free_days = ctx.p("hbsvod.avod_free_days", "b.pp_date")
    due_days = ctx.p("hbsvod.gross_due_days", "b.pp_date")
    ph = ctx.p(PH, "b.pp_date")
    # The free window opens on the title's first AVOD row; a row ending inside it is free.
    window_end = (f"CAST(MIN(x.start_date) OVER (PARTITION BY x.title_id) + to_days(CAST({free_days} AS INTEGER)) "
                  "AS DATE)")
    inner = (f"SELECT x.*, COALESCE({PROMO_ELIGIBLE} AND COALESCE(x.end_date, x.start_date) < {window_end}, FALSE) "
             f"AS free FROM exhibitions x JOIN titles b ON b.title_id = x.title_id WHERE {f.scope_sql()}")
    return ctx.pool(f, {
        "component": "'gross'",
        "basis_cents": "x.gross_receipts_cents",
        "rate_ppm": rate,
        "pool_cents": f"CASE WHEN x.free THEN 0 ELSE {ctx.pct('x.gross_receipts_cents', rate)} END",
        "ph_rate_ppm": ph,
        "due_date": quarter_due_sql("COALESCE(x.end_date, x.start_date)", due_days),
        "note": ("CASE WHEN x.free THEN 'free promotional window: no residual' "
                 "ELSE '6% of distributor''s gross plus P&H, shared by §18.2 units' END"),
    }, from_=f"({inner}) x JOIN titles b ON b.title_id = x.title_id",
        where="x.free OR x.gross_receipts_cents IS NOT NULL")


def _avod_reference(inputs: RefInputs, pack: Pack, f: Formula) -> list[RefLine]:
    lines: list[RefLine] = []
    rows = [x for x in inputs.exhibitions if (t := inputs.titles.get(x["title_id"])) and f.applies(t, x)]
    first: dict[str, dt.date] = {}
    for x in rows:
        first[x["title_id"]] = min(first.get(x["title_id"], x["start_date"]), x["start_date"])
    for x in rows:
        title = inputs.titles[x["title_id"]]
        c = Consulted(pack)
        pp = title["pp_date"]
        rate = c.get("hbsvod.avod_rate", pp)
        free_days = c.get("hbsvod.avod_free_days", pp)
        c.get("hbsvod.gross_due_days", pp)
        ph = c.get(PH, pp) or 0
        end = x["end_date"] or x["start_date"]
        free = (free_days is not None and _promo_eligible(title)
                and end < first[x["title_id"]] + dt.timedelta(days=free_days))
        if free:
            pool = 0
        elif x["gross_receipts_cents"] is None or rate is None:
            continue
        else:
            pool = apply_ppm(int(x["gross_receipts_cents"]), rate)
        lines.extend(pool_lines(inputs, x, pool, units_182, "gross", False, ph, c.unverified))
    return lines


_DOMESTIC_PLAIN = (
    "Each year an HBSVOD program stays on the service that first showed it, each performer is paid a "
    "percentage of the lesser of their total actual compensation (TAC) and a ceiling for the program's "
    "length, plus P&H. The percentage falls year by year. ")

FORMULAS = (
    Formula(
        id="hbsvod.domestic_fixed", version="2014.1",
        title="HBSVOD fixed residual, domestic service (2014 Sideletter H)",
        clause="2014 Sideletter H (HBSVOD fixed residual)",
        markets=("hbsvod_domestic",), kinds=KINDS, sql=_domestic_sql, reference=_domestic_reference,
        effective_to=ERA_2017,
        plain=_DOMESTIC_PLAIN + "Under the 2014 terms the first year after release is covered by the initial "
              "pay; Year 2 and Year 3 pay 30%, then 25%, 20%, ... down to 1.5% a year from Year 13. On a "
              "service with fewer than 15 million subscribers the base is 65% of TAC, capped at 65% of "
              "the ceiling."),
    Formula(
        id="hbsvod.domestic_fixed", version="2017.1",
        title="HBSVOD fixed residual, domestic service (2017 terms)",
        clause="2017 terms (as shown in the 2020 MOA redline); Sideletter H",
        markets=("hbsvod_domestic",), kinds=KINDS, sql=_domestic_sql, reference=_domestic_reference,
        effective_from=ERA_2017, effective_to=ERA_2020,
        plain=_DOMESTIC_PLAIN + "Under the 2017 terms the first 90 days after release are covered by the "
              "initial pay; Year 1 begins on day 91 and pays 35%, then 30%, 30%, 25%, ... 1.5% a year from "
              "Year 13. Smaller services pay a reduced base by subscriber tier."),
    Formula(
        id="hbsvod.domestic_fixed", version="2020.1",
        title="HBSVOD fixed residual, domestic service (2020 MOA)",
        clause="2020 MOA item 9 (HBSVOD fixed residual; ceiling item 9.c.i)",
        markets=("hbsvod_domestic",), kinds=KINDS, sql=_domestic_sql, reference=_domestic_reference,
        effective_from=ERA_2020,
        plain=_DOMESTIC_PLAIN + "Under the 2020 terms the first 90 days after release are covered by the "
              "initial pay; Year 1 begins on day 91 and pays 45%, then 40%, 35%, 25%, ... 1.5% a year from "
              "Year 13. Smaller services pay a reduced base by subscriber tier."),
    Formula(
        id="hbsvod.foreign_fixed", version="2020.1",
        title="HBSVOD residual, related foreign service (2020 MOA)",
        clause="2020 MOA item 9 (foreign residual, 35% of domestic)",
        markets=("hbsvod_foreign",), kinds=KINDS, sql=_foreign_sql, reference=_foreign_reference,
        effective_from=ERA_2020,
        plain="When the program is shown on a related foreign streaming service, each performer is paid 35% "
              "of the domestic fixed residual for the same exhibition year, plus P&H."),
    Formula(
        id="hbsvod.other", version="2014.1",
        title="HBSVOD program on a non-affiliated SVOD or transactional service",
        clause="2014 Sideletter H (HBSVOD on other platforms)",
        markets=("hbsvod_other",), kinds=KINDS, sql=_other_sql, reference=_other_reference,
        plain="When the program is licensed to an unrelated streaming service, or sold or rented per title, "
              "the cast shares 3.6% of the distributor's gross (this includes the P&H contribution). Series "
              "regulars get 3 shares, weekly performers 2 and everyone else 1."),
    Formula(
        id="hbsvod.avod", version="2014.1",
        title="HBSVOD program on free ad-supported streaming (AVOD)",
        clause="2014 Sideletter H (HBSVOD on other platforms: free AVOD)",
        markets=("nm_avod",), kinds=KINDS, sql=_avod_sql, reference=_avod_reference,
        plain="When the program is streamed free with ads, the cast shares 6% of the distributor's gross, plus "
              "P&H, split 3/2/1 shares as above. A one-off program or one of the first three episodes of a new "
              "series may be shown free for one promotional 7-day window without a residual."),
)
