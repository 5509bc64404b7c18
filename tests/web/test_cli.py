"""`greenroom accounts` and `greenroom serve --help` from the command line."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from typer.testing import CliRunner

from greenroom.accounts.service import authenticate, get_user, invitation_user
from greenroom.cli import app
from greenroom.config import Settings
from greenroom.store.db import session_factory

runner = CliRunner()
PASSWORD = "a long enough password"


@pytest.fixture()
def data_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.delenv("GREENROOM_DATABASE_URL", raising=False)
    return tmp_path


def _run(data_dir: Path, *args: str) -> tuple[int, str]:
    result = runner.invoke(app, ["--data-dir", str(data_dir), *args])
    return result.exit_code, result.output


def test_create_staff_invite_reset_list_disable(data_dir: Path) -> None:
    settings = Settings(data_dir=data_dir, database_url=f"sqlite:///{data_dir / 'app.sqlite3'}")
    code, out = _run(data_dir, "accounts", "create-staff", "ray", "--role", "auditor", "--password", PASSWORD)
    assert code == 0 and "created ray (auditor)" in out
    sessions = session_factory(settings)
    assert authenticate(sessions, "ray", PASSWORD, "127.0.0.1").role == "auditor"
    code, out = _run(data_dir, "accounts", "create-staff", "mem", "--role", "member", "--password", PASSWORD)
    assert code == 1 and "invited" in out
    code, out = _run(data_dir, "accounts", "create-staff", "x2", "--role", "boss", "--password", PASSWORD)
    assert code == 1 and "unknown role" in out
    code, out = _run(data_dir, "accounts", "create-staff", "x3", "--role", "admin", "--password", "short")
    assert code == 1 and "at least" in out
    code, out = _run(data_dir, "accounts", "invite", "P00042", "sam", "--name", "Sam Actor", "--url", "https://u.example")
    assert code == 0
    token = re.search(r"https://u\.example/invite/(\S+)", out)
    assert token and invitation_user(sessions, token.group(1)).username == "sam"  # type: ignore[union-attr]
    code, out = _run(data_dir, "accounts", "reset-password", "ray")
    assert code == 0 and "/invite/" in out
    assert _run(data_dir, "accounts", "reset-password", "nobody")[0] == 1
    code, out = _run(data_dir, "accounts", "list")
    assert code == 0 and "ray" in out and "sam" in out and "no (invited)" in out
    assert _run(data_dir, "accounts", "disable", "ray")[0] == 0
    assert not get_user(sessions, "ray").active  # type: ignore[union-attr]
    assert _run(data_dir, "accounts", "disable", "ray", "--enable")[0] == 0
    assert get_user(sessions, "ray").active  # type: ignore[union-attr]


def test_serve_help_names_its_options(data_dir: Path) -> None:
    code, out = _run(data_dir, "serve", "--help")
    assert code == 0 and "--port" in out and "--demo" in out and "--secure-cookies" in out
