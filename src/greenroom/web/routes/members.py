"""Members for staff: find a performer, see their statement (logged), invite them to the portal."""

from __future__ import annotations

import re
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Form, HTTPException, Request
from fastapi.responses import Response
from pydantic import BaseModel

from greenroom.accounts.models import User
from greenroom.accounts.roles import Permission, allows
from greenroom.accounts.service import AccountError, access_log, invite_member, user_for_performer
from greenroom.audit.reports import member_statement
from greenroom.audit.workflow import query_findings
from greenroom.web import queries
from greenroom.web.security import audit_read, require, state
from greenroom.web.templating import render

router = APIRouter(tags=["members"])


def _search(request: Request, q: str) -> list[dict[str, Any]]:
    if not q.strip():
        return []
    with state(request).analytics.cursor() as con:
        return queries.search_performers(con, q.strip())


@router.get("/staff/members", include_in_schema=False)
def members_page(request: Request, q: str = "", user: User = Depends(require(Permission.members))) -> Response:
    """Find a performer by id or name."""
    rows = _search(request, q)
    return render(request, "staff/members.html", q=q, rows=rows)


@router.get("/api/members")
def api_members(request: Request, q: str, user: User = Depends(require(Permission.members))) -> list[dict[str, Any]]:
    """Performers whose id or name contains q."""
    return _search(request, q)


def member_view(request: Request, user: User, performer_id: str) -> dict[str, Any]:
    """A performer's statement, totals by title and findings; the read is logged for the member to see."""
    st = state(request)
    with st.analytics.cursor() as con:
        if not queries.performer_exists(con, performer_id):
            raise HTTPException(404, f"no performer {performer_id}")
        name = queries.performer_name(con, performer_id)
        titles = queries.grouped(con, performer_id, "title")
    statement = member_statement(st.settings, performer_id)
    findings = query_findings(st.sessions, performer_id=performer_id)
    account = user_for_performer(st.sessions, performer_id)
    audit_read(request, user, {performer_id: len(statement) + len(titles)}, "member record: statement and titles")
    return {"performer_id": performer_id, "name": name, "titles": titles, "statement": statement,
            "findings": findings, "account": account}


@router.get("/staff/members/{performer_id}", include_in_schema=False)
def member_page(request: Request, performer_id: str, user: User = Depends(require(Permission.members))) -> Response:
    """One member's record."""
    data = member_view(request, user, performer_id)
    log = access_log(state(request).sessions, performer_id, 20) if allows(user.role, Permission.accounts) else []
    return render(request, "staff/member.html", log=log, **data)


@router.get("/api/members/{performer_id}")
def api_member(request: Request, performer_id: str,
               user: User = Depends(require(Permission.members))) -> dict[str, Any]:
    """One member's statement, totals by title and findings."""
    data = member_view(request, user, performer_id)
    account = data.pop("account")
    data["findings"] = [{"id": f.id, "type": f.type, "status": f.status, "title_id": f.title_id,
                         "difference_cents": f.difference_cents} for f in data["findings"]]
    data["account"] = {"username": account.username, "active": account.active} if account else None
    return data


class Invite(BaseModel):
    """Who to invite: the performer and the user name they will sign in with."""

    username: str
    display_name: str = ""


def _invite(request: Request, user: User, performer_id: str, username: str, display_name: str) -> dict[str, str]:
    st = state(request)
    with st.analytics.cursor() as con:
        if not queries.performer_exists(con, performer_id):
            raise HTTPException(404, f"no performer {performer_id}")
        name = display_name or queries.performer_name(con, performer_id) or performer_id
    try:
        invited, token = invite_member(st.sessions, performer_id, username, name, user.username)
    except AccountError as exc:
        raise HTTPException(409, str(exc)) from None
    link = str(request.base_url).rstrip("/") + f"/invite/{token}"
    return {"username": invited.username, "performer_id": performer_id, "link": link}


@router.post("/api/members/{performer_id}/invite")
def api_invite(request: Request, performer_id: str, body: Invite,
               user: User = Depends(require(Permission.invite))) -> dict[str, str]:
    """Create the member's account and a one-time link (14 days) to choose a password."""
    return _invite(request, user, performer_id, body.username, body.display_name)


@router.post("/staff/members/{performer_id}/invite", include_in_schema=False)
def form_invite(request: Request, performer_id: str, username: Annotated[str, Form()],
                user: User = Depends(require(Permission.invite))) -> Response:
    """The same from the member's page: shows the link to send."""
    username = re.sub(r"\s+", "", username)
    return render(request, "staff/invited.html", invited=_invite(request, user, performer_id, username, ""))
