"""Property tests: for any mix of good and bad rows, every row is accounted for exactly once, the
outcome matches a plain-Python model of the rules, and loading again changes nothing."""

from __future__ import annotations

import csv
import itertools
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from greenroom.config import Settings
from greenroom.ingest.loader import load_file, load_rows
from greenroom.ingest.registry import query_quarantine
from greenroom.store.db import session_factory
from tests.ingest.conftest import ENGAGEMENT_HEADER, table_count, title_row

HEADER = [*ENGAGEMENT_HEADER, "performer_name"]
BASE = {f"B{i}": ["P9", "T1", "day", "2", "0", "50000", "Base"] for i in range(3)}
GOOD = {"performer_id": ["P1", " P2 "], "title_id": ["T1", "T2"], "category": ["day", "weekly"],
        "days_worked": ["0", "3", "+4", "5.0"], "weeks_worked": ["0", "1"], "tac_cents": ["0", "100", "12.00"]}
BAD = {"performer_id": [""], "title_id": ["T404", ""], "category": ["Day", "boss"],
       "days_worked": ["-1", "1.5", "x"], "weeks_worked": ["-2", "1e3"], "tac_cents": ["12.5", "-3", "$5", ""]}
names = st.text(st.characters(blacklist_categories=("Cs",), blacklist_characters="\x00"), max_size=12)
counter = itertools.count()


@st.composite
def row_specs(draw: st.DrawFn) -> list[object]:
    """One row: a key choice, each field good or bad, and a performer name (commas, quotes, newlines...)."""
    key = draw(st.sampled_from(["new", "new", "new", "repeat", "base-same", "base-changed", "empty"]))
    fields = {f: draw(st.sampled_from(BAD[f] if draw(st.integers(0, 9)) == 0 else GOOD[f])) for f in GOOD}
    return [key, fields, draw(names)]


def build(specs: list[list[object]], prefix: str) -> tuple[list[list[str]], dict[str, int]]:
    """CSV rows for the specs, and the expected count of each outcome under the loading rules."""
    rows: list[list[str]] = []
    fresh = 0
    for key, fields, name in specs:
        assert isinstance(fields, dict) and isinstance(name, str)
        if key == "base-same":
            eid = "B0"
            cells = [eid, *BASE[eid]]
        else:
            if key == "new" or (key == "repeat" and fresh == 0):
                fresh += 1
            eid = {"base-changed": "B1", "empty": ""}.get(str(key), f"{prefix}-{fresh}")
            cells = [eid, *(fields[f] for f in GOOD), name]
        rows.append(cells)
    return rows, expected(rows)


def expected(rows: list[list[str]]) -> dict[str, int]:
    """The outcome the rules give, computed without the loader."""
    strip = " \t\r\n\u00a0\ufeff"
    counts = {"read": 0, "loaded": 0, "quarantined": 0, "duplicates": 0}
    seen: set[str] = set()
    for cells in rows:
        if all(not c.strip(strip) for c in cells):
            continue  # a blank row is not a row
        counts["read"] += 1
        eid = cells[0].strip(strip)
        clean = [c.strip(strip) for c in cells]
        bad = any(clean[i] in BAD[f] or not clean[i] for i, f in enumerate(GOOD, start=1)) or not eid
        repeat = eid in seen
        seen.add(eid)
        if bad or repeat:
            counts["quarantined"] += 1
        elif eid in BASE:
            same = clean[1:7] == BASE[eid][:6] and (clean[7] or None) == BASE[eid][6]
            counts["duplicates" if same else "quarantined"] += 1
        else:
            counts["loaded"] += 1
    return counts


@pytest.fixture(scope="module")
def base_settings() -> Iterator[Settings]:
    """One data directory for all examples: titles T1, T2 and engagements B0..B2 already loaded."""
    with tempfile.TemporaryDirectory() as tmp:
        data = Path(tmp)
        s = Settings(data_dir=data, database_url=f"sqlite:///{data / 'app.sqlite3'}")
        load_rows(s, "titles", [dict(zip(["title_id", "name", "agreement", "kind", "length_minutes", "pp_date",
                                          "initial_release_date"], title_row(t), strict=True)) for t in ("T1", "T2")])
        load_rows(s, "engagements", [dict(zip(HEADER, [k, *v], strict=True)) for k, v in BASE.items()])
        yield s


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture,
                                                                   HealthCheck.too_slow])
@given(specs=st.lists(row_specs(), min_size=1, max_size=25))
def test_every_row_accounted_for_and_reload_changes_nothing(base_settings: Settings,
                                                            specs: list[list[object]]) -> None:
    s = base_settings
    prefix = f"E{next(counter)}"
    rows, want = build(specs, prefix)
    folder = s.data_dir / prefix
    folder.mkdir()
    path = folder / "engagements.csv"
    with path.open("w", encoding="utf-8", newline="") as f:
        csv.writer(f).writerows([HEADER, *rows])
    before = table_count(s, "engagements")
    result = load_file(s, path)
    if want["read"] == 0:
        assert result.refused
        return
    if result.already_loaded:  # an earlier example wrote the very same bytes (e.g. only base rows)
        assert table_count(s, "engagements") == before
        return
    got = {"read": result.rows_read, "loaded": result.loaded, "quarantined": result.quarantined,
           "duplicates": result.duplicates}
    assert result.rows_read == result.loaded + result.quarantined + result.duplicates
    assert got == want, (rows, result.messages)
    assert table_count(s, "engagements") == before + result.loaded
    assert len(query_quarantine(session_factory(s), load_id=result.load_id)) == result.quarantined

    after = table_count(s, "engagements")
    assert load_file(s, path).already_loaded
    # The same rows with the columns in another order: new bytes, so row-level checks decide.
    shuffled = folder / "engagements-reordered.csv"
    order = list(reversed(range(len(HEADER))))
    with shuffled.open("w", encoding="utf-8", newline="") as f:
        csv.writer(f).writerows([[r[i] for i in order] for r in [HEADER, *rows]])
    again = load_file(s, shuffled)
    assert again.loaded == 0
    assert again.rows_read == again.quarantined + again.duplicates == result.rows_read
    assert table_count(s, "engagements") == after
