"""How the demo payers write their remittance files: three payers, three formats, three sets of habits."""

from __future__ import annotations

import csv
import datetime as dt
import zipfile
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from xml.sax.saxutils import escape

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


@dataclass(slots=True)
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
        write_xlsx(path, "Remittance", list(HARBOR_HEADERS), (
            [r.check_number, self._name(r, loose=True), r.performer_id, r.market, r.period_start, r.period_end,
             r.amount_cents, r.ph_cents, r.paid_date, r.currency] for r in rows))
        return PayerFile(payer, path, dict(HARBOR_HEADERS))


XLSX_MAX_ROWS = 1_048_576
"""Rows a worksheet holds (header included), as Excel allows."""
_EPOCH = dt.date(1899, 12, 30)
_XLSX_PARTS = {
    "[Content_Types].xml": (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
        '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
        '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
        '<Default Extension="xml" ContentType="application/xml"/>'
        '<Override PartName="/xl/workbook.xml" '
        'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
        '<Override PartName="/xl/worksheets/sheet1.xml" '
        'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
        '<Override PartName="/xl/styles.xml" '
        'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.styles+xml"/></Types>'),
    "_rels/.rels": (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
        '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
        '<Relationship Id="rId1" '
        'Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" '
        'Target="xl/workbook.xml"/></Relationships>'),
    "xl/_rels/workbook.xml.rels": (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
        '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
        '<Relationship Id="rId1" '
        'Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" '
        'Target="worksheets/sheet1.xml"/>'
        '<Relationship Id="rId2" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/styles" '
        'Target="styles.xml"/></Relationships>'),
    "xl/styles.xml": (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
        '<styleSheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
        '<numFmts count="1"><numFmt numFmtId="164" formatCode="yyyy\\-mm\\-dd"/></numFmts>'
        '<fonts count="1"><font><sz val="11"/><name val="Calibri"/></font></fonts>'
        '<fills count="2"><fill><patternFill patternType="none"/></fill>'
        '<fill><patternFill patternType="gray125"/></fill></fills>'
        '<borders count="1"><border><left/><right/><top/><bottom/><diagonal/></border></borders>'
        '<cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/></cellStyleXfs>'
        '<cellXfs count="2"><xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"/>'
        '<xf numFmtId="164" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/></cellXfs>'
        '<cellStyles count="1"><cellStyle name="Normal" xfId="0" builtinId="0"/></cellStyles></styleSheet>'),
}


def _xlsx_cell(value: object) -> str:
    """One cell as worksheet XML: numbers as numbers, dates as date-formatted serials, the rest as text."""
    if value is None:
        return "<c/>"
    if isinstance(value, bool):
        return f'<c t="b"><v>{int(value)}</v></c>'
    if isinstance(value, int | float):
        return f"<c><v>{value}</v></c>"
    if isinstance(value, dt.date):
        return f'<c s="1"><v>{(value - _EPOCH).days}</v></c>'
    return f'<c t="inlineStr"><is><t xml:space="preserve">{escape(str(value))}</t></is></c>'


def write_xlsx(path: Path, sheet: str, header: list[str], rows: Iterable[list[object]]) -> int:
    """Write one worksheet as .xlsx, streaming (openpyxl's writer takes minutes for a payer's year); returns rows.

    Dates are real date cells and amounts numbers, as a spreadsheet a payer saves would have them.
    """
    workbook = ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
                '<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
                'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">'
                f'<sheets><sheet name="{escape(sheet)}" sheetId="1" r:id="rId1"/></sheets></workbook>')
    n = 0
    def part(name: str) -> zipfile.ZipInfo:
        # A fixed date: the same rows make the same bytes, so a demo run again finds its files already loaded.
        info = zipfile.ZipInfo(name, date_time=(1980, 1, 1, 0, 0, 0))
        info.compress_type = zipfile.ZIP_DEFLATED
        return info

    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as z:
        for name, text in {**_XLSX_PARTS, "xl/workbook.xml": workbook}.items():
            z.writestr(part(name), text)
        with z.open(part("xl/worksheets/sheet1.xml"), "w", force_zip64=True) as out:
            out.write(b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
                      b'<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>')
            chunk: list[str] = ["<row>" + "".join(_xlsx_cell(h) for h in header) + "</row>"]
            for row in rows:
                n += 1
                if n + 1 > XLSX_MAX_ROWS:
                    raise ValueError(f"{path.name}: more than {XLSX_MAX_ROWS - 1:,} rows do not fit in a worksheet")
                chunk.append("<row>" + "".join(_xlsx_cell(v) for v in row) + "</row>")
                if len(chunk) >= 20_000:
                    out.write("".join(chunk).encode("utf-8"))
                    chunk.clear()
            chunk.append("</sheetData></worksheet>")
            out.write("".join(chunk).encode("utf-8"))
    return n
