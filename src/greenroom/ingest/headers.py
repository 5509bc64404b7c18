"""Match a file's header to an exchange format: case-insensitive, spaces stripped, typos suggested."""

from __future__ import annotations

import difflib
from dataclasses import dataclass, field

from greenroom.ingest.errors import IngestRefused
from greenroom.ingest.schemas import Schema

# Columns our own quarantine export adds; the loader ignores them without a warning.
EXPORT_COLUMNS = ("_row", "_reason")


def normalize(header: str) -> str:
    """The form headers are compared in."""
    return header.strip().lower()


@dataclass
class HeaderMatch:
    """Where each schema column is in the file (cell index), and warnings about the rest."""

    index: dict[str, int]
    warnings: list[str] = field(default_factory=list)


def suggest(name: str, candidates: list[str]) -> str | None:
    """The candidate that looks like a misspelling of name, if any."""
    close = difflib.get_close_matches(name, candidates, n=1, cutoff=0.75)
    return close[0] if close else None


def match_headers(schema: Schema, headers: list[str], file_name: str) -> HeaderMatch:
    """Map schema columns to header positions; refuse missing required or doubled columns."""
    positions: dict[str, list[int]] = {}
    for i, h in enumerate(headers):
        positions.setdefault(normalize(h), []).append(i)
    known = set(schema.names)
    unknown = [h for h in positions if h not in known and h not in EXPORT_COLUMNS and h]
    problems: list[str] = []
    for name in schema.names:
        if len(positions.get(name, [])) > 1:
            cols = ", ".join(str(i + 1) for i in positions[name])
            problems.append(f"column {name!r} appears more than once (columns {cols})")
    for name in schema.required:
        if name not in positions:
            guess = suggest(name, unknown)
            hint = f" (found {headers[positions[guess][0]].strip()!r}: did you mean {name!r}?)" if guess else ""
            problems.append(f"missing required column {name!r}{hint}")
    if problems:
        problems.append(_separator_hint(headers))
        detail = "; ".join(p for p in problems if p)
        raise IngestRefused(f"{file_name}: {detail}; nothing loaded")
    missing_optional = [n for n in schema.names if n not in positions]
    warnings = []
    for h in unknown:
        guess = suggest(h, missing_optional)
        hint = f" (did you mean {guess!r}? its values are NOT loaded)" if guess else ""
        warnings.append(f"warning: {file_name}: unknown column {headers[positions[h][0]].strip()!r} "
                        f"ignored{hint}")
    unnamed = positions.get("", [])
    if unnamed:
        cols = ", ".join(str(i + 1) for i in unnamed)
        warnings.append(f"warning: {file_name}: column(s) {cols} have no header and are ignored")
    return HeaderMatch({n: positions[n][0] for n in schema.names if n in positions}, warnings)


def _separator_hint(headers: list[str]) -> str:
    """A hint when a whole header landed in one cell because the file uses another separator."""
    if len(headers) == 1:
        for sep, label in ((";", "semicolons"), ("\t", "tabs"), ("|", "pipes")):
            if sep in headers[0]:
                return f"the file seems to use {label} between columns; exchange files use commas"
    return ""
