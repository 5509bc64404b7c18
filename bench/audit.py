"""Benchmark the audit's reconciliation against a hand-written DuckDB join doing the same matching.

    .venv/bin/python bench/audit.py                  # 1M owed lines and 1M remittance rows
    .venv/bin/python bench/audit.py --rows 10000000  # 10M each (--10m is the same)
    .venv/bin/python bench/audit.py --rows 200000 --repeat 3

What is measured, for N owed lines and N remittance rows, each variant in its own subprocess (so
peak RSS is that variant's alone, read from VmHWM in the child), both under greenroom's DuckDB
memory bound (GREENROOM_DUCKDB_MEMORY_LIMIT, default 3GB):

* greenroom: a fresh data directory with the lines in residual_lines and the rows in
  remittance_rows (greenroom's own DDL), then what `greenroom audit run` does to reconcile:
  post_owed and post_paid (immutable ledger entries: one per line or row and account, idempotency
  checks, ids) and build_balances (per (payer, title, performer, market, period): owed and paid for
  the performer and P&H, differences, tolerance, due and last-paid dates, and how many live entries
  are behind each balance). Listing the entries behind the balances that fail (what the findings
  cite) is timed apart and printed as "evidence"; it is not in the ratio.
* sql: one hand-written DuckDB statement over the same two tables computing the same balances
  table: the title's payer (the payer of most of its rows), owed and paid per key and account, the
  differences against the tolerance, the dates, and the entries behind each key (one per non-zero
  amount and account, as the ledger posts them).

Not measured: classifying the balances that fail into findings (a small fraction of keys; the
previous-scale check reruns the engine on those titles only) and storing findings.

Input: synthetic lines, two per key on average, for 3 payers; remittances pay each line exactly
except ~2% of lines left unpaid, ~2% paid twice, ~2% paid short and ~1% with P&H short, so there
are exactly N rows. Seconds are wall time of the work (interpreter start-up and data generation
excluded), with the process's CPU seconds beside them (steadier than wall time on a busy machine).
The two outputs must agree key by key (count, sums and an order-independent checksum of every key's
differences, ok flag, dates and entry counts); otherwise MISMATCH and exit 1. The machine is shared
and small: read the ratio measured in the same run, not absolute times. Nothing asserts on timing.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import duckdb
from peak import peak_rss_bytes

TARGET_RATIO = 2.0  # greenroom time ≤ 2 × the hand-written join's time
MiB = 2**20
PAYERS = ("Northlight Pictures", "Bluewater Studios", "Harbor Television")
MARKETS = ("network_prime", "syndication", "basic_cable", "foreign")


def generate(folder: Path, n: int, seed: int) -> None:
    """Write lines.parquet (N owed lines) and rows.parquet (N remittance rows) into folder."""
    con = duckdb.connect()
    con.execute(f"SELECT setseed({(seed % 1000) / 1000})")
    con.execute(f"""CREATE TABLE lines AS SELECT
        i, 'L' || lpad(i::VARCHAR, 10, '0') AS line_id, i // 2 AS k,
        'T' || lpad((i // 2 // 40)::VARCHAR, 8, '0') AS title_id,
        'P' || lpad(((i // 2) % 40 + 40 * ((i // 2 // 40) % 997))::VARCHAR, 7, '0') AS performer_id,
        ['{"', '".join(MARKETS)}'][CAST(1 + (hash(i // 2) % {len(MARKETS)}) AS BIGINT)] AS market,
        DATE '2019-01-01' + CAST((hash(i // 2 + 7) % 2000) AS INTEGER) AS period_start,
        1000 + (hash(i) % 400000)::BIGINT AS amount_cents
        FROM range({n}) t(i)""")
    con.execute("""ALTER TABLE lines ADD COLUMN ph_cents BIGINT;
        UPDATE lines SET ph_cents = amount_cents * 175 // 1000""")
    con.execute(f"""COPY (SELECT line_id, 1::BIGINT AS run_id, 'sag-aftra-tv-theatrical' AS agreement,
        'bench.formula' AS formula_id, '1' AS formula_version, performer_id, 'E' || k AS engagement_id, title_id,
        'X' || line_id AS exhibition_id, market, 'rerun' AS component, period_start, period_start AS period_end,
        amount_cents AS gross_cents, amount_cents, ph_cents, false AS includes_ph, 175000::BIGINT AS ph_rate_ppm,
        period_start + 30 AS due_date, '' AS params, false AS unverified FROM lines)
        TO '{folder / "lines.parquet"}' (FORMAT parquet)""")
    # Which error each line gets, from its number (37 is prime to 100, so each residue is exactly 1% of
    # lines): 0-1 unpaid, 2-3 paid twice, 4-5 short, 6 P&H short.
    con.execute(f"""COPY (
        WITH l AS (SELECT *, (i * 37) % 100 AS e,
                          ['{"', '".join(PAYERS)}'][CAST(1 + (hash(title_id) % 3) AS BIGINT)] AS payer FROM lines),
        paid AS (
          SELECT * FROM l WHERE e >= 2
          UNION ALL SELECT * FROM l WHERE e IN (2, 3))
        SELECT 'r' || row_number() OVER () AS row_id, 1::BIGINT AS file_id, 'bench.csv' AS file_name,
          row_number() OVER () AS row_number, payer, 'C' || k AS check_number, title_id AS title_written,
          title_id, 'id' AS title_match, NULL::DOUBLE AS title_score, performer_id, market, period_start,
          period_start AS period_end, amount_cents AS gross_cents,
          CASE WHEN e IN (4, 5) THEN amount_cents - 1 - (hash(line_id) % 500) ELSE amount_cents END AS amount_cents,
          CASE WHEN e = 6 THEN ph_cents // 2 ELSE ph_cents END AS ph_cents,
          period_start + 20 AS paid_date, 'USD' AS currency, line_id, NULL::VARCHAR AS exhibition_id,
          NULL::UBIGINT AS content_hash, TIMESTAMP '2026-01-01 00:00:00' AS loaded_at
        FROM paid) TO '{folder / "rows.parquet"}' (FORMAT parquet)""")
    con.close()


def _prepare(work: Path, data: Path) -> Any:
    """A fresh greenroom data directory with the lines and rows in greenroom's own tables."""
    from greenroom.audit.tables import ensure_audit_tables
    from greenroom.config import Settings
    from greenroom.residuals.store import store_lines
    from greenroom.store import analytics

    settings = Settings(data_dir=work, database_url=f"sqlite:///{work / 'app.sqlite3'}")
    con = analytics.connect(settings)
    ensure_audit_tables(con)
    store_lines(con, f"SELECT * FROM '{data / 'lines.parquet'}'")
    con.execute(f"INSERT INTO remittance_rows BY NAME SELECT * FROM '{data / 'rows.parquet'}'")
    con.execute("CHECKPOINT")
    return con


SQL = """
CREATE OR REPLACE TABLE sql_balances AS
WITH title_payer AS (
  SELECT title_id, arg_min(payer, (-n, payer)) AS payer
  FROM (SELECT title_id, payer, count(*) AS n FROM remittance_rows GROUP BY ALL) GROUP BY title_id),
owed AS (
  SELECT tp.payer, l.title_id, l.performer_id, l.market, l.period_start, l.period_end,
         sum(l.amount_cents) AS owed_cents, sum(l.ph_cents) AS owed_ph_cents, min(l.due_date) AS due_date,
         count(*) FILTER (WHERE l.amount_cents <> 0) + count(*) FILTER (WHERE l.ph_cents <> 0) AS owed_count
  FROM residual_lines l LEFT JOIN title_payer tp USING (title_id) GROUP BY ALL),
paid AS (
  SELECT payer, title_id, performer_id, market, period_start, period_end,
         sum(amount_cents) AS paid_cents, sum(ph_cents) AS paid_ph_cents, max(paid_date) AS last_paid_date,
         count(*) FILTER (WHERE amount_cents <> 0) + count(*) FILTER (WHERE ph_cents <> 0) AS paid_count
  FROM remittance_rows GROUP BY ALL)
SELECT COALESCE(o.payer, p.payer) AS payer, COALESCE(o.title_id, p.title_id) AS title_id,
       COALESCE(o.performer_id, p.performer_id) AS performer_id, COALESCE(o.market, p.market) AS market,
       COALESCE(o.period_start, p.period_start) AS period_start, COALESCE(o.period_end, p.period_end) AS period_end,
       COALESCE(owed_cents, 0) AS owed_cents, COALESCE(owed_ph_cents, 0) AS owed_ph_cents,
       COALESCE(paid_cents, 0) AS paid_cents, COALESCE(paid_ph_cents, 0) AS paid_ph_cents,
       due_date, last_paid_date, COALESCE(owed_count, 0) AS owed_count, COALESCE(paid_count, 0) AS paid_count,
       CAST(COALESCE(owed_cents, 0) - COALESCE(paid_cents, 0) AS BIGINT) AS diff_cents,
       CAST(COALESCE(owed_ph_cents, 0) - COALESCE(paid_ph_cents, 0) AS BIGINT) AS diff_ph_cents,
       0 AS tolerance_cents,
       abs(COALESCE(owed_cents, 0) - COALESCE(paid_cents, 0)) <= 0
         AND abs(COALESCE(owed_ph_cents, 0) - COALESCE(paid_ph_cents, 0)) <= 0 AS ok
FROM owed o FULL OUTER JOIN paid p
  ON o.payer IS NOT DISTINCT FROM p.payer AND o.title_id = p.title_id AND o.performer_id = p.performer_id
 AND o.market = p.market AND o.period_start = p.period_start AND o.period_end = p.period_end
"""

CHECK = """SELECT count(*), sum(owed_cents), sum(paid_cents), sum(diff_cents), sum(diff_ph_cents),
  count(*) FILTER (WHERE NOT ok),
  sum(hash(payer, title_id, performer_id, market, period_start, diff_cents, diff_ph_cents, ok, due_date,
           last_paid_date, owed_count, paid_count)::HUGEINT) % 1000000007
  FROM {table}"""


def child(variant: str, data: Path, work: Path) -> dict[str, Any]:
    """Run one variant in this process; returns seconds, peak RSS and the output's checksum."""
    con = _prepare(work, data)
    # Imported before the clock starts: interpreter start-up and imports are not the work.
    from greenroom.audit.posting import post_owed, post_paid
    from greenroom.ledger.balance import BALANCES_TABLE, build_balances

    started, cpu = time.perf_counter(), time.process_time()
    if variant == "greenroom":
        post_owed(con)
        post_paid(con)
        build_balances(con)
        table = BALANCES_TABLE
    else:
        con.execute(SQL)
        table = "sql_balances"
    seconds, cpu = time.perf_counter() - started, time.process_time() - cpu
    evidence = None
    if variant == "greenroom":
        from greenroom.ledger.balance import key_entries

        started = time.perf_counter()
        failing = f"(SELECT row_number() OVER () AS k, * FROM {BALANCES_TABLE} WHERE NOT ok)"
        con.execute(f"""CREATE TEMP TABLE evidence AS SELECT k, kind, list(entry_id ORDER BY entry_id) AS ids
            FROM ({key_entries(failing)}) GROUP BY ALL""")
        evidence = time.perf_counter() - started
    check = con.execute(CHECK.format(table=table)).fetchone()
    con.close()
    peak = peak_rss_bytes()
    return {"variant": variant, "seconds": seconds, "cpu_seconds": cpu, "evidence_seconds": evidence,
            "peak_bytes": peak, "check": [str(x) for x in check or ()]}


def run_child(variant: str, data: Path) -> dict[str, Any]:
    """Run a variant in a subprocess with its own fresh data directory."""
    with tempfile.TemporaryDirectory(prefix=f"bench-audit-{variant}-", dir=data) as work:
        out = subprocess.run([sys.executable, __file__, "--child", variant, "--data", str(data), "--work", work],
                             capture_output=True, text=True)
    if out.returncode != 0:
        tail = "\n".join(out.stderr.strip().splitlines()[-15:])
        raise RuntimeError(f"the {variant} variant failed (exit {out.returncode}):\n{tail}")
    return dict(json.loads(out.stdout.strip().splitlines()[-1]))


def main() -> int:
    """Parse arguments, generate the input, time both variants, print the ratio."""
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--rows", type=int, default=1_000_000, help="owed lines and remittance rows (each)")
    p.add_argument("--10m", dest="ten", action="store_true", help="10M lines and rows")
    p.add_argument("--seed", type=int, default=7)
    p.add_argument("--repeat", type=int, default=1, help="runs per variant (the fastest is reported)")
    p.add_argument("--variants", default="sql,greenroom", help="which variants to run, comma-separated")
    p.add_argument("--dir", type=Path, default=None, help="work folder (default: a temporary one)")
    p.add_argument("--child", choices=("greenroom", "sql"), help=argparse.SUPPRESS)
    p.add_argument("--data", type=Path, help=argparse.SUPPRESS)
    p.add_argument("--work", type=Path, help=argparse.SUPPRESS)
    a = p.parse_args()
    if a.child:
        print(json.dumps(child(a.child, a.data, a.work)))
        return 0
    n = 10_000_000 if a.ten else a.rows
    with tempfile.TemporaryDirectory(prefix="bench-audit-", dir=a.dir) as tmp:
        data = Path(tmp)
        t0 = time.perf_counter()
        generate(data, n, a.seed)
        with duckdb.connect() as con:
            rows = con.execute(f"SELECT count(*) FROM '{data / 'rows.parquet'}'").fetchone()
        print(f"input: {n:,} owed lines, {rows[0] if rows else 0:,} remittance rows "
              f"(generated in {time.perf_counter() - t0:.1f}s); DuckDB memory limit "
              f"{os.environ.get('GREENROOM_DUCKDB_MEMORY_LIMIT', '3GB')}")
        best: dict[str, dict[str, Any]] = {}
        variants = [v for v in ("sql", "greenroom") if v in a.variants.split(",")]
        for _ in range(a.repeat):
            for variant in variants:
                try:
                    r = run_child(variant, data)
                except RuntimeError as exc:
                    print(exc)
                    return 1
                ev = r["evidence_seconds"]
                extra = "" if ev is None else f"  (evidence for the failing keys {ev:.1f}s)"
                print(f"  {variant:9s} {r['seconds']:8.1f}s  CPU {r['cpu_seconds']:7.1f}s  peak "
                      f"{r['peak_bytes'] / MiB:8.0f} MiB{extra}")
                if variant not in best or r["seconds"] < best[variant]["seconds"]:
                    best[variant] = r
    if len(best) < 2:
        return 0  # one variant: nothing to compare
    g, s = best["greenroom"], best["sql"]
    if g["check"] != s["check"]:
        print(f"MISMATCH: greenroom {g['check']} vs sql {s['check']}")
        return 1
    keys, _, _, diff, diff_ph, not_ok, _ = g["check"]
    ratio = g["seconds"] / s["seconds"]
    print(f"outputs agree: {int(keys):,} balances, {int(not_ok):,} not balancing, difference {diff} + P&H {diff_ph}")
    print(f"greenroom {g['seconds']:.1f}s / sql {s['seconds']:.1f}s = {ratio:.2f}x (target ≤ {TARGET_RATIO:.0f}x: "
          f"{'met' if ratio <= TARGET_RATIO else 'missed'}); peak greenroom {g['peak_bytes'] / MiB:.0f} MiB, "
          f"sql {s['peak_bytes'] / MiB:.0f} MiB; CPU greenroom {g['cpu_seconds']:.1f}s / sql {s['cpu_seconds']:.1f}s = "
          f"{g['cpu_seconds'] / s['cpu_seconds']:.2f}x")
    return 0


if __name__ == "__main__":
    sys.exit(main())
