"""Whole files that are refused: a clear message naming the file and the problem, nothing loaded."""

from __future__ import annotations

from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq

from greenroom.config import Settings
from greenroom.ingest.loader import load_file
from greenroom.ingest.registry import list_loads
from greenroom.store.db import session_factory
from tests.ingest.conftest import ENGAGEMENT_HEADER, TITLE_HEADER, engagement_row, title_row, write_csv


def message(result: object) -> str:
    """All of a result's messages as one string."""
    return "\n".join(getattr(result, "messages", []))


def test_missing_required_column_suggests_the_misspelled_header(settings: Settings, tmp_path: Path,
                                                                titles_loaded: object) -> None:
    header = [h if h != "tac_cents" else "tac_cent" for h in ENGAGEMENT_HEADER]
    path = write_csv(tmp_path / "engagements.csv", header, [engagement_row("E1")])
    result = load_file(settings, path)
    assert result.refused and result.loaded == 0
    text = message(result)
    assert "engagements.csv" in text
    assert "missing required column 'tac_cents'" in text
    assert "did you mean 'tac_cents'" in text and "'tac_cent'" in text


def test_missing_required_column_without_lookalike(settings: Settings, tmp_path: Path) -> None:
    header = [h for h in TITLE_HEADER if h != "pp_date"]
    path = write_csv(tmp_path / "titles.csv", header, [title_row("T1")[:5] + title_row("T1")[6:]])
    result = load_file(settings, path)
    assert result.refused
    assert "titles.csv: missing required column 'pp_date'; nothing loaded" in message(result)


def test_misspelled_optional_column_is_a_warning_with_suggestion(settings: Settings, tmp_path: Path) -> None:
    path = write_csv(tmp_path / "titles.csv", [*TITLE_HEADER, "budget_cent"], [[*title_row("T1"), "100"]])
    result = load_file(settings, path)
    assert not result.refused and result.loaded == 1
    assert "unknown column 'budget_cent' ignored (did you mean 'budget_cents'?" in message(result)


def test_headers_match_case_insensitively_and_ignore_surrounding_spaces(settings: Settings, tmp_path: Path) -> None:
    header = [f"  {h.upper()} " for h in TITLE_HEADER] + ["Notes"]
    path = write_csv(tmp_path / "titles.csv", header, [[*title_row("T1"), "anything"]])
    result = load_file(settings, path)
    assert result.loaded == 1
    assert "unknown column 'Notes' ignored" in message(result)


def test_column_given_twice_is_refused(settings: Settings, tmp_path: Path) -> None:
    path = write_csv(tmp_path / "titles.csv", [*TITLE_HEADER, "Title_ID"], [[*title_row("T1"), "T9"]])
    result = load_file(settings, path)
    assert result.refused
    assert "column 'title_id' appears more than once (columns 1, 8)" in message(result)


def test_semicolon_file_gets_a_separator_hint(settings: Settings, tmp_path: Path) -> None:
    path = tmp_path / "titles.csv"
    path.write_text(";".join(TITLE_HEADER) + "\n" + ";".join(title_row("T1")) + "\n")
    result = load_file(settings, path)
    assert result.refused
    assert "semicolons" in message(result)


def test_empty_file(settings: Settings, tmp_path: Path) -> None:
    path = tmp_path / "titles.csv"
    path.write_bytes(b"")
    result = load_file(settings, path)
    assert result.refused
    assert "titles.csv: the file is empty (0 bytes); nothing loaded" in message(result)


def test_header_only_csv(settings: Settings, tmp_path: Path) -> None:
    path = write_csv(tmp_path / "titles.csv", TITLE_HEADER, [])
    result = load_file(settings, path)
    assert result.refused
    assert "titles.csv: has a header but no data rows; nothing loaded" in message(result)


def test_header_and_blank_lines_only(settings: Settings, tmp_path: Path) -> None:
    path = tmp_path / "titles.csv"
    path.write_text(",".join(TITLE_HEADER) + "\n\n,,,,,,\n  \n")
    result = load_file(settings, path)
    assert result.refused
    assert "has a header but no data rows" in message(result)


def test_header_only_parquet_and_xlsx(settings: Settings, tmp_path: Path) -> None:
    import openpyxl

    pq.write_table(pa.table({h: pa.array([], pa.string()) for h in TITLE_HEADER}), tmp_path / "titles.parquet")
    wb = openpyxl.Workbook()
    assert wb.active is not None
    wb.active.append(TITLE_HEADER)
    wb.save(tmp_path / "titles.xlsx")
    for name in ("titles.parquet", "titles.xlsx"):
        result = load_file(settings, tmp_path / name)
        assert result.refused, name
        assert f"{name}: has a header but no data rows; nothing loaded" in message(result)


def test_unsupported_extension(settings: Settings, tmp_path: Path) -> None:
    path = tmp_path / "titles.txt"
    path.write_text("title_id\nT1\n")
    result = load_file(settings, path)
    assert result.refused
    assert "titles.txt: unsupported file type '.txt'" in message(result)
    assert "accepted: .csv, .xlsx, .parquet" in message(result)
    old = tmp_path / "titles.xls"
    old.write_bytes(b"\xd0\xcf\x11\xe0")
    assert "save it as .xlsx or .csv" in message(load_file(settings, old))


def test_kind_must_be_known(settings: Settings, tmp_path: Path) -> None:
    path = write_csv(tmp_path / "batch-7.csv", TITLE_HEADER, [title_row("T1")])
    result = load_file(settings, path)
    assert result.refused
    assert "cannot tell the kind from the file name; pass --kind" in message(result)
    assert load_file(settings, path, kind="titles").loaded == 1


def test_not_a_parquet_or_xlsx_file(settings: Settings, tmp_path: Path) -> None:
    for name in ("titles.parquet", "titles.xlsx"):
        path = tmp_path / name
        path.write_text("title_id\nT1\n")
        result = load_file(settings, path)
        assert result.refused
        assert f"{name}: not a readable" in message(result)


def test_refusals_are_recorded_and_do_not_block_a_later_good_load(settings: Settings, tmp_path: Path) -> None:
    path = write_csv(tmp_path / "titles.csv", TITLE_HEADER, [])
    assert load_file(settings, path).refused
    assert load_file(settings, path).refused  # refused again, not "already loaded"
    loads = list_loads(session_factory(settings))
    assert [load.status for load, _ in loads] == ["refused", "refused"]
    write_csv(path, TITLE_HEADER, [title_row("T1")])
    assert load_file(settings, path).loaded == 1
