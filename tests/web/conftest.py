"""Fixtures for the web tests: a small audited union, accounts of every role, signed-in clients.

The application database is SQLite always, and also PostgreSQL when GREENROOM_TEST_DATABASE_URL is
set: each PostgreSQL run gets its own schema, dropped afterwards, so other tests sharing the
database are untouched.
"""

from __future__ import annotations

import os
import re
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import create_engine, text

from greenroom.accounts.roles import Role
from greenroom.accounts.service import create_user
from greenroom.audit.reconcile import run_audit
from greenroom.audit.remittances import load_remittances
from greenroom.audit.remittances_demo import generate_remittances
from greenroom.config import Settings
from greenroom.demo.generate import generate
from greenroom.ingest.loader import load_file
from greenroom.residuals.engine import compute
from greenroom.store.analytics import connect
from greenroom.store.db import normalize_url, session_factory
from greenroom.web.app import create_app
from greenroom.web.security import WebConfig

SCALE = 300
PASSWORD = "correct horse battery"
STAFF = {"admin": Role.admin, "auditor": Role.auditor, "business": Role.business_affairs,
         "services": Role.member_services}


@dataclass
class Union:
    """A data directory with a computed and audited union, its accounts, and two members."""

    settings: Settings
    member: str  # performer id of member "alice"
    other: str  # performer id of member "bob"


def _postgres_url(base: str, schema: str) -> str:
    sep = "&" if "?" in base else "?"
    return f"{base}{sep}options=-csearch_path%3D{schema}"


def _backends() -> list[str]:
    return ["sqlite", "postgresql"] if os.environ.get("GREENROOM_TEST_DATABASE_URL") else ["sqlite"]


def build_union(root: Path, database_url: str) -> Union:
    """Generate, load, compute, pay (with errors) and audit a small union; create one account per role."""
    settings = Settings(data_dir=root, database_url=database_url)
    files = generate(root / "union", SCALE, seed=11)
    for path in (files.titles, files.engagements, files.exhibitions):
        assert load_file(settings, path).loaded > 0
    with connect(settings) as con:
        compute(con)
        demo = generate_remittances(con, root / "remittances", seed=11)
        ranked = [r[0] for r in con.execute("SELECT performer_id FROM residual_lines GROUP BY 1 "
                                            "ORDER BY count(*) DESC, 1 LIMIT 2").fetchall()]
    for f in demo.files:
        load_remittances(settings, f.path, f.payer, f.column_map)
    run_audit(settings, demo.as_of)
    sessions = session_factory(settings)
    for name, role in STAFF.items():
        create_user(sessions, name, role.value, password=PASSWORD, display_name=name.title())
    create_user(sessions, "alice", Role.member.value, password=PASSWORD, performer_id=ranked[0])
    create_user(sessions, "bob", Role.member.value, password=PASSWORD, performer_id=ranked[1])
    return Union(settings, ranked[0], ranked[1])


@pytest.fixture(scope="session", autouse=True)
def cheap_hashes() -> Iterator[None]:
    """argon2id with small parameters: the tests sign in hundreds of times (production keeps the defaults)."""
    from argon2 import PasswordHasher

    from greenroom.accounts import passwords

    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(passwords, "_hasher", PasswordHasher(time_cost=1, memory_cost=8 * 1024, parallelism=1))
        yield


@pytest.fixture(scope="session", params=_backends())
def union(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory,
          cheap_hashes: None) -> Iterator[Union]:
    """The union on SQLite, and on PostgreSQL (own schema) when GREENROOM_TEST_DATABASE_URL is set."""
    root = tmp_path_factory.mktemp(f"web-{request.param}")
    if request.param == "sqlite":
        yield build_union(root, f"sqlite:///{root / 'app.sqlite3'}")
        return
    base = os.environ["GREENROOM_TEST_DATABASE_URL"]
    schema = "web_test_" + uuid.uuid4().hex[:10]
    assert re.fullmatch(r"[a-z0-9_]+", schema)
    admin = create_engine(normalize_url(base))
    with admin.begin() as c:
        c.execute(text(f"CREATE SCHEMA {schema}"))
    try:
        yield build_union(root, _postgres_url(base, schema))
    finally:
        with admin.begin() as c:
            c.execute(text(f"DROP SCHEMA {schema} CASCADE"))
        admin.dispose()


@pytest.fixture(scope="session")
def app_config() -> WebConfig:
    """Short DuckDB idle time so tests do not hold the file."""
    return WebConfig(duckdb_idle_seconds=0.5, max_upload_bytes=2 << 20)


@pytest.fixture()
def client(union: Union, app_config: WebConfig) -> Iterator[TestClient]:
    """A client with no session."""
    with TestClient(create_app(union.settings, app_config), base_url="http://testserver") as c:
        yield c


def sign_in(client: TestClient, username: str, password: str = PASSWORD) -> str:
    """Sign in through the form (with its CSRF token); return the session's CSRF token."""
    client.headers.pop("X-CSRF-Token", None)  # a stale header would override the form's token
    page = client.get("/login")
    token = re.search(r'name="csrf_token" value="([^"]+)"', page.text)
    assert token, page.text
    response = client.post("/login", data={"username": username, "password": password,
                                           "csrf_token": token.group(1), "next": "/"}, follow_redirects=False)
    assert response.status_code == 303, response.text
    me = client.get("/api/me")
    assert me.status_code == 200
    csrf: str = me.json()["csrf_token"]
    return csrf


@pytest.fixture()
def as_member(client: TestClient) -> TestClient:
    """Signed in as member alice."""
    client.headers["X-CSRF-Token"] = sign_in(client, "alice")
    return client


@pytest.fixture()
def as_auditor(client: TestClient) -> TestClient:
    """Signed in as the auditor."""
    client.headers["X-CSRF-Token"] = sign_in(client, "auditor")
    return client


@pytest.fixture()
def as_admin(client: TestClient) -> TestClient:
    """Signed in as the admin."""
    client.headers["X-CSRF-Token"] = sign_in(client, "admin")
    return client


def signed_in_as(union: Union, config: WebConfig, username: str) -> TestClient:
    """A fresh client signed in as username (close it after use)."""
    c = TestClient(create_app(union.settings, config), base_url="http://testserver")
    c.headers["X-CSRF-Token"] = sign_in(c, username)
    return c
