"""Findings in the application database: open -> claimed -> resolved (recovered or waived), with history.

Findings are never deleted. A finding an audit run no longer detects (the balance now agrees) is
resolved as 'cleared' by that run; if it comes back it is reopened. Every change is an event row.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.orm import Session, sessionmaker

from greenroom.audit.findings import FindingDraft
from greenroom.audit.models import CLAIMED, CLEARED, OPEN, RECOVERED, RESOLVED, WAIVED, Finding, FindingEvent
from greenroom.ingest.models import utcnow


class WorkflowError(ValueError):
    """A workflow step that is not allowed from the finding's current status."""


@dataclass(frozen=True)
class RecordResult:
    """What storing one run's findings did."""

    new: int
    seen: int
    cleared: int
    reopened: int


def _apply(f: Finding, d: FindingDraft, run_id: int) -> None:
    """Copy a draft's amounts and evidence onto a stored finding."""
    c = d.check
    f.type, f.payer, f.title_id, f.performer_id = d.type, c.payer, c.title_id, c.performer_id
    f.market, f.period_start, f.period_end = c.market, c.period_start, c.period_end
    f.owed_cents, f.paid_cents, f.difference_cents = c.owed_cents, c.paid_cents, c.diff_cents
    f.owed_ph_cents, f.paid_ph_cents, f.ph_difference_cents = c.owed_ph_cents, c.paid_ph_cents, c.diff_ph_cents
    f.interest_cents, f.summary, f.evidence = d.interest_cents, d.summary, d.evidence()
    f.last_run_id, f.updated_at = run_id, utcnow()


def _event(s: Session, f: Finding, by: str, to: str, *, resolution: str | None = None, run_id: int | None = None,
           note: str = "", from_status: str | None = None) -> None:
    s.add(FindingEvent(finding_id=f.id, at=utcnow(), by=by, from_status=from_status, to_status=to,
                       resolution=resolution, run_id=run_id, note=note))


def record_findings(sessions: sessionmaker[Session], run_id: int, drafts: Sequence[FindingDraft]) -> RecordResult:
    """Store a run's findings: add new ones, refresh known ones, clear open ones no longer detected."""
    by = f"audit run {run_id}"
    new = seen = cleared = reopened = 0
    with sessions.begin() as s:
        known = {f.fingerprint: f for f in s.scalars(select(Finding))}
        detected = set()
        fresh: list[Finding] = []
        for d in drafts:
            fp = d.fingerprint
            detected.add(fp)
            f = known.get(fp)
            if f is None:
                f = Finding(fingerprint=fp, status=OPEN, first_run_id=run_id, created_at=utcnow())
                _apply(f, d, run_id)
                fresh.append(f)
                new += 1
                continue
            seen += 1
            _apply(f, d, run_id)
            if f.status == RESOLVED and f.resolution == CLEARED:
                _event(s, f, by, OPEN, run_id=run_id, from_status=RESOLVED, note="detected again")
                f.status, f.resolution, f.resolved_by, f.resolved_at = OPEN, None, None, None
                reopened += 1
        s.add_all(fresh)
        s.flush()
        for f in fresh:
            _event(s, f, by, OPEN, run_id=run_id, note="detected")
        for fp, f in known.items():
            if fp not in detected and f.status in (OPEN, CLAIMED):
                _event(s, f, by, RESOLVED, resolution=CLEARED, run_id=run_id, from_status=f.status,
                       note="no longer detected: the balance now agrees")
                f.status, f.resolution, f.resolved_by, f.resolved_at = RESOLVED, CLEARED, by, utcnow()
                cleared += 1
    return RecordResult(new, seen, cleared, reopened)


def claim(sessions: sessionmaker[Session], finding_id: int, by: str, note: str = "") -> Finding:
    """Take a finding on: open (or claimed by someone else) -> claimed by `by`."""
    with sessions.begin() as s:
        f = _get(s, finding_id)
        if f.status == RESOLVED:
            raise WorkflowError(f"finding {finding_id} is already resolved ({f.resolution})")
        _event(s, f, by, CLAIMED, from_status=f.status, note=note)
        f.status, f.claimed_by, f.claimed_at, f.updated_at = CLAIMED, by, utcnow(), utcnow()
        s.flush()
        s.expunge(f)
        return f


def resolve(sessions: sessionmaker[Session], finding_id: int, by: str, waived: bool = False,
            note: str = "") -> Finding:
    """Close a finding as recovered (the money came in) or waived (the union lets it go)."""
    resolution = WAIVED if waived else RECOVERED
    with sessions.begin() as s:
        f = _get(s, finding_id)
        if f.status == RESOLVED:
            raise WorkflowError(f"finding {finding_id} is already resolved ({f.resolution})")
        _event(s, f, by, RESOLVED, resolution=resolution, from_status=f.status, note=note)
        f.status, f.resolution, f.resolved_by, f.resolved_at, f.updated_at = (
            RESOLVED, resolution, by, utcnow(), utcnow())
        s.flush()
        s.expunge(f)
        return f


def _get(s: Session, finding_id: int) -> Finding:
    f = s.get(Finding, finding_id)
    if f is None:
        raise WorkflowError(f"no finding {finding_id}")
    return f


def get_finding(sessions: sessionmaker[Session], finding_id: int) -> Finding | None:
    """One finding by id."""
    with sessions() as s:
        return s.get(Finding, finding_id)


def history(sessions: sessionmaker[Session], finding_id: int) -> list[FindingEvent]:
    """A finding's events, oldest first."""
    with sessions() as s:
        return list(s.scalars(select(FindingEvent).where(FindingEvent.finding_id == finding_id)
                              .order_by(FindingEvent.id)))


def query_findings(sessions: sessionmaker[Session], payer: str | None = None, type_: str | None = None,
                   status: str | None = None, performer_id: str | None = None,
                   limit: int | None = None) -> list[Finding]:
    """Findings filtered by payer, type, status and performer (None = any), by id."""
    stmt = select(Finding)
    if payer is not None:
        stmt = stmt.where(Finding.payer == payer)
    if type_ is not None:
        stmt = stmt.where(Finding.type == type_)
    if status is not None:
        stmt = stmt.where(Finding.status == status)
    if performer_id is not None:
        stmt = stmt.where(Finding.performer_id == performer_id)
    stmt = stmt.order_by(Finding.id)
    if limit is not None:
        stmt = stmt.limit(limit)
    with sessions() as s:
        return list(s.scalars(stmt))


def count_findings(sessions: sessionmaker[Session], status: str | None = None) -> dict[tuple[str, str | None], int]:
    """How many findings by (type, payer), optionally of one status."""
    stmt = select(Finding.type, Finding.payer, func.count(Finding.id)).group_by(Finding.type, Finding.payer)
    if status is not None:
        stmt = stmt.where(Finding.status == status)
    with sessions() as s:
        return {(t, p): int(n) for t, p, n in s.execute(stmt)}
