"""Agreement cases in YAML: a situation in, the amounts out, run through the engine and the
reference implementation. The format is documented in docs/cases.md."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from greenroom.contracts.params import load_pack
from greenroom.residuals.engine import compute
from greenroom.residuals.interest import late_interest
from greenroom.residuals.reference import compute_reference
from greenroom.residuals.situation import load_situation, situation_inputs

MATCH_KEYS = ("exhibition_id", "performer_id", "engagement_id", "component", "formula_id")
CHECKED = ("amount_cents", "ph_cents", "gross_cents")


@dataclass
class CaseResult:
    """Outcome of one case: pass/fail and what differed."""

    name: str
    file: str
    passed: bool
    problems: list[str] = field(default_factory=list)


def load_cases(path: Path) -> list[dict[str, Any]]:
    """The cases in a YAML file (a list of mappings, each with a name)."""
    doc = yaml.safe_load(path.read_text(encoding="utf-8"))
    if not isinstance(doc, list):
        raise ValueError(f"{path}: a case file is a YAML list of cases")
    for i, case in enumerate(doc, 1):
        if not isinstance(case, dict) or "name" not in case:
            raise ValueError(f"{path}: case {i} needs a name")
    return doc


def case_files(paths: Iterable[Path]) -> list[Path]:
    """Expand folders into the .yaml files under them."""
    out: list[Path] = []
    for p in paths:
        out.extend(sorted(p.rglob("*.yaml")) if p.is_dir() else [p])
    return out


def _matches(line: Mapping[str, Any], want: Mapping[str, Any]) -> bool:
    return all(str(line[k]) == str(want[k]) for k in MATCH_KEYS if k in want)


def run_case(case: Mapping[str, Any], file: str = "") -> CaseResult:
    """Run one case through the SQL engine and the reference and compare with the expectations."""
    name = str(case["name"])
    if "interest" in case:
        return _run_interest_case(case, file)
    if "ai_compensation" in case:
        # Imported here: the consent cases build on this module's CaseResult.
        from greenroom.consent.cases import run_case as run_ai_case

        return run_ai_case(case, file)
    problems: list[str] = []
    titles = case.get("titles") or ([case["title"]] if "title" in case else [])
    engagements, exhibitions = case.get("engagements", []), case.get("exhibitions", [])
    if len(titles) == 1:  # a one-title case may leave title_id out of its rows
        only = {"title_id": titles[0]["title_id"]}
        engagements = [{**only, **r} for r in engagements]
        exhibitions = [{**only, **r} for r in exhibitions]
    inputs = situation_inputs(titles, engagements, exhibitions)
    pack = load_pack(str(case.get("agreement", "sag-aftra-tv-theatrical")))
    con = load_situation(inputs)
    result = compute(con, packs=[pack])
    cur = con.execute("SELECT * FROM residual_lines")
    cols = [d[0] for d in cur.description]
    lines = [dict(zip(cols, row, strict=True)) for row in cur.fetchall()]
    exceptions = con.execute("SELECT exhibition_id, reason FROM compute_exceptions").fetchall()
    reference = [vars(r) for r in compute_reference(inputs, pack)]

    for want in case.get("expected", []):
        label = ", ".join(f"{k}={want[k]}" for k in MATCH_KEYS if k in want)
        got = [ln for ln in lines if _matches(ln, want)]
        ref = [r for r in reference if _matches(r, want)]
        for key in CHECKED:
            if key not in want:
                continue
            actual, oracle = sum(int(ln[key]) for ln in got), sum(int(r[key]) for r in ref)
            if actual != int(want[key]):
                problems.append(f"{label}: {key} expected {want[key]}, engine gave {actual}")
            if oracle != int(want[key]):
                problems.append(f"{label}: {key} expected {want[key]}, reference gave {oracle}")
        if "unverified" in want and got and any(bool(ln["unverified"]) != bool(want["unverified"]) for ln in got):
            problems.append(f"{label}: unverified expected {want['unverified']}")
        if not got and not want.get("absent", False) and any(k in want for k in CHECKED):
            problems.append(f"{label}: no line produced (exceptions: {exceptions})")
    if "total_cents" in case:
        total = sum(int(ln["amount_cents"]) for ln in lines)
        if total != int(case["total_cents"]):
            problems.append(f"total amount expected {case['total_cents']}, engine gave {total}")
    for want_exc in case.get("expected_exceptions", []):
        hits = [r for x, r in exceptions if x == want_exc["exhibition_id"] and want_exc.get("reason", "") in r]
        if not hits:
            problems.append(f"exception for {want_exc['exhibition_id']} containing "
                            f"{want_exc.get('reason', '')!r} expected; got {exceptions}")
    if not result.balanced:
        problems.append("exhibitions in != priced + exceptions")
    if case.get("exhaustive", True):
        expected_ids = {str(w["exhibition_id"]) for w in case.get("expected", []) if "exhibition_id" in w}
        extra = {ln["exhibition_id"] for ln in lines if ln["amount_cents"] and ln["exhibition_id"] not in expected_ids}
        if extra and case.get("expected"):
            problems.append(f"unexpected paying lines for exhibitions {sorted(extra)}")
    return CaseResult(name, file, not problems, problems)


def _run_interest_case(case: Mapping[str, Any], file: str) -> CaseResult:
    spec, want = case["interest"], case["expected"]
    pack = load_pack(str(case.get("agreement", "sag-aftra-tv-theatrical")))
    got = late_interest(pack, int(spec["unpaid_cents"]), _date(spec["due_date"]), _date(spec["paid_date"]))
    problems = [f"{key} expected {want[key]}, got {getattr(got, key)}"
                for key in ("months_late", "interest_cents") if key in want and getattr(got, key) != want[key]]
    return CaseResult(str(case["name"]), file, not problems, problems)


def _date(raw: Any) -> dt.date:
    return raw if isinstance(raw, dt.date) else dt.date.fromisoformat(str(raw))


def run_paths(paths: Iterable[Path]) -> list[CaseResult]:
    """Run every case in the given files and folders."""
    results = []
    for path in case_files(paths):
        for case in load_cases(path):
            results.append(run_case(case, str(path)))
    return results
