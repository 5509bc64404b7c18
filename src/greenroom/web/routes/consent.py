"""The consent registry: staff record replicas, consents and uses and see the findings; members see their own.

Uses greenroom.consent's plain functions (docs/consent.md); the registry checks every input and its
ConsentError names the field at fault.
"""

from __future__ import annotations

import datetime as dt
import importlib.util
from collections import Counter
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Form, HTTPException, Request
from fastapi.responses import RedirectResponse, Response
from pydantic import BaseModel

from greenroom.accounts.models import User
from greenroom.accounts.roles import Permission
from greenroom.config import Settings
from greenroom.web.charts import bar_chart
from greenroom.web.security import audit_read, require, require_member, state
from greenroom.web.templating import render

router = APIRouter(tags=["consent"])


def available() -> bool:
    """Whether the consent registry is installed."""
    return importlib.util.find_spec("greenroom.consent") is not None


def member_data(settings: Settings, performer_id: str) -> dict[str, Any] | None:
    """The member's registry record for the data export (None when the registry holds nothing about them)."""
    from greenroom.consent import member_record

    try:
        return member_record(settings, performer_id)
    except LookupError:
        return None


def _error(exc: Exception) -> HTTPException:
    column = getattr(exc, "column", None)
    return HTTPException(400, f"{column}: {exc}" if column else str(exc))


def _findings(request: Request, performer: str | None, type_: str | None, producer: str | None
              ) -> list[dict[str, Any]]:
    from greenroom.consent import list_findings

    found = list_findings(state(request).settings, performer_id=performer or None, type=type_ or None,
                          producer=producer or None)
    return [f.to_dict() for f in found]


@router.get("/staff/consent", include_in_schema=False)
def consent_page(request: Request, performer: str | None = None, type: str | None = None,
                 producer: str | None = None, user: User = Depends(require(Permission.consent_read))) -> Response:
    """Compliance findings with a chart by type, and a form to open a member's record."""
    findings = _findings(request, performer, type, producer)
    audit_read(request, user, dict(Counter(f["performer_id"] for f in findings)), "consent registry findings")
    chart = bar_chart(Counter(f["type"] for f in findings).most_common(), "Consent findings by type")
    return render(request, "staff/consent.html", findings=findings, chart=chart,
                  f={"performer": performer or "", "type": type or "", "producer": producer or ""})


@router.get("/api/consent/findings")
def api_findings(request: Request, performer: str | None = None, type: str | None = None,
                 producer: str | None = None,
                 user: User = Depends(require(Permission.consent_read))) -> list[dict[str, Any]]:
    """Compliance findings, optionally for one performer, of one type or about one producer."""
    findings = _findings(request, performer, type, producer)
    audit_read(request, user, dict(Counter(f["performer_id"] for f in findings)), "consent registry findings")
    return findings


def _record(request: Request, performer_id: str) -> dict[str, Any] | None:
    return member_data(state(request).settings, performer_id)


@router.get("/staff/consent/{performer_id}", include_in_schema=False)
def member_consent_page(request: Request, performer_id: str, msg: str | None = None,
                        user: User = Depends(require(Permission.consent_read))) -> Response:
    """A member's replicas, consents, notices, uses and findings, with forms to record more."""
    from greenroom.consent.rules import AGREEMENTS, REPLICA_KINDS, ROLES

    record = _record(request, performer_id)
    audit_read(request, user, {performer_id: 1}, "consent registry record")
    return render(request, "staff/consent_member.html", performer_id=performer_id, record=record, message=msg,
                  agreements=AGREEMENTS, kinds=REPLICA_KINDS, roles=ROLES, today=dt.date.today().isoformat())


@router.get("/api/consent/members/{performer_id}")
def api_member(request: Request, performer_id: str,
               user: User = Depends(require(Permission.consent_read))) -> dict[str, Any]:
    """Everything the registry holds about a member, and every use of their replicas."""
    record = _record(request, performer_id)
    if record is None:
        raise HTTPException(404, f"the registry holds nothing about performer {performer_id}")
    audit_read(request, user, {performer_id: 1}, "consent registry record")
    return record


class NewReplica(BaseModel):
    """A replica to record."""

    kind: str
    agreement: str
    producer: str
    origin_project: str | None = None
    created_on: dt.date | None = None
    description: str = ""


class NewConsent(BaseModel):
    """A consent to record (projects and media as lists)."""

    replica_id: str
    producer: str
    projects: list[str]
    description: str
    signed_on: dt.date
    term_end: dt.date | None = None
    media: list[str] = []
    real_time: bool = False
    signed_by: str = "performer"


class NewUse(BaseModel):
    """A use of a replica as a producer reports it."""

    replica_id: str
    producer: str
    project: str
    start_date: dt.date
    end_date: dt.date | None = None
    days: int = 0
    medium: str = ""
    description: str = ""
    role: str = "principal"
    rate_cents: int | None = None
    agreed_cents: int | None = None
    notified_at: dt.datetime | None = None  # when the performer was notified of the use (Commercials: 48 h ahead)
    sexual_content: bool = False  # a nude or sexual depiction


def _replica(request: Request, performer_id: str, body: NewReplica) -> dict[str, Any]:
    from greenroom.consent import ConsentError, record_replica
    from greenroom.consent.registry import as_dict

    try:
        return as_dict(record_replica(state(request).settings, performer_id=performer_id,
                                      **body.model_dump()))
    except ConsentError as exc:
        raise _error(exc) from None


def _consent(request: Request, performer_id: str, body: NewConsent) -> dict[str, Any]:
    from greenroom.consent import ConsentError, record_consent
    from greenroom.consent.registry import as_dict

    try:
        return as_dict(record_consent(state(request).settings, performer_id=performer_id, **body.model_dump()))
    except ConsentError as exc:
        raise _error(exc) from None


def _use(request: Request, performer_id: str, body: NewUse) -> dict[str, Any]:
    from greenroom.consent import ConsentError, report_use
    from greenroom.consent.registry import as_dict

    try:
        report = report_use(state(request).settings, performer_id=performer_id, source="web", **body.model_dump())
    except ConsentError as exc:
        raise _error(exc) from None
    return {"use": as_dict(report.use), "status": report.status, "messages": report.messages}


class Withdrawal(BaseModel):
    """Why a reported use is withdrawn (e.g. which of two conflicting reports is right)."""

    reason: str
    on: dt.date | None = None


def _withdraw(request: Request, performer_id: str, use_id: str, body: Withdrawal) -> dict[str, Any]:
    from greenroom.consent import ConsentError, withdraw_use
    from greenroom.consent.registry import as_dict, snapshot

    snap = snapshot(state(request).settings, performer_id)
    if not any(u.use_id == use_id for u in [*snap.uses, *snap.withdrawn]):
        raise HTTPException(404, f"use_id: {performer_id} has no reported use {use_id!r}")
    try:
        return as_dict(withdraw_use(state(request).settings, use_id, body.reason, body.on))
    except ConsentError as exc:
        raise _error(exc) from None


@router.post("/api/consent/members/{performer_id}/uses/{use_id}/withdraw")
def api_withdraw(request: Request, performer_id: str, use_id: str, body: Withdrawal,
                 user: User = Depends(require(Permission.consent_write))) -> dict[str, Any]:
    """Withdraw a reported use (a new event in the log; the report is kept), e.g. one of two conflicting reports."""
    return _withdraw(request, performer_id, use_id, body)


@router.post("/api/consent/members/{performer_id}/replicas")
def api_replica(request: Request, performer_id: str, body: NewReplica,
                user: User = Depends(require(Permission.consent_write))) -> dict[str, Any]:
    """Record a replica of a performer."""
    return _replica(request, performer_id, body)


@router.post("/api/consent/members/{performer_id}/consents")
def api_consent(request: Request, performer_id: str, body: NewConsent,
                user: User = Depends(require(Permission.consent_write))) -> dict[str, Any]:
    """Record a consent (refused without a description of use, projects, or a replica of this performer)."""
    return _consent(request, performer_id, body)


@router.post("/api/consent/members/{performer_id}/uses")
def api_use(request: Request, performer_id: str, body: NewUse,
            user: User = Depends(require(Permission.consent_write))) -> dict[str, Any]:
    """Record a use of a replica as reported by a producer."""
    return _use(request, performer_id, body)


def _split(value: str) -> list[str]:
    return [v.strip() for v in value.replace("\n", ",").split(",") if v.strip()]


def _date(value: str, name: str) -> dt.date | None:
    if not value:
        return None
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise HTTPException(400, f"{name}: {value!r} is not a date (YYYY-MM-DD)") from None


def _back(performer_id: str, message: str) -> Response:
    return RedirectResponse(f"/staff/consent/{performer_id}?msg={message}", status_code=303)


@router.post("/staff/consent/{performer_id}/replicas", include_in_schema=False)
def form_replica(request: Request, performer_id: str, kind: Annotated[str, Form()], agreement: Annotated[str, Form()],
                 producer: Annotated[str, Form()], origin_project: Annotated[str, Form()] = "",
                 description: Annotated[str, Form()] = "",
                 user: User = Depends(require(Permission.consent_write))) -> Response:
    """Record a replica from the member's consent page."""
    made = _replica(request, performer_id, NewReplica(kind=kind, agreement=agreement, producer=producer,
                                                      origin_project=origin_project or None,
                                                      description=description))
    return _back(performer_id, f"replica {made['replica_id']} recorded")


@router.post("/staff/consent/{performer_id}/consents", include_in_schema=False)
def form_consent(request: Request, performer_id: str, replica_id: Annotated[str, Form()],
                 producer: Annotated[str, Form()], projects: Annotated[str, Form()],
                 description: Annotated[str, Form()], signed_on: Annotated[str, Form()],
                 term_end: Annotated[str, Form()] = "", media: Annotated[str, Form()] = "",
                 user: User = Depends(require(Permission.consent_write))) -> Response:
    """Record a consent from the member's consent page."""
    signed = _date(signed_on, "signed_on")
    if signed is None:
        raise HTTPException(400, "signed_on: the date the consent was signed is required")
    made = _consent(request, performer_id, NewConsent(
        replica_id=replica_id, producer=producer, projects=_split(projects), description=description,
        signed_on=signed, term_end=_date(term_end, "term_end"), media=_split(media)))
    return _back(performer_id, f"consent {made['consent_id']} recorded")


@router.post("/staff/consent/{performer_id}/uses", include_in_schema=False)
def form_use(request: Request, performer_id: str, replica_id: Annotated[str, Form()],
             producer: Annotated[str, Form()], project: Annotated[str, Form()], start_date: Annotated[str, Form()],
             end_date: Annotated[str, Form()] = "", days: Annotated[int, Form()] = 0,
             medium: Annotated[str, Form()] = "", role: Annotated[str, Form()] = "principal",
             user: User = Depends(require(Permission.consent_write))) -> Response:
    """Record a reported use from the member's consent page."""
    start = _date(start_date, "start_date")
    if start is None:
        raise HTTPException(400, "start_date: the first day of the use is required")
    made = _use(request, performer_id, NewUse(replica_id=replica_id, producer=producer, project=project,
                                              start_date=start, end_date=_date(end_date, "end_date"), days=days,
                                              medium=medium, role=role))
    return _back(performer_id, f"use {made['use']['use_id']} {made['status'].replace('_', ' ')}")


@router.post("/staff/consent/{performer_id}/withdrawals", include_in_schema=False)
def form_withdraw(request: Request, performer_id: str, use_id: Annotated[str, Form()],
                  reason: Annotated[str, Form()],
                  user: User = Depends(require(Permission.consent_write))) -> Response:
    """Withdraw a reported use from the member's consent page."""
    made = _withdraw(request, performer_id, use_id, Withdrawal(reason=reason))
    return _back(performer_id, f"use {use_id} withdrawn ({made['event_id']})")


@router.get("/me/consents", include_in_schema=False)
def my_consents(request: Request, user: User = Depends(require_member)) -> Response:
    """My replicas, consents and every use of them."""
    assert user.performer_id is not None
    return render(request, "portal/consents.html", record=_record(request, user.performer_id))


@router.get("/api/me/consents")
def api_my_consents(request: Request, user: User = Depends(require_member)) -> dict[str, Any]:
    """My registry record: replicas, consents, notices, every use and whether a consent covered it, findings."""
    assert user.performer_id is not None
    return _record(request, user.performer_id) or {"performer": None, "replicas": [], "consents": [], "uses": [],
                                                   "findings": []}
