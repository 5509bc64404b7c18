"""Load exchange files into DuckDB: check rows in bulk, quarantine bad ones, never load anything twice.

Public API: load_file, load_files, load_table, load_rows and LoadResult. Every load accounts for
each row it read: rows_read == loaded + quarantined + duplicates.
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import duckdb
import pyarrow as pa
from sqlalchemy.orm import Session, sessionmaker

from greenroom.config import Settings
from greenroom.ingest import validate as checks
from greenroom.ingest.encoding import scan_bytes
from greenroom.ingest.errors import IngestRefused
from greenroom.ingest.headers import match_headers
from greenroom.ingest.models import LOAD_FAILED, LOAD_REFUSED
from greenroom.ingest.quarantine_rows import quarantine_records
from greenroom.ingest.readers import Source, file_format, open_source, rows_table, table_digest, table_source
from greenroom.ingest.registry import (
    Counts,
    end_load,
    find_loaded,
    finish_load,
    forget_quarantine,
    get_load,
    mark_interrupted,
    newest_load_id,
    open_keys,
    running_loads,
    start_load,
)
from greenroom.ingest.schemas import SCHEMAS, Schema
from greenroom.ingest.staging import sql_ident
from greenroom.ingest.tables import ensure_tables
from greenroom.store import analytics
from greenroom.store.db import session_factory

KIND_ORDER = ("titles", "engagements", "exhibitions")
DEFAULT_MEMORY_LIMIT = "1GB"
ProgressCallback = Callable[[str, float | None], None]
"""Called with a stage description and the fraction done (None when unknown)."""


@dataclass
class LoadResult:
    """What one load did: its id, the row accounting, and every message shown to the operator."""

    file: str
    kind: str
    load_id: int | None = None
    rows_read: int = 0
    loaded: int = 0
    quarantined: int = 0
    duplicates: int = 0
    already_loaded: bool = False
    refused: bool = False
    encoding: str | None = None
    messages: list[str] = field(default_factory=list)

    @property
    def balanced(self) -> bool:
        """Every row read is accounted for exactly once."""
        return self.rows_read == self.loaded + self.quarantined + self.duplicates

    def summary(self) -> str:
        """One line for the operator."""
        if self.refused:
            return f"{self.file}: refused; nothing loaded"
        if self.already_loaded:
            return f"{self.file}: already loaded (load {self.load_id}); nothing changed"
        return (f"{self.file} ({self.kind}, load {self.load_id}): read {self.rows_read:,} = loaded {self.loaded:,}"
                f" + quarantined {self.quarantined:,} + duplicates {self.duplicates:,}")


def infer_kind(path: Path | str) -> str | None:
    """The kind a file's name announces (titles*, engagements*, exhibitions*), if any."""
    name = Path(path).name.lower()
    return next((k for k in KIND_ORDER if name.startswith(k)), None)


def _resolve_kind(path: Path, kind: str | None) -> tuple[str, list[str]]:
    """The kind to load path as, with a warning when the name suggests another."""
    inferred = infer_kind(path)
    if kind is None:
        if inferred is None:
            raise IngestRefused(f"{path.name}: cannot tell the kind from the file name; "
                                f"pass --kind ({'|'.join(KIND_ORDER)})")
        return inferred, []
    if kind not in SCHEMAS:
        raise IngestRefused(f"{path.name}: unknown kind {kind!r}; expected one of {', '.join(KIND_ORDER)}")
    if inferred is not None and inferred != kind:
        return kind, [f"warning: {path.name}: the name suggests {inferred} but it is loaded as {kind}"]
    return kind, []


def load_file(settings: Settings, path: Path | str, kind: str | None = None,
              progress: ProgressCallback | None = None) -> LoadResult:
    """Load one CSV, XLSX or Parquet file; a refused file loads nothing and says why."""
    path = Path(path)
    try:
        resolved, notes = _resolve_kind(path, kind)
        file_format(path)
        if not path.is_file():
            raise IngestRefused(f"{path.name}: no such file ({path})")
    except IngestRefused as exc:
        return LoadResult(file=path.name, kind=kind or infer_kind(path) or "", refused=True, messages=[str(exc)])
    scan = scan_bytes(path)
    return _load(settings, SCHEMAS[resolved], path.name, str(path.resolve()), scan.sha256,
                 lambda workdir: open_source(path, scan), progress, notes)


def load_files(settings: Settings, paths: Sequence[Path | str], kind: str | None = None,
               progress: ProgressCallback | None = None) -> list[LoadResult]:
    """Load several files, titles first so engagements and exhibitions can refer to them."""
    def order(item: tuple[int, Path | str]) -> tuple[int, int]:
        """Titles, then engagements, then exhibitions; otherwise as given."""
        k = kind or infer_kind(item[1])
        return (KIND_ORDER.index(k) if k in KIND_ORDER else -1, item[0])

    def labelled(path: Path | str) -> ProgressCallback | None:
        """Progress reports prefixed with the file's name."""
        if progress is None:
            return None
        name = Path(path).name
        return lambda stage, done: progress(f"{name}: {stage}", done)

    return [load_file(settings, p, kind, labelled(p)) for _, p in sorted(enumerate(paths), key=order)]


def load_table(settings: Settings, kind: str, table: pa.Table, name: str = "table",
               progress: ProgressCallback | None = None) -> LoadResult:
    """Load an in-memory Arrow table as if it were a file of that kind."""
    if kind not in SCHEMAS:
        return LoadResult(file=name, kind=kind, refused=True, messages=[f"{name}: unknown kind {kind!r}"])
    return _load(settings, SCHEMAS[kind], name, f"<memory:{name}>", table_digest(table),
                 lambda workdir: table_source(table, workdir, name), progress, [])


def load_rows(settings: Settings, kind: str, rows: Iterable[Mapping[str, object]], name: str = "rows",
              progress: ProgressCallback | None = None) -> LoadResult:
    """Load in-memory rows (dicts keyed by column name) as if they were a file of that kind."""
    return load_table(settings, kind, rows_table(rows), name, progress)


@contextmanager
def _workdir(settings: Settings) -> Iterator[Path]:
    """A scratch directory under the data directory, removed afterwards."""
    base = settings.data_dir / "tmp"
    base.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="ingest-", dir=base) as d:
        yield Path(d)


@contextmanager
def _duckdb(settings: Settings) -> Iterator[duckdb.DuckDBPyConnection]:
    """The analytics DuckDB, configured to stay within a memory budget and spill to disk beyond it."""
    try:
        con = analytics.connect(settings)
    except duckdb.IOException as exc:
        raise IngestRefused(f"cannot open {settings.duckdb_path} for writing (another process may be using "
                            f"it): {str(exc).splitlines()[0]}") from exc
    try:
        limit = os.environ.get("GREENROOM_DUCKDB_MEMORY_LIMIT", DEFAULT_MEMORY_LIMIT)
        con.execute(f"SET memory_limit = '{limit}'")
        # Row order in the tables carries no meaning; not keeping it lets big inserts stream.
        con.execute("SET preserve_insertion_order = false")
        con.execute("SET enable_progress_bar = true")
        con.execute("SET enable_progress_bar_print = false")
        yield con
    finally:
        con.close()


def _run_sql(con: duckdb.DuckDBPyConnection, sql: str, stage: str,
             progress: ProgressCallback | None) -> duckdb.DuckDBPyConnection:
    """Execute sql, reporting DuckDB's own progress estimate while it runs."""
    if progress is None:
        return con.execute(sql)
    progress(stage, None)
    with ThreadPoolExecutor(max_workers=1) as pool:
        future = pool.submit(con.execute, sql)
        try:
            while True:
                try:
                    return future.result(timeout=0.2)
                except TimeoutError:
                    done = con.query_progress()
                    progress(stage, done / 100 if done >= 0 else None)
        except BaseException:
            # Ctrl-C lands here, in the main thread: stop the query rather than wait for it.
            con.interrupt()
            raise


def _scalar(con: duckdb.DuckDBPyConnection, sql: str) -> int:
    """The single integer a query returns."""
    rows = con.execute(sql).fetchall()
    return int(rows[0][0]) if rows and rows[0][0] is not None else 0


def _drop_rows(con: duckdb.DuckDBPyConnection, load_ids: list[int]) -> None:
    """Remove every row a load inserted, from all tables."""
    if not load_ids:
        return
    ids = ", ".join(str(int(i)) for i in load_ids)
    for schema in SCHEMAS.values():
        con.execute(f"DELETE FROM {sql_ident(schema.table)} WHERE load_id IN ({ids})")


def _check_same_generation(con: duckdb.DuckDBPyConnection, sessions: sessionmaker[Session],
                           settings: Settings) -> None:
    """Refuse to load when DuckDB holds rows from loads the application database never issued.

    That happens when the two stores come from different data directories or databases; going
    on would reuse load ids, and rolling back a failed load would then delete someone else's rows.
    """
    in_duckdb = max(_scalar(con, f"SELECT coalesce(max(load_id), 0) FROM {sql_ident(s.table)}")
                    for s in SCHEMAS.values())
    registered = newest_load_id(sessions)
    if in_duckdb > registered:
        raise IngestRefused(
            f"{settings.duckdb_path} has rows from load {in_duckdb} but the application database knows loads only "
            f"up to {registered}: they do not belong together (check --data-dir and GREENROOM_DATABASE_URL)")


def _check_rows_present(con: duckdb.DuckDBPyConnection, sessions: sessionmaker[Session], schema: Schema,
                        load_id: int, settings: Settings) -> None:
    """Refuse "already loaded" when that load's rows are missing from DuckDB (the stores were separated)."""
    load = get_load(sessions, load_id)
    if load is None or load.loaded == 0:
        return
    if not _scalar(con, f"SELECT count(*) FROM (SELECT 1 FROM {sql_ident(schema.table)} "
                        f"WHERE load_id = {int(load_id)} LIMIT 1)"):
        raise IngestRefused(
            f"this content was loaded as load {load_id}, but its rows are not in {settings.duckdb_path}: the "
            "application database and the data directory do not belong together (check --data-dir and "
            "GREENROOM_DATABASE_URL)")


def _load(settings: Settings, schema: Schema, name: str, file_path: str, sha256: str | None,
          open_src: Callable[[Path], Source], progress: ProgressCallback | None, notes: list[str]) -> LoadResult:
    """Register and run one load; refusals are recorded, crashes roll the rows back."""
    result = LoadResult(file=name, kind=schema.kind, messages=list(notes))
    sessions = session_factory(settings)
    try:
        with _workdir(settings) as workdir, _duckdb(settings) as con:
            ensure_tables(con)
            _check_same_generation(con, sessions, settings)
            # We hold DuckDB's write lock, so any load still "running" died part-way.
            stale = running_loads(sessions)
            _drop_rows(con, stale)
            mark_interrupted(sessions, stale)
            earlier = find_loaded(sessions, sha256, schema.kind) if sha256 else None
            if earlier is not None:
                _check_rows_present(con, sessions, schema, earlier, settings)
                result.load_id, result.already_loaded = earlier, True
                result.messages.append(f"{name}: already loaded (load {earlier}); nothing changed")
                return result
            result.load_id = start_load(sessions, schema.kind, name[:512], file_path, sha256)
            try:
                _pipeline(con, sessions, schema, open_src(workdir), workdir, result, progress)
            except IngestRefused:
                raise
            except BaseException as exc:
                _drop_rows(con, [result.load_id])
                forget_quarantine(sessions, result.load_id)
                end_load(sessions, result.load_id, LOAD_FAILED, [*result.messages, f"failed: {exc!r}"])
                raise
    except IngestRefused as exc:
        result.refused = True
        result.rows_read = result.loaded = result.quarantined = result.duplicates = 0
        result.messages.append(str(exc))
        if result.load_id is not None:
            end_load(sessions, result.load_id, LOAD_REFUSED, result.messages, result.encoding)
    return result


def _pipeline(con: duckdb.DuckDBPyConnection, sessions: sessionmaker[Session], schema: Schema, source: Source,
              workdir: Path, result: LoadResult, progress: ProgressCallback | None) -> None:
    """Stage, check, insert and quarantine; fills in result."""
    assert result.load_id is not None
    result.encoding = source.encoding
    result.messages.extend(source.notes)
    match = match_headers(schema, source.headers, source.name)
    result.messages.extend(match.warnings)
    layout = checks.Layout(schema, match.index, source.native)
    if progress:
        progress("reading", None)
    try:
        staged = source.stage(con, workdir)
        counts = _check(con, layout, staged.relation(), source.name, progress)
    except (duckdb.InvalidInputException, duckdb.IOException) as exc:
        raise IngestRefused(f"{source.name}: could not be read ({str(exc).splitlines()[0]})") from exc
    resolved = _fixed_keys(con, sessions, schema)
    inserted = _insert(con, schema, result.load_id, progress)
    if inserted != counts.loaded:
        raise RuntimeError(f"inserted {inserted} rows but expected {counts.loaded}")
    result.rows_read, result.loaded = counts.rows_read, counts.loaded
    result.quarantined, result.duplicates = counts.quarantined, counts.duplicates
    if not result.balanced:
        raise RuntimeError(f"rows do not add up: {result.summary()}")
    cursor = con.execute(checks.quarantine_rows_sql(layout, staged))
    records = quarantine_records(cursor, layout, source.headers, source.name, counts.quarantined, progress)
    finish_load(sessions, result.load_id, schema.kind, counts, result.messages, result.encoding, records, resolved)
    if records.count != counts.quarantined:
        raise RuntimeError(f"wrote {records.count} quarantine records for {counts.quarantined} rows")


def _check(con: duckdb.DuckDBPyConnection, layout: checks.Layout, relation: str, name: str,
           progress: ProgressCallback | None) -> Counts:
    """Run every check into temp tables and count what will happen to the rows."""
    schema = layout.schema
    con.execute(f"CREATE OR REPLACE TEMP VIEW src AS SELECT * FROM {relation}")
    con.execute(checks.clean_view(layout, "src"))
    rows_read = _count(con, "SELECT count(*) FROM v", "counting rows", progress)
    if rows_read == 0:
        raise IngestRefused(f"{name}: has a header but no data rows; nothing loaded")
    _run_sql(con, checks.field_problems_sql(layout), "checking rows", progress)
    _run_sql(con, checks.duplicates_in_file_sql(schema), "checking keys within the file", progress)
    has_rows = _scalar(con, f"SELECT count(*) FROM (SELECT 1 FROM {sql_ident(schema.table)} LIMIT 1)")
    sql = checks.existing_rows_sql(schema) if has_rows else checks.no_existing_rows_sql()
    _run_sql(con, sql, "checking against loaded rows", progress)
    con.execute(checks.excluded_sql())
    quarantined = _scalar(con, "SELECT count(*) FROM (SELECT _row FROM q_field UNION SELECT _row FROM q_dup "
                               "UNION SELECT _row FROM q_hit WHERE NOT _same)")
    duplicates = _scalar(con, "SELECT count(*) FROM q_hit WHERE _same")
    return Counts(rows_read, rows_read - quarantined - duplicates, quarantined, duplicates)


def _count(con: duckdb.DuckDBPyConnection, sql: str, stage: str, progress: ProgressCallback | None) -> int:
    """Run a counting query with progress."""
    rows = _run_sql(con, sql, stage, progress).fetchall()
    return int(rows[0][0]) if rows and rows[0][0] is not None else 0


def _insert(con: duckdb.DuckDBPyConnection, schema: Schema, load_id: int,
            progress: ProgressCallback | None) -> int:
    """Insert the clean new rows; returns how many."""
    return _count(con, checks.insert_sql(schema, load_id), "loading", progress)


def _fixed_keys(con: duckdb.DuckDBPyConnection, sessions: sessionmaker[Session], schema: Schema) -> list[str]:
    """Keys of open quarantine records that this load supplies a good row for (loaded or identical)."""
    keys = open_keys(sessions, schema.kind)
    if not keys:
        return []
    con.register("_open_keys", pa.table({"k": pa.array(keys, type=pa.string())}))
    try:
        key = checks.col(schema.key)
        rows = con.execute(
            f"SELECT DISTINCT o.k FROM _open_keys o JOIN v ON {key} = o.k "
            "WHERE NOT EXISTS (SELECT 1 FROM q_field f WHERE f._row = v._row) "
            "AND NOT EXISTS (SELECT 1 FROM q_dup d WHERE d._row = v._row) "
            "AND NOT EXISTS (SELECT 1 FROM q_hit h WHERE h._row = v._row AND NOT h._same)").fetchall()
    finally:
        con.unregister("_open_keys")
    return [r[0] for r in rows]
