"""Jinja2 templates with the filters pages need (money, dates) and the context every page gets."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from fastapi import Request
from fastapi.responses import HTMLResponse
from fastapi.templating import Jinja2Templates
from markupsafe import Markup

from greenroom.accounts.roles import ROLE_LABELS, Permission, Role, allows
from greenroom.money import format_cents
from greenroom.web.security import csrf_token, signed_in

TEMPLATES_DIR = Path(__file__).resolve().parent / "templates"
STATIC_DIR = Path(__file__).resolve().parent / "static"

templates = Jinja2Templates(directory=str(TEMPLATES_DIR))
templates.env.filters["cents"] = lambda v: "" if v is None else format_cents(int(v))
templates.env.filters["role_label"] = lambda r: ROLE_LABELS.get(Role(r), r) if r in Role.__members__ else r
templates.env.filters["svg"] = lambda s: Markup(s)  # charts are built by charts.py from numbers, never user text


def render(request: Request, template: str, status_code: int = 200, /, **context: Any) -> HTMLResponse:
    """Render a page with the signed-in user, their permissions and the CSRF token."""
    si = signed_in(request)
    user = si.user if si else None
    context.update(
        request=request,
        user=user,
        can={p.value: bool(user and allows(user.role, p)) for p in Permission},
        csrf=csrf_token(request),
        is_member=bool(user and user.role == Role.member.value),
        review_enabled=getattr(request.app.state, "review_enabled", False),
        consent_enabled=getattr(request.app.state, "consent_enabled", False),
    )
    return templates.TemplateResponse(request, template, context, status_code=status_code)
