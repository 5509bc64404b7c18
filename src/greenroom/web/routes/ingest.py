"""Studio files: upload (size- and type-checked) and load, the loads list, the quarantine, fix and re-load."""

from __future__ import annotations

import datetime as dt
import secrets
import shutil
import tempfile
from dataclasses import asdict
from pathlib import Path
from typing import Annotated, Any

from fastapi import APIRouter, Depends, File, Form, HTTPException, Query, Request, UploadFile
from fastapi.responses import FileResponse, Response
from starlette.background import BackgroundTask

from greenroom.accounts.models import User
from greenroom.accounts.roles import Permission
from greenroom.ingest.errors import IngestRefused
from greenroom.ingest.export import default_output, export_quarantine
from greenroom.ingest.loader import KIND_ORDER, LoadResult, load_files
from greenroom.ingest.registry import count_quarantine, get_load, list_loads, query_quarantine
from greenroom.residuals.engine import compute
from greenroom.web.security import audit_read, require, state
from greenroom.web.templating import render
from greenroom.web.uploads import safe_name, write_limited

router = APIRouter(tags=["ingest"])
SUFFIXES = {".csv": "csv", ".xlsx": "xlsx", ".parquet": "parquet"}
STATUSES = ("open", "resolved", "all")


class UploadRefused(ValueError):
    """An upload we will not load: wrong type, empty, too large."""


def check_content(path: Path, suffix: str) -> None:
    """The file's first bytes must match its extension (Parquet, XLSX zip, or text for CSV)."""
    with path.open("rb") as fh:
        head = fh.read(8192)
    if not head:
        raise UploadRefused("the file is empty")
    if suffix == ".parquet" and not head.startswith(b"PAR1"):
        raise UploadRefused("the file ends in .parquet but is not a Parquet file")
    if suffix == ".xlsx" and not head.startswith(b"PK\x03\x04"):
        raise UploadRefused("the file ends in .xlsx but is not an Excel workbook")
    if suffix == ".csv" and b"\x00" in head and not head.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise UploadRefused("the file ends in .csv but holds binary data")


def save_upload(request: Request, upload: UploadFile, user: User) -> Path:
    """Check the name, size and content of an uploaded file and keep it under the data directory."""
    name = safe_name(upload.filename or "")
    suffix = Path(name).suffix.lower()
    if suffix not in SUFFIXES:
        raise UploadRefused(f"{name}: only {', '.join(SUFFIXES)} files are accepted")
    st = state(request)
    stamp = dt.datetime.now(dt.UTC).strftime("%Y%m%dT%H%M%S")
    # One folder per upload keeps the original name, from which the loader tells the kind.
    folder = st.settings.data_dir / "uploads" / f"{stamp}-{user.username}-{secrets.token_hex(4)}"
    folder.mkdir(parents=True, exist_ok=True)
    target = folder / name
    limit = st.config.max_upload_bytes
    if not write_limited(upload, target, limit):
        raise UploadRefused(f"{name}: larger than the {limit // (1 << 20)} MB upload limit")
    try:
        check_content(target, suffix)
    except UploadRefused as exc:
        target.unlink(missing_ok=True)
        raise UploadRefused(f"{name}: {exc}") from None
    return target


def result_dict(r: LoadResult) -> dict[str, Any]:
    """A load's outcome for the API."""
    return {**asdict(r), "balanced": r.balanced, "summary": r.summary()}


def upload_and_load(request: Request, file: UploadFile, kind: str, user: User) -> dict[str, Any]:
    """Save, check and load one uploaded file."""
    if kind not in ("auto", *KIND_ORDER):
        raise HTTPException(400, f"kind must be auto or one of {', '.join(KIND_ORDER)}")
    try:
        path = save_upload(request, file, user)
    except UploadRefused as exc:
        raise HTTPException(415 if "accepted" in str(exc) or "is not" in str(exc) or "binary" in str(exc)
                            else 413 if "limit" in str(exc) else 400, str(exc)) from None
    results = load_files(state(request).settings, [path], None if kind == "auto" else kind)
    return result_dict(results[0])


@router.get("/staff/ingest", include_in_schema=False)
def ingest_page(request: Request, user: User = Depends(require(Permission.ingest))) -> Response:
    """Upload form and recent loads."""
    sessions = state(request).sessions
    return render(request, "staff/ingest.html", loads=list_loads(sessions, 50), kinds=KIND_ORDER,
                  open_total=count_quarantine(sessions), max_mb=state(request).config.max_upload_bytes >> 20)


@router.post("/api/ingest/upload")
def api_upload(request: Request, file: Annotated[UploadFile, File()], kind: Annotated[str, Form()] = "auto",
               user: User = Depends(require(Permission.ingest))) -> dict[str, Any]:
    """Upload a titles, engagements or exhibitions file (CSV, XLSX, Parquet) and load it."""
    return upload_and_load(request, file, kind, user)


@router.post("/staff/ingest/upload", include_in_schema=False)
def upload_form(request: Request, file: Annotated[UploadFile, File()], kind: Annotated[str, Form()] = "auto",
                user: User = Depends(require(Permission.ingest))) -> Response:
    """The same upload from a plain form (no JavaScript): shows the outcome."""
    result = upload_and_load(request, file, kind, user)
    return render(request, "staff/load_result.html", result=result)


def _performers(records: list[Any]) -> dict[str, int]:
    """Performer ids in quarantined engagement rows (their pay is member data: reading it is logged)."""
    out: dict[str, int] = {}
    for r in records:
        pid = (r.original or {}).get("performer_id") if r.kind == "engagements" else None
        if pid:
            out[str(pid)] = out.get(str(pid), 0) + 1
    return out


def _quarantine(request: Request, user: User, load: int | None, kind: str | None, status: str, limit: int
                ) -> tuple[list[dict[str, Any]], int]:
    if status not in STATUSES:
        raise HTTPException(400, f"status must be one of {', '.join(STATUSES)}")
    if kind and kind not in KIND_ORDER:
        raise HTTPException(400, f"kind must be one of {', '.join(KIND_ORDER)}")
    sessions = state(request).sessions
    wanted = None if status == "all" else status
    records = query_quarantine(sessions, load, kind or None, wanted, limit)
    audit_read(request, user, _performers(records), f"quarantined engagement rows ({request.url.query or 'all'})")
    rows = [{"id": r.id, "load_id": r.load_id, "kind": r.kind, "file_name": r.file_name, "row_number": r.row_number,
             "column": r.column_name, "value": r.value, "reason": r.reason, "problems": r.problems,
             "status": r.status, "resolved_by_load_id": r.resolved_by_load_id} for r in records]
    return rows, count_quarantine(sessions, load, kind or None, wanted)


@router.get("/staff/ingest/quarantine", include_in_schema=False)
def quarantine_page(request: Request, load: int | None = None, kind: str | None = None, status: str = "open",
                    user: User = Depends(require(Permission.ingest))) -> Response:
    """Quarantined rows: file, row, column, value and why; export to fix, then upload the fixed file."""
    rows, total = _quarantine(request, user, load, kind or None, status, 500)
    return render(request, "staff/quarantine.html", rows=rows, total=total, load=load, kind=kind, status=status,
                  kinds=KIND_ORDER, statuses=STATUSES)


@router.get("/api/ingest/loads")
def api_loads(request: Request, limit: int = Query(50, ge=1, le=1000),
              user: User = Depends(require(Permission.ingest))) -> list[dict[str, Any]]:
    """Recent loads with their row accounting and open quarantine."""
    return [{"id": ld.id, "file_name": ld.file_name, "kind": ld.kind, "status": ld.status, "rows_read": ld.rows_read,
             "loaded": ld.loaded, "quarantined": ld.quarantined, "open": still_open, "duplicates": ld.duplicates,
             "started_at": ld.started_at, "messages": ld.messages}
            for ld, still_open in list_loads(state(request).sessions, limit)]


@router.get("/api/ingest/quarantine")
def api_quarantine(request: Request, load: int | None = None, kind: str | None = None, status: str = "open",
                   limit: int = Query(500, ge=1, le=10_000),
                   user: User = Depends(require(Permission.ingest))) -> dict[str, Any]:
    """Quarantined rows (filter by load, kind, status) and how many match in all."""
    rows, total = _quarantine(request, user, load, kind, status, limit)
    return {"total": total, "rows": rows}


@router.get("/staff/ingest/quarantine/export")
def export(request: Request, load: int | None = None, kind: str | None = None,
           user: User = Depends(require(Permission.ingest))) -> Response:
    """Open quarantined rows as an exchange CSV with _row and _reason, to fix and upload again."""
    if load is None and not kind:
        raise HTTPException(400, "choose a load or a kind to export")
    st = state(request)
    if not kind and load is not None:
        found = get_load(st.sessions, load)
        kind = found.kind if found else None
    tmp = Path(tempfile.mkdtemp(dir=st.settings.data_dir))
    try:
        moved, _, _ = export_quarantine(st.settings, tmp / default_output(kind or "rows", load).name, load,
                                        kind or None)
        audit_read(request, user, _performers(query_quarantine(st.sessions, load, kind or None)),
                   "quarantined engagement rows exported")
    except IngestRefused as exc:
        shutil.rmtree(tmp, ignore_errors=True)
        raise HTTPException(404, str(exc)) from None
    return FileResponse(moved, media_type="text/csv", filename=Path(moved).name,
                        background=BackgroundTask(shutil.rmtree, tmp, True))


@router.post("/api/residuals/compute")
def api_compute(request: Request, user: User = Depends(require(Permission.ingest))) -> dict[str, Any]:
    """Price every loaded exhibition again (after loads or fixes)."""
    with state(request).analytics.cursor() as con:
        r = compute(con)
    return {**asdict(r), "balanced": r.balanced}


@router.post("/staff/residuals/compute", include_in_schema=False)
def compute_form(request: Request, user: User = Depends(require(Permission.ingest))) -> Response:
    """Recompute from the console."""
    return render(request, "staff/compute_result.html", result=api_compute(request, user))
