"""Withdrawing one of two conflicting reports of a use, and migration 0007 upgrading an existing registry."""

from __future__ import annotations

import datetime as dt
import json
import uuid
from pathlib import Path

import pytest
import sqlalchemy as sa

from greenroom.config import Settings
from greenroom.consent import api, rules
from greenroom.consent import compliance as cf
from greenroom.consent import registry as reg
from greenroom.consent.bulk import load_uses
from greenroom.consent.log import Entry, make_entry
from greenroom.store.db import Base, alembic_config, get_engine, session_factory
from tests.consent.conftest import DAY, consent, tv_replica


def _report(settings: Settings, days: int, use_id: str) -> reg.UseReport:
    return reg.report_use(settings, performer_id="P1", replica_id="R1", producer="Studio", project="FILM",
                          start_date=DAY, days=days, use_id=use_id)


def _priced_days(settings: Settings) -> dict[str, int]:
    return {ln.subject_id: ln.units for ln in api.compute_compensation(settings).lines}


@pytest.fixture
def conflicting(settings: Settings) -> Settings:
    """U-A (2 days) and U-B (3 days): the same use reported twice with different figures."""
    tv_replica(settings)
    consent(settings)
    assert _report(settings, 2, "U-A").status == "recorded"
    assert _report(settings, 3, "U-B").status == "conflicting_duplicate"
    return settings


def test_withdrawing_the_first_report_leaves_the_second_priced(conflicting: Settings) -> None:
    settings = conflicting
    [dup] = api.list_findings(settings)
    assert (dup.type, dup.subject_id) == (cf.DUPLICATE, "U-B") and "greenroom consent withdraw" in dup.reason
    assert _priced_days(settings) == {"U-A": 2}
    event = reg.withdraw_use(settings, "U-A", "the producer's corrected report is U-B", on=dt.date(2025, 9, 1))
    assert api.list_findings(settings) == []
    assert _priced_days(settings) == {"U-B": 3}
    snap = reg.snapshot(settings)
    assert [u.use_id for u in snap.uses] == ["U-B"] and [u.use_id for u in snap.withdrawn] == ["U-A"]
    # Nothing deleted: both reports are stored, the withdrawal is a log entry, the log verifies.
    assert {e["kind"] for e in api.history(settings, subject=event.event_id)} == {"withdrawal"}
    assert reg.verify(settings).ok
    record = api.member_record(settings, "P1")
    assert [u["use_id"] for u in record["uses"]] == ["U-B"]
    [gone] = record["withdrawn_uses"]
    assert gone["use_id"] == "U-A" and gone["withdrawal"]["reason"] == "the producer's corrected report is U-B"


def test_withdrawing_the_second_report_keeps_the_first(conflicting: Settings) -> None:
    reg.withdraw_use(conflicting, "U-B", "U-B was a typing error")
    assert api.list_findings(conflicting) == []
    assert _priced_days(conflicting) == {"U-A": 2}


def test_with_three_reports_the_remaining_two_still_conflict(conflicting: Settings) -> None:
    assert _report(conflicting, 4, "U-C").status == "conflicting_duplicate"
    reg.withdraw_use(conflicting, "U-A", "wrong")
    [dup] = api.list_findings(conflicting)
    assert (dup.subject_id, dup.type) == ("U-C", cf.DUPLICATE) and "reported before as U-B" in dup.reason
    assert _priced_days(conflicting) == {"U-B": 3}


def test_withdrawal_refusals(conflicting: Settings) -> None:
    with pytest.raises(reg.ConsentError, match="no use 'U-X'"):
        reg.withdraw_use(conflicting, "U-X", "wrong")
    with pytest.raises(reg.ConsentError, match="say why"):
        reg.withdraw_use(conflicting, "U-A", "  ")
    reg.withdraw_use(conflicting, "U-A", "wrong", event_id="W1")
    with pytest.raises(reg.ConsentError, match="already withdrawn \\(W1\\)"):
        reg.withdraw_use(conflicting, "U-A", "again")
    assert reg.verify(conflicting).ok


def test_a_withdrawn_report_loaded_again_stays_withdrawn(settings: Settings, tmp_path: Path) -> None:
    tv_replica(settings)
    consent(settings)
    csv = tmp_path / "uses.csv"
    csv.write_text("performer_id,replica_id,producer,project,start_date,days,use_id\n"
                   f"P1,R1,Studio,FILM,{DAY},2,U-A\nP1,R1,Studio,FILM,{DAY},3,U-B\n", encoding="utf-8")
    first = load_uses(settings, csv)
    assert (first.recorded, first.duplicates) == (1, 1)
    reg.withdraw_use(settings, "U-A", "U-B is right")
    again = load_uses(settings, csv)
    assert (again.rows, again.already) == (2, 2) and again.balanced
    assert [u.use_id for u in reg.snapshot(settings).withdrawn] == ["U-A"]
    assert _priced_days(settings) == {"U-B": 3} and api.list_findings(settings) == []


def test_the_withdraw_command(conflicting: Settings) -> None:
    from typer.testing import CliRunner

    from greenroom.cli import app

    runner = CliRunner()
    args = ["--data-dir", str(conflicting.data_dir), "consent"]
    done = runner.invoke(app, [*args, "withdraw", "U-B", "--reason", "typing error"])
    assert done.exit_code == 0, done.output
    assert "recorded withdrawal" in done.output
    refused = runner.invoke(app, [*args, "withdraw", "U-B", "--reason", "again"])
    assert refused.exit_code == 1 and "already withdrawn" in refused.output
    assert _priced_days(conflicting) == {"U-A": 2}
    member = runner.invoke(app, [*args, "member", "P1"])
    assert member.exit_code == 0 and "U-B withdrawn by staff (kept, not counted) — typing error" in member.output


# Migration 0007 on a registry written before it: its log entries lack the new columns' keys.

def _old_registry(source: Settings, url: str) -> None:
    """Copy source's records into the database at url as revision 0006 held them (no 0007 columns), with a
    log chain whose entries lack the 0007 keys, as the code before 0007 wrote them."""
    from alembic import command

    engine = get_engine(url)
    with engine.begin() as con:
        cfg = alembic_config()
        cfg.attributes["connection"] = con
        command.upgrade(cfg, "0006")
    src = get_engine(source.database_url)
    meta = sa.MetaData()
    meta.reflect(engine, only=[t for t in reg.ADDED_LATER] + ["consent_replicas", "consent_consents", "consent_log"])
    prev: Entry | None = None
    with src.connect() as read, engine.begin() as write:
        for name, table in meta.tables.items():
            if name == "consent_log":
                continue
            rows = [dict(r._mapping) for r in read.execute(Base.metadata.tables[name].select())]
            keep = [{k: v for k, v in r.items() if k in table.c} for r in rows]
            if keep:
                write.execute(table.insert(), keep)
        for _seq, kind, subject, body in read.execute(sa.text("SELECT seq, kind, subject, body FROM consent_log "
                                                             "ORDER BY seq")):
            parsed = json.loads(body)
            table_name = reg.RECORD_TABLES["consent" if kind == "correction" else kind].__tablename__
            data = {k: v for k, v in parsed["data"].items() if k not in reg.ADDED_LATER.get(table_name, {})}
            prev = make_entry(prev, kind, subject, data, dt.datetime.fromisoformat(parsed["at"]))
            write.execute(meta.tables["consent_log"].insert(),
                          [{"seq": prev.seq, "kind": prev.kind, "subject": prev.subject, "body": prev.body,
                            "prev_hash": prev.prev_hash, "hash": prev.hash}])


def _records(tmp_path: Path) -> Settings:
    """A registry at head with a performer, replica, consents, revocation, suspension and two reports."""
    folder = tmp_path / "source"
    folder.mkdir()
    settings = Settings(folder, f"sqlite:///{folder / 'app.sqlite3'}")
    reg.record_performer(settings, "P1", "Old Performer")
    tv_replica(settings)
    consent(settings)
    consent(settings, consent_id="C2", signed_on=DAY + dt.timedelta(days=1))
    reg.revoke(settings, "C2", DAY + dt.timedelta(days=5), "withdrawn by the member")
    reg.suspend(settings, DAY + dt.timedelta(days=10), agreement=rules.TV, reason="strike")
    _report(settings, 2, "U-A")
    _report(settings, 3, "U-B")
    return settings


def _upgrade_and_check(folder: Path, url: str) -> None:
    reg_settings = Settings(folder, url)
    session_factory(reg_settings)  # upgrades to head
    with get_engine(url).connect() as con:
        rev = con.execute(sa.text("SELECT version_num FROM alembic_version")).scalar_one()
        cols = {c["name"] for c in sa.inspect(con).get_columns("consent_uses")}
    assert rev == "0007" and {"notified_at", "sexual_content"} <= cols
    result = reg.verify(reg_settings)
    assert result.ok, result.message()
    snap = reg.snapshot(reg_settings)
    assert {u.use_id: (u.sexual_content, u.notified_at) for u in snap.uses} == {
        "U-A": (False, None), "U-B": (False, None)}
    reg.withdraw_use(reg_settings, "U-A", "U-B is right")
    assert reg.verify(reg_settings).ok
    assert [f.type for f in api.list_findings(reg_settings)] == []


def test_migration_0007_upgrades_a_sqlite_registry_and_it_still_verifies(tmp_path: Path) -> None:
    settings = _records(tmp_path)
    url = f"sqlite:///{tmp_path / 'old.sqlite3'}"
    _old_registry(settings, url)
    with get_engine(url).connect() as con:
        assert "use_id" not in {c["name"] for c in sa.inspect(con).get_columns("consent_status_events")}
    _upgrade_and_check(tmp_path, url)


def test_migration_0007_upgrades_a_postgresql_registry(pg_settings: Settings, tmp_path: Path) -> None:
    settings = _records(tmp_path)
    name = f"greenroom_mig_{uuid.uuid4().hex[:10]}"  # a database of its own: the shared one stays at head
    admin = sa.create_engine(get_engine(pg_settings.database_url).url, isolation_level="AUTOCOMMIT")
    with admin.connect() as con:
        con.execute(sa.text(f'CREATE DATABASE "{name}"'))
    url = get_engine(pg_settings.database_url).url.set(database=name).render_as_string(hide_password=False)
    try:
        _old_registry(settings, url)
        _upgrade_and_check(tmp_path, url)
    finally:
        get_engine(url).dispose()
        with admin.connect() as con:
            con.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}"'))
        admin.dispose()


def test_entries_logged_before_0007_still_detect_a_changed_record(tmp_path: Path) -> None:
    settings = _records(tmp_path)
    url = f"sqlite:///{tmp_path / 'old.sqlite3'}"
    _old_registry(settings, url)
    old = Settings(tmp_path, url)
    session_factory(old)
    with get_engine(url).begin() as con:
        con.execute(sa.text("UPDATE consent_uses SET sexual_content = TRUE WHERE use_id = 'U-A'"))
    result = reg.verify(old)
    assert not result.ok and "consent_uses row U-A differs" in result.message()


def test_the_consent_models_match_the_migrated_schema(settings: Settings) -> None:
    from alembic.autogenerate import compare_metadata
    from alembic.migration import MigrationContext

    session_factory(settings)
    with get_engine(settings.database_url).connect() as conn:
        diff = compare_metadata(MigrationContext.configure(conn), Base.metadata)
    assert [d for d in diff if "consent_" in repr(d)] == []
