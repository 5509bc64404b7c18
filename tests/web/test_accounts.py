"""Accounts without the web: passwords, sign-in rate limits, sessions, invitations, the access log, migration."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest
from alembic import command
from sqlalchemy import inspect, update

from greenroom.accounts import service
from greenroom.accounts.models import WebSession
from greenroom.accounts.passwords import WeakPassword, check_policy, hash_password, verify_password
from greenroom.accounts.roles import GRANTS, Permission, Role, allows, parse_role
from greenroom.accounts.service import (
    MAX_FAILURES_PER_ACCOUNT,
    MAX_FAILURES_PER_IP,
    AccountError,
    LoginRefused,
    access_log,
    authenticate,
    create_user,
    invitation_user,
    invite_member,
    load_session,
    log_access,
    redeem_invitation,
    secret_key,
    start_session,
    token_digest,
)
from greenroom.config import Settings
from greenroom.ingest.models import utcnow
from greenroom.store.db import alembic_config, get_engine, session_factory

PASSWORD = "a long enough password"


@pytest.fixture()
def settings(tmp_path: Path) -> Settings:
    return Settings(data_dir=tmp_path, database_url=f"sqlite:///{tmp_path / 'app.sqlite3'}")


def test_argon2_hash_verifies_only_the_right_password() -> None:
    stored = hash_password(PASSWORD)
    assert stored.startswith("$argon2id$")
    assert verify_password(stored, PASSWORD)
    assert not verify_password(stored, PASSWORD + "x")
    assert not verify_password(None, PASSWORD)
    assert not verify_password("not a hash", PASSWORD)


@pytest.mark.parametrize("bad", ["short", "x" * 300, "sameasuser1"])
def test_password_policy_refuses(bad: str) -> None:
    with pytest.raises(WeakPassword):
        check_policy(bad, "sameasuser1")


def test_roles_grant_what_the_issue_says() -> None:
    assert GRANTS[Role.member] == {Permission.own_data}
    assert allows("auditor", Permission.audit) and allows("auditor", Permission.ingest)
    assert not allows("auditor", Permission.accounts)
    assert not allows("business_affairs", Permission.audit) and allows("business_affairs", Permission.review)
    assert allows("member_services", Permission.invite) and not allows("member_services", Permission.ingest)
    assert all(allows("admin", p) for p in Permission if p is not Permission.own_data)
    assert not allows("admin", Permission.own_data) and not allows("nobody", Permission.members)
    with pytest.raises(ValueError, match="choose one of"):
        parse_role("superuser")


def test_members_must_link_a_performer_and_staff_must_not(settings: Settings) -> None:
    sessions = session_factory(settings)
    with pytest.raises(AccountError, match="linked to a performer"):
        create_user(sessions, "m1", "member", password=PASSWORD)
    with pytest.raises(AccountError, match="only member"):
        create_user(sessions, "s1", "auditor", password=PASSWORD, performer_id="P1")
    create_user(sessions, "m1", "member", password=PASSWORD, performer_id="P1")
    with pytest.raises(AccountError, match="taken"):
        create_user(sessions, "M1", "auditor", password=PASSWORD)
    with pytest.raises(AccountError, match="already has an account"):
        create_user(sessions, "m2", "member", password=PASSWORD, performer_id="P1")
    with pytest.raises(AccountError, match="user name"):
        create_user(sessions, "bad name!", "auditor", password=PASSWORD)


def test_account_rate_limit_refuses_even_the_right_password(settings: Settings) -> None:
    sessions = session_factory(settings)
    create_user(sessions, "victim", "auditor", password=PASSWORD)
    for _ in range(MAX_FAILURES_PER_ACCOUNT):
        with pytest.raises(LoginRefused) as exc:
            authenticate(sessions, "victim", "guess-guess", "198.51.100.1")
        assert not exc.value.rate_limited
    with pytest.raises(LoginRefused) as exc:
        authenticate(sessions, "victim", PASSWORD, "198.51.100.2")
    assert exc.value.rate_limited
    # Once the window has passed, the right password works again.
    later = utcnow() + timedelta(minutes=16)
    assert authenticate(sessions, "victim", PASSWORD, "198.51.100.2", now=later).username == "victim"


def test_address_rate_limit_spans_accounts(settings: Settings, monkeypatch: pytest.MonkeyPatch) -> None:
    # A lower limit keeps the test quick (each failure spends an argon2 verification).
    monkeypatch.setattr(service, "MAX_FAILURES_PER_IP", 4)
    assert MAX_FAILURES_PER_IP > MAX_FAILURES_PER_ACCOUNT
    sessions = session_factory(settings)
    create_user(sessions, "someone", "auditor", password=PASSWORD)
    for i in range(4):
        with pytest.raises(LoginRefused):
            authenticate(sessions, f"user{i}", "wrong-password", "203.0.113.7")
    with pytest.raises(LoginRefused) as exc:
        authenticate(sessions, "someone", PASSWORD, "203.0.113.7")
    assert exc.value.rate_limited
    assert authenticate(sessions, "someone", PASSWORD, "203.0.113.8").username == "someone"


def test_sessions_expire_and_idle_out_and_store_only_a_keyed_hash(settings: Settings) -> None:
    sessions = session_factory(settings)
    secret = secret_key(settings)
    user = create_user(sessions, "sx", "auditor", password=PASSWORD)
    token, record = start_session(sessions, secret, user, ttl=timedelta(hours=1))
    assert record.token_hash == token_digest(secret, token) != token
    assert load_session(sessions, secret, token) is not None
    assert load_session(sessions, secret, token, now=utcnow() + timedelta(hours=2)) is None
    assert load_session(sessions, secret, token) is None  # the expired session was deleted
    token, _ = start_session(sessions, secret, user)
    with sessions.begin() as s:
        s.execute(update(WebSession).values(last_seen_at=utcnow() - timedelta(hours=3)))
    assert load_session(sessions, secret, token, idle=timedelta(hours=2)) is None
    assert load_session(sessions, secret, "made-up-token") is None


def test_secret_key_is_generated_once_private(settings: Settings, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("GREENROOM_SECRET_KEY", raising=False)
    first = secret_key(settings)
    assert first == secret_key(settings) and len(first) == 64
    assert (settings.data_dir / "secret_key").stat().st_mode & 0o077 == 0
    monkeypatch.setenv("GREENROOM_SECRET_KEY", "from-the-environment")
    assert secret_key(settings) == b"from-the-environment"


def test_invitation_works_once(settings: Settings) -> None:
    sessions = session_factory(settings)
    user, token = invite_member(sessions, "P7", "newbie", "New Bie", "services")
    assert user.password_hash is None
    with pytest.raises(LoginRefused):
        authenticate(sessions, "newbie", "", "192.0.2.1")
    assert invitation_user(sessions, token) is not None
    with pytest.raises(WeakPassword):
        redeem_invitation(sessions, token, "short")
    redeem_invitation(sessions, token, PASSWORD)
    assert authenticate(sessions, "newbie", PASSWORD, "192.0.2.1").performer_id == "P7"
    with pytest.raises(AccountError, match="used or expired"):
        redeem_invitation(sessions, token, PASSWORD + "2")
    assert invitation_user(sessions, "forged") is None


def test_access_log_records_staff_reads_not_members(settings: Settings) -> None:
    sessions = session_factory(settings)
    staff = create_user(sessions, "aud", "auditor", password=PASSWORD)
    member = create_user(sessions, "mem", "member", password=PASSWORD, performer_id="P1")
    assert log_access(sessions, staff, {"P1": 3, "P2": 1}, "search", "127.0.0.1") == 2
    assert log_access(sessions, member, {"P1": 3}, "own page") == 0
    entries = access_log(sessions, "P1")
    assert [(e.staff_username, e.rows, e.what) for e in entries] == [("aud", 3, "search")]
    assert {e.performer_id for e in access_log(sessions)} == {"P1", "P2"}


def test_migration_creates_and_drops_the_tables(settings: Settings) -> None:
    session_factory(settings)  # upgrade head
    engine = get_engine(settings.database_url)
    names = {"accounts_users", "accounts_invitations", "accounts_sessions", "accounts_login_attempts",
             "accounts_access_log"}
    assert names <= set(inspect(engine).get_table_names())
    with engine.begin() as connection:
        cfg = alembic_config()
        cfg.attributes["connection"] = connection
        command.downgrade(cfg, "0003")
    assert not names & set(inspect(engine).get_table_names())
    with engine.begin() as connection:
        cfg = alembic_config()
        cfg.attributes["connection"] = connection
        command.upgrade(cfg, "head")
    assert names <= set(inspect(engine).get_table_names())


def test_models_match_the_migrated_schema(settings: Settings) -> None:
    from alembic.autogenerate import compare_metadata
    from alembic.migration import MigrationContext

    import greenroom.accounts.models  # noqa: F401  (registers the accounts tables)
    from greenroom.store.db import Base

    session_factory(settings)
    with get_engine(settings.database_url).connect() as conn:
        diff = compare_metadata(MigrationContext.configure(conn), Base.metadata)
    assert [d for d in diff if "accounts_" in repr(d)] == []
