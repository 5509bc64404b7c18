"""Audit documents over HTTP: the audit report, claim statements with approval, member statements as PDF."""

from __future__ import annotations

from fastapi.testclient import TestClient

from greenroom.accounts.service import create_user
from greenroom.store.analytics import connect
from greenroom.store.db import session_factory
from greenroom.web.security import WebConfig
from tests.web.conftest import PASSWORD, Union, signed_in_as


def test_audit_report_as_pdf_and_html(as_auditor: TestClient) -> None:
    pdf = as_auditor.get("/staff/reports/audit.pdf")
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF") and pdf.headers["content-type"] == \
        "application/pdf"
    html = as_auditor.get("/staff/reports/audit.html")
    assert html.status_code == 200 and "<svg" in html.text
    assert "default-src 'none'" in html.headers["content-security-policy"]  # its inline styles, nothing else


def test_claim_statement_draft_approve_and_final_export(union: Union, as_auditor: TestClient) -> None:
    finding = as_auditor.get("/api/findings", params={"status": "open"}).json()["findings"][0]
    payer = finding["payer"]
    assert as_auditor.post(f"/api/findings/{finding['id']}", json={"action": "claim"}).status_code == 200
    r = as_auditor.post("/api/claims", json={"payer": payer})
    assert r.status_code == 200, r.text
    st = r.json()
    assert st["status"] == "draft" and st["lines"] >= 1 and st["created_by"] == "auditor"
    sid = st["id"]
    assert as_auditor.post("/api/claims", json={"payer": "Nobody Pictures"}).status_code == 409
    draft = as_auditor.get(f"/api/claims/{sid}/export", params={"fmt": "csv"})
    assert draft.status_code == 200 and "DRAFT" in draft.text
    assert as_auditor.get(f"/api/claims/{sid}/export", params={"fmt": "pdf", "final": "true"}).status_code == 409
    approved = as_auditor.post(f"/api/claims/{sid}/approve", json={"note": "checked"})
    assert approved.status_code == 200 and approved.json()["status"] == "approved"
    final = as_auditor.get(f"/api/claims/{sid}/export", params={"fmt": "pdf", "final": "true"})
    assert final.status_code == 200 and final.content.startswith(b"%PDF")
    assert as_auditor.post(f"/api/claims/{sid}/refresh").json()["changed"] is False
    detail = as_auditor.get(f"/api/claims/{sid}").json()
    assert detail["approvals"][0]["approved_by"] == "auditor"
    assert any(ln["finding_id"] == finding["id"] for ln in detail["content"]["lines"])
    assert as_auditor.get(f"/staff/claims/{sid}").status_code == 200
    assert as_auditor.get("/staff/claims").status_code == 200
    assert as_auditor.get("/api/claims/999999").status_code == 404
    assert as_auditor.get(f"/api/claims/{sid}/export", params={"fmt": "docx"}).status_code == 400
    with signed_in_as(union, WebConfig(), "admin") as admin:
        log = admin.get("/api/admin/access-log", params={"performer": finding["performer_id"]}).json()
        assert any(f"claim statement {sid}" in e["what"] for e in log)


def test_member_statement_pdf_for_the_member_and_for_staff(union: Union, app_config: WebConfig) -> None:
    # The statement explains every line; a performer with few lines keeps the test quick.
    with connect(union.settings) as con:
        row = con.execute("SELECT performer_id FROM ledger_balances GROUP BY 1 ORDER BY count(*), 1 LIMIT 1").fetchone()
    assert row is not None
    pid = str(row[0])
    create_user(session_factory(union.settings), "carol", "member", password=PASSWORD, performer_id=pid)
    with signed_in_as(union, app_config, "carol") as carol:
        mine = carol.get("/me/statement.pdf")
        assert mine.status_code == 200 and mine.content.startswith(b"%PDF")
        assert pid in mine.headers["content-disposition"]
        before = len(carol.get("/api/me/access-log").json())
        assert carol.get(f"/staff/members/{union.other}/statement.pdf").status_code == 403
        with signed_in_as(union, app_config, "services") as services:
            theirs = services.get(f"/staff/members/{pid}/statement.pdf")
            assert theirs.status_code == 200 and theirs.content.startswith(b"%PDF")
            assert services.get("/staff/members/P-nobody/statement.pdf").status_code == 404
        log = carol.get("/api/me/access-log").json()
        assert len(log) == before + 1 and log[0]["what"] == "member statement PDF"
