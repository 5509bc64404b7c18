"""Audit findings: filter, read the evidence and history, claim and resolve; payer and findings reports."""

from __future__ import annotations

import csv
import io
from collections import Counter
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Form, HTTPException, Query, Request
from fastapi.responses import RedirectResponse, Response
from pydantic import BaseModel
from sqlalchemy import func, select

from greenroom.accounts.models import User
from greenroom.accounts.roles import Permission
from greenroom.audit.findings import TYPES
from greenroom.audit.models import STATUSES, Finding
from greenroom.audit.reports import findings_report, payer_report
from greenroom.audit.workflow import WorkflowError, claim, get_finding, history, resolve
from greenroom.web.charts import bar_chart
from greenroom.web.routes.staff import findings_by_type
from greenroom.web.security import audit_read, require, state
from greenroom.web.templating import render

router = APIRouter(tags=["audit"])
PAGE = 100


def finding_dict(f: Finding) -> dict[str, Any]:
    """A finding for the API."""
    return {"id": f.id, "type": f.type, "payer": f.payer, "title_id": f.title_id, "performer_id": f.performer_id,
            "market": f.market, "period_start": f.period_start, "period_end": f.period_end,
            "owed_cents": f.owed_cents, "paid_cents": f.paid_cents, "difference_cents": f.difference_cents,
            "owed_ph_cents": f.owed_ph_cents, "paid_ph_cents": f.paid_ph_cents,
            "ph_difference_cents": f.ph_difference_cents, "interest_cents": f.interest_cents, "summary": f.summary,
            "status": f.status, "resolution": f.resolution, "claimed_by": f.claimed_by, "resolved_by": f.resolved_by}


def _list(request: Request, user: User, type_: str | None, status: str | None, payer: str | None,
          performer: str | None, page: int) -> dict[str, Any]:
    if type_ and type_ not in TYPES:
        raise HTTPException(400, f"type must be one of {', '.join(TYPES)}")
    if status and status not in STATUSES:
        raise HTTPException(400, f"status must be one of {', '.join(STATUSES)}")
    stmt = select(Finding)
    count = select(func.count(Finding.id))
    for col, val in ((Finding.type, type_), (Finding.status, status), (Finding.payer, payer),
                     (Finding.performer_id, performer)):
        if val:
            stmt, count = stmt.where(col == val), count.where(col == val)
    with state(request).sessions() as s:
        rows = list(s.scalars(stmt.order_by(Finding.id).limit(PAGE).offset((page - 1) * PAGE)))
        total = int(s.scalar(count) or 0)
        payers = [p for p in s.scalars(select(Finding.payer).distinct().order_by(Finding.payer)) if p]
    audit_read(request, user, dict(Counter(f.performer_id for f in rows)),
               f"findings list ({request.url.query or 'no filter'})")
    return {"findings": rows, "total": total, "page": page, "pages": max(1, -(-total // PAGE)), "payers": payers}


@router.get("/staff/findings", include_in_schema=False)
def findings_page(request: Request, type: str | None = None, status: str | None = "open", payer: str | None = None,
                  performer: str | None = None, page: int = Query(1, ge=1),
                  user: User = Depends(require(Permission.audit))) -> Response:
    """Findings with filters and a chart of findings by type."""
    data = _list(request, user, type or None, status or None, payer or None, performer or None, page)
    chart = bar_chart(findings_by_type(request, status or None), f"Findings by type ({status or 'any status'})")
    return render(request, "staff/findings.html", chart=chart, types=TYPES, statuses=STATUSES,
                  f={"type": type or "", "status": status or "", "payer": payer or "", "performer": performer or ""},
                  **data)


@router.get("/api/findings")
def api_findings(request: Request, type: str | None = None, status: str | None = None, payer: str | None = None,
                 performer: str | None = None, page: int = Query(1, ge=1),
                 user: User = Depends(require(Permission.audit))) -> dict[str, Any]:
    """Findings filtered by type, status, payer and performer (100 a page)."""
    data = _list(request, user, type, status, payer, performer, page)
    return {**data, "findings": [finding_dict(f) for f in data["findings"]]}


def _one(request: Request, user: User, finding_id: int) -> tuple[Finding, list[Any]]:
    sessions = state(request).sessions
    f = get_finding(sessions, finding_id)
    if f is None:
        raise HTTPException(404, f"no finding {finding_id}")
    audit_read(request, user, {f.performer_id: 1}, f"finding {finding_id}")
    return f, history(sessions, finding_id)


@router.get("/staff/findings/{finding_id}", include_in_schema=False)
def finding_page(request: Request, finding_id: int, msg: str | None = None,
                 user: User = Depends(require(Permission.audit))) -> Response:
    """One finding: evidence, history, and the workflow buttons."""
    f, events = _one(request, user, finding_id)
    return render(request, "staff/finding.html", f=f, events=events, message=msg)


@router.get("/api/findings/{finding_id}")
def api_finding(request: Request, finding_id: int,
                user: User = Depends(require(Permission.audit))) -> dict[str, Any]:
    """One finding with its evidence and history."""
    f, events = _one(request, user, finding_id)
    return {**finding_dict(f), "evidence": f.evidence,
            "history": [{"at": e.at, "by": e.by, "from_status": e.from_status, "to_status": e.to_status,
                         "resolution": e.resolution, "note": e.note} for e in events]}


class Step(BaseModel):
    """A workflow step: claim, or resolve as recovered or waived, with a note."""

    action: str
    note: str = ""


def _step(request: Request, user: User, finding_id: int, action: str, note: str) -> Finding:
    sessions = state(request).sessions
    try:
        if action == "claim":
            return claim(sessions, finding_id, user.username, note)
        if action in ("recovered", "waived"):
            return resolve(sessions, finding_id, user.username, waived=action == "waived", note=note)
    except WorkflowError as exc:
        raise HTTPException(404 if "no finding" in str(exc) else 409, str(exc)) from None
    raise HTTPException(400, "action must be claim, recovered or waived")


@router.post("/api/findings/{finding_id}")
def api_step(request: Request, finding_id: int, step: Step,
             user: User = Depends(require(Permission.audit))) -> dict[str, Any]:
    """Claim a finding, or resolve it as recovered or waived."""
    return finding_dict(_step(request, user, finding_id, step.action, step.note))


@router.post("/staff/findings/{finding_id}", include_in_schema=False)
def form_step(request: Request, finding_id: int, action: Annotated[str, Form()], note: Annotated[str, Form()] = "",
              user: User = Depends(require(Permission.audit))) -> Response:
    """The same step from the finding's page."""
    f = _step(request, user, finding_id, action, note)
    done = "claimed" if action == "claim" else f"resolved ({f.resolution})"
    return RedirectResponse(f"/staff/findings/{finding_id}?msg={done}", status_code=303)


@router.get("/staff/reports", include_in_schema=False)
def reports_page(request: Request, user: User = Depends(require(Permission.audit))) -> Response:
    """Owed against paid per payer, and findings by type, payer and status."""
    return render(request, "staff/reports.html", payers=payer_report(state(request).settings),
                  findings=findings_report(state(request).settings))


@router.get("/api/reports/payers")
def api_payers(request: Request, user: User = Depends(require(Permission.audit))) -> list[dict[str, Any]]:
    """Per payer: owed, paid, difference, keys checked, open findings by type."""
    return payer_report(state(request).settings)


@router.get("/api/reports/findings.csv")
def findings_csv(request: Request, user: User = Depends(require(Permission.audit))) -> Response:
    """Findings counted by type, payer and status, as CSV."""
    rows = findings_report(state(request).settings)
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=["type", "payer", "status", "findings", "difference_cents",
                                             "ph_difference_cents", "interest_cents"])
    writer.writeheader()
    writer.writerows(rows)
    return Response(out.getvalue(), media_type="text/csv",
                    headers={"Content-Disposition": 'attachment; filename="findings-report.csv"'})
