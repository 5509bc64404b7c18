"""Free-TV reruns of television motion pictures (2014 TV Agreement §18(b); reference §a3).

The initial telecast (run 1) is paid by the performer's salary, so it yields no line and the
engine lists it as an exception. Network prime-time reruns pay 100% of total actual compensation
(TAC) up to a ceiling by program length; other network reruns and syndication pay a share of the
total applicable minimum (TAM) by run number; one-hour network dramas in syndication scale that
by revenue (Sideletter B); half-hour series syndicated to half the country or less pay 20% a run
(Sideletter B-2); licenses on or after 7/1/2020 pay 6% of gross (2020 MOA item 22); Canada-only
syndication and non-English telecasts pay a share of gross split by §18.2 units.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping
from typing import Any

from greenroom.contracts.params import Pack
from greenroom.money import apply_ppm, mul_div_half_up
from greenroom.residuals.basis import tam_cents, tam_unverified, units_182
from greenroom.residuals.formulas._free_tv_util import (
    NON_DRAMATIC,
    NOT_FOR_SYNDICATION,
    SERIES_KINDS,
    TV_KINDS,
    SyndicationRow,
    consult_due,
    consult_launch,
    consult_syndication,
    due_sql,
    is_launch_run,
    launch_shift,
    launch_sql,
    sql_list,
    syndication_rows,
    syndication_source,
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

START = dt.date(2014, 7, 1)
LAUNCH_NOTE = "promotional launch run: no residual for series performers (§18(b)(3))"


def _in_scope(inputs: RefInputs, f: Formula) -> list[tuple[Mapping[str, Any], Mapping[str, Any]]]:
    """(title, exhibition) pairs the formula prices, in exhibition order."""
    out = []
    for x in sorted(inputs.exhibitions, key=lambda r: (r["start_date"], r["exhibition_id"])):
        title = inputs.titles.get(x["title_id"])
        if title and f.applies(title, x):
            out.append((title, x))
    return out


def _network_from(ctx: SqlContext, f: Formula, extra: str = "") -> str:
    launch = launch_sql(ctx)
    inner = (f"SELECT x.*, {launch.row} AS launch_row, {launch.shift} AS launch_shift{extra} FROM exhibitions x "
             f"JOIN titles b ON b.title_id = x.title_id LEFT JOIN ({launch.titles}) l ON l.title_id = x.title_id "
             f"WHERE {f.scope_sql()}")
    return inner


# --- Network prime time (§18(b)(1)) -----------------------------------------------------------

def _prime_sql(ctx: SqlContext, f: Formula) -> FormulaSql:
    rate = ctx.p("reruns.prime_rate", "b.pp_date")
    # Looked up once in the inner query (titles carry length_minutes too) to keep the SQL small.
    source = _network_from(ctx, f, f", {ctx.p('reruns.prime_ceiling', 'x.start_date', 'b.length_minutes')} AS ceiling")
    ceiling = "x.ceiling"
    ph = ctx.p("ph.residuals_rate", "b.pp_date")
    due = due_sql(ctx, network=True)
    full = ctx.pct("b.tac_cents", rate)
    free = "(x.launch_row AND b.category = 'series')"
    return ctx.select(f, {
        "component": "'rerun'",
        "basis_cents": "b.tac_cents",
        "rate_ppm": rate,
        # CASE rather than LEAST: DuckDB's LEAST skips a NULL (no ceiling in force) instead of failing.
        "gross_cents": f"CASE WHEN {free} THEN 0 WHEN {full} <= {ceiling} THEN {full} ELSE {ceiling} END",
        "ph_rate_ppm": ph,
        "due_date": due,
        "note": f"CASE WHEN {free} THEN '{LAUNCH_NOTE}' WHEN {full} > {ceiling} THEN 'capped at ceiling' ELSE '' END",
    }, rows=source, where="x.run_number >= 2")


def _prime_reference(inputs: RefInputs, pack: Pack, f: Formula) -> list[RefLine]:
    lines: list[RefLine] = []
    for title, x in _in_scope(inputs, f):
        if (x.get("run_number") or 0) < 2:
            continue
        pp = title["pp_date"]
        c = Consulted(pack)
        rate = c.need("reruns.prime_rate", pp)
        ceiling = c.get("reruns.prime_ceiling", x["start_date"], title["length_minutes"])
        ph = c.need("ph.residuals_rate", pp)
        consult_due(c, title, network=True)
        consult_launch(c, title)
        launch = is_launch_run(title, x, pack)
        for e in inputs.cast_of(title["title_id"]):
            if launch and e["category"] == "series":
                gross = 0
            elif ceiling is None:
                continue  # no ceiling in force: the engine reports the exhibition
            else:
                gross = min(apply_ppm(int(e["tac_cents"]), rate), ceiling)
            lines.append(RefLine(x["exhibition_id"], e["engagement_id"], e["performer_id"], gross,
                                 "rerun", False, ph, c.unverified))
    return lines


# --- Network, not prime time (§18(b)(2)b); later runs §18(b)(2)c)) ------------------------------

def _nonprime_sql(ctx: SqlContext, f: Formula) -> FormulaSql:
    run = "(x.run_number - x.launch_shift)"
    # The non-prime table has only the 2nd and 3rd runs; later ones fall to the §18(b)(2)c) schedule.
    rate = (f"COALESCE({ctx.p('reruns.nonprime_rate', 'b.pp_date', run)}, "
            f"{ctx.p('reruns.syndication_rate', 'b.pp_date', run)})")
    ph = ctx.p("ph.residuals_rate", "b.pp_date")
    ctx.cite("b.tam_params", "b.tam_unverified")
    due = due_sql(ctx, network=True)
    source = _network_from(ctx, f)
    free = "(x.launch_row AND b.category = 'series')"
    return ctx.select(f, {
        "component": "'rerun'",
        "basis_cents": "b.tam_cents",
        "rate_ppm": rate,
        "gross_cents": f"CASE WHEN {free} THEN 0 ELSE {ctx.pct('b.tam_cents', rate)} END",
        "ph_rate_ppm": ph,
        "due_date": due,
        "note": (f"CASE WHEN {free} THEN '{LAUNCH_NOTE}' "
                 f"WHEN x.launch_shift = 1 THEN 'paid as run ' || {run} || ': the free launch run is not a run' "
                 f"WHEN {run} > 3 THEN 'runs after the third: §18(b)(2)c) schedule' ELSE '' END"),
    }, rows=source, where="x.run_number >= 2")


def _nonprime_reference(inputs: RefInputs, pack: Pack, f: Formula) -> list[RefLine]:
    lines: list[RefLine] = []
    for title, x in _in_scope(inputs, f):
        if (x.get("run_number") or 0) < 2:
            continue
        pp = title["pp_date"]
        run = int(x["run_number"]) - launch_shift(inputs, title["title_id"], x, pack)
        c = Consulted(pack, unverified=tam_unverified(title, pack))
        nonprime = c.get("reruns.nonprime_rate", pp, run)
        later = c.get("reruns.syndication_rate", pp, run)
        rate = nonprime if nonprime is not None else later
        assert rate is not None
        ph = c.need("ph.residuals_rate", pp)
        consult_due(c, title, network=True)
        consult_launch(c, title)
        launch = is_launch_run(title, x, pack)
        for e in inputs.cast_of(title["title_id"]):
            tam = tam_cents(e, title, pack)
            assert tam is not None
            gross = 0 if launch and e["category"] == "series" else apply_ppm(tam, rate)
            lines.append(RefLine(x["exhibition_id"], e["engagement_id"], e["performer_id"], gross,
                                 "rerun", False, ph, c.unverified))
    return lines


# --- Syndication and other free TV (§18(b)(2)c), Sideletters B and B-2) -------------------------

def _schedule_sql(ctx: SqlContext, f: Formula) -> FormulaSql:
    source = syndication_source(ctx, f)
    rate = ctx.p("reruns.syndication_rate", "b.pp_date", "x.eff_run")
    ph = ctx.p("ph.residuals_rate", "b.pp_date")
    ctx.cite("b.tam_params", "b.tam_unverified")
    return ctx.select(f, {
        "component": "'rerun'",
        "basis_cents": "b.tam_cents",
        "rate_ppm": rate,
        "gross_cents": ctx.pct("b.tam_cents", rate),
        "ph_rate_ppm": ph,
        "due_date": due_sql(ctx, network=False),
        "note": "CASE WHEN x.eff_run <> x.run_number THEN 'paid as run ' || x.eff_run ELSE '' END",
    }, rows=source, where="NOT x.gross_license AND NOT x.partial AND x.eff_run IS NOT NULL "
                           "AND NOT (x.b_title AND x.gross_receipts_cents IS NOT NULL)")


def _sideletter_b_sql(ctx: SqlContext, f: Formula) -> FormulaSql:
    source = syndication_source(ctx, f)
    rate = ctx.p("reruns.syndication_rate", "b.pp_date", "x.eff_run")
    den = ctx.p("reruns.sideletter_b_denominator_cents", "b.pp_date")
    lo = ctx.pct(den, ctx.p("reruns.sideletter_b_floor", "b.pp_date"))
    hi = ctx.pct(den, ctx.p("reruns.sideletter_b_cap", "b.pp_date"))
    floor_cov = ctx.p("reruns.sideletter_b_floor_min_coverage_pct", "b.pp_date")
    ph = ctx.p("ph.residuals_rate", "b.pp_date")
    ctx.cite("b.tam_params", "b.tam_unverified")
    gross = "x.gross_receipts_cents"
    floored = f"(x.coverage_pct IS NULL OR x.coverage_pct >= {floor_cov})"
    revenue = f"CASE WHEN {gross} > {hi} THEN {hi} WHEN {floored} AND {gross} < {lo} THEN {lo} ELSE {gross} END"
    return ctx.select(f, {
        "component": "'sideletter_b'",
        "basis_cents": "b.tam_cents",
        "rate_ppm": rate,
        "gross_cents": ctx.muldiv(ctx.pct("b.tam_cents", rate), revenue, den),
        "ph_rate_ppm": ph,
        "due_date": due_sql(ctx, network=False),
        "note": (f"'fixed residual for run ' || x.eff_run || ' × revenue ÷ $650,000' || CASE "
                 f"WHEN {gross} > {hi} THEN ', capped at 150%' "
                 f"WHEN {floored} AND {gross} < {lo} THEN ', raised to the 50% floor' ELSE '' END"),
    }, rows=source, where="NOT x.gross_license AND NOT x.partial AND x.eff_run IS NOT NULL "
                           "AND x.b_title AND x.gross_receipts_cents IS NOT NULL")


def _partial_sql(ctx: SqlContext, f: Formula) -> FormulaSql:
    source = syndication_source(ctx, f)
    rate = ctx.p("reruns.b2_rate", "b.pp_date")
    ph = ctx.p("ph.residuals_rate", "b.pp_date")
    ctx.cite("b.tam_params", "b.tam_unverified")
    return ctx.select(f, {
        "component": "'partial_market'",
        "basis_cents": "b.tam_cents",
        "rate_ppm": rate,
        "gross_cents": ctx.pct("b.tam_cents", rate),
        "ph_rate_ppm": ph,
        "due_date": due_sql(ctx, network=False),
        "note": "'partial-market run (50% or fewer of U.S. TV households); not counted on the full schedule'",
    }, rows=source, where="NOT x.gross_license AND x.partial AND x.run_number >= 2")


# Given a row, its title and the Consulted record, a pricer consults its own parameters and
# returns the function from a performer's TAM to their residual.
Pricer = Callable[[SyndicationRow, Mapping[str, Any], Consulted], Callable[[int], int]]
Reference = Callable[[RefInputs, Pack, Formula], list[RefLine]]


def _syndication_reference(pick: Callable[[SyndicationRow], bool], component: str, pricer: Pricer) -> Reference:
    """A reference for one syndication route: pick its rows, consult as the SQL does, price each TAM."""
    def reference(inputs: RefInputs, pack: Pack, f: Formula) -> list[RefLine]:
        lines: list[RefLine] = []
        for row in syndication_rows(inputs, pack, f):
            if not pick(row):
                continue
            title = inputs.titles[row.x["title_id"]]
            c = Consulted(pack, unverified=tam_unverified(title, pack))
            consult_syndication(c, title, row.x)
            price = pricer(row, title, c)
            ph = c.need("ph.residuals_rate", title["pp_date"])
            consult_due(c, title, network=False)
            for e in inputs.cast_of(title["title_id"]):
                tam = tam_cents(e, title, pack)
                assert tam is not None
                lines.append(RefLine(row.x["exhibition_id"], e["engagement_id"], e["performer_id"],
                                     price(tam), component, False, ph, c.unverified))
        return lines
    return reference


def _schedule_pricer(row: SyndicationRow, title: Mapping[str, Any], c: Consulted) -> Callable[[int], int]:
    rate = c.need("reruns.syndication_rate", title["pp_date"], row.eff_run)
    return lambda tam: apply_ppm(tam, rate)


def _sideletter_b_pricer(row: SyndicationRow, title: Mapping[str, Any], c: Consulted) -> Callable[[int], int]:
    pp = title["pp_date"]
    rate = c.need("reruns.syndication_rate", pp, row.eff_run)
    den = c.need("reruns.sideletter_b_denominator_cents", pp)
    lo = apply_ppm(den, c.need("reruns.sideletter_b_floor", pp))
    hi = apply_ppm(den, c.need("reruns.sideletter_b_cap", pp))
    floor_cov = c.need("reruns.sideletter_b_floor_min_coverage_pct", pp)
    gross = int(row.x["gross_receipts_cents"])
    coverage = row.x.get("coverage_pct")
    revenue = min(gross, hi)
    if (coverage is None or coverage >= floor_cov) and gross < lo:
        revenue = lo
    return lambda tam: mul_div_half_up(apply_ppm(tam, rate), revenue, den)


def _partial_pricer(row: SyndicationRow, title: Mapping[str, Any], c: Consulted) -> Callable[[int], int]:
    rate = c.need("reruns.b2_rate", title["pp_date"])
    return lambda tam: apply_ppm(tam, rate)


_schedule_reference = _syndication_reference(
    lambda r: not r.gross_license and not r.partial and r.eff_run is not None
    and not (r.b_title and r.x.get("gross_receipts_cents") is not None), "rerun", _schedule_pricer)
_sideletter_b_reference = _syndication_reference(
    lambda r: not r.gross_license and not r.partial and r.eff_run is not None
    and r.b_title and r.x.get("gross_receipts_cents") is not None, "sideletter_b", _sideletter_b_pricer)
_partial_reference = _syndication_reference(
    lambda r: not r.gross_license and r.partial and (r.x.get("run_number") or 0) >= 2,
    "partial_market", _partial_pricer)


# --- Gross-receipts pools: 2020 licenses, Canada-only option, non-English telecasts ------------

def _pool_sql(rate_id: str, rate_date: str, component: str, includes_ph: bool, where: str,
              note: str) -> SqlBuilder:
    def build(ctx: SqlContext, f: Formula) -> FormulaSql:
        rate = ctx.p(rate_id, rate_date)
        ph = ctx.p("ph.residuals_rate", "b.pp_date")
        gross = "x.gross_receipts_cents"
        return ctx.pool(f, {
            "component": f"'{component}'",
            "basis_cents": gross,
            "rate_ppm": rate,
            # A picture without a P&H rate in force (made before the pack starts) is left to the exceptions.
            "pool_cents": f"CASE WHEN {ph} IS NULL THEN NULL ELSE {ctx.pct(gross, rate)} END",
            "includes_ph": "TRUE" if includes_ph else "FALSE",
            "ph_rate_ppm": ph,
            "due_date": due_sql(ctx, network=False),
            "note": f"'{note}'",
        }, where=where)
    return build


def _pool_reference(rate_id: str, on_exhibition_date: bool, component: str, includes_ph: bool,
                    pick: Callable[[Mapping[str, Any]], bool]) -> Reference:
    def reference(inputs: RefInputs, pack: Pack, f: Formula) -> list[RefLine]:
        lines: list[RefLine] = []
        for title, x in _in_scope(inputs, f):
            if not pick(title) or x.get("gross_receipts_cents") is None:
                continue
            c = Consulted(pack)
            rate = c.need(rate_id, x["start_date"] if on_exhibition_date else title["pp_date"])
            ph = c.get("ph.residuals_rate", title["pp_date"])
            consult_due(c, title, network=False)
            cast = inputs.cast_of(title["title_id"])
            if ph is None or not cast:
                continue
            pool = apply_ppm(int(x["gross_receipts_cents"]), rate)
            lines += pool_lines(inputs, x, pool, units_182, component, includes_ph, ph, c.unverified)
        return lines
    return reference


_DRAMATIC_SQL = f"COALESCE(b.genre NOT IN ({sql_list(NON_DRAMATIC)}), TRUE) AND x.gross_receipts_cents IS NOT NULL"


def _dramatic(title: Mapping[str, Any]) -> bool:
    return title.get("genre") not in NON_DRAMATIC


FORMULAS = (
    Formula(
        id="tv.network_prime_rerun", version="2014.1", title="Network prime-time rerun",
        clause="2014 TV Agreement §18(b)(1); §18(b)(3); §18(b)(5)",
        markets=("network_prime",), kinds=TV_KINDS, sql=_prime_sql, reference=_prime_reference,
        effective_from=START,
        plain="Each time the picture is rerun in network prime time, each performer is paid again what they "
              "were actually paid for the work (straight time), up to a ceiling that depends on the program's "
              "length and the date of the rerun. No payment is due to series regulars for an early rerun of one "
              "of the first three episodes of a new series. Payment is due within 30 days of the telecast.",
    ),
    Formula(
        id="tv.network_nonprime_rerun", version="2014.1", title="Network rerun outside prime time",
        clause="2014 TV Agreement §18(b)(2)b), c); §18(b)(3); §18(b)(5)",
        markets=("network_nonprime",), kinds=TV_KINDS, sql=_nonprime_sql, reference=_nonprime_reference,
        effective_from=START,
        plain="A network rerun outside prime time and late night pays 50% of the performer's total applicable "
              "minimum (TAM) for the second run and 40% for the third; later runs pay the syndication schedule. "
              "Payment is due within 30 days of the telecast.",
    ),
    Formula(
        id="tv.syndication_rerun", version="2014.1", title="Rerun in syndication or other free TV",
        clause="2014 TV Agreement §18(b)(2)c); §18(b)(5)",
        markets=("syndication",), kinds=TV_KINDS, sql=_schedule_sql, reference=_schedule_reference,
        effective_from=START,
        plain="A rerun in syndication pays a share of the performer's total applicable minimum (TAM) that falls "
              "with each run: 40% for the 2nd run, 30% for the 3rd, 25% for the 4th to 6th, 15% for the 7th to "
              "10th, 10% for the 11th and 12th, then 5%. Runs sold to half the country or less under Sideletter "
              "B-2 are not counted. Payment is due within four months of the first telecast of the run.",
    ),
    Formula(
        id="tv.syndication_sideletter_b", version="2014.1", title="One-hour network drama in syndication",
        clause="Sideletter B ¶A to the 2014 TV Agreement; §18(b)(2)c)",
        markets=("syndication",), kinds=("network_series",), sql=_sideletter_b_sql,
        reference=_sideletter_b_reference, effective_from=START,
        plain="For a one-hour network drama sold into syndication, the usual rerun payment is scaled by the "
              "revenue the distributor contracted for, divided by $650,000, but never below half or above one and "
              "a half times the usual payment (no floor when sold only to under a third of U.S. households).",
    ),
    Formula(
        id="tv.syndication_partial_market", version="2014.1",
        title="Half-hour series syndicated to half the country or less",
        clause="Sideletter B-2 to the 2014 TV Agreement and its Exhibit",
        markets=("syndication",), kinds=SERIES_KINDS, sql=_partial_sql, reference=_partial_reference,
        effective_from=START,
        plain="A half-hour series sold into syndication in markets covering 50% or fewer of U.S. TV households "
              "pays 20% of the performer's total applicable minimum (TAM) per run. Once the series reaches more "
              "than half of the households, later runs are paid on the full schedule as if those runs had not "
              "happened.",
    ),
    Formula(
        id="tv.syndication_gross", version="2020.1", title="Broadcast syndication license on gross receipts",
        clause="2020 MOA item 22", markets=("syndication",), kinds=NOT_FOR_SYNDICATION,
        sql=_pool_sql("reruns.syndication_gross_rate", "x.start_date", "gross_license", False, _DRAMATIC_SQL,
                      "6% of distributor gross (license on/after 7/1/2020), split by §18.2 units"),
        reference=_pool_reference("reruns.syndication_gross_rate", True, "gross_license", False, _dramatic),
        date_basis="exhibition_date", effective_from=dt.date(2020, 7, 1),
        plain="For a dramatic picture licensed into U.S. broadcast syndication on or after July 1, 2020, the cast "
              "shares 6% of the distributor's gross receipts (plus pension and health) instead of per-run "
              "payments, split by units: 3 for a series regular, 2 for a weekly performer, 1 for anyone else.",
    ),
    Formula(
        id="tv.canada_syndication", version="2014.1", title="Canada-only syndication option",
        clause="2014 TV Agreement §18(b)(2)e)", markets=("canada_syndication",), kinds=NOT_FOR_SYNDICATION,
        sql=_pool_sql("reruns.canada_rate", "b.pp_date", "canada", False, "x.gross_receipts_cents IS NOT NULL",
                      "Canada-only syndication: 12% of distributor gross plus P&H, not counted as a run"),
        reference=_pool_reference("reruns.canada_rate", False, "canada", False, lambda _t: True),
        effective_from=START,
        plain="When the picture is syndicated only in Canada, the producer may pay the cast 12% of the "
              "distributor's gross receipts (plus pension and health) instead of a rerun payment; the showing "
              "does not count as a run. The cast shares it by units: 3 for a series regular, 2 for a weekly "
              "performer, 1 for anyone else.",
    ),
    Formula(
        id="tv.non_english_telecast", version="2014.1", title="Non-English telecast in the U.S. or Canada",
        clause="2014 TV Agreement §18(b)(8)", markets=("non_english_us",), kinds=TV_KINDS,
        sql=_pool_sql("reruns.non_english_rate", "b.pp_date", "non_english", True,
                      "x.gross_receipts_cents IS NOT NULL",
                      "non-English telecast: 3.6% of producer gross including P&H"),
        reference=_pool_reference("reruns.non_english_rate", False, "non_english", True, lambda _t: True),
        effective_from=START,
        plain="When the picture is shown in the U.S. or Canada in a language other than English, the cast shares "
              "3.6% of the producer's gross receipts from the license (pension and health come out of that) "
              "instead of rerun payments, by units: 3 for a series regular, 2 for a weekly performer, 1 for "
              "anyone else.",
    ),
)
