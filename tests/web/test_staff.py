"""The staff console over HTTP: studio files and the quarantine, residual search, findings, members, accounts."""

from __future__ import annotations

import csv
import io
import re

from fastapi.testclient import TestClient

from greenroom.web.security import WebConfig
from tests.web.conftest import PASSWORD, Union, sign_in, signed_in_as

TITLES = ("title_id,name,agreement,kind,length_minutes,pp_date,initial_release_date\n"
          "TWEB1,Web Test One,sag-aftra-tv-theatrical,network_series,60,2020-01-06,2020-09-01\n"
          "TWEB2,Web Test Two,sag-aftra-tv-theatrical,network_series,sixty,2020-01-06,2020-09-01\n")


def _upload(client: TestClient, name: str, body: bytes, kind: str = "auto") -> tuple[int, dict]:  # type: ignore[type-arg]
    r = client.post("/api/ingest/upload", files={"file": (name, body, "text/csv")}, data={"kind": kind})
    return r.status_code, r.json()


def test_upload_quarantine_fix_and_reload(as_auditor: TestClient) -> None:
    code, result = _upload(as_auditor, "titles-web.csv", TITLES.encode())
    assert code == 200, result
    assert (result["rows_read"], result["loaded"], result["quarantined"]) == (2, 1, 1) and result["balanced"]
    load_id = result["load_id"]
    q = as_auditor.get("/api/ingest/quarantine", params={"load": load_id}).json()
    assert q["total"] == 1 and q["rows"][0]["column"] == "length_minutes" and q["rows"][0]["value"] == "sixty"
    page = as_auditor.get("/staff/ingest/quarantine", params={"load": load_id})
    assert page.status_code == 200 and "sixty" in page.text
    exported = as_auditor.get("/staff/ingest/quarantine/export", params={"load": load_id})
    assert exported.status_code == 200 and exported.headers["content-type"].startswith("text/csv")
    rows = list(csv.DictReader(io.StringIO(exported.content.decode("utf-8-sig"))))
    assert len(rows) == 1 and rows[0]["title_id"] == "TWEB2" and "length_minutes" in rows[0]["_reason"]
    rows[0]["length_minutes"] = "60"
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=list(rows[0]))
    writer.writeheader()
    writer.writerows(rows)
    code, fixed = _upload(as_auditor, "titles-fixed.csv", out.getvalue().encode())
    assert code == 200 and fixed["loaded"] == 1 and fixed["quarantined"] == 0, fixed
    assert as_auditor.get("/api/ingest/quarantine", params={"load": load_id}).json()["total"] == 0
    # The same file again changes nothing.
    code, again = _upload(as_auditor, "titles-web.csv", TITLES.encode())
    assert code == 200 and again["already_loaded"]
    loads = as_auditor.get("/api/ingest/loads").json()
    assert {ld["id"] for ld in loads} >= {load_id, fixed["load_id"]}
    assert "titles-web" in as_auditor.get("/staff/ingest").text


def test_uploads_are_checked_for_type_and_size(as_auditor: TestClient) -> None:
    assert _upload(as_auditor, "titles.exe", b"MZ...")[0] == 415
    assert _upload(as_auditor, "titles.parquet", b"not parquet at all")[0] == 415
    assert _upload(as_auditor, "titles.xlsx", b"not a zip")[0] == 415
    assert _upload(as_auditor, "titles.csv", b"\x00\x01\x02binary")[0] == 415
    assert _upload(as_auditor, "titles.csv", b"")[0] == 400
    big = b"title_id\n" + b"x" * (3 << 20)  # the test app allows 2 MB
    code, body = _upload(as_auditor, "titles.csv", big)
    assert code == 413 and "limit" in body["detail"]
    code, body = _upload(as_auditor, "mystery.csv", TITLES.encode())
    assert code == 200 and body["refused"] and "kind" in " ".join(body["messages"])
    assert _upload(as_auditor, "titles.csv", TITLES.encode(), kind="songs")[0] == 400


def test_residual_search_and_explanation(union: Union, as_auditor: TestClient) -> None:
    body = as_auditor.get("/api/residuals", params={"performer": union.member}).json()
    assert body["total_lines"] > 0 and {ln["performer_id"] for ln in body["lines"]} == {union.member}
    market = body["lines"][0]["market"]
    narrowed = as_auditor.get("/api/residuals", params={"performer": union.member, "market": market}).json()
    assert 0 < narrowed["total_lines"] <= body["total_lines"]
    assert {ln["market"] for ln in narrowed["lines"]} == {market}
    line = body["lines"][0]["line_id"]
    ex = as_auditor.get(f"/api/residuals/{line}").json()
    assert ex["line"]["performer_id"] == union.member and ex["values"]
    assert as_auditor.get("/api/residuals/Lnope").status_code == 404
    assert as_auditor.get("/api/residuals", params={"quarter": "Q3"}).status_code == 400
    page = as_auditor.get("/staff/residuals", params={"performer": union.member})
    assert page.status_code == 200 and line in page.text


def test_findings_workflow_claim_resolve_and_conflicts(as_auditor: TestClient) -> None:
    listing = as_auditor.get("/api/findings", params={"status": "open"}).json()
    assert listing["total"] > 0
    fid = listing["findings"][-1]["id"]
    claimed = as_auditor.post(f"/api/findings/{fid}", json={"action": "claim", "note": "calling the payer"})
    assert claimed.status_code == 200 and claimed.json()["claimed_by"] == "auditor"
    done = as_auditor.post(f"/staff/findings/{fid}", data={"action": "recovered", "note": "check received",
                                                          "csrf_token": as_auditor.headers["X-CSRF-Token"]},
                           follow_redirects=False)
    assert done.status_code == 303
    detail = as_auditor.get(f"/api/findings/{fid}").json()
    assert detail["status"] == "resolved" and detail["resolution"] == "recovered"
    assert [h["to_status"] for h in detail["history"]][-2:] == ["claimed", "resolved"]
    assert as_auditor.post(f"/api/findings/{fid}", json={"action": "claim"}).status_code == 409
    assert as_auditor.post(f"/api/findings/{fid}", json={"action": "shred"}).status_code in (400, 409)
    assert as_auditor.post("/api/findings/999999", json={"action": "claim"}).status_code == 404
    assert as_auditor.get("/api/findings", params={"type": "nonsense"}).status_code == 400
    page = as_auditor.get("/staff/findings")
    assert page.status_code == 200 and "<svg" in page.text
    assert as_auditor.get(f"/staff/findings/{fid}").status_code == 200
    csv_report = as_auditor.get("/api/reports/findings.csv")
    assert csv_report.status_code == 200 and csv_report.text.startswith("type,payer,status")
    payers = as_auditor.get("/api/reports/payers").json()
    assert payers and all(p["difference_cents"] == p["owed_cents"] - p["paid_cents"] for p in payers)
    assert as_auditor.get("/staff/reports").status_code == 200


def test_recompute_from_the_console(as_auditor: TestClient) -> None:
    r = as_auditor.post("/api/residuals/compute")
    assert r.status_code == 200 and r.json()["balanced"] and r.json()["lines"] > 0


def test_member_lookup_and_overview(union: Union, as_auditor: TestClient) -> None:
    found = as_auditor.get("/api/members", params={"q": union.member}).json()
    assert [p["performer_id"] for p in found] == [union.member]
    record = as_auditor.get(f"/api/members/{union.member}").json()
    assert record["statement"] and record["account"]["username"] == "alice"
    assert as_auditor.get("/api/members/P-nobody").status_code == 404
    assert as_auditor.get(f"/staff/members/{union.member}").status_code == 200
    overview = as_auditor.get("/staff")
    assert overview.status_code == 200 and overview.text.count("<svg") == 2


def test_only_member_services_and_admin_invite(union: Union, app_config: WebConfig) -> None:
    with signed_in_as(union, app_config, "auditor") as auditor:
        assert auditor.post(f"/api/members/{union.member}/invite", json={"username": "x1"}).status_code == 403


def test_admin_creates_staff_resets_and_disables(union: Union, app_config: WebConfig, as_admin: TestClient) -> None:
    r = as_admin.post("/api/admin/users", json={"username": "newaud", "role": "auditor", "password": PASSWORD})
    assert r.status_code == 200 and r.json()["role"] == "auditor" and "password_hash" not in r.json()
    assert as_admin.post("/api/admin/users", json={"username": "newaud", "role": "auditor",
                                                   "password": PASSWORD}).status_code == 409
    assert as_admin.post("/api/admin/users", json={"username": "m9", "role": "member",
                                                   "password": PASSWORD}).status_code == 400
    assert as_admin.post("/api/admin/users", json={"username": "weak", "role": "auditor",
                                                   "password": "short"}).status_code == 400
    uid = r.json()["id"]
    with signed_in_as(union, app_config, "newaud") as newaud:
        assert newaud.get("/api/findings").status_code == 200
        off = as_admin.post(f"/api/admin/users/{uid}/active", params={"active": "false"})
        assert off.status_code == 200 and not off.json()["active"]
        assert newaud.get("/api/findings").status_code == 401  # signed out everywhere
    link = as_admin.post(f"/api/admin/users/{uid}/reset").json()["link"]
    assert re.search(r"/invite/[\w-]{20,}$", link)
    me = as_admin.get("/api/me").json()
    users = {u["username"]: u for u in as_admin.get("/api/admin/users").json()}
    assert as_admin.post(f"/api/admin/users/{users[me['username']]['id']}/active",
                         params={"active": "false"}).status_code == 400
    log = as_admin.get("/api/admin/access-log").json()
    assert all({"performer_id", "staff", "what"} <= set(e) for e in log)
    for path in ("/admin/users", "/admin/access-log"):
        assert as_admin.get(path).status_code == 200


def test_admin_form_creates_an_account(as_admin: TestClient) -> None:
    csrf = as_admin.headers["X-CSRF-Token"]
    r = as_admin.post("/admin/users", data={"username": "formba", "role": "business_affairs", "password": PASSWORD,
                                            "display_name": "Form BA", "csrf_token": csrf})
    assert r.status_code == 200 and "created formba" in r.text
    sign_in(as_admin, "formba")
    assert as_admin.get("/api/me").json()["role"] == "business_affairs"


def test_reading_quarantined_engagements_is_logged(union: Union, app_config: WebConfig,
                                                   as_auditor: TestClient) -> None:
    rows = ("engagement_id,performer_id,title_id,category,days_worked,weeks_worked,tac_cents\n"
            "EQ1,PQUAR1,TWEB1,stuntman,1,0,100000\n")
    code, result = _upload(as_auditor, "engagements-web.csv", rows.encode())
    assert code == 200 and result["quarantined"] == 1, result
    assert as_auditor.get("/api/ingest/quarantine", params={"load": result["load_id"]}).json()["total"] == 1
    with signed_in_as(union, app_config, "admin") as admin:
        log = admin.get("/api/admin/access-log", params={"performer": "PQUAR1"}).json()
        assert [e["staff"] for e in log] == ["auditor"] and "quarantined engagement rows" in log[0]["what"]
