"""The staff console's front page: what needs attention in each area the role can reach."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Depends, Request
from fastapi.responses import Response
from sqlalchemy import func, select

from greenroom.accounts.models import User
from greenroom.accounts.roles import Permission, allows, is_staff
from greenroom.audit.models import Finding
from greenroom.ingest.models import OPEN, QuarantineRecord
from greenroom.web import queries
from greenroom.web.charts import bar_chart, owed_paid_chart
from greenroom.web.security import Forbidden, current_user, state
from greenroom.web.templating import render

router = APIRouter(tags=["staff"])


def require_staff(user: User = Depends(current_user)) -> User:
    """A dependency: any staff role."""
    if not is_staff(user.role):
        raise Forbidden("the staff console is for union staff")
    return user


def findings_by_type(request: Request, status: str | None = None) -> list[tuple[str, int]]:
    """How many findings of each type (optionally of one status), most first."""
    stmt = select(Finding.type, func.count(Finding.id)).group_by(Finding.type).order_by(func.count(Finding.id).desc())
    if status:
        stmt = stmt.where(Finding.status == status)
    with state(request).sessions() as s:
        return [(str(t), int(n)) for t, n in s.execute(stmt)]


@router.get("/staff", include_in_schema=False)
def overview(request: Request, user: User = Depends(require_staff)) -> Response:
    """Counts and charts across the union (no single member's data, so nothing to log)."""
    ctx: dict[str, Any] = {}
    if allows(user.role, Permission.ingest):
        with state(request).sessions() as s:
            ctx["quarantine_open"] = int(s.scalar(select(func.count(QuarantineRecord.id))
                                                  .where(QuarantineRecord.status == OPEN)) or 0)
    if allows(user.role, Permission.residuals) or allows(user.role, Permission.audit):
        with state(request).analytics.cursor() as con:
            count, amount, ph = queries.count_lines(con, queries.LineFilter())
            ctx.update(lines=count, amount=amount, ph=ph,
                       owed_chart=owed_paid_chart(queries.owed_paid_by_quarter(con)[-16:],
                                                  "Owed and paid by quarter, all members"))
    if allows(user.role, Permission.audit):
        open_types = findings_by_type(request, "open")
        ctx.update(findings_open=sum(n for _, n in open_types),
                   findings_chart=bar_chart(open_types, "Open findings by type"))
    return render(request, "staff/overview.html", **ctx)
