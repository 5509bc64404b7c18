"""The demo's web side: audit the demo union's payments (once) and create demo logins for every role."""

from __future__ import annotations

import secrets
from dataclasses import dataclass

from rich.console import Console
from sqlalchemy import func, select

from greenroom.accounts.models import User
from greenroom.accounts.roles import Role
from greenroom.accounts.service import create_user, set_active, set_password
from greenroom.audit.demo_audit import SAMPLE_DIR, run_demo_audit
from greenroom.audit.models import AuditRun, Finding
from greenroom.config import Settings
from greenroom.store.analytics import connect
from greenroom.store.db import session_factory
from greenroom.web.analytics import has_table

STAFF = (("admin", Role.admin, "Ada Admin"), ("auditor", Role.auditor, "Ray Auditor"),
         ("business", Role.business_affairs, "Bea Business-Affairs"),
         ("services", Role.member_services, "Sam Member-Services"))
MEMBERS = 3


class DemoNotReady(RuntimeError):
    """The demo union has not been generated and computed in this data directory."""


@dataclass(frozen=True)
class Login:
    """A demo login to print."""

    username: str
    password: str
    role: str
    performer_id: str | None
    name: str


def _audited(settings: Settings) -> bool:
    """Whether an audit has run on this data directory's application database."""
    if not settings.data_dir.exists():
        return False
    with session_factory(settings)() as s:
        return bool(s.scalar(select(func.count(AuditRun.id))))


def sample_settings(settings: Settings) -> Settings:
    """Where the demo audits a sample of a large union (greenroom.audit.demo_audit)."""
    sub = settings.data_dir / SAMPLE_DIR
    return Settings(data_dir=sub, database_url=f"sqlite:///{sub / 'app.sqlite3'}")


def demo_settings(settings: Settings, console: Console) -> Settings:
    """The data directory to serve for the demo: the audited one (the union, or the sample the demo audited).

    The demo audits a sample of whole series when the union is large; that sample holds the findings
    and the payments, so the demo serves it. With no audit anywhere, the demo's audit runs first.
    """
    with connect(settings) as con:
        if not has_table(con, "residual_lines"):
            raise DemoNotReady("no residual lines here: run `greenroom demo` first")
    if _audited(settings):
        return settings
    sample = sample_settings(settings)
    if not sample.data_dir.exists() or not _audited(sample):
        run_demo_audit(settings, console)
    if _audited(settings):
        return settings
    if _audited(sample):
        console.print(f"Serving the audited sample of the demo union in {sample.data_dir} (the demo audits whole "
                      "series there, so members see what was paid and auditors see findings).")
        return sample
    raise DemoNotReady("the demo's audit did not record a run; see the messages above")


def seed_consents(settings: Settings, console: Console) -> set[str]:
    """Record the consent registry's demo (once) and return the performers it holds."""
    try:
        from greenroom.consent import ConsentError, seed_demo
        from greenroom.consent.models import Performer
    except ImportError:
        return set()
    try:
        with console.status("recording the consent registry's demo"):
            seed_demo(settings, 7)
        console.print("Recorded demo replicas, consents, notices and uses in the consent registry.")
    except ConsentError:
        pass  # recorded by an earlier start
    with session_factory(settings)() as s:
        return set(s.scalars(select(Performer.performer_id)))


def _demo_members(settings: Settings, consented: set[str] | None = None) -> list[tuple[str, str]]:
    """Performers with many lines and at least one finding, those in the consent registry first."""
    sessions = session_factory(settings)
    with sessions() as s:
        flagged = set(s.scalars(select(Finding.performer_id).distinct()))
    with connect(settings) as con:
        rows = con.execute("""SELECT l.performer_id, COALESCE(any_value(e.performer_name), l.performer_id)
            FROM residual_lines l LEFT JOIN engagements e USING (engagement_id)
            GROUP BY 1 ORDER BY count(*) DESC, 1 LIMIT 200""").fetchall()
    with sessions() as s:
        linked = set(s.scalars(select(User.performer_id).where(User.performer_id.is_not(None))))
    # A performer already linked to another account (say, invited for real) is left alone.
    ranked = [(str(p), str(n)) for p, n in rows if p not in linked or _demo_user(settings, str(p))]
    consented = consented or set()
    chosen = ([r for r in ranked if r[0] in flagged and r[0] in consented]
              + [r for r in ranked if r[0] in flagged and r[0] not in consented])[:MEMBERS]
    return chosen + [r for r in ranked if r not in chosen][:MEMBERS - len(chosen)]


def _demo_user(settings: Settings, performer_id: str) -> bool:
    """Whether the performer's account is the demo's own (named after the performer id)."""
    with session_factory(settings)() as s:
        return s.scalar(select(User.username).where(User.performer_id == performer_id)) == performer_id.lower()


def _ensure(settings: Settings, username: str, role: Role, name: str, performer_id: str | None) -> Login:
    sessions = session_factory(settings)
    password = secrets.token_urlsafe(9)
    with sessions() as s:
        existing = s.scalar(select(User).where(User.username == username))
    if existing is None:
        create_user(sessions, username, role.value, display_name=name, password=password, performer_id=performer_id,
                    created_by="demo")
    else:
        # A new password each time the demo starts: it is printed, so it is never reused.
        set_password(sessions, existing.id, password)
        set_active(sessions, existing.id, True)
    return Login(username, password, role.value, performer_id, name)


def demo_logins(settings: Settings, consented: set[str] | None = None) -> list[Login]:
    """Create (or refresh the passwords of) the demo staff and member accounts."""
    logins = [_ensure(settings, u, r, n, None) for u, r, n in STAFF]
    for pid, name in _demo_members(settings, consented):
        logins.append(_ensure(settings, pid.lower(), Role.member, name, pid))
    return logins


def print_logins(console: Console, url: str, logins: list[Login]) -> None:
    """The URL and the logins, for the demo only."""
    console.print(f"\n[bold green]Greenroom is serving the demo union at {url}[/]")
    console.print("Demo logins (new passwords each start; demo only):")
    for lg in logins:
        who = f"member {lg.performer_id}, {lg.name}" if lg.performer_id else lg.role.replace("_", " ")
        console.print(f"  {lg.username:<12} {lg.password:<14} {who}", markup=False, highlight=False)
    console.print("Press Ctrl+C to stop.")
