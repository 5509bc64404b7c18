"""Shared fixtures for the ingest tests: a fresh data directory, file writers and a CLI runner."""

from __future__ import annotations

import csv
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import duckdb
import pytest
import typer
from typer.testing import CliRunner

from greenroom.config import Settings
from greenroom.ingest.commands import app as ingest_app
from greenroom.ingest.loader import LoadResult, load_file

TITLE_HEADER = ["title_id", "name", "agreement", "kind", "length_minutes", "pp_date", "initial_release_date"]
ENGAGEMENT_HEADER = ["engagement_id", "performer_id", "title_id", "category", "days_worked", "weeks_worked",
                     "tac_cents"]
EXHIBITION_HEADER = ["exhibition_id", "title_id", "market", "start_date", "run_number", "gross_receipts_cents"]


def title_row(title_id: str, **over: str) -> list[str]:
    """A valid titles row, with some cells overridden."""
    row = {"title_id": title_id, "name": f"Name of {title_id}", "agreement": "sag-aftra-tv-theatrical",
           "kind": "network_series", "length_minutes": "60", "pp_date": "2020-01-06",
           "initial_release_date": "2020-09-01"}
    row.update(over)
    return [row[h] for h in TITLE_HEADER]


def engagement_row(engagement_id: str, **over: str) -> list[str]:
    """A valid engagements row (on title T1), with some cells overridden."""
    row = {"engagement_id": engagement_id, "performer_id": "P1", "title_id": "T1", "category": "day",
           "days_worked": "1", "weeks_worked": "0", "tac_cents": "100000"}
    row.update(over)
    return [row[h] for h in ENGAGEMENT_HEADER]


def exhibition_row(exhibition_id: str, **over: str) -> list[str]:
    """A valid exhibitions row (a network rerun of T1), with some cells overridden."""
    row = {"exhibition_id": exhibition_id, "title_id": "T1", "market": "network_prime", "start_date": "2021-03-01",
           "run_number": "2", "gross_receipts_cents": ""}
    row.update(over)
    return [row[h] for h in EXHIBITION_HEADER]


def write_csv(path: Path, header: Sequence[str], rows: Sequence[Sequence[Any]], encoding: str = "utf-8") -> Path:
    """Write a CSV file the way a spreadsheet would."""
    with path.open("w", encoding=encoding, newline="") as f:
        writer = csv.writer(f)
        writer.writerow(header)
        writer.writerows(rows)
    return path


@pytest.fixture
def settings(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Settings:
    """A fresh data directory with its own SQLite application database."""
    monkeypatch.delenv("GREENROOM_DATABASE_URL", raising=False)
    data = tmp_path / "data"
    data.mkdir()
    return Settings(data_dir=data, database_url=f"sqlite:///{data / 'app.sqlite3'}")


@pytest.fixture
def titles_loaded(settings: Settings, tmp_path: Path) -> LoadResult:
    """Titles T1 and T2 loaded."""
    path = write_csv(tmp_path / "titles.csv", TITLE_HEADER, [title_row("T1"), title_row("T2")])
    result = load_file(settings, path)
    assert result.loaded == 2, result.messages
    return result


def table_rows(settings: Settings, table: str, order: str = "1") -> list[tuple[Any, ...]]:
    """Every row of a DuckDB table."""
    with duckdb.connect(str(settings.duckdb_path), read_only=True) as con:
        return con.execute(f"SELECT * FROM {table} ORDER BY {order}").fetchall()


def table_count(settings: Settings, table: str) -> int:
    """How many rows a DuckDB table holds."""
    with duckdb.connect(str(settings.duckdb_path), read_only=True) as con:
        row = con.execute(f"SELECT count(*) FROM {table}").fetchone()
        return int(row[0]) if row else 0


@pytest.fixture
def cli(settings: Settings, monkeypatch: pytest.MonkeyPatch) -> Callable[..., Any]:
    """Run `greenroom ingest ...` against the fixture's data directory; returns the click Result."""
    monkeypatch.setenv("COLUMNS", "200")
    root = typer.Typer()

    @root.callback()
    def main(ctx: typer.Context) -> None:
        ctx.obj = {"settings": settings}

    root.add_typer(ingest_app, name="ingest")
    runner = CliRunner()

    def run(*args: str) -> Any:
        return runner.invoke(root, ["ingest", *args], catch_exceptions=False)

    return run
