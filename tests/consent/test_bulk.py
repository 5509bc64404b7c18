"""Producers' use reports as CSV: bad rows refused with file, row, column and why; nothing lost; re-loads idempotent."""

from __future__ import annotations

import csv

import pytest

from greenroom.consent import registry as reg
from greenroom.consent.bulk import load_consents, load_uses
from greenroom.consent.models import Reject
from greenroom.store.db import session_factory
from tests.consent.conftest import consent, tv_replica

HEADER = ["performer_id", "replica_id", "producer", "project", "start_date", "end_date", "days", "rate_cents",
          "real_time"]


def write(path, rows, header=HEADER):
    with path.open("w", newline="") as fh:
        w = csv.writer(fh)
        w.writerow(header)
        w.writerows(rows)
    return path


def rejects(settings):
    with session_factory(settings)() as s:
        return [(r.row_number, r.column, r.reason) for r in s.query(Reject).order_by(Reject.row_number)]


def test_bad_rows_are_kept_with_where_and_why_and_reloading_changes_nothing(settings, tmp_path):
    tv_replica(settings)
    consent(settings)
    path = write(tmp_path / "uses.csv", [
        ["P1", "R1", "Studio", "FILM", "2025-08-02", "2025-08-03", "2", "150000", "no"],
        ["NOBODY", "R1", "Studio", "FILM", "2025-08-02", "", "1", "", ""],
        ["P1", "R1", "Studio", "FILM", "2025-08-09", "2025-08-01", "1", "", ""],
        ["P1", "R1", "Studio", "FILM", "2025-08-02", "", "two", "", ""],
        ["P1", "R1", "Studio", "FILM", "02/08/2025", "", "1", "", ""],
        ["P1", "R-X", "Studio", "FILM", "2025-08-02", "", "1", "", ""],
        ["P1", "R1", "Studio", "FILM", "2025-08-05", "", "1", "-5", ""],
        ["P1", "R1", "Studio", "FILM", "2025-08-05", "", "1", "", "maybe"],
    ])
    result = load_uses(settings, path)
    assert (result.rows, result.recorded, result.rejected) == (8, 1, 7) and result.balanced
    got = rejects(settings)
    assert [(n, c) for n, c, _ in got] == [(3, "performer_id"), (4, "end_date"), (5, "days"), (6, "start_date"),
                                           (7, "replica_id"), (8, "rate_cents"), (9, "real_time")]
    assert "unknown performer 'NOBODY'" in got[0][2] and "ends" in got[1][2] and "'two'" in got[2][2]
    assert any("row 3, column performer_id" in m for m in result.messages)
    again = load_uses(settings, path)
    assert (again.recorded, again.already, again.rejected) == (0, 1, 7)
    assert len(rejects(settings)) == 7 and len(reg.snapshot(settings).uses) == 1


def test_a_file_without_required_columns_is_refused_whole(settings, tmp_path):
    path = write(tmp_path / "bad.csv", [["P1", "R1"]], header=["performer_id", "replica_id"])
    with pytest.raises(reg.ConsentError, match="lacks required column"):
        load_uses(settings, path)


def test_performers_of_the_residuals_data_are_known_without_being_recorded(settings):
    import duckdb

    con = duckdb.connect(str(settings.duckdb_path))
    con.execute("CREATE TABLE engagements (engagement_id VARCHAR, performer_id VARCHAR, title_id VARCHAR)")
    con.execute("INSERT INTO engagements VALUES ('E1', 'PERF-9', 'T1')")
    con.close()
    r = reg.record_replica(settings, performer_id="PERF-9", kind="employment_based",
                           agreement="sag-aftra-tv-theatrical", producer="Studio", origin_project="T1")
    snap = reg.snapshot(settings)
    assert "PERF-9" in snap.performers and snap.replicas[r.replica_id].performer_id == "PERF-9"
    with pytest.raises(reg.ConsentError, match="unknown performer"):
        reg.record_replica(settings, performer_id="PERF-10", kind="employment_based",
                           agreement="sag-aftra-tv-theatrical", producer="Studio")
    assert reg.verify(settings).ok


CONSENT_HEADER = ["consent_id", "performer_id", "replica_id", "producer", "projects", "description", "signed_on",
                  "media", "separate", "replica_kind", "agreement", "origin_project", "supersedes"]


def test_consents_file_records_replicas_and_consents_and_refuses_bad_rows(settings, tmp_path):
    reg.record_performer(settings, "P1")
    path = write(tmp_path / "consents.csv", [
        ["C1", "P1", "R1", "Studio", "FILM", "double, scenes 4-6", "2025-08-01", "theatrical;streaming", "yes",
         "employment_based", "sag-aftra-tv-theatrical", "FILM", ""],
        ["C2", "P1", "R1", "Studio", "FILM;SEQUEL", "harmonies", "2025-08-02", "", "no", "", "", "", ""],
        ["C3", "P1", "R1", "Studio", "FILM", "", "2025-08-01", "", "", "", "", "", ""],
        ["C4", "P1", "R9", "Studio", "FILM", "scene 9", "2025-08-01", "", "", "", "", "", ""],
        ["C5", "P1", "R5", "Studio", "FILM", "scene 9", "2025-08-01", "", "", "hologram", "sag-aftra-tv-theatrical",
         "", ""],
        ["C6", "P1", "R6", "Studio", "FILM", "scene 9", "2025-08-01", "", "", "voice", "", "", ""],
        ["C7", "P1", "R7", "Studio", "FILM", "scene 9", "2025-08-01", "", "", "voice",
         "sag-aftra-sound-recordings", "", "C-NONE"],
    ], header=CONSENT_HEADER)
    result = load_consents(settings, path)
    assert (result.rows, result.recorded, result.rejected) == (7, 2, 5) and result.balanced, result.messages
    snap = reg.snapshot(settings)
    assert {c.consent_id for c in snap.consents} == {"C1", "C2"} and set(snap.replicas) == {"R1"}
    c1 = next(c for c in snap.consents if c.consent_id == "C1")
    assert c1.media == ["theatrical", "streaming"] and c1.separate and c1.agreement == "sag-aftra-tv-theatrical"
    cols = [c for _, c, _ in rejects(settings)]
    assert cols == ["description", "replica_id", "replica_kind", "agreement", "supersedes"]
    again = load_consents(settings, path)
    assert (again.recorded, again.already, again.rejected) == (0, 2, 5)
    assert len(rejects(settings)) == 5 and reg.verify(settings).ok
