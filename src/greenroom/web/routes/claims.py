"""Audit documents: the audit report (PDF, HTML), claim statements with approval, member statements (PDF).

Uses greenroom.audit's report functions (docs/audit.md, "Report data and functions for the web app").
A claim statement lists members' keys, so reading or exporting one is logged for each member on it.
"""

from __future__ import annotations

from collections import Counter
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Form, HTTPException, Query, Request
from fastapi.responses import RedirectResponse, Response
from pydantic import BaseModel

from greenroom.accounts.models import User
from greenroom.accounts.roles import Permission
from greenroom.audit.claims import (
    FORMATS,
    ClaimError,
    StatementInfo,
    approvals,
    approve_claim_statement,
    create_claim_statement,
    export_claim_statement,
    get_claim_statement,
    list_claim_statements,
    refresh_claim_statement,
)
from greenroom.audit.report_html import audit_report_html
from greenroom.audit.report_pdf import audit_report_pdf
from greenroom.audit.statements import StatementError, member_statement_pdf
from greenroom.web.security import audit_read, require, require_member, state
from greenroom.web.templating import render

router = APIRouter(tags=["audit documents"])
# The audit's own HTML documents carry their styles inline; they get a policy that allows only that.
DOCUMENT_CSP = "default-src 'none'; style-src 'unsafe-inline'; img-src data:; frame-ancestors 'none'"
MEDIA = {"pdf": "application/pdf", "html": "text/html; charset=utf-8", "csv": "text/csv; charset=utf-8"}


def _document(body: bytes | str, fmt: str, filename: str, inline: bool = False) -> Response:
    disposition = "inline" if inline else "attachment"
    return Response(body, media_type=MEDIA[fmt], headers={
        "Content-Disposition": f'{disposition}; filename="{filename}"', "Content-Security-Policy": DOCUMENT_CSP})


@router.get("/staff/reports/audit.pdf")
def audit_pdf(request: Request, payer: str | None = None,
              user: User = Depends(require(Permission.audit))) -> Response:
    """The audit report of the last run (all payers, or one) as PDF."""
    return _document(audit_report_pdf(state(request).settings, payer or None), "pdf", "audit-report.pdf")


@router.get("/staff/reports/audit.html")
def audit_html(request: Request, payer: str | None = None,
               user: User = Depends(require(Permission.audit))) -> Response:
    """The same report as a self-contained HTML page."""
    return _document(audit_report_html(state(request).settings, payer or None), "html", "audit-report.html",
                     inline=True)


def info_dict(info: StatementInfo, with_content: bool = False) -> dict[str, Any]:
    """A claim statement's state (and its content on request)."""
    out = {k: getattr(info, k) for k in ("id", "payer", "revision", "lines", "total_cents", "content_hash",
                                          "created_by", "created_at", "status", "approved_by", "approved_at")}
    if with_content:
        out["content"] = info.content
    return out


def _log_lines(request: Request, user: User, info: StatementInfo, what: str) -> None:
    audit_read(request, user, dict(Counter(str(ln["performer_id"]) for ln in info.content.get("lines", []))),
               f"claim statement {info.id} ({info.payer}): {what}")


def _claim_call(fn: Any, *args: Any, **kwargs: Any) -> Any:
    try:
        return fn(*args, **kwargs)
    except ClaimError as exc:
        raise HTTPException(404 if str(exc).startswith("no claim statement") else 409, str(exc)) from None


@router.get("/staff/claims", include_in_schema=False)
def claims_page(request: Request, msg: str | None = None,
                user: User = Depends(require(Permission.audit))) -> Response:
    """Claim statements and the form to draft one for a payer."""
    from greenroom.audit.reports import payer_report

    payers = [r["payer"] for r in payer_report(state(request).settings)]
    return render(request, "staff/claims.html", statements=list_claim_statements(state(request).settings),
                  payers=payers, message=msg)


class NewClaim(BaseModel):
    """A claim statement to draft: the payer, and whether open findings go in too."""

    payer: str
    include_open: bool = False


def _create(request: Request, user: User, payer: str, include_open: bool) -> StatementInfo:
    statuses = ("claimed", "open") if include_open else ("claimed",)
    info: StatementInfo = _claim_call(create_claim_statement, state(request).settings, payer, user.username, statuses)
    return info


@router.get("/api/claims")
def api_claims(request: Request, payer: str | None = None,
               user: User = Depends(require(Permission.audit))) -> list[dict[str, Any]]:
    """Claim statements, newest first, with their state."""
    return [info_dict(i) for i in list_claim_statements(state(request).settings, payer)]


@router.post("/api/claims")
def api_create(request: Request, body: NewClaim, user: User = Depends(require(Permission.audit))) -> dict[str, Any]:
    """Draft a claim statement from the payer's claimed (and, on request, open) findings."""
    return info_dict(_create(request, user, body.payer, body.include_open))


@router.post("/staff/claims", include_in_schema=False)
def form_create(request: Request, payer: Annotated[str, Form()], include_open: Annotated[bool, Form()] = False,
                user: User = Depends(require(Permission.audit))) -> Response:
    """Draft one from the page."""
    info = _create(request, user, payer, include_open)
    return RedirectResponse(f"/staff/claims/{info.id}", status_code=303)


@router.get("/staff/claims/{statement_id}", include_in_schema=False)
def claim_page(request: Request, statement_id: int, msg: str | None = None,
               user: User = Depends(require(Permission.audit))) -> Response:
    """One statement: its lines, totals, approvals, and the approve, refresh and export buttons."""
    info: StatementInfo = _claim_call(get_claim_statement, state(request).settings, statement_id)
    _log_lines(request, user, info, "read")
    return render(request, "staff/claim.html", st=info, approvals=approvals(state(request).settings, statement_id),
                  formats=FORMATS, message=msg)


@router.get("/api/claims/{statement_id}")
def api_claim(request: Request, statement_id: int,
              user: User = Depends(require(Permission.audit))) -> dict[str, Any]:
    """One statement with its content and approvals."""
    info: StatementInfo = _claim_call(get_claim_statement, state(request).settings, statement_id)
    _log_lines(request, user, info, "read")
    out = info_dict(info, with_content=True)
    out["approvals"] = [{"revision": a.revision, "content_hash": a.content_hash, "approved_by": a.approved_by,
                         "approved_at": a.approved_at, "note": a.note}
                        for a in approvals(state(request).settings, statement_id)]
    return out


class Approval(BaseModel):
    """An approval's note."""

    note: str = ""


@router.post("/api/claims/{statement_id}/approve")
def api_approve(request: Request, statement_id: int, body: Approval,
                user: User = Depends(require(Permission.audit))) -> dict[str, Any]:
    """Approve the statement's current content (recorded with its hash)."""
    return info_dict(_claim_call(approve_claim_statement, state(request).settings, statement_id, user.username,
                                 body.note))


@router.post("/api/claims/{statement_id}/refresh")
def api_refresh(request: Request, statement_id: int,
                user: User = Depends(require(Permission.audit))) -> dict[str, Any]:
    """Rebuild from the current findings; a change is a new revision that needs approval."""
    info, changed = _claim_call(refresh_claim_statement, state(request).settings, statement_id)
    return {**info_dict(info), "changed": changed}


@router.post("/staff/claims/{statement_id}", include_in_schema=False)
def form_step(request: Request, statement_id: int, action: Annotated[str, Form()], note: Annotated[str, Form()] = "",
              user: User = Depends(require(Permission.audit))) -> Response:
    """Approve or refresh from the page."""
    if action == "approve":
        api_approve(request, statement_id, Approval(note=note), user)
        msg = "approved"
    elif action == "refresh":
        msg = "refreshed: new revision" if api_refresh(request, statement_id, user)["changed"] else "no change"
    else:
        raise HTTPException(400, "action must be approve or refresh")
    return RedirectResponse(f"/staff/claims/{statement_id}?msg={msg}", status_code=303)


@router.get("/api/claims/{statement_id}/export")
def api_export(request: Request, statement_id: int, fmt: str = Query("pdf"), final: bool = False,
               user: User = Depends(require(Permission.audit))) -> Response:
    """The statement as PDF, HTML or CSV; final=true refuses (409) unless its current content is approved."""
    if fmt not in FORMATS:
        raise HTTPException(400, f"fmt must be one of {', '.join(FORMATS)}")
    body = _claim_call(export_claim_statement, state(request).settings, statement_id, fmt, final)
    info: StatementInfo = _claim_call(get_claim_statement, state(request).settings, statement_id)
    _log_lines(request, user, info, f"exported as {fmt}")
    kind = "final" if final else "draft"
    return _document(body, fmt, f"claim-statement-{statement_id}-r{info.revision}-{kind}.{fmt}")


def _member_pdf(request: Request, performer_id: str) -> Response:
    try:
        body = member_statement_pdf(state(request).settings, performer_id)
    except StatementError as exc:
        raise HTTPException(404, str(exc)) from None
    return _document(body, "pdf", f"statement-{performer_id}.pdf")


@router.get("/me/statement.pdf")
def my_statement_pdf(request: Request, user: User = Depends(require_member)) -> Response:
    """My statement as PDF: every line owed explained, every payment, the difference, open findings."""
    assert user.performer_id is not None
    return _member_pdf(request, user.performer_id)


@router.get("/staff/members/{performer_id}/statement.pdf")
def member_pdf(request: Request, performer_id: str, user: User = Depends(require(Permission.members))) -> Response:
    """A member's statement as PDF (logged for the member)."""
    response = _member_pdf(request, performer_id)
    audit_read(request, user, {performer_id: 1}, "member statement PDF")
    return response
