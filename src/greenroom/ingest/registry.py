"""The loads registry and quarantine in the application database (SQLAlchemy, portable SQL only)."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from itertools import islice
from typing import Any, cast

from sqlalchemy import Table, delete, func, insert, select, update
from sqlalchemy.orm import Session, sessionmaker

from greenroom.ingest.models import (
    LOAD_FAILED,
    LOAD_LOADED,
    LOAD_RUNNING,
    OPEN,
    RESOLVED,
    Load,
    QuarantineRecord,
    utcnow,
)

BATCH = 2_000


@dataclass(frozen=True)
class Counts:
    """How a load's rows were accounted for."""

    rows_read: int
    loaded: int
    quarantined: int
    duplicates: int


def batched(items: Iterable[Any], size: int) -> Iterator[list[Any]]:
    """Consecutive lists of at most size items."""
    it = iter(items)
    while chunk := list(islice(it, size)):
        yield chunk


def find_loaded(sessions: sessionmaker[Session], sha256: str, kind: str) -> int | None:
    """The id of an earlier successful load of the same content as the same kind, if any."""
    with sessions() as s:
        return s.scalar(select(Load.id).where(Load.sha256 == sha256, Load.kind == kind,
                                              Load.status == LOAD_LOADED).order_by(Load.id).limit(1))


def start_load(sessions: sessionmaker[Session], kind: str, file_name: str, file_path: str,
               sha256: str | None) -> int:
    """Register a load as running and return its id."""
    with sessions.begin() as s:
        load = Load(kind=kind, file_name=file_name, file_path=file_path, sha256=sha256, status=LOAD_RUNNING,
                    rows_read=0, loaded=0, quarantined=0, duplicates=0, messages=[], started_at=utcnow())
        s.add(load)
        s.flush()
        return load.id


def end_load(sessions: sessionmaker[Session], load_id: int, status: str, messages: list[str],
             encoding: str | None = None) -> None:
    """Record that a load was refused or failed, with why."""
    with sessions.begin() as s:
        s.execute(update(Load).where(Load.id == load_id).values(
            status=status, messages=messages, encoding=encoding, finished_at=utcnow()))


def newest_load_id(sessions: sessionmaker[Session]) -> int:
    """The highest load id issued so far (0 when none)."""
    with sessions() as s:
        return int(s.scalar(select(func.max(Load.id))) or 0)


def running_loads(sessions: sessionmaker[Session]) -> list[int]:
    """Loads still marked running: interrupted ones, once we hold the DuckDB write lock."""
    with sessions() as s:
        return list(s.scalars(select(Load.id).where(Load.status == LOAD_RUNNING)))


def mark_interrupted(sessions: sessionmaker[Session], load_ids: list[int]) -> None:
    """Mark interrupted loads failed; the caller has removed their rows from DuckDB."""
    for load_id in load_ids:
        end_load(sessions, load_id, LOAD_FAILED,
                 ["interrupted before it finished; its rows were removed, load the file again"])


def open_keys(sessions: sessionmaker[Session], kind: str) -> list[str]:
    """Key values of open quarantine records of a kind: the rows a later load may fix."""
    with sessions() as s:
        return list(s.scalars(select(QuarantineRecord.key_value).where(
            QuarantineRecord.kind == kind, QuarantineRecord.status == OPEN,
            QuarantineRecord.key_value.is_not(None)).distinct()))


def finish_load(sessions: sessionmaker[Session], load_id: int, kind: str, counts: Counts, messages: list[str],
                encoding: str | None, records: Iterable[dict[str, Any]], resolved_keys: list[str]) -> None:
    """In one transaction: resolve fixed quarantine records, add the new ones, mark the load loaded."""
    now = utcnow()
    with sessions.begin() as s:
        # Resolve before inserting this load's own records, which must stay open.
        for keys in batched(resolved_keys, 500):
            s.execute(update(QuarantineRecord).where(
                QuarantineRecord.kind == kind, QuarantineRecord.status == OPEN,
                QuarantineRecord.key_value.in_(keys)).values(
                status=RESOLVED, resolved_at=now, resolved_by_load_id=load_id))
        table = cast(Table, QuarantineRecord.__table__)
        for chunk in batched(records, BATCH):
            # Core insert (not the ORM bulk path): several times faster for big quarantines.
            s.connection().execute(insert(table), [{**r, "load_id": load_id, "status": OPEN, "created_at": now}
                                                   for r in chunk])
        s.execute(update(Load).where(Load.id == load_id).values(
            status=LOAD_LOADED, rows_read=counts.rows_read, loaded=counts.loaded,
            quarantined=counts.quarantined, duplicates=counts.duplicates, messages=messages,
            encoding=encoding, finished_at=now))


def forget_quarantine(sessions: sessionmaker[Session], load_id: int) -> None:
    """Drop a failed load's quarantine records (used when a load is rolled back)."""
    with sessions.begin() as s:
        s.execute(delete(QuarantineRecord).where(QuarantineRecord.load_id == load_id))


def list_loads(sessions: sessionmaker[Session], limit: int = 50) -> list[tuple[Load, int]]:
    """Newest loads first, each with its number of still-open quarantine records."""
    open_count = (select(func.count(QuarantineRecord.id)).where(
        QuarantineRecord.load_id == Load.id, QuarantineRecord.status == OPEN).correlate(Load).scalar_subquery())
    with sessions() as s:
        rows = s.execute(select(Load, open_count).order_by(Load.id.desc()).limit(limit)).all()
        return [(load, int(n or 0)) for load, n in rows]


def get_load(sessions: sessionmaker[Session], load_id: int) -> Load | None:
    """One load by id."""
    with sessions() as s:
        return s.get(Load, load_id)


def query_quarantine(sessions: sessionmaker[Session], load_id: int | None = None, kind: str | None = None,
                     status: str | None = OPEN, limit: int | None = None) -> list[QuarantineRecord]:
    """Quarantine records filtered by load, kind and status (None = any), in file and row order."""
    stmt = select(QuarantineRecord)
    if load_id is not None:
        stmt = stmt.where(QuarantineRecord.load_id == load_id)
    if kind is not None:
        stmt = stmt.where(QuarantineRecord.kind == kind)
    if status is not None:
        stmt = stmt.where(QuarantineRecord.status == status)
    stmt = stmt.order_by(QuarantineRecord.load_id, QuarantineRecord.row_number, QuarantineRecord.id)
    if limit is not None:
        stmt = stmt.limit(limit)
    with sessions() as s:
        return list(s.scalars(stmt))


def count_quarantine(sessions: sessionmaker[Session], load_id: int | None = None, kind: str | None = None,
                     status: str | None = OPEN) -> int:
    """How many quarantine records match the filters."""
    stmt = select(func.count(QuarantineRecord.id))
    if load_id is not None:
        stmt = stmt.where(QuarantineRecord.load_id == load_id)
    if kind is not None:
        stmt = stmt.where(QuarantineRecord.kind == kind)
    if status is not None:
        stmt = stmt.where(QuarantineRecord.status == status)
    with sessions() as s:
        return int(s.scalar(stmt) or 0)

