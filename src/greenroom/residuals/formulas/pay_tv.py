"""Programs made for pay TV or videodisc (2014 TV Agreement §78; reference §a9, distribution §a13).

Pay TV: initial compensation covers 10 exhibition days within one year of initial release on the
first U.S. pay service. Everything else (days beyond the 10, days after the first year, foreign pay
TV, a second pay service) pays 6% of the distributor's gross receipts plus P&H. Receipts are
allocated by equal weight per exhibition day, so a license row pays on gross × payable days ÷ days.
Videodisc: 6% plus P&H of receipts from net unit sales above 100,000 units (75,000 for dramas of the
network-prime-time type), the share of a row's receipts being its units above the threshold ÷ its
units. Release to basic cable: 6% of DGR plus P&H.

The money is split among the cast by §78(e) units (time + salary units), except that a cast of four
or fewer performers is paid 1.5% of the payable receipts each, an off-camera announcer 0.5%.
§78(g) charges late-payment interest only after notice, so these lines carry no due date.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from greenroom.contracts.params import Pack
from greenroom.money import apply_ppm, mul_div_half_up
from greenroom.residuals.basis import tam_unverified, units_78e_fifths
from greenroom.residuals.formulas._new_media_util import (
    PREV,
    Row,
    add_months,
    cite_when,
    per_title,
    scoped_rows,
    sql_add_months,
    with_title,
)
from greenroom.residuals.formulas.base import (
    Consulted,
    Formula,
    FormulaParts,
    FormulaSql,
    ReferenceImpl,
    RefInputs,
    RefLine,
    SqlContext,
    pool_lines,
)

CLAUSE = "2014 TV Agreement §78"
KINDS = ("made_for_pay",)
MOST = "pay_tv.small_cast_max_performers"
CAST_SIZE = "(SELECT COUNT(*) FROM basis m WHERE m.title_id = x.title_id AND m.entitled)"


def _units(title: Mapping[str, Any], pack: Pack) -> Callable[[Row], int]:
    return lambda e: units_78e_fifths(e, title, pack)


# ---------------------------------------------------------------- pay-TV exhibition days


def _exhibition_rows(ctx: SqlContext, f: Formula) -> str:
    """The title's pay-TV rows with their payable share of receipts (payable_cents) and a note."""
    free = ctx.p("pay_tv.free_exhibition_days", "b.pp_date")
    months = ctx.p("pay_tv.free_period_months", "b.pp_date")
    foreign = "COALESCE(x.territory, '') = 'FOREIGN'"
    # The first U.S. service is the platform of the earliest row that is not foreign.
    first = (f"FIRST_VALUE(x.platform) OVER (PARTITION BY x.title_id ORDER BY CASE WHEN {foreign} THEN 1 "
             "ELSE 0 END, x.start_date, x.exhibition_id ROWS BETWEEN UNBOUNDED PRECEDING AND UNBOUNDED "
             "FOLLOWING)")
    s1 = scoped_rows(f, f"{foreign} AS is_foreign, {free} AS free_days, COALESCE(x.exhibition_days, 0) AS days, "
                        f"x.start_date >= {sql_add_months('b.initial_release_date', months)} AS after_year, "
                        f"{first} AS first_platform")
    s2 = (f"SELECT x.*, NOT x.is_foreign AND NOT x.after_year "
          f"AND x.platform IS NOT DISTINCT FROM x.first_platform AS eligible FROM ({s1}) x")
    s3 = (f"SELECT x.*, CASE WHEN x.eligible THEN GREATEST(0, x.free_days - COALESCE(SUM(CASE WHEN x.eligible "
          f"THEN x.days ELSE 0 END) {PREV}, 0)) ELSE 0 END AS free_left FROM ({s2}) x")
    s4 = f"SELECT x.*, x.days - LEAST(x.days, x.free_left) AS payable_days FROM ({s3}) x"
    payable = (f"CASE WHEN x.gross_receipts_cents IS NULL THEN NULL "
               f"WHEN x.days = 0 THEN CASE WHEN x.free_left = 0 THEN x.gross_receipts_cents ELSE 0 END "
               f"ELSE {ctx.muldiv('x.gross_receipts_cents', 'x.payable_days', 'x.days')} END")
    note = ("CASE WHEN x.is_foreign THEN 'foreign pay TV: every day payable' "
            "WHEN x.after_year THEN 'more than a year after initial release: every day payable' "
            "WHEN NOT x.eligible THEN 'second pay service: every day payable' "
            "WHEN x.payable_days = 0 AND (x.days > 0 OR x.free_left > 0) "
            "THEN 'within the ' || x.free_days || ' free exhibition days' "
            "WHEN x.payable_days < x.days THEN x.payable_days || ' of ' || x.days || ' days beyond the free days' "
            "ELSE 'free exhibition days used up' END")
    return f"SELECT x.*, {payable} AS payable_cents, {note} AS payable_note FROM ({s4}) x"


# The pool rule takes casts above the limit; with no limit in force (COALESCE to 0) it takes the row
# too, so its NULL rate leaves the row unpriced and the engine reports the missing parameter.
def _large_cast(most: str) -> str:
    return f"{CAST_SIZE} > COALESCE({most}, 0)"


def _exhibition_sql(ctx: SqlContext, f: Formula) -> FormulaSql:
    inner = _exhibition_rows(ctx, f)
    most = ctx.p(MOST, "b.pp_date")
    rate = ctx.p("pay_tv.residual_rate", "b.pp_date")
    ph = ctx.p("ph.residuals_rate", "b.pp_date")
    return ctx.pool(f, {
        "component": "'pay_tv'",
        "basis_cents": "x.payable_cents",
        "rate_ppm": rate,
        "pool_cents": ctx.pct("x.payable_cents", rate),
        "ph_rate_ppm": ph,
        "note": "x.payable_note",
    }, units="units_78e", from_=with_title(inner), where=_large_cast(most))


def _small_cast_sql(ctx: SqlContext, f: Formula, inner: str, component: str, ph_param: str) -> FormulaSql:
    most = ctx.p(MOST, "b.pp_date")
    each = ctx.p("pay_tv.small_cast_performer_rate", "b.pp_date")
    announcer = ctx.p("pay_tv.announcer_rate", "b.pp_date")
    ph = ctx.p(ph_param, "b.pp_date")
    rate = f"(CASE WHEN b.category = 'announcer' THEN {announcer} ELSE {each} END)"
    return ctx.select(f, {
        "component": f"'{component}'",
        "basis_cents": "x.payable_cents",
        "rate_ppm": rate,
        "gross_cents": ctx.pct("x.payable_cents", rate),
        "ph_rate_ppm": ph,
        "note": "concat_ws('; ', NULLIF(x.payable_note, ''), CASE WHEN b.category = 'announcer' "
                "THEN 'small cast: off-camera announcer share' ELSE 'small cast: per-performer share' END)",
    }, rows=inner, where=f"{CAST_SIZE} <= {most}")


def _exhibition_small_sql(ctx: SqlContext, f: Formula) -> FormulaParts:
    return _small_cast_sql(ctx, f, _exhibition_rows(ctx, f), "pay_tv", "ph.residuals_rate")


# ---------------------------------------------------------------- videodisc


def _videodisc_rows(ctx: SqlContext, f: Formula) -> str:
    """The title's videodisc rows with the receipts from units above the threshold (payable_cents)."""
    drama = "b.genre = 'drama'"
    min_len = cite_when(ctx, drama, "pay_tv.drama_min_length_minutes", "b.pp_date")
    prime_drama = f"{drama} AND b.length_minutes >= {min_len}"
    usual = ctx.p("pay_tv.videodisc_threshold_units", "b.pp_date")
    dramas = ctx.p("pay_tv.videodisc_drama_threshold_units", "b.pp_date")
    s1 = scoped_rows(f, f"CASE WHEN {prime_drama} THEN {dramas} ELSE {usual} END AS threshold, "
                        f"COALESCE(x.units_sold, 0) AS units, "
                        f"COALESCE(SUM(COALESCE(x.units_sold, 0)) {PREV}, 0) AS units_before")
    s2 = ("SELECT x.*, LEAST(x.units, GREATEST(0, x.units_before + x.units - x.threshold)) AS units_above "
          f"FROM ({s1}) x")
    payable = (f"CASE WHEN x.gross_receipts_cents IS NULL THEN NULL "
               f"WHEN x.units = 0 THEN CASE WHEN x.units_before >= x.threshold THEN x.gross_receipts_cents "
               f"ELSE 0 END ELSE {ctx.muldiv('x.gross_receipts_cents', 'x.units_above', 'x.units')} END")
    note = ("CASE WHEN x.units_above = 0 AND (x.units > 0 OR x.units_before < x.threshold) "
            "THEN 'within the first ' || x.threshold || ' units' "
            "WHEN x.units_above < x.units THEN x.units_above || ' of ' || x.units || ' units above the threshold' "
            "ELSE '' END")
    return f"SELECT x.*, {payable} AS payable_cents, {note} AS payable_note FROM ({s2}) x"


def _videodisc_sql(ctx: SqlContext, f: Formula) -> FormulaSql:
    inner = _videodisc_rows(ctx, f)
    most = ctx.p(MOST, "b.pp_date")
    rate = ctx.p("pay_tv.videodisc_rate", "b.pp_date")
    ph = ctx.p("ph.supplemental_rate", "b.pp_date")
    return ctx.pool(f, {
        "component": "'videodisc'",
        "basis_cents": "x.payable_cents",
        "rate_ppm": rate,
        "pool_cents": ctx.pct("x.payable_cents", rate),
        "ph_rate_ppm": ph,
        "note": "x.payable_note",
    }, units="units_78e", from_=with_title(inner), where=_large_cast(most))


def _videodisc_small_sql(ctx: SqlContext, f: Formula) -> FormulaParts:
    return _small_cast_sql(ctx, f, _videodisc_rows(ctx, f), "videodisc", "ph.supplemental_rate")


# ---------------------------------------------------------------- release to basic cable


def _basic_cable_sql(ctx: SqlContext, f: Formula) -> FormulaSql:
    rate = ctx.p("pay_tv.basic_cable_rate", "b.pp_date")
    ph = ctx.p("ph.residuals_rate", "b.pp_date")
    return ctx.pool(f, {
        "component": "'basic_cable'",
        "basis_cents": "x.gross_receipts_cents",
        "rate_ppm": rate,
        "pool_cents": ctx.pct("x.gross_receipts_cents", rate),
        "ph_rate_ppm": ph,
    }, units="units_78e")


# ---------------------------------------------------------------- reference (plain Python)


def _exhibition_payables(c: Consulted, title: Row, rows: list[Row]) -> list[int | None]:
    """Python twin of _exhibition_rows: the payable share of each row's receipts, in row order."""
    def foreign(x: Row) -> bool:
        return x.get("territory") == "FOREIGN"

    free = c.need("pay_tv.free_exhibition_days", title["pp_date"])
    year_end = add_months(title["initial_release_date"], c.need("pay_tv.free_period_months", title["pp_date"]))
    first = sorted(rows, key=lambda x: (foreign(x), x["start_date"], str(x["exhibition_id"])))[0].get("platform")
    used, out = 0, list[int | None]()
    for x in rows:
        days, gross = int(x.get("exhibition_days") or 0), x.get("gross_receipts_cents")
        eligible = not foreign(x) and x["start_date"] < year_end and x.get("platform") == first
        free_left = max(0, free - used) if eligible else 0
        used += days if eligible else 0
        if gross is None:
            out.append(None)
        elif days == 0:
            out.append(int(gross) if free_left == 0 else 0)
        else:
            out.append(mul_div_half_up(int(gross), days - min(days, free_left), days))
    return out


def _videodisc_payables(c: Consulted, title: Row, rows: list[Row]) -> list[int | None]:
    """Python twin of _videodisc_rows: the receipts from units above the threshold, in row order."""
    pp = title["pp_date"]
    threshold = c.need("pay_tv.videodisc_threshold_units", pp)
    dramas = c.need("pay_tv.videodisc_drama_threshold_units", pp)
    if title.get("genre") == "drama" and title["length_minutes"] >= c.need("pay_tv.drama_min_length_minutes", pp):
        threshold = dramas
    before, out = 0, list[int | None]()
    for x in rows:
        units, gross = int(x.get("units_sold") or 0), x.get("gross_receipts_cents")
        above = min(units, max(0, before + units - threshold))
        if gross is None:
            out.append(None)
        elif units == 0:
            out.append(int(gross) if before >= threshold else 0)
        else:
            out.append(mul_div_half_up(int(gross), above, units))
        before += units
    return out


def _gross_payables(c: Consulted, title: Row, rows: list[Row]) -> list[int | None]:
    return [None if x.get("gross_receipts_cents") is None else int(x["gross_receipts_cents"]) for x in rows]


Payables = Callable[[Consulted, Row, list[Row]], list[int | None]]


def _pool_reference(payables: Payables, rate_id: str, ph_id: str, component: str,
                    small_cast_rule: bool = True) -> ReferenceImpl:
    def per_title_lines(inputs: RefInputs, pack: Pack, title: Row, rows: list[Row]) -> list[RefLine]:
        c = Consulted(pack, unverified=tam_unverified(title, pack))  # §78(e) units count multiples of scale
        pp, amounts = title["pp_date"], payables(c, title, rows)
        if small_cast_rule and len(inputs.cast_of(title["title_id"])) <= c.need(MOST, pp):
            return []
        rate, ph = c.need(rate_id, pp), c.need(ph_id, pp)
        units = _units(title, pack)
        return [line for x, payable in zip(rows, amounts, strict=True) if payable is not None
                for line in pool_lines(inputs, x, apply_ppm(payable, rate), units, component=component,
                                       includes_ph=False, ph_rate_ppm=ph, unverified=c.unverified)]
    return per_title(per_title_lines)


def _small_cast_reference(payables: Payables, ph_id: str, component: str) -> ReferenceImpl:
    def per_title_lines(inputs: RefInputs, pack: Pack, title: Row, rows: list[Row]) -> list[RefLine]:
        c = Consulted(pack)
        pp, amounts = title["pp_date"], payables(c, title, rows)
        cast = inputs.cast_of(title["title_id"])
        if len(cast) > c.need(MOST, pp):
            return []
        each, announcer = c.need("pay_tv.small_cast_performer_rate", pp), c.need("pay_tv.announcer_rate", pp)
        ph = c.need(ph_id, pp)
        return [RefLine(x["exhibition_id"], e["engagement_id"], e["performer_id"],
                        apply_ppm(payable, announcer if e["category"] == "announcer" else each),
                        component, False, ph, c.unverified)
                for x, payable in zip(rows, amounts, strict=True) if payable is not None for e in cast]
    return per_title(per_title_lines)


_UNITS = ("Each performer's share follows §78(e) units: time units (1/5 per day, 1 per week, at most 5) plus "
          "salary units (by multiples of scale, at most 10), divided by the whole cast's units.")
_SMALL = ("Because the cast is four performers or fewer, each performer is paid 1.5% of the payable receipts "
          "directly (an off-camera announcer 0.5%) instead of a share of a 6% pool.")

FORMULAS = (
    Formula(
        id="pay_tv.exhibition", version="2014.1", title="Pay-TV exhibition beyond the free days",
        clause=CLAUSE, markets=("pay_tv",), kinds=KINDS, sql=_exhibition_sql,
        reference=_pool_reference(_exhibition_payables, "pay_tv.residual_rate", "ph.residuals_rate", "pay_tv"),
        plain="A program made for pay TV may play 10 days in its first year on the first U.S. pay service "
              "without further payment. Receipts are spread evenly over the days a license covers; the "
              "part for days beyond those 10, days after the first year, foreign pay TV or a second pay "
              "service earns 6% for the cast, plus pension and health. " + _UNITS,
    ),
    Formula(
        id="pay_tv.exhibition_small_cast", version="2014.1",
        title="Pay-TV exhibition beyond the free days, small cast",
        clause=CLAUSE, markets=("pay_tv",), kinds=KINDS, sql=_exhibition_small_sql,
        reference=_small_cast_reference(_exhibition_payables, "ph.residuals_rate", "pay_tv"),
        plain="A program made for pay TV may play 10 days in its first year on the first U.S. pay service "
              "without further payment; receipts for any other days are payable. " + _SMALL,
    ),
    Formula(
        id="pay_tv.videodisc", version="2014.1", title="Videodisc sales of a made-for-pay program",
        clause=CLAUSE, markets=("pay_tv_videodisc",), kinds=KINDS, sql=_videodisc_sql,
        reference=_pool_reference(_videodisc_payables, "pay_tv.videodisc_rate", "ph.supplemental_rate", "videodisc"),
        plain="Once more than 100,000 videodiscs of a made-for-pay program are sold (75,000 for a drama "
              "of an hour or more), 6% of the producer's receipts from the further units goes to the cast, "
              "plus pension and health. " + _UNITS,
    ),
    Formula(
        id="pay_tv.videodisc_small_cast", version="2014.1",
        title="Videodisc sales of a made-for-pay program, small cast",
        clause=CLAUSE, markets=("pay_tv_videodisc",), kinds=KINDS, sql=_videodisc_small_sql,
        reference=_small_cast_reference(_videodisc_payables, "ph.supplemental_rate", "videodisc"),
        plain="Once more than 100,000 videodiscs of a made-for-pay program are sold (75,000 for a drama "
              "of an hour or more), the producer's receipts from the further units are payable. " + _SMALL,
    ),
    Formula(
        id="pay_tv.basic_cable", version="2014.1", title="Made-for-pay program released to basic cable",
        clause=CLAUSE, markets=("pay_tv_to_basic_cable",), kinds=KINDS, sql=_basic_cable_sql,
        reference=_pool_reference(_gross_payables, "pay_tv.basic_cable_rate", "ph.residuals_rate", "basic_cable",
                                   small_cast_rule=False),
        plain="When a program made for pay TV is licensed to basic cable, 6% of the distributor's receipts "
              "goes to the cast, plus pension and health. " + _UNITS,
    ),
)
