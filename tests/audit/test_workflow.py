"""The findings workflow: open -> claimed -> resolved (recovered or waived), with history; nothing disappears."""

from __future__ import annotations

import pytest

from greenroom.audit import findings as ft
from greenroom.audit.models import CLAIMED, CLEARED, OPEN, RECOVERED, RESOLVED, WAIVED
from greenroom.audit.workflow import WorkflowError, claim, history, query_findings, resolve
from greenroom.store.db import session_factory

from .conftest import paid_in_full, pay


def test_claim_and_resolve_record_who_and_when(union, remit, audit) -> None:
    rows = paid_in_full()
    rows[0]["amount_cents"] -= 500
    rows[1]["ph_cents"] = 0
    remit(rows)
    audit()
    sessions = session_factory(union)
    under, ph = sorted(query_findings(sessions), key=lambda f: f.type == ft.PH_SHORT)
    assert (under.type, ph.type) == (ft.UNDERPAID, ft.PH_SHORT)
    claimed = claim(sessions, under.id, "ana", "asked the payer")
    assert (claimed.status, claimed.claimed_by) == (CLAIMED, "ana") and claimed.claimed_at is not None
    done = resolve(sessions, under.id, "ben", note="check received")
    assert (done.status, done.resolution, done.resolved_by) == (RESOLVED, RECOVERED, "ben")
    waived = resolve(sessions, ph.id, "ana", waived=True)
    assert waived.resolution == WAIVED
    events = [(e.by, e.from_status, e.to_status, e.resolution) for e in history(sessions, under.id)]
    assert events == [("audit run 1", None, OPEN, None), ("ana", OPEN, CLAIMED, None),
                      ("ben", CLAIMED, RESOLVED, RECOVERED)]
    with pytest.raises(WorkflowError, match="already resolved"):
        resolve(sessions, under.id, "ana")
    with pytest.raises(WorkflowError, match="already resolved"):
        claim(sessions, under.id, "ana")
    with pytest.raises(WorkflowError, match="no finding"):
        claim(sessions, 999, "ana")
    # A later run still sees the shortfall: the finding is refreshed, not reopened or duplicated.
    audit()
    assert len(query_findings(sessions)) == 2
    assert query_findings(sessions, type_=ft.UNDERPAID)[0].resolution == RECOVERED


def test_findings_never_disappear_they_are_cleared_and_can_come_back(union, remit, audit) -> None:
    remit(paid_in_full()[:3])
    audit()
    sessions = session_factory(union)
    missing = query_findings(sessions)[0]
    assert missing.type == ft.MISSING and missing.status == OPEN
    claim(sessions, missing.id, "ana")
    remit([pay("L4", "C4")])  # the payer pays
    second = audit()
    assert second.recorded.cleared == 1 and second.findings == []
    f = query_findings(sessions)[0]
    assert (f.id, f.status, f.resolution, f.resolved_by) == (missing.id, RESOLVED, CLEARED, "audit run 2")
    assert [e.to_status for e in history(sessions, f.id)] == [OPEN, CLAIMED, RESOLVED]


def test_a_cleared_finding_detected_again_is_reopened(union, remit, audit) -> None:
    from .conftest import LINES, set_lines

    remit(paid_in_full())
    lines = dict(LINES)
    t, p, m, ps, pe, a, ph, due = lines["L1"]
    lines["L1"] = (t, p, m, ps, pe, a + 100, ph, due)
    set_lines(union, lines, run_id=2)
    audit()
    set_lines(union, LINES, run_id=3)
    assert audit().recorded.cleared == 1
    set_lines(union, lines, run_id=4)
    again = audit()
    assert again.recorded.reopened == 1
    sessions = session_factory(union)
    f = query_findings(sessions)[0]
    assert f.status == OPEN
    assert [e.to_status for e in history(sessions, f.id)] == [OPEN, RESOLVED, OPEN]
