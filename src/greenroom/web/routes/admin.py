"""Administration: staff accounts, password resets, disabling accounts, the whole access log."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Form, HTTPException, Query, Request
from fastapi.responses import Response
from pydantic import BaseModel

from greenroom.accounts.models import User
from greenroom.accounts.passwords import WeakPassword
from greenroom.accounts.roles import ROLE_LABELS, STAFF_ROLES, Permission, Role
from greenroom.accounts.service import (
    AccountError,
    access_log,
    create_user,
    list_users,
    reset_link,
    set_active,
    user_by_id,
)
from greenroom.web.security import require, state
from greenroom.web.templating import render

router = APIRouter(tags=["admin"])
admin_only = require(Permission.accounts)


def user_dict(u: User) -> dict[str, Any]:
    """An account for the API (never its hash)."""
    return {"id": u.id, "username": u.username, "display_name": u.display_name, "role": u.role,
            "performer_id": u.performer_id, "active": u.active, "has_password": u.password_hash is not None,
            "created_at": u.created_at, "last_login_at": u.last_login_at}


class NewStaff(BaseModel):
    """A staff account to create."""

    username: str
    role: str
    display_name: str = ""
    password: str


def _create(request: Request, admin: User, username: str, role: str, display_name: str, password: str) -> User:
    if role not in {r.value for r in STAFF_ROLES}:
        raise HTTPException(400, f"role must be one of {', '.join(sorted(r.value for r in STAFF_ROLES))}; "
                                 "members are invited from their page")
    try:
        return create_user(state(request).sessions, username, role, display_name=display_name, password=password,
                           created_by=admin.username)
    except (AccountError, WeakPassword) as exc:
        raise HTTPException(409 if "taken" in str(exc) else 400, str(exc)) from None


@router.get("/admin/users", include_in_schema=False)
def users_page(request: Request, msg: str | None = None, user: User = Depends(admin_only)) -> Response:
    """Accounts and the form to create a staff account."""
    return render(request, "admin/users.html", users=list_users(state(request).sessions), message=msg,
                  roles=[(r.value, ROLE_LABELS[r]) for r in Role if r in STAFF_ROLES])


@router.post("/admin/users", include_in_schema=False)
def create_form(request: Request, username: Annotated[str, Form()], role: Annotated[str, Form()],
                password: Annotated[str, Form()], display_name: Annotated[str, Form()] = "",
                user: User = Depends(admin_only)) -> Response:
    """Create a staff account from the form."""
    try:
        made = _create(request, user, username, role, display_name, password)
    except HTTPException as exc:
        return render(request, "admin/users.html", exc.status_code, users=list_users(state(request).sessions),
                      error=exc.detail, roles=[(r.value, ROLE_LABELS[r]) for r in Role if r in STAFF_ROLES])
    return users_page(request, f"created {made.username} ({made.role})", user)


@router.get("/api/admin/users")
def api_users(request: Request, user: User = Depends(admin_only)) -> list[dict[str, Any]]:
    """All accounts."""
    return [user_dict(u) for u in list_users(state(request).sessions)]


@router.post("/api/admin/users")
def api_create(request: Request, body: NewStaff, user: User = Depends(admin_only)) -> dict[str, Any]:
    """Create a staff account (auditor, business_affairs, member_services or admin)."""
    return user_dict(_create(request, user, body.username, body.role, body.display_name, body.password))


def _reset(request: Request, admin: User, user_id: int) -> str:
    target = user_by_id(state(request).sessions, user_id)
    if target is None:
        raise HTTPException(404, f"no account {user_id}")
    token = reset_link(state(request).sessions, target.username, admin.username)
    return str(request.base_url).rstrip("/") + f"/invite/{token}"


@router.post("/api/admin/users/{user_id}/reset")
def api_reset(request: Request, user_id: int, user: User = Depends(admin_only)) -> dict[str, str]:
    """A one-time link (2 days) for the account to set a new password."""
    return {"link": _reset(request, user, user_id)}


@router.post("/admin/users/{user_id}/reset", include_in_schema=False)
def form_reset(request: Request, user_id: int, user: User = Depends(admin_only)) -> Response:
    """The same from the accounts page."""
    return users_page(request, f"reset link (send it to the person; valid 2 days): {_reset(request, user, user_id)}",
                      user)


@router.post("/api/admin/users/{user_id}/active")
def api_active(request: Request, user_id: int, active: bool, user: User = Depends(admin_only)) -> dict[str, Any]:
    """Enable or disable an account (disabling signs it out)."""
    if user_id == user.id and not active:
        raise HTTPException(400, "you cannot disable your own account")
    try:
        set_active(state(request).sessions, user_id, active)
    except AccountError as exc:
        raise HTTPException(404, str(exc)) from None
    target = user_by_id(state(request).sessions, user_id)
    assert target is not None
    return user_dict(target)


@router.post("/admin/users/{user_id}/active", include_in_schema=False)
def form_active(request: Request, user_id: int, active: Annotated[bool, Form()],
                user: User = Depends(admin_only)) -> Response:
    """The same from the accounts page."""
    target = api_active(request, user_id, active, user)
    return users_page(request, f"{target['username']} {'enabled' if active else 'disabled'}", user)


@router.get("/admin/access-log", include_in_schema=False)
def access_page(request: Request, performer: str | None = None, page: int = Query(1, ge=1),
                user: User = Depends(admin_only)) -> Response:
    """Every staff read of member data."""
    entries = access_log(state(request).sessions, performer or None, 200, (page - 1) * 200)
    return render(request, "admin/access_log.html", entries=entries, performer=performer or "", page=page)


@router.get("/api/admin/access-log")
def api_access(request: Request, performer: str | None = None, page: int = Query(1, ge=1),
               user: User = Depends(admin_only)) -> list[dict[str, Any]]:
    """Staff reads of member data, newest first (200 a page)."""
    return [{"at": e.at, "performer_id": e.performer_id, "staff": e.staff_username, "role": e.staff_role,
             "what": e.what, "rows": e.rows, "ip": e.ip}
            for e in access_log(state(request).sessions, performer or None, 200, (page - 1) * 200)]
