"""The review queue: remittance rows held back (unmatched, rejected, duplicate), and matching a queued row by hand."""

from __future__ import annotations

from sqlalchemy import func, select, update
from sqlalchemy.orm import Session, sessionmaker

from greenroom.audit.models import HOLD_MATCHED, HOLD_OPEN, QUEUED, HeldRow, RemittanceFile
from greenroom.audit.tables import content_hash_sql, ensure_audit_tables
from greenroom.config import Settings
from greenroom.ingest.models import utcnow
from greenroom.store import analytics
from greenroom.store.db import session_factory


class QueueError(ValueError):
    """A queue action that cannot be done; the message says why."""


def list_held(sessions: sessionmaker[Session], disposition: str | None = QUEUED, status: str | None = HOLD_OPEN,
              payer: str | None = None, limit: int | None = None) -> list[HeldRow]:
    """Held rows filtered by disposition (queued/rejected/duplicate), status and payer (None = any)."""
    stmt = select(HeldRow)
    if disposition is not None:
        stmt = stmt.where(HeldRow.disposition == disposition)
    if status is not None:
        stmt = stmt.where(HeldRow.status == status)
    if payer is not None:
        stmt = stmt.where(HeldRow.payer == payer)
    stmt = stmt.order_by(HeldRow.file_id, HeldRow.row_number)
    if limit is not None:
        stmt = stmt.limit(limit)
    with sessions() as s:
        return list(s.scalars(stmt))


def count_held(sessions: sessionmaker[Session]) -> dict[tuple[str, str], int]:
    """How many held rows by (disposition, status)."""
    with sessions() as s:
        return {(d, st): int(n) for d, st, n in s.execute(
            select(HeldRow.disposition, HeldRow.status, func.count(HeldRow.id))
            .group_by(HeldRow.disposition, HeldRow.status))}


def list_files(sessions: sessionmaker[Session], payer: str | None = None) -> list[RemittanceFile]:
    """Remittance files loaded, newest first."""
    stmt = select(RemittanceFile).order_by(RemittanceFile.id.desc())
    if payer is not None:
        stmt = stmt.where(RemittanceFile.payer == payer)
    with sessions() as s:
        return list(s.scalars(stmt))


_INSERT = f"""INSERT INTO remittance_rows
SELECT row_id, file_id, file_name, row_number, payer, check_number, title_written, title_id, 'review', NULL,
       performer_id, market, period_start, period_end, gross_cents, amount_cents, ph_cents, paid_date, currency,
       line_id, exhibition_id, {content_hash_sql()}, now()::TIMESTAMP
FROM (SELECT ? AS row_id, CAST(? AS BIGINT) AS file_id, ? AS file_name, CAST(? AS BIGINT) AS row_number, ? AS payer,
             ? AS check_number, ? AS title_written, ? AS title_id, ? AS performer_id, ? AS market,
             CAST(? AS DATE) AS period_start, CAST(? AS DATE) AS period_end, CAST(? AS BIGINT) AS gross_cents,
             CAST(? AS BIGINT) AS amount_cents, CAST(? AS BIGINT) AS ph_cents, CAST(? AS DATE) AS paid_date,
             ? AS currency, ? AS line_id, ? AS exhibition_id)"""


def assign_title(settings: Settings, held_id: int, title_id: str, by: str) -> str:
    """Match a queued row to a title by hand and load it; returns its remittance row id."""
    sessions = session_factory(settings)
    with sessions() as s:
        held = s.get(HeldRow, held_id)
        if held is None:
            raise QueueError(f"no held row {held_id}")
        if held.disposition != QUEUED or held.status != HOLD_OPEN:
            raise QueueError(f"held row {held_id} is {held.disposition} and {held.status}; only open queued rows "
                             "can be matched")
        file_name = s.scalar(select(RemittanceFile.file_name).where(RemittanceFile.id == held.file_id))
        m, payer, file_id, row_number = dict(held.mapped), held.payer, held.file_id, held.row_number
    row_id = f"F{file_id}R{row_number}"
    with analytics.connect(settings) as con:
        ensure_audit_tables(con)
        if con.execute("SELECT count(*) FROM titles WHERE title_id = ?", [title_id]).fetchone() == (0,):
            raise QueueError(f"no loaded title {title_id!r}")
        known = con.execute("SELECT count(*) FROM (SELECT performer_id FROM engagements UNION "
                            "SELECT performer_id FROM residual_lines) WHERE performer_id = ?",
                            [m["performer_id"]]).fetchone()
        if known == (0,):
            raise QueueError(f"performer {m['performer_id']} is still unknown: load their engagement first")
        con.execute("BEGIN TRANSACTION")
        try:
            con.execute(_INSERT, [row_id, file_id, file_name, row_number, payer, m["check_number"],
                                  m["title_written"], title_id, m["performer_id"], m["market"], m["period_start"],
                                  m["period_end"], m["gross_cents"], m["amount_cents"], m["ph_cents"],
                                  m["paid_date"], m["currency"], m["line_id"], m["exhibition_id"]])
            with sessions.begin() as s:
                s.execute(update(HeldRow).where(HeldRow.id == held_id).values(
                    status=HOLD_MATCHED, resolved_by=by, resolved_at=utcnow(), resolved_title_id=title_id))
            con.execute("COMMIT")
        except BaseException:
            con.execute("ROLLBACK")
            raise
    return row_id
