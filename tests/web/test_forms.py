"""The page forms (no JavaScript) that the API tests do not already drive: each does its job and says so."""

from __future__ import annotations

import re

from fastapi.testclient import TestClient

from greenroom.web.security import WebConfig
from tests.web.conftest import Union, signed_in_as

TITLES = ("title_id,name,agreement,kind,length_minutes,pp_date,initial_release_date\n"
          "TFORM1,Form One,sag-aftra-tv-theatrical,network_series,60,2020-01-06,2020-09-01\n")


def _csrf(client: TestClient) -> str:
    return client.headers["X-CSRF-Token"]


def test_upload_and_recompute_forms(as_auditor: TestClient) -> None:
    csrf = _csrf(as_auditor)
    as_auditor.headers.pop("X-CSRF-Token")  # a plain form sends only its field
    r = as_auditor.post("/staff/ingest/upload", files={"file": ("titles-form.csv", TITLES.encode(), "text/csv")},
                        data={"kind": "titles", "csrf_token": csrf})
    assert r.status_code == 200 and "Loaded: titles-form.csv" in r.text and "loaded 1" in r.text
    r = as_auditor.post("/staff/residuals/compute", data={"csrf_token": csrf})
    assert r.status_code == 200 and "Residuals computed" in r.text


def test_claim_statement_forms(union: Union, app_config: WebConfig, as_auditor: TestClient) -> None:
    csrf = _csrf(as_auditor)
    finding = as_auditor.get("/api/findings", params={"status": "open"}).json()["findings"][0]
    as_auditor.post(f"/staff/findings/{finding['id']}", data={"action": "claim", "csrf_token": csrf})
    r = as_auditor.post("/staff/claims", data={"payer": finding["payer"], "csrf_token": csrf}, follow_redirects=False)
    assert r.status_code == 303
    sid = int(r.headers["location"].rsplit("/", 1)[1])
    r = as_auditor.post(f"/staff/claims/{sid}", data={"action": "approve", "note": "ok", "csrf_token": csrf})
    assert r.status_code == 200 and "approved by auditor" in r.text
    r = as_auditor.post(f"/staff/claims/{sid}", data={"action": "refresh", "csrf_token": csrf})
    assert r.status_code == 200 and "no change" in r.text
    assert as_auditor.post(f"/staff/claims/{sid}", data={"action": "burn", "csrf_token": csrf}).status_code == 400


def test_invite_reset_and_disable_forms(union: Union, app_config: WebConfig) -> None:
    with signed_in_as(union, app_config, "services") as services:
        found = services.get("/api/members", params={"q": "P0"}).json()
        free = next(p["performer_id"] for p in found if p["performer_id"] not in (union.member, union.other)
                    and services.get(f"/api/members/{p['performer_id']}").json()["account"] is None)
        r = services.post(f"/staff/members/{free}/invite", data={"username": f"form-{free.lower()}",
                                                                  "csrf_token": _csrf(services)})
        assert r.status_code == 200 and re.search(r"/invite/[\w-]{20,}", r.text)
    with signed_in_as(union, app_config, "admin") as admin:
        users = {u["username"]: u["id"] for u in admin.get("/api/admin/users").json()}
        uid = users[f"form-{free.lower()}"]
        r = admin.post(f"/admin/users/{uid}/reset", data={"csrf_token": _csrf(admin)})
        assert r.status_code == 200 and "reset link" in r.text
        r = admin.post(f"/admin/users/{uid}/active", data={"active": "false", "csrf_token": _csrf(admin)})
        assert r.status_code == 200 and "disabled" in r.text
        assert not next(u for u in admin.get("/api/admin/users").json() if u["id"] == uid)["active"]


def test_review_form(union: Union, app_config: WebConfig) -> None:
    with signed_in_as(union, app_config, "business") as ba:
        r = ba.post("/staff/review/upload", files={"file": ("deal.txt", b"1. Term. One year.\n", "text/plain")},
                    data={"csrf_token": _csrf(ba)}, follow_redirects=False)
        assert r.status_code == 303 and r.headers["location"].startswith("/staff/review/")
        assert ba.get(r.headers["location"]).status_code == 200
