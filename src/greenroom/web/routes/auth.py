"""Signing in and out, accepting an invitation, changing one's password, and who am I (API)."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import RedirectResponse, Response

from greenroom.accounts.models import User
from greenroom.accounts.passwords import WeakPassword, verify_password
from greenroom.accounts.roles import GRANTS, Role
from greenroom.accounts.service import (
    AccountError,
    LoginRefused,
    authenticate,
    end_session,
    invitation_user,
    redeem_invitation,
    set_password,
    start_session,
    user_by_id,
)
from greenroom.web.security import (
    PRELOGIN_COOKIE,
    SESSION_COOKIE,
    client_ip,
    current_user,
    prelogin_token,
    signed_in,
    state,
)
from greenroom.web.templating import render

router = APIRouter(tags=["accounts"])


def _safe_next(target: str | None) -> str:
    """Only same-site paths: never redirect to another host after sign-in."""
    if target and target.startswith("/") and not target.startswith("//") and "\\" not in target:
        return target
    return "/"


def _prelogin_page(request: Request, name: str, status_code: int = 200, **context: Any) -> Response:
    raw, _ = prelogin_token(request)
    response = render(request, name, status_code, **context)
    response.set_cookie(PRELOGIN_COOKIE, raw, httponly=True, samesite="strict",
                        secure=state(request).config.secure_cookies, path="/")
    return response


@router.get("/", include_in_schema=False)
def home(request: Request) -> Response:
    """Members to their portal, staff to the console, others to sign in."""
    si = signed_in(request)
    if si is None:
        return RedirectResponse("/login", status_code=303)
    return RedirectResponse("/me" if si.user.role == Role.member.value else "/staff", status_code=303)


@router.get("/login", include_in_schema=False)
def login_page(request: Request, next: str | None = None, msg: str | None = None) -> Response:
    """The sign-in form."""
    if signed_in(request) is not None:
        return RedirectResponse(_safe_next(next), status_code=303)
    return _prelogin_page(request, "login.html", next=_safe_next(next), message=msg)


@router.post("/login", include_in_schema=False)
def login(request: Request, username: Annotated[str, Form()], password: Annotated[str, Form()],
          next: Annotated[str, Form()] = "/") -> Response:
    """Check the credentials (rate-limited per account and per address) and start a session."""
    st = state(request)
    try:
        user = authenticate(st.sessions, username, password, client_ip(request))
    except LoginRefused as exc:
        return _prelogin_page(request, "login.html", 429 if exc.rate_limited else 401, next=_safe_next(next),
                              error=str(exc), username=username)
    token, record = start_session(st.sessions, st.secret, user, client_ip(request),
                                  request.headers.get("user-agent"), st.config.session_ttl)
    response = RedirectResponse(_safe_next(next), status_code=303)
    response.set_cookie(SESSION_COOKIE, token, httponly=True, samesite="lax", secure=st.config.secure_cookies,
                        max_age=int(st.config.session_ttl.total_seconds()), path="/")
    response.delete_cookie(PRELOGIN_COOKIE, path="/")
    return response


@router.post("/logout", include_in_schema=False)
def logout(request: Request) -> Response:
    """End the session."""
    token = request.cookies.get(SESSION_COOKIE)
    if token:
        st = state(request)
        end_session(st.sessions, st.secret, token)
    response = RedirectResponse("/login?msg=signed+out", status_code=303)
    response.delete_cookie(SESSION_COOKIE, path="/")
    return response


@router.get("/invite/{token}", include_in_schema=False)
def invite_page(request: Request, token: str) -> Response:
    """Choose a password from an invitation or reset link."""
    user = invitation_user(state(request).sessions, token)
    if user is None:
        return render(request, "error.html", 404, title="Link not valid",
                      detail="This link is unknown, already used or expired. Ask member services for a new one.")
    return _prelogin_page(request, "invite.html", token=token, invited=user)


@router.post("/invite/{token}", include_in_schema=False)
def invite_accept(request: Request, token: str, password: Annotated[str, Form()],
                  password2: Annotated[str, Form()]) -> Response:
    """Set the password; then sign in."""
    sessions = state(request).sessions
    user = invitation_user(sessions, token)
    if user is None:
        return render(request, "error.html", 404, title="Link not valid",
                      detail="This link is unknown, already used or expired. Ask member services for a new one.")
    if password != password2:
        return _prelogin_page(request, "invite.html", 400, token=token, invited=user,
                              error="the two passwords differ")
    try:
        redeem_invitation(sessions, token, password)
    except (WeakPassword, AccountError) as exc:
        return _prelogin_page(request, "invite.html", 400, token=token, invited=user, error=str(exc))
    return RedirectResponse(f"/login?msg=password+set;+sign+in+as+{user.username}", status_code=303)


@router.get("/account", include_in_schema=False)
def account_page(request: Request, user: User = Depends(current_user), msg: str | None = None) -> Response:
    """One's own account: role, linked performer, change password."""
    return render(request, "account.html", message=msg)


@router.post("/account/password", include_in_schema=False)
def change_password(request: Request, current: Annotated[str, Form()], new: Annotated[str, Form()],
                    new2: Annotated[str, Form()], user: User = Depends(current_user)) -> Response:
    """Change one's password (the current one is asked again); every session ends."""
    sessions = state(request).sessions
    fresh = user_by_id(sessions, user.id)
    if fresh is None or not verify_password(fresh.password_hash, current):
        return render(request, "account.html", 400, error="the current password is wrong")
    if new != new2:
        return render(request, "account.html", 400, error="the two new passwords differ")
    try:
        set_password(sessions, user.id, new)
    except (WeakPassword, AccountError) as exc:
        return render(request, "account.html", 400, error=str(exc))
    response = RedirectResponse("/login?msg=password+changed;+sign+in+again", status_code=303)
    response.delete_cookie(SESSION_COOKIE, path="/")
    return response


@router.get("/api/me")
def api_me(request: Request, user: User = Depends(current_user)) -> dict[str, Any]:
    """The signed-in account, its permissions, and the CSRF token for state-changing calls."""
    si = signed_in(request)
    return {"username": user.username, "display_name": user.display_name, "role": user.role,
            "performer_id": user.performer_id, "permissions": sorted(p.value for p in GRANTS[Role(user.role)]),
            "csrf_token": si.session.csrf_token if si else None,
            "session_expires_at": si.session.expires_at.isoformat() if si else None}
