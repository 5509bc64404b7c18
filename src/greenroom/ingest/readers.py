"""Readers for CSV, XLSX and Parquet: each reports its header and stages its rows for validation."""

from __future__ import annotations

import csv
import hashlib
import io
import zipfile
from collections.abc import Generator, Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Protocol

import duckdb
import pyarrow as pa
import pyarrow.parquet as pq

from greenroom.ingest.encoding import ByteScan, detect_encoding
from greenroom.ingest.errors import IngestRefused
from greenroom.ingest.staging import (
    Staged,
    cell_columns,
    cell_text,
    is_blank,
    not_blank_sql,
    sql_ident,
    sql_str,
    staged_file,
    write_staged,
)

FORMATS = {".csv": "csv", ".xlsx": "xlsx", ".parquet": "parquet"}
csv.field_size_limit(2**31 - 1)


class Source(Protocol):
    """A readable input: its header, how it was decoded, and how to stage its rows."""

    name: str
    headers: list[str]
    encoding: str | None
    notes: list[str]
    native: dict[int, str]

    def stage(self, con: duckdb.DuckDBPyConnection, workdir: Path) -> Staged:
        """Stage the rows (blank ones skipped) and describe them as SQL (see greenroom.ingest.staging)."""
        ...


def file_format(path: Path) -> str:
    """The reader for a file, chosen by its extension; other extensions are refused."""
    fmt = FORMATS.get(path.suffix.lower())
    if fmt is None:
        hint = " (old Excel .xls: save it as .xlsx or .csv)" if path.suffix.lower() == ".xls" else ""
        raise IngestRefused(f"{path.name}: unsupported file type {path.suffix or '(none)'!r}{hint}; "
                            "accepted: .csv, .xlsx, .parquet")
    return fmt


def open_source(path: Path, scan: ByteScan) -> Source:
    """The reader for path, with its header already read."""
    if scan.size == 0:
        raise IngestRefused(f"{path.name}: the file is empty (0 bytes); nothing loaded")
    fmt = file_format(path)
    if fmt == "csv":
        return CsvSource(path, scan)
    if fmt == "xlsx":
        return XlsxSource(path)
    return ParquetSource(path)


@dataclass
class CsvSource:
    """A CSV file: UTF-8 (BOM or not) by default, another encoding only when detected and reported."""

    path: Path
    scan: ByteScan
    name: str = ""
    headers: list[str] = field(default_factory=list)
    encoding: str | None = None
    notes: list[str] = field(default_factory=list)
    native: dict[int, str] = field(default_factory=dict)

    def __post_init__(self) -> None:
        """Settle the encoding and read the header record."""
        self.name = self.path.name
        if self.scan.utf8:
            self.encoding = "utf-8-sig" if self.scan.bom else "utf-8"
        else:
            detected = detect_encoding(self.path, self.scan.first_bad_offset)
            if detected is None:
                raise IngestRefused(
                    f"{self.name}: not UTF-8 and no other text encoding fits (byte {self.scan.first_bad_offset}); "
                    "save it as 'CSV UTF-8' and load again")
            self.encoding = detected
            self.notes.append(f"note: {self.name} is not UTF-8; read it as {detected} (detected)")
        try:
            with self._text() as f:
                for record in csv.reader(f):
                    if record and not is_blank(record):
                        self.headers = record
                        break
        except UnicodeDecodeError as exc:
            raise IngestRefused(f"{self.name}: cannot be read as {self.encoding} ({exc.reason}); "
                                "save it as 'CSV UTF-8' and load again") from exc
        except csv.Error as exc:
            raise IngestRefused(f"{self.name}: not a readable CSV file ({exc})") from exc
        if not self.headers:
            raise IngestRefused(f"{self.name}: the file has no header row (it is blank); nothing loaded")

    def _text(self) -> io.TextIOWrapper:
        """The file as text in its encoding; undecodable bytes raise."""
        return open(self.path, encoding=self.encoding, newline="", errors="strict")  # noqa: SIM115

    def stage(self, con: duckdb.DuckDBPyConnection, workdir: Path) -> Staged:
        """Stage with DuckDB's reader when it will number rows exactly, else record by record."""
        out = workdir / "staged.parquet"
        if self.scan.utf8 and not self.scan.blank_line_inside:
            try:
                self._stage_duckdb(con, out)
                return staged_file(out, len(self.headers))
            except duckdb.Error:
                # A malformed record (wrong cell count, stray quote): re-read record by record so
                # the good rows still load and the bad one is quarantined with its row number.
                out.unlink(missing_ok=True)
        self._stage_python(out)
        return staged_file(out, len(self.headers))

    def _stage_duckdb(self, con: duckdb.DuckDBPyConnection, out: Path) -> None:
        """Fast path: DuckDB's CSV reader, every cell as text, numbered in file order."""
        names = cell_columns(len(self.headers))
        columns = "{" + ", ".join(f"{sql_str(n)}: 'VARCHAR'" for n in names) + "}"
        reader = (f"read_csv({sql_str(str(self.path))}, auto_detect=false, header=true, delim=',', "
                  f"quote='\"', escape='\"', columns={columns})")
        cells = ", ".join(names)
        con.execute("SET preserve_insertion_order = true")
        try:
            numbered = (f"SELECT row_number() OVER () + 1 AS _row, NULL::VARCHAR AS _shape, "
                        f"NULL::VARCHAR AS _extra, {cells} FROM {reader}")
            con.execute(f"COPY (SELECT * FROM ({numbered}) WHERE {not_blank_sql(names)}) "
                        f"TO {sql_str(str(out))} (FORMAT parquet)")
        finally:
            con.execute("SET preserve_insertion_order = false")

    def _stage_python(self, out: Path) -> None:
        """Record by record: exact spreadsheet row numbers, any encoding, malformed rows kept."""
        try:
            with self._text() as f:
                write_staged(self._records(f), len(self.headers), out)
        except UnicodeDecodeError as exc:
            raise IngestRefused(f"{self.name}: cannot be read as {self.encoding} ({exc.reason} at byte "
                                f"{exc.start}); save it as 'CSV UTF-8' and load again") from exc
        except csv.Error as exc:
            raise IngestRefused(f"{self.name}: not a readable CSV file ({exc})") from exc

    def _records(self, f: io.TextIOWrapper) -> Iterator[tuple[int, list[str | None], bool]]:
        """Data records with their spreadsheet row numbers (the header is row 1)."""
        row = 0
        seen_header = False
        for record in csv.reader(f):
            row += 1
            if not seen_header:
                seen_header = bool(record) and not is_blank(record)
                continue
            yield row, list(record), True


@dataclass
class XlsxSource:
    """The first worksheet of an .xlsx workbook, read streaming; the header is row 1."""

    path: Path
    name: str = ""
    headers: list[str] = field(default_factory=list)
    encoding: str | None = None
    notes: list[str] = field(default_factory=list)
    native: dict[int, str] = field(default_factory=dict)

    def __post_init__(self) -> None:
        """Read the header row."""
        self.name = self.path.name
        rows = self._rows()
        first = next(rows, None)
        rows.close()
        if first is None or is_blank([cell_text(v) for v in first]):
            raise IngestRefused(f"{self.name}: the first sheet has no header in row 1; nothing loaded")
        cells = [cell_text(v) or "" for v in first]
        while cells and not cells[-1].strip():
            cells.pop()
        self.headers = cells

    def _rows(self) -> Generator[tuple[object, ...], None, None]:
        """Rows of the first worksheet as values, gaps filled, starting at row 1."""
        import openpyxl  # imported here: only spreadsheet loads pay for it
        from openpyxl.utils.exceptions import InvalidFileException

        try:
            wb = openpyxl.load_workbook(self.path, read_only=True, data_only=True)
        except (InvalidFileException, zipfile.BadZipFile, OSError, KeyError, ValueError) as exc:
            raise IngestRefused(f"{self.name}: not a readable .xlsx workbook ({exc})") from exc
        try:
            if not wb.worksheets:
                return
            ws = wb.worksheets[0]
            if len(wb.worksheets) > 1 and not self.notes:
                self.notes.append(f"note: {self.name}: read the first sheet {ws.title!r} only "
                                  f"(the workbook has {len(wb.worksheets)})")
            # Some writers record a wrong sheet size; without this rows past it would be dropped.
            ws.reset_dimensions()
            yield from ws.iter_rows(min_row=1, values_only=True)
        finally:
            wb.close()

    def stage(self, con: duckdb.DuckDBPyConnection, workdir: Path) -> Staged:
        """Stage the data rows (row 2 onward)."""
        out = workdir / "staged.parquet"
        records = ((n, [cell_text(v) for v in values], False)
                   for n, values in enumerate(self._rows(), start=1) if n > 1)
        write_staged(records, len(self.headers), out)
        return staged_file(out, len(self.headers))


def _text_expr(col: str, dtype: pa.DataType) -> str:
    """SQL turning one Parquet column into exchange-file text without losing what was there."""
    if pa.types.is_timestamp(dtype):
        # A date stored as a midnight timestamp is still a date; any other time stays visible.
        return (f"CASE WHEN CAST({col} AS TIME) = TIME '00:00:00' THEN CAST(CAST({col} AS DATE) AS VARCHAR) "
                f"ELSE CAST({col} AS VARCHAR) END")
    return f"CAST({col} AS VARCHAR)"


@dataclass
class ParquetSource:
    """A Parquet file, scanned in place by DuckDB; each column is turned into text for validation."""

    path: Path
    name: str = ""
    headers: list[str] = field(default_factory=list)
    encoding: str | None = None
    notes: list[str] = field(default_factory=list)
    native: dict[int, str] = field(default_factory=dict)
    _types: list[pa.DataType] = field(default_factory=list)

    def __post_init__(self) -> None:
        """Read the schema and row count from the footer."""
        if not self.name:
            self.name = self.path.name
        try:
            meta = pq.ParquetFile(self.path)
            schema = meta.schema_arrow
            rows = meta.metadata.num_rows
        except (pa.ArrowException, OSError) as exc:
            raise IngestRefused(f"{self.name}: not a readable Parquet file ({exc})") from exc
        self.headers = list(schema.names)
        self._types = list(schema.types)
        for i, dtype in enumerate(self._types):
            if pa.types.is_integer(dtype):
                self.native[i] = "integer"
            elif pa.types.is_date(dtype):
                self.native[i] = "date"
        if not self.headers:
            raise IngestRefused(f"{self.name}: the file has no columns; nothing loaded")
        if rows == 0:
            raise IngestRefused(f"{self.name}: has a header but no data rows; nothing loaded")

    def stage(self, con: duckdb.DuckDBPyConnection, workdir: Path) -> Staged:
        """No copy: the file itself, numbered by file row (first data row = 2), typed cells kept typed."""
        cols = [f"s.{sql_ident(h)}" for h in self.headers]
        # A row with every cell null carries nothing: skipped, like blank lines in a CSV.
        blank = " AND ".join(f"{c} IS NULL" for c in cols)
        return Staged(scan=f"read_parquet({sql_str(str(self.path))}, file_row_number=true) s",
                      row="s.file_row_number + 2",
                      cells=[_text_expr(c, t) for c, t in zip(cols, self._types, strict=True)],
                      natives={i: cols[i] for i in self.native}, where=f"NOT ({blank})")


def table_digest(table: pa.Table) -> str:
    """SHA-256 of an in-memory Arrow table's content (its IPC stream)."""
    sink = pa.BufferOutputStream()
    with pa.ipc.new_stream(sink, table.schema) as writer:
        writer.write_table(table)
    return hashlib.sha256(sink.getvalue().to_pybytes()).hexdigest()


def table_source(table: pa.Table, workdir: Path, name: str) -> ParquetSource:
    """An in-memory Arrow table as a source (written to the work directory as Parquet)."""
    out = workdir / "input.parquet"
    pq.write_table(table, out)
    return ParquetSource(out, name=name)


def rows_table(rows: Iterable[Mapping[str, object]]) -> pa.Table:
    """In-memory rows (dicts) as an Arrow table of text cells; headers in order of first appearance."""
    materialised = [dict(r) for r in rows]
    headers: dict[str, None] = {}
    for r in materialised:
        headers.update(dict.fromkeys(r))
    return pa.table({h: pa.array([cell_text(r.get(h)) for r in materialised], type=pa.string())
                     for h in headers})
