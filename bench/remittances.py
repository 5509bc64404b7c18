"""Benchmark loading a remittance file against a plain DuckDB read_csv + insert of the same file.

    .venv/bin/python bench/remittances.py                    # 100k and 1M rows
    .venv/bin/python bench/remittances.py --rows 200000      # one size

What is measured, for a CSV of N remittance rows, in one process, one after the other:

* greenroom: `greenroom audit load-remittances FILE --payer NAME` as a function call
  (greenroom.audit.remittances.load_remittances) into a fresh data directory holding the titles and
  engagements: staging, the field and remittance checks, the check-number and duplicate checks, title
  matching (id, name, fuzzy on the distinct written titles left over), the insert of matched rows
  into remittance_rows and the held rows (queued and rejected, with their original cells) into the
  application database (SQLite here).
* baseline: a fresh DuckDB file with greenroom's remittance_rows table, filled by one INSERT ... SELECT
  from read_csv with typed columns: no checks, no matching, nothing held.

Input: N/200 titles (series episodes, named "Name: Season s, Episode e"), 30 performers engaged per
title. Each row pays one title and performer; checks group 3 rows of one performer and date. Titles
are written as our id (80%), as the exact name (14%), loosely (a letter pair swapped or the case
changed, 5%: fuzzy matching) or as an unknown title (about 1%, queued), and 0.5% of rows pay zero
(rejected). The machine is shared and small: read the ratio measured in the same run, not absolute
times. Nothing asserts on timing.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

import duckdb

from greenroom.audit.remittances import load_remittances
from greenroom.audit.tables import REMITTANCE_ROWS_DDL, ensure_audit_tables
from greenroom.config import Settings
from greenroom.store.analytics import connect

PAYER = "Bench Pictures"
SERIES = ("Harbor Lights", "The Long Field", "Cedar Falls", "Night Desk", "The Bright Outpost", "Verdict",
          "Ironwood", "The Quiet Coast", "Signal Hill", "Paper Moons")
MARKETS = ("network_prime", "syndication", "basic_cable", "foreign_tv")


def _loose(name: str, i: int) -> str:
    """A payer's careless spelling: a letter pair swapped in the longest word, or the name upper-cased."""
    if i % 2:
        return name.upper()
    words = name.split(" ")
    j = max(range(len(words)), key=lambda k: len(words[k]))
    w = words[j]
    if len(w) >= 6:
        m = len(w) // 2
        words[j] = w[:m - 1] + w[m] + w[m - 1] + w[m + 1:]
    return " ".join(words)


def setup(settings: Settings, n: int) -> int:
    """Titles and engagements for n rows; returns the number of titles."""
    titles = max(200, n // 200)
    names = []
    for t in range(titles):
        series, rest = divmod(t, 200)
        season, episode = divmod(rest, 20)
        names.append((f"T{t:07d}", f"{SERIES[series % len(SERIES)]} {series // len(SERIES) + 1}: "
                                   f"Season {season + 1}, Episode {episode + 1}"))
    with connect(settings) as con:
        ensure_audit_tables(con)
        con.execute("CREATE TEMP TABLE names (title_id VARCHAR, name VARCHAR, loose VARCHAR)")
        con.executemany("INSERT INTO names VALUES (?, ?, ?)", [(t, nm, _loose(nm, i)) for i, (t, nm) in
                                                               enumerate(names)])
        con.execute("""INSERT INTO titles BY NAME SELECT title_id, name, 'sag-aftra-tv-theatrical' AS agreement,
            'network_series' AS kind, 60 AS length_minutes FROM names""")
        con.execute(f"""INSERT INTO engagements BY NAME SELECT 'E' || t || '-' || k AS engagement_id,
            'P' || lpad(((t * 7 + k) % {max(1000, titles * 5)})::VARCHAR, 7, '0') AS performer_id,
            'T' || lpad(t::VARCHAR, 7, '0') AS title_id, 'day' AS category FROM range({titles}) a(t),
            range(30) b(k)""")
    return titles


def write_csv(settings: Settings, path: Path, n: int, titles: int) -> None:
    """N remittance rows as a payer would send them (see the module docstring for the mix)."""
    markets = "['" + "', '".join(MARKETS) + "']"
    with connect(settings) as con:
        con.execute("CREATE TEMP TABLE names AS SELECT title_id, name, lower(name) AS low FROM titles")
        con.execute(f"""COPY (
            WITH r AS (SELECT i, i // 3 AS g, (hash(i // 3) % {titles})::BIGINT AS t,
                              (hash(i // 3 + 1) % 30)::BIGINT AS k, hash(i + 17) % 1000 AS dice FROM range({n}) x(i)),
            w AS (SELECT r.*, 'T' || lpad(t::VARCHAR, 7, '0') AS title_id FROM r)
            SELECT 'C' || lpad(g::VARCHAR, 9, '0') AS check_number,
                   CASE WHEN dice < 800 THEN w.title_id WHEN dice < 940 THEN n.name
                        WHEN dice < 970 THEN upper(n.name)
                        WHEN dice < 990 THEN replace(n.name, 'Season', 'Saeson')
                        ELSE 'Unknown Special ' || (i % 97) END AS title,
                   'P' || lpad(((t * 7 + k) % {max(1000, titles * 5)})::VARCHAR, 7, '0') AS performer_id,
                   {markets}[1 + (hash(i) % 4)::BIGINT] AS market,
                   DATE '2020-01-01' + (hash(i + 3) % 1500)::INTEGER AS period_start,
                   DATE '2020-01-01' + (hash(i + 3) % 1500)::INTEGER AS period_end,
                   CASE WHEN dice >= 995 THEN 0 ELSE 1000 + hash(i + 5) % 500000 END AS amount_cents,
                   (1000 + hash(i + 5) % 500000) * 175 // 1000 AS ph_cents,
                   DATE '2025-06-01' + (hash(g + 9) % 200)::INTEGER AS paid_date, 'USD' AS currency
            FROM w JOIN names n USING (title_id) ORDER BY i) TO '{path}' (FORMAT csv, HEADER)""")


def baseline(path: Path, folder: Path) -> float:
    """Seconds for read_csv + insert into greenroom's remittance_rows table, nothing checked."""
    started = time.perf_counter()
    with duckdb.connect(str(folder / "baseline.duckdb")) as con:
        con.execute(REMITTANCE_ROWS_DDL)
        con.execute(f"""INSERT INTO remittance_rows BY NAME SELECT 'F1R' || (row_number() OVER () + 1) AS row_id,
            1 AS file_id, 'r.csv' AS file_name, row_number() OVER () + 1 AS row_number, '{PAYER}' AS payer,
            check_number, title AS title_written, title AS title_id, 'id' AS title_match, performer_id, market,
            period_start, period_end, amount_cents, ph_cents, paid_date, currency, now()::TIMESTAMP AS loaded_at
            FROM read_csv('{path}', header=true, columns={{'check_number': 'VARCHAR', 'title': 'VARCHAR',
              'performer_id': 'VARCHAR', 'market': 'VARCHAR', 'period_start': 'DATE', 'period_end': 'DATE',
              'amount_cents': 'BIGINT', 'ph_cents': 'BIGINT', 'paid_date': 'DATE', 'currency': 'VARCHAR'}})""")
    return time.perf_counter() - started


def run(n: int) -> float:
    """Measure one size; returns greenroom's time over the baseline's."""
    with tempfile.TemporaryDirectory(prefix="bench-remit-") as tmp:
        folder = Path(tmp)
        settings = Settings(data_dir=folder / "data", database_url=f"sqlite:///{folder / 'app.sqlite3'}")
        settings.data_dir.mkdir()
        titles = setup(settings, n)
        path = folder / "remittance.csv"
        write_csv(settings, path, n, titles)
        base = baseline(path, folder)
        started = time.perf_counter()
        load = load_remittances(settings, path, PAYER)
        ours = time.perf_counter() - started
        if load.refused or not load.balanced or load.rows_read != n:
            print(f"FAILED: {load.summary()} {load.messages}")
            sys.exit(1)
        with connect(settings) as con:
            how = dict(con.execute("SELECT title_match, count(*) FROM remittance_rows GROUP BY 1").fetchall())
    ratio = ours / base
    print(f"{n:>9,} rows, {titles:,} titles: greenroom {ours:6.1f} s ({n / ours:>9,.0f} rows/s) | baseline "
          f"read_csv+insert {base:5.2f} s ({n / base:>10,.0f} rows/s) | ratio {ratio:5.1f}x")
    print(f"          {load.summary()}; matched by {', '.join(f'{k} {v:,}' for k, v in sorted(how.items()))}")
    return ratio


def main() -> None:
    """Parse the sizes and run each."""
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rows", type=int, action="append", help="rows (repeatable; default 100000 and 1000000)")
    args = parser.parse_args()
    for n in args.rows or [100_000, 1_000_000]:
        run(n)


if __name__ == "__main__":
    main()
