"""New-media residuals: reuse of traditional product (2014 Sideletter I; reference §a10) and
made-for-new-media programs outside High Budget SVOD (2014 Sideletter H, 2020 MOA; reference §a11).

Sideletter I: rental/subscription licenses pay 3.6% of the distributor's gross inclusive of P&H;
download-to-own pays a percentage of 20% of the distributor's gross that steps up after the first
50,000 (theatrical) or 100,000 (television) units; free ad-supported streaming (AVOD) of a television
picture is free for a short window, then pays each performer a share of TAM per 26-week period for a
year, then 6% of the distributor's gross plus P&H; AVOD of a theatrical picture pays 3.6% of the
gross, P&H included (¶2.B).
Sideletter H: derivative programs pay a flat fee per performer per 26-week AVOD period for the year
after the first 13 weeks, then 6% of the gross; consumer-pay use beyond 26 weeks pays 3.6% of the
gross (original programs only when budgeted at $25,000 a minute or more).
Traditional-media use of new-media programs (prime-time ceilings prorated in 5-minute steps) belongs
to the free-TV formulas. The reference gives no payment period for these rules, so lines carry no
due date. Aggregate amounts are split by §18.2 units.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from greenroom.contracts.params import Pack
from greenroom.money import apply_ppm, mul_div_half_up
from greenroom.residuals.basis import tam_cents, tam_unverified, units_182
from greenroom.residuals.formulas._new_media_util import (
    PREV,
    Row,
    add_months,
    cite_when,
    per_title,
    scoped_rows,
    sql_add_days,
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
    SqlBuilder,
    SqlContext,
    pool_lines,
)

TV_KINDS = ("network_series", "network_nonprime", "syndicated_series", "tv_movie", "made_for_pay")
TRADITIONAL = TV_KINDS + ("theatrical_feature",)
NEW_MEDIA = ("new_media_derivative", "new_media_original")
PPM2 = 1_000_000 * 1_000_000




def _union(*parts: FormulaSql) -> tuple[FormulaSql, ...]:
    return parts


def _pool182(inputs: RefInputs, x: Row, pool_cents: int, component: str, includes_ph: bool, ph: int,
             unverified: bool) -> list[RefLine]:
    return pool_lines(inputs, x, pool_cents, units_182, component=component, includes_ph=includes_ph,
                      ph_rate_ppm=ph, unverified=unverified)


# ------------------------------------ share of receipts, P&H included (rental ¶1.A; theatrical AVOD ¶2.B)


def _receipts_sql(rate_id: str, component: str) -> SqlBuilder:
    def build(ctx: SqlContext, f: Formula) -> FormulaSql:
        rate = ctx.p(rate_id, "b.pp_date")
        ph = ctx.p("ph.residuals_rate", "b.pp_date")
        return ctx.pool(f, {
            "component": f"'{component}'",
            "basis_cents": "x.gross_receipts_cents",
            "rate_ppm": rate,
            "pool_cents": ctx.pct("x.gross_receipts_cents", rate),
            "includes_ph": "TRUE",
            "ph_rate_ppm": ph,
        }, units="units_182")
    return build


def _receipts_reference(rate_id: str, component: str) -> ReferenceImpl:
    def per_title_lines(inputs: RefInputs, pack: Pack, title: Row, rows: list[Row]) -> list[RefLine]:
        c = Consulted(pack)
        rate, ph = c.need(rate_id, title["pp_date"]), c.need("ph.residuals_rate", title["pp_date"])
        return [line for x in rows if x.get("gross_receipts_cents") is not None
                for line in _pool182(inputs, x, apply_ppm(int(x["gross_receipts_cents"]), rate), component, True,
                                     ph, c.unverified)]
    return per_title(per_title_lines)


# ---------------------------------------------------------------- electronic sell-through (Sideletter I)


@dataclass(frozen=True)
class _Est:
    breakpoint: str  # parameter ids for the picture class
    after: str


_EST = {"theatrical": _Est("new_media.est_breakpoint_units_theatrical", "new_media.est_rate_after_theatrical"),
        "tv": _Est("new_media.est_breakpoint_units_tv", "new_media.est_rate_after_tv")}


def _est_rows(ctx: SqlContext, f: Formula, params: _Est) -> str:
    """The title's sell-through rows with the receipts for units up to the breakpoint (gross_first)."""
    bp = ctx.p(params.breakpoint, "b.pp_date")
    s1 = scoped_rows(f, f"{bp} AS breakpoint, COALESCE(x.units_sold, 0) AS units, "
                        f"COALESCE(SUM(COALESCE(x.units_sold, 0)) {PREV}, 0) AS units_before")
    s2 = f"SELECT x.*, LEAST(x.units, GREATEST(0, x.breakpoint - x.units_before)) AS units_first FROM ({s1}) x"
    first = (f"CASE WHEN x.units = 0 THEN CASE WHEN x.units_before < x.breakpoint THEN x.gross_receipts_cents "
             f"ELSE 0 END ELSE {ctx.muldiv('x.gross_receipts_cents', 'x.units_first', 'x.units')} END")
    return f"SELECT x.*, {first} AS gross_first, x.gross_receipts_cents - {first} AS gross_beyond FROM ({s2}) x"


def _est_tier_sql(ctx: SqlContext, f: Formula, params: _Est, beyond: bool) -> FormulaSql:
    inner = _est_rows(ctx, f, params)
    share = ctx.p("new_media.est_dg_share", "b.pp_date")
    rate = ctx.p(params.after if beyond else "new_media.est_rate_first_units", "b.pp_date")
    ph = ctx.p("ph.supplemental_rate", "b.pp_date")
    gross = "x.gross_beyond" if beyond else "x.gross_first"
    scaled = f"CAST({rate} AS BIGINT) * {share}"  # rate × share in ppm², beyond 32 bits
    if beyond:
        where = "x.units_first < x.units OR (x.units = 0 AND x.units_before >= x.breakpoint)"
        note = "'units beyond the first ' || x.breakpoint"
    else:
        where = "x.units_first > 0 OR (x.units = 0 AND x.units_before < x.breakpoint)"
        note = "'units within the first ' || x.breakpoint"
    return ctx.pool(f, {
        "component": "'est_beyond_units'" if beyond else "'est_first_units'",
        "basis_cents": gross,
        "rate_ppm": f"{scaled} // 1000000",
        "pool_cents": ctx.muldiv(gross, scaled, str(PPM2)),
        "includes_ph": "TRUE",
        "ph_rate_ppm": ph,
        "note": note,
    }, units="units_182", from_=with_title(inner), where=where)


def _est_sql(kind: str) -> SqlBuilder:
    def build(ctx: SqlContext, f: Formula) -> FormulaParts:
        fresh = SqlContext(ctx.pack)  # each tier cites only its own rate
        return _union(_est_tier_sql(ctx, f, _EST[kind], False), _est_tier_sql(fresh, f, _EST[kind], True))
    return build


def _est_reference(kind: str) -> ReferenceImpl:
    params = _EST[kind]

    def per_title_lines(inputs: RefInputs, pack: Pack, title: Row, rows: list[Row]) -> list[RefLine]:
        pp = title["pp_date"]
        tiers = []
        for name, rate_id in (("est_first_units", "new_media.est_rate_first_units"),
                              ("est_beyond_units", params.after)):
            c = Consulted(pack)
            bp = c.need(params.breakpoint, pp)
            scaled = c.need("new_media.est_dg_share", pp) * c.need(rate_id, pp)
            tiers.append((name, c, scaled, c.need("ph.supplemental_rate", pp)))
        lines: list[RefLine] = []
        before = 0
        for x in rows:
            units, gross = int(x.get("units_sold") or 0), x.get("gross_receipts_cents")
            first_units = min(units, max(0, bp - before))
            if gross is not None:
                g = int(gross)
                g_first = (g if before < bp else 0) if units == 0 else mul_div_half_up(g, first_units, units)
                parts = (
                    (g_first, first_units > 0 or (units == 0 and before < bp)),
                    (g - g_first, first_units < units or (units == 0 and before >= bp)),
                )
                for (name, c, scaled, ph), (part, applies) in zip(tiers, parts, strict=True):
                    if applies:
                        lines += _pool182(inputs, x, mul_div_half_up(part, scaled, PPM2), name, True, ph,
                                          c.unverified)
            before += units
        return lines
    return per_title(per_title_lines)


# ---------------------------------------------------------------- AVOD (Sideletter I; Sideletter H derivative)


def _avod_rows(ctx: SqlContext, f: Formula, window_days: str) -> str:
    """The title's AVOD rows: days inside the paid year (after the free window), the weeks first paid by
    this row (paid_weeks, capped at two 26-week periods per title) and the days after the paid year."""
    months = ctx.p("new_media.avod_paid_period_months", "b.pp_date")
    period = ctx.p("new_media.avod_period_weeks", "b.pp_date")
    periods = ctx.p("new_media.avod_max_periods", "b.pp_date")
    paid_from = sql_add_days("b.initial_release_date", window_days)
    s1 = scoped_rows(f, f"GREATEST(x.start_date, COALESCE(x.end_date, x.start_date)) AS last_day, "
                        f"{paid_from} AS paid_from, {sql_add_months(paid_from, months)} AS paid_until, "
                        f"{period} AS period_weeks, {period} * {periods} AS max_weeks")
    s2 = (f"SELECT x.*, GREATEST(x.start_date, x.paid_from) AS y_start, LEAST(x.last_day, x.paid_until - 1) "
          f"AS y_end FROM ({s1}) x")
    s3 = (f"SELECT x.*, GREATEST(0, x.y_end - x.y_start + 1) AS year_days, "
          f"MAX(CASE WHEN x.y_end >= x.y_start THEN x.y_end END) {PREV} AS covered_to FROM ({s2}) x")
    # Days another row already covered are not paid twice: rows are in start order, so what is new
    # in this row is what lies after the latest covered day.
    s4 = (f"SELECT x.*, CASE WHEN x.year_days = 0 THEN 0 ELSE (GREATEST(0, x.y_end - GREATEST(x.y_start, "
          f"COALESCE(x.covered_to + 1, x.y_start)) + 1) + 6) // 7 END AS weeks FROM ({s3}) x")
    return (f"SELECT x.*, LEAST(x.weeks, GREATEST(0, x.max_weeks - COALESCE(SUM(x.weeks) {PREV}, 0))) "
            f"AS paid_weeks, GREATEST(0, x.last_day - GREATEST(x.start_date, x.paid_until) + 1) AS after_days, "
            f"x.last_day - x.start_date + 1 AS total_days FROM ({s4}) x")


_YEAR_NOTE = ("concat_ws('; ', CASE WHEN x.weeks = 0 THEN 'these days were already paid by an earlier row' "
              "WHEN x.paid_weeks = 0 THEN 'the two 26-week periods are already paid' "
              "WHEN x.paid_weeks < x.weeks THEN x.paid_weeks || ' of ' || x.weeks || ' weeks paid (two-period "
              "maximum)' WHEN x.paid_weeks < x.period_weeks THEN x.paid_weeks || ' of ' || x.period_weeks || "
              "' weeks (prorated weekly)' END, CASE WHEN x.start_date < x.paid_from THEN 'days in the free "
              "window not paid' END, CASE WHEN x.after_days > 0 AND x.gross_receipts_cents IS NULL THEN "
              "'receipts for days after the paid year missing: not priced' END)")


def _avod_free_sql(ctx: SqlContext, f: Formula, window_days: str) -> FormulaSql:
    inner = _avod_rows(ctx, f, window_days)
    return ctx.select(f, {
        "component": "'free_window'",
        "gross_cents": "CASE WHEN x.paid_until IS NOT NULL THEN CAST(0 AS BIGINT) END",  # NULL: no parameters
        "note": "'within the free streaming window after initial release'",
    }, rows=inner, where="x.year_days = 0 AND x.after_days = 0")


def _avod_after_sql(ctx: SqlContext, f: Formula, window_days: str, rate_id: str) -> FormulaSql:
    inner = _avod_rows(ctx, f, window_days)
    rate = ctx.p(rate_id, "b.pp_date")
    ph = ctx.p("ph.residuals_rate", "b.pp_date")
    gross = ctx.muldiv("x.gross_receipts_cents", "x.after_days", "x.total_days")
    return ctx.pool(f, {
        "component": "'after_first_year'",
        "period_start": "GREATEST(x.start_date, x.paid_until)",
        "basis_cents": gross,
        "rate_ppm": rate,
        "pool_cents": ctx.pct(gross, rate),
        "ph_rate_ppm": ph,
        "note": "CASE WHEN x.gross_receipts_cents IS NULL THEN 'no receipts reported for the days after the paid "
                "year: not priced' WHEN x.after_days < x.total_days THEN x.after_days || ' of ' || x.total_days || "
                "' days after the paid year' ELSE '' END",
    }, units="units_182", from_=with_title(inner), where="x.after_days > 0")


def _tv_window(ctx: SqlContext) -> str:
    usual = ctx.p("new_media.avod_free_window_days", "b.pp_date")
    children = ctx.p("new_media.avod_free_window_days_children", "b.pp_date")
    return f"(CASE WHEN b.genre = 'children' THEN {children} ELSE {usual} END)"


def _derivative_window(ctx: SqlContext) -> str:
    return f"(7 * {ctx.p('new_media.derivative_initial_avod_weeks', 'b.pp_date')})"


def _avod_tv_sql(ctx: SqlContext, f: Formula) -> FormulaParts:
    year_ctx, after_ctx = SqlContext(ctx.pack), SqlContext(ctx.pack)
    inner = _avod_rows(year_ctx, f, _tv_window(year_ctx))
    rate = year_ctx.p("new_media.avod_tam_rate", "b.pp_date")
    ph = year_ctx.p("ph.residuals_rate", "b.pp_date")
    year_ctx.cite("b.tam_params", "b.tam_unverified")
    year = year_ctx.select(f, {
        "component": "'first_year'",
        "basis_cents": "b.tam_cents",
        "rate_ppm": rate,
        "units": "x.paid_weeks",
        "gross_cents": year_ctx.muldiv("b.tam_cents", f"({rate}) * x.paid_weeks", "x.period_weeks * 1000000"),
        "ph_rate_ppm": ph,
        "note": _YEAR_NOTE,
    }, rows=inner, where="x.year_days > 0")
    return _union(_avod_free_sql(ctx, f, _tv_window(ctx)), year,
                  _avod_after_sql(after_ctx, f, _tv_window(after_ctx), "new_media.avod_after_year_rate"))


def _avod_derivative_sql(ctx: SqlContext, f: Formula) -> FormulaParts:
    year_ctx, after_ctx = SqlContext(ctx.pack), SqlContext(ctx.pack)
    inner = _avod_rows(year_ctx, f, _derivative_window(year_ctx))
    fee = year_ctx.p("new_media.derivative_avod_fee", "b.pp_date", "b.length_minutes")
    ph = year_ctx.p("ph.residuals_rate", "b.pp_date")
    year = year_ctx.select(f, {
        "component": "'first_year'",
        "basis_cents": fee,
        "units": "x.paid_weeks",
        "gross_cents": year_ctx.muldiv(fee, "x.paid_weeks", "x.period_weeks"),
        "ph_rate_ppm": ph,
        "note": _YEAR_NOTE,
    }, rows=inner, where="x.year_days > 0")
    return _union(_avod_free_sql(ctx, f, _derivative_window(ctx)), year,
                  _avod_after_sql(after_ctx, f, _derivative_window(after_ctx), "new_media.derivative_after_year_rate"))


@dataclass(frozen=True)
class _AvodRow:
    x: Row
    year_days: int
    paid_weeks: int
    after_days: int
    total_days: int


def _avod_split(rows: list[Row], paid_from: dt.date, months: int, max_weeks: int) -> list[_AvodRow]:
    """Python twin of _avod_rows."""
    paid_until = add_months(paid_from, months)
    covered_to: dt.date | None = None
    weeks_before, out = 0, []
    one = dt.timedelta(days=1)
    for x in rows:
        start: dt.date = x["start_date"]
        last = max(start, x.get("end_date") or start)
        y_start, y_end = max(start, paid_from), min(last, paid_until - one)
        year_days = max(0, (y_end - y_start).days + 1)
        weeks = 0
        if year_days:
            new_from = y_start if covered_to is None else max(y_start, covered_to + one)
            weeks = (max(0, (y_end - new_from).days + 1) + 6) // 7
            covered_to = y_end if covered_to is None else max(covered_to, y_end)
        paid = min(weeks, max(0, max_weeks - weeks_before))
        weeks_before += weeks
        after_days = max(0, (last - max(start, paid_until)).days + 1)
        out.append(_AvodRow(x, year_days, paid, after_days, (last - start).days + 1))
    return out


def _avod_reference(derivative: bool) -> ReferenceImpl:
    def per_title_lines(inputs: RefInputs, pack: Pack, title: Row, rows: list[Row]) -> list[RefLine]:
        pp = title["pp_date"]
        window = Consulted(pack)
        if derivative:
            days = 7 * window.need("new_media.derivative_initial_avod_weeks", pp)
        else:
            usual = window.need("new_media.avod_free_window_days", pp)
            children = window.need("new_media.avod_free_window_days_children", pp)
            days = children if title.get("genre") == "children" else usual
        months = window.need("new_media.avod_paid_period_months", pp)
        period = window.need("new_media.avod_period_weeks", pp)
        max_weeks = period * window.need("new_media.avod_max_periods", pp)
        year = Consulted(pack, unverified=window.unverified or (not derivative and tam_unverified(title, pack)))
        if derivative:
            fee = year.need("new_media.derivative_avod_fee", pp, int(title["length_minutes"]))
        else:
            rate = year.need("new_media.avod_tam_rate", pp)
        year_ph = year.need("ph.residuals_rate", pp)
        after = Consulted(pack, unverified=window.unverified)
        after_rate = after.need("new_media.derivative_after_year_rate" if derivative
                                else "new_media.avod_after_year_rate", pp)
        after_ph = after.need("ph.residuals_rate", pp)

        def first_year(e: Row, paid_weeks: int) -> int:
            if derivative:
                return mul_div_half_up(fee, paid_weeks, period)
            tam = tam_cents(e, title, pack)
            assert tam is not None
            return mul_div_half_up(tam, rate * paid_weeks, period * 1_000_000)

        lines: list[RefLine] = []
        cast = inputs.cast_of(title["title_id"])
        paid_from = title["initial_release_date"] + dt.timedelta(days=days)
        for r in _avod_split(rows, paid_from, months, max_weeks):
            x = r.x
            if r.year_days == 0 and r.after_days == 0:
                lines += [RefLine(x["exhibition_id"], e["engagement_id"], e["performer_id"], 0, "free_window",
                                  False, 0, window.unverified) for e in cast]
            if r.year_days:
                lines += [RefLine(x["exhibition_id"], e["engagement_id"], e["performer_id"],
                                  first_year(e, r.paid_weeks), "first_year", False, year_ph, year.unverified)
                          for e in cast]
            if r.after_days and x.get("gross_receipts_cents") is not None:
                part = mul_div_half_up(int(x["gross_receipts_cents"]), r.after_days, r.total_days)
                lines += _pool182(inputs, x, apply_ppm(part, after_rate), "after_first_year", False, after_ph,
                                  after.unverified)
        return lines
    return per_title(per_title_lines)


# ---------------------------------------------------------------- consumer pay (Sideletter H)


def _consumer_pay_sql(ctx: SqlContext, f: Formula) -> FormulaSql:
    weeks = ctx.p("new_media.consumer_pay_free_weeks", "b.pp_date")
    original = "b.kind = 'new_media_original'"
    per_minute = cite_when(ctx, original, "new_media.original_budget_per_minute_cents", "b.pp_date")
    rate = ctx.p("new_media.consumer_pay_rate", "b.pp_date")
    ph = ctx.p("ph.residuals_rate", "b.pp_date")
    paid_from = sql_add_days("b.initial_release_date", f"7 * {weeks}")
    s1 = scoped_rows(f, f"GREATEST(x.start_date, COALESCE(x.end_date, x.start_date)) AS last_day, "
                        f"{original} AND b.budget_cents IS NULL AS budget_unknown, "
                        f"{original} AND b.budget_cents < {per_minute} * b.length_minutes AS low_budget")
    s2 = (f"SELECT x.*, GREATEST(0, x.last_day - GREATEST(x.start_date, {paid_from}) + 1) AS paid_days, "
          f"x.last_day - x.start_date + 1 AS total_days FROM ({s1}) x JOIN titles b ON b.title_id = x.title_id")
    payable = (f"CASE WHEN x.budget_unknown OR x.gross_receipts_cents IS NULL THEN NULL WHEN x.low_budget THEN 0 "
               f"ELSE {ctx.muldiv('x.gross_receipts_cents', 'x.paid_days', 'x.total_days')} END")
    note = ("CASE WHEN x.budget_unknown THEN 'budget unknown: the $25,000-a-minute test cannot be applied' "
            "WHEN x.low_budget THEN 'original program budgeted under $25,000 a minute: no consumer-pay residual' "
            "WHEN x.paid_days = 0 THEN 'within the first 26 weeks, covered by initial compensation' "
            "WHEN x.paid_days < x.total_days THEN x.paid_days || ' of ' || x.total_days || "
            "' days beyond the first 26 weeks' ELSE '' END")
    return ctx.pool(f, {
        "component": "'consumer_pay'",
        "basis_cents": payable,
        "rate_ppm": rate,
        "pool_cents": ctx.pct(payable, rate),
        "includes_ph": "TRUE",
        "ph_rate_ppm": ph,
        "note": note,
    }, units="units_182", from_=with_title(s2))


def _consumer_pay_reference(inputs: RefInputs, pack: Pack, title: Row, rows: list[Row]) -> list[RefLine]:
    pp = title["pp_date"]
    c = Consulted(pack)
    paid_from = title["initial_release_date"] + dt.timedelta(days=7 * c.need("new_media.consumer_pay_free_weeks", pp))
    original = title["kind"] == "new_media_original"
    per_minute = c.need("new_media.original_budget_per_minute_cents", pp) if original else 0
    rate, ph = c.need("new_media.consumer_pay_rate", pp), c.need("ph.residuals_rate", pp)
    budget = title.get("budget_cents")
    if original and budget is None:
        return []  # unpriced: the engine lists the rows as exceptions
    low = original and int(budget or 0) < per_minute * int(title["length_minutes"])
    lines: list[RefLine] = []
    for x in rows:
        if x.get("gross_receipts_cents") is None:
            continue
        start: dt.date = x["start_date"]
        last = max(start, x.get("end_date") or start)
        paid_days = max(0, (last - max(start, paid_from)).days + 1)
        payable = 0 if low else mul_div_half_up(int(x["gross_receipts_cents"]), paid_days, (last - start).days + 1)
        lines += _pool182(inputs, x, apply_ppm(payable, rate), "consumer_pay", True, ph, c.unverified)
    return lines


_POOL = "The amount is shared among the cast by §18.2 units (series regular 3, weekly performer 2, others 1)."

FORMULAS = (
    Formula(
        id="new_media.rental", version="2014.1", title="New-media rental or subscription license",
        clause="2014 Sideletter I ¶1.A", markets=("nm_rental",), kinds=TRADITIONAL,
        sql=_receipts_sql("new_media.rental_rate", "rental"),
        reference=_receipts_reference("new_media.rental_rate", "rental"),
        plain="When a film or television program is licensed to a rental or subscription streaming service "
              "for a limited time, 3.6% of the distributor's receipts goes to the cast, pension and health "
              "included. " + _POOL,
    ),
    Formula(
        id="new_media.est_tv", version="2014.1", title="Electronic sell-through of a television picture",
        clause="2014 Sideletter I (electronic sell-through)", markets=("nm_est",), kinds=TV_KINDS,
        sql=_est_sql("tv"), reference=_est_reference("tv"), date_basis="exhibition_date",
        effective_from=dt.date(2009, 6, 10),
        plain="For downloads to own of a television program, the cast receives 5.4% of 20% of the "
              "distributor's receipts on the first 100,000 units and 10.5% of 20% after that, pension and "
              "health (13.5%) included. A sale period that crosses 100,000 units is split by its units. " + _POOL,
    ),
    Formula(
        id="new_media.est_theatrical", version="2014.1", title="Electronic sell-through of a theatrical picture",
        clause="2014 Sideletter I (electronic sell-through)", markets=("nm_est",), kinds=("theatrical_feature",),
        sql=_est_sql("theatrical"), reference=_est_reference("theatrical"), date_basis="exhibition_date",
        effective_from=dt.date(2009, 6, 10),
        plain="For downloads to own of a film, the cast receives 5.4% of 20% of the distributor's receipts on "
              "the first 50,000 units and 9.75% of 20% after that, pension and health (13.5%) included. A sale "
              "period that crosses 50,000 units is split by its units. " + _POOL,
    ),
    Formula(
        id="new_media.avod_tv", version="2014.1", title="Free ad-supported streaming of a television picture",
        clause="2014 Sideletter I (free-to-consumer AVOD)", markets=("nm_avod",), kinds=TV_KINDS,
        sql=_avod_tv_sql, reference=_avod_reference(False), effective_from=dt.date(2014, 7, 1),
        plain="Free streaming in the first 7 days after release (17 for children's programs) is not paid. "
              "For the next year each performer receives a share of their total applicable minimum (5% for "
              "photography from July 2016; 4.5% from July 2015; 4% before) for each 26-week period, counted "
              "week by week, at most two periods; plus pension and health. After that year the cast shares "
              "6% of the distributor's receipts, plus pension and health. " + _POOL,
    ),
    Formula(
        id="new_media.avod_theatrical", version="2014.1", title="Free ad-supported streaming of a theatrical picture",
        clause="2014 Sideletter I ¶2.B", markets=("nm_avod",), kinds=("theatrical_feature",),
        sql=_receipts_sql("new_media.avod_theatrical_rate", "avod"),
        reference=_receipts_reference("new_media.avod_theatrical_rate", "avod"),
        plain="When a film is streamed free with advertising, 3.6% of the distributor's receipts goes to the "
              "cast, pension and health included. " + _POOL,
    ),
    Formula(
        id="new_media.derivative_avod", version="2014.1", title="Free ad-supported streaming of a derivative "
        "new-media program", clause="2014 Sideletter H (Derivative New Media); 2020 MOA",
        markets=("nm_avod",), kinds=("new_media_derivative",),
        sql=_avod_derivative_sql, reference=_avod_reference(True),
        plain="The first 13 weeks of free streaming are covered by the original pay. For the next year each "
              "performer receives a fixed amount per 26-week period, counted week by week, at most two "
              "periods ($25, or $30 for programs over 10 minutes, when photography began from July 2020), "
              "plus pension and health. After that year the cast shares 6% of the distributor's receipts, "
              "plus pension and health. " + _POOL,
    ),
    Formula(
        id="new_media.consumer_pay", version="2014.1", title="Consumer-pay use of a made-for-new-media program",
        clause="2014 Sideletter H", markets=("nm_consumer_pay",), kinds=NEW_MEDIA,
        sql=_consumer_pay_sql, reference=per_title(_consumer_pay_reference),
        plain="Pay-per-view, rental or subscription use in the first 26 weeks is covered by the original pay. "
              "After that the cast shares 3.6% of the distributor's receipts, pension and health included. "
              "An original program budgeted under $25,000 a minute pays nothing for this use. " + _POOL,
    ),
)
