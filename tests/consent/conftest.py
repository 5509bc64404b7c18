"""Shared fixtures for the consent tests: a fresh registry in a temporary data directory, and builders."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from greenroom.config import Settings, load_settings
from greenroom.consent import registry as reg
from greenroom.consent import rules

DAY = dt.date(2025, 8, 1)


@pytest.fixture
def settings(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Settings:
    monkeypatch.delenv("GREENROOM_DATABASE_URL", raising=False)
    return load_settings(tmp_path / "data")


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> tuple[Settings, dict]:
    """One registry seeded with the demo (shared by read-only tests of a module)."""
    folder = tmp_path_factory.mktemp("demo")
    s = Settings(folder, f"sqlite:///{folder / 'app.sqlite3'}")
    from greenroom.consent.demo import seed_demo

    return s, seed_demo(s, seed=11)


def tv_replica(settings: Settings, performer: str = "P1", project: str = "FILM", replica_id: str = "R1",
               created_on: dt.date | None = None, kind: str = rules.EMPLOYMENT_BASED) -> str:
    """A recorded performer (if new) and a TV/Theatrical replica of them made on project."""
    if reg.snapshot(settings, performer).performers.get(performer) is None:
        reg.record_performer(settings, performer, "Test Performer")
    reg.record_replica(settings, performer_id=performer, kind=kind, agreement=rules.TV, producer="Studio",
                       origin_project=project, created_on=created_on, replica_id=replica_id)
    return replica_id


def consent(settings: Settings, performer: str = "P1", replica_id: str = "R1", project: str = "FILM",
            consent_id: str = "C1", signed_on: dt.date = DAY, **extra: object) -> str:
    """A separate, specific consent to Studio for one project."""
    args: dict = {"performer_id": performer, "replica_id": replica_id, "producer": "Studio", "projects": [project],
                  "description": "double for scenes 4-6", "signed_on": signed_on, "consent_id": consent_id}
    args.update(extra)
    reg.record_consent(settings, **args)
    return consent_id
