"""The demo's audit step: the sample of whole series it audits, and how findings are scored against the truth."""

from __future__ import annotations

import datetime as dt

import duckdb

from greenroom.audit import findings as ft
from greenroom.audit.demo_audit import sample_union, score
from greenroom.audit.findings import Check, FindingDraft

from .conftest import LINES


def test_a_small_union_is_audited_whole(union) -> None:
    sample = sample_union(union, max_lines=100)
    assert sample.settings is union and (sample.lines, sample.total_lines, sample.titles) == (4, 4, 3)


def test_the_sample_keeps_whole_titles_with_their_lines_and_inputs(union) -> None:
    sample = sample_union(union, max_lines=2, seed=7)
    assert sample.settings.data_dir == union.data_dir / "audit-sample" and sample.total_lines == len(LINES)
    with duckdb.connect(str(sample.settings.duckdb_path), read_only=True) as con:
        titles = {t for (t,) in con.execute("SELECT title_id FROM titles").fetchall()}
        lines = con.execute("SELECT title_id, count(*) FROM residual_lines GROUP BY 1").fetchall()
        engaged = {t for (t,) in con.execute("SELECT DISTINCT title_id FROM engagements").fetchall()}
    owned = {t: sum(1 for v in LINES.values() if v[0] == t) for t in {v[0] for v in LINES.values()}}
    assert 0 < sample.lines <= 2 and sum(n for _, n in lines) == sample.lines
    assert dict(lines) == {t: owned[t] for t in titles}  # every line of a sampled title, nothing else
    assert engaged <= titles and len(titles) == sample.titles
    again = sample_union(union, max_lines=2, seed=7)  # a fresh copy, the same draw
    assert (again.titles, again.lines) == (sample.titles, sample.lines)


def _draft(kind: str, performer: str) -> FindingDraft:
    day = dt.date(2021, 3, 1)
    check = Check("N", "T1", performer, "network_prime", day, day, 1, 0, 0, 0, 0, None)
    return FindingDraft(kind, check, "")


def test_score_counts_hits_by_type_and_key() -> None:
    day = dt.date(2021, 3, 1)
    truth = {(ft.MISSING, "T1", "P1", "network_prime", day, day), (ft.MISSING, "T1", "P2", "network_prime", day, day)}
    scores = {s.type: s for s in score([_draft(ft.MISSING, "P1"), _draft(ft.UNDERPAID, "P2")], truth)}
    assert (scores[ft.MISSING].precision, scores[ft.MISSING].recall) == (1.0, 0.5)
    assert (scores[ft.UNDERPAID].precision, scores[ft.UNDERPAID].recall) == (0.0, 1.0)
    assert (scores[ft.LATE].precision, scores[ft.LATE].recall) == (1.0, 1.0)
