"""An audit run: post owed and paid, check every balance, classify what fails, store the findings."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from dataclasses import dataclass, field

from sqlalchemy import update

from greenroom.audit.checks import load_checks
from greenroom.audit.findings import AuditOptions, FindingDraft
from greenroom.audit.models import AuditRun
from greenroom.audit.payers import tolerances
from greenroom.audit.posting import engine_run_id, post_owed, post_paid
from greenroom.audit.rules import classify
from greenroom.audit.workflow import RecordResult, record_findings
from greenroom.config import Settings
from greenroom.ingest.models import utcnow
from greenroom.ledger.balance import Totals, build_balances, ledger_totals
from greenroom.ledger.entries import PostResult
from greenroom.store import analytics
from greenroom.store.db import session_factory


@dataclass
class AuditResult:
    """What one audit run did and found."""

    run_id: int
    as_of: dt.date
    owed: PostResult | None
    paid: PostResult
    totals: Totals
    keys: int
    findings: list[FindingDraft]
    recorded: RecordResult
    messages: list[str] = field(default_factory=list)

    def by_type_and_payer(self) -> Counter[tuple[str, str]]:
        """How many findings this run detected, by (type, payer)."""
        return Counter((f.type, f.check.payer or "(no payer yet)") for f in self.findings)


def run_audit(settings: Settings, as_of: dt.date | None = None, default_tolerance: int = 0) -> AuditResult:
    """Post the current engine run and all matched remittance rows, reconcile, and record the findings."""
    options = AuditOptions(as_of=as_of or dt.date.today())
    sessions = session_factory(settings)
    with sessions.begin() as s:
        run = AuditRun(as_of=options.as_of, started_at=utcnow(), owed_cents=0, owed_ph_cents=0, paid_cents=0,
                       paid_ph_cents=0, keys_checked=0, findings_new=0, findings_seen=0, findings_cleared=0,
                       messages=[])
        s.add(run)
        s.flush()
        run_id = run.id
    messages: list[str] = []
    with analytics.connect(settings) as con:
        owed = post_owed(con)
        if owed is None:
            messages.append("no residual lines to post: run `greenroom residuals compute` first")
        paid = post_paid(con)
        keys = build_balances(con, tolerances(sessions), default_tolerance)
        totals = ledger_totals(con)
        checks = load_checks(con, options.as_of)
        engine_run = engine_run_id(con)
    drafts, errors = classify(checks, options)
    messages.extend(errors)
    recorded = record_findings(sessions, run_id, drafts)
    with sessions.begin() as s:
        s.execute(update(AuditRun).where(AuditRun.id == run_id).values(
            finished_at=utcnow(), engine_run_id=engine_run, owed_cents=totals.owed_cents,
            owed_ph_cents=totals.owed_ph_cents, paid_cents=totals.paid_cents, paid_ph_cents=totals.paid_ph_cents,
            keys_checked=keys, findings_new=recorded.new, findings_seen=recorded.seen,
            findings_cleared=recorded.cleared, messages=messages))
    return AuditResult(run_id, options.as_of, owed, paid, totals, keys, drafts, recorded, messages)
