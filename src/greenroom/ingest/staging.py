"""The staged form every input is turned into: a Parquet file of text cells with spreadsheet row numbers.

Columns: _row (the row number a person sees in a spreadsheet, header = row 1), _shape (why the row's
shape is wrong, else NULL), _extra (JSON of cells beyond the header, else NULL), then c0..cN, the
cells as text in header order. Positional names keep odd or duplicated headers out of SQL.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, time
from decimal import Decimal
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq

BATCH_ROWS = 50_000
# Stripped from both ends of every cell; a cell of nothing else is empty, a row of empty cells skipped.
TRIM_CHARS = " \t\r\n\u00a0\ufeff"
BLANK_RE = r"[ \t\r\n\x{00a0}\x{feff}]*"


def sql_str(text: str) -> str:
    """A SQL string literal."""
    return "'" + text.replace("'", "''") + "'"


def sql_ident(name: str) -> str:
    """A quoted SQL identifier."""
    return '"' + name.replace('"', '""') + '"'


def not_blank_sql(cells: list[str]) -> str:
    """SQL condition: at least one of these text cells has something in it."""
    empty = " AND ".join(f"({c} IS NULL OR regexp_full_match({c}, {sql_str(BLANK_RE)}))" for c in cells)
    return f"NOT ({empty})"


@dataclass(frozen=True)
class Staged:
    """Staged rows as SQL: a scan (aliased s), its row numbers, and each cell as text and, if typed, natively.

    Keeping the scan apart from the cell expressions lets the quarantine fetch join on row number
    first and turn only the rejected rows into text.
    """

    scan: str
    row: str
    cells: list[str]
    natives: dict[int, str] = field(default_factory=dict)
    shape: str = "NULL::VARCHAR"
    extra: str = "NULL::VARCHAR"
    where: str = "true"

    def _columns(self) -> list[str]:
        """The select list: _row, _shape, _extra, c0..cN."""
        return [f"{self.row} AS _row", f"{self.shape} AS _shape", f"{self.extra} AS _extra"] + [
            f"{c} AS c{i}" for i, c in enumerate(self.cells)]

    def relation(self) -> str:
        """Every staged row: _row, _shape, _extra, c0..cN and n<i> for natively typed cells."""
        natives = [f"{expr} AS n{i}" for i, expr in sorted(self.natives.items())]
        return f"(SELECT {', '.join(self._columns() + natives)} FROM {self.scan} WHERE {self.where})"

    def rows_sql(self, wanted: str) -> str:
        """Only the rows whose _row is listed in the relation wanted, with their cells as text."""
        return f"SELECT {', '.join(self._columns())} FROM {self.scan} JOIN {wanted} w ON w._row = {self.row}"


def staged_file(path: Path, width: int) -> Staged:
    """The staged form of a Parquet file written by write_staged (or the CSV fast path)."""
    return Staged(scan=f"read_parquet({sql_str(str(path))}) s", row="s._row",
                  cells=[f"s.{c}" for c in cell_columns(width)], shape="s._shape", extra="s._extra")


def cell_columns(width: int) -> list[str]:
    """The staged names of the first width cells."""
    return [f"c{i}" for i in range(width)]


def staged_schema(width: int) -> pa.Schema:
    """Arrow schema of a staged file with width cells per row."""
    fields = [pa.field("_row", pa.int64()), pa.field("_shape", pa.string()), pa.field("_extra", pa.string())]
    fields += [pa.field(name, pa.string()) for name in cell_columns(width)]
    return pa.schema(fields)


def cell_text(value: object) -> str | None:
    """A cell value (from a spreadsheet or a Python row) as the text an exchange file would hold."""
    if value is None:
        return None
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        # 1200.0 reads as 1200; 12.5 stays 12.5 so a fraction of a cent is still caught.
        return str(int(value)) if value.is_integer() and abs(value) < 2**53 else repr(value)
    if isinstance(value, Decimal):
        return format(value, "f")
    if isinstance(value, datetime):
        return value.date().isoformat() if value.time() == time(0) and value.tzinfo is None else value.isoformat()
    if isinstance(value, date | time):
        return value.isoformat()
    return str(value)


def is_blank(cells: Sequence[str | None]) -> bool:
    """True when every cell is empty or whitespace: such rows carry no data and are skipped."""
    return all(c is None or not c.strip(TRIM_CHARS) for c in cells)


def shape_row(row: int, cells: Sequence[str | None], width: int) -> list[object]:
    """Fit one row's cells to the header width, recording extra or missing cells as a shape problem."""
    shape = extra = None
    values = list(cells[:width])
    if len(cells) > width:
        beyond = list(cells[width:])
        if not is_blank(beyond):
            shape = f"row has {len(cells)} cells but the header has {width}"
            extra = json.dumps(beyond, ensure_ascii=False)
    elif len(cells) < width:
        values += [None] * (width - len(cells))
    return [row, shape, extra, *values]


def write_staged(rows: Iterable[tuple[int, Sequence[str | None], bool]], width: int, out: Path) -> int:
    """Write (row number, cells, strict width) rows to a staged Parquet file; returns rows written.

    strict width means fewer cells than the header is a shape problem (CSV); spreadsheets leave
    trailing empty cells out, so for them short rows are simply padded.
    """
    schema = staged_schema(width)
    buffer: list[list[object]] = []
    written = 0
    with pq.ParquetWriter(out, schema) as writer:
        for row, cells, strict in rows:
            if is_blank(cells):
                continue
            fitted = shape_row(row, cells, width)
            if strict and len(cells) < width:
                fitted[1] = f"row has {len(cells)} cells but the header has {width}"
            buffer.append(fitted)
            if len(buffer) >= BATCH_ROWS:
                written += _flush(writer, schema, buffer)
        written += _flush(writer, schema, buffer)
    return written


def _flush(writer: pq.ParquetWriter, schema: pa.Schema, buffer: list[list[object]]) -> int:
    """Write the buffered rows as one batch and empty the buffer."""
    if not buffer:
        return 0
    columns = list(zip(*buffer, strict=True))
    writer.write_table(pa.Table.from_arrays([pa.array(c, type=f.type) for c, f in zip(columns, schema,
                                                                                      strict=True)],
                                            schema=schema))
    count = len(buffer)
    buffer.clear()
    return count
