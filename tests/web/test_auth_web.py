"""Signing in and out over HTTP: cookies, CSRF, rate limiting, expiry, invitations, password change."""

from __future__ import annotations

import re
from datetime import timedelta

from fastapi.testclient import TestClient
from sqlalchemy import update

from greenroom.accounts.models import WebSession
from greenroom.accounts.service import create_user
from greenroom.ingest.models import utcnow
from greenroom.store.db import session_factory
from greenroom.web.app import create_app
from greenroom.web.security import SESSION_COOKIE, WebConfig
from tests.web.conftest import PASSWORD, Union, sign_in


def _login_token(client: TestClient) -> str:
    m = re.search(r'name="csrf_token" value="([^"]+)"', client.get("/login").text)
    assert m
    return m.group(1)


def test_session_cookie_is_httponly_lax_and_secure_when_configured(union: Union) -> None:
    for secure in (False, True):
        with TestClient(create_app(union.settings, WebConfig(secure_cookies=secure)),
                        base_url="https://testserver") as c:
            token = _login_token(c)
            r = c.post("/login", data={"username": "auditor", "password": PASSWORD, "csrf_token": token},
                       follow_redirects=False)
            assert r.status_code == 303
            cookie = next(h for h in r.headers.get_list("set-cookie") if h.startswith(SESSION_COOKIE))
            assert "HttpOnly" in cookie and "SameSite=lax" in cookie
            assert ("Secure" in cookie) is secure


def test_wrong_password_is_401_and_login_needs_its_csrf_token(client: TestClient) -> None:
    token = _login_token(client)
    r = client.post("/login", data={"username": "auditor", "password": "wrong password", "csrf_token": token})
    assert r.status_code == 401 and "wrong user name or password" in r.text
    r = client.post("/login", data={"username": "auditor", "password": PASSWORD, "csrf_token": "forged"})
    assert r.status_code == 403
    client.cookies.clear()
    r = client.post("/login", data={"username": "auditor", "password": PASSWORD, "csrf_token": token})
    assert r.status_code == 403  # the token is bound to the cookie the sign-in page set


def test_login_is_rate_limited_per_account(union: Union, client: TestClient) -> None:
    create_user(session_factory(union.settings), "limited", "auditor", password=PASSWORD)
    token = _login_token(client)
    codes = [client.post("/login", data={"username": "limited", "password": f"guess {i}!!",
                                         "csrf_token": token}).status_code for i in range(5)]
    assert codes == [401] * 5
    r = client.post("/login", data={"username": "limited", "password": PASSWORD, "csrf_token": token})
    assert r.status_code == 429 and "too many" in r.text


def test_next_only_redirects_within_the_site(client: TestClient) -> None:
    token = _login_token(client)
    r = client.post("/login", data={"username": "auditor", "password": PASSWORD, "csrf_token": token,
                                    "next": "//evil.example/"}, follow_redirects=False)
    assert r.headers["location"] == "/"


def test_state_changes_need_the_session_csrf_token(as_auditor: TestClient) -> None:
    finding = as_auditor.get("/api/findings", params={"status": "open"}).json()["findings"][0]["id"]
    good = as_auditor.headers.pop("X-CSRF-Token")
    assert as_auditor.post(f"/api/findings/{finding}", json={"action": "claim"}).status_code == 403
    r = as_auditor.post(f"/api/findings/{finding}", json={"action": "claim"}, headers={"X-CSRF-Token": "wrong"})
    assert r.status_code == 403 and "token" in r.json()["detail"]
    r = as_auditor.post(f"/staff/findings/{finding}", data={"action": "claim", "csrf_token": "wrong"})
    assert r.status_code == 403
    assert as_auditor.get(f"/api/findings/{finding}").json()["status"] == "open"
    r = as_auditor.post(f"/api/findings/{finding}", json={"action": "claim"}, headers={"X-CSRF-Token": good})
    assert r.status_code == 200 and r.json()["status"] == "claimed"


def test_expired_and_idle_sessions_are_refused(union: Union, as_member: TestClient) -> None:
    assert as_member.get("/api/me/residuals").status_code == 200
    sessions = session_factory(union.settings)
    with sessions.begin() as s:
        s.execute(update(WebSession).values(expires_at=utcnow() - timedelta(seconds=1)))
    assert as_member.get("/api/me/residuals").status_code == 401
    r = as_member.get("/me/residuals", follow_redirects=False)
    assert r.status_code == 303 and r.headers["location"].startswith("/login?next=/me/residuals")
    as_member.headers["X-CSRF-Token"] = sign_in(as_member, "alice")
    with sessions.begin() as s:
        s.execute(update(WebSession).values(last_seen_at=utcnow() - timedelta(hours=3)))
    assert as_member.get("/api/me/residuals").status_code == 401


def test_logout_ends_the_session(as_member: TestClient) -> None:
    csrf = as_member.headers["X-CSRF-Token"]
    cookie = as_member.cookies.get(SESSION_COOKIE)
    r = as_member.post("/logout", data={"csrf_token": csrf}, follow_redirects=False)
    assert r.status_code == 303
    as_member.cookies.set(SESSION_COOKIE, cookie or "")
    assert as_member.get("/api/me").status_code == 401


def test_invited_member_sets_a_password_and_signs_in(union: Union, app_config: WebConfig) -> None:
    with TestClient(create_app(union.settings, app_config)) as services:
        services.headers["X-CSRF-Token"] = sign_in(services, "services")
        r = services.post(f"/api/members/{union.other}/invite", json={"username": "someone-new"})
        assert r.status_code == 409  # bob already has an account for this performer
        pid = services.get("/api/members", params={"q": "P"}).json()
        free = [p["performer_id"] for p in pid if p["performer_id"] not in (union.member, union.other)][0]
        r = services.post(f"/api/members/{free}/invite", json={"username": f"inv-{free.lower()}"})
        assert r.status_code == 200
        link = r.json()["link"]
    path = link.split("testserver", 1)[1]
    with TestClient(create_app(union.settings, app_config)) as newbie:
        page = newbie.get(path)
        assert page.status_code == 200 and "Choose a password" in page.text
        token = re.search(r'name="csrf_token" value="([^"]+)"', page.text)
        assert token
        r = newbie.post(path, data={"password": "short", "password2": "short", "csrf_token": token.group(1)})
        assert r.status_code == 400
        r = newbie.post(path, data={"password": PASSWORD, "password2": PASSWORD, "csrf_token": token.group(1)},
                        follow_redirects=False)
        assert r.status_code == 303
        assert newbie.get(path).status_code == 404  # used up
        sign_in(newbie, f"inv-{free.lower()}")
        assert newbie.get("/api/me").json()["performer_id"] == free


def test_change_password_signs_out_and_the_new_one_works(union: Union, app_config: WebConfig) -> None:
    create_user(session_factory(union.settings), "changer", "auditor", password=PASSWORD)
    with TestClient(create_app(union.settings, app_config)) as c:
        csrf = sign_in(c, "changer")
        r = c.post("/account/password", data={"current": "not it at all", "new": PASSWORD + "!",
                                              "new2": PASSWORD + "!", "csrf_token": csrf})
        assert r.status_code == 400
        r = c.post("/account/password", data={"current": PASSWORD, "new": PASSWORD + "!", "new2": PASSWORD + "!",
                                              "csrf_token": csrf}, follow_redirects=False)
        assert r.status_code == 303
        assert c.get("/api/me").status_code == 401
        sign_in(c, "changer", PASSWORD + "!")
