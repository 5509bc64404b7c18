"""Claim statements: what the union claims from one payer, line by line with the evidence, approved before it is final.

A statement is built from the payer's findings (claimed ones by default) and stored as a draft: its
content (every line, its evidence and the totals) is frozen as JSON with its SHA-256. A staff member
approves it; the approval records who, when and the hash of the content approved. Only a statement
whose current content has that hash, i.e. unchanged since it was approved, exports as final.
Refreshing a statement from the findings writes a new revision when anything changed, and that
revision needs its own approval. Drafts export with a DRAFT watermark (PDF, HTML) or status (CSV).

Each finding claims only its own part of a key's difference, so a key with several findings (say
underpaid and late) is never claimed twice: see CLAIM_PARTS.
"""

from __future__ import annotations

import csv
import hashlib
import io
import json
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select

from greenroom.audit import findings as ft
from greenroom.audit.models import APPROVED, CLAIMED, DRAFT, ClaimApproval, ClaimStatement, Finding
from greenroom.audit.render import ReportPDF, latin1, money, now, render_html
from greenroom.audit.reports import NO_PAYER, last_run
from greenroom.audit.workflow import query_findings
from greenroom.config import Settings
from greenroom.ingest.models import utcnow
from greenroom.residuals.explain import explain_line, plain_words
from greenroom.store import analytics
from greenroom.store.db import session_factory

FORMATS = ("pdf", "html", "csv")
BOTH, PERFORMER_ONLY, PH_ONLY, INTEREST_ONLY = "both", "performer", "ph", "interest"
CLAIM_PARTS = {
    ft.MISSING: BOTH, ft.DUPLICATE: BOTH, ft.OLD_RATE: BOTH, ft.WRONG_PERFORMER: BOTH, ft.WRONG_TITLE: BOTH,
    ft.UNDERPAID: PERFORMER_ONLY, ft.OVERPAID: PERFORMER_ONLY, ft.PH_SHORT: PH_ONLY, ft.LATE: INTEREST_ONLY,
}
"""Which part of its key's difference a finding of each type claims (plus its interest).

underpaid/overpaid claim the performer's difference, and a P&H overpayment on the same key as a credit
(a P&H shortfall there is its own ph_short finding); ph_short claims the P&H difference; late_payment
claims its interest only (a shortfall on the same key is its own finding); the others claim both.
"""


class ClaimError(ValueError):
    """A claim statement step that is refused (nothing to claim, not approved, changed since approval...)."""


@dataclass(frozen=True)
class StatementInfo:
    """A stored statement with its state: draft, or approved (by whom, when) for its current content."""

    id: int
    payer: str
    revision: int
    lines: int
    total_cents: int
    content_hash: str
    created_by: str
    created_at: str
    status: str
    approved_by: str | None
    approved_at: str | None
    content: dict[str, Any]


def content_hash(content: dict[str, Any]) -> str:
    """SHA-256 of the content as canonical JSON (sorted keys, no spaces)."""
    text = json.dumps(content, sort_keys=True, separators=(",", ":"), default=str, ensure_ascii=False)
    return hashlib.sha256(text.encode()).hexdigest()


def claim_parts(f: Finding) -> tuple[int, int, int]:
    """(performer cents, P&H cents, interest cents) a finding claims; negative cents are a credit to the payer."""
    part = CLAIM_PARTS.get(f.type, BOTH)
    amount = ph = 0
    if part == BOTH:
        amount, ph = f.difference_cents, f.ph_difference_cents
    elif part == PERFORMER_ONLY:
        amount, ph = f.difference_cents, min(f.ph_difference_cents, 0)
    elif part == PH_ONLY:
        ph = f.ph_difference_cents
    return amount, ph, f.interest_cents


def _explanations(settings: Settings, line_ids: set[str]) -> dict[str, str]:
    """Each owed line in plain words, as `greenroom residuals explain` prints it."""
    out: dict[str, str] = {}
    if not line_ids:
        return out
    with analytics.connect(settings) as con:
        for line_id in sorted(line_ids):
            try:
                out[line_id] = plain_words(explain_line(con, line_id))
            except (KeyError, LookupError) as exc:
                out[line_id] = f"not in the current engine run ({exc}); see the ledger entries in the evidence"
    return out


def _titles(settings: Settings, title_ids: set[str]) -> dict[str, str]:
    if not title_ids:
        return {}
    with analytics.connect(settings) as con:
        try:
            return dict(con.execute("SELECT title_id, name FROM titles WHERE title_id IN (SELECT unnest(?))",
                                    [sorted(title_ids)]).fetchall())
        except Exception:  # noqa: BLE001 - no titles table yet: names are only a convenience
            return {}


def build_content(settings: Settings, payer: str, statuses: tuple[str, ...] = (CLAIMED,)) -> dict[str, Any]:
    """The statement's content from the payer's findings of these statuses: lines, evidence, totals."""
    sessions = session_factory(settings)
    findings = [f for status in statuses
                for f in query_findings(sessions, payer=None if payer == NO_PAYER else payer, status=status)
                if (f.payer or NO_PAYER) == payer]
    findings.sort(key=lambda f: f.id)
    line_ids = {ln["line_id"] for f in findings for ln in f.evidence.get("owed", {}).get("lines", [])}
    explained = _explanations(settings, line_ids)
    names = _titles(settings, {f.title_id for f in findings})
    lines = []
    totals = {"amount_cents": 0, "ph_cents": 0, "interest_cents": 0, "claim_cents": 0}
    for f in findings:
        amount, ph, interest = claim_parts(f)
        claim = amount + ph + interest
        for k, v in (("amount_cents", amount), ("ph_cents", ph), ("interest_cents", interest),
                     ("claim_cents", claim)):
            totals[k] += v
        owed_lines = f.evidence.get("owed", {}).get("lines", [])
        lines.append({
            "finding_id": f.id, "type": f.type, "summary": f.summary, "status": f.status,
            "title_id": f.title_id, "title": names.get(f.title_id), "performer_id": f.performer_id,
            "market": f.market, "period_start": f.period_start.isoformat(), "period_end": f.period_end.isoformat(),
            "owed_cents": f.owed_cents, "paid_cents": f.paid_cents, "difference_cents": f.difference_cents,
            "owed_ph_cents": f.owed_ph_cents, "paid_ph_cents": f.paid_ph_cents,
            "ph_difference_cents": f.ph_difference_cents,
            "claim_amount_cents": amount, "claim_ph_cents": ph, "interest_cents": interest, "claim_cents": claim,
            "evidence": f.evidence,
            "explanations": {ln["line_id"]: explained.get(ln["line_id"], "") for ln in owed_lines},
        })
    run = last_run(settings)
    return {"payer": payer, "statuses": list(statuses), "as_of": run.as_of.isoformat() if run else None,
            "lines": lines, "totals": totals}


def _info(s: Any, st: ClaimStatement) -> StatementInfo:
    approval = _valid_approval(s, st)
    return StatementInfo(st.id, st.payer, st.revision, st.lines, st.total_cents, st.content_hash, st.created_by,
                         st.created_at.isoformat(), APPROVED if approval else DRAFT,
                         approval.approved_by if approval else None,
                         approval.approved_at.isoformat() if approval else None, st.content)


def _valid_approval(s: Any, st: ClaimStatement) -> ClaimApproval | None:
    """The approval of exactly this content, if any (the content is rehashed: edits anywhere show)."""
    current = content_hash(st.content)
    if current != st.content_hash:
        return None
    return s.scalars(select(ClaimApproval).where(ClaimApproval.statement_id == st.id,
                                                 ClaimApproval.content_hash == current)
                     .order_by(ClaimApproval.id.desc()).limit(1)).first()


def create_claim_statement(settings: Settings, payer: str, by: str,
                           statuses: tuple[str, ...] = (CLAIMED,)) -> StatementInfo:
    """A new draft statement of the payer's findings (claimed ones by default); refused when there are none."""
    content = build_content(settings, payer, statuses)
    if not content["lines"]:
        raise ClaimError(f"no {' or '.join(statuses)} findings for payer {payer!r}: nothing to claim "
                         "(claim findings first: greenroom audit claim ID --by NAME)")
    sessions = session_factory(settings)
    run = last_run(settings)
    with sessions.begin() as s:
        st = ClaimStatement(payer=payer, statuses=list(statuses), as_of=run.as_of if run else None,
                            run_id=run.id if run else None, content=content, content_hash=content_hash(content),
                            revision=1, lines=len(content["lines"]), total_cents=content["totals"]["claim_cents"],
                            created_by=by, created_at=utcnow(), updated_at=utcnow())
        s.add(st)
        s.flush()
        return _info(s, st)


def refresh_claim_statement(settings: Settings, statement_id: int) -> tuple[StatementInfo, bool]:
    """Rebuild a statement from the current findings; a change makes a new revision (unapproved). (info, changed)."""
    sessions = session_factory(settings)
    with sessions() as s:
        st = _get(s, statement_id)
        payer, statuses = st.payer, tuple(st.statuses)
    content = build_content(settings, payer, statuses)
    digest = content_hash(content)
    run = last_run(settings)
    with sessions.begin() as s:
        st = _get(s, statement_id)
        changed = digest != st.content_hash
        if changed:
            st.content, st.content_hash, st.revision = content, digest, st.revision + 1
            st.lines, st.total_cents = len(content["lines"]), content["totals"]["claim_cents"]
            st.as_of, st.run_id, st.updated_at = (run.as_of if run else None), (run.id if run else None), utcnow()
        s.flush()
        return _info(s, st), changed


def approve_claim_statement(settings: Settings, statement_id: int, by: str, note: str = "") -> StatementInfo:
    """Record that `by` approved the statement's current content (pinned to its hash)."""
    if not by.strip():
        raise ClaimError("an approval needs the name of the staff member approving")
    with session_factory(settings).begin() as s:
        st = _get(s, statement_id)
        digest = content_hash(st.content)
        if digest != st.content_hash:
            raise ClaimError(f"statement {statement_id}'s content does not match its recorded hash: it was changed "
                             "outside greenroom; refresh it (greenroom audit claim-statement refresh ID) first")
        s.add(ClaimApproval(statement_id=st.id, revision=st.revision, content_hash=digest, approved_by=by,
                            approved_at=utcnow(), note=note))
        s.flush()
        return _info(s, st)


def get_claim_statement(settings: Settings, statement_id: int) -> StatementInfo:
    """One statement with its current state."""
    with session_factory(settings)() as s:
        return _info(s, _get(s, statement_id))


def list_claim_statements(settings: Settings, payer: str | None = None) -> list[StatementInfo]:
    """Statements (of one payer, or all), newest first, with their state."""
    stmt = select(ClaimStatement).order_by(ClaimStatement.id.desc())
    if payer is not None:
        stmt = stmt.where(ClaimStatement.payer == payer)
    with session_factory(settings)() as s:
        return [_info(s, st) for st in s.scalars(stmt)]


def approvals(settings: Settings, statement_id: int) -> list[ClaimApproval]:
    """Every approval a statement has had (of any revision), oldest first."""
    with session_factory(settings)() as s:
        return list(s.scalars(select(ClaimApproval).where(ClaimApproval.statement_id == statement_id)
                              .order_by(ClaimApproval.id)))


def _get(s: Any, statement_id: int) -> ClaimStatement:
    st = s.get(ClaimStatement, statement_id)
    if st is None:
        raise ClaimError(f"no claim statement {statement_id}")
    return st


def export_claim_statement(settings: Settings, statement_id: int, fmt: str = "pdf", final: bool = False) -> bytes:
    """The statement as PDF, HTML or CSV bytes: final only when its current content is approved, else DRAFT."""
    if fmt not in FORMATS:
        raise ClaimError(f"unknown format {fmt!r}: one of {', '.join(FORMATS)}")
    info = get_claim_statement(settings, statement_id)
    if final and info.status != APPROVED:
        history = approvals(settings, statement_id)
        if not history:
            raise ClaimError(f"statement {statement_id} is a draft: it has not been approved "
                             f"(greenroom audit claim-statement approve {statement_id} --by NAME)")
        last = history[-1]
        raise ClaimError(f"statement {statement_id} changed since {last.approved_by} approved revision "
                         f"{last.revision} on {last.approved_at:%Y-%m-%d %H:%M}; it needs a new approval")
    draft = info.status != APPROVED
    if fmt == "csv":
        return claim_statement_csv(info, draft).encode()
    if fmt == "html":
        return claim_statement_html(info, draft).encode()
    return claim_statement_pdf(info, draft)


def _state_line(info: StatementInfo, draft: bool) -> str:
    if draft:
        return "DRAFT - not approved; not a claim until approved by a staff member"
    return f"FINAL - approved by {info.approved_by} at {info.approved_at}; content sha256 {info.content_hash}"


CSV_COLUMNS = ("statement_id", "revision", "status", "finding_id", "type", "payer", "title_id", "title",
               "performer_id", "market", "period_start", "period_end", "owed_cents", "paid_cents",
               "difference_cents", "owed_ph_cents", "paid_ph_cents", "ph_difference_cents", "claim_amount_cents",
               "claim_ph_cents", "interest_cents", "claim_cents", "owed_lines", "paid_rows", "summary")


def claim_statement_csv(info: StatementInfo, draft: bool) -> str:
    """One row per line, then a TOTAL row; every row carries the statement's status (DRAFT or FINAL ...)."""
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n")
    w.writerow(CSV_COLUMNS)
    state = _state_line(info, draft)
    c = info.content
    for ln in c["lines"]:
        ev = ln["evidence"]
        rows = ev.get("paid", {}).get("rows", []) or ev.get("paid_as", {}).get("rows", [])
        w.writerow([info.id, info.revision, state, ln["finding_id"], ln["type"], c["payer"], ln["title_id"],
                    ln["title"] or "", ln["performer_id"], ln["market"], ln["period_start"], ln["period_end"],
                    ln["owed_cents"], ln["paid_cents"], ln["difference_cents"], ln["owed_ph_cents"],
                    ln["paid_ph_cents"], ln["ph_difference_cents"], ln["claim_amount_cents"], ln["claim_ph_cents"],
                    ln["interest_cents"], ln["claim_cents"],
                    ";".join(x["line_id"] for x in ev.get("owed", {}).get("lines", [])),
                    ";".join(f"{r['file']}:{r['row']}:{r['check']}" for r in rows), ln["summary"]])
    t = c["totals"]
    w.writerow([info.id, info.revision, state, "TOTAL", "", c["payer"], *[""] * 12, t["amount_cents"],
                t["ph_cents"], t["interest_cents"], t["claim_cents"], "", "", f"{len(c['lines'])} lines"])
    return buf.getvalue()


_HTML = """<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8">
<title>Claim statement {{ i.id }} — {{ c.payer }}{{ ' (DRAFT)' if draft else '' }}</title>
<style>{{ style }}</style></head><body>
{% if draft %}<div class="watermark">DRAFT</div>{% endif %}
<h1>Claim statement {{ i.id }} to {{ c.payer }}</h1>
<p><span class="status {{ 'draft' if draft else 'final' }}">{{ state }}</span></p>
<p class="meta">Revision {{ i.revision }}, made by {{ i.created_by }} at {{ i.created_at }}; findings
{{ c.statuses|join(', ') }} as of {{ c.as_of or '-' }}. Content SHA-256 <code>{{ i.content_hash }}</code>.
Exported {{ exported }}.</p>

<h2>Summary</h2>
<table><tr><th>finding</th><th>type</th><th>title</th><th>performer</th><th>market</th><th>period</th>
<th class="n">performer</th><th class="n">P&amp;H</th><th class="n">interest</th><th class="n">claimed</th></tr>
{% for ln in c.lines %}
<tr><td><a href="#f{{ ln.finding_id }}">{{ ln.finding_id }}</a></td><td>{{ ln.type }}</td>
<td>{{ ln.title or ln.title_id }}</td><td>{{ ln.performer_id }}</td><td>{{ ln.market }}</td>
<td>{{ ln.period_start }}{% if ln.period_end != ln.period_start %} to {{ ln.period_end }}{% endif %}</td>
<td class="n">{{ ln.claim_amount_cents|money }}</td><td class="n">{{ ln.claim_ph_cents|money }}</td>
<td class="n">{{ ln.interest_cents|money }}</td><td class="n">{{ ln.claim_cents|money }}</td></tr>
{% endfor %}
<tr class="total"><td colspan="6">total ({{ c.lines|length }} lines)</td>
<td class="n">{{ c.totals.amount_cents|money }}</td><td class="n">{{ c.totals.ph_cents|money }}</td>
<td class="n">{{ c.totals.interest_cents|money }}</td><td class="n">{{ c.totals.claim_cents|money }}</td></tr>
</table>
<p class="small">Negative amounts are credits to the payer (paid more than owed). Interest is 1% a month under the
agreement, from each line's due date. Each line claims only its own part of its key's difference.</p>

<h2>Lines and their evidence</h2>
{% for ln in c.lines %}{% set ev = ln.evidence %}
<h3 id="f{{ ln.finding_id }}">Finding {{ ln.finding_id }}: {{ ln.type }} — {{ ln.summary }}</h3>
<p class="small">{{ ln.title or '' }} ({{ ln.title_id }}), performer {{ ln.performer_id }}, {{ ln.market }},
{{ ln.period_start }} to {{ ln.period_end }}. Owed {{ ln.owed_cents|money }} + P&amp;H {{ ln.owed_ph_cents|money }};
paid {{ ln.paid_cents|money }} + P&amp;H {{ ln.paid_ph_cents|money }}; difference {{ ln.difference_cents|money }}
+ P&amp;H {{ ln.ph_difference_cents|money }} (tolerance {{ ev.difference.tolerance_cents|money }}).
Claimed: {{ ln.claim_cents|money }}.</p>
<table><tr><th>owed line</th><th>rule</th><th>component</th><th class="n">amount</th><th class="n">P&amp;H</th>
<th>due</th></tr>
{% for o in ev.owed.lines %}<tr><td>{{ o.line_id }}</td><td>{{ o.formula }}</td><td>{{ o.component }}</td>
<td class="n">{{ o.amount_cents|money }}</td><td class="n">{{ o.ph_cents|money }}</td><td>{{ o.due_date or '' }}</td>
</tr>{% endfor %}</table>
{% for o in ev.owed.lines %}<details><summary class="small">How line {{ o.line_id }} was worked out</summary>
<pre>{{ ln.explanations.get(o.line_id, '') }}</pre></details>{% endfor %}
{% set paid_rows = ev.paid.rows if ev.paid.rows else [] %}
{% if ev.paid_as is defined %}<p class="small">Paid instead to: title {{ ev.paid_as.title_id }}, performer
{{ ev.paid_as.performer_id }}, {{ ev.paid_as.market }}.</p>{% set paid_rows = ev.paid_as.rows %}{% endif %}
{% if paid_rows %}<table><tr><th>paid row</th><th>check</th><th>title as written</th><th>match</th>
<th class="n">amount</th><th class="n">P&amp;H</th><th>paid</th></tr>
{% for r in paid_rows %}<tr><td>{{ r.file }} row {{ r.row }}</td><td>{{ r.check }}</td><td>{{ r.title_written }}</td>
<td>{{ r.title_match }}{% if r.title_score %} ({{ '%.0f'|format(r.title_score) }}){% endif %}</td>
<td class="n">{{ r.amount_cents|money }}</td><td class="n">{{ r.ph_cents|money }}</td><td>{{ r.paid_date }}</td></tr>
{% endfor %}</table>{% else %}<p class="small">Nothing was paid on this key.</p>{% endif %}
{% if ev.interest is defined and ev.interest %}<table><tr><th>interest on</th><th>from</th><th>until</th>
<th class="n">months</th><th class="n">rate/month</th><th class="n">interest</th><th>rate from</th></tr>
{% for x in ev.interest %}<tr><td class="n">{{ (x.get('on_cents') or 0)|money }}</td>
<td>{{ x.get('from') or x.get('due_date') or '' }}</td><td>{{ x.get('until') or '' }}</td>
<td class="n">{{ x.get('months') or '' }}</td><td class="n">{{ '%.2f%%'|format((x.get('rate_ppm') or 0) / 10000) }}</td>
<td class="n">{{ (x.get('interest_cents') or 0)|money }}</td><td>{{ x.get('rate_ref') or '' }}</td>
</tr>{% endfor %}</table>{% endif %}
{% endfor %}
</body></html>
"""


def claim_statement_html(info: StatementInfo, draft: bool) -> str:
    """The statement as a self-contained HTML page (watermarked when a draft)."""
    return render_html(_HTML, i=info, c=info.content, draft=draft, state=_state_line(info, draft),
                       exported=now().isoformat())


def claim_statement_pdf(info: StatementInfo, draft: bool) -> bytes:
    """The statement as PDF: summary table with totals, then each line's evidence (watermarked when a draft)."""
    c = info.content
    pdf = ReportPDF(f"Claim statement {info.id} to {c['payer']} (revision {info.revision})", draft=draft)
    pdf.heading(f"Claim statement {info.id} to {c['payer']}", 16)
    pdf.para(_state_line(info, draft), 10, "B")
    pdf.para(f"Revision {info.revision}, made by {info.created_by} at {info.created_at}; findings "
             f"{', '.join(c['statuses'])} as of {c['as_of'] or '-'}. Content SHA-256 {info.content_hash}. "
             f"Exported {now().isoformat()}.", 8)
    pdf.heading("Summary")
    rows: list[list[object]] = [[ln["finding_id"], ln["type"], ln["title"] or ln["title_id"], ln["performer_id"],
                                 ln["market"], ln["period_start"], money(ln["claim_amount_cents"]),
                                 money(ln["claim_ph_cents"]), money(ln["interest_cents"]), money(ln["claim_cents"])]
                                for ln in c["lines"]]
    t = c["totals"]
    rows.append([f"total ({len(c['lines'])} lines)", "", "", "", "", "", money(t["amount_cents"]),
                 money(t["ph_cents"]), money(t["interest_cents"]), money(t["claim_cents"])])
    pdf.grid(["finding", "type", "title", "performer", "market", "period", "performer", "P&H", "interest",
              "claimed"], rows, widths=(18, 30, 70, 20, 26, 20, 22, 22, 20, 25), numeric=(6, 7, 8, 9), bold_last=True)
    pdf.para("Negative amounts are credits to the payer. Interest is 1% a month under the agreement, from each "
             "line's due date. Each line claims only its own part of its key's difference.", 8)
    pdf.add_page()
    pdf.heading("Lines and their evidence")
    for ln in c["lines"]:
        ev = ln["evidence"]
        pdf.heading(f"Finding {ln['finding_id']}: {ln['type']} - {ln['summary']}", 10)
        pdf.para(f"{ln['title'] or ''} ({ln['title_id']}), performer {ln['performer_id']}, {ln['market']}, "
                 f"{ln['period_start']} to {ln['period_end']}. Owed {money(ln['owed_cents'])} + P&H "
                 f"{money(ln['owed_ph_cents'])}; paid {money(ln['paid_cents'])} + P&H {money(ln['paid_ph_cents'])};"
                 f" difference {money(ln['difference_cents'])} + P&H {money(ln['ph_difference_cents'])}. "
                 f"Claimed {money(ln['claim_cents'])}.", 8)
        owed = ev.get("owed", {}).get("lines", [])
        if owed:
            pdf.grid(["owed line", "rule", "component", "amount", "P&H", "due"],
                     [[o["line_id"], o["formula"], o["component"], money(o["amount_cents"]), money(o["ph_cents"]),
                       o["due_date"] or ""] for o in owed], widths=(60, 70, 50, 30, 30, 33), numeric=(3, 4))
        for o in owed:
            text = ln["explanations"].get(o["line_id"], "")
            if text:
                pdf.para(latin1(text), 6.5)
                pdf.ln(1)
        paid = ev.get("paid", {}).get("rows", []) or ev.get("paid_as", {}).get("rows", [])
        if "paid_as" in ev:
            pa = ev["paid_as"]
            pdf.para(f"Paid instead to: title {pa['title_id']}, performer {pa['performer_id']}, {pa['market']}.", 8)
        if paid:
            pdf.grid(["paid row", "check", "title as written", "match", "amount", "P&H", "paid"],
                     [[f"{r['file']} row {r['row']}", r["check"], r["title_written"], r["title_match"],
                       money(r["amount_cents"]), money(r["ph_cents"]), r["paid_date"]] for r in paid],
                     widths=(60, 30, 75, 20, 30, 25, 33), numeric=(4, 5))
        else:
            pdf.para("Nothing was paid on this key.", 8)
        interest = ev.get("interest") or []
        if interest:
            pdf.grid(["interest on", "from", "until", "months", "rate/month", "interest", "rate from"],
                     [[money(x.get("on_cents") or 0), x.get("from") or x.get("due_date") or "", x.get("until") or "",
                       x.get("months") or "", f"{(x.get('rate_ppm') or 0) / 10000:.2f}%",
                       money(x.get("interest_cents") or 0), x.get("rate_ref") or ""] for x in interest],
                     widths=(30, 30, 30, 20, 25, 30, 108), numeric=(0, 3, 4, 5))
    return pdf.to_bytes()
