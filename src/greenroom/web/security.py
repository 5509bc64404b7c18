"""Who is asking and may they: session cookies, role checks, CSRF tokens and the staff access log."""

from __future__ import annotations

import hashlib
import hmac
import secrets
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import timedelta

from fastapi import Depends, Request
from sqlalchemy.orm import Session, sessionmaker

from greenroom.accounts.models import User
from greenroom.accounts.roles import Permission, Role, allows
from greenroom.accounts.service import IDLE_TIMEOUT, SESSION_TTL, SignedIn, load_session, log_access
from greenroom.config import Settings
from greenroom.web.analytics import SharedAnalytics

SESSION_COOKIE = "greenroom_session"
PRELOGIN_COOKIE = "greenroom_csrf"
CSRF_HEADER = "x-csrf-token"
CSRF_FIELD = "csrf_token"
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})


@dataclass
class WebConfig:
    """How the server runs: cookie security, session lifetimes, upload limits."""

    secure_cookies: bool = False
    session_ttl: timedelta = SESSION_TTL
    idle_timeout: timedelta = IDLE_TIMEOUT
    max_upload_bytes: int = 512 * 1024 * 1024
    duckdb_idle_seconds: float = 3.0
    trusted_proxies: frozenset[str] = field(default_factory=frozenset)


@dataclass
class AppState:
    """What every request needs: settings, sessions, the secret, the shared DuckDB connection."""

    settings: Settings
    sessions: sessionmaker[Session]
    secret: bytes
    config: WebConfig
    analytics: SharedAnalytics


class LoginRequired(Exception):
    """No live session: pages redirect to the sign-in page, the API answers 401."""


class Forbidden(Exception):
    """Signed in, but the role does not allow this."""

    def __init__(self, message: str = "your role does not allow this") -> None:
        super().__init__(message)
        self.message = message


class CsrfFailed(Exception):
    """A state-changing request without the right CSRF token."""


def state(request: Request) -> AppState:
    """The application state."""
    app_state: AppState = request.app.state.greenroom
    return app_state


def client_ip(request: Request) -> str:
    """The client's address (X-Forwarded-For only from a configured proxy)."""
    peer = request.client.host if request.client else "unknown"
    if peer in state(request).config.trusted_proxies:
        forwarded = request.headers.get("x-forwarded-for", "")
        if forwarded:
            return forwarded.split(",")[0].strip()[:64]
    return peer[:64]


def signed_in(request: Request) -> SignedIn | None:
    """The live session behind the request's cookie, if any (looked up once per request)."""
    if hasattr(request.state, "signed_in"):
        cached: SignedIn | None = request.state.signed_in
        return cached
    token = request.cookies.get(SESSION_COOKIE)
    st = state(request)
    result = load_session(st.sessions, st.secret, token, st.config.idle_timeout) if token else None
    request.state.signed_in = result
    return result


def current_user(request: Request) -> User:
    """The signed-in account, or LoginRequired."""
    si = signed_in(request)
    if si is None:
        raise LoginRequired()
    return si.user


def require(permission: Permission) -> Callable[[Request], User]:
    """A dependency: the signed-in account, if its role holds the permission; otherwise 401 or 403."""

    def check(request: Request, user: User = Depends(current_user)) -> User:
        if not allows(user.role, permission):
            raise Forbidden(f"your role ({user.role}) does not allow this page")
        return user

    return check


def require_member(request: Request, user: User = Depends(current_user)) -> User:
    """A dependency: a member account linked to a performer."""
    if user.role != Role.member.value or not user.performer_id:
        raise Forbidden("this page is for members; staff look members up under Members")
    return user


def prelogin_token(request: Request) -> tuple[str, str]:
    """(cookie value, form value) for a page shown before sign-in: the form carries a keyed hash of the cookie."""
    raw: str | None = getattr(request.state, "prelogin_raw", None)
    if raw is None:
        raw = request.cookies.get(PRELOGIN_COOKIE) or secrets.token_urlsafe(24)
        request.state.prelogin_raw = raw
    return raw, hmac.new(state(request).secret, raw.encode(), hashlib.sha256).hexdigest()


def csrf_token(request: Request) -> str:
    """The token a form or API call must send back (the session's, or the pre-sign-in one)."""
    si = signed_in(request)
    return si.session.csrf_token if si else prelogin_token(request)[1]


async def csrf_protect(request: Request) -> None:
    """Every state-changing request carries the CSRF token: header X-CSRF-Token or form field csrf_token."""
    if request.method in SAFE_METHODS:
        return
    sent = request.headers.get(CSRF_HEADER)
    if not sent:
        content_type = request.headers.get("content-type", "")
        if content_type.startswith(("application/x-www-form-urlencoded", "multipart/form-data")):
            form = await request.form()
            value = form.get(CSRF_FIELD)
            sent = value if isinstance(value, str) else None
    if not sent:
        raise CsrfFailed()
    si = signed_in(request)
    if si is not None:
        expected = si.session.csrf_token
    else:
        raw = request.cookies.get(PRELOGIN_COOKIE)
        if not raw:
            raise CsrfFailed()
        expected = hmac.new(state(request).secret, raw.encode(), hashlib.sha256).hexdigest()
    if not hmac.compare_digest(sent.encode(), expected.encode()):
        raise CsrfFailed()


def audit_read(request: Request, user: User, performer_rows: dict[str, int], what: str) -> None:
    """Log a staff read of members' data (performer -> rows shown); members reading their own are not logged."""
    if user.role != Role.member.value and performer_rows:
        log_access(state(request).sessions, user, performer_rows, what, client_ip(request))
