"""Shared pieces of the free-TV rerun rules (2014 TV Agreement §18(b)): which kinds they cover, the
promotional launch test, and how syndication runs are classified and renumbered. Each piece comes
as SQL for the engine and as a Python twin for the reference, side by side so they stay in step.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from greenroom.contracts.params import Pack
from greenroom.residuals.formulas.base import (
    Consulted,
    Formula,
    RefInputs,
    SqlContext,
    add_months,  # noqa: F401 - used by the formulas
)
from greenroom.residuals.staging import SYNDICATION_RUNS

# Made-for-pay programs are included: §18(b)(2)e) names them, and a pay-TV program that reaches
# free TV is paid as a rerun (the pay exhibition being run 1).
TV_KINDS = ("network_series", "network_nonprime", "syndicated_series", "tv_movie", "made_for_pay")
SERIES_KINDS = ("network_series", "network_nonprime", "syndicated_series")
# §18(b)(2)e) and 2020 MOA item 22 both exclude programs made for syndication.
NOT_FOR_SYNDICATION = ("network_series", "network_nonprime", "tv_movie", "made_for_pay")
NETWORK_MARKETS = ("network_prime", "network_nonprime")
# 2020 MOA item 22 covers dramatic pictures; these genres are the non-dramatic ones.
NON_DRAMATIC = ("variety", "documentary")
WINDOW = "PARTITION BY x.title_id ORDER BY x.start_date, x.exhibition_id"
BEFORE = "ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING"
# The market of the syndication rows residuals.staging classifies once per run (syndication_runs_sql).
STAGED_MARKETS = ("syndication",)


def sql_list(values: tuple[str, ...]) -> str:
    """A SQL IN-list of string literals."""
    return ", ".join(f"'{v}'" for v in values)


def due_sql(ctx: SqlContext, network: bool) -> str:
    """SQL due date: 30 days after a network rerun, four months after any other (§18(b)(5))."""
    if network:
        days = ctx.p("reruns.network_due_days", "b.pp_date")
        return f"CAST(x.start_date + to_days(CAST({days} AS INTEGER)) AS DATE)"
    months = ctx.p("reruns.due_months", "b.pp_date")
    return f"CAST(x.start_date + to_months(CAST({months} AS INTEGER)) AS DATE)"


def consult_due(c: Consulted, title: Mapping[str, Any], network: bool) -> None:
    """Python twin of due_sql's parameter use (the reference has no due date, only the citation)."""
    c.get("reruns.network_due_days" if network else "reruns.due_months", title["pp_date"])


# --- Promotional launch period (§18(b)(3)) ---------------------------------------------------

@dataclass(frozen=True)
class LaunchSql:
    """SQL pieces of the launch test over exhibitions x joined to titles b."""

    row: str  # TRUE on the free second run itself
    titles: str  # derived table (title_id, launched) of titles that had one
    shift: str  # 1 on a later run of such a title: the free run is not a run (§18(b)(3))


def launch_sql(ctx: SqlContext) -> LaunchSql:
    """The launch test: 2nd run on a network of episode ≤ 3 of season 1, within 2 months of release."""
    eps = ctx.p("reruns.launch_episodes", "b.pp_date")
    win = ctx.p("reruns.launch_window_months", "b.pp_date")
    row = (f"COALESCE(x.market IN ({sql_list(NETWORK_MARKETS)}) AND x.run_number = 2 "
           f"AND b.kind = 'network_series' AND b.season = 1 AND b.episode <= {eps} "
           f"AND x.start_date <= CAST(b.initial_release_date + to_months(CAST({win} AS INTEGER)) AS DATE), FALSE)")
    titles = (f"SELECT x.title_id, TRUE AS launched FROM exhibitions x JOIN titles b ON b.title_id = x.title_id "
              f"WHERE {row} GROUP BY x.title_id")
    shift = "CASE WHEN COALESCE(l.launched, FALSE) AND x.run_number > 2 THEN 1 ELSE 0 END"
    return LaunchSql(row, titles, shift)


def is_launch_run(title: Mapping[str, Any], x: Mapping[str, Any], pack: Pack) -> bool:
    """Python twin of LaunchSql.row."""
    eps = pack.value("reruns.launch_episodes", title["pp_date"])
    win = pack.value("reruns.launch_window_months", title["pp_date"])
    if eps is None or win is None or x["market"] not in NETWORK_MARKETS or x.get("run_number") != 2:
        return False
    if title["kind"] != "network_series" or title.get("season") != 1:
        return False
    episode = title.get("episode")
    return (episode is not None and episode <= int(eps)
            and x["start_date"] <= add_months(title["initial_release_date"], int(win)))


def launch_shift(inputs: RefInputs, title_id: str, x: Mapping[str, Any], pack: Pack) -> int:
    """Python twin of LaunchSql.shift: 1 when an earlier free launch run of the title does not count."""
    title = inputs.titles[title_id]
    launched = any(r["title_id"] == title_id and is_launch_run(title, r, pack) for r in inputs.exhibitions)
    return 1 if launched and (x.get("run_number") or 0) > 2 else 0


def consult_launch(c: Consulted, title: Mapping[str, Any]) -> None:
    """Cite the launch parameters the way launch_sql does."""
    c.get("reruns.launch_episodes", title["pp_date"])
    c.get("reruns.launch_window_months", title["pp_date"])


# --- Syndication runs: partial markets (Sideletter B-2), Sideletter B titles, gross licenses ----

def syndication_sql(ctx: SqlContext, f: Formula) -> str:
    """The formula's syndication rows with flags and the run number to pay on the full schedule.

    small_market: a half-hour series run reaching ≤50% of U.S. TV households; partial: such a run
    before any fuller syndication of the title (Sideletter B-2); b_title: a one-hour network
    drama (Sideletter B); gross_license: a new-era license paid on gross (2020 MOA item 22);
    eff_run: run_number less earlier partial reruns and any free launch run (never below 2).
    """
    return _classified_sql(ctx, f.scope_sql())


def syndication_source(ctx: SqlContext, f: Formula) -> str:
    """syndication_sql's rows for the formula, read from the run's staged table when it holds them.

    The parameters are cited either way, in the same order, so each row's explanation is the same.
    """
    inline = syndication_sql(ctx, f)
    return f"SELECT * FROM {SYNDICATION_RUNS}" if stage_covers(f, ctx.pack) else inline


def stage_covers(f: Formula, pack: Pack) -> bool:
    """Whether the staged table has the same rows, flags and run numbers as syndication_sql for f.

    The windows run per title over the formula's rows. The formula's scope is the market (a row's)
    plus conditions on the title (kind, agreement, and dates when they are the title's pp_date), so
    for a title in scope its rows are all its syndication rows, as staged; formula_rows applies the
    rest of the scope when it joins the titles.
    """
    return tuple(f.markets) == STAGED_MARKETS and f.date_basis == "pp_date" and f.agreement == pack.agreement


def syndication_runs_sql(pack: Pack) -> str:
    """The staged table's query: every syndication row of the pack's titles, classified once for the
    run (the three per-run syndication rules read it instead of each renumbering every title)."""
    return _classified_sql(SqlContext(pack), f"x.market IN ({sql_list(STAGED_MARKETS)}) "
                                             f"AND b.agreement = '{pack.agreement}'")


def _classified_sql(ctx: SqlContext, scope: str) -> str:
    half = ctx.p("reruns.half_hour_max_minutes", "b.pp_date")
    cov = ctx.p("reruns.b2_max_coverage_pct", "b.pp_date")
    lo = ctx.p("reruns.one_hour_min_minutes", "b.pp_date")
    hi = ctx.p("reruns.one_hour_max_minutes", "b.pp_date")
    gross_rate = ctx.p("reruns.syndication_gross_rate", "x.start_date")
    launch = launch_sql(ctx)
    flags = f"""SELECT x.*, {launch.shift} AS launch_shift,
  COALESCE(b.kind IN ({sql_list(SERIES_KINDS)}) AND b.length_minutes <= {half}
           AND x.coverage_pct <= {cov}, FALSE) AS small_market,
  COALESCE(b.kind = 'network_series' AND b.genre = 'drama' AND b.length_minutes BETWEEN {lo} AND {hi}, FALSE)
    AS b_title,
  COALESCE(x.gross_receipts_cents IS NOT NULL AND {gross_rate} IS NOT NULL
           AND b.kind IN ({sql_list(NOT_FOR_SYNDICATION)})
           AND COALESCE(b.genre NOT IN ({sql_list(NON_DRAMATIC)}), TRUE), FALSE) AS gross_license
FROM exhibitions x JOIN titles b ON b.title_id = x.title_id
LEFT JOIN ({launch.titles}) l ON l.title_id = x.title_id
WHERE {scope}"""
    # Once a run has reached more than half the households, later small runs are full-schedule runs.
    partial = f"""SELECT x.*, x.small_market AND COALESCE(
    MAX(CASE WHEN x.small_market THEN 0 ELSE 1 END) OVER ({WINDOW} {BEFORE}), 0) = 0 AS partial
FROM ({flags}) x"""
    earlier = f"COALESCE(SUM(CASE WHEN x.partial AND x.run_number >= 2 THEN 1 ELSE 0 END) OVER ({WINDOW} {BEFORE}), 0)"
    return f"""SELECT x.*, CAST(CASE WHEN x.run_number >= 2
    THEN GREATEST(2, x.run_number - x.launch_shift - {earlier}) END AS BIGINT) AS eff_run
FROM ({partial}) x"""


@dataclass(frozen=True)
class SyndicationRow:
    """Python twin of one row of syndication_sql."""

    x: Mapping[str, Any]
    partial: bool
    b_title: bool
    gross_license: bool
    eff_run: int | None


def consult_syndication(c: Consulted, title: Mapping[str, Any], x: Mapping[str, Any]) -> None:
    """Cite the classification parameters the way syndication_sql does."""
    pp = title["pp_date"]
    for pid in ("reruns.half_hour_max_minutes", "reruns.b2_max_coverage_pct",
                "reruns.one_hour_min_minutes", "reruns.one_hour_max_minutes"):
        c.get(pid, pp)
    c.get("reruns.syndication_gross_rate", x["start_date"])
    consult_launch(c, title)


def _flags(title: Mapping[str, Any], x: Mapping[str, Any], pack: Pack) -> tuple[bool, bool, bool]:
    pp = title["pp_date"]
    half = pack.value("reruns.half_hour_max_minutes", pp)
    cov = pack.value("reruns.b2_max_coverage_pct", pp)
    lo = pack.value("reruns.one_hour_min_minutes", pp)
    hi = pack.value("reruns.one_hour_max_minutes", pp)
    length, coverage = title["length_minutes"], x.get("coverage_pct")
    small = (title["kind"] in SERIES_KINDS and half is not None and cov is not None and coverage is not None
             and length <= int(half) and coverage <= int(cov))
    b_title = (title["kind"] == "network_series" and title.get("genre") == "drama"
               and lo is not None and hi is not None and int(lo) <= length <= int(hi))
    gross_license = (x.get("gross_receipts_cents") is not None
                     and pack.value("reruns.syndication_gross_rate", x["start_date"]) is not None
                     and title["kind"] in NOT_FOR_SYNDICATION and title.get("genre") not in NON_DRAMATIC)
    return small, b_title, gross_license


def syndication_rows(inputs: RefInputs, pack: Pack, f: Formula) -> list[SyndicationRow]:
    """Python twin of syndication_sql: the formula's rows, classified and renumbered per title."""
    out: list[SyndicationRow] = []
    by_title: dict[str, list[Mapping[str, Any]]] = {}
    for x in sorted(inputs.exhibitions, key=lambda r: (r["start_date"], r["exhibition_id"])):
        title = inputs.titles.get(x["title_id"])
        if title and f.applies(title, x):
            by_title.setdefault(x["title_id"], []).append(x)
    for title_id, rows in by_title.items():
        title = inputs.titles[title_id]
        fuller_seen = False
        earlier_partials = 0
        for x in rows:
            small, b_title, gross_license = _flags(title, x, pack)
            partial = small and not fuller_seen
            run = x.get("run_number")
            eff = None
            if run is not None and run >= 2:
                eff = max(2, run - launch_shift(inputs, title_id, x, pack) - earlier_partials)
            out.append(SyndicationRow(x, partial, b_title, gross_license, eff))
            fuller_seen = fuller_seen or not small
            if partial and run is not None and run >= 2:
                earlier_partials += 1
    return out
