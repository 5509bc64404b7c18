"""Bad rows go to the quarantine with file, row, column, value and reason; good rows load."""

from __future__ import annotations

import json
from pathlib import Path

from greenroom.config import Settings
from greenroom.ingest.loader import LoadResult, load_file
from greenroom.ingest.models import QuarantineRecord
from greenroom.ingest.registry import query_quarantine
from greenroom.store.db import session_factory
from tests.ingest.conftest import (
    ENGAGEMENT_HEADER,
    EXHIBITION_HEADER,
    TITLE_HEADER,
    engagement_row,
    exhibition_row,
    table_count,
    table_rows,
    title_row,
    write_csv,
)


def quarantine(settings: Settings, load_id: int | None = None) -> dict[int, QuarantineRecord]:
    """Open quarantine records by row number."""
    return {r.row_number: r for r in query_quarantine(session_factory(settings), load_id=load_id)}


def load_engagements(settings: Settings, tmp_path: Path, rows: list[list[str]]) -> LoadResult:
    """Load an engagements CSV of these rows."""
    result = load_file(settings, write_csv(tmp_path / "engagements.csv", ENGAGEMENT_HEADER, rows))
    assert result.balanced, result.summary()
    return result


def test_each_bad_amount_gets_its_reason(settings: Settings, tmp_path: Path, titles_loaded: LoadResult) -> None:
    rows = [
        engagement_row("E1"),
        engagement_row("E2", tac_cents="-5"),
        engagement_row("E3", tac_cents="12.5"),
        engagement_row("E4", days_worked="1.5"),
        engagement_row("E5", tac_cents="$12"),
        engagement_row("E6", tac_cents="99999999999999999999999"),
        engagement_row("E7", tac_cents="1200.00", days_worked="+3", weeks_worked="007"),
        engagement_row("E8", tac_cents=""),
        engagement_row("E9", weeks_worked="-1"),
    ]
    result = load_engagements(settings, tmp_path, rows)
    assert (result.rows_read, result.loaded, result.quarantined, result.duplicates) == (9, 2, 7, 0)
    q = quarantine(settings, result.load_id)
    expected = {
        3: ("tac_cents", "-5", "negative amount"),
        4: ("tac_cents", "12.5", "fraction of a cent"),
        5: ("days_worked", "1.5", "not a whole number"),
        6: ("tac_cents", "$12", "not a whole number"),
        7: ("tac_cents", "99999999999999999999999", "number too large"),
        9: ("tac_cents", None, "required value missing"),
        10: ("weeks_worked", "-1", "negative amount"),
    }
    assert {row: (r.column_name, r.value, r.reason) for row, r in q.items()} == expected
    loaded = table_rows(settings, "engagements", "engagement_id")
    assert [(r[0], r[4], r[5], r[6]) for r in loaded] == [("E1", 1, 0, 100000), ("E7", 3, 7, 1200)]


def test_quarantine_record_keeps_file_row_and_original(settings: Settings, tmp_path: Path,
                                                       titles_loaded: LoadResult) -> None:
    result = load_engagements(settings, tmp_path, [engagement_row("E1"), engagement_row(" E2 ", tac_cents=" 12.5 ")])
    record = quarantine(settings, result.load_id)[3]
    assert record.file_name == "engagements.csv"
    assert record.kind == "engagements"
    assert record.load_id == result.load_id
    assert record.status == "open" and record.created_at is not None and record.resolved_at is None
    assert record.key_value == "E2"
    assert record.value == "12.5"
    assert record.original == dict(zip(ENGAGEMENT_HEADER, engagement_row(" E2 ", tac_cents=" 12.5 "), strict=True))
    json.dumps(record.original)


def test_every_problem_of_a_row_is_listed(settings: Settings, tmp_path: Path, titles_loaded: LoadResult) -> None:
    result = load_engagements(settings, tmp_path, [engagement_row("E1", category="boss", tac_cents="-1")])
    record = quarantine(settings, result.load_id)[2]
    assert record.column_name == "category"
    assert record.reason.startswith("not an allowed value (expected one of: day, three_day")
    assert [(p["column"], p["reason"]) for p in record.problems][1] == ("tac_cents", "negative amount")


def test_unknown_title(settings: Settings, tmp_path: Path, titles_loaded: LoadResult) -> None:
    result = load_engagements(settings, tmp_path, [engagement_row("E1"), engagement_row("E2", title_id="T404")])
    assert (result.loaded, result.quarantined) == (1, 1)
    record = quarantine(settings, result.load_id)[3]
    assert (record.column_name, record.value, record.reason) == ("title_id", "T404", "unknown title")


def test_titles_in_the_same_batch_are_known(settings: Settings, tmp_path: Path) -> None:
    from greenroom.ingest.loader import load_files

    engagements = write_csv(tmp_path / "engagements.csv", ENGAGEMENT_HEADER, [engagement_row("E1")])
    titles = write_csv(tmp_path / "titles.csv", TITLE_HEADER, [title_row("T1")])
    results = load_files(settings, [engagements, titles])
    assert [r.kind for r in results] == ["titles", "engagements"]
    assert [r.loaded for r in results] == [1, 1]


def test_unknown_agreement_and_dates(settings: Settings, tmp_path: Path) -> None:
    rows = [
        title_row("T1"),
        title_row("T2", agreement="wga-2020"),
        title_row("T3", pp_date="2014-06-30"),
        title_row("T4", pp_date="2014-07-01"),
        title_row("T5", initial_release_date="2021-02-30"),
        title_row("T6", initial_release_date="9/1/2021"),
        title_row("T7", kind="soap_opera"),
        title_row("T8", length_minutes="0"),
        title_row("", name="No id"),
    ]
    result = load_file(settings, write_csv(tmp_path / "titles.csv", TITLE_HEADER, rows))
    assert (result.rows_read, result.loaded, result.quarantined) == (9, 2, 7)
    q = quarantine(settings, result.load_id)
    assert (q[3].column_name, q[3].reason) == ("agreement", "unknown agreement")
    assert (q[4].column_name, q[4].value) == ("pp_date", "2014-06-30")
    assert q[4].reason == "before the agreement's first effective date (2014-07-01)"
    assert (q[6].column_name, q[6].reason) == ("initial_release_date", "no such calendar date")
    assert (q[7].column_name, q[7].reason) == ("initial_release_date", "not an ISO date (YYYY-MM-DD)")
    assert q[8].reason.startswith("not an allowed value")
    assert q[9].reason == "below the minimum of 1"
    assert (q[10].column_name, q[10].reason, q[10].key_value) == ("title_id", "required value missing", None)


def test_exhibition_markets(settings: Settings, tmp_path: Path, titles_loaded: LoadResult) -> None:
    rows = [
        exhibition_row("X1"),
        exhibition_row("X2", market="cable"),
        exhibition_row("X3", run_number=""),
        exhibition_row("X4", market="foreign_tv", run_number="", gross_receipts_cents="500000"),
        exhibition_row("X5", market="foreign_tv", run_number=""),
        exhibition_row("X6", start_date="2021-13-01"),
    ]
    result = load_file(settings, write_csv(tmp_path / "exhibitions.csv", EXHIBITION_HEADER, rows))
    assert (result.loaded, result.quarantined) == (2, 4)
    q = quarantine(settings, result.load_id)
    assert (q[3].column_name, q[3].reason) == ("market", "unknown market")
    assert (q[4].column_name, q[4].reason) == ("run_number", "required for market network_prime")
    assert (q[6].column_name, q[6].reason) == ("gross_receipts_cents", "required for market foreign_tv")
    assert q[7].reason == "no such calendar date"


def test_market_requirement_for_a_column_missing_from_the_header(settings: Settings, tmp_path: Path,
                                                                 titles_loaded: LoadResult) -> None:
    header = ["exhibition_id", "title_id", "market", "start_date", "end_date"]
    rows = [["X1", "T1", "nm_avod", "2021-01-01", "2021-03-31"], ["X2", "T1", "nm_avod", "2021-01-01", "2020-12-31"],
            ["X3", "T1", "pay_tv", "2021-01-01", ""]]
    result = load_file(settings, write_csv(tmp_path / "exhibitions.csv", header, rows))
    q = quarantine(settings, result.load_id)
    assert result.loaded == 1
    assert q[3].reason == "end_date before start_date"
    assert (q[4].column_name, q[4].reason) == ("gross_receipts_cents", "required for market pay_tv")
    assert [p["column"] for p in q[4].problems] == ["gross_receipts_cents", "exhibition_days"]


def test_malformed_csv_rows_are_quarantined_and_the_rest_load(settings: Settings, tmp_path: Path,
                                                              titles_loaded: LoadResult) -> None:
    lines = [",".join(ENGAGEMENT_HEADER), ",".join(engagement_row("E1")),
             ",".join(engagement_row("E2", performer_id="Smith, Jo")),  # unquoted comma: one cell too many
             ",".join(engagement_row("E3"))[:-7],  # cut short
             "", ",".join(engagement_row("E4")), ",".join(engagement_row("E5")) + ",,"]
    path = tmp_path / "engagements.csv"
    path.write_text("\n".join(lines) + "\n")
    result = load_file(settings, path)
    assert (result.rows_read, result.loaded, result.quarantined) == (5, 3, 2)
    q = quarantine(settings, result.load_id)
    assert q[3].reason == "row has 8 cells but the header has 7"
    assert q[3].original["_extra_cells"] == ["100000"]
    assert q[4].reason == "row has 6 cells but the header has 7"
    assert sorted(r[0] for r in table_rows(settings, "engagements")) == ["E1", "E4", "E5"]


def test_row_numbers_count_blank_lines_and_multiline_cells(settings: Settings, tmp_path: Path,
                                                           titles_loaded: LoadResult) -> None:
    path = tmp_path / "engagements.csv"
    bad = ",".join(engagement_row("E9", tac_cents="-1"))
    path.write_text(",".join(ENGAGEMENT_HEADER) + ",performer_name\n"
                    + ",".join(engagement_row("E1")) + ',"two\nlines"\n\n' + bad + ",x\n")
    result = load_file(settings, path)
    assert result.quarantined == 1
    assert list(quarantine(settings, result.load_id)) == [4]  # header 1, E1 2, blank 3, E9 4


def test_bom_and_crlf(settings: Settings, tmp_path: Path, titles_loaded: LoadResult) -> None:
    path = tmp_path / "engagements.csv"
    text = "\r\n".join([",".join(ENGAGEMENT_HEADER), ",".join(engagement_row("E1")),
                        ",".join(engagement_row("E2", tac_cents="1.5"))]) + "\r\n"
    path.write_bytes(b"\xef\xbb\xbf" + text.encode())
    result = load_file(settings, path)
    assert (result.loaded, result.quarantined) == (1, 1)
    assert list(quarantine(settings, result.load_id)) == [3]
    assert table_count(settings, "engagements") == 1
