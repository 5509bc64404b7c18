"""CSV encodings: UTF-8 by default (BOM or not); others detected and reported, or refused."""

from __future__ import annotations

import os
from pathlib import Path

from greenroom.config import Settings
from greenroom.ingest.encoding import scan_bytes
from greenroom.ingest.loader import load_file
from tests.ingest.conftest import TITLE_HEADER, table_rows, title_row, write_csv


def test_latin1_file_is_detected_reported_and_loaded_intact(settings: Settings, tmp_path: Path) -> None:
    path = write_csv(tmp_path / "titles.csv", TITLE_HEADER,
                     [title_row("T1", name="Café Society"), title_row("T2", name="Noël à Montréal")],
                     encoding="latin-1")
    result = load_file(settings, path)
    assert result.loaded == 2
    assert result.encoding == "cp1252"
    assert any("titles.csv is not UTF-8; read it as cp1252 (detected)" in m for m in result.messages)
    assert [r[1] for r in table_rows(settings, "titles")] == ["Café Society", "Noël à Montréal"]


def test_windows_1252_punctuation(settings: Settings, tmp_path: Path) -> None:
    name = "“Naïve” – déjà vu"
    path = write_csv(tmp_path / "titles.csv", TITLE_HEADER, [title_row("T1", name=name)], encoding="cp1252")
    result = load_file(settings, path)
    assert result.loaded == 1 and result.encoding == "cp1252"
    assert table_rows(settings, "titles")[0][1] == name


def test_utf8_with_and_without_bom(settings: Settings, tmp_path: Path) -> None:
    plain = write_csv(tmp_path / "titles-a.csv", TITLE_HEADER, [title_row("T1", name="Café")])
    bom = write_csv(tmp_path / "titles-b.csv", TITLE_HEADER, [title_row("T2", name="Café")], encoding="utf-8-sig")
    for path in (plain, bom):
        result = load_file(settings, path)
        assert result.loaded == 1 and result.encoding in ("utf-8", "utf-8-sig")
        assert not any("not UTF-8" in m for m in result.messages)
    assert [r[1] for r in table_rows(settings, "titles")] == ["Café", "Café"]


def test_undetectable_bytes_are_refused_naming_the_file(settings: Settings, tmp_path: Path) -> None:
    path = tmp_path / "titles.csv"
    path.write_bytes((",".join(TITLE_HEADER) + "\n").encode() + bytes(range(256)) * 8 + os.urandom(512))
    result = load_file(settings, path)
    assert result.refused and result.loaded == 0
    assert "titles.csv: not UTF-8 and no other text encoding fits" in "\n".join(result.messages)


def test_scan_finds_hash_bom_and_blank_lines(tmp_path: Path) -> None:
    path = tmp_path / "x.csv"
    path.write_bytes(b"\xef\xbb\xbfa,b\r\n1,2\r\n\r\n3,4\r\n")
    scan = scan_bytes(path)
    assert scan.utf8 and scan.bom and scan.blank_line_inside and scan.size == 20
    path.write_bytes(b"a,b\n1,2\n\n\n")
    assert not scan_bytes(path).blank_line_inside  # trailing blank lines shift no row numbers
    path.write_bytes(b"a,b\n1,\xe9\n")
    scan = scan_bytes(path)
    assert not scan.utf8 and scan.first_bad_offset == 6
