"""How the demo payers write their remittance files: three payers, three formats, three sets of habits."""

from __future__ import annotations

import csv
import datetime as dt
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq

PAYERS = ("Northlight Pictures", "Bluewater Studios", "Harbor Television")
BLUEWATER_HEADERS = {"Payer": "payer", "Check #": "check_number", "Program": "title", "Payee ID": "performer_id",
                     "Media": "market", "Period From": "period_start", "Period To": "period_end",
                     "Gross": "gross_cents", "Net to Performer": "amount_cents", "P&H": "ph_cents",
                     "Check Date": "paid_date", "Currency": "currency"}
HARBOR_HEADERS = {"CHECK_NO": "check_number", "TITLE": "title", "PERFORMER": "performer_id", "MARKET": "market",
                  "FROM": "period_start", "TO": "period_end", "AMOUNT": "amount_cents", "PH": "ph_cents",
                  "DATE": "paid_date", "CCY": "currency"}
NORTHLIGHT_COLUMNS = ("payer", "check_number", "title", "performer_id", "market", "period_start", "period_end",
                      "gross_cents", "amount_cents", "ph_cents", "paid_date", "currency", "line_id", "exhibition_id")


@dataclass(frozen=True)
class PayerFile:
    """One payer's remittance file and the --map options it needs."""

    payer: str
    path: Path
    column_map: dict[str, str]


@dataclass
class DemoRow:
    """One payment line as a demo payer reports it (title and performer as paid, not as owed)."""

    line_id: str
    exhibition_id: str
    title_id: str
    performer_id: str
    market: str
    period_start: dt.date
    period_end: dt.date
    gross_cents: int
    amount_cents: int
    ph_cents: int
    paid_date: dt.date
    check_number: str = ""
    currency: str = "USD"


def loose_name(name: str, rng: np.random.Generator) -> str:
    """How a careless payer writes a title: case, punctuation, a dropped article, a transposed letter."""
    choice = int(rng.integers(4))
    if choice == 0:
        return name.upper()
    if choice == 1:
        return name.replace(": ", " - ").replace(",", "")
    if choice == 2 and name.lower().startswith("the ") and len(name) > 16:
        return name[4:] + ", The"
    words = name.split(" ")
    longest = max(range(len(words)), key=lambda i: len(words[i]))
    w = words[longest]
    if len(w) >= 6 and len(name) >= 16:
        j = len(w) // 2
        words[longest] = w[:j - 1] + w[j] + w[j - 1] + w[j + 1:]
        return " ".join(words)
    return name.lower()


class PayerWriter:
    """Writes a payer's rows in that payer's format, naming each title the same way every time."""

    def __init__(self, names: dict[str, str], rng: np.random.Generator, out_dir: Path) -> None:
        self.names, self.rng, self.out_dir = names, rng, out_dir
        self.loose: dict[str, str] = {}
        seen: dict[str, int] = {}
        for name in names.values():
            seen[name.lower()] = seen.get(name.lower(), 0) + 1
        # Two series can share a name; a payer then writes its own production number, here our id.
        self.shared = {n for n, count in seen.items() if count > 1}

    def write(self, payer: str, rows: list[DemoRow], stem: str) -> PayerFile:
        """One file of rows for a payer; its --map options are given only for the first file."""
        if payer == PAYERS[0]:
            return self._northlight(payer, rows, self.out_dir / f"{stem}.parquet")
        if payer == PAYERS[1]:
            return self._bluewater(payer, rows, self.out_dir / f"{stem}.csv")
        return self._harbor(payer, rows, self.out_dir / f"{stem}.xlsx")

    def _name(self, r: DemoRow, loose: bool = False) -> str:
        name = self.names.get(r.title_id)
        if name is None or name.lower() in self.shared:
            return r.title_id
        return self.loose.setdefault(r.title_id, loose_name(name, self.rng)) if loose else name

    def _northlight(self, payer: str, rows: list[DemoRow], path: Path) -> PayerFile:
        data: dict[str, list[Any]] = {c: [] for c in NORTHLIGHT_COLUMNS}
        for r in rows:
            for c, v in zip(NORTHLIGHT_COLUMNS, (payer, r.check_number, r.title_id, r.performer_id, r.market,
                                                  r.period_start, r.period_end, r.gross_cents, r.amount_cents,
                                                  r.ph_cents, r.paid_date, r.currency, r.line_id, r.exhibition_id),
                            strict=True):
                data[c].append(v)
        pq.write_table(pa.table(data), path)
        return PayerFile(payer, path, {})

    def _bluewater(self, payer: str, rows: list[DemoRow], path: Path) -> PayerFile:
        with path.open("w", newline="", encoding="utf-8") as f:
            w = csv.writer(f)
            w.writerow(list(BLUEWATER_HEADERS))
            for r in rows:
                w.writerow([payer, r.check_number, self._name(r), r.performer_id, r.market, r.period_start,
                            r.period_end, r.gross_cents, r.amount_cents, r.ph_cents, r.paid_date, r.currency])
        return PayerFile(payer, path, dict(BLUEWATER_HEADERS))

    def _harbor(self, payer: str, rows: list[DemoRow], path: Path) -> PayerFile:
        import openpyxl  # imported here: only the spreadsheet payer needs it

        wb = openpyxl.Workbook(write_only=True)
        ws = wb.create_sheet("Remittance")
        ws.append(list(HARBOR_HEADERS))
        for r in rows:
            ws.append([r.check_number, self._name(r, loose=True), r.performer_id, r.market, r.period_start,
                       r.period_end, r.amount_cents, r.ph_cents, r.paid_date, r.currency])
        wb.save(path)
        return PayerFile(payer, path, dict(HARBOR_HEADERS))
