"""The consent registry pages and API: business affairs record replicas, consents and uses; members see theirs."""

from __future__ import annotations

from fastapi.testclient import TestClient

from greenroom.web.security import WebConfig
from tests.web.conftest import Union, signed_in_as


def test_record_a_replica_consent_and_uses_then_the_member_sees_them(union: Union, app_config: WebConfig) -> None:
    pid = union.member
    with signed_in_as(union, app_config, "business") as ba:
        r = ba.post(f"/api/consent/members/{pid}/replicas",
                    json={"kind": "employment_based", "agreement": "sag-aftra-tv-theatrical",
                          "producer": "Northlight Pictures", "origin_project": "Silver Lake"})
        assert r.status_code == 200, r.text
        replica = r.json()["replica_id"]
        bad = ba.post(f"/api/consent/members/{pid}/consents",
                      json={"replica_id": replica, "producer": "Northlight Pictures", "projects": ["Silver Lake"],
                            "description": " ", "signed_on": "2024-01-10"})
        assert bad.status_code == 400 and "description" in bad.json()["detail"]
        r = ba.post(f"/api/consent/members/{pid}/consents",
                    json={"replica_id": replica, "producer": "Northlight Pictures", "projects": ["Silver Lake"],
                          "description": "digital double for two reshoot scenes", "signed_on": "2024-01-10"})
        assert r.status_code == 200, r.text
        covered = ba.post(f"/api/consent/members/{pid}/uses",
                          json={"replica_id": replica, "producer": "Northlight Pictures", "project": "Silver Lake",
                                "start_date": "2024-02-01", "days": 1})
        uncovered = ba.post(f"/api/consent/members/{pid}/uses",
                            json={"replica_id": replica, "producer": "Northlight Pictures",
                                  "project": "Another Show", "start_date": "2024-03-01", "days": 2})
        assert covered.status_code == 200 and uncovered.status_code == 200
        record = ba.get(f"/api/consent/members/{pid}").json()
        allowed = {u["project"]: u["allowed"] for u in record["uses"]}
        assert allowed == {"Silver Lake": True, "Another Show": False}
        findings = ba.get("/api/consent/findings", params={"performer": pid}).json()
        assert any(f["project"] == "Another Show" for f in findings)
        page = ba.get(f"/staff/consent/{pid}")
        assert page.status_code == 200 and "Another Show" in page.text
        assert ba.get("/staff/consent").status_code == 200
        assert ba.post(f"/api/consent/members/{pid}/uses",
                       json={"replica_id": "R-nope", "producer": "X", "project": "Y",
                             "start_date": "2024-03-01"}).status_code == 400
    with signed_in_as(union, app_config, "alice") as alice:
        mine = alice.get("/api/me/consents").json()
        assert [r["replica_id"] for r in mine["replicas"]] == [replica]
        assert {u["project"] for u in mine["uses"]} == {"Silver Lake", "Another Show"}
        assert "Another Show" in alice.get("/me/consents").text
        assert any("consent" in e["what"] and e["staff"] == "business" for e in alice.get("/api/me/access-log").json())
        assert alice.get("/api/me/export").json()["consents"]["replicas"][0]["replica_id"] == replica
    with signed_in_as(union, app_config, "bob") as bob:
        assert bob.get("/api/me/consents").json()["replicas"] == []
        assert bob.get(f"/api/consent/members/{pid}").status_code == 403


def test_consent_forms_record_through_the_page(union: Union, app_config: WebConfig) -> None:
    pid = union.other
    with signed_in_as(union, app_config, "services") as ms:
        csrf = ms.headers["X-CSRF-Token"]
        r = ms.post(f"/staff/consent/{pid}/replicas", data={"kind": "voice", "agreement": "sag-aftra-tv-theatrical",
                                                             "producer": "Harbor Television", "csrf_token": csrf},
                    follow_redirects=False)
        assert r.status_code == 303 and "recorded" in r.headers["location"]
        r = ms.post(f"/staff/consent/{pid}/consents", data={"replica_id": "nope", "producer": "Harbor Television",
                                                             "projects": "Pilot", "description": "voice lines",
                                                             "signed_on": "not a date", "csrf_token": csrf})
        assert r.status_code == 400 and "signed_on" in r.text


def test_auditor_has_no_consent_registry(as_auditor: TestClient) -> None:
    assert as_auditor.get("/staff/consent").status_code == 403
    assert as_auditor.get("/api/consent/findings").status_code == 403
