"""The demo's audit step: the whole union audited in place, the payer spreadsheet it writes, and the scoring."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from rich.console import Console

from greenroom.audit import findings as ft
from greenroom.audit.demo_audit import SAMPLE_DIR, run_demo_audit, score
from greenroom.audit.demo_files import write_xlsx
from greenroom.audit.findings import Check, FindingDraft
from greenroom.config import Settings
from greenroom.demo.generate import generate
from greenroom.ingest.loader import load_file
from greenroom.ingest.readers import XlsxSource
from greenroom.residuals.engine import compute
from greenroom.store.analytics import connect


def test_the_whole_union_is_audited_in_place(tmp_path: Path) -> None:
    settings = Settings(data_dir=tmp_path, database_url=f"sqlite:///{tmp_path / 'app.sqlite3'}")
    files = generate(tmp_path / "union", "tiny", seed=7)
    for path in (files.titles, files.engagements, files.exhibitions):
        assert load_file(settings, path).loaded > 0
    with connect(settings) as con:
        compute(con)
        lines = con.execute("SELECT count(*) FROM residual_lines WHERE amount_cents > 0").fetchone()
    (tmp_path / SAMPLE_DIR).mkdir()  # left by a demo that audited a sample
    console = Console(record=True, width=120)
    done = run_demo_audit(settings, console, netflix=tmp_path / "no-netflix-here")
    assert done.data_dir == settings.data_dir and not (tmp_path / SAMPLE_DIR).exists()
    assert lines is not None and done.result.keys > 0
    with connect(settings) as con:
        owed = con.execute("SELECT count(*) FROM residual_lines WHERE amount_cents > 0").fetchone()
        paid_titles = con.execute("SELECT count(DISTINCT title_id) FROM remittance_rows").fetchone()
        owed_titles = con.execute("SELECT count(DISTINCT title_id) FROM residual_lines "
                                  "WHERE amount_cents > 0").fetchone()
    assert owed == lines  # nothing was left out of the audit
    assert paid_titles is not None and owed_titles is not None and paid_titles[0] >= owed_titles[0] * 0.9
    assert {p.name for p in done.written} == {"audit-report.html", "audit-report.pdf"}
    assert all(p.parent == tmp_path and p.stat().st_size > 0 for p in done.written)
    text = console.export_text()
    assert "precision" in text and "Netflix success bonus skipped" in text


def test_the_payer_spreadsheet_reads_back_as_written(tmp_path: Path) -> None:
    rows: list[list[object]] = [["C1", "Tom & Jerry <Pilot>", "P1", dt.date(2021, 3, 1), 152650, 0, None],
                                ["C2", "  spaced  ", "P2", dt.date(1999, 12, 31), -5, 12.5, "USD"]]
    header = ["check", "title", "performer", "paid", "amount", "ph", "ccy"]
    assert write_xlsx(tmp_path / "r.xlsx", "Remittance", header, iter(rows)) == 2
    source = XlsxSource(tmp_path / "r.xlsx")
    assert source.headers == header
    got = [list(r) for r in source._rows()][1:]
    assert got[0][:3] == rows[0][:3] and got[0][3].date() == dt.date(2021, 3, 1) and got[0][4:] == [152650, 0, None]
    assert got[1][1] == "  spaced  " and got[1][3].date() == dt.date(1999, 12, 31) and got[1][4:] == [-5, 12.5, "USD"]
    again = tmp_path / "again.xlsx"
    write_xlsx(again, "Remittance", header, iter(rows))
    assert again.read_bytes() == (tmp_path / "r.xlsx").read_bytes()  # a re-sent file is recognised by its hash


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
