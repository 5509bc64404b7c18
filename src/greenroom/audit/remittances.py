"""Load a payer's remittance file: map its columns, check rows in DuckDB, match titles, hold what cannot load.

Every row read is accounted for exactly once: rows_read == matched + queued + rejected + duplicates.
Matched rows go to DuckDB (remittance_rows); queued, rejected and duplicate rows are kept in the
application database with the original row and the reason (greenroom.audit.queue lists them).
"""

from __future__ import annotations

import json
import tempfile
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import duckdb
import pyarrow as pa
from sqlalchemy import insert, select, update
from sqlalchemy.orm import Session, sessionmaker

from greenroom.audit import rowchecks
from greenroom.audit import schema as s
from greenroom.audit.matching import MatchOptions, TitleCatalog, match_titles
from greenroom.audit.models import (
    DUPLICATE,
    FILE_FAILED,
    FILE_LOADED,
    FILE_RUNNING,
    HOLD_OPEN,
    QUEUED,
    REJECTED,
    HeldRow,
    RemittanceFile,
)
from greenroom.audit.payers import ColumnPlan, MappingRefused, get_payer, plan_columns, save_columns
from greenroom.audit.tables import ensure_audit_tables
from greenroom.config import Settings
from greenroom.ingest import validate as checks
from greenroom.ingest.encoding import scan_bytes
from greenroom.ingest.errors import IngestRefused
from greenroom.ingest.headers import match_headers
from greenroom.ingest.models import utcnow
from greenroom.ingest.quarantine_rows import header_labels
from greenroom.ingest.readers import Source, file_format, open_source
from greenroom.ingest.registry import batched
from greenroom.ingest.staging import Staged, sql_str
from greenroom.store import analytics
from greenroom.store.db import session_factory


@dataclass
class RemittanceLoad:
    """What loading one remittance file did: the row accounting and every message for the operator."""

    file: str
    payer: str
    file_id: int | None = None
    rows_read: int = 0
    matched: int = 0
    queued: int = 0
    rejected: int = 0
    duplicates: int = 0
    already_loaded: bool = False
    refused: bool = False
    messages: list[str] = field(default_factory=list)

    @property
    def balanced(self) -> bool:
        """Every row read is accounted for exactly once."""
        return self.rows_read == self.matched + self.queued + self.rejected + self.duplicates

    def summary(self) -> str:
        """One line for the operator."""
        if self.refused:
            return f"{self.file}: refused; nothing loaded"
        if self.already_loaded:
            return f"{self.file}: already loaded for {self.payer} (file {self.file_id}); nothing changed"
        return (f"{self.file} ({self.payer}, file {self.file_id}): read {self.rows_read:,} = matched "
                f"{self.matched:,} + queued {self.queued:,} + rejected {self.rejected:,} + duplicates "
                f"{self.duplicates:,}")


def load_remittances(settings: Settings, path: Path | str, payer: str, column_map: Mapping[str, str] | None = None,
                     *, update_mapping: bool = False, options: MatchOptions | None = None) -> RemittanceLoad:
    """Load one CSV, XLSX or Parquet remittance file for a payer; a refused file loads nothing and says why."""
    path = Path(path)
    result = RemittanceLoad(file=path.name, payer=payer)
    sessions = session_factory(settings)
    try:
        if not payer.strip():
            raise IngestRefused("a payer name is required")
        file_format(path)
        if not path.is_file():
            raise IngestRefused(f"{path.name}: no such file ({path})")
        scan = scan_bytes(path)
        earlier = _find_loaded(sessions, scan.sha256, payer)
        if earlier is not None:
            result.file_id, result.already_loaded = earlier, True
            result.messages.append(result.summary())
            return result
        source = open_source(path, scan)
        plan = plan_columns(get_payer(sessions, payer), payer, path.name, source.headers, column_map or {},
                            update_mapping)
        result.messages.extend(plan.notes)
        _load(settings, sessions, source, plan, scan.sha256, result, options or MatchOptions())
        save_columns(sessions, payer, plan)
    except (IngestRefused, MappingRefused) as exc:
        result.refused = True
        result.rows_read = result.matched = result.queued = result.rejected = result.duplicates = 0
        result.messages.append(str(exc))
    return result


def _find_loaded(sessions: sessionmaker[Session], sha256: str, payer: str) -> int | None:
    with sessions() as db:
        return db.scalar(select(RemittanceFile.id).where(
            RemittanceFile.sha256 == sha256, RemittanceFile.payer == payer,
            RemittanceFile.status == FILE_LOADED).order_by(RemittanceFile.id).limit(1))


@contextmanager
def _workdir(settings: Settings) -> Iterator[Path]:
    base = settings.data_dir / "tmp"
    base.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="remit-", dir=base) as d:
        yield Path(d)


def _count(con: duckdb.DuckDBPyConnection, sql: str) -> int:
    return _count_params(con, sql, [])


def _count_params(con: duckdb.DuckDBPyConnection, sql: str, params: list[object]) -> int:
    row = con.execute(sql, params).fetchone()
    return int(row[0]) if row and row[0] is not None else 0


def _load(settings: Settings, sessions: sessionmaker[Session], source: Source, plan: ColumnPlan, sha256: str,
          result: RemittanceLoad, options: MatchOptions) -> None:
    """Stage, check, match and insert; hold the rest; fills in result."""
    try:
        match = match_headers(s.REMITTANCES, plan.headers, source.name)
    except IngestRefused as exc:
        raise IngestRefused(f"{exc} (map a column of the payer's with --map 'Their Header=our_column')") from exc
    result.messages.extend(source.notes + match.warnings)
    layout = checks.Layout(s.REMITTANCES, match.index, source.native)
    with _workdir(settings) as workdir, analytics.connect(settings) as con:
        ensure_audit_tables(con)
        try:
            staged = source.stage(con, workdir)
            con.execute(f"CREATE OR REPLACE TEMP VIEW src AS SELECT * FROM {staged.relation()}")
            con.execute(checks.clean_view(layout, "src"))
            result.rows_read = _count(con, "SELECT count(*) FROM v")
        except (duckdb.InvalidInputException, duckdb.IOException) as exc:
            raise IngestRefused(f"{source.name}: could not be read ({str(exc).splitlines()[0]})") from exc
        if result.rows_read == 0:
            raise IngestRefused(f"{source.name}: has a header but no data rows; nothing loaded")
        result.file_id = _start_file(sessions, result.payer, source.name, sha256)
        in_transaction = False
        try:
            _check_and_match(con, result.payer, layout, options)
            con.execute("BEGIN TRANSACTION")
            in_transaction = True
            result.matched = _count_params(con, _insert_sql(result.file_id), [source.name, result.payer])
            held = _held_records(con, staged, source.headers, result.file_id, result.payer)
            result.queued = sum(1 for h in held if h["disposition"] == QUEUED)
            result.rejected = sum(1 for h in held if h["disposition"] == REJECTED)
            result.duplicates = sum(1 for h in held if h["disposition"] == DUPLICATE)
            if not result.balanced:
                raise RuntimeError(f"rows do not add up: {result.summary()}")
            _describe(result, _repeats(con))
            # The app database commits first: if it fails, DuckDB rolls back and nothing is half-loaded.
            _finish_file(sessions, result, held)
            con.execute("COMMIT")
        except BaseException as exc:
            if in_transaction:
                con.execute("ROLLBACK")
            _fail_file(sessions, result.file_id, [*result.messages, f"failed: {exc!r}"])
            raise


def _check_and_match(con: duckdb.DuckDBPyConnection, payer: str, layout: checks.Layout,
                     options: MatchOptions) -> None:
    """Run the row checks, then match titles and performers of the rows that pass."""
    for sql in (rowchecks.bad_rows_sql(layout, payer), rowchecks.candidates_sql(), rowchecks.repeats_sql(),
                rowchecks.seen_sql(payer), rowchecks.check_problems_sql(payer)):
        con.execute(sql)
    con.execute("""CREATE OR REPLACE TEMP TABLE r_go AS SELECT * FROM r_ok
        WHERE _row NOT IN (SELECT _row FROM r_seen) AND _row NOT IN (SELECT _row FROM r_check)""")
    con.execute(rowchecks.title_sql())
    _fuzzy(con, options)
    con.execute("""CREATE OR REPLACE TEMP TABLE r_match AS
        SELECT g.*, t.title_id, t.method, t.score, t.reason AS title_reason, t.suggestions,
               p.performer_id IS NOT NULL AS performer_known
        FROM r_go g LEFT JOIN r_title_all t USING (title_written, performer_id)
        LEFT JOIN (SELECT performer_id FROM engagements UNION SELECT performer_id FROM residual_lines) p
          USING (performer_id)""")


def _fuzzy(con: duckdb.DuckDBPyConnection, options: MatchOptions) -> None:
    """Fuzzy-match the written titles no exact rule matched (distinct pairs, scored in blocks) into r_title_all."""
    pending = con.execute("""SELECT DISTINCT title_written, performer_id FROM r_go g WHERE NOT EXISTS
        (SELECT 1 FROM r_title t WHERE t.title_written = g.title_written AND t.performer_id = g.performer_id)
        ORDER BY 1, 2""").fetchall()
    rows: dict[str, list[Any]] = {k: [] for k in ("title_written", "performer_id", "title_id", "method", "score",
                                                   "reason", "suggestions")}
    if pending:
        performers = sorted({p for _, p in pending})
        engaged = con.execute("SELECT DISTINCT performer_id, title_id FROM engagements "
                              "WHERE performer_id IN (SELECT unnest(?::VARCHAR[]))", [performers]).fetchall()
        catalog = TitleCatalog.build(con.execute("SELECT title_id, name FROM titles").fetchall(), engaged)
        matches = match_titles(catalog, pending, options)
        for written, performer in pending:
            m = matches[(written, performer)]
            for k, v in (("title_written", written), ("performer_id", performer), ("title_id", m.title_id),
                         ("method", m.method), ("score", m.score), ("reason", m.reason),
                         ("suggestions", json.dumps(m.suggestions))):
                rows[k].append(v)
    fuzzy = pa.table({k: pa.array(v, type=pa.float64() if k == "score" else pa.string()) for k, v in rows.items()})
    con.register("_fuzzy", fuzzy)
    try:
        con.execute("""CREATE OR REPLACE TEMP TABLE r_title_all AS
            SELECT title_written, performer_id, title_id, method, score, NULL::VARCHAR AS reason,
                   NULL::VARCHAR AS suggestions FROM r_title
            UNION ALL SELECT * FROM _fuzzy""")
    finally:
        con.unregister("_fuzzy")


def _insert_sql(file_id: int) -> str:
    """SQL inserting the matched rows (parameters: file name, payer)."""
    return f"""INSERT INTO remittance_rows
SELECT 'F' || {int(file_id)} || 'R' || _row, {int(file_id)}, ?, _row, ?, check_number,
       title_written, title_id, method, score, performer_id, market, period_start, period_end, gross_cents,
       amount_cents, ph_cents, paid_date, currency, line_id, exhibition_id, content_hash, now()::TIMESTAMP
FROM r_match WHERE title_id IS NOT NULL AND performer_known"""


def _held_sql() -> str:
    """SQL listing every row not loaded: (_row, disposition, reason, suggestions as JSON text)."""
    quoted = "chr(39) || title_written || chr(39)"
    return f"""
SELECT _row, '{REJECTED}' AS disposition, reason, NULL::VARCHAR AS suggestions FROM r_bad
UNION ALL SELECT _row, '{REJECTED}', reason, NULL FROM r_check
UNION ALL SELECT _row, '{DUPLICATE}', replace(replace({sql_str(s.ALREADY_LOADED)}, '{{file}}', file_name), '{{row}}',
                                            CAST(row_number AS VARCHAR)), NULL FROM r_seen
UNION ALL SELECT _row, '{QUEUED}', concat_ws('; ',
    CASE WHEN NOT performer_known THEN replace({sql_str(s.UNKNOWN_PERFORMER)}, '{{performer}}', performer_id) END,
    CASE WHEN title_id IS NULL AND title_reason = 'ambiguous'
         THEN replace({sql_str(s.AMBIGUOUS_TITLE)}, '{{title!r}}', {quoted}) END,
    CASE WHEN title_id IS NULL AND COALESCE(title_reason, '') <> 'ambiguous'
         THEN replace({sql_str(s.UNMATCHED_TITLE)}, '{{title!r}}', {quoted}) END), suggestions
  FROM r_match WHERE title_id IS NULL OR NOT performer_known
"""

_MAPPED = ("check_number", "title_written", "performer_id", "market", "period_start", "period_end", "gross_cents",
           "amount_cents", "ph_cents", "paid_date", "currency", "line_id", "exhibition_id")


def _held_records(con: duckdb.DuckDBPyConnection, staged: Staged, headers: list[str], file_id: int,
                  payer: str) -> list[dict[str, Any]]:
    """Every row not loaded, with its original cells (by the file's header), reason and, if queued, its values."""
    con.execute(f"CREATE OR REPLACE TEMP TABLE r_held AS {_held_sql()}")
    labels = header_labels(headers)
    cells = ", ".join(f"r.c{i}" for i in range(len(staged.cells)))
    values = ", ".join(f"CAST(m.{c} AS VARCHAR)" for c in _MAPPED)
    cur = con.execute(f"""WITH r AS ({staged.rows_sql('r_held')})
        SELECT h._row, h.disposition, h.reason, h.suggestions, {values}, {cells}
        FROM r_held h JOIN r ON r._row = h._row LEFT JOIN r_match m ON m._row = h._row AND h.disposition = 'queued'
        ORDER BY h._row""")
    now = utcnow()
    records = []
    for row in cur.fetchall():
        n, disposition, reason, suggestions = row[:4]
        mapped = dict(zip(_MAPPED, row[4:4 + len(_MAPPED)], strict=True)) if disposition == QUEUED else {}
        original = dict(zip(labels, row[4 + len(_MAPPED):], strict=False))
        records.append({"file_id": file_id, "payer": payer, "row_number": int(n), "disposition": disposition,
                        "reason": reason, "original": original, "mapped": mapped,
                        "suggestions": json.loads(suggestions) if suggestions else [], "status": HOLD_OPEN,
                        "created_at": now})
    return records


def _repeats(con: duckdb.DuckDBPyConnection) -> list[tuple[int, int]]:
    """(row, first row) pairs of loaded rows that repeat an earlier row of the same file."""
    return [(int(r), int(f)) for r, f in con.execute(
        "SELECT _row, first FROM r_rep WHERE _row IN (SELECT _row FROM r_match WHERE title_id IS NOT NULL "
        "AND performer_known) ORDER BY _row").fetchall()]


def _describe(result: RemittanceLoad, repeats: list[tuple[int, int]]) -> None:
    """Messages pointing at what was held, and at identical rows that were loaded."""
    if repeats:
        shown = ", ".join(f"row {r} = row {f}" for r, f in repeats[:5]) + (" ..." if len(repeats) > 5 else "")
        result.messages.append(
            f"warning: {len(repeats):,} row(s) repeat an earlier row of this file exactly ({shown}); all were "
            "loaded, since two lines can read the same without a line_id; if one payment is listed twice, "
            "`greenroom audit run` reports it as a duplicate payment")
    if result.queued:
        result.messages.append(f"{result.queued:,} row(s) wait in the review queue: greenroom audit queue")
    if result.rejected or result.duplicates:
        result.messages.append(f"{result.rejected:,} row(s) rejected and {result.duplicates:,} duplicate(s) kept "
                               "with their reasons: greenroom audit queue --all")


def _start_file(sessions: sessionmaker[Session], payer: str, name: str, sha256: str) -> int:
    with sessions.begin() as db:
        record = RemittanceFile(payer=payer, file_name=name[:512], sha256=sha256, status=FILE_RUNNING, rows_read=0,
                                matched=0, queued=0, rejected=0, duplicates=0, messages=[], loaded_at=utcnow())
        db.add(record)
        db.flush()
        return record.id


def _finish_file(sessions: sessionmaker[Session], result: RemittanceLoad, held: list[dict[str, Any]]) -> None:
    with sessions.begin() as db:
        for chunk in batched(held, 2_000):
            db.execute(insert(HeldRow), chunk)
        db.execute(update(RemittanceFile).where(RemittanceFile.id == result.file_id).values(
            status=FILE_LOADED, rows_read=result.rows_read, matched=result.matched, queued=result.queued,
            rejected=result.rejected, duplicates=result.duplicates, messages=result.messages))


def _fail_file(sessions: sessionmaker[Session], file_id: int, messages: list[str]) -> None:
    with sessions.begin() as db:
        db.execute(update(RemittanceFile).where(RemittanceFile.id == file_id).values(
            status=FILE_FAILED, messages=messages))
