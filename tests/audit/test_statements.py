"""Member statements: everything owed to and paid to one performer, explained in plain words."""

from __future__ import annotations

import io

import duckdb
import pytest
from pypdf import PdfReader

from greenroom.audit.statements import (
    StatementError,
    member_statement_data,
    member_statement_html,
    member_statement_pdf,
)
from greenroom.residuals.explain import explain_line, plain_words

from .conftest import paid_in_full


def test_statement_before_and_after_the_audit(union, remit, audit, cli, tmp_path) -> None:
    rows = paid_in_full()
    rows[0]["amount_cents"] -= 1_000  # P1 short $10 on T1
    remit(rows, payer="Northlight")
    before = member_statement_data(union, "P1")
    assert before["as_of"] is None
    assert before["totals"]["owed_cents"] == 150_000 and before["totals"]["paid_cents"] == 149_000
    audit()
    d = member_statement_data(union, "P1")
    assert d["as_of"] == "2021-12-31"
    assert [(k["title_id"], k["difference_cents"]) for k in d["keys"]] == [("T1", 1_000), ("T2", 0)]
    t1, t2 = d["keys"]
    assert "$10.00 is still owed to you" in t1["plain"] and "underpaid #" in t1["plain"]
    assert "paid in full" in t2["plain"]
    assert [ln["line_id"] for ln in t1["lines"]] == ["L1"] and t1["lines"][0]["explanation"].startswith("Line L1")
    assert [p["check_number"] for p in t1["payments"]] == ["C1"]
    assert d["totals"]["difference_cents"] == 1_000 and d["totals"]["interest_cents"] > 0

    html = member_statement_html(union, "P1")
    assert "$10.00 is still owed to you" in html and "The Strange Summit" in html and "<script" not in html
    text = "\n".join(p.extract_text() for p in PdfReader(io.BytesIO(member_statement_pdf(union, "P1"))).pages)
    assert "Residuals statement" in text and "still owed to you" in text

    out = cli("member-statement", "P1", "--html", str(tmp_path / "p1.html"), "--pdf", str(tmp_path / "p1.pdf"))
    assert out.exit_code == 0, out.output
    assert "still owed $10.00" in out.output and (tmp_path / "p1.pdf").read_bytes().startswith(b"%PDF")


def test_explanations_gathered_at_once_read_as_each_line_explained_alone(union, remit, audit) -> None:
    rows = paid_in_full()
    for r in rows:
        r["amount_cents"] -= 1  # every key short, so every line is explained in full
    remit(rows, payer="Northlight")
    audit()
    for performer in ("P1", "P2"):
        d = member_statement_data(union, performer)
        explained = {ln["line_id"]: ln["explanation"] for k in d["keys"] for ln in k["lines"]}
        with duckdb.connect(str(union.duckdb_path), read_only=True) as con:
            alone = {line_id: plain_words(explain_line(con, line_id)) for line_id in explained}
        assert explained == alone and len(explained) >= 2 and all(e.startswith("Line L") for e in explained.values())


def test_an_unknown_performer_is_refused(union, cli) -> None:
    with pytest.raises(StatementError, match="P404"):
        member_statement_data(union, "P404")
    out = cli("member-statement", "P404")
    assert out.exit_code == 1 and "P404" in out.output


def test_audit_report_command(union, remit, audit, cli, tmp_path) -> None:
    remit(paid_in_full()[:3], payer="Northlight")
    audit()
    out = cli("report", "--html", str(tmp_path / "r.html"), "--pdf", str(tmp_path / "r.pdf"))
    assert out.exit_code == 0, out.output
    assert "<svg" in (tmp_path / "r.html").read_text() and (tmp_path / "r.pdf").read_bytes().startswith(b"%PDF")
    out = cli("report", "--payer", "Nobody")
    assert out.exit_code == 1 and "no balances for payer 'Nobody'" in out.output
