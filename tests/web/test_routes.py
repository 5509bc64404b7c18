"""Every route checks the session and the role: no session, a member on staff routes, staff on member routes."""

from __future__ import annotations

import re
from typing import Any

from fastapi.routing import APIRoute
from fastapi.testclient import TestClient

from tests.web.conftest import Union, signed_in_as

PUBLIC = {"/", "/login", "/logout", "/invite/{token}", "/healthz", "/api/docs"}
MEMBER_ONLY = re.compile(r"^(/me\b|/api/me/)")
EVERYONE = {"/account", "/account/password", "/api/me"}
FILL = {"line_id": "L0000000000000000", "finding_id": "1", "performer_id": "P00001", "user_id": "1",
        "token": "x", "document_id": "1", "consent_id": "C1", "statement_id": "1"}
QUERY = {"/api/members": {"q": "P"}, "/api/admin/users/{user_id}/active": {"active": "true"}}


def _flat(routes: list[Any]) -> list[APIRoute]:
    """API routes, looking inside included routers (FastAPI keeps them as included-router entries)."""
    out: list[APIRoute] = []
    for route in routes:
        inner = getattr(route, "original_router", None)
        if inner is not None:
            out += _flat(list(inner.routes))
        elif isinstance(route, APIRoute):
            out.append(route)
    return out


def _routes(client: TestClient) -> list[tuple[str, str]]:
    out = []
    for route in _flat(list(client.app.routes)):  # type: ignore[attr-defined]
        if route.path not in PUBLIC:
            for method in sorted(route.methods - {"HEAD"}):
                out.append((method, route.path))
    return out


def _call(client: TestClient, method: str, path: str, csrf: str | None) -> int:
    url = re.sub(r"{(\w+)(?::\w+)?}", lambda m: FILL.get(m.group(1), "1"), path)
    headers = {"X-CSRF-Token": csrf} if csrf else {}
    response = client.request(method, url, params=QUERY.get(path), headers=headers, follow_redirects=False,
                              json={} if method != "GET" and path.startswith("/api/") else None,
                              data=None if path.startswith("/api/") or method == "GET" else {"x": "1"})
    if response.status_code == 303:
        assert response.headers["location"].startswith("/login"), (method, path, response.headers)
        return 401
    return response.status_code


def test_there_are_many_routes(client: TestClient) -> None:
    assert len(_routes(client)) >= 40


def test_no_session_gets_401_or_the_sign_in_page(client: TestClient) -> None:
    page = client.get("/login")
    token = re.search(r'name="csrf_token" value="([^"]+)"', page.text)
    assert token
    wrong = {(m, p, code) for m, p in _routes(client) if (code := _call(client, m, p, token.group(1))) != 401}
    assert not wrong


def test_member_is_refused_every_staff_route(union: Union, app_config: object) -> None:
    with signed_in_as(union, app_config, "alice") as c:  # type: ignore[arg-type]
        csrf = c.headers["X-CSRF-Token"]
        staff_routes = [(m, p) for m, p in _routes(c) if not MEMBER_ONLY.match(p) and p not in EVERYONE]
        assert len(staff_routes) >= 25
        wrong = {(m, p, code) for m, p in staff_routes if (code := _call(c, m, p, csrf)) != 403}
        assert not wrong


def test_staff_are_refused_the_member_portal(union: Union, app_config: object) -> None:
    for name in ("auditor", "admin", "services", "business"):
        with signed_in_as(union, app_config, name) as c:  # type: ignore[arg-type]
            member_routes = [(m, p) for m, p in _routes(c) if MEMBER_ONLY.match(p)]
            assert len(member_routes) >= 8
            wrong = {(m, p, code) for m, p in member_routes if (code := _call(c, m, p, None)) != 403}
            assert not wrong, name


def test_business_affairs_reach_only_their_areas(union: Union, app_config: object) -> None:
    with signed_in_as(union, app_config, "business") as c:  # type: ignore[arg-type]
        for path in ("/staff/findings", "/api/findings", "/staff/ingest", "/api/residuals", "/admin/users"):
            assert c.get(path).status_code == 403, path
        assert c.get("/staff/members").status_code == 200
        assert c.get("/staff").status_code == 200


def test_api_docs_are_drawn_on_the_server_from_the_openapi_description(client: TestClient) -> None:
    schema = client.get("/api/openapi.json").json()
    page = client.get("/api/docs")
    assert page.status_code == 200 and "script-src 'self'" in page.headers["content-security-policy"]
    assert "cdn" not in page.text.lower()
    for path, methods in schema["paths"].items():
        for method in methods:
            assert f"{method.upper()} {path}" in page.text
