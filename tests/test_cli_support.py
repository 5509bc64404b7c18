"""Listings in the terminal: ids and amounts are never cut, however narrow the terminal."""

import io

import pytest
from rich.console import Console

from greenroom import cli_support

COLUMNS = ("line", "performer", "title", "market", "component", "period", "amount", "P&H", "unverified")
ROWS = [("Lde5f741c87f30d31-E0023448", "P02563", "T001126", "network_nonprime", "rerun", "2015-01-27",
         "$1,526.50", "$267.14", "yes"),
        ("Lde5f741c87f30d31-E0023449", "P01618", "T001126", "network_nonprime", "rerun", "2015-01-27",
         "$12,345,678.90", "$2,160.49", "")]


def printed(monkeypatch: pytest.MonkeyPatch, width: int) -> str:
    console = Console(width=width, record=True, file=io.StringIO())
    monkeypatch.setattr(cli_support, "console", console)
    cli_support.print_rows(COLUMNS, ROWS, whole=("line", "amount", "P&H"), right=("amount", "P&H"), title="Lines")
    return console.export_text()


@pytest.mark.parametrize("width", [60, 80, 200])
def test_every_value_is_printed_whole_on_one_line(monkeypatch, width):
    lines = printed(monkeypatch, width).splitlines()
    for row in ROWS:
        for value in filter(None, row):
            assert any(value in line for line in lines), (width, value)
    assert not any("…" in line for line in lines)


def test_a_table_when_it_fits_and_one_block_per_row_when_not(monkeypatch):
    wide = printed(monkeypatch, 200)
    assert "┃ line" in wide and wide.count("Lde5f741c87f30d31") == 2
    narrow = printed(monkeypatch, 80)
    assert "┃" not in narrow
    first = next(line for line in narrow.splitlines() if "E0023448" in line)
    assert "Lde5f741c87f30d31-E0023448" in first and "$1,526.50" in first and "$267.14" in first
