"""Foreign telecasts of television motion pictures (2014 TV Agreement §18(c); reference §a4).

Each performer is paid 15% of TAM on the picture's first foreign telecast, then 10% of TAM when
the Distributor's Foreign Gross (DFG, the running total of the title's foreign_tv receipts in date
order) first exceeds a step threshold, and 10% more when it exceeds a second, higher one. Beyond
an aggregate threshold by program length, all performers together share 3.6% of the DFG above it,
by §18.2 units. The aggregate thresholds (at least $365,000) all lie above the second step (at
most $24,000), so by the time the aggregate is paid every performer has had 35% of TAM, as §18(c)
requires; the formula does not need a separate check.
"""

from __future__ import annotations

import datetime as dt

from greenroom.contracts.params import Pack
from greenroom.money import apply_ppm, mul_div_half_up
from greenroom.residuals.basis import tam_cents, tam_unverified, units_182
from greenroom.residuals.formulas._foreign_util import (
    days_after_sql,
    gross,
    half_year_end_sql,
    ph_day,
    ph_day_sql,
    rows_by_title,
    running_gross_sql,
)
from greenroom.residuals.formulas.base import Consulted, Formula, FormulaSql, RefInputs, RefLine, SqlContext, pool_lines

FREE_TV_KINDS = ("network_series", "network_nonprime", "syndicated_series", "tv_movie")
PH = "ph.residuals_rate"
TAM_COMPONENTS = ("initial", "step_1", "step_2")


def aggregate_threshold(band_cents: int, length_minutes: int, prorata_hours: int) -> int:
    """The aggregate threshold: the length band's amount, or for programs longer than the top band
    the top band's amount × started hours ÷ the top band's hours (half-up to the cent)."""
    if length_minutes <= 60 * prorata_hours:
        return band_cents
    return mul_div_half_up(band_cents, (length_minutes + 59) // 60, prorata_hours)


def _tam_sql(ctx: SqlContext, f: Formula) -> FormulaSql:
    initial = ctx.p("foreign.initial_rate", "b.pp_date")
    step = ctx.p("foreign.step_rate", "b.pp_date")
    t1 = ctx.p("foreign.step_1_threshold", "b.pp_date", "b.length_minutes")
    t2 = ctx.p("foreign.step_2_threshold", "b.pp_date", "b.length_minutes")
    due_days = ctx.p("foreign.initial_due_days", "b.pp_date")
    limit = ctx.p("foreign.initial_due_limit_months", "b.pp_date")
    periodic = ctx.p("foreign.periodic_due_days", "b.pp_date")
    ph = ctx.p(PH, ph_day_sql(ctx.pack, PH, "b.pp_date"))
    ctx.cite("b.tam_params", "b.tam_unverified")

    def crosses(t: str) -> str:
        return f"(x.cum_before <= {t} AND x.cum_gross > {t})"

    # One candidate line per component; WHERE keeps those this row triggers.
    comps = ", ".join(f"('{c}')" for c in TAM_COMPONENTS)
    rows = f"SELECT x.*, c.component AS part FROM ({running_gross_sql(f)}) x CROSS JOIN (VALUES {comps}) c(component)"
    triggered = (f"(x.part = 'initial' AND x.seq = 1) OR (x.part = 'step_1' AND {crosses(t1)}) "
                 f"OR (x.part = 'step_2' AND {crosses(t2)})")
    rate = f"(CASE WHEN x.part = 'initial' THEN {initial} ELSE {step} END)"
    initial_due = (f"LEAST({days_after_sql('x.start_date', due_days)}, "
                   f"CAST(x.start_date + to_months(CAST({limit} AS INTEGER)) AS DATE))")
    return ctx.select(f, {
        "component": "x.part",
        "basis_cents": "b.tam_cents",
        "rate_ppm": rate,
        "gross_cents": ctx.pct("b.tam_cents", rate),
        "ph_rate_ppm": ph,
        "due_date": (f"CASE WHEN x.part = 'initial' THEN {initial_due} "
                     f"ELSE {days_after_sql(half_year_end_sql('x.start_date'), periodic)} END"),
        "note": ("CASE x.part WHEN 'initial' THEN 'first foreign telecast' "
                 "WHEN 'step_1' THEN 'foreign gross passed the first step' "
                 "ELSE 'foreign gross passed the second step' END"),
    }, rows=rows, where=triggered)


def _tam_reference(inputs: RefInputs, pack: Pack, f: Formula) -> list[RefLine]:
    lines: list[RefLine] = []
    for title_id, rows in rows_by_title(inputs, f).items():
        title = inputs.titles[title_id]
        pp: dt.date = title["pp_date"]
        c = Consulted(pack, unverified=tam_unverified(title, pack))
        length = int(title["length_minutes"])
        values = (c.get("foreign.initial_rate", pp), c.get("foreign.step_rate", pp),
                  c.get("foreign.step_1_threshold", pp, length), c.get("foreign.step_2_threshold", pp, length),
                  c.get("foreign.initial_due_days", pp), c.get("foreign.initial_due_limit_months", pp),
                  c.get("foreign.periodic_due_days", pp), c.get(PH, ph_day(pack, PH, pp)))
        initial, step, t1, t2, _, _, _, ph = values
        if any(v is None for v in values):  # before the agreement: the engine reports an exception
            continue
        assert initial is not None and step is not None and t1 is not None and t2 is not None and ph is not None
        cum = 0
        for seq, x in enumerate(rows, 1):
            before, cum = cum, cum + gross(x)
            rates = {"initial": initial if seq == 1 else None,
                     "step_1": step if before <= t1 < cum else None,
                     "step_2": step if before <= t2 < cum else None}
            for component, rate in rates.items():
                if rate is None:
                    continue
                for e in inputs.cast_of(title_id):
                    tam = tam_cents(e, title, pack)
                    if tam is None:
                        continue
                    lines.append(RefLine(x["exhibition_id"], e["engagement_id"], e["performer_id"],
                                         apply_ppm(tam, rate), component, False, ph, c.unverified))
    return lines


def _aggregate_sql(ctx: SqlContext, f: Formula) -> FormulaSql:
    rate = ctx.p("foreign.aggregate_rate", "b.pp_date")
    band = ctx.p("foreign.aggregate_threshold", "b.pp_date", "b.length_minutes")
    hours = ctx.p("foreign.aggregate_prorata_hours", "b.pp_date")
    periodic = ctx.p("foreign.periodic_due_days", "b.pp_date")
    inclusive = ctx.p("foreign.aggregate_includes_ph", "b.pp_date")
    ph = ctx.p(PH, ph_day_sql(ctx.pack, PH, "b.pp_date"))
    threshold = (f"(CASE WHEN b.length_minutes > 60 * {hours} "
                 f"THEN {ctx.muldiv(band, '(b.length_minutes + 59) // 60', hours)} ELSE {band} END)")
    inner = running_gross_sql(f, {"threshold_cents": threshold})
    # The part of this row's gross that lies above the threshold on the running total.
    excess = "(GREATEST(x.cum_gross - x.threshold_cents, 0) - GREATEST(x.cum_before - x.threshold_cents, 0))"
    return ctx.pool(f, {
        "component": "'aggregate'",
        "basis_cents": f"CAST({excess} AS BIGINT)",
        "rate_ppm": rate,
        "pool_cents": ctx.pct(excess, rate),
        "includes_ph": f"({inclusive} = 1)",
        "ph_rate_ppm": ph,
        "due_date": days_after_sql(half_year_end_sql("x.start_date"), periodic),
        "note": ("CASE WHEN x.cum_gross <= x.threshold_cents THEN 'foreign gross has not passed the "
                 "aggregate threshold' WHEN x.cum_before < x.threshold_cents THEN 'foreign gross passed "
                 "the aggregate threshold in this period' ELSE '' END"),
    }, units="units_182", from_=f"({inner}) x JOIN titles b ON b.title_id = x.title_id")


def _aggregate_reference(inputs: RefInputs, pack: Pack, f: Formula) -> list[RefLine]:
    lines: list[RefLine] = []
    for title_id, rows in rows_by_title(inputs, f).items():
        title = inputs.titles[title_id]
        pp: dt.date = title["pp_date"]
        length = int(title["length_minutes"])
        c = Consulted(pack)
        values = (c.get("foreign.aggregate_rate", pp), c.get("foreign.aggregate_threshold", pp, length),
                  c.get("foreign.aggregate_prorata_hours", pp), c.get("foreign.periodic_due_days", pp),
                  c.get("foreign.aggregate_includes_ph", pp), c.get(PH, ph_day(pack, PH, pp)))
        rate, band, hours, _, inclusive, ph = values
        if any(v is None for v in values):
            continue
        assert rate is not None and band is not None and hours is not None and ph is not None
        threshold = aggregate_threshold(band, length, hours)
        cum = 0
        for x in rows:
            before, cum = cum, cum + gross(x)
            excess = max(cum - threshold, 0) - max(before - threshold, 0)
            lines += pool_lines(inputs, x, apply_ppm(excess, rate), units_182, "aggregate",
                                bool(inclusive), ph, c.unverified)
    return lines


FORMULAS = (
    Formula(
        id="tv.foreign_telecast",
        version="2014.1",
        title="Foreign telecast of a television picture: initial and step payments",
        clause="2014 TV Agreement §18(c)",
        markets=("foreign_tv",),
        kinds=FREE_TV_KINDS,
        sql=_tam_sql,
        reference=_tam_reference,
        plain="When a television picture is first shown on television outside the U.S. and Canada, each "
              "performer is paid 15% of their total applicable minimum (TAM), plus pension and health. As "
              "the distributor's foreign receipts for the picture add up, each performer gets another 10% "
              "of TAM when they pass a first amount ($7,000 for a half-hour, $13,000 for an hour, $18,000 "
              "for 90 minutes or more) and 10% more when they pass a second ($10,000 / $18,000 / $24,000).",
    ),
    Formula(
        id="tv.foreign_aggregate",
        version="2014.1",
        title="Foreign telecast of a television picture: aggregate share of foreign gross",
        clause="2014 TV Agreement §18(c)",
        markets=("foreign_tv",),
        kinds=FREE_TV_KINDS,
        sql=_aggregate_sql,
        reference=_aggregate_reference,
        plain="Once the distributor's foreign receipts for a picture pass a large amount set by its length "
              "($365,000 for a half-hour, $730,000 for an hour, $1,860,000 for up to two hours, and so on), "
              "the cast together is paid 3.6% of every further dollar, shared by units: 3 for a series "
              "regular, 2 for a weekly performer, 1 for anyone else.",
    ),
)
