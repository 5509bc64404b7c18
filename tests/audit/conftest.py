"""Shared fixtures for the audit tests: a small union with hand-set residual lines, remittance writers, a CLI."""

from __future__ import annotations

import csv
import datetime as dt
import shutil
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path
from typing import Any

import duckdb
import pytest
import typer
from typer.testing import CliRunner

from greenroom.audit.commands import app as audit_app
from greenroom.audit.reconcile import AuditResult, run_audit
from greenroom.audit.remittances import RemittanceLoad, load_remittances
from greenroom.audit.schema import REMITTANCES
from greenroom.config import Settings
from greenroom.ingest.loader import load_rows
from greenroom.residuals.engine import ensure_output_tables
from greenroom.residuals.store import clear_lines, store_lines

AGREEMENT = "sag-aftra-tv-theatrical"
DAY = dt.date(2021, 3, 1)
DUE = dt.date(2021, 3, 31)
AS_OF = dt.date(2021, 12, 31)
HEADER = [c for c in REMITTANCES.names if c not in ("payer", "exhibition_id")]

TITLES = [
    ("T1", "The Strange Summit: Season 1, Episode 1", "network_series"),
    ("T2", "The Strange Summit: Season 1, Episode 2", "network_series"),
    ("T3", "The Motel", "tv_movie"),
]
ENGAGEMENTS = [("E1", "P1", "T1"), ("E2", "P2", "T1"), ("E3", "P3", "T1"), ("E4", "P1", "T2"), ("E5", "P2", "T3")]

# line id -> (title, performer, market, period start, period end, amount, P&H, due date)
LINES: dict[str, tuple[str, str, str, dt.date, dt.date, int, int, dt.date | None]] = {
    "L1": ("T1", "P1", "network_prime", DAY, DAY, 100_000, 17_500, DUE),
    "L2": ("T1", "P2", "network_prime", DAY, DAY, 80_000, 14_000, DUE),
    "L3": ("T2", "P1", "network_prime", DAY, DAY, 50_000, 8_750, DUE),
    "L4": ("T3", "P2", "syndication", dt.date(2021, 4, 1), dt.date(2021, 4, 1), 30_000, 5_250,
           dt.date(2021, 5, 1)),
}


@pytest.fixture
def settings(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Settings:
    """A fresh data directory with its own SQLite application database."""
    monkeypatch.delenv("GREENROOM_DATABASE_URL", raising=False)
    data = tmp_path / "data"
    data.mkdir()
    return Settings(data_dir=data, database_url=f"sqlite:///{data / 'app.sqlite3'}")


def load_union(settings: Settings) -> None:
    """Titles and engagements of the small union."""
    titles = [{"title_id": t, "name": n, "agreement": AGREEMENT, "kind": k, "length_minutes": 60,
               "pp_date": "2020-01-06", "initial_release_date": "2020-09-01"} for t, n, k in TITLES]
    assert load_rows(settings, "titles", titles).loaded == len(TITLES)
    engagements = [{"engagement_id": e, "performer_id": p, "title_id": t, "category": "day", "days_worked": 1,
                    "weeks_worked": 0, "tac_cents": 100_000} for e, p, t in ENGAGEMENTS]
    assert load_rows(settings, "engagements", engagements).loaded == len(ENGAGEMENTS)


def write_lines(con: duckdb.DuckDBPyConnection, select_sql: str, params: Sequence[Any] = (),
                replace: bool = False) -> None:
    """Append whole lines given by a query (columns by name) to the engine's line store, first emptying it
    when replace."""
    ensure_output_tables(con)
    if replace:
        clear_lines(con)
    store_lines(con, select_sql, params)


def set_lines(settings: Settings, lines: dict[str, tuple[Any, ...]], run_id: int = 1) -> None:
    """Replace residual_lines as an engine run would (no engine: the amounts are set by hand)."""
    with duckdb.connect(str(settings.duckdb_path)) as con:
        write_lines(con, "SELECT NULL AS line_id WHERE false", replace=True)
        for line_id, (title, performer, market, ps, pe, amount, ph, due) in lines.items():
            write_lines(con, """SELECT ? AS line_id, ? AS run_id, ? AS agreement,
                'tv.network_prime_rerun' AS formula_id, '2014.1' AS formula_version, ? AS performer_id,
                'E0' AS engagement_id, ? AS title_id, 'X' || ? AS exhibition_id, ? AS market, 'rerun' AS component,
                ? AS period_start, ? AS period_end, ? AS amount_cents, ? AS gross_cents, ? AS ph_cents,
                false AS includes_ph, 175000 AS ph_rate_ppm, ? AS due_date, 'reruns.prime_rate@2014-07-01' AS params,
                false AS unverified""",
                        [line_id, run_id, AGREEMENT, performer, title, line_id, market, ps, pe, amount, amount, ph,
                         due])


@pytest.fixture(scope="session")
def union_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A data directory with the small union loaded and lines L1..L4 as engine run 1, built once."""
    data = tmp_path_factory.mktemp("union-template")
    template = Settings(data_dir=data, database_url=f"sqlite:///{data / 'app.sqlite3'}")
    load_union(template)
    set_lines(template, LINES)
    return data


@pytest.fixture
def union(settings: Settings, union_template: Path) -> Settings:
    """The small union loaded, with lines L1..L4 as engine run 1 (a copy of the template: loading is slow)."""
    for item in union_template.iterdir():
        if item.is_file():
            shutil.copy2(item, settings.data_dir / item.name)
        elif item.name.endswith(".lines"):  # the line files beside the analytics database
            shutil.copytree(item, settings.data_dir / item.name)
    return settings


def pay(line_id: str, check: str, **over: Any) -> dict[str, Any]:
    """A remittance row paying a line exactly and on time, with some cells overridden."""
    title, performer, market, ps, pe, amount, ph, due = LINES[line_id]
    row = {"check_number": check, "title": title, "performer_id": performer, "market": market,
           "period_start": ps, "period_end": pe, "gross_cents": amount, "amount_cents": amount, "ph_cents": ph,
           "paid_date": (due or pe) - dt.timedelta(days=5), "currency": "USD", "line_id": ""}
    row.update(over)
    return row


def paid_in_full() -> list[dict[str, Any]]:
    """Every line paid exactly, on time, one check per line."""
    return [pay(line_id, f"C{i}") for i, line_id in enumerate(LINES, start=1)]


def write_csv(path: Path, rows: Sequence[dict[str, Any]], header: Sequence[str] | None = None) -> Path:
    """A remittance CSV with our column names (or the header given, values in that order)."""
    header = list(header or HEADER)
    with path.open("w", newline="", encoding="utf-8") as f:
        w = csv.writer(f)
        w.writerow(header)
        for r in rows:
            w.writerow([r.get(h, "") for h in header])
    return path


@pytest.fixture
def remit(settings: Settings, tmp_path: Path) -> Callable[..., RemittanceLoad]:
    """Write rows to a CSV and load it for a payer (default 'Northlight')."""
    counter = iter(range(1, 1000))

    def run(rows: Sequence[dict[str, Any]], payer: str = "Northlight", **kwargs: Any) -> RemittanceLoad:
        path = write_csv(tmp_path / f"remit-{next(counter)}.csv", rows)
        result = load_remittances(settings, path, payer, **kwargs)
        assert result.balanced, result.summary()
        return result

    return run


@pytest.fixture
def audit(settings: Settings) -> Callable[..., AuditResult]:
    """Run the audit as of AS_OF (or the date given)."""
    def run(as_of: dt.date = AS_OF) -> AuditResult:
        return run_audit(settings, as_of)

    return run


def kinds(result: AuditResult) -> set[tuple[str, str, str]]:
    """(type, title, performer) of every finding of a run."""
    return {(f.type, f.check.title_id, f.check.performer_id) for f in result.findings}


@pytest.fixture
def cli(settings: Settings, monkeypatch: pytest.MonkeyPatch) -> Iterator[Callable[..., Any]]:
    """Run `greenroom audit ...` against the fixture's data directory; returns the click Result."""
    monkeypatch.setenv("COLUMNS", "250")
    root = typer.Typer()

    @root.callback()
    def main(ctx: typer.Context) -> None:
        ctx.obj = {"settings": settings}

    root.add_typer(audit_app, name="audit")
    runner = CliRunner()

    def run(*args: str) -> Any:
        return runner.invoke(root, ["audit", *args], catch_exceptions=False)

    yield run


def plant_ai_unknown(settings: Settings, *unknown: tuple[str, str, str, str, str]) -> int:
    """Post, through the consent registry's own writer, a compensation run that could not price these
    (use, performer, project, producer, why); returns the run id."""
    from greenroom.consent.compensation import Result, write_lines

    result = Result(unknown=[(u, p, why) for u, p, _, _, why in unknown],
                    about={u: (project, producer) for u, _, project, producer, _ in unknown})
    with duckdb.connect(str(settings.duckdb_path)) as con:
        return write_lines(con, result)
