"""Per-run tables the formulas read beside the basis: each title with the citation of its TAM scales,
each title's cast counted by §18.2 units for the pool split, and the syndication runs classified and
renumbered once for the three rules that price them."""

from __future__ import annotations

import duckdb

from greenroom.contracts.params import Pack
from greenroom.contracts.sql import ref_sql, unverified_sql
from greenroom.residuals.basis import DAY_SCALE, WEEKLY_SCALE

# Every value the basis view's units_182 can take: the pool split ranks shares without a sort by
# counting the cast per value (see CAST_182 and formulas.base._split_182).
UNITS_182_VALUES = (1, 2, 3)
CAST_182 = "cast_units_182"
TITLE_BASIS = "title_basis"
# The syndication rows classified once per run (formulas._free_tv_util.syndication_runs_sql). Built only
# when a formula of the run reads it and dropped after the last one does, so a run without syndication never
# builds it and the basic-cable step never holds it.
SYNDICATION_RUNS = "syndication_runs"


def build_staging(con: duckdb.DuckDBPyConnection, pack: Pack) -> None:
    """Materialise title_basis and cast_units_182 for a pack (after the basis table)."""
    d = "t.pp_date"
    day, weekly = pack[DAY_SCALE], pack[WEEKLY_SCALE]
    con.execute(f"""
CREATE OR REPLACE TEMP TABLE {TITLE_BASIS} AS
SELECT t.*, concat_ws(';', {ref_sql(day, d)}, {ref_sql(weekly, d)}) AS tam_params,
       COALESCE({unverified_sql(day, d)} OR {unverified_sql(weekly, d)}, FALSE) AS tam_unverified
FROM titles t WHERE t.agreement = '{pack.agreement}'""")
    _build_cast_182(con)


def build_syndication_runs(con: duckdb.DuckDBPyConnection, pack: Pack) -> None:
    """Materialise SYNDICATION_RUNS for a pack (the engine does it before the first formula reading it)."""
    # Imported here: the formulas import this module for its table names.
    from greenroom.residuals.formulas._free_tv_util import syndication_runs_sql

    # Every syndication run classified and renumbered once (windows over each title's runs), for
    # the schedule, Sideletter B and partial-market rules alike.
    con.execute(f"CREATE OR REPLACE TEMP TABLE {SYNDICATION_RUNS} AS {syndication_runs_sql(pack)}")


def _build_cast_182(con: duckdb.DuckDBPyConnection) -> None:
    """Per entitled engagement: its §18.2 units, the title's total, and for each units value the
    number of cast members with it (n<u>) and of those with a lower engagement_id (l<u>).

    With these a largest-remainder split ranks every share by arithmetic alone: in a title all
    shares of one units value have the same remainder, so a share's rank is the count of shares
    with a larger remainder plus those with an equal one and a lower engagement_id.
    """
    title = "PARTITION BY title_id"
    before = f"{title} ORDER BY engagement_id ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING"
    counts = ",\n       ".join(
        f"CAST(SUM(CASE WHEN units_182 = {u} THEN 1 ELSE 0 END) OVER ({title}) AS BIGINT) AS n{u}, "
        f"CAST(COALESCE(SUM(CASE WHEN units_182 = {u} THEN 1 ELSE 0 END) OVER ({before}), 0) AS BIGINT) AS l{u}"
        for u in UNITS_182_VALUES)
    values = ", ".join(str(u) for u in UNITS_182_VALUES)
    odd = con.execute(f"SELECT min(units_182) FROM basis WHERE entitled AND units_182 NOT IN ({values})").fetchone()
    if odd and odd[0] is not None:
        raise ValueError(f"§18.2 units of {odd[0]} in the basis: the pool split counts only {values}")
    con.execute(f"""
CREATE OR REPLACE TEMP TABLE {CAST_182} AS
SELECT title_id, performer_id, engagement_id, CAST(units_182 AS BIGINT) AS units,
       CAST(SUM(units_182) OVER ({title}) AS BIGINT) AS total_units,
       {counts}
FROM basis WHERE entitled AND units_182 > 0""")
