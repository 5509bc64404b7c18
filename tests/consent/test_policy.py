"""One policy function, both directions: may X use Y's replica for Z on D (and why); which uses a consent covers."""

from __future__ import annotations

import datetime as dt

import pytest

from greenroom.consent import api
from greenroom.consent import registry as reg
from greenroom.consent.policy import decide
from tests.consent.conftest import DAY, consent, tv_replica


def ask(settings, **kw):
    q = {"producer": "Studio", "performer_id": "P1", "project": "FILM", "on": DAY + dt.timedelta(days=3)}
    q.update(kw)
    return decide(api.ask(settings, **q))


@pytest.fixture
def registry(settings):
    tv_replica(settings)
    consent(settings, media=["theatrical"], term_end=DAY + dt.timedelta(days=100))
    return settings


@pytest.mark.parametrize("change, code", [
    ({}, "covered"),
    ({"producer": " studio ", "project": "film", "medium": "Theatrical"}, "covered"),
    ({"producer": "Other Studio"}, "other_producer"),
    ({"project": "SEQUEL"}, "other_project"),
    ({"medium": "streaming"}, "medium_not_covered"),
    ({"real_time": True}, "real_time_not_consented"),
    ({"on": DAY - dt.timedelta(days=1)}, "before_consent"),
    ({"until": DAY + dt.timedelta(days=200)}, "after_term"),
    ({"replica_id": "R-OTHER"}, "other_replica"),
])
def test_may_answers_with_a_reason(registry, change, code):
    row = ask(registry, **change)
    assert row.code == code
    assert row.allow is (code == "covered")
    assert row.reason and ("C1" in row.reason)


def test_no_consent_at_all(settings):
    tv_replica(settings)
    row = ask(settings)
    assert (row.allow, row.code, row.consent_id) == (False, "no_consent", None)


def test_revocation_and_suspension_take_effect_from_their_date(registry):
    reg.suspend(registry, DAY + dt.timedelta(days=10), DAY + dt.timedelta(days=20), agreement="sag-aftra-tv-theatrical",
                reason="strike")
    assert ask(registry, on=DAY + dt.timedelta(days=9)).allow
    assert ask(registry, on=DAY + dt.timedelta(days=15)).code == "suspended"
    assert ask(registry, on=DAY + dt.timedelta(days=21)).allow
    reg.revoke(registry, "C1", DAY + dt.timedelta(days=30))
    assert ask(registry, on=DAY + dt.timedelta(days=29)).allow
    row = ask(registry, on=DAY + dt.timedelta(days=31))
    assert row.code == "revoked" and "revoked from" in row.reason


def test_a_correction_supersedes_the_consent_it_corrects(registry):
    consent(registry, consent_id="C2", supersedes="C1", media=["theatrical", "streaming"])
    rows = api.ask(registry, producer="Studio", performer_id="P1", project="FILM", on=DAY, medium="streaming")
    by_id = {r.consent_id: r for r in rows}
    assert by_id["C1"].code == "medium_not_covered" or by_id["C1"].code == "superseded"
    assert by_id["C2"].allow
    assert ask(registry, on=DAY).consent_id == "C2"


def test_every_use_a_consent_covers(registry):
    for days, project in ((2, "FILM"), (5, "SEQUEL"), (200, "FILM")):
        reg.report_use(registry, performer_id="P1", replica_id="R1", producer="Studio", project=project,
                       start_date=DAY + dt.timedelta(days=days), days=1, medium="theatrical")
    rows = api.ask(registry, consent_id="C1")
    assert [(r.project, r.allow, r.code) for r in rows] == [
        ("FILM", True, "covered"), ("SEQUEL", False, "other_project"), ("FILM", False, "after_term")]
    assert all(r.use_id for r in rows)


def test_invalid_consents_cover_nothing(settings):
    tv_replica(settings)
    consent(settings, consent_id="C-BURIED", separate=False)
    consent(settings, consent_id="C-BLANKET", projects=["*"])
    row = ask(settings)
    assert not row.allow and row.code == "invalid_consent"


def test_unknown_consent_is_refused(registry):
    with pytest.raises(LookupError, match="no consent"):
        api.ask(registry, consent_id="NOPE")
