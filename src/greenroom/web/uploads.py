"""Uploaded files: a safe name, and a copy to disk that stops at a size limit."""

from __future__ import annotations

import re
from pathlib import Path

from fastapi import UploadFile

_CHUNK = 1 << 20


def safe_name(filename: str, default: str = "upload") -> str:
    """The file's base name with anything but letters, digits, '.', '_' and '-' replaced (no paths survive)."""
    base = Path(filename.replace("\\", "/")).name
    return (re.sub(r"[^A-Za-z0-9._-]+", "_", base).strip("._") or default)[:120]


def write_limited(upload: UploadFile, target: Path, limit: int) -> bool:
    """Copy the upload to target in chunks; False (and no file left behind) when it exceeds limit bytes."""
    size = 0
    with target.open("wb") as out:
        while chunk := upload.file.read(_CHUNK):
            size += len(chunk)
            if size > limit:
                break
            out.write(chunk)
    if size > limit:
        target.unlink(missing_ok=True)
        return False
    return True
