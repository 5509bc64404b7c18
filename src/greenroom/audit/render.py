"""What the audit's HTML and PDF documents share: the page style, the Jinja2 environment and a PDF page class.

HTML documents are self-contained (inline CSS and SVG, no scripts, no links to fetch); PDFs are made
with fpdf2 and its core fonts (pure Python, no system libraries). Drafts carry a DRAFT watermark on
every page in both.
"""

from __future__ import annotations

import datetime as dt
import unicodedata
from collections.abc import Sequence
from typing import Any

import jinja2
from fpdf import FPDF
from fpdf.fonts import FontFace

from greenroom.money import format_cents

STYLE = """
body { font-family: -apple-system, 'Segoe UI', Helvetica, Arial, sans-serif; color: #222; margin: 2em auto;
       max-width: 1100px; padding: 0 1em; font-size: 14px; }
h1 { font-size: 1.6em; margin-bottom: 0.2em; } h2 { font-size: 1.25em; margin-top: 1.6em;
     border-bottom: 1px solid #ccc; } h3 { font-size: 1.05em; }
table { border-collapse: collapse; margin: 0.6em 0; width: 100%; }
th, td { border: 1px solid #ddd; padding: 3px 6px; vertical-align: top; font-size: 12.5px; }
th { background: #f2f2f2; text-align: left; } td.n, th.n { text-align: right; white-space: nowrap; }
tr.total td { font-weight: bold; background: #fafafa; }
.meta { color: #555; } .small { font-size: 11.5px; color: #444; } pre { white-space: pre-wrap; font-size: 11.5px;
     background: #f8f8f8; padding: 6px; border: 1px solid #eee; }
.chart svg { max-width: 100%; height: auto; }
.status { display: inline-block; padding: 2px 8px; border-radius: 3px; font-weight: bold; }
.status.draft { background: #fde9e7; color: #c00000; } .status.final { background: #e2f0d9; color: #375623; }
.watermark { position: fixed; top: 40%; left: 0; width: 100%; text-align: center; font-size: 140px;
     color: rgba(192, 0, 0, 0.12); transform: rotate(-30deg); pointer-events: none; z-index: 1000;
     font-weight: bold; }
@media print { .watermark { position: fixed; } }
"""

_env = jinja2.Environment(autoescape=True, undefined=jinja2.StrictUndefined, trim_blocks=True, lstrip_blocks=True)
_env.filters["money"] = lambda cents: format_cents(int(cents or 0))
_env.filters["signed_money"] = lambda cents: ("+" if int(cents or 0) > 0 else "") + format_cents(int(cents or 0))


def render_html(template: str, **context: Any) -> str:
    """Render a Jinja2 template string with autoescaping, the shared style and the money filters."""
    return _env.from_string(template).render(style=STYLE, **context)


def now() -> dt.datetime:
    """The time documents say they were made (UTC, to the second)."""
    return dt.datetime.now(dt.UTC).replace(microsecond=0)


_ASCII = {"—": "-", "–": "-", "…": "...", "→": "->", "‘": "'", "’": "'", "“": '"', "”": '"', "≥": ">=",
          "≤": "<=", "×": "x", "÷": "/", "•": "*", "§": "§", "\u00a0": " "}


def latin1(text: object) -> str:
    """Text the PDF core fonts can draw: common symbols spelled out, accents kept, anything else as '?'."""
    out = []
    for ch in str(text):
        ch = _ASCII.get(ch, ch)
        try:
            ch.encode("latin-1")
            out.append(ch)
        except UnicodeEncodeError:
            folded = unicodedata.normalize("NFKD", ch).encode("latin-1", "ignore").decode("latin-1")
            out.append(folded or "?")
    return "".join(out)


class ReportPDF(FPDF):
    """A4 landscape pages with a title line, page numbers and, for drafts, a DRAFT watermark."""

    def __init__(self, title: str, draft: bool = False, orientation: str = "L") -> None:
        super().__init__(orientation=orientation, unit="mm", format="A4")
        self.doc_title = latin1(title)
        self.draft = draft
        self.set_title(self.doc_title)
        self.set_creator("greenroom")
        self.set_auto_page_break(auto=True, margin=14)
        self.set_margins(12, 14, 12)
        self.add_page()

    def header(self) -> None:
        """The title line, and the watermark on a draft."""
        if self.draft:
            self.set_font("Helvetica", "B", 110)
            self.set_text_color(245, 200, 200)
            with self.rotation(30, self.w / 2, self.h / 2):
                self.text(self.w / 2 - 75, self.h / 2 + 15, "DRAFT")
        self.set_text_color(120, 120, 120)
        self.set_font("Helvetica", "", 8)
        self.set_xy(self.l_margin, 6)
        self.cell(0, 5, self.doc_title + ("  [DRAFT: not approved]" if self.draft else ""), align="L")
        self.set_xy(self.l_margin, self.t_margin)
        self.set_text_color(0, 0, 0)

    def footer(self) -> None:
        """Page n of N."""
        self.set_y(-10)
        self.set_font("Helvetica", "", 8)
        self.set_text_color(120, 120, 120)
        self.cell(0, 5, f"page {self.page_no()} of {{nb}}", align="R")
        self.set_text_color(0, 0, 0)

    def heading(self, text: str, size: int = 13, keep: float = 30) -> None:
        """A section heading; it starts a new page when less than keep mm would follow it on this one."""
        if self.get_y() + keep > self.page_break_trigger:
            self.add_page()  # a heading alone at the foot of a page, its table on the next, reads as lost
        self.ln(2)
        self.set_font("Helvetica", "B", size)
        self.multi_cell(0, size * 0.5, latin1(text), new_x="LMARGIN", new_y="NEXT")
        self.ln(1)

    def para(self, text: str, size: float = 9, style: str = "") -> None:
        """A paragraph of wrapped text."""
        self.set_font("Helvetica", style, size)
        self.multi_cell(0, size * 0.48, latin1(text), new_x="LMARGIN", new_y="NEXT")

    def grid(self, header: Sequence[str], rows: Sequence[Sequence[object]], widths: Sequence[float] | None = None,
             numeric: Sequence[int] = (), size: float = 7.5, bold_last: bool = False,
             width: float | None = None) -> None:
        """A table: a shaded header row, then the rows; numeric columns right-aligned; full width unless width (mm)."""
        self.set_font("Helvetica", "", size)
        align = tuple("RIGHT" if i in numeric else "LEFT" for i in range(len(header)))
        placed: dict[str, Any] = {"width": width, "align": "LEFT"} if width else {}
        with self.table(col_widths=tuple(widths) if widths else None, text_align=align, line_height=size * 0.5,
                        **placed,
                        headings_style=FontFace(emphasis="BOLD", fill_color=(235, 235, 235)),
                        first_row_as_headings=True) as table:
            table.row([latin1(h) for h in header])
            for i, r in enumerate(rows):
                style = FontFace(emphasis="BOLD") if bold_last and i == len(rows) - 1 else None
                table.row([latin1(c) for c in r], style=style)
        self.ln(2)

    def image_png(self, png: bytes, width: float) -> None:
        """A PNG centred across the page, width in mm; on the next page when it does not fit whole on this one."""
        import io
        import struct

        px_w, px_h = struct.unpack(">II", png[16:24])  # the IHDR chunk: every PNG starts with it
        height = width * px_h / px_w
        if self.get_y() + height > self.page_break_trigger:
            self.add_page()
        self.image(io.BytesIO(png), x=(self.w - width) / 2, w=width, h=height)
        self.ln(2)

    def to_bytes(self) -> bytes:
        """The finished document."""
        return bytes(self.output())


def money(cents: int | None) -> str:
    """Cents as dollars for tables."""
    return format_cents(int(cents or 0))
