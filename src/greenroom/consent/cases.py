"""AI-compensation cases in YAML: a replica and a use (or creation session) in, the amount owed out.

Cases live in tests/cases/ai_*.yaml (format in docs/consent.md). They run in memory: no database.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import yaml

from greenroom.consent.compensation import compute
from greenroom.consent.models import Notice, Replica, Use
from greenroom.consent.registry import Snapshot
from greenroom.residuals.cases import CaseResult

CHECKED = ("amount_cents", "ph_cents", "gross_cents", "units", "formula_id", "component", "due_date")


def _date(raw: Any) -> dt.date:
    return raw if isinstance(raw, dt.date) else dt.date.fromisoformat(str(raw))


def _when(raw: Any) -> dt.datetime:
    return raw if isinstance(raw, dt.datetime) else dt.datetime.fromisoformat(str(raw))


def situation(spec: Mapping[str, Any]) -> Snapshot:
    """The in-memory registry a case describes: one performer's replica and its use or creation session."""
    agreement = str(spec.get("agreement", "sag-aftra-tv-theatrical"))
    r = dict(spec.get("replica") or {})
    replica = Replica(replica_id="R1", performer_id="P1", kind=str(r.get("kind", "employment_based")),
                      agreement=agreement, producer="Producer", origin_project=r.get("origin_project"),
                      created_on=None, description="")
    uses, notices = [], []
    if "use" in spec:
        u = dict(spec["use"])
        start = _date(u["start_date"])
        uses.append(Use(use_id="U1", use_key="k", performer_id="P1", replica_id="R1", producer="Producer",
                        project=str(u.get("project", "PROJECT")), medium=str(u.get("medium", "")), description="",
                        start_date=start, end_date=_date(u.get("end_date", start)), days=int(u.get("days", 0)),
                        scenes="", lines_generated=int(u.get("lines_generated", 0)),
                        real_time=bool(u.get("real_time", False)), role=str(u.get("role", "principal")),
                        rate_cents=u.get("rate_cents"), agreed_cents=u.get("agreed_cents"), sides=u.get("sides"),
                        source="case", duplicate_of=None))
    if "notice" in spec:
        n = dict(spec["notice"])
        notices.append(Notice(notice_id="N1", performer_id="P1", replica_id="R1", producer="Producer",
                              project=str(n.get("project", "PROJECT")), agreement=agreement,
                              session_at=_when(n["session_at"]), notified_at=None, engaged_at=None,
                              minutes=int(n.get("minutes", 0)), rate_cents=n.get("rate_cents"),
                              scan_only=bool(n.get("scan_only", False))))
    return Snapshot({}, {"R1": replica}, [], notices, uses, [])


def run_case(case: Mapping[str, Any], file: str = "") -> CaseResult:
    """Run one AI-compensation case and compare with its expectations."""
    name = str(case["name"])
    result = compute(situation(case["ai_compensation"]))
    problems: list[str] = []
    want = case.get("owed")
    if want is not None:
        if want.get("absent"):
            if result.lines:
                problems.append(f"no line expected; got {[ln.formula_id for ln in result.lines]}")
        elif len(result.lines) != 1:
            problems.append(f"one line expected; got {len(result.lines)} (not priced: {result.unknown})")
        else:
            line = result.lines[0].row(0)
            line["gross_cents"] = result.lines[0].gross_cents
            for key in CHECKED:
                if key in want and str(line[key]) != str(want[key]):
                    problems.append(f"{key} expected {want[key]}, got {line[key]}")
            if "unverified" in want and bool(line["unverified"]) != bool(want["unverified"]):
                problems.append(f"unverified expected {want['unverified']}, got {line['unverified']}")
    if "not_priced" in case:
        fragment = str(case["not_priced"])
        if not any(fragment in why for _, _, why in result.unknown):
            problems.append(f"not priced because of {fragment!r} expected; got {result.unknown} / "
                            f"{[ln.formula_id for ln in result.lines]}")
    if want is None and "not_priced" not in case:
        problems.append("a case needs 'owed' or 'not_priced'")
    return CaseResult(name, file, not problems, problems)


def load_ai_cases(path: Path) -> list[dict[str, Any]]:
    """The AI-compensation cases in a YAML file."""
    doc = yaml.safe_load(path.read_text(encoding="utf-8"))
    if not isinstance(doc, list) or not all(isinstance(c, dict) and "ai_compensation" in c for c in doc):
        raise ValueError(f"{path}: an AI case file is a list of cases, each with ai_compensation")
    return doc
