"""Turn the quarantined rows DuckDB found into quarantine records: every reason, the original row."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import duckdb

from greenroom.ingest import validate as checks
from greenroom.ingest.staging import TRIM_CHARS

FETCH = 5_000
KEY_MAX = 512


def clean(value: str | None) -> str | None:
    """A cell as the checks saw it: trimmed, empty as None (mirrors validate.clean_view)."""
    if value is None:
        return None
    value = value.strip(TRIM_CHARS)
    return value or None


def header_labels(headers: list[str]) -> list[str]:
    """Unique labels for the original row's JSON: the header text, numbered when blank or repeated."""
    labels: list[str] = []
    for i, h in enumerate(headers):
        label = h.strip() or f"column {i + 1}"
        labels.append(f"{label} ({i + 1})" if label in labels else label)
    return labels


class QuarantineRecords:
    """Iterates the rows of checks.quarantine_rows_sql as record dicts, counting them."""

    def __init__(self, cursor: duckdb.DuckDBPyConnection, layout: checks.Layout, headers: list[str],
                 file_name: str, total: int, progress: Any = None) -> None:
        """Remember where the rows come from and how to describe them."""
        self.cursor, self.schema, self.index = cursor, layout.schema, layout.index
        self.labels, self.width = header_labels(headers), len(headers)
        self.file_name, self.total, self.progress = file_name[:KEY_MAX], total, progress
        self.reason_positions = list(checks.reason_columns(layout))
        self.count = 0

    def __iter__(self) -> Iterator[dict[str, Any]]:
        """Record dicts ready for QuarantineRecord, in row order."""
        while batch := self.cursor.fetchmany(FETCH):
            for row in batch:
                self.count += 1
                yield self._record(row)
            if self.progress:
                self.progress("quarantining", self.count / self.total if self.total else None)

    def _cell(self, cells: tuple[Any, ...], column: str) -> str | None:
        """The cleaned value of a schema column in this row (None if the file lacks the column)."""
        pos = self.index.get(column)
        return clean(cells[pos]) if pos is not None else None

    def _record(self, row: tuple[Any, ...]) -> dict[str, Any]:
        """One quarantined row as a record dict."""
        w = self.width
        row_number, shape, extra = row[0], row[1], row[2]
        cells = row[3:3 + w]
        first, hit_load, same = row[3 + w], row[4 + w], row[5 + w]
        reasons = row[6 + w:]
        original: dict[str, Any] = dict(zip(self.labels, cells, strict=True))
        if extra:
            original["_extra_cells"] = json.loads(extra)
        key = self.schema.key
        key_value = self._cell(cells, key)
        problems: list[dict[str, Any]] = []
        if shape:
            problems.append({"column": None, "value": None, "reason": shape})
        for pos, reason in zip(self.reason_positions, reasons, strict=True):
            if reason:
                name = self.schema.columns[pos].name
                problems.append({"column": name, "value": self._cell(cells, name), "reason": reason})
        if first is not None:
            problems.append({"column": key, "value": key_value,
                             "reason": checks.DUPLICATE_IN_FILE.format(first=first)})
        if same is False:
            load = hit_load if hit_load is not None else "outside ingest"
            problems.append({"column": key, "value": key_value,
                             "reason": checks.CONFLICT.format(key=key_value, load=load)})
        head = problems[0] if problems else {"column": None, "value": None, "reason": "rejected"}
        return {"kind": self.schema.kind, "file_name": self.file_name, "row_number": int(row_number),
                "column_name": head["column"], "value": head["value"], "reason": head["reason"],
                "problems": problems, "original": original,
                "key_value": key_value[:KEY_MAX] if key_value else None}


def quarantine_records(cursor: duckdb.DuckDBPyConnection, layout: checks.Layout, headers: list[str],
                       file_name: str, total: int, progress: Any = None) -> QuarantineRecords:
    """The quarantine records for the rows the cursor yields."""
    return QuarantineRecords(cursor, layout, headers, file_name, total, progress)
