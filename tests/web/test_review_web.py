"""Contract review over HTTP: upload a contract, read the flags and the annotated report; only the right roles."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient

from greenroom.web.security import WebConfig
from tests.web.conftest import Union, signed_in_as

CONTRACT = b"""PERFORMER AGREEMENT

1. Term. This agreement starts on January 1, 2025 and ends on December 31, 2025.

2. Digital Replica. Producer may create a digital replica of Performer and use it in any project, in any
medium, in perpetuity, without further consent or payment.

3. Governing Law. This agreement is governed by the laws of the State of California.
"""


def test_review_a_contract_and_read_the_annotated_report(union: Union, app_config: WebConfig) -> None:
    with signed_in_as(union, app_config, "business") as ba:
        r = ba.post("/api/review", files={"file": ("performer-agreement.txt", CONTRACT, "text/plain")})
        assert r.status_code == 200, r.text
        summary = r.json()
        assert summary["source"] == "performer-agreement.txt" and summary["reviewed_by"] == "business"
        assert summary["counts"]["DEVIATION"] >= 1
        assert any("replica" in f["title"].lower() and f["status"] == "DEVIATION" for f in summary["flags"])
        rid = summary["id"]
        assert rid in [x["id"] for x in ba.get("/api/reviews").json()]
        stored = ba.get(f"/api/review/{rid}").json()
        assert stored["summary"] == summary and stored["findings"]
        page = ba.get(f"/staff/review/{rid}")
        assert page.status_code == 200 and "Suggested language" in page.text
        annotated = ba.get(f"/staff/review/{rid}/report.html")
        assert annotated.status_code == 200 and "Digital Replica" in annotated.text
        assert "default-src 'none'" in annotated.headers["content-security-policy"]
        assert ba.get("/staff/review").status_code == 200
        assert ba.get("/api/review/..%2F..%2Fsecret_key").status_code == 404
        assert ba.get("/api/review/20250101T000000-deadbeef").status_code == 404
        bad = ba.post("/api/review", files={"file": ("contract.exe", b"MZ", "application/octet-stream")})
        assert bad.status_code == 415
        fake = ba.post("/api/review", files={"file": ("contract.pdf", b"not a pdf at all", "application/pdf")})
        assert fake.status_code == 400 and "PDF" in fake.json()["detail"]


def test_review_is_for_business_affairs_and_admin(as_auditor: TestClient) -> None:
    assert as_auditor.get("/staff/review").status_code == 403
    assert as_auditor.post("/api/review", files={"file": ("a.txt", CONTRACT, "text/plain")}).status_code == 403


def test_an_oversized_contract_is_refused_and_nothing_is_kept(union: Union, app_config: WebConfig,
                                                              monkeypatch: pytest.MonkeyPatch) -> None:
    import greenroom.web.routes.review as review_routes

    monkeypatch.setattr(review_routes, "MAX_CONTRACT_BYTES", 64)
    folders_before = set((union.settings.data_dir / "reviews").glob("*"))
    with signed_in_as(union, app_config, "business") as ba:
        r = ba.post("/api/review", files={"file": ("big.txt", CONTRACT, "text/plain")})
    assert r.status_code == 413 and "larger than" in r.json()["detail"]
    assert set((union.settings.data_dir / "reviews").glob("*")) == folders_before
