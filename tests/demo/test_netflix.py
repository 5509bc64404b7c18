"""The Netflix loader on small fixture files: every row read is mapped or reported, never dropped."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pyarrow.parquet as pq
import pytest

from greenroom.demo.netflix import (
    USAGE_SCHEMA,
    find_source,
    load_netflix,
    ucan_paid_memberships,
    write_outputs,
)

ENGAGEMENT = (
    "period,period_start,period_end,source_file,sheet,content_type,title,available_globally,release_date,"
    "hours_viewed,runtime,runtime_minutes,views\r\n"
    "2023H1,2023-01-01,2023-06-30,WWW_2023Jan-Jun.xlsx,Engagement,,The Night Agent: Season 1,Yes,2023-03-23,"
    "812100000,,,\r\n"
    "2023H2,2023-07-01,2023-12-31,WWW_2023Jul-Dec.xlsx,TV,show,ONE PIECE: Season 1,Yes,2023-08-31,"
    "541900000,7:34,454,71600000\r\n"
    "2023H2,2023-07-01,2023-12-31,WWW_2023Jul-Dec.xlsx,TV,show,Suits (2011): Season 1,Yes,,"
    "247700000,*,,26900000\r\n"
    "2024H1,2024-01-01,2024-06-30,WWW_2024Jan-Jun.xlsx,Film,movie,\"Leave the World Behind\",No,,"
    "\"1,200,000\",2:21,141,500000\r\n"
    "2024H1,2024-01-01,2024-06-30,WWW_2024Jan-Jun.xlsx,Film,movie,Bad Hours,No,,lots,1:30,90,100000\r\n"
    "2024H1,2024-13-01,2024-06-30,WWW_2024Jan-Jun.xlsx,Film,movie,Bad Date,No,,100000,1:30,90,100000\r\n"
    "2024H1,2024-01-01,2024-06-30,WWW_2024Jan-Jun.xlsx,Film,movie,,No,,100000,1:30,90,100000\r\n"
    "2025H1,2025-01-01,2025-06-30,WWW_2025Jan-Jun.xlsx,Shows,show,Adolescence: Limited Series // A,Yes,"
    "2025-03-13,555100000,3:50,230,144800000\r\n"
)
TOP10 = (
    "week\tcategory\tweekly_rank\tshow_title\tseason_title\tweekly_hours_viewed\truntime\tweekly_views\t"
    "cumulative_weeks_in_top_10\n"
    "2026-07-19\tFilms (English)\t1\tShipwrecked: Nightmare at Sea\tN/A\t16600000\t1.5\t11100000\t2\n"
    "2026-07-19\tTV (Non-English)\t5\tThe Apartment Job\tThe Apartment Job: Limited Series\t11100000\t0\t"
    "3300000\t2\n"
    "2023-06-11\tFilms (English)\t1\tPrisoners\tN/A\t13890000\t\t\t2\n"
    "2024-01-07\tTV (English)\t2\tFool Me Once\tFool Me Once: Limited Series\t108300000\t5.7833\t18700000\t1\n"
    "2024-01-07\tTV (English)\t3\tBroken Views\tBroken Views: Season 1\t1000000\t1\t12.5\t1\n"
)
MEMBERS = (
    "Date,Global Revenue,UCAN Streaming Revenue,EMEA Streaming Revenue,LATM Streaming Revenue,"
    "APAC Streaming Revenue,UCAN Members,EMEA  Members,LATM Members,APAC Members,UCAN ARPU,EMEA ARPU,"
    "LATM  ARPU,APAC  ARPU,Netflix Streaming Memberships \r\n"
    "30-06-2019,4923116000,2501199000,1319087000,677136000,349494000,66501000,44229000,27890000,12942000,"
    "12.52,10.13,8.14,9.29,151562000\r\n"
    "31-03-2019,4520992000,2256851000,1233379000,630472000,319602000,66633000,42542000,27547000,12141000,"
    "11.45,10.23,7.84,9.37,148863000\r\n"
)


@pytest.fixture()
def source(tmp_path: Path) -> Path:
    root = tmp_path / "shared" / "data" / "netflix"
    (root / "engagement").mkdir(parents=True)
    (root / "top10").mkdir()
    (root / "subscribers").mkdir()
    (root / "engagement" / "netflix_engagement_2023H1_2025H1.csv").write_bytes(ENGAGEMENT.encode())
    (root / "top10" / "all-weeks-global.tsv").write_text(TOP10, encoding="utf-8")
    (root / "subscribers" / "netflix_revenue_updated.csv").write_bytes(MEMBERS.encode())
    return root


def test_counts_conserve_and_reasons_are_given(source: Path) -> None:
    result = load_netflix(source)
    assert result.rows_read == {"engagement/netflix_engagement_2023H1_2025H1.csv": 8,
                                "top10/all-weeks-global.tsv": 5}
    assert result.read == result.mapped + result.unmapped.num_rows == 13
    assert result.mapped == 5
    assert result.reasons() == {"missing_runtime": 3, "bad_hours": 1, "bad_period": 1, "missing_title": 1,
                                "bad_runtime": 1, "bad_views": 1}
    for name, (read, mapped, unmapped) in result.by_file().items():
        assert read == mapped + unmapped, name
    assert result.missing_files == []
    assert result.usage.schema == USAGE_SCHEMA


def test_usage_rows_carry_values_and_provenance(source: Path) -> None:
    rows = {r["title"]: r for r in load_netflix(source).usage.to_pylist()}
    one_piece = rows["ONE PIECE: Season 1"]
    assert one_piece["hours_viewed"] == 541_900_000 and one_piece["runtime_minutes"] == 454
    assert one_piece["views"] == 71_600_000 and one_piece["available_globally"] is True
    assert one_piece["period_start"] == date(2023, 7, 1) and one_piece["period_end"] == date(2023, 12, 31)
    assert one_piece["source_row"] == 2 and one_piece["origin"] == "WWW_2023Jul-Dec.xlsx#TV"
    assert rows["Leave the World Behind"]["hours_viewed"] == 1_200_000
    film = rows["Shipwrecked: Nightmare at Sea"]
    assert film["source"] == "top10" and film["content_type"] == "movie" and film["runtime_minutes"] == 90
    assert film["period_start"] == date(2026, 7, 13) and film["period_end"] == date(2026, 7, 19)
    # A season's title comes from season_title; decimal-hour runtimes round to whole minutes.
    assert rows["Fool Me Once: Limited Series"]["runtime_minutes"] == 347


def test_unmapped_rows_name_their_row(source: Path) -> None:
    unmapped = load_netflix(source).unmapped.to_pylist()
    by_title = {r["title"]: r for r in unmapped if r["title"]}
    assert by_title["Suits (2011): Season 1"]["reason"] == "missing_runtime"
    assert by_title["Suits (2011): Season 1"]["source_row"] == 3
    assert by_title["The Apartment Job: Limited Series"]["reason"] == "bad_runtime"
    assert by_title["Prisoners"]["source_file"] == "top10/all-weeks-global.tsv"


def test_missing_files_are_reported(tmp_path: Path) -> None:
    result = load_netflix(tmp_path)
    assert result.read == 0 and len(result.missing_files) == 2


def test_ucan_memberships_by_quarter(source: Path) -> None:
    table = ucan_paid_memberships(source)
    assert table.column("quarter").to_pylist() == ["2019Q1", "2019Q2"]
    assert table.column("ucan_paid_memberships").to_pylist() == [66_633_000, 66_501_000]
    assert ucan_paid_memberships(source / "subscribers" / "netflix_revenue_updated.csv").equals(table)


def test_ucan_memberships_refuse_a_bad_row(tmp_path: Path) -> None:
    path = tmp_path / "m.csv"
    path.write_text("Date,UCAN Members\n31-03-2019,lots\n")
    with pytest.raises(ValueError, match="row 1"):
        ucan_paid_memberships(path)


def test_write_outputs(source: Path, tmp_path: Path) -> None:
    result = load_netflix(source)
    paths = write_outputs(result, tmp_path / "out", ucan_paid_memberships(source))
    assert pq.read_table(paths["usage"]).num_rows == result.mapped
    assert pq.read_table(paths["unmapped"]).num_rows == result.unmapped.num_rows
    assert pq.read_table(paths["memberships"]).num_rows == 2


def test_find_source_looks_beside_the_working_directory(source: Path) -> None:
    work = source.parents[2] / "main"
    work.mkdir()
    assert find_source(work) == source.resolve()
