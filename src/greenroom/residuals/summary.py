"""Summaries of a compute run: totals by market and agreement, top titles and performers."""

from __future__ import annotations

from dataclasses import dataclass

import duckdb


@dataclass(frozen=True)
class Summary:
    """Tables of a compute run's totals, each a list of rows."""

    by_market: list[tuple[str, str, int, int, int]]
    top_titles: list[tuple[str, str, int, int]]
    top_performers: list[tuple[str, str, int, int]]
    exceptions_by_reason: list[tuple[str, int]]
    unverified_lines: int


def summarize(con: duckdb.DuckDBPyConnection, top: int = 10) -> Summary:
    """Totals from the stored lines and exceptions."""
    by_market = con.execute("""
        SELECT agreement, market, COUNT(*), SUM(amount_cents), SUM(ph_cents)
        FROM residual_lines GROUP BY ALL ORDER BY SUM(amount_cents) DESC""").fetchall()
    top_titles = con.execute("""
        SELECT l.title_id, COALESCE(MAX(t.name), l.title_id), COUNT(*), SUM(l.amount_cents)
        FROM residual_lines l LEFT JOIN titles t USING (title_id)
        GROUP BY l.title_id ORDER BY SUM(l.amount_cents) DESC LIMIT ?""", [top]).fetchall()
    top_performers = con.execute("""
        SELECT l.performer_id, COALESCE(MAX(e.performer_name), l.performer_id), COUNT(*), SUM(l.amount_cents)
        FROM residual_lines l LEFT JOIN engagements e USING (engagement_id)
        GROUP BY l.performer_id ORDER BY SUM(l.amount_cents) DESC LIMIT ?""", [top]).fetchall()
    reasons = con.execute("""
        SELECT reason, COUNT(*) FROM compute_exceptions GROUP BY reason ORDER BY COUNT(*) DESC""").fetchall()
    row = con.execute("SELECT COUNT(*) FROM residual_lines WHERE unverified").fetchone()
    return Summary(
        [(str(a), str(m), int(n), int(s), int(p)) for a, m, n, s, p in by_market],
        [(str(i), str(nm), int(n), int(s)) for i, nm, n, s in top_titles],
        [(str(i), str(nm), int(n), int(s)) for i, nm, n, s in top_performers],
        [(str(r), int(n)) for r, n in reasons],
        int(row[0]) if row else 0,
    )
