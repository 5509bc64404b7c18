"""The audit report as HTML (inline SVG charts, self-contained) and PDF (charts as images), all payers or one."""

from __future__ import annotations

import io

from pypdf import PdfReader

from greenroom.audit import charts
from greenroom.audit.report_html import audit_report_data, audit_report_html
from greenroom.audit.report_pdf import audit_report_pdf
from greenroom.audit.reports import NO_PAYER
from greenroom.consent.compensation import RUNS_TABLE, UNKNOWN_TABLE
from greenroom.store import analytics

from .conftest import paid_in_full, pay, plant_ai_unknown


def _pdf_text(data: bytes) -> str:
    reader = PdfReader(io.BytesIO(data))
    return "\n".join(page.extract_text() for page in reader.pages)


def test_report_before_any_run_says_so(union) -> None:
    html = audit_report_html(union)
    assert "No audit run yet" in html and "<svg" in html
    assert "No audit run yet" in _pdf_text(audit_report_pdf(union))


def test_report_shows_totals_charts_and_findings(union, remit, audit) -> None:
    rows = paid_in_full()
    rows[0]["amount_cents"] -= 1_000  # L1 short by $10
    remit(rows[:3])  # L4 (T3) never paid: missing, no payer yet
    audit()
    data = audit_report_data(union)
    t = data["totals"]
    assert t["difference_cents"] == 1_000 + 30_000 and t["ph_difference_cents"] == 5_250
    months = data["charts"]["owed_paid_by_month"]
    assert [m["month"] for m in months] == ["2021-03", "2021-04"]
    assert sum(m["owed_cents"] for m in months) == t["owed_cents"] + t["owed_ph_cents"]
    assert sum(m["paid_cents"] for m in months) == t["paid_cents"] + t["paid_ph_cents"]
    by_type = {(r["type"], r["payer"]): r["findings"] for r in data["charts"]["findings_by_type_and_payer"]}
    assert by_type == {("underpaid", "Northlight"): 1, ("missing_payment", NO_PAYER): 1}
    top = data["charts"]["top_titles_by_shortfall"]
    assert [(r["title_id"], r["shortfall_cents"]) for r in top] == [("T3", 35_250), ("T1", 1_000)]

    html = audit_report_html(union)
    assert html.count("<svg") == 3
    # Self-contained: nothing to fetch, nothing to run.
    assert not any(x in html for x in ("<script", "<link", 'src="http', 'href="http', "<img"))
    assert "$310.00" in html  # the total difference: $10 + $300
    assert "The Motel" in html and "underpaid" in html
    text = _pdf_text(audit_report_pdf(union))
    assert "Residuals audit report" in text and "$310.00" in text and "The Motel" in text
    assert "DRAFT" not in text


def test_report_for_one_payer(union, remit, audit) -> None:
    rows = paid_in_full()
    rows[0]["amount_cents"] -= 1_000
    remit(rows[:3])
    audit()
    data = audit_report_data(union, "Northlight")
    assert [p["payer"] for p in data["payers"]] == ["Northlight"]
    assert data["totals"]["difference_cents"] == 1_000
    assert {r["type"] for r in data["findings"]} == {"underpaid"}
    assert [r["title_id"] for r in charts.top_titles_by_shortfall(union, "Northlight")] == ["T1"]
    html = audit_report_html(union, "Northlight")
    assert "The Motel" not in html and "Northlight" in html


def test_bad_input_is_in_the_report_nothing_lost(union, remit, audit) -> None:
    """The issue's bad input: never-seen title and performer, zero and negative payments, another currency,
    the same check number for two performers. Each row is accounted for in the report, none silently dropped."""
    rows = [*paid_in_full(), pay("L1", "Z1", amount_cents=0), pay("L1", "Z2", amount_cents=-100),
            pay("L2", "Z3", currency="CAD"), pay("L1", "Z4", title="A Title Nobody Made"),
            pay("L1", "Z5", performer_id="P777"), pay("L2", "C1")]  # C1 already pays P1 in this file
    load = remit(rows)
    assert (load.rows_read, load.matched, load.queued, load.rejected) == (10, 4, 2, 4)
    audit()
    data = audit_report_data(union)
    [f] = data["files"]
    assert (f["rows_read"], f["matched"], f["queued"], f["rejected"], f["duplicates"]) == (10, 4, 2, 4, 0)
    held = {(h["disposition"], h["status"]): h for h in data["held"]}
    assert held[("queued", "open")]["rows"] == 2 and held[("rejected", "open")]["rows"] == 4
    reasons = " ".join(e for h in data["held"] for e in h["examples"])
    assert "zero or negative payment" in reasons and "currency CAD is not accepted" in reasons
    assert "A Title Nobody Made" in reasons and "P777" in " ".join(held[("queued", "open")]["examples"])
    html = audit_report_html(union)
    assert "currency CAD is not accepted" in html and "A Title Nobody Made" in html
    text = _pdf_text(audit_report_pdf(union))
    assert "rows not loaded" in text.lower() and "CAD" in text


def test_ai_compensation_not_priced_is_in_the_report(union, remit, audit) -> None:
    run = plant_ai_unknown(union, ("U-77", "P2", "T3", "Northlight", "no background day rate for 2021"))
    remit(paid_in_full())
    audit()
    u = audit_report_data(union)["ai_unknown"]
    assert (u["recorded"], u["count"], u["more"], u["run_id"], u["not_priced"]) == (True, 1, 0, run, 1)
    assert u["rows"] == [{"run_id": run, "performer_id": "P2", "project": "T3", "title": "The Motel",
                          "producer": "Northlight", "subject_id": "U-77", "reason": "no background day rate for 2021"}]
    html = audit_report_html(union)
    assert "AI compensation that could not be worked out" in html
    assert "could not be priced in compensation run" in html and "Warning" not in html
    for text in ("U-77", "The Motel", "no background day rate for 2021"):
        assert text in html
    pdf = _pdf_text(audit_report_pdf(union))
    assert "AI compensation that could not be worked out" in pdf and "could not be" in pdf
    for text in ("U-77", "The Motel", "no background day rate for 2021"):
        assert text in pdf
    # One payer's report lists the items its producer owes and counts the rest.
    assert audit_report_data(union, "Northlight")["ai_unknown"]["count"] == 1
    other = audit_report_data(union, "Bluewater")["ai_unknown"]
    assert (other["count"], other["other_producers"], other["rows"]) == (0, 1, [])
    assert "1 could not be priced for other producers" in audit_report_html(union, "Bluewater")


def test_report_says_when_everything_was_priced(union, remit, audit) -> None:
    plant_ai_unknown(union)
    remit(paid_in_full())
    audit()
    assert audit_report_data(union)["ai_unknown"]["count"] == 0
    assert "None: the consent registry priced every AI use and session" in audit_report_html(union)
    assert "None: the consent registry priced every AI use and session" in _pdf_text(audit_report_pdf(union))


def test_report_renders_without_the_consent_tables(union, remit, audit) -> None:
    remit(paid_in_full())
    audit()
    with analytics.connect(union) as con:
        con.execute(f"DROP TABLE IF EXISTS {UNKNOWN_TABLE}")
        con.execute(f"DROP TABLE IF EXISTS {RUNS_TABLE}")
    u = audit_report_data(union)["ai_unknown"]
    assert (u["recorded"], u["count"], u["rows"]) == (False, 0, [])
    html = audit_report_html(union)
    assert "has not posted AI compensation yet" in html and "$0.00" in html
    assert "has not posted AI compensation yet" in _pdf_text(audit_report_pdf(union))
    with analytics.connect(union) as con:  # the report only reads: it did not create the registry's table
        assert not con.execute("SELECT count(*) FROM information_schema.tables WHERE table_name = ?",
                               [UNKNOWN_TABLE]).fetchone()[0]
