"""The member portal: my residuals by title, market and period with explanations, what was paid, who looked.

Every query here takes the performer id from the signed-in member's account, never from the request.
"""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

from fastapi import APIRouter, Depends, HTTPException, Query, Request
from fastapi.responses import Response

from greenroom.accounts.models import User
from greenroom.accounts.service import access_log
from greenroom.audit.reports import member_statement
from greenroom.audit.workflow import query_findings
from greenroom.web import queries
from greenroom.web.charts import owed_paid_chart
from greenroom.web.explain import explanation
from greenroom.web.jsonio import json_response
from greenroom.web.security import require_member, state
from greenroom.web.templating import render

router = APIRouter(tags=["member portal"])
PAGE = 50


def _pid(user: User) -> str:
    assert user.performer_id is not None  # require_member guarantees it
    return user.performer_id


def _filter(user: User, title: str | None, market: str | None, quarter: str | None) -> queries.LineFilter:
    try:
        if quarter:
            queries.quarter_bounds(quarter)
    except ValueError:
        raise HTTPException(400, f"quarter {quarter!r} is not like 2024-Q3") from None
    return queries.LineFilter(performer_id=_pid(user), title_id=title or None, market=market or None,
                              quarter=quarter or None)


def my_residuals(request: Request, user: User, by: str, title: str | None, market: str | None,
                 quarter: str | None, page: int) -> dict[str, Any]:
    """Totals grouped by title, market or quarter, and the matching lines (one page)."""
    if by not in queries.GROUPS:
        raise HTTPException(400, f"by must be one of: {', '.join(queries.GROUPS)}")
    f = _filter(user, title, market, quarter)
    with state(request).analytics.cursor() as con:
        groups = queries.grouped(con, _pid(user), by)
        count, amount, ph = queries.count_lines(con, f)
        rows = queries.lines(con, f, PAGE, (page - 1) * PAGE)
    return {"performer_id": _pid(user), "by": by, "groups": groups, "lines": rows, "total_lines": count,
            "amount_cents": amount, "ph_cents": ph, "page": page, "pages": max(1, -(-count // PAGE))}


def _my_line(request: Request, user: User, line_id: str) -> dict[str, Any]:
    with state(request).analytics.cursor() as con:
        # Another member's line and no line at all look the same: nothing to learn by guessing ids.
        if queries.line_owner(con, line_id) != _pid(user):
            raise HTTPException(404, f"no residual line {line_id} of yours")
        return explanation(con, line_id)


@router.get("/me", include_in_schema=False)
def dashboard(request: Request, user: User = Depends(require_member)) -> Response:
    """Totals, owed against paid over time, the titles that pay most, open findings on my rows."""
    pid = _pid(user)
    with state(request).analytics.cursor() as con:
        count, amount, ph = queries.count_lines(con, queries.LineFilter(performer_id=pid))
        series = queries.owed_paid_by_quarter(con, pid)
        titles = queries.grouped(con, pid, "title")[:8]
        name = queries.performer_name(con, pid)
    findings = [f for f in query_findings(state(request).sessions, performer_id=pid) if f.status != "resolved"]
    owed = sum(o for _, o, _ in series)
    paid = sum(p for _, _, p in series if p is not None) if any(p is not None for _, _, p in series) else None
    return render(request, "portal/dashboard.html", performer_name=name, count=count, amount=amount, ph=ph,
                  chart=owed_paid_chart(series[-16:]), titles=titles, findings=findings, owed=owed, paid=paid)


@router.get("/me/residuals", include_in_schema=False)
def residuals_page(request: Request, by: str = "title", title: str | None = None, market: str | None = None,
                   quarter: str | None = None, page: int = Query(1, ge=1),
                   user: User = Depends(require_member)) -> Response:
    """My residuals grouped by title, market or period, and the lines behind them."""
    return render(request, "portal/residuals.html", title_filter=title, market_filter=market,
                  quarter_filter=quarter, **my_residuals(request, user, by, title, market, quarter, page))


@router.get("/me/residuals/{line_id}", include_in_schema=False)
def line_page(request: Request, line_id: str, user: User = Depends(require_member)) -> Response:
    """One of my lines explained in plain words."""
    return render(request, "explain.html", ex=_my_line(request, user, line_id), back="/me/residuals")


@router.get("/me/statement", include_in_schema=False)
def statement_page(request: Request, user: User = Depends(require_member)) -> Response:
    """What was owed and what was paid, per title, market and period, with findings."""
    rows = member_statement(state(request).settings, _pid(user))
    return render(request, "portal/statement.html", rows=rows,
                  totals={k: sum(int(r[k]) for r in rows) for k in ("owed_cents", "paid_cents", "difference_cents")})


@router.get("/me/access-log", include_in_schema=False)
def access_page(request: Request, user: User = Depends(require_member)) -> Response:
    """Every time staff read my data."""
    return render(request, "portal/access_log.html", entries=access_log(state(request).sessions, _pid(user), 500))


@router.get("/api/me/residuals")
def api_residuals(request: Request, by: str = "title", title: str | None = None, market: str | None = None,
                  quarter: str | None = None, page: int = Query(1, ge=1),
                  user: User = Depends(require_member)) -> Response:
    """My residuals grouped by title, market or quarter (by=), filtered, with one page of lines."""
    return json_response(my_residuals(request, user, by, title, market, quarter, page))


@router.get("/api/me/residuals/{line_id}")
def api_line(request: Request, line_id: str, user: User = Depends(require_member)) -> Response:
    """One of my lines with its explanation."""
    return json_response(_my_line(request, user, line_id))


@router.get("/api/me/statement")
def api_statement(request: Request, user: User = Depends(require_member)) -> list[dict[str, Any]]:
    """Owed, paid and the difference per title, market and period (from the last audit)."""
    return member_statement(state(request).settings, _pid(user))


@router.get("/api/me/access-log")
def api_access_log(request: Request, user: User = Depends(require_member)) -> list[dict[str, Any]]:
    """Staff reads of my data, newest first."""
    return [{"at": e.at, "staff": e.staff_username, "role": e.staff_role, "what": e.what, "rows": e.rows}
            for e in access_log(state(request).sessions, _pid(user), 1000)]


def export_data(request: Request, user: User) -> dict[str, Any]:
    """Everything held about the member: account, residual lines, statement, findings, access log, consents."""
    pid = _pid(user)
    st = state(request)
    with st.analytics.cursor() as con:
        lines = queries.lines(con, queries.LineFilter(performer_id=pid), limit=1_000_000)
    findings = [{"id": f.id, "type": f.type, "payer": f.payer, "title_id": f.title_id, "market": f.market,
                 "period_start": f.period_start, "period_end": f.period_end, "owed_cents": f.owed_cents,
                 "paid_cents": f.paid_cents, "difference_cents": f.difference_cents, "status": f.status,
                 "summary": f.summary} for f in query_findings(st.sessions, performer_id=pid)]
    data: dict[str, Any] = {
        "exported_at": dt.datetime.now(dt.UTC),
        "account": {"username": user.username, "display_name": user.display_name, "performer_id": pid,
                    "created_at": user.created_at},
        "residual_lines": lines,
        "statement": member_statement(st.settings, pid),
        "findings": findings,
        "access_log": [{"at": e.at, "staff": e.staff_username, "role": e.staff_role, "what": e.what}
                       for e in access_log(st.sessions, pid, 100_000)],
    }
    from greenroom.web.routes import consent

    if consent.available():
        data["consents"] = consent.member_data(st.settings, pid)
    return data


@router.get("/api/me/export")
def api_export(request: Request, user: User = Depends(require_member)) -> Response:
    """All my data as one JSON file."""
    body = json.dumps(export_data(request, user), default=str, indent=1)  # a file to keep: indented
    return Response(body, media_type="application/json",
                    headers={"Content-Disposition": f'attachment; filename="greenroom-{_pid(user)}.json"'})


@router.get("/me/export", include_in_schema=False)
def export_page(request: Request, user: User = Depends(require_member)) -> Response:
    """Download my data (the same as /api/me/export)."""
    return api_export(request, user)
