"""Report data functions: plain rows per payer, per title, per member, and for findings."""

from __future__ import annotations

from greenroom.audit import findings as ft
from greenroom.audit.report_html import audit_report_html
from greenroom.audit.reports import (
    NO_PAYER,
    ai_unknown_report,
    findings_report,
    member_statement,
    payer_report,
    title_report,
)
from greenroom.consent.compensation import UNKNOWN_TABLE
from greenroom.store import analytics

from .conftest import paid_in_full, plant_ai_unknown


def test_report_rows(union, remit, audit) -> None:
    assert payer_report(union) == []
    rows = paid_in_full()
    rows[0]["amount_cents"] -= 1_000
    remit(rows[:3])
    audit()
    # T3 was never remitted for, so nobody is its payer yet.
    payers = {r["payer"]: r for r in payer_report(union)}
    assert set(payers) == {"Northlight", NO_PAYER}
    assert payers["Northlight"]["difference_cents"] == 1_000
    assert payers["Northlight"]["open_findings"] == {ft.UNDERPAID: 1}
    assert payers[NO_PAYER]["difference_cents"] == 30_000 and payers[NO_PAYER]["ph_difference_cents"] == 5_250
    assert payers[NO_PAYER]["open_findings"] == {ft.MISSING: 1}
    titles = {r["title_id"]: r for r in title_report(union)}
    assert titles["T1"]["name"].startswith("The Strange Summit") and titles["T1"]["keys_not_ok"] == 1
    statement = member_statement(union, "P1")
    assert [(r["title_id"], r["difference_cents"]) for r in statement] == [("T1", 1_000), ("T2", 0)]
    assert statement[0]["findings"][0].startswith(ft.UNDERPAID)
    counts = {(r["type"], r["status"]): r["findings"] for r in findings_report(union)}
    assert counts == {(ft.MISSING, "open"): 1, (ft.UNDERPAID, "open"): 1}


def test_ai_unknown_rows_are_capped_and_counted(union) -> None:
    run = plant_ai_unknown(union, *((f"U-{i}", "P1", "T1", "Northlight", f"no rate {i}") for i in range(3)))
    u = ai_unknown_report(union, limit=2)
    assert (u["count"], len(u["rows"]), u["more"], u["not_priced"]) == (3, 2, 1, 3)
    assert [r["subject_id"] for r in u["rows"]] == ["U-0", "U-1"]
    with analytics.connect(union) as con:  # a row stored outside the run's count is shown and warned about
        con.execute(f"INSERT INTO {UNKNOWN_TABLE} VALUES (?, 'N-9', 'P3', 'T9', 'Elsewhere', 'no session date')",
                    [run])
    u = ai_unknown_report(union)
    assert (u["count"], u["more"], u["not_priced"]) == (4, 0, 3)
    assert u["rows"][-1]["title"] == "" and u["rows"][-1]["project"] == "T9"
    assert "recorded 3 not priced; 4 are stored" in " ".join(audit_report_html(union).split())
