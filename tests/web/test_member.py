"""The member portal: only my own rows, grouped three ways, explained, with what was paid and who looked."""

from __future__ import annotations

import json

from fastapi.testclient import TestClient

from greenroom.store.analytics import connect
from greenroom.web.security import WebConfig
from tests.web.conftest import Union, signed_in_as


def _truth(union: Union, performer: str) -> tuple[int, int]:
    with connect(union.settings, read_only=False) as con:
        row = con.execute("SELECT count(*), sum(amount_cents) FROM residual_lines WHERE performer_id = ?",
                          [performer]).fetchone()
    assert row is not None
    return int(row[0]), int(row[1])


def test_my_residuals_grouped_three_ways_add_up_to_my_lines(union: Union, as_member: TestClient) -> None:
    count, amount = _truth(union, union.member)
    for by in ("title", "market", "period"):
        body = as_member.get("/api/me/residuals", params={"by": by}).json()
        assert body["performer_id"] == union.member
        assert body["total_lines"] == count and body["amount_cents"] == amount
        assert sum(g["lines"] for g in body["groups"]) == count
        assert sum(g["amount_cents"] for g in body["groups"]) == amount
        assert {ln["performer_id"] for ln in body["lines"]} == {union.member}


def test_filters_narrow_to_the_group(as_member: TestClient) -> None:
    body = as_member.get("/api/me/residuals", params={"by": "market"}).json()
    market = body["groups"][0]
    narrowed = as_member.get("/api/me/residuals", params={"market": market["key"]}).json()
    assert narrowed["total_lines"] == market["lines"] and narrowed["amount_cents"] == market["amount_cents"]
    quarter = as_member.get("/api/me/residuals", params={"by": "period"}).json()["groups"][0]
    narrowed = as_member.get("/api/me/residuals", params={"quarter": quarter["key"]}).json()
    assert narrowed["total_lines"] == quarter["lines"]
    assert as_member.get("/api/me/residuals", params={"quarter": "2024-Q5"}).status_code == 400
    assert as_member.get("/api/me/residuals", params={"by": "colour"}).status_code == 400


def test_a_member_cannot_reach_another_members_data(union: Union, as_member: TestClient) -> None:
    with connect(union.settings) as con:
        row = con.execute("SELECT line_id FROM residual_lines WHERE performer_id = ? LIMIT 1", [union.other]).fetchone()
    assert row is not None
    theirs = row[0]
    assert as_member.get(f"/api/me/residuals/{theirs}").status_code == 404
    assert as_member.get(f"/me/residuals/{theirs}").status_code == 404
    # Query parameters cannot point the portal at someone else.
    body = as_member.get("/api/me/residuals", params={"performer_id": union.other, "performer": union.other}).json()
    assert body["performer_id"] == union.member
    assert as_member.get(f"/api/members/{union.other}").status_code == 403
    assert as_member.get(f"/api/residuals/{theirs}").status_code == 403
    assert as_member.get("/api/residuals", params={"performer": union.other}).status_code == 403


def test_my_line_is_explained_in_plain_words(as_member: TestClient) -> None:
    line = as_member.get("/api/me/residuals").json()["lines"][0]
    ex = as_member.get(f"/api/me/residuals/{line['line_id']}").json()
    assert ex["line"]["line_id"] == line["line_id"]
    assert "How it was worked out" in ex["plain_words"] and ex["clause"]
    page = as_member.get(f"/me/residuals/{line['line_id']}")
    assert page.status_code == 200 and "Values used" in page.text


def test_statement_shows_owed_and_paid_for_me_only(union: Union, as_member: TestClient) -> None:
    rows = as_member.get("/api/me/statement").json()
    assert rows, "the audit compared payments for this member"
    assert all(r["difference_cents"] == r["owed_cents"] - r["paid_cents"] for r in rows)
    page = as_member.get("/me/statement")
    assert page.status_code == 200 and "What was owed" in page.text


def test_staff_reads_appear_in_my_access_log(union: Union, app_config: WebConfig, as_member: TestClient) -> None:
    before = len(as_member.get("/api/me/access-log").json())
    with signed_in_as(union, app_config, "auditor") as auditor:
        assert auditor.get(f"/api/members/{union.member}").status_code == 200
        line = as_member.get("/api/me/residuals").json()["lines"][0]["line_id"]
        assert auditor.get(f"/api/residuals/{line}").status_code == 200
        assert auditor.get("/api/residuals", params={"performer": union.member}).status_code == 200
    log = as_member.get("/api/me/access-log").json()
    assert len(log) == before + 3
    assert {e["staff"] for e in log[:3]} == {"auditor"}
    assert any(line in e["what"] for e in log[:3])
    # Reading my own data is not logged.
    as_member.get("/api/me/residuals")
    assert len(as_member.get("/api/me/access-log").json()) == before + 3
    assert "auditor" in as_member.get("/me/access-log").text


def test_export_holds_all_my_lines_and_nobody_elses(union: Union, as_member: TestClient) -> None:
    count, amount = _truth(union, union.member)
    r = as_member.get("/api/me/export")
    assert r.status_code == 200 and "attachment" in r.headers["content-disposition"]
    data = json.loads(r.text)
    assert data["account"]["performer_id"] == union.member
    assert len(data["residual_lines"]) == count
    assert sum(ln["amount_cents"] for ln in data["residual_lines"]) == amount
    assert {ln["performer_id"] for ln in data["residual_lines"]} == {union.member}
    assert all(f["title_id"] for f in data["findings"])


def test_dashboard_and_pages_render_with_a_chart(as_member: TestClient) -> None:
    page = as_member.get("/me")
    assert page.status_code == 200 and "<svg" in page.text and "owed" in page.text
    for path in ("/me/residuals?by=title", "/me/residuals?by=market", "/me/residuals?by=period", "/me/access-log",
                 "/account"):
        assert as_member.get(path).status_code == 200, path


def test_a_line_shows_what_was_paid_on_its_key(union: Union, as_member: TestClient) -> None:
    line = as_member.get("/api/me/residuals").json()["lines"][0]
    ex = as_member.get(f"/api/me/residuals/{line['line_id']}").json()
    with connect(union.settings) as con:
        row = con.execute("""SELECT sum(owed_cents), sum(paid_cents) FROM ledger_balances WHERE performer_id = ?
            AND title_id = ? AND market = ? AND period_start = ? AND period_end = ?""",
                          [union.member, line["title_id"], line["market"], line["period_start"],
                           line["period_end"]]).fetchone()
    assert row is not None and row[0] is not None
    assert (ex["paid"]["owed_cents"], ex["paid"]["paid_cents"]) == (row[0], row[1])
    assert ex["paid"]["difference_cents"] == row[0] - row[1]
    assert "What was paid" in as_member.get(f"/me/residuals/{line['line_id']}").text
