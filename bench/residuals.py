"""Benchmark the residuals engine against a hand-written DuckDB query and a plain pandas implementation.

    .venv/bin/python bench/residuals.py                       # 1M and 10M exhibition rows
    .venv/bin/python bench/residuals.py --rows 1000000 [--seed 7] [--keep] [--repeat 3]

What is measured, for each row count N, each variant in its own subprocess (so peak RSS is that
variant's alone, read from VmHWM in the child):

* engine: a fresh DuckDB file in a temp dir whose input tables are views over the input Parquet (the
  greenroom.ingest.tables columns and types), as the hand-written query reads the files; with
  --engine-input tables the files are first loaded into those DuckDB tables, and the load is counted.
  Then greenroom.residuals.engine.compute with the formulas that price the
  benchmark's markets, which stores the lines as Parquet files beside the database: files of per-line
  amounts (performer, engagement, basis, rate, gross, units, amount, P&H, note) and files of the
  formula rows they belong to (exhibition, market, component, period, pool, P&H terms, due date and
  the explanation: formula, version, parameter citations, unverified). Those files are the output:
  joined on context_no they are residual_lines, every column; the check below reads them so.
* sql: one hand-written DuckDB query (rate tables hard-coded from the pack YAML, not generated from
  it) reading the same Parquet and writing the same lines, without explanation columns, to Parquet.
* pandas: a straightforward pandas implementation (merges, groupby, numpy int64 arithmetic and the
  same largest-remainder split) reading and writing Parquet the same way.

Seconds are wall time from opening the input to the output file being closed (interpreter start-up
and imports excluded). The three outputs must agree line by line (count, totals and an
order-independent checksum of every line's key, amount and P&H); otherwise the bench prints
MISMATCH with some differing lines and exits 1.

The benchmark's markets are the bulk of real reuse: network_prime, network_nonprime and syndication
reruns (per performer: capped TAC, or a share of TAM by run, including the promotional launch rule,
Sideletter B, Sideletter B-2 and the 2020 gross-receipts license) and basic_cable (a pool split by
§18.2 units with the largest remainder). The demo generator's mix puts only ~13% of its rows in
those markets, so the input is the generated data filtered to them and replicated title by title
(new title, engagement and exhibition ids for each copy) until it has exactly N exhibition rows.

The machine is shared and small: read the ratios measured in the same run, not absolute times.
Nothing asserts on timing.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import math
import os
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import duckdb
from peak import peak_rss_bytes

OUT = Path(__file__).resolve().parent / "out"
DEFAULT_ROWS = (1_000_000, 10_000_000)
DEFAULT_SEED = 7
MARKETS = ("network_prime", "network_nonprime", "syndication", "basic_cable")
AGREEMENT = "sag-aftra-tv-theatrical"
VARIANTS = ("sql", "engine", "pandas")
KINDS = ("titles", "engagements", "exhibitions")
# Targets from the project brief.
TARGET_ENGINE_OVER_SQL = 2.0  # engine time ≤ 2 × hand-written SQL time (at least half its speed)
TARGET_PANDAS_OVER_ENGINE = 3.0  # pandas time ≥ 3 × engine time
TARGET_PEAK_MIB_10M = 4096  # engine peak memory under 4 GiB at 10M rows
MiB = 2**20
# pandas peak memory per exhibition row measured at 1M rows (3.7 GiB): used to skip pandas at a size
# where it would outgrow the memory cap when no smaller size ran first in the same run.
PANDAS_MIB_PER_ROW_PRIOR = 3.8e-3


# --- input data ---------------------------------------------------------------------------------

def data_dir(n: int, seed: int) -> Path:
    """Where the generated union for n rows (and this seed) is cached."""
    return OUT / (f"data-{n}" if seed == DEFAULT_SEED else f"data-{n}-seed{seed}")


def _read_meta(path: Path) -> dict[str, Any] | None:
    try:
        return dict(json.loads(path.read_text()))
    except (OSError, ValueError):
        return None


def prepare(n: int, seed: int, regenerate: bool, log: Callable[[str], None]) -> dict[str, Any]:
    """Generate the demo union for n rows once (cached), then the benchmark input of exactly n rows."""
    root = data_dir(n, seed)
    want = {"rows": n, "seed": seed}
    meta = None if regenerate else _read_meta(root / "meta.json")
    if meta is None or {k: meta.get(k) for k in want} != want:
        from greenroom.demo.generate import generate

        shutil.rmtree(root, ignore_errors=True)
        log(f"generating the demo union at {n:,} exhibition rows into {root} (once; cached) ...")
        files = generate(root, n, seed, fmt="parquet")
        meta = {**want, "generated": files.rows, "seconds": files.seconds}
        (root / "meta.json").write_text(json.dumps(meta, indent=1))
        log(f"  generated {files.rows} in {files.seconds:,.0f} s")
    inp = root / "input"
    info = _read_meta(inp / "meta.json")
    if info is None or regenerate:
        shutil.rmtree(inp, ignore_errors=True)
        inp.mkdir(parents=True)
        info = _build_input(root, inp, n)
        (inp / "meta.json").write_text(json.dumps(info, indent=1))
    info["dir"] = str(inp)
    return info


def _build_input(root: Path, inp: Path, n: int) -> dict[str, Any]:
    """The generated rows in the benchmark's markets, replicated title by title up to exactly n rows."""
    markets = ", ".join(f"'{m}'" for m in MARKETS)
    con = duckdb.connect()
    con.execute(f"SET temp_directory = '{inp / 'tmp'}'")
    raw = {k: root / f"{k}.parquet" for k in KINDS}
    con.execute(f"CREATE TEMP TABLE sx AS SELECT * FROM read_parquet('{raw['exhibitions']}') "
                f"WHERE market IN ({markets})")
    subset = int(con.execute("SELECT count(*) FROM sx").fetchone()[0])  # type: ignore[index]
    if subset == 0:
        raise SystemExit("the generated data has no rows in the benchmark's markets")
    copies = math.ceil(n / subset)
    # Copy c of a title gets '-cc' on its title, engagement and exhibition ids; within a title the
    # id order (used for tie-breaks and windows) is the original one.
    con.execute(f"""CREATE TEMP TABLE bx AS
SELECT x.* REPLACE (printf('%s-%02d', x.exhibition_id, c.i) AS exhibition_id,
                    printf('%s-%02d', x.title_id, c.i) AS title_id), x.title_id AS original_title_id, c.i AS copy
FROM sx x, range({copies}) c(i) ORDER BY c.i, x.exhibition_id LIMIT {n}""")
    con.execute(f"COPY (SELECT * EXCLUDE (copy, original_title_id) FROM bx ORDER BY copy, exhibition_id) "
                f"TO '{inp / 'exhibitions.parquet'}' (FORMAT parquet)")
    con.execute("CREATE TEMP TABLE bt AS SELECT DISTINCT original_title_id, copy FROM bx")
    con.execute(f"""COPY (SELECT t.* REPLACE (printf('%s-%02d', t.title_id, b.copy) AS title_id,
        CASE WHEN t.series_id IS NOT NULL THEN printf('%s-%02d', t.series_id, b.copy) END AS series_id)
      FROM read_parquet('{raw['titles']}') t JOIN bt b ON b.original_title_id = t.title_id
      ORDER BY b.copy, t.title_id) TO '{inp / 'titles.parquet'}' (FORMAT parquet)""")
    con.execute(f"""COPY (SELECT e.* REPLACE (printf('%s-%02d', e.engagement_id, b.copy) AS engagement_id,
        printf('%s-%02d', e.title_id, b.copy) AS title_id)
      FROM read_parquet('{raw['engagements']}') e JOIN bt b ON b.original_title_id = e.title_id
      ORDER BY b.copy, e.engagement_id) TO '{inp / 'engagements.parquet'}' (FORMAT parquet)""")
    rows = {k: int(con.execute(f"SELECT count(*) FROM read_parquet('{inp / k}.parquet')").fetchone()[0])  # type: ignore[index]
            for k in KINDS}
    by_market = dict(con.execute("SELECT market, count(*) FROM bx GROUP BY 1 ORDER BY 1").fetchall())
    con.close()
    shutil.rmtree(inp / "tmp", ignore_errors=True)
    generated = int(json.loads((root / "meta.json").read_text())["generated"]["exhibitions"])
    return {"generated_rows": generated, "subset_rows": subset, "copies": copies, "rows": rows,
            "by_market": by_market}


# --- variant: the engine -------------------------------------------------------------------------

class _TimedConnection:
    """Wraps the engine's connection to time each statement it runs (the engine only calls execute)."""

    def __init__(self, con: duckdb.DuckDBPyConnection, steps: list[tuple[str, float]]) -> None:
        self._con, self._steps, self.formula = con, steps, ""

    def execute(self, sql: str, *args: Any) -> duckdb.DuckDBPyConnection:
        started = time.perf_counter()
        result = self._con.execute(sql, *args)
        head = " ".join(sql.split())[:60]
        if head.startswith(("COPY (SELECT CAST(context_no", "CREATE OR REPLACE TEMP TABLE formula_rows_staged")):
            label = f"formula {self.formula}"
        elif any(f"TEMP TABLE {t}" in head for t in ("basis", "title_basis", "cast_units")):
            label = "basis"
        elif "TEMP TABLE syndication_runs" in head:
            label = "syndication runs (classified once for the three rules)"
        elif head.startswith("INSERT INTO compute_exceptions") or "unpriced" in head:
            label = "exceptions"
        elif head.startswith(("DELETE", "CREATE OR REPLACE VIEW")):
            label = "line store bookkeeping"
        else:
            label = "other"
        self._steps.append((label, time.perf_counter() - started))
        return result


def _connect(path: Path) -> duckdb.DuckDBPyConnection:
    """A fresh DuckDB file spilling beside it (as greenroom.store.analytics.connect), with the bench's limit."""
    for old in (path, Path(f"{path}.wal")):  # fresh for every run (--repeat reuses the work dir)
        old.unlink(missing_ok=True)
    shutil.rmtree(f"{path}.lines", ignore_errors=True)
    shutil.rmtree(path.with_suffix(".tmp"), ignore_errors=True)
    con = duckdb.connect(str(path))
    con.execute(f"SET temp_directory = '{path.with_suffix('.tmp')}'")
    from greenroom.store.analytics import DEFAULT_MEMORY_LIMIT

    # Greenroom bounds its analytics connection; the bench runs the engine and SQL the same way.
    con.execute(f"SET memory_limit = '{os.environ.get('BENCH_DUCKDB_MEMORY_LIMIT', DEFAULT_MEMORY_LIMIT)}'")
    return con


def _parquet_input_views(con: duckdb.DuckDBPyConnection, inp: Path) -> None:
    """The engine's input tables as views over the input Parquet, with the tables' columns and types, so
    the engine reads the files the hand-written query reads (a column the file lacks is NULL)."""
    from greenroom.ingest.schemas import SCHEMAS
    from greenroom.ingest.tables import SQL_TYPES

    for schema in SCHEMAS.values():
        path = inp / f"{schema.table}.parquet"
        present = {str(r[0]) for r in con.execute(f"DESCRIBE SELECT * FROM read_parquet('{path}')").fetchall()}
        columns = [f"CAST({c.name if c.name in present else 'NULL'} AS {SQL_TYPES[c.type]}) AS {c.name}"
                   for c in schema.columns]
        con.execute(f"CREATE VIEW {schema.table} AS SELECT {', '.join(columns)}, CAST(NULL AS BIGINT) AS load_id "
                    f"FROM read_parquet('{path}')")


def run_engine(inp: Path, out: Path, work: Path) -> dict[str, Any]:
    """Parquet in, engine, residual_lines with explanations out."""
    from greenroom.contracts.params import load_pack
    from greenroom.ingest.tables import ensure_tables
    from greenroom.residuals.engine import compute
    from greenroom.residuals.formulas import FORMULAS
    from greenroom.residuals.store import current_files

    formulas = [f for f in FORMULAS if set(f.markets) & set(MARKETS)]
    steps: list[tuple[str, float]] = []
    started = time.perf_counter()
    con = _connect(work / "engine.duckdb")
    if os.environ.get("BENCH_ENGINE_INPUT", "parquet") == "tables":
        ensure_tables(con)
        for kind in KINDS:
            con.execute(f"INSERT INTO {kind} BY NAME SELECT * FROM read_parquet('{inp / kind}.parquet')")
        steps.append(("load Parquet into tables", time.perf_counter() - started))
    else:
        _parquet_input_views(con, inp)
    timed = _TimedConnection(con, steps)

    def progress(formula_id: str) -> None:
        timed.formula = formula_id

    result = compute(timed, [load_pack()], formulas, progress)  # type: ignore[arg-type]
    # The engine stores its lines as Parquet files (each formula row's context with its explanation, and
    # the per-line amounts; joined on context_no they are residual_lines, every column): those files are
    # the output, listed for the check.
    manifest(out).write_text(json.dumps({kind: [str(f) for f in current_files(con, kind)]
                                         for kind in ("contexts", "amounts")}))
    con.close()
    seconds = time.perf_counter() - started
    merged: dict[str, float] = {}
    for label, s in steps:
        merged[label] = merged.get(label, 0.0) + s
    return {"seconds": seconds, "lines": result.lines, "steps": merged,
            "formulas": [f"{f.id}@{f.version}" for f in formulas],
            "engine": {"exhibitions_in": result.exhibitions_in, "priced": result.exhibitions_priced,
                       "exceptions": result.exceptions, "balanced": result.balanced}}


# --- variant: hand-written DuckDB SQL ------------------------------------------------------------
# Rates from src/greenroom/contracts/packs/sag-aftra-tv-theatrical (minimums, pension-health,
# reruns, basic-cable) typed in by hand. Every rule starts 7/1/2014 (photography date) except
# basic cable (whose rate and P&H eras go back to 1952) and the 2020 gross license (exhibition date).
# Arithmetic is BIGINT: DuckDB raises on BIGINT overflow rather than wrapping, so no HUGEINT casts.

SQL_MACROS = """
CREATE TEMP MACRO pct(a, ppm) AS (a * ppm + 500000) // 1000000;          -- a × rate, half-up to the cent
CREATE TEMP MACRO muldiv(a, b, d) AS (a * b * 2 + d) // (2 * d);         -- a × b ÷ d, half-up
CREATE TEMP MACRO syn_rate(run) AS CASE                                  -- §18(b)(2)c) schedule, % of TAM
  WHEN run >= 13 THEN 50000 WHEN run >= 11 THEN 100000 WHEN run >= 7 THEN 150000
  WHEN run >= 4 THEN 250000 WHEN run >= 3 THEN 300000 WHEN run >= 2 THEN 400000 END;
"""

SQL_QUERY = """
WITH
scale(from_date, day_cents, weekly_cents) AS (VALUES      -- minimums.day_performer / weekly_performer
  (DATE '2014-07-01', 88000, 305300), (DATE '2016-07-01', 93300, 323900), (DATE '2017-07-01', 95600, 332000),
  (DATE '2018-07-01', 98000, 340300), (DATE '2019-07-01', 100500, 348800), (DATE '2020-07-01', 103000, 357500),
  (DATE '2021-07-01', 105600, 366400), (DATE '2022-07-01', 108200, 375600), (DATE '2023-11-09', 115800, 401900),
  (DATE '2024-07-01', 120400, 418000), (DATE '2025-07-01', 124600, 432600), (DATE '2026-07-01', 128300, 445600),
  (DATE '2027-07-01', 132100, 459000), (DATE '2028-07-01', 136100, 472800), (DATE '2029-07-01', 140200, 487000)),
ph_rate(from_date, ph_ppm) AS (VALUES                     -- ph.residuals_rate
  (DATE '2014-07-01', 175000), (DATE '2017-07-01', 175000), (DATE '2018-07-01', 180000),
  (DATE '2019-07-01', 185000), (DATE '2020-07-01', 195000), (DATE '2021-07-01', 200000),
  (DATE '2022-07-01', 205000), (DATE '2026-07-01', 215000)),
ceiling(from_date, half_hour, one_hour, hour_half, two_hours, longer) AS (VALUES   -- reruns.prime_ceiling
  (DATE '2014-07-01', 247700, 352500, 352300, 379500, 433800),                    -- by rerun date and
  (DATE '2015-07-01', 252700, 359600, 359300, 387100, 442500),                    -- length 1/36/66/96/126+
  (DATE '2016-07-01', 257800, 366800, 366500, 394800, 451400)),
t AS (
  SELECT t.title_id, t.kind, t.genre, t.length_minutes, t.pp_date, t.season, t.episode,
         t.initial_release_date, s.day_cents, s.weekly_cents, p.ph_ppm
  FROM read_parquet('{titles}') t
  ASOF LEFT JOIN scale s ON t.pp_date >= s.from_date
  ASOF LEFT JOIN ph_rate p ON t.pp_date >= p.from_date
  WHERE t.agreement = 'sag-aftra-tv-theatrical'
),
cast_ AS (             -- entitled engagements: TAM, TAC and §18.2 units
  SELECT e.title_id, e.engagement_id, e.performer_id, e.category = 'series' AS series, e.tac_cents,
         e.days_worked * t.day_cents + e.weeks_worked * t.weekly_cents AS tam_cents,
         CASE e.category WHEN 'series' THEN 3 WHEN 'weekly' THEN 2 ELSE 1 END AS units
  FROM read_parquet('{engagements}') e JOIN t USING (title_id)
  WHERE e.category <> 'background'
),
x AS (
  SELECT x.exhibition_id, x.title_id, x.market, x.start_date, x.run_number, x.gross_receipts_cents AS gross,
         x.coverage_pct, t.kind, t.genre, t.length_minutes, t.pp_date, t.ph_ppm,
         -- §18(b)(3) promotional launch: 2nd network run of episode 1-3 of season 1 within 2 months
         COALESCE(x.market IN ('network_prime', 'network_nonprime') AND x.run_number = 2
                  AND t.kind = 'network_series' AND t.season = 1 AND t.episode <= 3
                  AND t.pp_date >= DATE '2014-07-01'
                  AND x.start_date <= t.initial_release_date + INTERVAL 2 MONTH, FALSE) AS launch_row
  FROM read_parquet('{exhibitions}') x JOIN t USING (title_id)
),
launched AS (SELECT DISTINCT title_id FROM x WHERE launch_row),
reruns AS (
  SELECT x.*, CASE WHEN l.title_id IS NOT NULL AND x.run_number > 2 THEN 1 ELSE 0 END AS launch_shift
  FROM x LEFT JOIN launched l USING (title_id)
  WHERE x.market IN ('network_prime', 'network_nonprime', 'syndication') AND x.pp_date >= DATE '2014-07-01'
    AND x.kind IN ('network_series', 'network_nonprime', 'syndicated_series', 'tv_movie', 'made_for_pay')
),
syn AS (
  SELECT *,
    COALESCE(kind IN ('network_series', 'network_nonprime', 'syndicated_series') AND length_minutes <= 35
             AND coverage_pct <= 50, FALSE) AS small,
    COALESCE(kind = 'network_series' AND genre = 'drama' AND length_minutes BETWEEN 36 AND 65, FALSE) AS b_title,
    COALESCE(gross IS NOT NULL AND start_date >= DATE '2020-07-01'
             AND kind IN ('network_series', 'network_nonprime', 'tv_movie', 'made_for_pay')
             AND COALESCE(genre NOT IN ('variety', 'documentary'), TRUE), FALSE) AS gross_license
  FROM reruns WHERE market = 'syndication'
),
syn_partial AS (       -- Sideletter B-2: small-market runs before the title's first fuller run
  SELECT *, small AND NOT COALESCE(BOOL_OR(NOT small) OVER w, FALSE) AS partial
  FROM syn WINDOW w AS (PARTITION BY title_id ORDER BY start_date, exhibition_id
                        ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING)
),
syn_runs AS (          -- run number on the full schedule
  SELECT *, CASE WHEN run_number >= 2 THEN GREATEST(2, run_number - launch_shift
              - COALESCE(SUM(CASE WHEN partial AND run_number >= 2 THEN 1 ELSE 0 END) OVER w, 0)) END AS eff_run
  FROM syn_partial WINDOW w AS (PARTITION BY title_id ORDER BY start_date, exhibition_id
                                ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING)
),
per_performer AS (     -- exhibitions paid per performer: rule tac (capped), tam (share) or b (Sideletter B)
  SELECT x.exhibition_id, x.title_id, 'rerun' AS component, 'tac' AS rule, x.launch_row,
         CASE WHEN x.length_minutes >= 126 THEN c.longer WHEN x.length_minutes >= 96 THEN c.two_hours
              WHEN x.length_minutes >= 66 THEN c.hour_half WHEN x.length_minutes >= 36 THEN c.one_hour
              WHEN x.length_minutes >= 1 THEN c.half_hour END AS ceiling,
         NULL::BIGINT AS rate_ppm, NULL::BIGINT AS revenue, x.ph_ppm
  FROM reruns x ASOF LEFT JOIN ceiling c ON x.start_date >= c.from_date
  WHERE x.market = 'network_prime' AND x.run_number >= 2
  UNION ALL
  SELECT exhibition_id, title_id, 'rerun', 'tam', launch_row, NULL,
         CASE run_number - launch_shift WHEN 2 THEN 500000 WHEN 3 THEN 400000
              ELSE syn_rate(run_number - launch_shift) END, NULL, ph_ppm
  FROM reruns WHERE market = 'network_nonprime' AND run_number >= 2
  UNION ALL
  SELECT exhibition_id, title_id,
         CASE WHEN partial THEN 'partial_market' WHEN b_title AND gross IS NOT NULL THEN 'sideletter_b'
              ELSE 'rerun' END,
         CASE WHEN NOT partial AND b_title AND gross IS NOT NULL THEN 'b' ELSE 'tam' END, FALSE, NULL,
         CASE WHEN partial THEN 200000 ELSE syn_rate(eff_run) END,
         CASE WHEN gross > 97500000 THEN 97500000                       -- 150% of $650,000
              WHEN (coverage_pct IS NULL OR coverage_pct >= 34) AND gross < 32500000 THEN 32500000
              ELSE gross END,
         ph_ppm
  FROM syn_runs
  WHERE NOT gross_license AND (CASE WHEN partial THEN run_number >= 2 ELSE eff_run IS NOT NULL END)
),
lines_per_performer AS (
  SELECT r.exhibition_id, c.engagement_id, c.performer_id, r.component,
         CASE r.rule
           WHEN 'tac' THEN CASE WHEN r.launch_row AND c.series THEN 0     -- 100% of TAC up to the ceiling
                                WHEN r.ceiling IS NOT NULL THEN LEAST(c.tac_cents, r.ceiling) END
           WHEN 'tam' THEN CASE WHEN r.launch_row AND c.series THEN 0 ELSE pct(c.tam_cents, r.rate_ppm) END
           ELSE muldiv(pct(c.tam_cents, r.rate_ppm), r.revenue, 65000000)
         END AS gross_cents,
         FALSE AS includes_ph, r.ph_ppm
  FROM per_performer r JOIN cast_ c USING (title_id)
),
pools AS (             -- exhibitions paid as a pool shared by §18.2 units
  SELECT exhibition_id, title_id, 'gross_license' AS component, pct(gross, 60000) AS pool_cents,
         FALSE AS includes_ph, ph_ppm
  FROM syn_runs WHERE gross_license
  UNION ALL
  SELECT exhibition_id, title_id, 'basic_cable',
         pct(COALESCE(gross, 0), CASE WHEN pp_date >= DATE '1984-07-01' THEN 60000
                                      WHEN pp_date >= DATE '1952-07-20' THEN 75000 END),
         NOT (pp_date >= DATE '1998-07-01' AND start_date >= DATE '2001-07-01'),
         COALESCE(ph_ppm, 175000)      -- pictures older than the P&H table take its first rate
  FROM x WHERE market = 'basic_cable'
    AND kind IN ('network_series', 'network_nonprime', 'syndicated_series', 'tv_movie')
),
title_units AS (SELECT title_id, CAST(SUM(units) AS BIGINT) AS total_units FROM cast_ GROUP BY title_id),
shares AS (
  SELECT p.exhibition_id, c.engagement_id, c.performer_id, p.component, p.pool_cents, p.includes_ph, p.ph_ppm,
         (p.pool_cents * c.units) // u.total_units AS floor_cents,
         (p.pool_cents * c.units) % u.total_units AS rem
  FROM pools p JOIN cast_ c USING (title_id) JOIN title_units u USING (title_id)
),
lines_pool AS (        -- largest remainder: leftover cents to the largest remainders, ties to lower engagement id
  SELECT exhibition_id, engagement_id, performer_id, component,
         floor_cents + CASE WHEN ROW_NUMBER() OVER (PARTITION BY exhibition_id ORDER BY rem DESC, engagement_id)
                                 <= pool_cents - CAST(SUM(floor_cents) OVER (PARTITION BY exhibition_id) AS BIGINT)
                            THEN 1 ELSE 0 END AS gross_cents,
         includes_ph, ph_ppm
  FROM shares
),
lines AS (SELECT * FROM lines_per_performer UNION ALL SELECT * FROM lines_pool)
SELECT exhibition_id, engagement_id, performer_id, component, gross_cents,
       CASE WHEN includes_ph THEN muldiv(gross_cents, 1000000, 1000000 + ph_ppm) ELSE gross_cents END
         AS amount_cents,
       CASE WHEN includes_ph THEN gross_cents - muldiv(gross_cents, 1000000, 1000000 + ph_ppm)
            ELSE pct(gross_cents, ph_ppm) END AS ph_cents
FROM lines WHERE gross_cents IS NOT NULL
"""


def run_sql(inp: Path, out: Path, work: Path) -> dict[str, Any]:
    """Parquet in, the hand-written query, lines out."""
    started = time.perf_counter()
    con = _connect(work / "sql.duckdb")
    con.execute(SQL_MACROS)
    con.execute("SET preserve_insertion_order = false")  # as the engine variant's Parquet output
    query = SQL_QUERY.format(**{k: inp / f"{k}.parquet" for k in KINDS})
    lines = int(con.execute(f"COPY ({query}) TO '{out}' (FORMAT parquet)").fetchone()[0])  # type: ignore[index]
    con.close()
    return {"seconds": time.perf_counter() - started, "lines": lines}


# --- variant: pandas ----------------------------------------------------------------------------

def run_pandas(inp: Path, out: Path, work: Path) -> dict[str, Any]:
    """Parquet in, pandas, lines out."""
    import numpy as np
    import pandas as pd

    steps: dict[str, float] = {}
    clock = [time.perf_counter()]

    def step(label: str) -> None:
        now = time.perf_counter()
        steps[label] = now - clock[0]
        clock[0] = now

    def day(iso: str) -> int:
        return int(np.datetime64(iso, "D").astype(np.int64))

    def days(s: pd.Series) -> np.ndarray:
        return np.asarray(pd.to_datetime(s).to_numpy().astype("datetime64[D]").astype(np.int64))

    def pct(a: Any, ppm: Any) -> Any:
        return (a * ppm + 500_000) // 1_000_000

    def muldiv(a: Any, b: Any, d: Any) -> Any:
        return (a * b * 2 + d) // (2 * d)

    def syn_rate(run: np.ndarray) -> np.ndarray:
        return np.select([run >= 13, run >= 11, run >= 7, run >= 4, run >= 3, run >= 2],
                         [50_000, 100_000, 150_000, 250_000, 300_000, 400_000], -1)

    def by_date(starts: list[str], values: np.ndarray, on: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """(value in force on each day, whether one is): the last start on or before the day."""
        i = np.searchsorted(np.array([day(s) for s in starts]), on, side="right") - 1
        return values[np.maximum(i, 0)], i >= 0

    tv_kinds = ["network_series", "network_nonprime", "syndicated_series", "tv_movie", "made_for_pay"]
    series_kinds = ["network_series", "network_nonprime", "syndicated_series"]
    start_2014 = day("2014-07-01")
    scale_from = ["2014-07-01", "2016-07-01", "2017-07-01", "2018-07-01", "2019-07-01", "2020-07-01", "2021-07-01",
                  "2022-07-01", "2023-11-09", "2024-07-01", "2025-07-01", "2026-07-01", "2027-07-01", "2028-07-01",
                  "2029-07-01"]
    day_scale = np.array([88000, 93300, 95600, 98000, 100500, 103000, 105600, 108200, 115800, 120400, 124600, 128300,
                          132100, 136100, 140200])
    weekly_scale = np.array([305300, 323900, 332000, 340300, 348800, 357500, 366400, 375600, 401900, 418000, 432600,
                             445600, 459000, 472800, 487000])
    ph_from = ["2014-07-01", "2017-07-01", "2018-07-01", "2019-07-01", "2020-07-01", "2021-07-01", "2022-07-01",
               "2026-07-01"]
    ph_rates = np.array([175000, 175000, 180000, 185000, 195000, 200000, 205000, 215000])
    ceiling_from = ["2014-07-01", "2015-07-01", "2016-07-01"]
    ceiling_lengths = np.array([1, 36, 66, 96, 126])
    ceilings = np.array([[247700, 352500, 352300, 379500, 433800],
                         [252700, 359600, 359300, 387100, 442500],
                         [257800, 366800, 366500, 394800, 451400]])

    t = pd.read_parquet(inp / "titles.parquet", columns=[
        "title_id", "agreement", "kind", "genre", "length_minutes", "pp_date", "initial_release_date", "season",
        "episode"])
    e = pd.read_parquet(inp / "engagements.parquet", columns=[
        "engagement_id", "performer_id", "title_id", "category", "days_worked", "weeks_worked", "tac_cents"])
    x = pd.read_parquet(inp / "exhibitions.parquet", columns=[
        "exhibition_id", "title_id", "market", "start_date", "run_number", "gross_receipts_cents", "coverage_pct"])
    step("read Parquet")

    t = t[t["agreement"] == AGREEMENT].drop(columns="agreement")
    t["pp"] = days(t["pp_date"])
    t["day_cents"], has_scale = by_date(scale_from, day_scale, t["pp"].to_numpy())
    t["weekly_cents"], _ = by_date(scale_from, weekly_scale, t["pp"].to_numpy())
    t["ph_ppm"], has_ph = by_date(ph_from, ph_rates, t["pp"].to_numpy())
    t.loc[~has_ph, "ph_ppm"] = -1
    t["launch_by"] = days(pd.to_datetime(t["initial_release_date"]) + pd.DateOffset(months=2))
    t["launch_title"] = ((t["kind"] == "network_series") & (t["season"] == 1) & (t["episode"] <= 3)
                         & (t["pp"] >= start_2014))

    e = e[e["category"] != "background"]
    cast = e.merge(t[["title_id", "day_cents", "weekly_cents"]], on="title_id")
    cast["tam_cents"] = cast["days_worked"] * cast["day_cents"] + cast["weeks_worked"] * cast["weekly_cents"]
    cast["units"] = np.select([cast["category"] == "series", cast["category"] == "weekly"], [3, 2], 1)
    cast["series"] = cast["category"] == "series"
    cast = cast[["title_id", "engagement_id", "performer_id", "series", "tac_cents", "tam_cents", "units"]]

    x = x.merge(t[["title_id", "kind", "genre", "length_minutes", "pp", "ph_ppm", "launch_by", "launch_title"]],
                on="title_id")
    x["start"] = days(x["start_date"])
    x["run"] = x["run_number"].fillna(0).astype(np.int64)
    x["has_gross"] = x["gross_receipts_cents"].notna()
    x["gross"] = x["gross_receipts_cents"].fillna(0).astype(np.int64)
    x["launch_row"] = (x["market"].isin(["network_prime", "network_nonprime"]) & (x["run"] == 2)
                       & x["launch_title"] & (x["start"] <= x["launch_by"]))
    launched = x.loc[x["launch_row"], "title_id"].unique()
    x["launch_shift"] = (x["title_id"].isin(launched) & (x["run"] > 2)).astype(np.int64)
    in_scope = x["kind"].isin(tv_kinds) & (x["pp"] >= start_2014)
    step("basis and exhibitions")

    line_cols = ["exhibition_id", "engagement_id", "performer_id", "component", "gross_cents", "includes_ph",
                 "ph_ppm"]
    parts: list[pd.DataFrame] = []

    # Network prime time: 100% of TAC up to a ceiling by rerun date and length; launch run free for series.
    p = x[(x["market"] == "network_prime") & in_scope & (x["run"] >= 2)].copy()
    p["ceiling"], has_period = by_date(ceiling_from, np.arange(len(ceiling_from)), p["start"].to_numpy())
    band = np.searchsorted(ceiling_lengths, p["length_minutes"].to_numpy(), side="right") - 1
    ok = has_period & (band >= 0)
    p["ceiling"] = np.where(ok, ceilings[p["ceiling"].to_numpy(), np.maximum(band, 0)], -1)
    lp = p[["exhibition_id", "title_id", "launch_row", "ceiling", "ph_ppm"]].merge(cast, on="title_id")
    free = lp["launch_row"] & lp["series"]
    lp["gross_cents"] = np.where(free, 0, np.minimum(lp["tac_cents"], lp["ceiling"]))
    lp = lp[free | (lp["ceiling"] >= 0)]
    lp["component"], lp["includes_ph"] = "rerun", False
    parts.append(lp[line_cols])
    step("network prime")

    # Network non-prime: 50% / 40% of TAM for runs 2 and 3, then the syndication schedule.
    n = x[(x["market"] == "network_nonprime") & in_scope & (x["run"] >= 2)].copy()
    run = (n["run"] - n["launch_shift"]).to_numpy()
    n["rate_ppm"] = np.select([run == 2, run == 3], [500_000, 400_000], syn_rate(run))
    ln = n[["exhibition_id", "title_id", "launch_row", "rate_ppm", "ph_ppm"]].merge(cast, on="title_id")
    ln["gross_cents"] = np.where(ln["launch_row"] & ln["series"], 0, pct(ln["tam_cents"], ln["rate_ppm"]))
    ln["component"], ln["includes_ph"] = "rerun", False
    parts.append(ln[line_cols])
    step("network non-prime")

    # Syndication: runs renumbered per title (launch run, Sideletter B-2 partial runs), then routed.
    s = x[(x["market"] == "syndication") & in_scope].sort_values(["title_id", "start", "exhibition_id"])
    small = (s["kind"].isin(series_kinds) & (s["length_minutes"] <= 35) & s["coverage_pct"].notna()
             & (s["coverage_pct"] <= 50))
    b_title = (s["kind"] == "network_series") & (s["genre"] == "drama") & s["length_minutes"].between(36, 65)
    gross_license = (s["has_gross"] & (s["start"] >= day("2020-07-01"))
                     & s["kind"].isin(["network_series", "network_nonprime", "tv_movie", "made_for_pay"])
                     & ~s["genre"].isin(["variety", "documentary"]))
    not_small = (~small).astype(np.int64)
    partial = small & (not_small.groupby(s["title_id"]).cumsum() - not_small == 0)
    counted = (partial & (s["run"] >= 2)).astype(np.int64)
    earlier = counted.groupby(s["title_id"]).cumsum() - counted
    has_eff = s["run"] >= 2
    eff_run = np.where(has_eff, np.maximum(2, s["run"] - s["launch_shift"] - earlier), 0)
    gross = s["gross"].to_numpy()
    floored = s["coverage_pct"].isna() | (s["coverage_pct"] >= 34)
    s = s.assign(
        component=np.where(partial, "partial_market",
                           np.where(b_title & s["has_gross"], "sideletter_b", "rerun")),
        sideletter_b=~partial & b_title & s["has_gross"],
        rate_ppm=np.where(partial, 200_000, syn_rate(eff_run)),
        revenue=np.where(gross > 97_500_000, 97_500_000,
                         np.where(floored & (gross < 32_500_000), 32_500_000, gross)),
        paid=~gross_license & np.where(partial, s["run"] >= 2, has_eff),
        gross_license=gross_license,
    )
    ls = s.loc[s["paid"], ["exhibition_id", "title_id", "component", "sideletter_b", "rate_ppm", "revenue",
                           "ph_ppm"]].merge(cast, on="title_id")
    fixed = pct(ls["tam_cents"], ls["rate_ppm"])
    ls["gross_cents"] = np.where(ls["sideletter_b"], muldiv(fixed, ls["revenue"], 65_000_000), fixed)
    ls["includes_ph"] = False
    parts.append(ls[line_cols])
    step("syndication per performer")

    # Pools by §18.2 units: 2020 gross-receipts licenses (6%) and basic cable (7.5% / 6%).
    g = s[s["gross_license"]]
    pools = [pd.DataFrame({"exhibition_id": g["exhibition_id"], "title_id": g["title_id"],
                           "component": "gross_license", "pool_cents": pct(g["gross"], 60_000),
                           "includes_ph": False, "ph_ppm": g["ph_ppm"]})]
    c = x[(x["market"] == "basic_cable")
          & x["kind"].isin(["network_series", "network_nonprime", "syndicated_series", "tv_movie"])]
    cable_rate = np.where(c["pp"] >= day("1984-07-01"), 60_000, np.where(c["pp"] >= day("1952-07-20"), 75_000, -1))
    cable_ph, _ = by_date(ph_from, ph_rates, np.maximum(c["pp"].to_numpy(), start_2014))
    pools.append(pd.DataFrame({
        "exhibition_id": c["exhibition_id"], "title_id": c["title_id"], "component": "basic_cable",
        "pool_cents": np.where(cable_rate >= 0, pct(c["gross"], cable_rate), -1),
        "includes_ph": ~((c["pp"] >= day("1998-07-01")) & (c["start"] >= day("2001-07-01"))),
        "ph_ppm": cable_ph}))
    pool = pd.concat(pools, ignore_index=True)
    pool = pool[pool["pool_cents"] >= 0]
    units = cast.groupby("title_id", as_index=False)["units"].sum().rename(columns={"units": "total_units"})
    sh = pool.merge(cast[["title_id", "engagement_id", "performer_id", "units"]], on="title_id").merge(
        units, on="title_id")
    share = sh["pool_cents"] * sh["units"]
    sh["floor_cents"] = share // sh["total_units"]
    sh["rem"] = share % sh["total_units"]
    sh["leftover"] = sh["pool_cents"] - sh.groupby("exhibition_id")["floor_cents"].transform("sum")
    sh = sh.sort_values(["exhibition_id", "rem", "engagement_id"], ascending=[True, False, True])
    rank = sh.groupby("exhibition_id", sort=False).cumcount() + 1
    sh["gross_cents"] = sh["floor_cents"] + (rank <= sh["leftover"]).astype(np.int64)
    parts.append(sh[line_cols])
    step("pools (largest remainder)")

    lines = pd.concat(parts, ignore_index=True)
    gross_cents = lines["gross_cents"].to_numpy(np.int64)
    ph_ppm = lines["ph_ppm"].to_numpy(np.int64)
    if (ph_ppm < 0).any():
        raise AssertionError("a line without a P&H rate in force")
    inclusive = lines["includes_ph"].to_numpy(bool)
    to_performer = muldiv(gross_cents, 1_000_000, 1_000_000 + ph_ppm)
    lines["amount_cents"] = np.where(inclusive, to_performer, gross_cents)
    lines["ph_cents"] = np.where(inclusive, gross_cents - to_performer, pct(gross_cents, ph_ppm))
    lines = lines.drop(columns=["includes_ph", "ph_ppm"])
    step("amounts and P&H")
    lines.to_parquet(out, index=False)
    step("write Parquet")
    return {"seconds": sum(steps.values()), "lines": len(lines), "steps": steps}


RUNNERS: dict[str, Callable[[Path, Path, Path], dict[str, Any]]] = {
    "engine": run_engine, "sql": run_sql, "pandas": run_pandas}


def child(variant: str, inp: Path, out: Path, work: Path, result: Path) -> None:
    """Run one variant in this (fresh) process and write its result with this process's peak RSS."""
    report = RUNNERS[variant](inp, out, work)
    usage = resource.getrusage(resource.RUSAGE_SELF)
    report["peak_rss_mib"] = peak_rss_bytes() / 2**20
    # CPU seconds (all threads, user + system) from start-up: steadier than wall time when other
    # work shares the machine, so the report gives their ratios too.
    report["cpu_seconds"] = usage.ru_utime + usage.ru_stime
    result.write_text(json.dumps(report))


# --- the parent: run, check, report -------------------------------------------------------------

def run_variant(variant: str, inp: Path, work: Path, cap_mib: float, timeout: float) -> dict[str, Any]:
    """Run a variant in a subprocess; stop it if it outgrows cap_mib or timeout. Samples RSS too."""
    import psutil

    out, result = work / f"{variant}-lines.parquet", work / f"{variant}-result.json"
    for old in (out, manifest(out), result):
        old.unlink(missing_ok=True)
    cmd = [sys.executable, str(Path(__file__).resolve()), "--variant", variant, "--input", str(inp),
           "--output", str(out), "--work", str(work), "--result", str(result)]
    started = time.perf_counter()
    proc = subprocess.Popen(cmd)
    ps = psutil.Process(proc.pid)
    sampled, stopped = 0, ""
    while proc.poll() is None:
        try:
            rss = ps.memory_info().rss
        except psutil.Error:
            rss = 0
        sampled = max(sampled, rss)
        if rss > cap_mib * MiB:
            stopped = f"stopped: RSS over the {cap_mib:,.0f} MiB cap"
        elif time.perf_counter() - started > timeout:
            stopped = f"stopped: over the {timeout:,.0f} s timeout"
        if stopped:
            proc.kill()
            proc.wait()
            break
        time.sleep(0.1)
    if stopped or proc.returncode != 0 or not result.exists():
        return {"status": stopped or f"failed (exit {proc.returncode})", "sampled_peak_rss_mib": sampled / MiB}
    report = dict(json.loads(result.read_text()))
    report.update(status="ok", output=str(out), sampled_peak_rss_mib=sampled / MiB)
    return report


def manifest(lines_path: Path) -> Path:
    """Where the engine variant lists the line files it stored."""
    return lines_path.with_suffix(".files.json")


def lines_relation(path: str) -> str:
    """SQL for a variant's lines: the engine's files joined back into whole lines, a baseline's file as is."""
    listed = manifest(Path(path))
    if listed.exists():
        files = json.loads(listed.read_text())
        amounts, contexts_ = ([f"'{f}'" for f in files[kind]] for kind in ("amounts", "contexts"))
        return (f"(SELECT * FROM read_parquet([{', '.join(amounts)}]) a JOIN read_parquet([{', '.join(contexts_)}]) c "
                "USING (context_no) WHERE NOT a.unpriced)")
    return f"read_parquet('{path}')"


def summarize_output(path: str) -> dict[str, Any]:
    """Count, totals and an order-independent checksum of (key, amount, P&H) over a lines file."""
    con = duckdb.connect()
    lines = lines_relation(path)
    row = con.execute(f"""SELECT count(*), sum(amount_cents), sum(ph_cents),
        sum(hash(exhibition_id::VARCHAR, engagement_id::VARCHAR, component::VARCHAR,
                 amount_cents::BIGINT, ph_cents::BIGINT)::HUGEINT)
        FROM {lines}""").fetchone()
    by_component = con.execute(f"SELECT component, count(*), sum(amount_cents), sum(ph_cents) "
                               f"FROM {lines} GROUP BY 1 ORDER BY 1").fetchall()
    con.close()
    assert row is not None
    return {"lines": int(row[0]), "amount_cents": int(row[1] or 0), "ph_cents": int(row[2] or 0),
            "checksum": str(row[3]), "by_component": {c: [int(k), int(a or 0), int(p or 0)]
                                                      for c, k, a, p in by_component}}


def show_differences(engine_out: str, other_out: str, other: str) -> None:
    """Print a few lines where a baseline and the engine differ."""
    con = duckdb.connect()
    rows = con.execute(f"""
SELECT COALESCE(e.exhibition_id, o.exhibition_id) AS exhibition_id, COALESCE(e.engagement_id, o.engagement_id)
         AS engagement_id, COALESCE(e.component, o.component) AS component, e.formula_id,
       e.amount_cents AS engine_amount, o.amount_cents AS {other}_amount, e.ph_cents AS engine_ph,
       o.ph_cents AS {other}_ph, e.note
FROM {lines_relation(engine_out)} e
FULL JOIN {lines_relation(other_out)} o
  ON o.exhibition_id = e.exhibition_id AND o.engagement_id = e.engagement_id AND o.component = e.component
WHERE e.amount_cents IS DISTINCT FROM o.amount_cents OR e.ph_cents IS DISTINCT FROM o.ph_cents
LIMIT 12""").fetchall()
    con.close()
    print(f"  lines differing between engine and {other} (first {len(rows)}):")
    print("   exhibition, engagement, component, formula, engine amount, "
          f"{other} amount, engine P&H, {other} P&H, note")
    for r in rows:
        print("   ", r)


def check(results: dict[str, dict[str, Any]]) -> tuple[bool, dict[str, Any]]:
    """Every variant that ran must produce the same lines as the engine."""
    summaries = {v: summarize_output(r["output"]) for v, r in results.items() if r.get("status") == "ok"}
    ok = True
    if "engine" in summaries:
        ref = summaries["engine"]
        for v, s in summaries.items():
            if v == "engine":
                continue
            same = all(s[k] == ref[k] for k in ("lines", "amount_cents", "ph_cents", "checksum"))
            if not same:
                ok = False
                print(f"\n*** MISMATCH: {v} vs engine ***")
                for k in ("lines", "amount_cents", "ph_cents", "checksum"):
                    print(f"  {k:13s} engine {ref[k]!s:>28}   {v} {s[k]!s:>28}")
                comps = sorted(set(ref["by_component"]) | set(s["by_component"]))
                for comp in comps:
                    a, b = ref["by_component"].get(comp), s["by_component"].get(comp)
                    if a != b:
                        print(f"  component {comp}: engine {a}  {v} {b}")
                show_differences(results["engine"]["output"], results[v]["output"], v)
    return ok, summaries


def _ratio(a: float | None, b: float | None) -> float | None:
    return a / b if a and b else None


def report(n: int, info: dict[str, Any], results: dict[str, dict[str, Any]],
           summaries: dict[str, Any]) -> dict[str, Any]:
    """Print the table for one row count and return its numbers."""
    rows = info["rows"]["exhibitions"]
    print(f"\n=== {rows:,} exhibition rows ({info['rows']['titles']:,} titles, "
          f"{info['rows']['engagements']:,} engagements) ===")
    print(f"input: the {info['subset_rows']:,} of {info['generated_rows']:,} generated rows in "
          f"{', '.join(MARKETS)} ({100 * info['subset_rows'] / info['generated_rows']:.1f}%), replicated "
          f"{info['copies']}× title by title with new ids and cut to {rows:,} rows")
    print("by market: " + ", ".join(f"{m} {c:,}" for m, c in info["by_market"].items()))
    print(f"\n{'variant':8s} {'seconds':>9s} {'CPU s':>8s} {'lines':>12s} {'lines/s':>11s} "
          f"{'peak RSS MiB':>13s}  status")
    for v in VARIANTS:
        r = results.get(v)
        if r is None:
            continue
        if r.get("status") == "ok":
            lines = summaries.get(v, {}).get("lines", r["lines"])
            r["lines_per_s"] = lines / r["seconds"]
            print(f"{v:8s} {r['seconds']:9.1f} {r.get('cpu_seconds', 0):8.1f} {lines:12,d} {r['lines_per_s']:11,.0f} "
                  f"{r['peak_rss_mib']:13,.0f}  ok")
        else:
            print(f"{v:8s} {'-':>9s} {'-':>8s} {'-':>12s} {'-':>11s} {r.get('sampled_peak_rss_mib', 0):13,.0f}  "
                  f"{r['status']}")
    sec = {v: r.get("seconds") for v, r in results.items() if r.get("status") == "ok"}
    engine_sql = _ratio(sec.get("engine"), sec.get("sql"))
    pandas_engine = _ratio(sec.get("pandas"), sec.get("engine"))
    cpu = {v: r.get("cpu_seconds") for v, r in results.items() if r.get("status") == "ok"}
    cpu_engine_sql = _ratio(cpu.get("engine"), cpu.get("sql"))
    cpu_pandas_engine = _ratio(cpu.get("pandas"), cpu.get("engine"))
    peak = results.get("engine", {}).get("peak_rss_mib") if results.get("engine", {}).get("status") == "ok" else None

    def verdict(ok: bool | None) -> str:
        return "n/a" if ok is None else ("meets target" if ok else "MISSES target")

    print()
    if engine_sql is not None:
        print(f"engine time / SQL time    = {engine_sql:6.2f}   target ≤ {TARGET_ENGINE_OVER_SQL:.1f} "
              f"(at least half the hand-written SQL's speed): {verdict(engine_sql <= TARGET_ENGINE_OVER_SQL)}")
    if pandas_engine is not None:
        print(f"pandas time / engine time = {pandas_engine:6.2f}   target ≥ {TARGET_PANDAS_OVER_ENGINE:.1f} "
              f"(engine at least 3× faster than pandas): {verdict(pandas_engine >= TARGET_PANDAS_OVER_ENGINE)}")
    if cpu_engine_sql is not None or cpu_pandas_engine is not None:
        print("CPU seconds (less sensitive to other load): engine / SQL = "
              + (f"{cpu_engine_sql:.2f}" if cpu_engine_sql is not None else "n/a")
              + ", pandas / engine = " + (f"{cpu_pandas_engine:.2f}" if cpu_pandas_engine is not None else "n/a"))
    if peak is not None:
        scope = "" if rows >= 10_000_000 else " (the target is for 10M rows)"
        print(f"engine peak RSS           = {peak:6,.0f} MiB   target < {TARGET_PEAK_MIB_10M:,} MiB at 10M rows"
              f"{scope}: {verdict(peak < TARGET_PEAK_MIB_10M) if rows >= 10_000_000 else 'n/a'}")
    eng = results.get("engine", {})
    if eng.get("status") == "ok":
        print("\nengine time by step (s): " + "; ".join(f"{k} {v:.1f}" for k, v in eng["steps"].items()))
        e = eng["engine"]
        print(f"engine counts: {e['exhibitions_in']:,} in = {e['priced']:,} priced + {e['exceptions']:,} exceptions")
    if results.get("pandas", {}).get("status") == "ok":
        print("pandas time by step (s): " + "; ".join(f"{k} {v:.1f}" for k, v in results["pandas"]["steps"].items()))
    return {"rows": rows, "input": info, "variants": results, "outputs": summaries,
            "ratios": {"engine_over_sql_time": engine_sql, "pandas_over_engine_time": pandas_engine,
                       "engine_over_sql_cpu": cpu_engine_sql, "pandas_over_engine_cpu": cpu_pandas_engine},
            "targets": {"engine_over_sql_time_max": TARGET_ENGINE_OVER_SQL,
                        "pandas_over_engine_time_min": TARGET_PANDAS_OVER_ENGINE,
                        "engine_peak_rss_mib_max_at_10M": TARGET_PEAK_MIB_10M}}


def main() -> None:
    """Parse arguments; as a child run one variant, as the parent run the benchmark."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, action="append", help="exhibition rows (repeatable; default 1M and 10M)")
    parser.add_argument("--seed", type=int, default=DEFAULT_SEED, help="generator seed (default 7)")
    parser.add_argument("--keep", action="store_true", help="keep the DuckDB files and line Parquet of each run")
    parser.add_argument("--regenerate", action="store_true", help="regenerate the cached data")
    parser.add_argument("--variants", default=",".join(VARIANTS), help="comma-separated subset of sql,engine,pandas")
    parser.add_argument("--repeat", type=int, default=1, help="run each variant this many times, keep the fastest")
    parser.add_argument("--mem-cap", type=float, default=16 * 1024, help="MiB: stop (or skip) a variant above this")
    parser.add_argument("--timeout", type=float, default=4 * 3600, help="seconds: stop a variant after this")
    parser.add_argument("--engine-input", choices=("parquet", "tables"), default="parquet",
                        help="parquet: the engine reads the input files through views, as the hand-written query "
                             "reads them (default); tables: load them into DuckDB tables first and count the load")
    parser.add_argument("--duckdb-memory-limit", help="SET memory_limit for the engine and SQL variants, e.g. 4GB "
                                                      "(default: greenroom's own, 3GB)")
    # Internal: run one variant in this process.
    parser.add_argument("--variant", choices=VARIANTS, help=argparse.SUPPRESS)
    parser.add_argument("--input", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--output", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--work", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--result", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    sys.stdout.reconfigure(line_buffering=True)  # type: ignore[union-attr]
    if args.variant:
        child(args.variant, args.input, args.output, args.work, args.result)
        return

    if args.duckdb_memory_limit:
        os.environ["BENCH_DUCKDB_MEMORY_LIMIT"] = args.duckdb_memory_limit
    os.environ["BENCH_ENGINE_INPUT"] = args.engine_input
    row_counts = sorted(set(args.rows or DEFAULT_ROWS))
    variants = [v for v in VARIANTS if v in args.variants.split(",")]
    OUT.mkdir(parents=True, exist_ok=True)
    stamp = dt.datetime.now().strftime("%Y%m%d-%H%M%S")
    print(f"residuals bench, {stamp}: {os.cpu_count()} CPUs, duckdb {duckdb.__version__}; variants "
          f"{', '.join(variants)}; engine input: {args.engine_input}; each in its own process; ratios are what "
          "to read on a shared machine")
    everything: dict[str, Any] = {"started": stamp, "cpus": os.cpu_count(), "duckdb": duckdb.__version__,
                                  "seed": args.seed, "markets": MARKETS,
                                  "duckdb_memory_limit": args.duckdb_memory_limit,
                                  "engine_input": args.engine_input, "runs": []}
    all_ok = True
    pandas_mib_per_row, pandas_basis = PANDAS_MIB_PER_ROW_PRIOR, "measured at 1M rows on this data"
    for n in row_counts:
        info = prepare(n, args.seed, args.regenerate, print)
        inp = Path(info["dir"])
        work = Path(tempfile.mkdtemp(prefix=f"residuals-{n}-", dir=OUT))
        results: dict[str, dict[str, Any]] = {}
        for v in variants:
            if v == "pandas" and pandas_mib_per_row * n > args.mem_cap:
                est = pandas_mib_per_row * n
                results[v] = {"status": f"skipped: about {est:,.0f} MiB expected ({pandas_basis}, linear in rows) "
                                        f"> the {args.mem_cap:,.0f} MiB cap"}
                print(f"[{n:,}] pandas {results[v]['status']}")
                continue
            best: dict[str, Any] | None = None
            for i in range(args.repeat):
                print(f"[{n:,}] running {v}" + (f" ({i + 1}/{args.repeat})" if args.repeat > 1 else "") + " ...",
                      flush=True)
                r = run_variant(v, inp, work, args.mem_cap, args.timeout)
                print(f"[{n:,}]   {v}: {r['status']}" + (f", {r['seconds']:.1f} s, peak {r['peak_rss_mib']:,.0f} MiB"
                                                        if r["status"] == "ok" else ""), flush=True)
                if r["status"] != "ok":
                    best = r
                    break
                r["all_seconds"] = (best or {}).get("all_seconds", []) + [r["seconds"]]
                r["peak_rss_mib"] = max(r["peak_rss_mib"], (best or {}).get("peak_rss_mib", 0))
                if best is None or r["seconds"] < best["seconds"]:
                    best = r
                else:
                    best["all_seconds"], best["peak_rss_mib"] = r["all_seconds"], r["peak_rss_mib"]
            assert best is not None
            results[v] = best
            if v == "pandas" and best["status"] == "ok":
                pandas_mib_per_row, pandas_basis = best["peak_rss_mib"] / n, f"measured at {n:,} rows in this run"
        ok, summaries = check(results)
        all_ok = all_ok and ok
        if ok and len(summaries) > 1:
            print(f"\ncheck: {', '.join(summaries)} agree on every line ({next(iter(summaries.values()))['lines']:,} "
                  "lines; count, amount, P&H and a per-line checksum)")
        run = report(n, info, results, summaries)
        run["check"] = "ok" if ok else "MISMATCH"
        everything["runs"].append(run)
        if args.keep:
            print(f"kept {work}")
        else:
            shutil.rmtree(work, ignore_errors=True)
    path = OUT / f"residuals-{stamp}.json"
    path.write_text(json.dumps(everything, indent=1, default=str))
    print(f"\nresults: {path}")
    if not all_ok:
        print("\n*** MISMATCH: the variants do not compute the same lines (see above) ***")
        sys.exit(1)


if __name__ == "__main__":
    main()
