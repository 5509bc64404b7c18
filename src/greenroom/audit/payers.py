"""Payers: the saved column mapping (payer's header -> our column), the header it fits, and the tolerance."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from greenroom.audit.models import Payer
from greenroom.audit.schema import REMITTANCES
from greenroom.ingest.headers import normalize
from greenroom.ingest.models import utcnow


class MappingRefused(ValueError):
    """The file's columns do not fit the payer's mapping (or the --map given); nothing is loaded."""


@dataclass(frozen=True)
class ColumnPlan:
    """How to read one file: its header renamed to our columns, and the mapping to save after the load."""

    headers: list[str]
    column_map: dict[str, str]
    file_headers: list[str]
    notes: list[str] = field(default_factory=list)


def parse_map(items: Sequence[str]) -> dict[str, str]:
    """Parse --map options 'Payer Header=our_column' into {normalized payer header: our column}."""
    out: dict[str, str] = {}
    for item in items:
        theirs, sep, ours = item.rpartition("=")
        if not sep or not theirs.strip() or not ours.strip():
            raise MappingRefused(f"--map {item!r}: expected 'Payer Header=our_column'")
        out[normalize(theirs)] = normalize(ours)
    return out


def get_payer(sessions: sessionmaker[Session], name: str) -> Payer | None:
    """The payer called name, if known."""
    with sessions() as s:
        return s.scalar(select(Payer).where(Payer.name == name))


def list_payers(sessions: sessionmaker[Session]) -> list[Payer]:
    """Every known payer, by name."""
    with sessions() as s:
        return list(s.scalars(select(Payer).order_by(Payer.name)))


def tolerances(sessions: sessionmaker[Session]) -> dict[str, int]:
    """Tolerance in cents by payer name."""
    return {p.name: int(p.tolerance_cents) for p in list_payers(sessions)}


def set_tolerance(sessions: sessionmaker[Session], name: str, cents: int) -> Payer:
    """Set a payer's tolerance (creating the payer if new); differences up to it are not findings."""
    if cents < 0:
        raise ValueError("a tolerance cannot be negative")
    with sessions.begin() as s:
        payer = s.scalar(select(Payer).where(Payer.name == name))
        if payer is None:
            payer = Payer(name=name, column_map={}, headers=[], created_at=utcnow())
            s.add(payer)
        payer.tolerance_cents = int(cents)
        payer.updated_at = utcnow()
        s.flush()
        s.expunge(payer)
        return payer


def plan_columns(payer: Payer | None, payer_name: str, file_name: str, headers: Sequence[str],
                 given: Mapping[str, str], update: bool = False) -> ColumnPlan:
    """Decide how this file's columns map to ours, refusing a file whose header changed since the mapping was saved.

    With no saved mapping, the header must use our names except where --map says otherwise. With a
    saved mapping, the header must be the one it was saved for unless --map or update is given.
    """
    file_headers = [normalize(h) for h in headers]
    present = set(file_headers)
    given = {normalize(theirs): normalize(ours) for theirs, ours in given.items()}
    ours = set(REMITTANCES.names)
    for theirs, mine in given.items():
        if theirs not in present:
            raise MappingRefused(f"{file_name}: --map names column {theirs!r}, which the file does not have "
                                 f"(its columns: {', '.join(h for h in file_headers if h)}); nothing loaded")
        if mine not in ours:
            raise MappingRefused(f"--map {theirs}={mine}: {mine!r} is not a remittance column "
                                 f"(expected one of: {', '.join(REMITTANCES.names)})")
    saved_map = dict(payer.column_map) if payer else {}
    notes: list[str] = []
    if payer is not None and payer.headers and not given and not update:
        before = set(payer.headers)
        missing = [h for h in payer.headers if h not in present]
        new = [h for h in file_headers if h and h not in before]
        if missing or new:
            parts = ([f"missing: {', '.join(missing)}"] if missing else []) + (
                [f"new: {', '.join(new)}"] if new else [])
            raise MappingRefused(
                f"{file_name}: the columns changed since the mapping of payer {payer_name!r} was saved "
                f"({'; '.join(parts)}); nothing loaded. If the change is expected, load again with "
                "--map 'Their Header=our_column' for renamed columns, or --update-mapping to accept the new header")
    column_map = {h: c for h, c in {**saved_map, **given}.items() if h in present}
    if payer is not None and (given or update) and column_map != saved_map:
        notes.append(f"note: the column mapping of payer {payer_name!r} is updated for this file's header")
    return ColumnPlan([column_map.get(h, h) for h in file_headers], column_map, file_headers, notes)


def save_columns(sessions: sessionmaker[Session], name: str, plan: ColumnPlan) -> None:
    """Remember the mapping and the header it fits, so the payer's next file is read the same way."""
    with sessions.begin() as s:
        payer = s.scalar(select(Payer).where(Payer.name == name))
        if payer is None:
            payer = Payer(name=name, tolerance_cents=0, created_at=utcnow())
            s.add(payer)
        payer.column_map = dict(plan.column_map)
        payer.headers = list(plan.file_headers)
        payer.updated_at = utcnow()
