"""The hash-chained log: verifies after any sequence of valid events, fails at any single altered byte."""

from __future__ import annotations

import datetime as dt
from dataclasses import replace

from hypothesis import given, settings
from hypothesis import strategies as st
from sqlalchemy import text

from greenroom.consent import registry as reg
from greenroom.consent.log import GENESIS, canonical, make_entry, verify_entries
from greenroom.store.db import get_engine
from tests.consent.conftest import DAY, consent, tv_replica

AT = dt.datetime(2026, 1, 1, tzinfo=dt.UTC)
KINDS = ("performer", "replica", "consent", "notice", "use", "revocation", "suspension", "correction")
payloads = st.dictionaries(st.text(min_size=1, max_size=8), st.one_of(st.integers(), st.text(max_size=12),
                                                                        st.booleans(), st.none()), max_size=4)
events = st.lists(st.tuples(st.sampled_from(KINDS), st.text(min_size=1, max_size=10), payloads), min_size=1,
                  max_size=12)


def chain(evs):
    out, prev = [], None
    for kind, subject, data in evs:
        prev = make_entry(prev, kind, subject, data, AT)
        out.append(prev)
    return out


def test_canonical_form_is_sorted_and_compact():
    assert canonical({"b": 1, "a": [dt.date(2025, 1, 2)]}) == '{"a":["2025-01-02"],"b":1}'


@settings(max_examples=60, deadline=None)
@given(events)
def test_any_sequence_of_valid_events_verifies(evs):
    entries = chain(evs)
    result = verify_entries(entries)
    assert result.ok and result.entries == len(entries) and result.head == entries[-1].hash
    assert entries[0].prev_hash == GENESIS


@settings(max_examples=120, deadline=None)
@given(events, st.data())
def test_any_single_altered_byte_fails_and_names_the_entry(evs, data):
    entries = chain(evs)
    i = data.draw(st.integers(0, len(entries) - 1))
    field = data.draw(st.sampled_from(("body", "prev_hash", "hash", "kind", "subject")))
    raw = bytearray(getattr(entries[i], field).encode())
    pos = data.draw(st.integers(0, len(raw) - 1))
    new = data.draw(st.integers(0, 127).filter(lambda b: b != raw[pos]))
    raw[pos] = new
    try:
        changed = raw.decode()
    except UnicodeDecodeError:  # a byte that breaks the text encoding is also a change the check must catch
        changed = raw.decode(errors="replace")
    altered = list(entries)
    altered[i] = replace(entries[i], **{field: changed})
    result = verify_entries(altered)
    assert not result.ok
    assert result.first_bad_seq == entries[i].seq, result.message()
    assert f"entry {entries[i].seq}" in result.message()


def test_a_removed_entry_is_named():
    entries = chain([("consent", f"C{i}", {"i": i}) for i in range(5)])
    result = verify_entries(entries[:2] + entries[3:])
    assert not result.ok and result.first_bad_seq == 3


def test_registry_log_verifies_and_pinpoints_a_tampered_row(settings):
    tv_replica(settings)
    consent(settings)
    reg.revoke(settings, "C1", DAY + dt.timedelta(days=5), "withdrawn")
    ok = reg.verify(settings)
    assert ok.ok and ok.entries == 4
    engine = get_engine(settings.database_url)
    with engine.begin() as con:
        body = con.execute(text("SELECT body FROM consent_log WHERE seq = 3")).scalar_one()
        con.execute(text("UPDATE consent_log SET body = :b WHERE seq = 3"), {"b": body.replace("scenes 4", "scenes 9")})
    bad = reg.verify(settings)
    assert not bad.ok and bad.first_bad_seq == 3 and "entry 3" in bad.message()


def test_a_record_changed_behind_the_logs_back_is_found(settings):
    tv_replica(settings)
    consent(settings)
    engine = get_engine(settings.database_url)
    with engine.begin() as con:
        con.execute(text("UPDATE consent_consents SET description = 'any and all uses' WHERE consent_id = 'C1'"))
    bad = reg.verify(settings)
    assert not bad.ok and "consent_consents row C1" in bad.reason and bad.first_bad_seq == 3
