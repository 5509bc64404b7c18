"""Fixtures for the contract-review tests: sample contracts and generated PDF/DOCX files."""

from __future__ import annotations

from pathlib import Path

import pytest

FIXTURES = Path(__file__).parent / "fixtures"


@pytest.fixture
def fixtures() -> Path:
    """The folder of hand-written sample contracts."""
    return FIXTURES


def make_pdf(path: Path, pages: list[str | None]) -> Path:
    """A PDF with one page per entry; None makes an image-only page (no text layer)."""
    from fpdf import FPDF
    from PIL import Image

    pdf = FPDF()
    pdf.set_font("Helvetica", size=11)
    image = path.with_suffix(".png")
    for text in pages:
        pdf.add_page()
        if text is None:
            Image.new("RGB", (200, 100), (120, 120, 120)).save(image)
            pdf.image(str(image), x=10, y=10, w=150)
        else:
            pdf.multi_cell(0, 6, text)
    pdf.output(str(path))
    return path


def make_docx(path: Path, paragraphs: list[str], tracked: bool = False, page_break_after: int | None = None) -> Path:
    """A DOCX with the given paragraphs; optionally a tracked insertion and deletion in the last one."""
    from docx import Document
    from docx.enum.text import WD_BREAK
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    doc = Document()
    for i, text in enumerate(paragraphs):
        par = doc.add_paragraph(text)
        if page_break_after is not None and i == page_break_after:
            par.add_run().add_break(WD_BREAK.PAGE)
    if tracked:
        par = doc.add_paragraph("Producer shall pay Performer ")
        ins = OxmlElement("w:ins")
        ins.set(qn("w:id"), "1")
        ins.set(qn("w:author"), "Studio Counsel")
        run = OxmlElement("w:r")
        t = OxmlElement("w:t")
        t.text = "fifty thousand dollars"
        t.set(qn("xml:space"), "preserve")
        run.append(t)
        ins.append(run)
        dele = OxmlElement("w:del")
        dele.set(qn("w:id"), "2")
        dele.set(qn("w:author"), "Studio Counsel")
        drun = OxmlElement("w:r")
        dt = OxmlElement("w:delText")
        dt.text = "five dollars"
        drun.append(dt)
        dele.append(drun)
        par._p.append(dele)
        par._p.append(ins)
    doc.save(str(path))
    return path
