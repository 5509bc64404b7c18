"""AI compensation in the audit like any other owed line: unpaid is missing, paid settles it, short is underpaid."""

from __future__ import annotations

import datetime as dt

from greenroom.audit.findings import MISSING, UNDERPAID
from greenroom.audit.reconcile import run_audit
from greenroom.audit.remittances import load_remittances
from greenroom.consent import api, rules
from greenroom.consent import registry as reg
from tests.audit.conftest import load_union, write_csv

DAY = dt.date(2025, 8, 1)


def ai_key(result):
    return {(f.type, f.check.title_id, f.check.performer_id) for f in result.findings
            if f.check.market == "ai_replica"}


def _union_with_ai_lines(settings):
    load_union(settings)  # titles T1..T3; P1 has engagements on T1 and T2
    reg.record_replica(settings, performer_id="P1", kind=rules.EMPLOYMENT_BASED, agreement=rules.TV,
                       producer="Northlight", origin_project="T1", replica_id="R1")
    reg.record_consent(settings, performer_id="P1", replica_id="R1", producer="Northlight", projects=["T1", "T2"],
                       description="flashback double, episodes 1 and 2", signed_on=DAY)
    for title in ("T1", "T2"):
        reg.report_use(settings, performer_id="P1", replica_id="R1", producer="Northlight", project=title,
                       start_date=DAY, days=1, rate_cents=200_000, agreed_cents=200_000)
    owed, _ = api.post_compensation(settings)
    return {ln.title_id: ln for ln in owed.lines}


def test_unpaid_ai_compensation_on_real_titles_is_missing(settings):
    lines = _union_with_ai_lines(settings)
    assert set(lines) == {"T1", "T2"}
    unpaid = run_audit(settings, as_of=dt.date(2026, 1, 1))
    assert ai_key(unpaid) == {(MISSING, "T1", "P1"), (MISSING, "T2", "P1")}
    missing = [f for f in unpaid.findings if f.check.market == "ai_replica"]
    assert all(f.interest_cents > 0 for f in missing)  # due 2025-08-31, unpaid at 2026-01-01


def test_paying_ai_compensation_settles_it_and_paying_short_is_underpaid(settings, tmp_path):
    lines = _union_with_ai_lines(settings)
    rows = []
    for i, (title, ln) in enumerate(sorted(lines.items())):
        short = 10_000 if title == "T2" else 0
        rows.append({"check_number": f"AI{i}", "title": title, "performer_id": "P1", "market": "ai_replica",
                     "period_start": ln.period_start, "period_end": ln.period_end, "gross_cents": ln.amount_cents,
                     "amount_cents": ln.amount_cents - short, "ph_cents": ln.ph_cents,
                     "paid_date": ln.due_date - dt.timedelta(days=3), "currency": "USD", "line_id": ""})
    loaded = load_remittances(settings, write_csv(tmp_path / "ai-pay.csv", rows), "Northlight")
    assert loaded.balanced and loaded.matched == 2, loaded.summary()
    paid = run_audit(settings, as_of=dt.date(2026, 1, 1))
    assert ai_key(paid) == {(UNDERPAID, "T2", "P1")}
