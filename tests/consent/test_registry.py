"""Bad input is refused clearly; consents are never edited; a member sees and exports everything about them."""

from __future__ import annotations

import datetime as dt
import json

import pytest

from greenroom.consent import api, rules
from greenroom.consent import registry as reg
from greenroom.store.db import alembic_config, get_engine
from tests.consent.conftest import DAY, consent, tv_replica


@pytest.mark.parametrize("change, message", [
    ({"description": "  "}, "description of use"),
    ({"projects": []}, "project"),
    ({"signed_by": "agent"}, "signed_by"),
    ({"term_end": DAY - dt.timedelta(days=1)}, "ends"),
    ({"replica_id": "R-NONE"}, "unknown replica"),
    ({"performer_id": "P-NONE"}, "unknown performer"),
    ({"supersedes": "C-NONE"}, "to correct"),
])
def test_bad_consents_are_refused(settings, change, message):
    tv_replica(settings)
    with pytest.raises(reg.ConsentError, match=message):
        consent(settings, **change)
    assert reg.snapshot(settings).consents == [] and reg.verify(settings).ok


def test_a_consent_id_cannot_be_reused_a_correction_is_new(settings):
    tv_replica(settings)
    consent(settings)
    with pytest.raises(reg.ConsentError, match="already recorded"):
        consent(settings, description="changed")
    consent(settings, consent_id="C2", supersedes="C1", description="corrected")
    descriptions = {c.consent_id: c.description for c in reg.snapshot(settings).consents}
    assert descriptions == {"C1": "double for scenes 4-6", "C2": "corrected"}


def test_revoking_an_unknown_consent_and_bad_uses_are_refused(settings):
    tv_replica(settings)
    with pytest.raises(reg.ConsentError, match="no consent 'C9' to revoke"):
        reg.revoke(settings, "C9", DAY)
    with pytest.raises(reg.ConsentError, match="unknown performer"):
        reg.report_use(settings, performer_id="GHOST", replica_id="R1", producer="Studio", project="FILM",
                       start_date=DAY)
    with pytest.raises(reg.ConsentError, match="is a replica of P1"):
        reg.record_performer(settings, "P2")
        reg.report_use(settings, performer_id="P2", replica_id="R1", producer="Studio", project="FILM",
                       start_date=DAY)
    with pytest.raises(reg.ConsentError, match="kind"):
        reg.record_replica(settings, performer_id="P1", kind="hologram", agreement=rules.TV, producer="Studio")
    with pytest.raises(reg.ConsentError, match="needs a consent"):
        reg.suspend(settings, DAY)


def test_member_record_holds_everything_and_exports(settings, tmp_path):
    tv_replica(settings, created_on=DAY)
    consent(settings)
    reg.report_use(settings, performer_id="P1", replica_id="R1", producer="Studio", project="FILM",
                   start_date=DAY + dt.timedelta(days=2), days=2)
    reg.report_use(settings, performer_id="P1", replica_id="R1", producer="Studio", project="OTHER",
                   start_date=DAY + dt.timedelta(days=3), days=1)
    reg.revoke(settings, "C1", DAY + dt.timedelta(days=40))
    reg.record_performer(settings, "P2")  # another member's data must not appear
    tv_replica(settings, performer="P2", replica_id="R2")
    record = api.member_record(settings, "P1")
    assert record["performer"]["performer_id"] == "P1"
    assert [r["replica_id"] for r in record["replicas"]] == ["R1"]
    assert record["consents"][0]["state"] == "revoked" and len(record["consents"][0]["uses"]) == 2
    assert [u["allowed"] for u in record["uses"]] == [True, False]
    assert {f["type"] for f in record["findings"]} == {"use_without_consent", "missing_notice"}
    assert record["revocations"][0]["consent_id"] == "C1"
    assert [h["kind"] for h in record["history"]] == ["performer", "replica", "consent", "use", "use", "revocation"]
    assert all(h["subject"] != "R2" for h in record["history"])
    assert record["compensation"]["total_cents"] > 0 and record["compensation"]["lines"][0]["citations"]
    path = api.export_member(settings, "P1", tmp_path / "p1.json")
    assert json.loads(path.read_text()) == json.loads(json.dumps(record))
    with pytest.raises(LookupError):
        api.member_record(settings, "NOBODY")


def test_migration_downgrades_and_upgrades(settings):
    from alembic import command

    tv_replica(settings)
    engine = get_engine(settings.database_url)
    with engine.begin() as con:
        cfg = alembic_config()
        cfg.attributes["connection"] = con
        command.downgrade(cfg, "0002")
    with engine.connect() as con:
        names = set(engine.dialect.get_table_names(con))
    assert not {n for n in names if n.startswith("consent_")}
    with engine.begin() as con:
        cfg = alembic_config()
        cfg.attributes["connection"] = con
        command.upgrade(cfg, "0003")
    with engine.connect() as con:
        assert "consent_log" in set(engine.dialect.get_table_names(con))
