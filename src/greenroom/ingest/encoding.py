"""One pass over a file's bytes: content hash, UTF-8 validity, blank lines; then charset detection."""

from __future__ import annotations

import codecs
import hashlib
import re
from dataclasses import dataclass
from pathlib import Path

import charset_normalizer

CHUNK = 4 * 1024 * 1024
# A truly empty line; DuckDB's CSV reader skips these, which would shift the row numbers we report.
_BLANK_LINE = re.compile(rb"\n\r?\n")
# Tried in this order when they decode nearly as cleanly as the best guess: studio exports from
# North America are overwhelmingly Windows-1252, and short samples make the detector's ranking
# among Western code pages close to arbitrary.
_PREFERRED = ("cp1252", "latin_1", "iso8859_15")
_TIE = 0.1


@dataclass(frozen=True)
class ByteScan:
    """What one pass over the raw bytes found."""

    sha256: str
    size: int
    utf8: bool
    bom: bool
    blank_line_inside: bool
    first_bad_offset: int | None


def scan_bytes(path: Path) -> ByteScan:
    """Hash the file and check, in the same pass, whether it is UTF-8 and has blank lines inside."""
    digest = hashlib.sha256()
    decoder = codecs.getincrementaldecoder("utf-8")()
    utf8, bad_offset, size, bom = True, None, 0, False
    blank_inside, blank_pending, tail = False, False, b""
    with path.open("rb") as f:
        while chunk := f.read(CHUNK):
            digest.update(chunk)
            if size == 0 and (chunk.startswith(b"\n") or chunk.startswith(b"\r\n")):
                blank_inside = True
            if utf8:
                try:
                    decoder.decode(chunk)
                except UnicodeDecodeError as exc:
                    utf8, bad_offset = False, size + max(exc.start, 0)
            if not blank_inside:
                if blank_pending and chunk.strip():
                    blank_inside = True
                else:
                    buf = tail + chunk
                    match = _BLANK_LINE.search(buf)
                    if match:
                        blank_inside = bool(buf[match.end():].strip())
                        blank_pending = not blank_inside
            tail = chunk[-2:]
            if size == 0:
                bom = chunk.startswith(codecs.BOM_UTF8)
            size += len(chunk)
    if utf8:
        try:
            decoder.decode(b"", final=True)
        except UnicodeDecodeError:
            utf8, bad_offset = False, size
    return ByteScan(digest.hexdigest(), size, utf8, bom, blank_inside, bad_offset)


def detect_encoding(path: Path, bad_offset: int | None = None) -> str | None:
    """Best guess at a non-UTF-8 file's encoding, or None when the bytes do not look like text."""
    results = charset_normalizer.from_path(path)
    best = results.best()
    if best is None:
        return None
    tied = [r.encoding for r in results if r.chaos <= best.chaos + _TIE]
    for name in _PREFERRED:
        if name in tied:
            return name
    # charset-normalizer drops encodings that decode identically to one already tried, so a
    # plain latin-1 file may come back as cp1250; report it as cp1252 when that reads the same.
    sample = _sample(path, bad_offset)
    try:
        if sample.decode("cp1252") == sample.decode(best.encoding):
            return "cp1252"
    except (UnicodeDecodeError, LookupError):
        pass
    return str(best.encoding)


def _sample(path: Path, offset: int | None, size: int = 65536) -> bytes:
    """Bytes around the first non-UTF-8 byte (or the start), cut at line breaks."""
    start = max((offset or 0) - size // 2, 0)
    with path.open("rb") as f:
        f.seek(start)
        data = f.read(size)
    if start:
        data = data[data.find(b"\n") + 1:]
    end = data.rfind(b"\n")
    return data[: end + 1] if end > 0 else data
