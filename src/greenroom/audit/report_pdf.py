"""The audit report as a PDF (fpdf2): the same content as the HTML page, with the charts as images."""

from __future__ import annotations

from typing import Any

from greenroom.audit import charts
from greenroom.audit.render import ReportPDF, money
from greenroom.audit.report_html import audit_report_data
from greenroom.config import Settings


def render_audit_report_pdf(data: dict[str, Any]) -> bytes:
    """The PDF for audit_report_data's result."""
    title = "Residuals audit report" + (f" - {data['payer']}" if data["payer"] else "")
    pdf = ReportPDF(title)
    pdf.heading(title, 16)
    run = data["run"]
    pdf.para(f"Made {data['generated_at']}. " + (
        f"Balances and findings as of audit run {run['id']} (as of {run['as_of']})." if run
        else "No audit run yet: run `greenroom audit run`."))
    t = data["totals"]
    pdf.heading("Totals")
    pdf.grid(["", "performers", "P&H", "together"], [
        ["owed", money(t["owed_cents"]), money(t["owed_ph_cents"]), money(t["owed_cents"] + t["owed_ph_cents"])],
        ["paid", money(t["paid_cents"]), money(t["paid_ph_cents"]), money(t["paid_cents"] + t["paid_ph_cents"])],
        ["owed minus paid", money(t["difference_cents"]), money(t["ph_difference_cents"]),
         money(t["difference_cents"] + t["ph_difference_cents"])]],
        widths=(50, 40, 40, 40), numeric=(1, 2, 3), size=9, bold_last=True, width=170)
    pdf.para(f"{t['keys']:,} balances checked; {t['keys_not_ok']:,} do not balance within the payer's tolerance.")
    figs = charts.figures(data["charts"])
    # 200 mm wide, two charts fit a landscape page: the first goes under the totals, the others share the next.
    pdf.heading("Charts", keep=90)
    for name in ("owed_paid_by_month", "findings_by_type_and_payer", "top_titles_by_shortfall"):
        pdf.image_png(charts.to_png(figs[name]), 200)
    pdf.add_page()
    pdf.heading("By payer")
    pdf.grid(["payer", "owed", "paid", "difference", "P&H owed", "P&H paid", "P&H difference", "keys",
              "not balancing", "open findings"],
             [[p["payer"], money(p["owed_cents"]), money(p["paid_cents"]), money(p["difference_cents"]),
               money(p["owed_ph_cents"]), money(p["paid_ph_cents"]), money(p["ph_difference_cents"]),
               f"{p['keys']:,}", f"{p['keys_not_ok']:,}",
               ", ".join(f"{k}: {v}" for k, v in p["open_findings"].items())] for p in data["payers"]],
             widths=(34, 24, 24, 22, 22, 22, 22, 14, 16, 73), numeric=(1, 2, 3, 4, 5, 6, 7, 8))
    pdf.heading("Findings")
    pdf.grid(["type", "payer", "status", "findings", "owed minus paid", "P&H owed minus paid", "interest"],
             [[f["type"], f["payer"], f["status"], f"{f['findings']:,}", money(f["difference_cents"]),
               money(f["ph_difference_cents"]), money(f["interest_cents"])] for f in data["findings"]]
             or [["no findings", "", "", "", "", "", ""]],
             widths=(40, 50, 25, 22, 38, 38, 30), numeric=(3, 4, 5, 6))
    pdf.para("Each finding's evidence: `greenroom audit show ID`. Claims to a payer: "
             "`greenroom audit claim-statement PAYER`.", 8)
    _ai_unknown(pdf, data["ai_unknown"], data["payer"])
    pdf.heading("Remittance files and rows not loaded")
    pdf.grid(["file", "payer", "status", "rows read", "matched", "queued", "rejected", "duplicates"],
             [[f["file"], f["payer"], f["status"], f"{f['rows_read']:,}", f"{f['matched']:,}", f"{f['queued']:,}",
               f"{f['rejected']:,}", f"{f['duplicates']:,}"] for f in data["files"]]
             or [["no remittance files loaded", "", "", "", "", "", "", ""]],
             widths=(70, 50, 20, 25, 25, 25, 25, 25), numeric=(3, 4, 5, 6, 7))
    pdf.grid(["payer", "not loaded", "status", "rows", "for example"],
             [[h["payer"], h["disposition"], h["status"], f"{h['rows']:,}", "; ".join(h["examples"])]
              for h in data["held"]] or [["every row read was loaded", "", "", "", ""]],
             widths=(45, 25, 20, 18, 165), numeric=(3,))
    pdf.para("Nothing is dropped: queued rows wait for a person (`greenroom audit queue`), rejected rows need a "
             "corrected file from the payer, duplicates were already loaded (`greenroom audit queue --all`).", 8)
    pdf.heading("Titles not balancing")
    shown = len(data["titles"])
    pdf.para(f"{data['titles_not_balancing']:,} titles have at least one balance outside tolerance"
             + (f"; the {shown} furthest short are listed." if data["titles_not_balancing"] > shown else "."), 8)
    if data["titles"]:
        pdf.grid(["payer", "title", "name", "owed", "paid", "difference", "P&H difference", "keys"],
                 [[r["payer"], r["title_id"], r["name"] or "", money(r["owed_cents"]), money(r["paid_cents"]),
                   money(r["difference_cents"]), money(r["ph_difference_cents"]), r["keys_not_ok"]]
                  for r in data["titles"]],
                 widths=(34, 22, 85, 26, 26, 24, 24, 12), numeric=(3, 4, 5, 6, 7))
    return pdf.to_bytes()


def _ai_unknown(pdf: ReportPDF, u: dict[str, Any], payer: str | None) -> None:
    """The AI compensation the consent registry could not price: one line when there is none, else a table."""
    others = (f" {u['other_producers']:,} more are for other producers (see the report for all payers)."
              if u["other_producers"] else "")
    pdf.heading("AI compensation that could not be worked out", keep=12 if not u["count"] else 30)
    if not u["recorded"]:
        pdf.para("The consent registry has not posted AI compensation yet, so there is nothing it could not price.", 8)
        return
    run = f" (compensation run {u['run_id']})" if u["run_id"] else ""
    if not u["count"]:
        pdf.para(f"None: the consent registry priced every AI use and session{' of ' + payer if payer else ''}{run}."
                 + others + u["warning"], 8)
        return
    things = "use or session" if u["count"] == 1 else "uses and sessions"
    pdf.para(f"{u['count']:,} AI {things} could not be priced{run}: no amount for them is owed in the ledger, so "
             "the audit cannot check them until the missing facts are recorded in the consent registry and the "
             "compensation is posted again (`greenroom consent compensation --post`)."
             + (f" The first {len(u['rows'])} are listed; {u['more']:,} more are not shown." if u["more"] else "")
             + others + u["warning"], 8)
    pdf.grid(["performer", "project", "title", "producer", "use or session", "what is missing / why"],
             [[r["performer_id"], r["project"], r["title"], r["producer"], r["subject_id"], r["reason"]]
              for r in u["rows"]],
             widths=(24, 32, 50, 34, 30, 103))


def audit_report_pdf(settings: Settings, payer: str | None = None) -> bytes:
    """The audit report (all payers, or one) as PDF bytes."""
    return render_audit_report_pdf(audit_report_data(settings, payer))
