"""Contract review: upload a contract (PDF, DOCX or text), get the annotated report with the playbook's flags.

Uses greenroom.review's `review_document`, `render_html` and `to_json`. Each review is kept under
DIR/reviews/<id>/ (the contract, report.json and report.html) so it can be read again.
"""

from __future__ import annotations

import datetime as dt
import importlib.util
import json
import re
import secrets
import shutil
from pathlib import Path
from typing import Annotated, Any

from fastapi import APIRouter, Depends, File, HTTPException, Request, UploadFile
from fastapi.responses import RedirectResponse, Response

from greenroom.accounts.models import User
from greenroom.accounts.roles import Permission
from greenroom.config import Settings
from greenroom.web.routes.claims import DOCUMENT_CSP
from greenroom.web.security import require, state
from greenroom.web.templating import render
from greenroom.web.uploads import safe_name, write_limited

router = APIRouter(tags=["contract review"])
SUFFIXES = (".pdf", ".docx", ".txt")
MAX_CONTRACT_BYTES = 50 << 20
_ID = re.compile(r"^[0-9]{8}T[0-9]{6}-[0-9a-f]{8}$")


def available() -> bool:
    """Whether contract review is installed."""
    return importlib.util.find_spec("greenroom.review") is not None


def member_data(settings: Settings, performer_id: str) -> None:
    """Contract reviews hold no member data of their own."""
    return None


def _root(settings: Settings) -> Path:
    return settings.data_dir / "reviews"


def _folder(settings: Settings, review_id: str) -> Path:
    if not _ID.match(review_id):
        raise HTTPException(404, f"no review {review_id}")
    folder = _root(settings) / review_id
    if not (folder / "report.json").exists():
        raise HTTPException(404, f"no review {review_id}")
    return folder


def review_upload(request: Request, upload: UploadFile, user: User) -> dict[str, Any]:
    """Check and keep the contract, review it, store the report; returns the summary."""
    from greenroom.review import ReviewInputError, render_html, review_document, to_dict

    name = safe_name(upload.filename or "", default="")
    if Path(name).suffix.lower() not in SUFFIXES:
        raise HTTPException(415, f"{name or 'the file'}: contracts are accepted as {', '.join(SUFFIXES)}")
    settings = state(request).settings
    review_id = f"{dt.datetime.now(dt.UTC):%Y%m%dT%H%M%S}-{secrets.token_hex(4)}"
    folder = _root(settings) / review_id
    folder.mkdir(parents=True)
    path = folder / name
    if not write_limited(upload, path, MAX_CONTRACT_BYTES):
        shutil.rmtree(folder, ignore_errors=True)
        raise HTTPException(413, f"{name}: larger than {MAX_CONTRACT_BYTES >> 20} MB")
    try:
        report = review_document(path)
    except ReviewInputError as exc:
        shutil.rmtree(folder, ignore_errors=True)
        raise HTTPException(400, str(exc)) from None
    data = to_dict(report)
    summary = {"id": review_id, "source": report.source, "kind": report.kind, "pages": report.n_pages,
               "counts": report.counts(), "partial": report.partial, "warnings": report.warnings,
               "reviewed_by": user.username, "reviewed_at": dt.datetime.now(dt.UTC).isoformat(),
               "flags": [{"rule_id": f.rule_id, "title": f.title, "status": f.status, "severity": f.severity,
                          "explanation": f.explanation, "suggested_language": f.suggested_language}
                         for f in report.flags()]}
    (folder / "report.json").write_text(json.dumps({**data, "summary": summary}, default=str), encoding="utf-8")
    (folder / "report.html").write_text(render_html(report), encoding="utf-8")
    return summary


def _summaries(settings: Settings) -> list[dict[str, Any]]:
    root = _root(settings)
    if not root.exists():
        return []
    out = []
    for folder in sorted(root.iterdir(), reverse=True):
        report = folder / "report.json"
        if _ID.match(folder.name) and report.exists():
            out.append(json.loads(report.read_text(encoding="utf-8"))["summary"])
    return out


@router.get("/staff/review", include_in_schema=False)
def review_page(request: Request, user: User = Depends(require(Permission.review))) -> Response:
    """Upload a contract; past reviews."""
    return render(request, "staff/review.html", reviews=_summaries(state(request).settings),
                  max_mb=MAX_CONTRACT_BYTES >> 20)


@router.post("/api/review")
def api_review(request: Request, file: Annotated[UploadFile, File()],
               user: User = Depends(require(Permission.review))) -> dict[str, Any]:
    """Review a contract (PDF, DOCX or text): clauses labelled, playbook flags with evidence and suggested language."""
    return review_upload(request, file, user)


@router.post("/staff/review/upload", include_in_schema=False)
def form_review(request: Request, file: Annotated[UploadFile, File()],
                user: User = Depends(require(Permission.review))) -> Response:
    """The same from the page; opens the result."""
    summary = review_upload(request, file, user)
    return RedirectResponse(f"/staff/review/{summary['id']}", status_code=303)


@router.get("/api/reviews")
def api_reviews(request: Request, user: User = Depends(require(Permission.review))) -> list[dict[str, Any]]:
    """Past reviews, newest first."""
    return _summaries(state(request).settings)


@router.get("/api/review/{review_id}")
def api_report(request: Request, review_id: str, user: User = Depends(require(Permission.review))) -> dict[str, Any]:
    """A stored review as data."""
    data: dict[str, Any] = json.loads((_folder(state(request).settings, review_id) / "report.json").read_text("utf-8"))
    return data


@router.get("/staff/review/{review_id}", include_in_schema=False)
def result_page(request: Request, review_id: str, user: User = Depends(require(Permission.review))) -> Response:
    """The flags, most serious first, and a link to the annotated contract."""
    return render(request, "staff/review_result.html", r=api_report(request, review_id, user)["summary"])


@router.get("/staff/review/{review_id}/report.html")
def report_html(request: Request, review_id: str, user: User = Depends(require(Permission.review))) -> Response:
    """The annotated contract: highlighted clauses and a side panel of flags (self-contained HTML)."""
    body = (_folder(state(request).settings, review_id) / "report.html").read_text("utf-8")
    return Response(body, media_type="text/html; charset=utf-8", headers={"Content-Security-Policy": DOCUMENT_CSP})
