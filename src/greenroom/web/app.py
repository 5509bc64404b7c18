"""The FastAPI application: settings, sessions, error pages, and one router per area."""

from __future__ import annotations

import importlib
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

import duckdb
from fastapi import Depends, FastAPI, Request
from fastapi.responses import JSONResponse, RedirectResponse, Response
from fastapi.staticfiles import StaticFiles
from starlette.exceptions import HTTPException as StarletteHTTPException

from greenroom.accounts.service import secret_key
from greenroom.config import Settings
from greenroom.store.db import session_factory
from greenroom.web.analytics import BUSY_MESSAGE, AnalyticsBusy, SharedAnalytics
from greenroom.web.security import AppState, CsrfFailed, Forbidden, LoginRequired, WebConfig, csrf_protect
from greenroom.web.templating import STATIC_DIR, render

# Areas whose router modules are always present; optional ones are added when their domain exists.
ROUTERS = ("auth", "portal", "staff", "ingest", "residuals", "audit", "claims", "members", "admin")
OPTIONAL_ROUTERS = ("review", "consent")


def _wants_json(request: Request) -> bool:
    return request.url.path.startswith("/api/") or "application/json" in request.headers.get("accept", "")


def api_operations(schema: dict[str, Any]) -> list[dict[str, Any]]:
    """Each operation of an OpenAPI document: method, path, summary, description, parameters, body, tag."""
    out = []
    for path, methods in schema.get("paths", {}).items():
        for method, op in methods.items():
            body = op.get("requestBody", {}).get("content", {})
            out.append({"method": method.upper(), "path": path, "summary": op.get("summary", ""),
                        "description": op.get("description", ""), "tag": (op.get("tags") or [""])[0],
                        "parameters": [(p["name"], p["in"], p.get("required", False))
                                       for p in op.get("parameters", [])],
                        "body": ", ".join(body)})
    return sorted(out, key=lambda o: (o["tag"], o["path"], o["method"]))


def create_app(settings: Settings, config: WebConfig | None = None) -> FastAPI:
    """The web application for one data directory (and its application database)."""
    config = config or WebConfig()
    analytics = SharedAnalytics(settings, config.duckdb_idle_seconds)

    @asynccontextmanager
    async def lifespan(_: FastAPI) -> AsyncIterator[None]:
        yield
        analytics.close()

    app = FastAPI(title="Greenroom", version="0.1.0", lifespan=lifespan, docs_url=None,
                  redoc_url=None, openapi_url="/api/openapi.json", dependencies=[Depends(csrf_protect)],
                  description="Staff console and member portal. Sign in at /login; the API uses the same session "
                              "cookie, and every state-changing call sends the X-CSRF-Token header "
                              "(GET /api/me returns it).")
    app.state.greenroom = AppState(settings=settings, sessions=session_factory(settings),
                                   secret=secret_key(settings), config=config, analytics=analytics)
    app.mount("/static", StaticFiles(directory=str(STATIC_DIR)), name="static")
    for name in ROUTERS:
        app.include_router(importlib.import_module(f"greenroom.web.routes.{name}").router)
    for name in OPTIONAL_ROUTERS:
        module = importlib.import_module(f"greenroom.web.routes.{name}")
        enabled = module.available()
        setattr(app.state, f"{name}_enabled", enabled)
        if enabled:
            app.include_router(module.router)

    @app.exception_handler(LoginRequired)
    async def login_required(request: Request, _: LoginRequired) -> Response:
        if _wants_json(request):
            return JSONResponse({"detail": "sign in first"}, status_code=401)
        target = request.url.path + (f"?{request.url.query}" if request.url.query else "")
        response = RedirectResponse(f"/login?next={target}", status_code=303)
        return response

    @app.exception_handler(Forbidden)
    async def forbidden(request: Request, exc: Forbidden) -> Response:
        if _wants_json(request):
            return JSONResponse({"detail": exc.message}, status_code=403)
        return render(request, "error.html", 403, title="Not allowed", detail=exc.message)

    @app.exception_handler(CsrfFailed)
    async def csrf_failed(request: Request, _: CsrfFailed) -> Response:
        message = "the form's security token is missing or wrong; reload the page and try again"
        if _wants_json(request):
            return JSONResponse({"detail": message}, status_code=403)
        return render(request, "error.html", 403, title="Form expired", detail=message)

    @app.exception_handler(AnalyticsBusy)
    async def busy(request: Request, exc: AnalyticsBusy) -> Response:
        if _wants_json(request):
            return JSONResponse({"detail": str(exc)}, status_code=503, headers={"Retry-After": "30"})
        return render(request, "error.html", 503, title="Busy", detail=str(exc))

    @app.exception_handler(duckdb.IOException)
    async def locked(request: Request, exc: duckdb.IOException) -> Response:
        # Domain code (a load, an audit report) opening the file while another process holds it.
        if "lock" not in str(exc).lower():
            raise exc
        return await busy(request, AnalyticsBusy(BUSY_MESSAGE))

    @app.exception_handler(StarletteHTTPException)
    async def http_error(request: Request, exc: StarletteHTTPException) -> Response:
        if _wants_json(request):
            return JSONResponse({"detail": exc.detail}, status_code=exc.status_code, headers=exc.headers)
        return render(request, "error.html", exc.status_code, title=f"Error {exc.status_code}",
                      detail=str(exc.detail))

    @app.middleware("http")
    async def security_headers(request: Request, call_next):  # type: ignore[no-untyped-def]
        response: Response = await call_next(request)
        response.headers.setdefault("X-Content-Type-Options", "nosniff")
        response.headers.setdefault("X-Frame-Options", "DENY")
        response.headers.setdefault("Referrer-Policy", "same-origin")
        response.headers.setdefault("Content-Security-Policy",
                                    "default-src 'self'; img-src 'self' data:; style-src 'self'; "
                                    "script-src 'self'; frame-ancestors 'none'")
        if request.url.path != "/healthz" and not request.url.path.startswith("/static/"):
            response.headers.setdefault("Cache-Control", "no-store")
        return response

    @app.get("/api/docs", include_in_schema=False)
    def api_docs(request: Request) -> Response:
        """The API's operations, drawn from its OpenAPI description on the server (no script from elsewhere)."""
        return render(request, "api_docs.html", operations=api_operations(app.openapi()))

    @app.get("/healthz", include_in_schema=False)
    def healthz() -> dict[str, str]:
        return {"status": "ok"}

    return app
