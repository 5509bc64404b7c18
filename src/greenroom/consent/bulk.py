"""Producers' use reports (and consents) as CSV files: each good row is recorded, each bad row is kept with its
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
from greenroom.consent.models import Consent, Performer, Reject, Replica
from greenroom.consent.registry import (
    ConsentError,
    consent_in,
    consent_values,
    record_use_in,
    replica_in,
    use_values,
    write,
)

REQUIRED = ("performer_id", "replica_id", "producer", "project", "start_date")
OPTIONAL = ("use_id", "end_date", "days", "medium", "description", "scenes", "lines_generated", "real_time", "role",
            "rate_cents", "agreed_cents", "sides", "notified_at", "sexual_content")
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


def _when(row: dict[str, str], col: str) -> dt.datetime | None:
    raw = (row.get(col) or "").strip()
    if not raw:
        return None
    try:
        return dt.datetime.fromisoformat(raw)
    except ValueError:
        raise RowError(col, f"{raw!r} is not a date and time (YYYY-MM-DDTHH:MM)") from None


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
        "use_id": (row.get("use_id") or "").strip() or None, "notified_at": _when(row, "notified_at"),
        "sexual_content": _bool(row, "sexual_content"),
    }


CHUNK = 500


def _reject_in(s: Session, file: str, number: int, column: str, reason: str, original: dict[str, str]) -> None:
    exists = s.execute(select(Reject.id).where(Reject.source_file == file, Reject.row_number == number,
                                               Reject.reason == reason)).first()
    if exists is None:
        s.add(Reject(source_file=file, row_number=number, column=column, reason=reason, original=original))


Handler = Callable[[Session, Settings, str, dict[str, str], dict[str, bool]], tuple[str, str]]


def _use_row(s: Session, settings: Settings, where: str, row: dict[str, str], known: dict[str, bool]
             ) -> tuple[str, str]:
    args = parse_row(row)
    performer, use_id = args.pop("performer_id"), args.pop("use_id")
    values = use_values(**args)
    # Every refusal in record_use_in comes before it writes (adopting a performer of the residuals data
    # is the one write that may precede one, and is right either way), so no savepoint is needed;
    # SQLite makes each savepoint release cost a commit.
    report = record_use_in(s, settings, performer, values, where, use_id, known)
    return report.status, f"{where}: {report.messages[0]}" if report.messages else ""


def _chunk(settings: Settings, file: str, rows: list[tuple[int, dict[str, str]]], handle: Handler
           ) -> list[tuple[str, str]]:
    """Record one chunk of rows in one transaction: (outcome, message) per row."""
    known: dict[str, bool] = {}

    def act(s: Session) -> list[tuple[str, str]]:
        # Hold the chunk's performers and replicas: the session keeps only weak references, and each
        # row would otherwise load them again.
        held = [*s.execute(select(Performer).where(Performer.performer_id.in_(
                    {r.get("performer_id", "").strip() for _, r in rows}))).scalars(),
                *s.execute(select(Replica).where(Replica.replica_id.in_(
                    {r.get("replica_id", "").strip() for _, r in rows}))).scalars()]
        out = []
        for number, row in rows:
            where = f"{file} row {number}"
            try:
                out.append(handle(s, settings, where, row, known))
            except RowError as bad:
                _reject_in(s, file, number, bad.column, f"{bad.column} {bad.reason}", row)
                out.append(("rejected", f"{where}, column {bad.column}: {bad.reason}"))
            except ConsentError as bad:
                _reject_in(s, file, number, bad.column, str(bad), row)
                out.append(("rejected", f"{where}{', column ' + bad.column if bad.column else ''}: {bad}"))
        del held
        return out

    return write(settings, act)


def _load(settings: Settings, path: Path, required: tuple[str, ...], optional: tuple[str, ...], handle: Handler,
          progress: Callable[[int], None] | None = None) -> BulkResult:
    result = BulkResult(path.name)
    with path.open(newline="", encoding="utf-8-sig") as fh:
        reader = csv.DictReader(fh)
        header = [h.strip() for h in (reader.fieldnames or [])]
        missing = [c for c in required if c not in header]
        if missing:
            raise ConsentError(f"{path.name}: the header lacks required column(s) {', '.join(missing)}; "
                               f"expected {', '.join(required + optional)}")
        unknown = [h for h in header if h not in required + optional]
        if unknown:
            result.messages.append(f"ignored unknown column(s): {', '.join(unknown)}")
        pending: list[tuple[int, dict[str, str]]] = []
        for number, raw in enumerate(reader, start=2):  # row 1 is the header
            pending.append((number, {(k or "").strip(): (v or "") for k, v in raw.items() if k is not None}))
            if len(pending) == CHUNK:
                _tally(result, _chunk(settings, path.name, pending, handle))
                pending = []
                if progress:
                    progress(result.rows)
        if pending:
            _tally(result, _chunk(settings, path.name, pending, handle))
    return result


def load_uses(settings: Settings, path: Path, progress: Callable[[int], None] | None = None) -> BulkResult:
    """Record every good row of a producer's use-report CSV; keep every bad row with where and why."""
    return _load(settings, path, REQUIRED, OPTIONAL, _use_row, progress)


CONSENT_REQUIRED = ("performer_id", "replica_id", "producer", "projects", "description", "signed_on")
CONSENT_OPTIONAL = ("consent_id", "media", "term_start", "term_end", "separate", "signed_by", "signer_name",
                    "document", "real_time", "agreement", "supersedes", "replica_kind", "origin_project",
                    "replica_created_on")


def _list(row: dict[str, str], col: str) -> list[str]:
    return [p.strip() for p in (row.get(col) or "").split(";") if p.strip()]


def _consent_row(s: Session, settings: Settings, where: str, row: dict[str, str], known: dict[str, bool]
                 ) -> tuple[str, str]:
    for col in CONSENT_REQUIRED:
        if not (row.get(col) or "").strip():
            raise RowError(col, "is required")
    separate = _bool(row, "separate") if (row.get("separate") or "").strip() else True
    def text(col: str) -> str:
        return (row.get(col) or "").strip()

    values = consent_values(
        performer_id=text("performer_id"), replica_id=text("replica_id"), producer=text("producer"),
        projects=_list(row, "projects"), description=text("description"),
        signed_on=_date(row, "signed_on", True) or dt.date.min, term_start=_date(row, "term_start", False),
        term_end=_date(row, "term_end", False), media=_list(row, "media"), separate=separate,
        signed_by=text("signed_by") or "performer", signer_name=text("signer_name"), document=text("document"),
        real_time=_bool(row, "real_time"), agreement=text("agreement") or None, supersedes=text("supersedes") or None)
    consent_id = text("consent_id") or None
    kind = text("replica_kind")
    # Refusals that need no write come first, so a refused row leaves no replica behind.
    if values["supersedes"] and s.get(Consent, values["supersedes"]) is None:
        raise ConsentError(f"consent {values['supersedes']!r} to correct is not recorded", "supersedes")
    if kind and s.get(Replica, values["replica_id"]) is None and not (consent_id and s.get(Consent, consent_id)):
        if not values["agreement"]:
            raise RowError("agreement", "is required to record a new replica")
        replica_in(s, settings, performer_id=values["performer_id"], kind=kind, agreement=values["agreement"],
                   producer=values["producer"], origin_project=text("origin_project") or None,
                   created_on=_date(row, "replica_created_on", False), replica_id=values["replica_id"], known=known)
    consent, status = consent_in(s, settings, values, consent_id, known, same_is_recorded=True)
    return status, f"{where}: consent {consent.consent_id} {status.replace('_', ' ')}"


def load_consents(settings: Settings, path: Path, progress: Callable[[int], None] | None = None) -> BulkResult:
    """Record every good row of a consents CSV (recording the replica too when its kind is given)."""
    return _load(settings, path, CONSENT_REQUIRED, CONSENT_OPTIONAL, _consent_row, progress)


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
