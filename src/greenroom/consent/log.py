"""The append-only, hash-chained log of every change to the registry.

Each entry's body is a canonical serialisation (sorted-key, compact JSON) of {seq, kind, subject,
at, data}; its hash is sha256 over the previous entry's hash, a newline and the body. Changing any
byte of any stored entry (body, either hash, or the kind/subject columns) breaks the chain at that
entry, and verify() names the first entry that does not check.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

GENESIS = "0" * 64


def _default(value: Any) -> Any:
    if isinstance(value, dt.datetime | dt.date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    raise TypeError(f"cannot serialise {type(value).__name__} in a log entry")


def canonical(data: Mapping[str, Any]) -> str:
    """Sorted-key, compact JSON: the same data always gives the same text."""
    return json.dumps(data, sort_keys=True, separators=(",", ":"), ensure_ascii=False, default=_default)


def chain_hash(prev_hash: str, body: str) -> str:
    """The hash of an entry: sha256 of the previous hash, a newline and the body."""
    return hashlib.sha256(f"{prev_hash}\n{body}".encode()).hexdigest()


@dataclass(frozen=True)
class Entry:
    """One stored log entry."""

    seq: int
    kind: str
    subject: str
    body: str
    prev_hash: str
    hash: str

    def data(self) -> dict[str, Any]:
        """The record the entry carries."""
        parsed: dict[str, Any] = json.loads(self.body)["data"]
        return parsed


def make_entry(prev: Entry | None, kind: str, subject: str, data: Mapping[str, Any], at: dt.datetime) -> Entry:
    """The entry that follows prev (None: the first entry)."""
    seq = 1 if prev is None else prev.seq + 1
    prev_hash = GENESIS if prev is None else prev.hash
    body = canonical({"seq": seq, "kind": kind, "subject": subject, "at": at, "data": data})
    return Entry(seq, kind, subject, body, prev_hash, chain_hash(prev_hash, body))


@dataclass(frozen=True)
class Verification:
    """The outcome of checking the log: ok, how many entries, and the first bad entry with why."""

    ok: bool
    entries: int
    first_bad_seq: int | None = None
    reason: str = ""
    head: str = GENESIS

    def message(self) -> str:
        """One line for people."""
        if self.ok:
            return f"log verified: {self.entries} entries, head {self.head[:16]}"
        return f"log altered at entry {self.first_bad_seq}: {self.reason}"


def verify_entries(entries: Iterable[Entry]) -> Verification:
    """Recompute the chain over entries in seq order; stop at the first entry that does not check."""
    prev_hash, expected_seq, count = GENESIS, 1, 0
    for e in entries:
        where = e.seq
        if e.seq != expected_seq:
            return Verification(False, count, expected_seq, f"entry {expected_seq} is missing (found {e.seq} next)")
        if e.prev_hash != prev_hash:
            return Verification(False, count, where, "its previous-hash does not match the entry before it")
        try:
            body = json.loads(e.body)
        except ValueError:
            return Verification(False, count, where, "its body is not valid JSON")
        if not isinstance(body, dict) or canonical(body) != e.body:
            return Verification(False, count, where, "its body is not in canonical form")
        if (body.get("seq"), body.get("kind"), body.get("subject")) != (e.seq, e.kind, e.subject):
            return Verification(False, count, where, "its seq, kind or subject differ from its body")
        if chain_hash(prev_hash, e.body) != e.hash:
            return Verification(False, count, where, "its hash does not match its content")
        prev_hash, expected_seq, count = e.hash, expected_seq + 1, count + 1
    return Verification(True, count, None, "", prev_hash)
