"""The registry on PostgreSQL, when GREENROOM_TEST_DATABASE_URL names one."""

from __future__ import annotations

import datetime as dt
import uuid

from greenroom.config import Settings
from greenroom.consent import api, rules
from greenroom.consent import registry as reg


def test_registry_round_trip_on_postgresql(pg_settings: Settings) -> None:
    run = uuid.uuid4().hex[:8]  # the database outlives the test: keep this run's records apart
    p, r, c = f"P{run}", f"R{run}", f"C{run}"
    day = dt.date(2025, 8, 1)
    reg.record_performer(pg_settings, p, "PG Performer")
    reg.record_replica(pg_settings, performer_id=p, kind=rules.EMPLOYMENT_BASED, agreement=rules.TV,
                       producer="Studio", origin_project=f"F{run}", created_on=day, replica_id=r)
    reg.record_notice(pg_settings, performer_id=p, replica_id=r, producer="Studio", project=f"F{run}",
                      session_at=dt.datetime(2025, 8, 1, 9), notified_at=dt.datetime(2025, 7, 28, 9))
    reg.record_consent(pg_settings, performer_id=p, replica_id=r, producer="Studio", projects=[f"F{run}"],
                       description="scene 2 double", signed_on=day, consent_id=c)
    first = reg.report_use(pg_settings, performer_id=p, replica_id=r, producer="Studio", project=f"F{run}",
                           start_date=day, days=1)
    again = reg.report_use(pg_settings, performer_id=p, replica_id=r, producer="Studio", project=f"F{run}",
                           start_date=day, days=1)
    assert (first.status, again.status) == ("recorded", "already_recorded")
    assert api.list_findings(pg_settings, performer_id=p) == []
    assert api.member_record(pg_settings, p)["uses"][0]["allowed"] is True
    assert reg.verify(pg_settings).ok
