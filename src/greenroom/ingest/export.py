"""Export quarantined rows back into the exchange format, so they can be fixed and loaded again."""

from __future__ import annotations

import csv
from pathlib import Path
from typing import Any

from greenroom.config import Settings
from greenroom.ingest.errors import IngestRefused
from greenroom.ingest.headers import EXPORT_COLUMNS, normalize
from greenroom.ingest.models import OPEN, QuarantineRecord
from greenroom.ingest.registry import query_quarantine
from greenroom.ingest.schemas import SCHEMAS
from greenroom.store.db import session_factory


def describe_problems(record: QuarantineRecord) -> str:
    """Every reason a row was quarantined, as one line."""
    problems = record.problems or [{"column": record.column_name, "reason": record.reason}]
    return "; ".join(f"{p['column']}: {p['reason']}" if p.get("column") else str(p["reason"]) for p in problems)


def exchange_row(original: dict[str, Any], names: list[str]) -> dict[str, Any]:
    """The original row's cells under the exchange format's column names (unknown columns dropped)."""
    by_name: dict[str, Any] = {}
    for label, value in original.items():
        by_name.setdefault(normalize(label), value)
    return {n: by_name.get(n) for n in names}


def default_output(kind: str, load_id: int | None) -> Path:
    """A file name that starts with the kind, so loading it back needs no --kind."""
    return Path(f"{kind}-quarantine{f'-load{load_id}' if load_id is not None else ''}.csv")


def export_quarantine(settings: Settings, output: Path | None = None, load_id: int | None = None,
                      kind: str | None = None, status: str | None = OPEN) -> tuple[Path, int, str]:
    """Write the matching quarantined rows as CSV (with _row and _reason first); returns path, rows, kind."""
    records = query_quarantine(session_factory(settings), load_id=load_id, kind=kind, status=status)
    if not records:
        raise IngestRefused("no quarantined rows match; nothing exported")
    kinds = sorted({r.kind for r in records})
    if len(kinds) > 1:
        raise IngestRefused(f"the matching rows are of several kinds ({', '.join(kinds)}); pass --kind")
    names = SCHEMAS[kinds[0]].names
    path = output or default_output(kinds[0], load_id)
    # utf-8-sig: spreadsheet programs then open accented names correctly; the loader accepts the BOM.
    with path.open("w", encoding="utf-8-sig", newline="") as f:
        writer = csv.DictWriter(f, fieldnames=[*EXPORT_COLUMNS, *names])
        writer.writeheader()
        for r in records:
            writer.writerow({"_row": r.row_number, "_reason": describe_problems(r),
                             **exchange_row(r.original or {}, names)})
    return path, len(records), kinds[0]
