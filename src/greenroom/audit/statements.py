"""A member statement: everything owed to and paid to one performer, each amount explained in plain words.

Per balance key (payer, title, market, period): what the engine says is owed and why (each residual
line in a sentence, and in full as `greenroom residuals explain` puts it wherever the key does not
balance), what the payer paid (each remittance row), the difference, and what the union is doing
about it (the open findings).
"""

from __future__ import annotations

from collections import defaultdict
from typing import Any

import duckdb

from greenroom.audit.render import ReportPDF, money, now, render_html
from greenroom.audit.reports import has_balances, last_run, member_statement, open_findings, query_rows
from greenroom.audit.tables import ensure_audit_tables
from greenroom.config import Settings
from greenroom.money import format_cents
from greenroom.residuals.explain import explain_lines, format_rate, plain_words
from greenroom.residuals.formulas import formula_by_id
from greenroom.store import analytics


class StatementError(ValueError):
    """A member statement that cannot be made (an unknown performer)."""


def _key(r: dict[str, Any]) -> tuple[str, str, str, str]:
    return (r["title_id"], r["market"], str(r["period_start"]), str(r["period_end"]))


def _performer_name(con: duckdb.DuckDBPyConnection, performer_id: str) -> str | None:
    try:
        row = con.execute("SELECT any_value(performer_name) FROM engagements WHERE performer_id = ?",
                          [performer_id]).fetchone()
    except duckdb.CatalogException:
        return None
    return row[0] if row else None


def _owed_lines(con: duckdb.DuckDBPyConnection, performer_id: str) -> list[dict[str, Any]]:
    return query_rows(con, """SELECT line_id, title_id, market, period_start, period_end, amount_cents, ph_cents,
        due_date, formula_id, formula_version, basis_cents, rate_ppm, pool_cents, units, total_units, gross_cents,
        includes_ph, run_number FROM residual_lines WHERE performer_id = ?
        ORDER BY period_start, title_id, market, line_id""", [performer_id])


def brief_words(ln: dict[str, Any]) -> str:
    """One line in one sentence: the rule and the numbers it used (the full account: residuals explain)."""
    try:
        f = formula_by_id(ln["formula_id"], ln["formula_version"])
        rule = f"{f.title} ({f.clause})"
    except KeyError:
        rule = f"rule {ln['formula_id']}@{ln['formula_version']}"
    parts = []
    if ln.get("basis_cents") is not None:
        parts.append(f"basis {format_cents(int(ln['basis_cents']))}")
    if ln.get("rate_ppm") is not None:
        parts.append(f"rate {format_rate(int(ln['rate_ppm']))}")
    if ln.get("pool_cents") is not None:
        parts.append(f"your share {ln['units']} of {ln['total_units']} units of a "
                     f"{format_cents(int(ln['pool_cents']))} pool")
    how = (", ".join(parts) + ": ") if parts else ""
    ph = "including" if ln.get("includes_ph") else "plus"
    due = f"; due {ln['due_date']}" if ln.get("due_date") else ""
    return (f"{rule}: {how}{format_cents(int(ln['amount_cents']))} to you, {ph} "
            f"{format_cents(int(ln['ph_cents']))} to your plans{due}. "
            f"(greenroom residuals explain {ln['line_id']})")


def _explanations(con: duckdb.DuckDBPyConnection, line_ids: list[str]) -> dict[str, str]:
    """Each line's full explanation in plain words (explained in a batch: a busy performer has hundreds)."""
    return {line_id: f"(cannot be explained in full: {ex})" if isinstance(ex, LookupError) else plain_words(ex)
            for line_id, ex in explain_lines(con, line_ids).items()}


def _paid_rows(con: duckdb.DuckDBPyConnection, performer_id: str) -> list[dict[str, Any]]:
    return query_rows(con, """SELECT payer, file_name, row_number, check_number, title_id, title_written, market,
        period_start, period_end, amount_cents, ph_cents, paid_date FROM remittance_rows WHERE performer_id = ?
        ORDER BY paid_date, file_name, row_number""", [performer_id])


def _sentence(k: dict[str, Any]) -> str:
    """The key's state in plain words."""
    owed, paid = int(k["owed_cents"]), int(k["paid_cents"])
    owed_ph, paid_ph = int(k["owed_ph_cents"]), int(k["paid_ph_cents"])
    who = k["payer"] if not k["payer"].startswith("(") else "the payer"
    parts = [f"You were owed {format_cents(owed)} (plus {format_cents(owed_ph)} to your pension and health "
             f"plans) and {who} paid {format_cents(paid)} (plus {format_cents(paid_ph)})."]
    if owed == paid and owed_ph == paid_ph:
        parts.append("This is paid in full.")
    elif paid == 0 and paid_ph == 0:
        parts.append("Nothing has been paid yet.")
    elif paid < owed:
        parts.append(f"{format_cents(owed - paid)} is still owed to you.")
    elif paid > owed:
        parts.append(f"{format_cents(paid - owed)} more than owed was paid.")
    if paid_ph < owed_ph and paid > 0:
        parts.append(f"Your plans are still owed {format_cents(owed_ph - paid_ph)}.")
    if k["findings"]:
        parts.append("The union is following this up: " + "; ".join(k["findings"]) + ".")
    return " ".join(parts)


def member_statement_data(settings: Settings, performer_id: str) -> dict[str, Any]:
    """The statement's content: the performer, totals, and each key with its lines explained and its payments."""
    with analytics.connect(settings) as con:
        ensure_audit_tables(con)
        name = _performer_name(con, performer_id)
        lines = _owed_lines(con, performer_id)
        paid = _paid_rows(con, performer_id)
        audited = has_balances(con)
        names = dict(con.execute("SELECT title_id, name FROM titles").fetchall())
        keys = member_statement(settings, performer_id) if audited else []
        # In full (plain_words) where something is wrong, in one sentence elsewhere: a busy performer has
        # thousands of lines, and the full account of each is a page.
        wrong = {_key(k) for k in keys if k["difference_cents"] or k["ph_difference_cents"] or k["findings"]}
        explained = _explanations(con, [ln["line_id"] for ln in lines if _key(ln) in wrong])
    if name is None and not lines and not paid:
        raise StatementError(f"performer {performer_id!r} is in no engagement, residual line or remittance row")
    findings = {}
    for fs in open_findings(settings, performer_id).values():
        for f in fs:
            findings[f.id] = {"id": f.id, "type": f.type, "summary": f.summary, "status": f.status,
                              "interest_cents": f.interest_cents}
    by_key_lines: dict[tuple[str, str, str, str], list[dict[str, Any]]] = defaultdict(list)
    for ln in lines:
        by_key_lines[_key(ln)].append({**ln, "brief": brief_words(ln), "explanation": explained.get(ln["line_id"])})
    by_key_paid: dict[tuple[str, str, str, str], list[dict[str, Any]]] = defaultdict(list)
    for r in paid:
        by_key_paid[_key(r)].append(r)
    if not keys:  # before an audit run: the keys are what is owed and what was paid, no payer known for owed
        seen = sorted(set(by_key_lines) | set(by_key_paid))
        for kt in seen:
            ls, ps = by_key_lines.get(kt, []), by_key_paid.get(kt, [])
            keys.append({"payer": ps[0]["payer"] if ps else "(not audited yet)", "title_id": kt[0],
                         "market": kt[1], "period_start": kt[2], "period_end": kt[3],
                         "owed_cents": sum(int(x["amount_cents"]) for x in ls),
                         "owed_ph_cents": sum(int(x["ph_cents"]) for x in ls),
                         "paid_cents": sum(int(x["amount_cents"]) for x in ps),
                         "paid_ph_cents": sum(int(x["ph_cents"]) for x in ps), "findings": []})
    out_keys = []
    for k in keys:
        key = _key(k)
        k = {**k, "period_start": str(k["period_start"]), "period_end": str(k["period_end"]),
             "name": names.get(k["title_id"]) or k.get("name")}
        k["difference_cents"] = int(k["owed_cents"]) - int(k["paid_cents"])
        k["ph_difference_cents"] = int(k["owed_ph_cents"]) - int(k["paid_ph_cents"])
        k["lines"] = by_key_lines.get(key, [])
        k["payments"] = [{**r, "paid_date": str(r["paid_date"])} for r in by_key_paid.get(key, [])]
        k["plain"] = _sentence(k)
        out_keys.append(k)
    totals = {c: sum(int(k[c]) for k in out_keys) for c in ("owed_cents", "owed_ph_cents", "paid_cents",
                                                              "paid_ph_cents", "difference_cents",
                                                              "ph_difference_cents")}
    totals["interest_cents"] = sum(int(f["interest_cents"]) for f in findings.values())
    run = last_run(settings)
    return {"performer_id": performer_id, "name": name, "generated_at": now().isoformat(),
            "as_of": run.as_of.isoformat() if run and audited else None, "totals": totals, "keys": out_keys,
            "findings": list(findings.values())}


_HTML = """<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8">
<title>Residuals statement — {{ d.name or d.performer_id }}</title><style>{{ style }}</style></head><body>
<h1>Residuals statement for {{ d.name or d.performer_id }}</h1>
<p class="meta">Performer {{ d.performer_id }}. Made {{ d.generated_at }}{% if d.as_of %}; payments audited as of
{{ d.as_of }}{% else %}; payments not audited yet{% endif %}.</p>
{% set t = d.totals %}
<h2>In short</h2>
<p>Over {{ d['keys']|length }} payments due to you, you were owed {{ t.owed_cents|money }} and were paid
{{ t.paid_cents|money }}{% if t.difference_cents > 0 %}: {{ t.difference_cents|money }} is still owed to you
{% elif t.difference_cents < 0 %}: {{ (-t.difference_cents)|money }} more than owed was paid{% else %}: all of it
{% endif %}. Your pension and health plans were owed {{ t.owed_ph_cents|money }} and received
{{ t.paid_ph_cents|money }}.{% if t.interest_cents %} Interest for late payment claimed so far:
{{ t.interest_cents|money }}.{% endif %}</p>
<table><tr><th>title</th><th>market</th><th>period</th><th>payer</th><th class="n">owed</th><th class="n">paid</th>
<th class="n">still owed</th><th class="n">P&amp;H owed</th><th class="n">P&amp;H paid</th><th>follow-up</th></tr>
{% for k in d['keys'] %}<tr><td>{{ k.name or k.title_id }}</td><td>{{ k.market }}</td>
<td>{{ k.period_start }}{% if k.period_end != k.period_start %} to {{ k.period_end }}{% endif %}</td>
<td>{{ k.payer }}</td><td class="n">{{ k.owed_cents|money }}</td><td class="n">{{ k.paid_cents|money }}</td>
<td class="n">{{ k.difference_cents|money }}</td><td class="n">{{ k.owed_ph_cents|money }}</td>
<td class="n">{{ k.paid_ph_cents|money }}</td><td class="small">{{ k.findings|join(', ') }}</td></tr>
{% endfor %}
<tr class="total"><td colspan="4">total</td><td class="n">{{ t.owed_cents|money }}</td>
<td class="n">{{ t.paid_cents|money }}</td><td class="n">{{ t.difference_cents|money }}</td>
<td class="n">{{ t.owed_ph_cents|money }}</td><td class="n">{{ t.paid_ph_cents|money }}</td><td></td></tr></table>

<h2>Each payment explained</h2>
{% for k in d['keys'] %}
<h3>{{ k.name or k.title_id }} — {{ k.market }}, {{ k.period_start }}</h3>
<p>{{ k.plain }}</p>
{% for ln in k.lines %}{% if ln.explanation %}<details><summary class="small">{{ ln.brief }}</summary>
<pre>{{ ln.explanation }}</pre></details>{% else %}<p class="small">{{ ln.brief }}</p>{% endif %}{% endfor %}
{% if k.payments %}<table><tr><th>paid by</th><th>check</th><th>date</th><th class="n">to you</th>
<th class="n">to your plans</th><th>statement line</th></tr>
{% for p in k.payments %}<tr><td>{{ p.payer }}</td><td>{{ p.check_number }}</td><td>{{ p.paid_date }}</td>
<td class="n">{{ p.amount_cents|money }}</td><td class="n">{{ p.ph_cents|money }}</td>
<td class="small">{{ p.file_name }} row {{ p.row_number }}</td></tr>{% endfor %}</table>{% endif %}
{% endfor %}
</body></html>
"""


def render_member_statement_html(data: dict[str, Any]) -> str:
    """The HTML page for member_statement_data's result."""
    return render_html(_HTML, d=data)


def member_statement_html(settings: Settings, performer_id: str) -> str:
    """One performer's statement as a self-contained HTML page."""
    return render_member_statement_html(member_statement_data(settings, performer_id))


def render_member_statement_pdf(data: dict[str, Any]) -> bytes:
    """The PDF for member_statement_data's result."""
    who = data["name"] or data["performer_id"]
    pdf = ReportPDF(f"Residuals statement - {who} ({data['performer_id']})")
    pdf.heading(f"Residuals statement for {who}", 16)
    pdf.para(f"Performer {data['performer_id']}. Made {data['generated_at']}"
             + (f"; payments audited as of {data['as_of']}." if data["as_of"] else "; payments not audited yet."))
    t = data["totals"]
    pdf.heading("In short")
    pdf.para(f"Over {len(data['keys'])} payments due to you, you were owed {money(t['owed_cents'])} and were paid "
             f"{money(t['paid_cents'])}; still owed to you: {money(t['difference_cents'])}. Your pension and health "
             f"plans were owed {money(t['owed_ph_cents'])} and received {money(t['paid_ph_cents'])}."
             + (f" Interest for late payment claimed so far: {money(t['interest_cents'])}."
                if t["interest_cents"] else ""), 10)
    rows: list[list[object]] = [[k["name"] or k["title_id"], k["market"], k["period_start"], k["payer"],
                                 money(k["owed_cents"]), money(k["paid_cents"]), money(k["difference_cents"]),
                                 money(k["owed_ph_cents"]), money(k["paid_ph_cents"]), ", ".join(k["findings"])]
                                for k in data["keys"]]
    rows.append(["total", "", "", "", money(t["owed_cents"]), money(t["paid_cents"]), money(t["difference_cents"]),
                 money(t["owed_ph_cents"]), money(t["paid_ph_cents"]), ""])
    pdf.grid(["title", "market", "period", "payer", "owed", "paid", "still owed", "P&H owed", "P&H paid",
              "follow-up"], rows, widths=(62, 26, 20, 32, 22, 22, 22, 20, 20, 27), numeric=(4, 5, 6, 7, 8),
             bold_last=True)
    pdf.add_page()
    pdf.heading("Each payment explained")
    for k in data["keys"]:
        pdf.para(f"{k['name'] or k['title_id']} - {k['market']}, {k['period_start']}", 9, "B")
        text = [k["plain"]]
        text += [ln["explanation"] or ln["brief"] for ln in k["lines"]]
        text += [f"Paid by {p['payer']}: check {p['check_number']} on {p['paid_date']}, {money(p['amount_cents'])} "
                 f"to you and {money(p['ph_cents'])} to your plans ({p['file_name']} row {p['row_number']})."
                 for p in k["payments"]]
        pdf.para("\n".join(text), 7)
        pdf.ln(1.5)
    return pdf.to_bytes()


def member_statement_pdf(settings: Settings, performer_id: str) -> bytes:
    """One performer's statement as PDF bytes."""
    return render_member_statement_pdf(member_statement_data(settings, performer_id))
