"""The server's DuckDB connection: shared by the requests of one process, released when idle.

DuckDB lets one process at a time open the file for writing. The server opens it on demand and
closes it after a few idle seconds, so the command line can write between bursts of requests; when
another process holds the file, pages say so (HTTP 503) instead of failing obscurely.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager

import duckdb

from greenroom.config import Settings
from greenroom.store.analytics import connect


class AnalyticsBusy(RuntimeError):
    """Another process holds the analytics database (a load or compute from the command line)."""


BUSY_MESSAGE = ("The analytics database is in use by another Greenroom process (a load, compute or audit run from "
                "the command line). Try again when it has finished.")


class SharedAnalytics:
    """One DuckDB connection per server process, a cursor per request, closed after idle_seconds unused."""

    def __init__(self, settings: Settings, idle_seconds: float = 3.0) -> None:
        self.settings = settings
        self.idle_seconds = idle_seconds
        self._lock = threading.Lock()
        self._con: duckdb.DuckDBPyConnection | None = None
        self._users = 0
        self._last_used = time.monotonic()
        self._reaper: threading.Thread | None = None
        self._stop = threading.Event()

    @contextmanager
    def cursor(self) -> Iterator[duckdb.DuckDBPyConnection]:
        """A cursor on the shared connection for the length of one request."""
        with self._lock:
            if self._con is None:
                try:
                    self._con = connect(self.settings)
                except duckdb.IOException as exc:
                    raise AnalyticsBusy(BUSY_MESSAGE) from exc
                self._start_reaper()
            self._users += 1
            con = self._con
        try:
            cur = con.cursor()
            try:
                yield cur
            finally:
                cur.close()
        finally:
            with self._lock:
                self._users -= 1
                self._last_used = time.monotonic()

    def _start_reaper(self) -> None:
        if self._reaper is None or not self._reaper.is_alive():
            self._reaper = threading.Thread(target=self._reap, name="greenroom-duckdb-idle", daemon=True)
            self._reaper.start()

    def _reap(self) -> None:
        while not self._stop.wait(min(1.0, self.idle_seconds)):
            with self._lock:
                if self._con is not None and self._users == 0 and \
                        time.monotonic() - self._last_used >= self.idle_seconds:
                    self._con.close()
                    self._con = None
                    return

    def close(self) -> None:
        """Close the connection now (server shutdown)."""
        self._stop.set()
        with self._lock:
            if self._con is not None:
                self._con.close()
                self._con = None


def has_table(con: duckdb.DuckDBPyConnection, name: str) -> bool:
    """Whether the analytics database has this table yet (name from code, never from a request)."""
    # Probing the table is several times cheaper than asking information_schema, on every request.
    try:
        con.execute(f"SELECT 1 FROM {name} LIMIT 0").fetchall()
    except duckdb.CatalogException:
        return False
    return True
