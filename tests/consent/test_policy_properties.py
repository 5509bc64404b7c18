"""Properties of the policy on generated registries (in memory): both directions give the same answer."""

from __future__ import annotations

import datetime as dt

from hypothesis import given, settings
from hypothesis import strategies as st

from greenroom.consent.models import Consent, Performer, Replica, StatusEvent, Use
from greenroom.consent.policy import Question, decide, judge_question, policy
from greenroom.consent.registry import REVOCATION, SUSPENSION, Snapshot

DAY = dt.date(2025, 8, 1)
MOSTLY_TRUE = st.sampled_from((True, True, True, False))
MOSTLY_FALSE = st.sampled_from((False, False, False, True))
REPLICAS = st.sampled_from(("R1", "R1", "R2"))
PRODUCERS = ("A", "A", "A", "B")  # repeats weight the draws towards uses that consents cover
PROJECTS = ("F1", "F1", "F1", "F2", "*")
days = st.integers(0, 60).map(lambda n: DAY + dt.timedelta(days=n))


@st.composite
def registries(draw):
    performers = {"P1": Performer(performer_id="P1", name="", deceased_on=None, representative=None)}
    replicas = {r: Replica(replica_id=r, performer_id="P1", kind="employment_based",
                           agreement="sag-aftra-tv-theatrical", producer="A", origin_project="F1", created_on=None,
                           description="") for r in ("R1", "R2")}
    consents = []
    for i in range(draw(st.integers(0, 5))):
        signed = draw(days)
        end = draw(st.none() | days)
        consents.append(Consent(
            consent_id=f"C{i}", performer_id="P1", replica_id=draw(REPLICAS),
            producer=draw(st.sampled_from(PRODUCERS)), agreement="sag-aftra-tv-theatrical",
            projects=[draw(st.sampled_from(PROJECTS))], description="scene 4 double",
            media=draw(st.sampled_from(([], [], ["tv"], ["tv", "web"]))), real_time=draw(st.booleans()),
            term_start=signed, term_end=end if end is None or end >= signed else signed, separate=draw(MOSTLY_TRUE),
            signed_on=signed, signed_by="performer", signer_name="", document="",
            supersedes=f"C{i - 1}" if i and draw(st.booleans()) else None))
    status = []
    for i in range(draw(st.integers(0, 3))):
        start = draw(days)
        if consents and draw(st.booleans()):
            status.append(StatusEvent(event_id=f"V{i}", kind=REVOCATION, consent_id=draw(
                st.sampled_from([c.consent_id for c in consents])), performer_id="P1", producer=None, agreement=None,
                start=start, end=None, reason=""))
        else:
            status.append(StatusEvent(event_id=f"S{i}", kind=SUSPENSION, consent_id=None, performer_id=None,
                                      producer=draw(st.none() | st.sampled_from(PRODUCERS)),
                                      agreement="sag-aftra-tv-theatrical", start=start,
                                      end=start + dt.timedelta(days=draw(st.integers(0, 10))), reason="strike"))
    uses = []
    for i in range(draw(st.integers(1, 6))):
        start = draw(days)
        uses.append(Use(use_id=f"U{i}", use_key="k", performer_id="P1", replica_id=draw(REPLICAS),
                        producer=draw(st.sampled_from(PRODUCERS)),
                        project=draw(st.sampled_from(("F1", "F1", "F1", "F2"))),
                        medium=draw(st.sampled_from(("", "", "tv", "cinema"))), description="", start_date=start,
                        end_date=start + dt.timedelta(days=draw(st.integers(0, 5))), days=1, scenes="",
                        lines_generated=0, real_time=draw(MOSTLY_FALSE), role="principal", rate_cents=None,
                        agreed_cents=None, sides=None, source="", duplicate_of=None))
    return Snapshot(performers, replicas, consents, [], uses, status)


@settings(max_examples=150, deadline=None)
@given(registries())
def test_both_directions_agree_and_an_allowed_use_is_really_covered(snap):
    covered_by: dict[str, set[str]] = {}
    for c in snap.consents:
        for row in policy(snap, consent_id=c.consent_id):
            if row.allow:
                covered_by.setdefault(row.use_id or "", set()).add(c.consent_id)
    for u in snap.uses:
        rows = judge_question(snap, Question.of_use(u))
        best = decide(rows)
        assert best.allow == (u.use_id in covered_by)
        assert {r.consent_id for r in rows if r.allow} == covered_by.get(u.use_id, set())
        if best.allow:
            c = next(c for c in snap.consents if c.consent_id == best.consent_id)
            assert c.separate and c.projects != ["*"] and c.producer == u.producer and c.replica_id == u.replica_id
            assert c.signed_on <= u.start_date and (c.term_end is None or u.end_date <= c.term_end)
            assert not any(e.kind == REVOCATION and e.consent_id == c.consent_id and e.start <= u.end_date
                           for e in snap.status)
            assert not (u.real_time and not c.real_time)
            assert not any(s.supersedes == c.consent_id for s in snap.consents)
        else:
            assert best.reason
