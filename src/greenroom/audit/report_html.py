"""The audit report as one self-contained HTML page: totals, charts (inline SVG), payers, findings, titles."""

from __future__ import annotations

from typing import Any

from greenroom.audit import charts
from greenroom.audit.render import now, render_html
from greenroom.audit.reports import (
    NO_PAYER,
    ai_unknown_report,
    files_report,
    findings_report,
    held_report,
    last_run,
    payer_report,
    title_report,
    totals,
)
from greenroom.config import Settings

TITLE_ROWS = 100
"""Titles listed in the report's title table (those furthest from balancing first)."""


def audit_report_data(settings: Settings, payer: str | None = None) -> dict[str, Any]:
    """Everything the audit report shows, as plain data (the HTML and the PDF are drawn from it)."""
    run = last_run(settings)
    titles = [t for t in title_report(settings, payer) if t["keys_not_ok"]]
    titles.sort(key=lambda t: (-(int(t["difference_cents"]) + int(t["ph_difference_cents"])), t["title_id"]))
    return {
        "generated_at": now().isoformat(),
        "payer": payer,
        "run": None if run is None else {"id": run.id, "as_of": run.as_of.isoformat(),
                                         "finished_at": run.finished_at.isoformat() if run.finished_at else None},
        "totals": totals(settings, payer),
        "payers": payer_report(settings, payer),
        "findings": findings_report(settings, payer),
        "ai_unknown": ai_unknown_report(settings, payer),
        "charts": charts.chart_data(settings, payer),
        "titles": titles[:TITLE_ROWS],
        "titles_not_balancing": len(titles),
        "files": files_report(settings, None if payer == NO_PAYER else payer),
        "held": held_report(settings, None if payer == NO_PAYER else payer),
    }


_TEMPLATE = """<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8">
<title>Residuals audit report{{ ' — ' ~ d.payer if d.payer else '' }}</title>
<style>{{ style }}</style></head>
<body>
<h1>Residuals audit report{{ ' — ' ~ d.payer if d.payer else '' }}</h1>
<p class="meta">Made {{ d.generated_at }}.
{% if d.run %}Balances and findings as of the audit run {{ d.run.id }} (as of {{ d.run.as_of }}, finished
{{ d.run.finished_at }}).{% else %}No audit run yet: run <code>greenroom audit run</code>.{% endif %}</p>

<h2>Totals</h2>
{% set t = d.totals %}
<table><tr><th></th><th class="n">performers</th><th class="n">P&amp;H</th><th class="n">together</th></tr>
<tr><td>owed</td><td class="n">{{ t.owed_cents|money }}</td><td class="n">{{ t.owed_ph_cents|money }}</td>
<td class="n">{{ (t.owed_cents + t.owed_ph_cents)|money }}</td></tr>
<tr><td>paid</td><td class="n">{{ t.paid_cents|money }}</td><td class="n">{{ t.paid_ph_cents|money }}</td>
<td class="n">{{ (t.paid_cents + t.paid_ph_cents)|money }}</td></tr>
<tr class="total"><td>owed minus paid</td><td class="n">{{ t.difference_cents|money }}</td>
<td class="n">{{ t.ph_difference_cents|money }}</td>
<td class="n">{{ (t.difference_cents + t.ph_difference_cents)|money }}</td></tr></table>
<p class="small">{{ "{:,}".format(t['keys']) }} balances checked (payer, title, performer,
market, period); {{ "{:,}".format(t.keys_not_ok) }} do not balance within the payer's tolerance.</p>

<h2>Charts</h2>
{% for name in ['owed_paid_by_month', 'findings_by_type_and_payer', 'top_titles_by_shortfall'] %}
<div class="chart">{{ svgs[name]|safe }}</div>
{% endfor %}

<h2>By payer</h2>
<table><tr><th>payer</th><th class="n">owed</th><th class="n">paid</th><th class="n">difference</th>
<th class="n">P&amp;H owed</th><th class="n">P&amp;H paid</th><th class="n">P&amp;H difference</th>
<th class="n">keys</th><th class="n">not balancing</th><th>open findings</th></tr>
{% for p in d.payers %}
<tr><td>{{ p.payer }}</td><td class="n">{{ p.owed_cents|money }}</td><td class="n">{{ p.paid_cents|money }}</td>
<td class="n">{{ p.difference_cents|money }}</td><td class="n">{{ p.owed_ph_cents|money }}</td>
<td class="n">{{ p.paid_ph_cents|money }}</td><td class="n">{{ p.ph_difference_cents|money }}</td>
<td class="n">{{ "{:,}".format(p['keys']) }}</td><td class="n">{{ "{:,}".format(p.keys_not_ok) }}</td>
<td class="small">{% for k, v in p.open_findings.items() %}{{ k }}: {{ v }}{{ ', ' if not loop.last }}{% endfor %}
</td></tr>
{% endfor %}
</table>

<h2>Findings</h2>
<table><tr><th>type</th><th>payer</th><th>status</th><th class="n">findings</th>
<th class="n">owed minus paid</th><th class="n">P&amp;H owed minus paid</th><th class="n">interest</th></tr>
{% for f in d.findings %}
<tr><td>{{ f.type }}</td><td>{{ f.payer }}</td><td>{{ f.status }}</td><td class="n">{{ "{:,}".format(f.findings) }}</td>
<td class="n">{{ f.difference_cents|money }}</td><td class="n">{{ f.ph_difference_cents|money }}</td>
<td class="n">{{ f.interest_cents|money }}</td></tr>
{% else %}<tr><td colspan="7">no findings</td></tr>
{% endfor %}
</table>
<p class="small">Each finding's evidence (the owed lines and how each was worked out, the paid rows, the
difference and the interest): <code>greenroom audit show ID</code>. Claims to a payer:
<code>greenroom audit claim-statement PAYER</code>.</p>

{% set u = d.ai_unknown %}
<h2>AI compensation that could not be worked out</h2>
{% if not u.recorded %}
<p class="small">The consent registry has not posted AI compensation yet, so there is nothing it could not price.</p>
{% elif not u['count'] %}
<p class="small">None: the consent registry priced every AI use and session{{ ' of ' ~ d.payer if d.payer else '' }}
{% if u.run_id %} (compensation run {{ u.run_id }}){% endif %}.
{% if u.other_producers %}{{ "{:,}".format(u.other_producers) }} could not be priced for other producers (see the
report for all payers).{% endif %}{{ u.warning }}</p>
{% else %}
<p class="small">{{ "{:,}".format(u['count']) }} AI {{ 'use or session' if u['count'] == 1 else 'uses and sessions' }}
could not be priced{% if u.run_id %} in compensation run {{ u.run_id }} ({{ u.stored_at }}){% endif %}: no amount for
them is owed in the ledger, so the audit cannot check them until the missing facts are recorded in the consent
registry and the compensation is posted again (<code>greenroom consent compensation --post</code>).
{% if u.more %}The first {{ u.rows|length }} are listed; {{ "{:,}".format(u.more) }} more are not shown.{% endif %}
{% if u.other_producers %}{{ "{:,}".format(u.other_producers) }} more are for other producers (see the report for all
payers).{% endif %}{{ u.warning }}</p>
<table><tr><th>performer</th><th>project</th><th>title</th><th>producer</th><th>use or session</th>
<th>what is missing / why</th></tr>
{% for r in u.rows %}<tr><td>{{ r.performer_id }}</td><td>{{ r.project }}</td><td>{{ r.title }}</td>
<td>{{ r.producer }}</td><td>{{ r.subject_id }}</td><td class="small">{{ r.reason }}</td></tr>
{% endfor %}</table>
{% endif %}

<h2>Remittance files and rows not loaded</h2>
<table><tr><th>file</th><th>payer</th><th>status</th><th class="n">rows read</th><th class="n">matched</th>
<th class="n">queued</th><th class="n">rejected</th><th class="n">duplicates</th></tr>
{% for f in d.files %}<tr><td>{{ f.file }}</td><td>{{ f.payer }}</td><td>{{ f.status }}</td>
<td class="n">{{ "{:,}".format(f.rows_read) }}</td><td class="n">{{ "{:,}".format(f.matched) }}</td>
<td class="n">{{ "{:,}".format(f.queued) }}</td><td class="n">{{ "{:,}".format(f.rejected) }}</td>
<td class="n">{{ "{:,}".format(f.duplicates) }}</td></tr>
{% else %}<tr><td colspan="8">no remittance files loaded</td></tr>{% endfor %}</table>
<table><tr><th>payer</th><th>not loaded</th><th>status</th><th class="n">rows</th><th>for example</th></tr>
{% for h in d.held %}<tr><td>{{ h.payer }}</td><td>{{ h.disposition }}</td><td>{{ h.status }}</td>
<td class="n">{{ "{:,}".format(h.rows) }}</td><td class="small">{{ h.examples|join('; ') }}</td></tr>
{% else %}<tr><td colspan="5">every row read was loaded</td></tr>{% endfor %}</table>
<p class="small">Nothing is dropped: queued rows wait for a person (<code>greenroom audit queue</code>), rejected
rows need a corrected file from the payer, duplicates were already loaded (<code>greenroom audit queue --all</code>).
</p>

<h2>Titles not balancing</h2>
<p class="small">{{ "{:,}".format(d.titles_not_balancing) }} titles have at least one balance outside tolerance;
{% if d.titles_not_balancing > d.titles|length %}the {{ d.titles|length }} furthest short are listed.
{% else %}all are listed.{% endif %}</p>
<table><tr><th>payer</th><th>title</th><th>name</th><th class="n">owed</th><th class="n">paid</th>
<th class="n">difference</th><th class="n">P&amp;H difference</th><th class="n">keys not balancing</th></tr>
{% for r in d.titles %}
<tr><td>{{ r.payer }}</td><td>{{ r.title_id }}</td><td>{{ r.name or '' }}</td>
<td class="n">{{ r.owed_cents|money }}</td>
<td class="n">{{ r.paid_cents|money }}</td><td class="n">{{ r.difference_cents|money }}</td>
<td class="n">{{ r.ph_difference_cents|money }}</td><td class="n">{{ r.keys_not_ok }}</td></tr>
{% endfor %}
</table>
</body></html>
"""


def render_audit_report_html(data: dict[str, Any]) -> str:
    """The HTML page for audit_report_data's result."""
    svgs = {name: charts.to_svg(fig) for name, fig in charts.figures(data["charts"]).items()}
    return render_html(_TEMPLATE, d=data, svgs=svgs)


def audit_report_html(settings: Settings, payer: str | None = None) -> str:
    """The audit report (all payers, or one) as a self-contained HTML page."""
    return render_audit_report_html(audit_report_data(settings, payer))
