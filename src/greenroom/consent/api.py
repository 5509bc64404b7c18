"""The plain functions other parts of Greenroom (the web app, the CLI) call. Names here are stable."""

from __future__ import annotations

import datetime as dt
import json
from collections import Counter
from pathlib import Path
from typing import Any

from greenroom.config import Settings
from greenroom.consent.compensation import Result, compute, write_lines
from greenroom.consent.compliance import Finding, all_findings
from greenroom.consent.policy import PolicyRow, policy
from greenroom.consent.registry import REVOCATION, SUSPENSION, WITHDRAWAL, as_dict, log_entries, snapshot
from greenroom.store import analytics


def list_findings(settings: Settings, performer_id: str | None = None, type: str | None = None,
                  producer: str | None = None) -> list[Finding]:
    """Compliance findings, optionally for one performer, of one type, or about one producer."""
    found = all_findings(snapshot(settings, performer_id))
    return [f for f in found if (type is None or f.type == type) and (producer is None or f.producer == producer)]


def ask(settings: Settings, **question: Any) -> list[PolicyRow]:
    """The policy rows for a question (producer, performer_id, project, on, ...) or a consent_id."""
    return policy(snapshot(settings), **question)


def compute_compensation(settings: Settings, performer_id: str | None = None) -> Result:
    """The AI compensation owed (not stored)."""
    return compute(snapshot(settings, performer_id))


def post_compensation(settings: Settings) -> tuple[Result, int]:
    """Compute the AI compensation owed and store it in DuckDB (ai_compensation_lines) for the audit."""
    result = compute(snapshot(settings))
    with analytics.connect(settings) as con:
        run = write_lines(con, result)
    return result, run


def history(settings: Settings, subject: str | None = None, performer_id: str | None = None) -> list[dict[str, Any]]:
    """Log entries (seq, kind, subject, time, hash, data) about a record id or about a performer's records."""
    out = []
    for e in log_entries(settings):
        body = json.loads(e.body)
        data = body.get("data") or {}
        if (subject is not None and e.subject == subject) or (
                performer_id is not None and (e.subject == performer_id or data.get("performer_id") == performer_id)):
            out.append({"seq": e.seq, "kind": e.kind, "subject": e.subject, "at": body.get("at"), "hash": e.hash,
                        "data": data})
    return out


def explain_line(settings: Settings, line_id: str) -> dict[str, Any]:
    """One AI-compensation line with its rule, the cited values it used and the record it prices."""
    snap = snapshot(settings)
    result = compute(snap)
    line = next((ln for ln in result.lines if ln.line_id == line_id), None)
    if line is None:
        raise LookupError(f"no AI-compensation line {line_id!r} (lines are recomputed from the registry)")
    record: Any = next((u for u in snap.uses if u.use_id == line.subject_id), None) or next(
        (n for n in snap.notices if n.notice_id == line.subject_id), None)
    out: dict[str, Any] = _plain({**line.row(0), "citations": line.citations(),
                                  "record": as_dict(record) if record is not None else None})
    return out


def _plain(value: Any) -> Any:
    if isinstance(value, dt.datetime | dt.date):
        return value.isoformat()
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_plain(v) for v in value]
    return value


def member_record(settings: Settings, performer_id: str) -> dict[str, Any]:
    """Everything the registry holds about a member, and every use made of their replicas (JSON-ready)."""
    snap = snapshot(settings, performer_id)
    performer = snap.performers.get(performer_id)
    if performer is None:
        raise LookupError(f"the registry holds nothing about performer {performer_id!r}")
    consents = []
    gone = {c.supersedes for c in snap.consents if c.supersedes}
    for c in sorted(snap.consents, key=lambda x: (x.signed_on, x.consent_id)):
        rows = policy(snap, consent_id=c.consent_id)
        state = "superseded" if c.consent_id in gone else (
            "revoked" if any(e.kind == REVOCATION and e.consent_id == c.consent_id for e in snap.status) else "given")
        consents.append({**as_dict(c), "state": state, "uses": [r.to_dict() for r in rows]})
    uses = []
    for u in sorted(snap.uses, key=lambda x: (x.start_date, x.use_id)):
        rows = policy(snap, producer=u.producer, performer_id=u.performer_id, project=u.project, on=u.start_date,
                      until=u.end_date, medium=u.medium, real_time=u.real_time, replica_id=u.replica_id)
        best = rows[0]
        uses.append({**as_dict(u), "allowed": best.allow, "reason": best.reason})
    owed = compute(snap)
    record = {
        "performer": as_dict(performer),
        "replicas": [as_dict(r) for r in sorted(snap.replicas.values(), key=lambda x: x.replica_id)],
        "consents": consents,
        "notices": [as_dict(n) for n in sorted(snap.notices, key=lambda x: x.session_at)],
        "uses": uses,
        "revocations": [as_dict(e) for e in snap.status if e.kind == REVOCATION],
        "suspensions": [as_dict(e) for e in snap.status if e.kind == SUSPENSION],
        # Reports staff withdrew (e.g. the wrong one of two conflicting reports): kept, no longer uses.
        "withdrawn_uses": [{**as_dict(u), "withdrawal": next((as_dict(e) for e in snap.status if e.kind == WITHDRAWAL
                                                              and e.use_id == u.use_id), None)}
                           for u in sorted(snap.withdrawn, key=lambda x: (x.start_date, x.use_id))],
        "findings": [f.to_dict() for f in all_findings(snap)],
        "history": history(settings, performer_id=performer_id),
        "compensation": {"lines": [{**ln.row(0), "citations": ln.citations()} for ln in owed.lines],
                         "not_priced": [{"subject_id": s, "project": owed.about.get(s, ("", ""))[0],
                                         "producer": owed.about.get(s, ("", ""))[1], "reason": r}
                                        for s, _, r in owed.unknown],
                         "total_cents": owed.total_cents, "total_ph_cents": owed.total_ph_cents},
    }
    plain: dict[str, Any] = _plain(record)
    return plain


def export_member(settings: Settings, performer_id: str, path: Path) -> Path:
    """Write a member's whole record to a JSON file."""
    path.write_text(json.dumps(member_record(settings, performer_id), indent=2, sort_keys=True), encoding="utf-8")
    return path


def findings_by_type(findings: list[Finding]) -> Counter[str]:
    """How many findings of each type."""
    return Counter(f.type for f in findings)
