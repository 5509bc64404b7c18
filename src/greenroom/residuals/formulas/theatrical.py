"""Theatrical exhibition of television motion pictures (2014 TV Agreement §19; reference §a6).

Each of the two areas (U.S./Canada and the rest of the world) is worth 100% of TAM. The first
release in either area pays 150% of TAM, the extra 50% pre-paying the other area, so a later
release in the second area pays the remaining 50%. A release in an area already paid pays nothing.
"""

from __future__ import annotations

import datetime as dt

from greenroom.contracts.params import Pack
from greenroom.money import apply_ppm
from greenroom.residuals.basis import tam_cents, tam_unverified
from greenroom.residuals.formulas.base import (
    Consulted,
    Formula,
    FormulaSql,
    RefInputs,
    RefLine,
    SqlContext,
    rows_by_title,
)

TV_KINDS = ("network_series", "network_nonprime", "syndicated_series", "tv_movie", "made_for_pay")
US_CA = ("US", "CA", "US-CA")


def _areas(territory: str | None) -> tuple[int, int]:
    """(covers U.S./Canada, covers the rest of the world) for a territory code."""
    if territory == "WORLD":
        return 1, 1
    return (1, 0) if territory in US_CA else (0, 1)


def _sql(ctx: SqlContext, f: Formula) -> FormulaSql:
    initial = ctx.p("theatrical.initial_area_rate", "b.pp_date")
    second = ctx.p("theatrical.second_area_rate", "b.pp_date")
    due_days = ctx.p("theatrical.due_days", "b.pp_date")
    ph = ctx.p("ph.residuals_rate", "b.pp_date")
    ctx.cite("b.tam_params", "b.tam_unverified")
    us = "CASE WHEN x.territory IN ('US', 'CA', 'US-CA', 'WORLD') THEN 1 ELSE 0 END"
    row = "CASE WHEN x.territory IN ('US', 'CA', 'US-CA') THEN 0 ELSE 1 END"
    window = "PARTITION BY x.title_id ORDER BY x.start_date, x.exhibition_id"
    seen = (f"(MAX({us}) OVER ({window} ROWS UNBOUNDED PRECEDING) "
            f"+ MAX({row}) OVER ({window} ROWS UNBOUNDED PRECEDING))")
    before = (f"COALESCE(MAX({us}) OVER ({window} ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING) "
              f"+ MAX({row}) OVER ({window} ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING), 0)")

    def entitled(n: str) -> str:
        return f"(CASE {n} WHEN 0 THEN 0 WHEN 1 THEN {initial} ELSE 2 * {second} END)"

    # Window sums run over the title's theatrical rows only, so they are computed in a subquery.
    inner = (f"SELECT x.*, {entitled(seen)} - {entitled(before)} AS step_ppm FROM exhibitions x "
             f"JOIN titles b ON b.title_id = x.title_id WHERE {f.scope_sql()}")
    return ctx.select(f, {
        "component": "'theatrical'",
        "basis_cents": "b.tam_cents",
        "rate_ppm": "x.step_ppm",
        "gross_cents": ctx.pct("b.tam_cents", "x.step_ppm"),
        "ph_rate_ppm": ph,
        "due_date": f"CAST(x.start_date + to_days(CAST({due_days} AS INTEGER)) AS DATE)",
        "note": "CASE WHEN x.step_ppm = 0 THEN 'area already paid' ELSE '' END",
    }, rows=inner)


def _reference(inputs: RefInputs, pack: Pack, f: Formula) -> list[RefLine]:
    lines: list[RefLine] = []
    for title_id, rows in rows_by_title(inputs, f).items():
        title = inputs.titles[title_id]
        pp: dt.date = title["pp_date"]
        c = Consulted(pack, unverified=tam_unverified(title, pack))
        initial = c.need("theatrical.initial_area_rate", pp)
        second = c.need("theatrical.second_area_rate", pp)
        c.need("theatrical.due_days", pp)
        ph = c.need("ph.residuals_rate", pp)
        entitled = {0: 0, 1: initial, 2: 2 * second}
        us_seen = row_seen = 0
        for x in rows:
            before = us_seen + row_seen
            us, row = _areas(x.get("territory"))
            us_seen, row_seen = max(us_seen, us), max(row_seen, row)
            step = entitled[us_seen + row_seen] - entitled[before]
            for e in inputs.cast_of(title_id):
                tam = tam_cents(e, title, pack)
                assert tam is not None
                lines.append(RefLine(x["exhibition_id"], e["engagement_id"], e["performer_id"],
                                     apply_ppm(tam, step), "theatrical", False, ph, c.unverified))
    return lines


FORMULAS = (
    Formula(
        id="tv.theatrical_release",
        version="2014.1",
        title="Theatrical exhibition of a television picture",
        clause="2014 TV Agreement §19(a)",
        markets=("theatrical",),
        kinds=TV_KINDS,
        sql=_sql,
        reference=_reference,
        plain="When a picture made for television is released in cinemas, each performer is paid a share "
              "of their total applicable minimum (TAM): 150% on the first release in either area "
              "(U.S./Canada or the rest of the world), which pre-pays half of the other area, and the "
              "remaining 50% when it opens in the second area.",
    ),
)
