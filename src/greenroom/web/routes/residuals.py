"""Staff search over residual lines, each with its explanation. Every read of a member's lines is logged."""

from __future__ import annotations

from collections import Counter
from typing import Any

from fastapi import APIRouter, Depends, HTTPException, Query, Request
from fastapi.responses import Response

from greenroom.accounts.models import User
from greenroom.accounts.roles import Permission
from greenroom.web import queries
from greenroom.web.explain import explanation
from greenroom.web.jsonio import json_response
from greenroom.web.security import audit_read, require, state
from greenroom.web.templating import render

router = APIRouter(tags=["residuals"])
PAGE = 50


def search(request: Request, user: User, performer: str | None, title: str | None, market: str | None,
           component: str | None, quarter: str | None, q: str | None, page: int) -> dict[str, Any]:
    """Lines matching the filters (one page), totals, and the access-log entries for the performers shown."""
    if quarter:
        try:
            queries.quarter_bounds(quarter)
        except ValueError:
            raise HTTPException(400, f"quarter {quarter!r} is not like 2024-Q3") from None
    f = queries.LineFilter(performer_id=performer or None, title_id=title or None, market=market or None,
                           component=component or None, quarter=quarter or None, text=q or None)
    with state(request).analytics.cursor() as con:
        count, amount, ph = queries.count_lines(con, f)
        rows = queries.lines(con, f, PAGE, (page - 1) * PAGE)
        markets = queries.markets(con)
    shown = Counter(r["performer_id"] for r in rows)
    audit_read(request, user, dict(shown), f"residual lines search ({request.url.query or 'no filter'})")
    return {"lines": rows, "total_lines": count, "amount_cents": amount, "ph_cents": ph, "page": page,
            "pages": max(1, -(-count // PAGE)), "markets": markets}


@router.get("/staff/residuals", include_in_schema=False)
def residuals_page(request: Request, performer: str | None = None, title: str | None = None,
                   market: str | None = None, component: str | None = None, quarter: str | None = None,
                   q: str | None = None, page: int = Query(1, ge=1),
                   user: User = Depends(require(Permission.residuals))) -> Response:
    """Search and filter residual lines."""
    data = search(request, user, performer, title, market, component, quarter, q, page)
    return render(request, "staff/residuals.html", f={"performer": performer or "", "title": title or "",
                                                      "market": market or "", "component": component or "",
                                                      "quarter": quarter or "", "q": q or ""}, **data)


def _explain(request: Request, user: User, line_id: str) -> dict[str, Any]:
    with state(request).analytics.cursor() as con:
        owner = queries.line_owner(con, line_id)
        if owner is None:
            raise HTTPException(404, f"no residual line {line_id}")
        ex = explanation(con, line_id)
    audit_read(request, user, {owner: 1}, f"residual line {line_id} explained")
    return ex


@router.get("/staff/residuals/{line_id}", include_in_schema=False)
def line_page(request: Request, line_id: str, user: User = Depends(require(Permission.residuals))) -> Response:
    """One line explained."""
    return render(request, "explain.html", ex=_explain(request, user, line_id), back="/staff/residuals")


@router.get("/api/residuals")
def api_search(request: Request, performer: str | None = None, title: str | None = None, market: str | None = None,
               component: str | None = None, quarter: str | None = None, q: str | None = None,
               page: int = Query(1, ge=1), user: User = Depends(require(Permission.residuals))) -> Response:
    """Search residual lines by performer, title, market, component, quarter (2024-Q3) or text."""
    return json_response(search(request, user, performer, title, market, component, quarter, q, page))


@router.get("/api/residuals/{line_id}")
def api_line(request: Request, line_id: str, user: User = Depends(require(Permission.residuals))) -> dict[str, Any]:
    """One line with its explanation, rule, clause and cited values."""
    return _explain(request, user, line_id)
