"""Producers' use reports as CSV files: each good row is recorded, each bad row is kept with its
file, row, column and why; loading the same file again changes nothing. Format: docs/consent.md.
"""

from __future__ import annotations

import csv
import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from greenroom.config import Settings
from greenroom.consent.models import Reject
from greenroom.consent.registry import ConsentError, record_use_in, use_values, write

REQUIRED = ("performer_id", "replica_id", "producer", "project", "start_date")
OPTIONAL = ("use_id", "end_date", "days", "medium", "description", "scenes", "lines_generated", "real_time", "role",
            "rate_cents", "agreed_cents", "sides")
_TRUE = ("1", "true", "yes", "y", "t")
_FALSE = ("", "0", "false", "no", "n", "f")


class RowError(ValueError):
    """A bad cell: the column and why."""

    def __init__(self, column: str, reason: str) -> None:
        super().__init__(reason)
        self.column = column
        self.reason = reason


@dataclass
class BulkResult:
    """Row accounting for one file: rows = recorded + already recorded + conflicting duplicates + rejected."""

    file: str
    rows: int = 0
    recorded: int = 0
    already: int = 0
    duplicates: int = 0
    rejected: int = 0
    messages: list[str] = field(default_factory=list)

    @property
    def balanced(self) -> bool:
        """True when every row is accounted for."""
        return self.rows == self.recorded + self.already + self.duplicates + self.rejected

    def summary(self) -> str:
        """One line for people."""
        return (f"{self.file}: {self.rows} rows = {self.recorded} recorded + {self.already} already recorded + "
                f"{self.duplicates} conflicting duplicates + {self.rejected} refused")


def _date(row: dict[str, str], col: str, required: bool) -> dt.date | None:
    raw = (row.get(col) or "").strip()
    if not raw:
        if required:
            raise RowError(col, "is required")
        return None
    try:
        return dt.date.fromisoformat(raw)
    except ValueError:
        raise RowError(col, f"{raw!r} is not a date (YYYY-MM-DD)") from None


def _int(row: dict[str, str], col: str) -> int | None:
    raw = (row.get(col) or "").strip().replace(",", "")
    if not raw:
        return None
    try:
        value = int(raw)
    except ValueError:
        raise RowError(col, f"{raw!r} is not a whole number{' of cents' if col.endswith('cents') else ''}") from None
    if value < 0:
        raise RowError(col, f"{value} is negative")
    return value


def _bool(row: dict[str, str], col: str) -> bool:
    raw = (row.get(col) or "").strip().lower()
    if raw in _TRUE:
        return True
    if raw in _FALSE:
        return False
    raise RowError(col, f"{raw!r} is not yes/no")


def parse_row(row: dict[str, str]) -> dict[str, Any]:
    """A CSV row as report_use's arguments; RowError names the bad column."""
    for col in REQUIRED:
        if not (row.get(col) or "").strip():
            raise RowError(col, "is required")
    return {
        "performer_id": row["performer_id"].strip(), "replica_id": row["replica_id"].strip(),
        "producer": row["producer"].strip(), "project": row["project"].strip(),
        "start_date": _date(row, "start_date", True), "end_date": _date(row, "end_date", False),
        "days": _int(row, "days") or 0, "medium": (row.get("medium") or "").strip(),
        "description": (row.get("description") or "").strip(), "scenes": (row.get("scenes") or "").strip(),
        "lines_generated": _int(row, "lines_generated") or 0, "real_time": _bool(row, "real_time"),
        "role": (row.get("role") or "").strip() or "principal", "rate_cents": _int(row, "rate_cents"),
        "agreed_cents": _int(row, "agreed_cents"), "sides": _int(row, "sides"),
        "use_id": (row.get("use_id") or "").strip() or None,
    }


CHUNK = 500


def _reject_in(s: Session, file: str, number: int, column: str, reason: str, original: dict[str, str]) -> None:
    exists = s.execute(select(Reject.id).where(Reject.source_file == file, Reject.row_number == number,
                                               Reject.reason == reason)).first()
    if exists is None:
        s.add(Reject(source_file=file, row_number=number, column=column, reason=reason, original=original))


def _chunk(settings: Settings, file: str, rows: list[tuple[int, dict[str, str]]]) -> list[tuple[str, str]]:
    """Record one chunk of rows in one transaction: (outcome, message) per row."""
    known: dict[str, bool] = {}

    def act(s: Session) -> list[tuple[str, str]]:
        out = []
        for number, row in rows:
            where = f"{file} row {number}"
            try:
                args = parse_row(row)
                performer, use_id = args.pop("performer_id"), args.pop("use_id")
                values = use_values(**args)
                # Every refusal in record_use_in comes before it writes (adopting a performer of the
                # residuals data is the one write that may precede one, and is right either way), so no
                # savepoint is needed; SQLite makes each savepoint release cost a commit.
                report = record_use_in(s, settings, performer, values, where, use_id, known)
            except RowError as bad:
                _reject_in(s, file, number, bad.column, f"{bad.column} {bad.reason}", row)
                out.append(("rejected", f"{where}, column {bad.column}: {bad.reason}"))
                continue
            except ConsentError as bad:
                _reject_in(s, file, number, bad.column, str(bad), row)
                out.append(("rejected", f"{where}{', column ' + bad.column if bad.column else ''}: {bad}"))
                continue
            out.append((report.status, f"{where}: {report.messages[0]}" if report.messages else ""))
        return out

    return write(settings, act)


def load_uses(settings: Settings, path: Path, progress: Callable[[int], None] | None = None) -> BulkResult:
    """Record every good row of a producer's use-report CSV; keep every bad row with where and why."""
    result = BulkResult(path.name)
    with path.open(newline="", encoding="utf-8-sig") as fh:
        reader = csv.DictReader(fh)
        header = [h.strip() for h in (reader.fieldnames or [])]
        missing = [c for c in REQUIRED if c not in header]
        if missing:
            raise ConsentError(f"{path.name}: the header lacks required column(s) {', '.join(missing)}; "
                               f"expected {', '.join(REQUIRED + OPTIONAL)}")
        unknown = [h for h in header if h not in REQUIRED + OPTIONAL]
        if unknown:
            result.messages.append(f"ignored unknown column(s): {', '.join(unknown)}")
        pending: list[tuple[int, dict[str, str]]] = []
        for number, raw in enumerate(reader, start=2):  # row 1 is the header
            pending.append((number, {(k or "").strip(): (v or "") for k, v in raw.items() if k is not None}))
            if len(pending) == CHUNK:
                _tally(result, _chunk(settings, path.name, pending))
                pending = []
                if progress:
                    progress(result.rows)
        if pending:
            _tally(result, _chunk(settings, path.name, pending))
    return result


def _tally(result: BulkResult, outcomes: list[tuple[str, str]]) -> None:
    for status, message in outcomes:
        result.rows += 1
        if status == "rejected":
            result.rejected += 1
        elif status == "already_recorded":
            result.already += 1
        elif status == "conflicting_duplicate":
            result.duplicates += 1
        else:
            result.recorded += 1
        if message and status in ("rejected", "conflicting_duplicate"):
            result.messages.append(message)
