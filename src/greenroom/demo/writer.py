"""Arrow tables in the exchange formats, written chunk by chunk to Parquet or CSV."""

from __future__ import annotations

from pathlib import Path
from typing import Literal

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pacsv
import pyarrow.parquet as pq

from greenroom.ingest.schemas import Schema

FileFormat = Literal["parquet", "csv"]

_ARROW_TYPES: dict[str, pa.DataType] = {
    "text": pa.string(),
    "integer": pa.int64(),
    "cents": pa.int64(),
    "minutes": pa.int64(),
    "date": pa.date32(),
    "boolean": pa.bool_(),
}


def arrow_schema(schema: Schema, as_text: tuple[str, ...] = ()) -> pa.Schema:
    """The Arrow schema of an exchange format; columns named in as_text are written as strings."""
    return pa.schema([
        pa.field(c.name, pa.string() if c.name in as_text else _ARROW_TYPES[c.type], nullable=True)
        for c in schema.columns
    ])


def format_ids(prefix: str, numbers: np.ndarray, width: int) -> pa.Array:
    """Stable ids such as T000123 for the given numbers, zero-padded to width digits."""
    digits = pc.utf8_lpad(pc.cast(pa.array(np.asarray(numbers, dtype=np.int64)), pa.string()), width=width,
                          padding="0")
    return pc.binary_join_element_wise(prefix, digits, "")


def nullable(values: np.ndarray, type_: pa.DataType, null: int = -1) -> pa.Array:
    """An Arrow array from int64 values where `null` marks a missing value."""
    values = np.asarray(values, dtype=np.int64)
    mask = values == null
    if pa.types.is_date32(type_):
        return pa.array(np.where(mask, 0, values).astype("datetime64[D]"), mask=mask, type=pa.date32())
    return pa.array(values, mask=mask, type=type_)


def lookup(names: tuple[str, ...] | list[str] | pa.Array, codes: np.ndarray, null: int = -1) -> pa.Array:
    """Strings for integer codes into names (null where the code is `null`)."""
    table = names if isinstance(names, pa.Array) else pa.array(list(names), type=pa.string())
    codes = np.asarray(codes, dtype=np.int64)
    return table.take(pa.array(codes, mask=codes == null, type=pa.int64()))


class ChunkWriter:
    """Writes record batches of one exchange file as Parquet or CSV, into a temporary name first."""

    def __init__(self, path: Path, schema: pa.Schema, fmt: FileFormat, quote_text: bool = True) -> None:
        self.path = path
        self.schema = schema
        self.tmp = path.with_name(path.name + ".partial")
        self.rows = 0
        self._writer: pq.ParquetWriter | pacsv.CSVWriter
        if fmt == "parquet":
            self._writer = pq.ParquetWriter(self.tmp, schema, compression="zstd")
        else:
            # Unquoted CSV keeps a cents value that is text (e.g. a bad "12345.5") looking like a number;
            # pyarrow refuses to write a value that would need quotes, so no row is silently mangled.
            style = "needed" if quote_text else "none"
            self._writer = pacsv.CSVWriter(self.tmp, schema,
                                           write_options=pacsv.WriteOptions(quoting_style=style))

    def write(self, table: pa.Table) -> None:
        """Append a table with exactly this writer's schema."""
        if table.num_rows:
            self._writer.write_table(table.select(self.schema.names).cast(self.schema))
            self.rows += table.num_rows

    def close(self) -> None:
        """Finish the file and move it into place."""
        self._writer.close()
        self.tmp.replace(self.path)

    def abort(self) -> None:
        """Close and delete the partial file."""
        try:
            self._writer.close()
        finally:
            self.tmp.unlink(missing_ok=True)
