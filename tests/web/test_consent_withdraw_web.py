"""Withdrawing one of two conflicting use reports from the web, and what the member sees of unpriced AI pay."""

from __future__ import annotations

import uuid

from greenroom.consent import record_performer
from greenroom.web.security import WebConfig
from tests.web.conftest import Union, signed_in_as


def _consented_replica(ba, pid: str, kind: str, agreement: str, producer: str, project: str, description: str,
                       signed_on: str) -> str:
    """Record a replica of this performer and a consent to use it on one project; returns the replica id."""
    replica = ba.post(f"/api/consent/members/{pid}/replicas",
                      json={"kind": kind, "agreement": agreement, "producer": producer}).json()["replica_id"]
    ba.post(f"/api/consent/members/{pid}/consents",
            json={"replica_id": replica, "producer": producer, "projects": [project], "description": description,
                  "signed_on": signed_on})
    return str(replica)


def test_withdraw_a_conflicting_report_and_show_unpriced_pay(union: Union, app_config: WebConfig) -> None:
    # A performer of this test's own: the union is shared by the session's tests.
    pid = f"P-WD-{uuid.uuid4().hex[:8]}"
    record_performer(union.settings, pid, "Withdrawal Test")
    with signed_in_as(union, app_config, "business") as ba:
        replica = _consented_replica(ba, pid, "independently_created", "sag-aftra-tv-theatrical", "Northlight Pictures",
                                     "Silver Lake", "archive cameo in scene 9", "2024-06-01")
        use = {"replica_id": replica, "producer": "Northlight Pictures", "project": "Silver Lake",
               "start_date": "2024-07-01"}
        first = ba.post(f"/api/consent/members/{pid}/uses", json={**use, "days": 1}).json()
        second = ba.post(f"/api/consent/members/{pid}/uses", json={**use, "days": 2}).json()
        assert second["status"] == "conflicting_duplicate"
        types = {f["type"] for f in ba.get("/api/consent/findings", params={"performer": pid}).json()}
        assert "duplicate_report" in types
        path = f"/api/consent/members/{pid}/uses/{first['use']['use_id']}/withdraw"
        assert ba.post(path, json={"reason": " "}).status_code == 400
        done = ba.post(path, json={"reason": "the second report is right"})
        assert done.status_code == 200 and done.json()["kind"] == "withdrawal", done.text
        assert ba.post(path, json={"reason": "again"}).status_code == 400
        assert ba.post(f"/api/consent/members/{pid}/uses/U-nope/withdraw", json={"reason": "x"}).status_code == 404
        types = {f["type"] for f in ba.get("/api/consent/findings", params={"performer": pid}).json()}
        assert "duplicate_report" not in types and "compensation_unknown" in types
        page = ba.get(f"/staff/consent/{pid}").text
        assert "Reports withdrawn" in page and "the second report is right" in page
        # An ICDR's pay is bargained and none was reported: the record says it is owed but unknown (the
        # member's page includes the same record).
        assert "AI pay that could not be worked out (1)" in page and "agreed_cents" in page
        assert second["use"]["use_id"] in page.split('id="not-priced"')[1]
        csrf = ba.headers["X-CSRF-Token"]
        form = ba.post(f"/staff/consent/{pid}/withdrawals", data={"use_id": second["use"]["use_id"],
                                                                   "reason": "both wrong", "csrf_token": csrf},
                       follow_redirects=False)
        assert form.status_code == 303 and "withdrawn" in form.headers["location"]
        assert "AI pay that could not be worked out" not in ba.get(f"/staff/consent/{pid}").text


def test_a_use_reported_through_the_api_carries_notice_and_content(union: Union, app_config: WebConfig) -> None:
    pid = f"P-UN-{uuid.uuid4().hex[:8]}"
    record_performer(union.settings, pid, "Notice Test")
    with signed_in_as(union, app_config, "business") as ba:
        replica = _consented_replica(ba, pid, "employment_based", "sag-aftra-commercials", "Meridian Ads", "Spot 1",
                                     "digital replica rider: 30-second online spot", "2025-08-01")
        r = ba.post(f"/api/consent/members/{pid}/uses",
                    json={"replica_id": replica, "producer": "Meridian Ads", "project": "Spot 1",
                          "start_date": "2025-08-10", "rate_cents": 100000, "notified_at": "2025-08-09T09:00"})
        assert r.status_code == 200, r.text
        assert r.json()["use"]["notified_at"].startswith("2025-08-09T09:00")
        [f] = ba.get("/api/consent/findings", params={"performer": pid}).json()
        assert f["type"] == "use_notice" and "15 h 00 min before" in f["reason"]
