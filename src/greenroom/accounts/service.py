"""Accounts: create users, sign in with rate limiting, sessions, invitations and the access log.

Tokens handed to browsers (session cookies, invitation links) are random; the database keeps only a
hash of each, so a copy of the database does not let anyone sign in.
"""

from __future__ import annotations

import hashlib
import hmac
import os
import re
import secrets
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session, sessionmaker

from greenroom.accounts.models import AccessLogEntry, Invitation, LoginAttempt, User, WebSession
from greenroom.accounts.passwords import check_policy, hash_password, needs_rehash, verify_password
from greenroom.accounts.roles import Role, parse_role
from greenroom.config import Settings
from greenroom.ingest.models import utcnow

SECRET_FILE = "secret_key"
SESSION_TTL = timedelta(hours=12)
IDLE_TIMEOUT = timedelta(hours=2)
INVITE_TTL = timedelta(days=14)
RESET_TTL = timedelta(days=2)
ATTEMPT_WINDOW = timedelta(minutes=15)
MAX_FAILURES_PER_ACCOUNT = 5
MAX_FAILURES_PER_IP = 30
ATTEMPTS_KEPT = timedelta(days=30)
_USERNAME = re.compile(r"^[A-Za-z0-9._@+-]{2,120}$")


class AccountError(ValueError):
    """An account operation that cannot be done, with the reason in words."""


class LoginRefused(AccountError):
    """A sign-in that failed; rate_limited says whether it was refused without checking the password."""

    def __init__(self, message: str, rate_limited: bool = False) -> None:
        super().__init__(message)
        self.rate_limited = rate_limited


def aware(value: datetime) -> datetime:
    """A timezone-aware UTC datetime (SQLite hands back naive ones)."""
    return value if value.tzinfo is not None else value.replace(tzinfo=UTC)


def secret_key(settings: Settings) -> bytes:
    """GREENROOM_SECRET_KEY, or a key generated once into the data directory (readable by its owner only)."""
    env = os.environ.get("GREENROOM_SECRET_KEY")
    if env:
        return env.encode()
    path = Path(settings.data_dir) / SECRET_FILE
    if not path.exists():
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w") as fh:
            fh.write(secrets.token_hex(32))
    return path.read_text().strip().encode()


def token_digest(secret: bytes, token: str) -> str:
    """A keyed hash of a browser token, as stored in the database."""
    return hmac.new(secret, token.encode(), hashlib.sha256).hexdigest()


def check_username(username: str) -> str:
    """A valid user name (letters, digits and . _ @ + -), lower-cased."""
    if not _USERNAME.match(username):
        raise AccountError(f"user name {username!r} must be 2-120 letters, digits or . _ @ + -")
    return username.lower()


def get_user(sessions: sessionmaker[Session], username: str) -> User | None:
    """The account with this user name, if any."""
    with sessions() as s:
        return s.scalar(select(User).where(User.username == username.lower()))


def user_by_id(sessions: sessionmaker[Session], user_id: int) -> User | None:
    """The account with this id, if any."""
    with sessions() as s:
        return s.get(User, user_id)


def list_users(sessions: sessionmaker[Session], role: str | None = None) -> list[User]:
    """All accounts (optionally of one role), staff first, by name."""
    stmt = select(User).order_by(User.role == Role.member.value, User.username)
    if role:
        stmt = stmt.where(User.role == role)
    with sessions() as s:
        return list(s.scalars(stmt))


def user_for_performer(sessions: sessionmaker[Session], performer_id: str) -> User | None:
    """The member account linked to a performer, if any."""
    with sessions() as s:
        return s.scalar(select(User).where(User.performer_id == performer_id))


def create_user(sessions: sessionmaker[Session], username: str, role: str, *, display_name: str = "",
                password: str | None = None, performer_id: str | None = None, created_by: str = "") -> User:
    """Create an account. Members must be linked to a performer; staff must not be."""
    name = check_username(username)
    r = parse_role(role)
    if r is Role.member and not performer_id:
        raise AccountError("a member account must be linked to a performer id")
    if r is not Role.member and performer_id:
        raise AccountError("only member accounts are linked to a performer")
    if password is not None:
        check_policy(password, name)
    with sessions.begin() as s:
        if s.scalar(select(User.id).where(User.username == name)) is not None:
            raise AccountError(f"user name {name!r} is taken")
        if performer_id and s.scalar(select(User.id).where(User.performer_id == performer_id)) is not None:
            raise AccountError(f"performer {performer_id} already has an account")
        user = User(username=name, display_name=display_name or name, role=r.value, performer_id=performer_id,
                    password_hash=hash_password(password) if password is not None else None, active=True,
                    created_at=utcnow(), created_by=created_by or None,
                    password_changed_at=utcnow() if password is not None else None)
        s.add(user)
        s.flush()
        s.expunge(user)
        return user


def set_password(sessions: sessionmaker[Session], user_id: int, password: str) -> None:
    """Set a new password and sign the account out everywhere."""
    with sessions.begin() as s:
        user = s.get(User, user_id)
        if user is None:
            raise AccountError(f"no account {user_id}")
        check_policy(password, user.username)
        user.password_hash = hash_password(password)
        user.password_changed_at = utcnow()
        s.execute(delete(WebSession).where(WebSession.user_id == user_id))


def set_active(sessions: sessionmaker[Session], user_id: int, active: bool) -> None:
    """Enable or disable an account; disabling signs it out."""
    with sessions.begin() as s:
        user = s.get(User, user_id)
        if user is None:
            raise AccountError(f"no account {user_id}")
        user.active = active
        if not active:
            s.execute(delete(WebSession).where(WebSession.user_id == user_id))


def _failures(s: Session, by_ip: bool, value: str, since: datetime) -> int:
    column = LoginAttempt.ip if by_ip else LoginAttempt.username
    return int(s.scalar(select(func.count(LoginAttempt.id)).where(
        column == value, LoginAttempt.at >= since, LoginAttempt.success.is_(False))) or 0)


def authenticate(sessions: sessionmaker[Session], username: str, password: str, ip: str,
                 now: datetime | None = None) -> User:
    """The account these credentials open, or LoginRefused (too many recent failures, or wrong credentials)."""
    now = now or utcnow()
    name = username.strip().lower()[:120]
    since = now - ATTEMPT_WINDOW
    with sessions.begin() as s:
        if (_failures(s, False, name, since) >= MAX_FAILURES_PER_ACCOUNT
                or _failures(s, True, ip, since) >= MAX_FAILURES_PER_IP):
            limited = True
            user = None
        else:
            limited = False
            user = s.scalar(select(User).where(User.username == name))
            ok = verify_password(user.password_hash if user else None, password)
            if not ok or user is None or not user.active:
                user = None
            s.add(LoginAttempt(username=name, ip=ip, at=now, success=user is not None))
            if user is not None:
                if user.password_hash and needs_rehash(user.password_hash):
                    user.password_hash = hash_password(password)
                user.last_login_at = now
                s.flush()
                s.expunge(user)
    if limited:
        raise LoginRefused("too many failed sign-ins; wait 15 minutes and try again", rate_limited=True)
    if user is None:
        raise LoginRefused("wrong user name or password")
    return user


@dataclass(frozen=True)
class SignedIn:
    """A live session and its account."""

    user: User
    session: WebSession


def start_session(sessions: sessionmaker[Session], secret: bytes, user: User, ip: str | None = None,
                  user_agent: str | None = None, ttl: timedelta = SESSION_TTL) -> tuple[str, WebSession]:
    """A new session for the account: the token for the cookie and the stored record."""
    token = secrets.token_urlsafe(32)
    now = utcnow()
    record = WebSession(token_hash=token_digest(secret, token), user_id=user.id, csrf_token=secrets.token_urlsafe(32),
                        created_at=now, last_seen_at=now, expires_at=now + ttl, ip=ip,
                        user_agent=(user_agent or "")[:300] or None)
    with sessions.begin() as s:
        s.add(record)
        # Old sessions of anyone, and sign-in attempts long past the rate-limit window, go as new sessions start.
        s.execute(delete(WebSession).where(WebSession.expires_at < now))
        s.execute(delete(LoginAttempt).where(LoginAttempt.at < now - ATTEMPTS_KEPT))
        s.flush()
        s.expunge(record)
    return token, record


def load_session(sessions: sessionmaker[Session], secret: bytes, token: str, idle: timedelta = IDLE_TIMEOUT,
                 now: datetime | None = None) -> SignedIn | None:
    """The live session for a cookie token, or None if unknown, expired, idle too long or its account is off."""
    now = now or utcnow()
    digest = token_digest(secret, token)
    with sessions() as s:
        record = s.get(WebSession, digest)
        if record is None:
            return None
        user = s.get(User, record.user_id)
        if (user is None or not user.active or aware(record.expires_at) <= now
                or aware(record.last_seen_at) + idle <= now):
            s.delete(record)
            s.commit()
            return None
        # Touch at most once a minute: every page view need not be a write.
        if now - aware(record.last_seen_at) > timedelta(minutes=1):
            record.last_seen_at = now
            s.commit()
        s.expunge_all()
        return SignedIn(user, record)


def end_session(sessions: sessionmaker[Session], secret: bytes, token: str) -> None:
    """Sign a browser out."""
    with sessions.begin() as s:
        s.execute(delete(WebSession).where(WebSession.token_hash == token_digest(secret, token)))


def _invitation(sessions: sessionmaker[Session], user_id: int, purpose: str, by: str, ttl: timedelta) -> str:
    token = secrets.token_urlsafe(32)
    now = utcnow()
    with sessions.begin() as s:
        s.add(Invitation(token_hash=hashlib.sha256(token.encode()).hexdigest(), user_id=user_id, purpose=purpose,
                         created_by=by, created_at=now, expires_at=now + ttl))
    return token


def invite_member(sessions: sessionmaker[Session], performer_id: str, username: str, display_name: str,
                  by: str) -> tuple[User, str]:
    """Create a member account without a password and an invitation token to choose one."""
    user = create_user(sessions, username, Role.member.value, display_name=display_name, performer_id=performer_id,
                       created_by=by)
    return user, _invitation(sessions, user.id, "invite", by, INVITE_TTL)


def reset_link(sessions: sessionmaker[Session], username: str, by: str) -> str:
    """A one-time token to set a new password for an existing account."""
    user = get_user(sessions, username)
    if user is None:
        raise AccountError(f"no account {username!r}")
    return _invitation(sessions, user.id, "reset", by, RESET_TTL)


def invitation_user(sessions: sessionmaker[Session], token: str, now: datetime | None = None) -> User | None:
    """The account an unused, unexpired invitation or reset token is for."""
    now = now or utcnow()
    with sessions() as s:
        inv = s.scalar(select(Invitation).where(Invitation.token_hash == hashlib.sha256(token.encode()).hexdigest()))
        if inv is None or inv.used_at is not None or aware(inv.expires_at) <= now:
            return None
        return s.get(User, inv.user_id)


def redeem_invitation(sessions: sessionmaker[Session], token: str, password: str) -> User:
    """Set the password an invitation or reset token allows; the token is then used up."""
    user = invitation_user(sessions, token)
    if user is None:
        raise AccountError("this link is unknown, used or expired; ask for a new one")
    set_password(sessions, user.id, password)
    with sessions.begin() as s:
        inv = s.scalar(select(Invitation).where(Invitation.token_hash == hashlib.sha256(token.encode()).hexdigest()))
        if inv is not None:
            inv.used_at = utcnow()
    return user


def log_access(sessions: sessionmaker[Session], staff: User, performer_rows: dict[str, int] | Iterable[str],
               what: str, ip: str | None = None) -> int:
    """Record that a staff account read these performers' data (performer -> rows read). Members are not logged."""
    if staff.role == Role.member.value:
        return 0
    counts = performer_rows if isinstance(performer_rows, dict) else dict.fromkeys(performer_rows, 0)
    if not counts:
        return 0
    now = utcnow()
    with sessions.begin() as s:
        s.add_all(AccessLogEntry(at=now, performer_id=pid, staff_user_id=staff.id, staff_username=staff.username,
                                 staff_role=staff.role, what=what[:2000], rows=int(n), ip=ip)
                  for pid, n in counts.items())
    return len(counts)


def access_log(sessions: sessionmaker[Session], performer_id: str | None = None, limit: int = 200,
               offset: int = 0) -> list[AccessLogEntry]:
    """Staff reads of member data, newest first (optionally of one performer)."""
    stmt = select(AccessLogEntry).order_by(AccessLogEntry.id.desc()).limit(limit).offset(offset)
    if performer_id is not None:
        stmt = stmt.where(AccessLogEntry.performer_id == performer_id)
    with sessions() as s:
        return list(s.scalars(stmt))
