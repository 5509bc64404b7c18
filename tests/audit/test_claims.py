"""Claim statements: built from claimed findings with their evidence, approved, and only then exported as final."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from pypdf import PdfReader
from sqlalchemy import update

from greenroom.audit import findings as ft
from greenroom.audit.claims import (
    ClaimError,
    approve_claim_statement,
    create_claim_statement,
    export_claim_statement,
    get_claim_statement,
    list_claim_statements,
    refresh_claim_statement,
)
from greenroom.audit.models import OPEN, ClaimStatement
from greenroom.audit.workflow import claim, query_findings
from greenroom.store.db import session_factory

from .conftest import DUE, paid_in_full, pay

PAYER = "Northlight"


def _pdf_text(data: bytes) -> str:
    return "\n".join(p.extract_text() for p in PdfReader(io.BytesIO(data)).pages)


@pytest.fixture
def claimed(union, remit, audit):
    """Northlight paid L1 $10 short, L2 late, L3 with half its P&H; L4 nothing (no payer yet). All claimed."""
    rows = paid_in_full()
    rows[0]["amount_cents"] -= 1_000
    rows[1]["paid_date"] = DUE + dt.timedelta(days=45)
    rows[2]["ph_cents"] //= 2
    remit(rows[:3], payer=PAYER)
    audit()
    sessions = session_factory(union)
    for f in query_findings(sessions, payer=PAYER, status=OPEN):
        claim(sessions, f.id, "ana")
    return union


def test_a_statement_lists_every_claimed_line_and_sums_to_the_cent(claimed) -> None:
    info = create_claim_statement(claimed, PAYER, "ana")
    c = info.content
    by_type = {ln["type"]: ln for ln in c["lines"]}
    assert set(by_type) == {ft.UNDERPAID, ft.LATE, ft.PH_SHORT}
    under, late, ph = by_type[ft.UNDERPAID], by_type[ft.LATE], by_type[ft.PH_SHORT]
    assert (under["claim_amount_cents"], under["claim_ph_cents"]) == (1_000, 0)
    assert under["interest_cents"] > 0  # short since March 2021, as of December
    assert (late["claim_amount_cents"], late["claim_ph_cents"]) == (0, 0)
    assert late["interest_cents"] == 80_000 * 2 // 100  # two months (part of a month counts) at 1%
    assert (ph["claim_amount_cents"], ph["claim_ph_cents"], ph["interest_cents"]) == (0, 8_750 - 8_750 // 2, 0)
    for ln in c["lines"]:
        assert ln["claim_cents"] == ln["claim_amount_cents"] + ln["claim_ph_cents"] + ln["interest_cents"]
        assert ln["evidence"]["owed"]["lines"] and ln["evidence"]["paid"]["rows"]
        assert set(ln["explanations"]) == {x["line_id"] for x in ln["evidence"]["owed"]["lines"]}
        # each owed line in plain words, as `greenroom residuals explain` prints it
        assert all(t.startswith("Line L") and "Rule:" in t for t in ln["explanations"].values())
    t = c["totals"]
    for k, col in (("amount_cents", "claim_amount_cents"), ("ph_cents", "claim_ph_cents"),
                   ("interest_cents", "interest_cents"), ("claim_cents", "claim_cents")):
        assert t[k] == sum(ln[col] for ln in c["lines"])
    assert info.total_cents == t["claim_cents"] and info.status == "draft" and info.lines == 3
    csv_text = export_claim_statement(claimed, info.id, "csv").decode()
    total_row = csv_text.strip().splitlines()[-1].split(",")
    assert "TOTAL" in total_row and str(t["claim_cents"]) in total_row


def test_only_an_approved_unchanged_statement_exports_as_final(claimed, remit, audit) -> None:
    info = create_claim_statement(claimed, PAYER, "ana")
    with pytest.raises(ClaimError, match="has not been approved"):
        export_claim_statement(claimed, info.id, "pdf", final=True)
    draft = _pdf_text(export_claim_statement(claimed, info.id, "pdf"))
    assert "DRAFT" in draft and "L1" in draft
    assert 'class="watermark">DRAFT' in export_claim_statement(claimed, info.id, "html").decode()
    assert all("DRAFT" in line for line in export_claim_statement(claimed, info.id, "csv").decode().splitlines()[1:])

    approved = approve_claim_statement(claimed, info.id, "bea", note="checked against the stubs")
    assert approved.status == "approved" and approved.approved_by == "bea"
    final = _pdf_text(export_claim_statement(claimed, info.id, "pdf", final=True))
    assert "FINAL - approved by bea" in final and "DRAFT" not in final
    html = export_claim_statement(claimed, info.id, "html", final=True).decode()
    assert "watermark" not in html.split("</style>")[1] and info.content_hash in html

    # The payer sends the $10 it owed on L1: the underpaid finding clears, the statement changes.
    remit([pay("L1", "C9", amount_cents=1_000, ph_cents=0)], payer=PAYER)
    audit()
    same, changed = refresh_claim_statement(claimed, info.id)
    assert changed and same.revision == 2 and same.status == "draft"
    assert ft.UNDERPAID not in {ln["type"] for ln in same.content["lines"]}
    with pytest.raises(ClaimError, match="changed since bea approved revision 1"):
        export_claim_statement(claimed, info.id, "csv", final=True)
    again, changed = refresh_claim_statement(claimed, info.id)
    assert not changed and again.revision == 2
    approve_claim_statement(claimed, info.id, "bea")
    assert "FINAL" in export_claim_statement(claimed, info.id, "csv", final=True).decode()


def test_content_changed_outside_greenroom_is_not_final(claimed) -> None:
    info = create_claim_statement(claimed, PAYER, "ana")
    approve_claim_statement(claimed, info.id, "bea")
    tampered = dict(info.content)
    tampered["totals"] = {**tampered["totals"], "claim_cents": tampered["totals"]["claim_cents"] + 100}
    with session_factory(claimed).begin() as s:
        s.execute(update(ClaimStatement).where(ClaimStatement.id == info.id).values(content=tampered))
    assert get_claim_statement(claimed, info.id).status == "draft"
    with pytest.raises(ClaimError):
        export_claim_statement(claimed, info.id, "pdf", final=True)
    with pytest.raises(ClaimError, match="changed outside greenroom"):
        approve_claim_statement(claimed, info.id, "bea")


def test_refusals(claimed) -> None:
    with pytest.raises(ClaimError, match="nothing to claim"):
        create_claim_statement(claimed, "Nobody Pictures", "ana")
    info = create_claim_statement(claimed, PAYER, "ana")
    with pytest.raises(ClaimError, match="needs the name"):
        approve_claim_statement(claimed, info.id, " ")
    with pytest.raises(ClaimError, match="no claim statement 999"):
        approve_claim_statement(claimed, 999, "bea")
    with pytest.raises(ClaimError, match="unknown format"):
        export_claim_statement(claimed, info.id, "docx")
    assert [i.id for i in list_claim_statements(claimed, PAYER)] == [info.id]


def test_claim_statement_commands(claimed, cli, tmp_path) -> None:
    out = cli("claim-statement", PAYER, "--by", "ana")
    assert out.exit_code == 0, out.output
    assert "Claim statement 1" in out.output and "draft" in out.output
    out = cli("claim-statement", "export", "1", "--final", "--pdf", str(tmp_path / "s.pdf"))
    assert out.exit_code == 1 and "has not been approved" in out.output and not (tmp_path / "s.pdf").exists()
    assert cli("claim-statement", "approve", "1", "--by", "bea").exit_code == 0
    out = cli("claim-statement", "export", "1", "--final", "--pdf", str(tmp_path / "s.pdf"), "--csv",
              str(tmp_path / "s.csv"), "--html", str(tmp_path / "s.html"))
    assert out.exit_code == 0, out.output
    assert (tmp_path / "s.pdf").read_bytes().startswith(b"%PDF") and "FINAL" in (tmp_path / "s.csv").read_text()
    assert "approved by bea" in cli("claim-statement", "list").output
    assert "total: performer" in cli("claim-statement", "show", "1").output
