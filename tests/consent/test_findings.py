"""A test for every finding type, and the demo's planted violations found exactly."""

from __future__ import annotations

import datetime as dt

from greenroom.consent import api, rules
from greenroom.consent import compliance as cf
from greenroom.consent import registry as reg
from tests.consent.conftest import DAY, consent, tv_replica


def types(settings, **kw):
    return sorted(f.type for f in api.list_findings(settings, **kw))


def use(settings, start, project="FILM", **kw):
    return reg.report_use(settings, performer_id="P1", replica_id="R1", producer="Studio", project=project,
                          start_date=start, days=1, **kw).use


def test_a_covered_use_with_timely_notice_has_no_findings(settings):
    tv_replica(settings, created_on=DAY)
    session = dt.datetime(2025, 8, 1, 9)
    reg.record_notice(settings, performer_id="P1", replica_id="R1", producer="Studio", project="FILM",
                      session_at=session, notified_at=session - dt.timedelta(hours=48), minutes=300)
    consent(settings)
    use(settings, DAY + dt.timedelta(days=1))
    assert types(settings) == []


def test_use_without_consent(settings):
    tv_replica(settings)
    consent(settings)
    u = use(settings, DAY + dt.timedelta(days=1), project="SEQUEL")
    [f] = api.list_findings(settings)
    assert (f.type, f.subject_id) == (cf.USE_WITHOUT_CONSENT, u.use_id) and "not SEQUEL" in f.reason


def test_use_before_consent(settings):
    tv_replica(settings)
    consent(settings)
    use(settings, DAY - dt.timedelta(days=2))
    assert types(settings) == [cf.USE_BEFORE_CONSENT]


def test_use_after_revocation(settings):
    tv_replica(settings)
    consent(settings)
    reg.revoke(settings, "C1", DAY + dt.timedelta(days=3), "withdrawn")
    use(settings, DAY + dt.timedelta(days=1))
    use(settings, DAY + dt.timedelta(days=4))
    assert types(settings) == [cf.USE_AFTER_REVOCATION]


def test_use_during_suspension(settings):
    tv_replica(settings)
    consent(settings)
    reg.suspend(settings, DAY + dt.timedelta(days=5), DAY + dt.timedelta(days=9), performer_id="P1", reason="strike")
    use(settings, DAY + dt.timedelta(days=6))
    use(settings, DAY + dt.timedelta(days=12))
    assert types(settings) == [cf.USE_DURING_SUSPENSION]


def test_late_notice_and_notice_at_engagement(settings):
    tv_replica(settings, created_on=DAY)
    session = dt.datetime(2025, 8, 1, 9)
    reg.record_notice(settings, performer_id="P1", replica_id="R1", producer="Studio", project="FILM",
                      session_at=session, notified_at=session - dt.timedelta(hours=47), notice_id="N-LATE")
    # engaged 30 hours ahead and told at engagement: on time
    reg.record_notice(settings, performer_id="P1", replica_id="R1", producer="Studio", project="FILM",
                      session_at=session, notified_at=session - dt.timedelta(hours=30),
                      engaged_at=session - dt.timedelta(hours=30), notice_id="N-ENGAGED")
    # engaged 30 hours ahead but told 10 hours ahead: late
    reg.record_notice(settings, performer_id="P1", replica_id="R1", producer="Studio", project="FILM",
                      session_at=session, notified_at=session - dt.timedelta(hours=10),
                      engaged_at=session - dt.timedelta(hours=30), notice_id="N-LATE2")
    found = {f.subject_id: f for f in api.list_findings(settings)}
    assert set(found) == {"N-LATE", "N-LATE2"} and all(f.type == cf.LATE_NOTICE for f in found.values())
    assert "48 hours" in found["N-LATE"].reason and "at engagement" in found["N-LATE2"].reason


def test_missing_notice_for_a_session_and_for_a_replica_with_no_session(settings):
    tv_replica(settings, created_on=DAY)
    tv_replica(settings, replica_id="R2", created_on=DAY)
    reg.record_notice(settings, performer_id="P1", replica_id="R1", producer="Studio", project="FILM",
                      session_at=dt.datetime(2025, 8, 1, 9), notified_at=None, notice_id="N1")
    found = sorted((f.type, f.subject_id) for f in api.list_findings(settings))
    assert found == [(cf.MISSING_NOTICE, "N1"), (cf.MISSING_NOTICE, "R2")]


def test_consent_not_separate(settings):
    tv_replica(settings)
    consent(settings, separate=False)
    assert types(settings) == [cf.NOT_SEPARATE]


def test_blanket_consents(settings):
    tv_replica(settings)
    consent(settings, consent_id="C-ALL", projects=["all projects"])
    consent(settings, consent_id="C-TWO", projects=["FILM", "SEQUEL"])
    consent(settings, consent_id="C-VAGUE", description="any and all uses throughout the universe")
    assert types(settings) == [cf.BLANKET] * 3


def test_several_commercials_under_one_consent_are_not_blanket(settings):
    reg.record_performer(settings, "P1")
    reg.record_replica(settings, performer_id="P1", kind=rules.EMPLOYMENT_BASED, agreement=rules.COMMERCIALS,
                       producer="Studio", replica_id="R1")
    consent(settings, projects=["SPOT-1", "SPOT-2"])
    assert types(settings) == []


def test_signer_not_authorised(settings):
    reg.record_performer(settings, "P1", deceased_on=dt.date(2024, 1, 1), representative="Estate")
    reg.record_replica(settings, performer_id="P1", kind=rules.INDEPENDENT, agreement=rules.TV, producer="Studio",
                       replica_id="R1")
    consent(settings, consent_id="C-SELF", signed_by="performer")
    consent(settings, consent_id="C-UNION", signed_by="union")
    consent(settings, consent_id="C-REP", signed_by="representative")
    consent(settings, consent_id="C-REP-NAMED", signed_by="representative", signer_name="  estate ")
    consent(settings, consent_id="C-SOMEONE", signed_by="representative", signer_name="A Cousin")
    found = {f.subject_id: f.reason for f in api.list_findings(settings, type=cf.SIGNER)}
    assert set(found) == {"C-SELF", "C-UNION", "C-SOMEONE"}
    assert "signed by A Cousin, not by the authorised representative on record (Estate)" in found["C-SOMEONE"]


def test_duplicate_report(settings):
    tv_replica(settings)
    consent(settings)
    first = reg.report_use(settings, performer_id="P1", replica_id="R1", producer="Studio", project="FILM",
                           start_date=DAY, days=2)
    same = reg.report_use(settings, performer_id="P1", replica_id="R1", producer="Studio", project="FILM",
                          start_date=DAY, days=2)
    other = reg.report_use(settings, performer_id="P1", replica_id="R1", producer="Studio", project="FILM",
                           start_date=DAY, days=3)
    assert (first.status, same.status, other.status) == ("recorded", "already_recorded", "conflicting_duplicate")
    assert same.use.use_id == first.use.use_id and other.use.duplicate_of == first.use.use_id
    assert types(settings) == [cf.DUPLICATE]
    assert len(reg.snapshot(settings).uses) == 2


def test_compensation_unknown(settings):
    tv_replica(settings, kind=rules.INDEPENDENT)
    consent(settings)
    use(settings, DAY + dt.timedelta(days=1))
    [f] = api.list_findings(settings)
    assert f.type == cf.UNPRICED and "agreed_cents" in f.reason


def test_every_finding_type_has_a_test():
    import inspect
    import sys

    source = inspect.getsource(sys.modules[__name__])
    for t in cf.TYPES:
        assert f"def test_{t}" in source or f"cf.{_const(t)}" in source, t


def _const(t):
    return next(name for name in dir(cf) if getattr(cf, name) == t and name.isupper())


def test_the_demo_finds_exactly_what_it_planted(demo):
    settings, summary = demo
    assert summary["matches"], (summary["expected"], summary["found"])
    assert set(summary["found"]) == set(cf.TYPES)
    assert summary["rejected"] == summary["bad_rows_planted"] == 3
    assert summary["rows"] == summary["recorded"] + summary["already"] + summary["duplicates"] + summary["rejected"]
    assert reg.verify(settings).ok


def test_notice_times_with_a_zone_compare_in_utc(settings):
    tv_replica(settings, created_on=DAY)
    new_york = dt.timezone(dt.timedelta(hours=-4))
    session = dt.datetime(2025, 8, 3, 9, tzinfo=dt.UTC)
    # 9:00 UTC on the 3rd; notice at 08:00 New York on the 1st = 12:00 UTC: 45 hours ahead, late
    reg.record_notice(settings, performer_id="P1", replica_id="R1", producer="Studio", project="FILM",
                      session_at=session, notified_at=dt.datetime(2025, 8, 1, 8, tzinfo=new_york), notice_id="N1")
    [f] = api.list_findings(settings)
    assert f.type == cf.LATE_NOTICE and "45.0 hours" in f.reason


def test_the_demo_uses_performers_and_titles_of_the_residuals_data(settings):
    import duckdb

    from greenroom.consent.demo import seed_demo

    con = duckdb.connect(str(settings.duckdb_path))
    con.execute("CREATE TABLE engagements (engagement_id VARCHAR, performer_id VARCHAR, title_id VARCHAR)")
    con.execute("INSERT INTO engagements SELECT 'E' || i, 'PX' || (i % 10), 'T' || (i % 4) FROM range(40) t(i)")
    con.close()
    summary = seed_demo(settings, seed=5, groups=1)
    assert summary["from_residuals_data"] == 4 and summary["matches"], summary
    snap = reg.snapshot(settings)
    assert {p for p in snap.performers if p.startswith("PX")} and len(snap.performers) == 6
    tv = [r for r in snap.replicas.values() if r.agreement == rules.TV and r.origin_project]
    assert tv and all(r.origin_project.startswith("T") for r in tv)


def _commercials_use(settings, notified_at, use_id):
    return reg.report_use(settings, performer_id="P1", replica_id="R1", producer="Studio", project="SPOT-1",
                          start_date=dt.date(2025, 8, 10), days=1, rate_cents=100000, notified_at=notified_at,
                          use_id=use_id, medium=use_id)  # a medium per use keeps the three uses apart


def test_use_notice(settings):
    reg.record_performer(settings, "P1")
    reg.record_replica(settings, performer_id="P1", kind=rules.EMPLOYMENT_BASED, agreement=rules.COMMERCIALS,
                       producer="Studio", replica_id="R1")
    consent(settings, projects=["SPOT-1"], signed_on=dt.date(2025, 8, 1))
    _commercials_use(settings, dt.datetime(2025, 8, 8, 0), "U-OK")        # exactly 48 hours before the 10th
    _commercials_use(settings, dt.datetime(2025, 8, 8, 0, 1), "U-LATE")   # a minute short
    _commercials_use(settings, None, "U-NONE")
    found = {f.subject_id: f.reason for f in api.list_findings(settings, type=cf.USE_NOTICE)}
    assert set(found) == {"U-LATE", "U-NONE"}
    assert "given 47 h 59 min before its first day (2025-08-10); 48 hours required" in found["U-LATE"]
    assert found["U-NONE"].startswith("no notice of this use")
    # TV/Theatrical requires notice of creation sessions, not of each use.
    tv_replica(settings, performer="P2", replica_id="R2")
    consent(settings, performer="P2", replica_id="R2", consent_id="C2")
    reg.report_use(settings, performer_id="P2", replica_id="R2", producer="Studio", project="FILM",
                   start_date=DAY + dt.timedelta(days=1), days=1)
    assert not api.list_findings(settings, performer_id="P2", type=cf.USE_NOTICE)


def test_minor_sexual_depiction(settings):
    on = dt.date(2026, 8, 1)  # the 2026 contracts' protection is in force from 7/1/2026
    reg.record_performer(settings, "P1", born_on=dt.date(2009, 8, 2))       # 16 at the scan, 17 at the use
    reg.record_performer(settings, "P2", born_on=dt.date(2008, 8, 1))       # 18 on the day of use
    reg.record_performer(settings, "P3", born_on=dt.date(2008, 8, 1))       # scanned at 15, used at 18
    for p, made in (("P1", dt.date(2025, 9, 1)), ("P2", None), ("P3", dt.date(2023, 9, 1))):
        reg.record_replica(settings, performer_id=p, kind=rules.INDEPENDENT, agreement=rules.TV, producer="Studio",
                           origin_project="FILM", created_on=made, replica_id=f"R{p}")
        consent(settings, performer=p, replica_id=f"R{p}", consent_id=f"C{p}", signed_on=on)
        reg.report_use(settings, performer_id=p, replica_id=f"R{p}", producer="Studio", project="FILM",
                       start_date=on, days=1, agreed_cents=100000, sexual_content=True, use_id=f"U{p}")
    found = {f.subject_id: f.reason for f in api.list_findings(settings, type=cf.MINOR)}
    assert set(found) == {"UP1", "UP3"}
    assert "aged 15 on 2023-09-01" in found["UP3"] and "not allowed even with consent" in found["UP1"]
    # Before the 2026 contracts, and without sexual content, there is no such finding.
    reg.report_use(settings, performer_id="P1", replica_id="RP1", producer="Studio", project="FILM",
                   start_date=dt.date(2026, 6, 30), days=1, agreed_cents=100000, sexual_content=True, use_id="EARLY")
    reg.report_use(settings, performer_id="P1", replica_id="RP1", producer="Studio", project="FILM",
                   start_date=on, end_date=on + dt.timedelta(days=1), days=1, agreed_cents=100000, use_id="CLEAN")
    assert {f.subject_id for f in api.list_findings(settings, type=cf.MINOR)} == {"UP1", "UP3"}


def test_the_policy_refuses_a_sexual_depiction_by_a_minors_replica(settings):
    on = dt.date(2026, 8, 1)
    reg.record_performer(settings, "P1", born_on=dt.date(2010, 1, 1))
    reg.record_replica(settings, performer_id="P1", kind=rules.EMPLOYMENT_BASED, agreement=rules.TV,
                       producer="Studio", origin_project="FILM", replica_id="R1")
    consent(settings, signed_on=on)
    plain = api.ask(settings, producer="Studio", performer_id="P1", project="FILM", on=on)
    barred = api.ask(settings, producer="Studio", performer_id="P1", project="FILM", on=on, sexual_content=True)
    assert plain[0].allow and plain[0].code == "covered"
    assert not barred[0].allow and barred[0].code == "minor_protected"
    assert "aged 16 on 2026-08-01" in barred[0].reason and "even with consent" in barred[0].reason
    # The reported use is one finding (the minor's), not also a use without consent.
    use(settings, on, sexual_content=True)
    assert types(settings) == [cf.MINOR]
