"""Property test on the stored log: any sequence of valid registry events verifies; any single altered byte
of any stored entry fails and names that entry."""

from __future__ import annotations

import datetime as dt
import uuid

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import text

from greenroom.config import Settings
from greenroom.consent import registry as reg
from greenroom.consent import rules
from greenroom.store.db import get_engine

OPS = st.lists(st.tuples(st.sampled_from(("consent", "use", "notice", "revoke", "suspend", "replica", "withdraw")),
                         st.integers(0, 40)), min_size=1, max_size=8)


def apply(s, ops):
    reg.record_performer(s, "P1")
    reg.record_replica(s, performer_id="P1", kind=rules.EMPLOYMENT_BASED, agreement=rules.TV, producer="Studio",
                       origin_project="FILM", replica_id="R0")
    replicas, consents, uses = ["R0"], [], []
    day = dt.date(2025, 8, 1)
    for i, (op, n) in enumerate(ops):
        when = day + dt.timedelta(days=n)
        if op == "replica":
            replicas.append(reg.record_replica(s, performer_id="P1", kind=rules.VOCAL, agreement=rules.INTERACTIVE,
                                               producer="Games", replica_id=f"R{i + 1}").replica_id)
        elif op == "consent":
            consents.append(reg.record_consent(s, performer_id="P1", replica_id=replicas[n % len(replicas)],
                                               producer="Studio", projects=["FILM"], description=f"scene {n} é",
                                               signed_on=when).consent_id)
        elif op == "use":
            report = reg.report_use(s, performer_id="P1", replica_id=replicas[n % len(replicas)], producer="Studio",
                                    project="FILM", start_date=when, days=n % 3, sexual_content=n % 2 == 0,
                                    notified_at=dt.datetime.combine(when, dt.time()) - dt.timedelta(hours=n))
            if report.status != "already_recorded":
                uses.append(report.use.use_id)
        elif op == "notice":
            at = dt.datetime.combine(when, dt.time(9))
            reg.record_notice(s, performer_id="P1", replica_id="R0", producer="Studio", project="FILM",
                              session_at=at, notified_at=at - dt.timedelta(hours=n))
        elif op == "revoke" and consents:
            reg.revoke(s, consents[n % len(consents)], when)
        elif op == "withdraw" and uses:
            reg.withdraw_use(s, uses.pop(n % len(uses)), f"report {n} was wrong")
        elif op == "suspend":
            reg.suspend(s, when, when + dt.timedelta(days=3), performer_id="P1", reason="strike")


@settings(max_examples=8, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(OPS, st.data())
def test_stored_log_verifies_then_fails_at_the_altered_entry(tmp_path, ops, data):
    folder = tmp_path / uuid.uuid4().hex
    folder.mkdir()
    s = Settings(folder, f"sqlite:///{folder / 'app.sqlite3'}")
    apply(s, ops)
    good = reg.verify(s)
    assert good.ok, good.message()
    n = good.entries
    seq = data.draw(st.integers(1, n))
    column = data.draw(st.sampled_from(("body", "prev_hash", "hash")))
    engine = get_engine(s.database_url)
    with engine.begin() as con:
        value = con.execute(text(f"SELECT {column} FROM consent_log WHERE seq = :q"), {"q": seq}).scalar_one()
        raw = bytearray(value.encode())
        pos = data.draw(st.integers(0, len(raw) - 1))
        raw[pos] = data.draw(st.integers(32, 126).filter(lambda b: b != raw[pos]))
        changed = raw.decode(errors="replace")
        con.execute(text(f"UPDATE consent_log SET {column} = :v WHERE seq = :q"), {"v": changed, "q": seq})
    bad = reg.verify(s)
    assert not bad.ok and bad.first_bad_seq == seq, bad.message()
