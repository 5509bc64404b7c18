"""Benchmark ingest: generate N exhibitions rows (a few percent bad) as Parquet, load, report speed and memory.

    .venv/bin/python bench/ingest.py 10000000 [--reload] [--keep]

Prints rows/s and the peak resident memory of this process during the load (sampled with psutil).
"""

from __future__ import annotations

import argparse
import resource
import shutil
import threading
import time
from pathlib import Path

import duckdb
import psutil

from greenroom.config import Settings
from greenroom.ingest.loader import LoadResult, load_file
from greenroom.residuals.markets import MARKETS

OUT = Path(__file__).resolve().parent / "out" / "ingest"
TITLES = 2_000


class PeakRss:
    """Samples this process's resident memory in the background and keeps the maximum."""

    def __init__(self, interval: float = 0.05) -> None:
        """Prepare the sampler."""
        self.interval, self.peak, self._stop = interval, 0, threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _run(self) -> None:
        """Sample until stopped."""
        proc = psutil.Process()
        while not self._stop.is_set():
            self.peak = max(self.peak, proc.memory_info().rss)
            time.sleep(self.interval)

    def __enter__(self) -> PeakRss:
        """Start sampling."""
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        """Stop sampling."""
        self._stop.set()
        self._thread.join()


def generate(con: duckdb.DuckDBPyConnection, n: int, titles: Path, exhibitions: Path) -> None:
    """Write the titles file and n exhibitions rows with about 3% bad rows of several sorts."""
    con.execute(f"""COPY (SELECT 'T' || lpad(i::VARCHAR, 5, '0') AS title_id, 'Title ' || i AS name,
        'sag-aftra-tv-theatrical' AS agreement, 'network_series' AS kind, 60 AS length_minutes,
        DATE '2019-01-01' + (i % 700)::INT AS pp_date, DATE '2020-09-01' AS initial_release_date,
        'drama' AS genre FROM range({TITLES}) t(i)) TO '{titles}' (FORMAT parquet)""")
    markets = ", ".join(f"'{m}'" for m in MARKETS)
    con.execute(f"""COPY (SELECT
        -- 0.1% repeat the previous row's id (duplicate within the file)
        'X' || lpad((CASE WHEN i % 1000 = 7 THEN i - 1 ELSE i END)::VARCHAR, 10, '0') AS exhibition_id,
        -- 0.5% name a title that does not exist
        CASE WHEN i % 200 = 3 THEN 'NOPE' || (i % 50) ELSE 'T' || lpad((i * 7919 % {TITLES})::VARCHAR, 5, '0')
             END AS title_id,
        ([{markets}])[1 + (i % {len(MARKETS)})::INT] AS market,
        DATE '2021-01-01' + (i % 1000)::INT AS start_date,
        -- 0.3% end before they start
        DATE '2021-01-01' + (i % 1000)::INT + (CASE WHEN i % 333 = 11 THEN -5 ELSE 90 END) AS end_date,
        2 + (i % 5) AS run_number,
        (['US', 'CA', 'US-CA', 'FOREIGN', 'WORLD'])[1 + (i % 5)::INT] AS territory,
        -- 1% negative amounts, 0.5% fractions of a cent
        CASE WHEN i % 100 = 13 THEN -100.0 WHEN i % 200 = 17 THEN 1234.5 ELSE (i % 100000) * 100.0 END
             AS gross_receipts_cents,
        i % 1000 AS units_sold, i % 100000 * 60 AS minutes_streamed, 1000000 + i % 5000 AS subscribers,
        1 + i % 30 AS exhibition_days, i % 101 AS coverage_pct, 'Net' || (i % 7) AS platform
        FROM range({n}) t(i)) TO '{exhibitions}' (FORMAT parquet)""")


def report(label: str, result: LoadResult, seconds: float, cpu: float, peak: int) -> None:
    """One block of results."""
    rate = result.rows_read / seconds if seconds else 0.0
    print(f"{label}: {result.summary()}")
    print(f"  {seconds:,.1f} s wall ({cpu:,.1f} s CPU, all threads), {rate:,.0f} rows/s, "
          f"peak RSS during load {peak / 2**20:,.0f} MiB")


def main() -> None:
    """Generate, load, report."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("rows", nargs="?", type=int, default=1_000_000, help="exhibitions rows (default 1,000,000)")
    parser.add_argument("--reload", action="store_true",
                        help="then load the same rows again from a re-encoded file (every row a duplicate or "
                             "re-quarantined): times the comparison with loaded rows")
    parser.add_argument("--keep", action="store_true", help="keep the data directory afterwards")
    args = parser.parse_args()

    shutil.rmtree(OUT, ignore_errors=True)
    data = OUT / "data"
    data.mkdir(parents=True)
    settings = Settings(data_dir=data, database_url=f"sqlite:///{data / 'app.sqlite3'}")
    titles, exhibitions = OUT / "titles.parquet", OUT / "exhibitions.parquet"
    started = time.perf_counter()
    with duckdb.connect() as con:
        generate(con, args.rows, titles, exhibitions)
    print(f"generated {args.rows:,} exhibitions rows ({exhibitions.stat().st_size / 2**20:,.0f} MiB Parquet) "
          f"in {time.perf_counter() - started:,.1f} s")
    print(load_file(settings, titles).summary())

    with PeakRss() as rss:
        started, cpu = time.perf_counter(), time.process_time()
        result = load_file(settings, exhibitions)
        seconds, cpu = time.perf_counter() - started, time.process_time() - cpu
    report("load", result, seconds, cpu, rss.peak)
    assert result.balanced and not result.refused, result.messages

    if args.reload:
        again = OUT / "exhibitions-again.parquet"
        with duckdb.connect() as con:
            con.execute(f"COPY (SELECT * FROM '{exhibitions}') TO '{again}' (FORMAT parquet, ROW_GROUP_SIZE 100000)")
        with PeakRss() as rss:
            started, cpu = time.perf_counter(), time.process_time()
            second = load_file(settings, again, kind="exhibitions")
            seconds, cpu = time.perf_counter() - started, time.process_time() - cpu
        report("reload", second, seconds, cpu, rss.peak)
        assert second.loaded == 0 and second.balanced, second.messages

    max_rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024
    print(f"process peak RSS (incl. generation): {max_rss / 2**20:,.0f} MiB")
    if not args.keep:
        shutil.rmtree(OUT, ignore_errors=True)


if __name__ == "__main__":
    main()
