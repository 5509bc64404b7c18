"""Basic cable and supplemental markets: aggregate shares of the distributor's gross receipts (DGR)
split among the cast by units.

* Free-TV pictures released to basic cable (2014 TV Agreement §18.1; reference §a5): 7.5% of the
  quarter's DGR for pictures photographed before 7/1/1984, 6% after, both inclusive of P&H; 6% plus
  P&H for pictures photographed from 7/1/1998 under licenses entered from 7/1/2001 (the exhibition
  row's start_date is taken as the license date).
* Supplemental markets (2014 TV Agreement §20.1 → CBA §5.2; reference §a7): 3.6% of DGR; for
  cassettes/DVD, DGR is 20% of worldwide wholesale receipts and the cast gets 4.5% of the first
  $1,000,000 of a picture's cumulative DGR and 5.4% after, a row straddling the breakpoint split.

Television pictures share by §18.2 units. Theatrical pictures share by CBA §5.2.B salary and time
units, for which the basis view's §78(e) units (the same structure, in fifths) stand in.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping
from typing import Any

from greenroom.contracts.params import Pack
from greenroom.money import PPM, apply_ppm, mul_div_half_up
from greenroom.residuals.basis import DAY_SCALE, WEEKLY_SCALE, tam_unverified, units_78e_fifths, units_182
from greenroom.residuals.formulas._foreign_util import (
    days_after_sql,
    gross,
    ph_day,
    ph_day_sql,
    quarter_end_sql,
    rows_by_title,
    running_gross_sql,
)
from greenroom.residuals.formulas.base import (
    Consulted,
    Formula,
    FormulaSql,
    RefInputs,
    RefLine,
    SqlBuilder,
    SqlContext,
    pool_lines,
)

FREE_TV_KINDS = ("network_series", "network_nonprime", "syndicated_series", "tv_movie")
FEATURE_KINDS = ("theatrical_feature",)
TV_SUPPLEMENTAL_FROM = dt.date(1980, 10, 6)  # §20.1 reaches TV pictures photographed from 10/6/1980
PH = "ph.residuals_rate"
PH_HOME_VIDEO = "ph.supplemental_rate"
Weight = Callable[[RefInputs, Pack, Mapping[str, Any]], Callable[[Mapping[str, Any]], int]]


def _weight_182(inputs: RefInputs, pack: Pack, title: Mapping[str, Any]) -> Callable[[Mapping[str, Any]], int]:
    return units_182


def _weight_78e(inputs: RefInputs, pack: Pack, title: Mapping[str, Any]) -> Callable[[Mapping[str, Any]], int]:
    # Salary units need the scale in force at photography; before the pack's first scale the
    # basis view has no units either, so nobody shares (the engine reports an exception).
    if pack.value(DAY_SCALE, title["pp_date"]) is None or pack.value(WEEKLY_SCALE, title["pp_date"]) is None:
        return lambda e: 0
    return lambda e: units_78e_fifths(e, title, pack)


WEIGHTS: dict[str, Weight] = {"units_182": _weight_182, "units_78e": _weight_78e}


def _units_in_force_sql(pack: Pack, units: str) -> str:
    """SQL condition that the units can be counted: salary units need a scale in force at PP (the
    basis view's units_78e is not NULL before then, as LEAST ignores NULL, so the guard is explicit)."""
    if units != "units_78e":
        return ""
    first = max(pack[DAY_SCALE].values[0].start, pack[WEEKLY_SCALE].values[0].start)
    return f"b.pp_date >= DATE '{first.isoformat()}'"


# --- basic cable (§18.1) ---------------------------------------------------------------------

def _cable_sql(ctx: SqlContext, f: Formula) -> FormulaSql:
    rate = ctx.p("basic_cable.rate", "b.pp_date")
    plus_pictures = ctx.p("basic_cable.plus_ph_pictures", "b.pp_date")
    plus_licenses = ctx.p("basic_cable.plus_ph_licenses", "x.start_date")
    due = ctx.p("basic_cable.due_days", "b.pp_date")
    ph = ctx.p(PH, ph_day_sql(ctx.pack, PH, "b.pp_date"))
    # A license dated before the pack's first value (only in odd data) is not a plus-P&H license.
    inclusive = f"NOT ({plus_pictures} = 1 AND COALESCE({plus_licenses}, 0) = 1)"
    g = "COALESCE(x.gross_receipts_cents, 0)"
    return ctx.pool(f, {
        "component": "'basic_cable'",
        "basis_cents": g,
        "rate_ppm": rate,
        "pool_cents": ctx.pct(g, rate),
        "includes_ph": inclusive,
        "ph_rate_ppm": ph,
        "due_date": days_after_sql(quarter_end_sql("x.start_date"), due),
        "note": f"CASE WHEN {inclusive} THEN 'inclusive of P&H' ELSE 'plus P&H' END",
    }, units="units_182")


def _cable_reference(inputs: RefInputs, pack: Pack, f: Formula) -> list[RefLine]:
    lines: list[RefLine] = []
    for title_id, rows in rows_by_title(inputs, f).items():
        pp: dt.date = inputs.titles[title_id]["pp_date"]
        for x in rows:
            c = Consulted(pack)
            plus_licenses = c.get("basic_cable.plus_ph_licenses", x["start_date"])
            values = (c.get("basic_cable.rate", pp), c.get("basic_cable.plus_ph_pictures", pp),
                      c.get("basic_cable.due_days", pp), c.get(PH, ph_day(pack, PH, pp)))
            rate, plus_pictures, _, ph = values
            if any(v is None for v in values):
                continue
            assert rate is not None and ph is not None
            inclusive = not (plus_pictures == 1 and plus_licenses == 1)
            lines += pool_lines(inputs, x, apply_ppm(gross(x), rate), units_182, "basic_cable",
                                inclusive, ph, c.unverified)
    return lines


# --- supplemental markets other than cassettes (CBA §5.2) -----------------------------------

def _supplemental_sql(units: str) -> SqlBuilder:
    def build(ctx: SqlContext, f: Formula) -> FormulaSql:
        rate = ctx.p("supplemental.rate", "b.pp_date")
        inclusive = ctx.p("supplemental.includes_ph", "b.pp_date")
        due = ctx.p("supplemental.due_days", "b.pp_date")
        ph = ctx.p(PH, ph_day_sql(ctx.pack, PH, "b.pp_date"))
        g = "COALESCE(x.gross_receipts_cents, 0)"
        return ctx.pool(f, {
            "component": "'supplemental'",
            "basis_cents": g,
            "rate_ppm": rate,
            "pool_cents": ctx.pct(g, rate),
            "includes_ph": f"({inclusive} = 1)",
            "ph_rate_ppm": ph,
            "due_date": days_after_sql(quarter_end_sql("x.start_date"), due),
        }, units=units, where=_units_in_force_sql(ctx.pack, units))
    return build


def _supplemental_reference(units: str) -> Callable[[RefInputs, Pack, Formula], list[RefLine]]:
    def compute(inputs: RefInputs, pack: Pack, f: Formula) -> list[RefLine]:
        lines: list[RefLine] = []
        for title_id, rows in rows_by_title(inputs, f).items():
            title = inputs.titles[title_id]
            pp: dt.date = title["pp_date"]
            c = Consulted(pack, unverified=units == "units_78e" and tam_unverified(title, pack))
            values = (c.get("supplemental.rate", pp), c.get("supplemental.includes_ph", pp),
                      c.get("supplemental.due_days", pp), c.get(PH, ph_day(pack, PH, pp)))
            rate, inclusive, _, ph = values
            if any(v is None for v in values):
                continue
            assert rate is not None and ph is not None
            weight = WEIGHTS[units](inputs, pack, title)
            for x in rows:
                lines += pool_lines(inputs, x, apply_ppm(gross(x), rate), weight, "supplemental",
                                    bool(inclusive), ph, c.unverified)
        return lines
    return compute


# --- cassettes / DVD (CBA §5.2, 20% rule of TV Agreement §20) -------------------------------
# Cumulative DGR is kept exactly as wholesale cents × share (in ppm), so the breakpoint splits a
# row without rounding the DGR first; each row's pool is rounded once, half-up.

def home_video_pool(cum_before: int, cum_after: int, share_ppm: int, breakpoint_cents: int,
                    rate_first_ppm: int, rate_after_ppm: int) -> int:
    """Pool for a row whose wholesale receipts take the title's running total from cum_before to cum_after."""
    bp = breakpoint_cents * PPM

    def low(w: int) -> int:
        return min(w * share_ppm, bp)

    def high(w: int) -> int:
        return max(w * share_ppm - bp, 0)

    exact = rate_first_ppm * (low(cum_after) - low(cum_before)) + rate_after_ppm * (high(cum_after) - high(cum_before))
    return mul_div_half_up(exact, 1, PPM * PPM)


def _home_video_sql(units: str) -> SqlBuilder:
    def build(ctx: SqlContext, f: Formula) -> FormulaSql:
        share = ctx.p("supplemental.home_video_dgr_share", "b.pp_date")
        first = ctx.p("supplemental.home_video_rate_first", "b.pp_date")
        after = ctx.p("supplemental.home_video_rate_after", "b.pp_date")
        bp = ctx.p("supplemental.home_video_breakpoint", "b.pp_date")
        inclusive = ctx.p("supplemental.includes_ph", "b.pp_date")
        due = ctx.p("supplemental.due_days", "b.pp_date")
        ph = ctx.p(PH_HOME_VIDEO, ph_day_sql(ctx.pack, PH_HOME_VIDEO, "b.pp_date"))
        # DGR running totals in cent-ppm, and the breakpoint in the same unit.
        inner = running_gross_sql(f, {
            "d_before": f"CAST(x.cum_before AS HUGEINT) * {share}",
            "d_after": f"CAST(x.cum_gross AS HUGEINT) * {share}",
            "bp": f"CAST({bp} AS HUGEINT) * {PPM}",
        })
        exact = (f"({first} * (LEAST(x.d_after, x.bp) - LEAST(x.d_before, x.bp)) + {after} * "
                 "(GREATEST(x.d_after - x.bp, 0) - GREATEST(x.d_before - x.bp, 0)))")
        return ctx.pool(f, {
            "component": "'home_video'",
            "basis_cents": ctx.pct("x.row_gross", share),
            "rate_ppm": f"(CASE WHEN x.d_after > x.bp THEN {after} ELSE {first} END)",
            "pool_cents": f"CAST(({exact} + {PPM * PPM // 2}) // {PPM * PPM} AS BIGINT)",
            "includes_ph": f"({inclusive} = 1)",
            "ph_rate_ppm": ph,
            "due_date": days_after_sql(quarter_end_sql("x.start_date"), due),
            "note": ("CASE WHEN x.d_before < x.bp AND x.d_after > x.bp THEN 'crosses the DGR breakpoint: "
                     "split between the two rates' ELSE 'DGR is 20% of wholesale receipts' END"),
        }, units=units, from_=f"({inner}) x JOIN titles b ON b.title_id = x.title_id",
           where=_units_in_force_sql(ctx.pack, units))
    return build


def _home_video_reference(units: str) -> Callable[[RefInputs, Pack, Formula], list[RefLine]]:
    def compute(inputs: RefInputs, pack: Pack, f: Formula) -> list[RefLine]:
        lines: list[RefLine] = []
        for title_id, rows in rows_by_title(inputs, f).items():
            title = inputs.titles[title_id]
            pp: dt.date = title["pp_date"]
            c = Consulted(pack, unverified=units == "units_78e" and tam_unverified(title, pack))
            values = (c.get("supplemental.home_video_dgr_share", pp), c.get("supplemental.home_video_rate_first", pp),
                      c.get("supplemental.home_video_rate_after", pp), c.get("supplemental.home_video_breakpoint", pp),
                      c.get("supplemental.includes_ph", pp), c.get("supplemental.due_days", pp),
                      c.get(PH_HOME_VIDEO, ph_day(pack, PH_HOME_VIDEO, pp)))
            share, first, after, bp, inclusive, _, ph = values
            if any(v is None for v in values):
                continue
            assert share is not None and first is not None and after is not None and bp is not None
            assert ph is not None
            weight = WEIGHTS[units](inputs, pack, title)
            cum = 0
            for x in rows:
                before, cum = cum, cum + gross(x)
                pool = home_video_pool(before, cum, share, bp, first, after)
                lines += pool_lines(inputs, x, pool, weight, "home_video", bool(inclusive), ph, c.unverified)
        return lines
    return compute


SUPPLEMENTAL_PLAIN = ("When the picture earns money in supplemental markets such as pay television or in-flight "
                      "showings, the cast together is paid 3.6% of the distributor's receipts, plus pension and "
                      "health. ")
HOME_VIDEO_PLAIN = ("For DVDs and cassettes the distributor's receipts are counted as 20% of wholesale receipts; the "
                    "cast together is paid 4.5% of the first $1,000,000 so counted, and 5.4% of everything after, "
                    "plus pension and health. ")
TV_SHARES = "The cast's amount is shared by units: 3 for a series regular, 2 for a weekly performer, 1 for anyone else."
FEATURE_SHARES = ("The cast's amount is shared by time units (days and weeks worked, at most 5) plus salary units "
                  "(pay in multiples of scale, at most 10).")

FORMULAS = (
    Formula(
        id="tv.basic_cable",
        version="2014.1",
        title="Free-television picture released to basic cable",
        clause="2014 TV Agreement §18.1",
        markets=("basic_cable",),
        kinds=FREE_TV_KINDS,
        sql=_cable_sql,
        reference=_cable_reference,
        plain="When a picture made for free television is shown on basic cable, the cast together is paid a "
              "share of the distributor's receipts for each quarter: 7.5% for pictures filmed before July 1984 "
              "and 6% after, out of which pension and health contributions are paid; pictures filmed from July "
              "1998 under cable licenses made from July 2001 get 6% with pension and health paid on top. " + TV_SHARES,
    ),
    Formula(
        id="tv.supplemental",
        version="2014.1",
        title="Television picture in supplemental markets (other than cassettes)",
        clause="2014 TV Agreement §20.1 (CBA §5.2)",
        markets=("supplemental",),
        kinds=FREE_TV_KINDS,
        sql=_supplemental_sql("units_182"),
        reference=_supplemental_reference("units_182"),
        effective_from=TV_SUPPLEMENTAL_FROM,
        plain=SUPPLEMENTAL_PLAIN + TV_SHARES,
    ),
    Formula(
        id="tv.home_video",
        version="2014.1",
        title="Television picture on cassettes and DVD",
        clause="2014 TV Agreement §20.1 (CBA §5.2)",
        markets=("home_video",),
        kinds=FREE_TV_KINDS,
        sql=_home_video_sql("units_182"),
        reference=_home_video_reference("units_182"),
        effective_from=TV_SUPPLEMENTAL_FROM,
        plain=HOME_VIDEO_PLAIN + TV_SHARES,
    ),
    Formula(
        id="feature.supplemental",
        version="2014.1",
        title="Theatrical picture in supplemental markets (other than cassettes)",
        clause="CBA §5.2",
        markets=("supplemental",),
        kinds=FEATURE_KINDS,
        sql=_supplemental_sql("units_78e"),
        reference=_supplemental_reference("units_78e"),
        plain=SUPPLEMENTAL_PLAIN + FEATURE_SHARES,
    ),
    Formula(
        id="feature.home_video",
        version="2014.1",
        title="Theatrical picture on cassettes and DVD",
        clause="CBA §5.2",
        markets=("home_video",),
        kinds=FEATURE_KINDS,
        sql=_home_video_sql("units_78e"),
        reference=_home_video_reference("units_78e"),
        plain=HOME_VIDEO_PLAIN + FEATURE_SHARES,
    ),
)
