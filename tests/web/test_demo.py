"""The demo's web side: logins for every role, new passwords each start, members who have findings."""

from __future__ import annotations

import io

import pytest
from rich.console import Console
from sqlalchemy import select

from greenroom.accounts.roles import Role
from greenroom.accounts.service import LoginRefused, authenticate
from greenroom.audit.models import Finding
from greenroom.store.db import session_factory
from greenroom.web import demo
from tests.web.conftest import Union


def test_demo_logins_work_and_change_each_start(union: Union, monkeypatch: pytest.MonkeyPatch) -> None:
    # Other tests sign in as admin and auditor; the demo's own names keep their passwords intact.
    monkeypatch.setattr(demo, "STAFF", tuple((f"demo-{u}", r, n) for u, r, n in demo.STAFF))
    out = io.StringIO()
    assert demo.demo_settings(union.settings, Console(file=out)) == union.settings  # audited already
    sessions = session_factory(union.settings)
    first = demo.demo_logins(union.settings)
    roles = [lg.role for lg in first]
    assert set(roles) == {r.value for r in Role} and roles.count("member") == demo.MEMBERS
    with sessions() as s:
        flagged = set(s.scalars(select(Finding.performer_id)))
    members = [lg for lg in first if lg.role == "member"]
    assert all(lg.performer_id in flagged for lg in members)
    assert union.member not in {lg.performer_id for lg in members}  # alice's performer keeps her account
    for lg in first:
        assert authenticate(sessions, lg.username, lg.password, "192.0.2.50").role == lg.role
    second = demo.demo_logins(union.settings)
    assert [lg.username for lg in second] == [lg.username for lg in first]
    with pytest.raises(LoginRefused):
        authenticate(sessions, first[0].username, first[0].password, "192.0.2.51")
    demo.print_logins(Console(file=out, width=120), "http://localhost:8000/", second)
    text = out.getvalue()
    assert "http://localhost:8000/" in text and all(lg.password in text for lg in second)
