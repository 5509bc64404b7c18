"""Text extraction: PDF/DOCX/text with pages and offsets, and every kind of bad input refused clearly."""

from __future__ import annotations

from pathlib import Path

import pytest

from greenroom.review.text import ReviewInputError, extract_text

from .conftest import make_docx, make_pdf

PAGE1 = "1. Services. Performer shall render services in the Picture."
PAGE2 = "2. Compensation. Producer shall pay Performer ten thousand dollars."


def test_pdf_pages_and_offsets(tmp_path: Path) -> None:
    pdf = make_pdf(tmp_path / "c.pdf", [PAGE1, PAGE2])
    ex = extract_text(pdf)
    assert ex.kind == "pdf" and [p.number for p in ex.pages] == [1, 2]
    for page, expected in zip(ex.pages, (PAGE1, PAGE2), strict=True):
        assert " ".join(ex.text[page.start : page.end].split()) == expected
    assert ex.page_at(ex.text.index("Compensation")) == 2
    assert ex.page_at(ex.text.index("Services")) == 1
    assert not ex.skipped


def test_pdf_encrypted_with_password_is_refused(tmp_path: Path) -> None:
    from pypdf import PdfReader, PdfWriter

    plain = make_pdf(tmp_path / "plain.pdf", [PAGE1])
    writer = PdfWriter()
    writer.append(PdfReader(plain))
    writer.encrypt(user_password="secret", owner_password="owner")
    locked = tmp_path / "locked.pdf"
    with locked.open("wb") as fh:
        writer.write(fh)
    with pytest.raises(ReviewInputError, match="locked.pdf.*password"):
        extract_text(locked)


def test_pdf_encrypted_with_empty_user_password_opens_with_a_note(tmp_path: Path) -> None:
    from pypdf import PdfReader, PdfWriter

    plain = make_pdf(tmp_path / "plain.pdf", [PAGE1])
    writer = PdfWriter()
    writer.append(PdfReader(plain))
    writer.encrypt(user_password="", owner_password="owner")
    path = tmp_path / "owner-only.pdf"
    with path.open("wb") as fh:
        writer.write(fh)
    ex = extract_text(path)
    assert "Performer shall render" in ex.text
    assert any("encrypted" in w for w in ex.warnings)


def test_scanned_pdf_without_text_layer_is_refused(tmp_path: Path) -> None:
    pdf = make_pdf(tmp_path / "scan.pdf", [None, None])
    with pytest.raises(ReviewInputError, match="scan.pdf.*text layer"):
        extract_text(pdf)


def test_partly_scanned_pdf_reviews_the_text_pages_and_says_which_were_skipped(tmp_path: Path) -> None:
    pdf = make_pdf(tmp_path / "mixed.pdf", [PAGE1, None, PAGE2])
    ex = extract_text(pdf)
    assert "Services" in ex.text and "Compensation" in ex.text
    assert ex.skipped == ["pages 2: no text layer (scanned images?), not reviewed"]
    assert ex.page_at(ex.text.index("Compensation")) == 3


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("empty.pdf", b"", "empty"),
        ("blank.txt", b"   \n\n ", "empty"),
        ("corrupt.pdf", b"%PDF-1.7\n1 0 obj <</Type /Catalog>> garbage \x00\x01\x02", "damaged|no pages"),
        ("fake.pdf", b"this is not a pdf at all", "not a PDF"),
        ("corrupt.docx", b"PK\x03\x04 not really a zip", "damaged"),
        ("legacy.doc", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 100, "encrypted Office file or a legacy"),
        ("binary.bin", b"\x00\x01\x02\x03" * 50, "binary"),
    ],
)
def test_bad_files_get_a_clear_message(tmp_path: Path, name: str, content: bytes, message: str) -> None:
    path = tmp_path / name
    path.write_bytes(content)
    with pytest.raises(ReviewInputError, match=message) as err:
        extract_text(path)
    assert name in str(err.value)


def test_truncated_pdf_is_refused_or_partial_never_a_crash(tmp_path: Path) -> None:
    pdf = make_pdf(tmp_path / "whole.pdf", [PAGE1, PAGE2])
    cut = tmp_path / "cut.pdf"
    cut.write_bytes(pdf.read_bytes()[: len(pdf.read_bytes()) // 2])
    try:
        ex = extract_text(cut)
    except ReviewInputError as exc:
        assert "cut.pdf" in str(exc)
    else:
        assert ex.text.strip()


def test_missing_file_and_directory(tmp_path: Path) -> None:
    with pytest.raises(ReviewInputError, match="no such file"):
        extract_text(tmp_path / "nope.pdf")
    with pytest.raises(ReviewInputError, match="directory"):
        extract_text(tmp_path)


def test_page_limit_reviews_the_first_pages_and_reports_the_rest(tmp_path: Path) -> None:
    pdf = make_pdf(tmp_path / "long.pdf", [f"{i}. Clause {i}. Text of clause {i}." for i in range(1, 8)])
    ex = extract_text(pdf, max_pages=5)
    assert len(ex.pages) == 5 and "Clause 5" in ex.text and "Clause 6" not in ex.text
    assert ex.skipped == ["pages 6-7: the review reads at most 5 pages"]


def test_character_limit_stops_at_a_page_boundary(tmp_path: Path) -> None:
    path = tmp_path / "big.txt"
    path.write_text("\f".join("x" * 100 for _ in range(10)), encoding="utf-8")
    ex = extract_text(path, max_chars=450)
    assert len(ex.pages) == 4 and "page 5 and after" in ex.skipped[0]


def test_docx_paragraphs_pages_and_tracked_changes(tmp_path: Path) -> None:
    doc = make_docx(tmp_path / "c.docx", [PAGE1, PAGE2], tracked=True, page_break_after=0)
    ex = extract_text(doc)
    assert ex.kind == "docx"
    assert ex.page_at(ex.text.index("Services")) == 1
    assert ex.page_at(ex.text.index("Compensation")) == 2
    assert "fifty thousand dollars" in ex.text  # insertion accepted
    assert "five dollars" not in ex.text  # deletion dropped
    assert any("tracked changes (1 insertions, 1 deletions)" in w for w in ex.warnings)


def test_docx_without_text_is_refused(tmp_path: Path) -> None:
    doc = make_docx(tmp_path / "blank.docx", [])
    with pytest.raises(ReviewInputError, match="blank.docx.*no text"):
        extract_text(doc)


def test_text_in_a_legacy_encoding_is_decoded(tmp_path: Path) -> None:
    path = tmp_path / "latin.txt"
    path.write_bytes("Clause 1. The Performer's café scene is paid at scale. Résumé attached.".encode("cp1252"))
    ex = extract_text(path)
    assert "café" in ex.text and ex.warnings


def test_docx_moved_text_is_read_once_at_its_new_place(tmp_path: Path) -> None:
    from docx import Document
    from docx.oxml import OxmlElement

    def moved(tag: str) -> object:
        box, run, t = OxmlElement(tag), OxmlElement("w:r"), OxmlElement("w:t")
        t.text = "residuals are waived"
        run.append(t)
        box.append(run)
        return box

    doc = Document()
    doc.add_paragraph("First clause. ")._p.append(moved("w:moveFrom"))
    doc.add_paragraph("Second clause: ")._p.append(moved("w:moveTo"))
    path = tmp_path / "moved.docx"
    doc.save(str(path))
    ex = extract_text(path)
    assert ex.text.count("residuals are waived") == 1
    assert ex.text.index("residuals are waived") > ex.text.index("Second clause")
    assert "1 moves" in ex.warnings[0]
