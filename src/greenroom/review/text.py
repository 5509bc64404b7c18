"""Text extraction from PDF, DOCX and plain text, with page numbers and character offsets."""

from __future__ import annotations

import re
import zipfile
from dataclasses import dataclass, field
from pathlib import Path

from charset_normalizer import from_bytes

# Beyond these limits a document is reviewed in part, and the report says which pages were skipped.
DEFAULT_MAX_PAGES = 1000
DEFAULT_MAX_CHARS = 3_000_000

_W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
_OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"


class ReviewInputError(ValueError):
    """A document that cannot be reviewed at all; the message names the file and the reason."""


@dataclass(frozen=True)
class Page:
    """One page of the extracted text: its 1-based number and its [start, end) character range."""

    number: int
    start: int
    end: int


@dataclass
class ExtractedText:
    """The text of a document, its pages, and what extraction had to skip or change."""

    text: str
    pages: list[Page]
    kind: str
    warnings: list[str] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)

    def page_at(self, offset: int) -> int:
        """The 1-based page number holding a character offset."""
        for page in self.pages:
            if page.start <= offset < page.end:
                return page.number
        return self.pages[-1].number if self.pages else 1


def _join_pages(
    texts: list[tuple[int, str]], kind: str, max_chars: int, skipped: list[str], warnings: list[str]
) -> ExtractedText:
    """Concatenate page texts with a blank line between pages, recording each page's range."""
    parts: list[str] = []
    pages: list[Page] = []
    offset = 0
    for number, raw in texts:
        page_text = raw.replace("\r\n", "\n").replace("\r", "\n").replace("\x00", "")
        if offset + len(page_text) > max_chars:
            skipped.append(f"page {number} and after: the document exceeds {max_chars:,} characters")
            break
        pages.append(Page(number, offset, offset + len(page_text)))
        parts.append(page_text)
        offset += len(page_text)
        parts.append("\n\n")
        offset += 2
    return ExtractedText("".join(parts), pages, kind, warnings, skipped)


def _extract_pdf(path: Path, data: bytes, max_pages: int, max_chars: int) -> ExtractedText:
    """Extract a PDF's text layer page by page with pypdf."""
    import io
    import logging

    from pypdf import PdfReader
    from pypdf.errors import PdfReadError

    logging.getLogger("pypdf").setLevel(logging.ERROR)  # malformed-object chatter is reported as warnings instead
    warnings: list[str] = []
    skipped: list[str] = []
    try:
        reader = PdfReader(io.BytesIO(data), strict=False)
        if reader.is_encrypted:
            try:
                opened = reader.decrypt("")
            except Exception as exc:  # noqa: BLE001 - pypdf raises several types for unsupported crypto
                raise ReviewInputError(f"{path.name}: the PDF is encrypted and cannot be opened ({exc})") from exc
            if not opened:
                raise ReviewInputError(
                    f"{path.name}: the PDF is password-protected; save an unencrypted copy and review that"
                )
            warnings.append("the PDF is encrypted with an empty user password; it was opened without one")
        n_pages = len(reader.pages)
    except ReviewInputError:
        raise
    except (PdfReadError, ValueError, KeyError, TypeError, OSError) as exc:
        raise ReviewInputError(f"{path.name}: the PDF is damaged and cannot be read ({exc})") from exc
    if n_pages == 0:
        raise ReviewInputError(f"{path.name}: the PDF has no pages")
    if n_pages > max_pages:
        skipped.append(f"pages {max_pages + 1}-{n_pages}: the review reads at most {max_pages} pages")
    texts: list[tuple[int, str]] = []
    no_text: list[int] = []
    for index in range(min(n_pages, max_pages)):
        number = index + 1
        try:
            page_text = reader.pages[index].extract_text() or ""
        except Exception as exc:  # noqa: BLE001 - one bad page must not lose the others
            skipped.append(f"page {number}: its text could not be extracted ({type(exc).__name__}: {exc})")
            texts.append((number, ""))
            continue
        if not page_text.strip():
            no_text.append(number)
        texts.append((number, page_text))
    if no_text and len(no_text) == len(texts):
        raise ReviewInputError(
            f"{path.name}: no page has a text layer (a scanned image?); run OCR first and review the result"
        )
    if no_text:
        skipped.append(f"pages {_ranges(no_text)}: no text layer (scanned images?), not reviewed")
    return _join_pages(texts, "pdf", max_chars, skipped, warnings)


def _ranges(numbers: list[int]) -> str:
    """Compress [1, 2, 3, 7] to '1-3, 7'."""
    out: list[str] = []
    start = prev = numbers[0]
    for n in [*numbers[1:], None]:
        if n is not None and n == prev + 1:
            prev = n
            continue
        out.append(str(start) if start == prev else f"{start}-{prev}")
        if n is not None:
            start = prev = n
    return ", ".join(out)


def _docx_paragraph_text(par: object, counts: dict[str, int]) -> tuple[str, int]:
    """A paragraph's text with tracked insertions kept and deletions dropped; also its page breaks."""
    pieces: list[str] = []
    breaks = 0
    for el in par.iter():  # type: ignore[attr-defined]
        tag = el.tag
        if tag == f"{_W}t":
            run = el.getparent()
            if run is not None and run.getparent() is not None and run.getparent().tag == f"{_W}moveFrom":
                continue  # the old place of moved text; it is read at its new place (w:moveTo)
            pieces.append(el.text or "")
        elif tag == f"{_W}tab":
            pieces.append("\t")
        elif tag in (f"{_W}br", f"{_W}cr"):
            if el.get(f"{_W}type") == "page":
                breaks += 1
            pieces.append("\n")
        elif tag == f"{_W}lastRenderedPageBreak":
            breaks += 1
        elif tag == f"{_W}ins":
            counts["ins"] += 1
        elif tag == f"{_W}del":
            counts["del"] += 1
        elif tag == f"{_W}moveFrom":
            counts["move"] += 1
        # w:delText (deleted text) is deliberately not collected: the review reads the accepted version.
    return "".join(pieces), breaks


def _extract_docx(path: Path, data: bytes, max_pages: int, max_chars: int) -> ExtractedText:
    """Extract a DOCX body (paragraphs and tables, in order), reading tracked changes as accepted."""
    import io

    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            xml = archive.read("word/document.xml")
    except (zipfile.BadZipFile, KeyError, OSError, EOFError) as exc:
        raise ReviewInputError(f"{path.name}: the DOCX is damaged or not a Word document ({exc})") from exc
    from lxml import etree

    try:
        root = etree.fromstring(xml)
    except etree.XMLSyntaxError as exc:
        raise ReviewInputError(f"{path.name}: the DOCX body is not valid XML ({exc})") from exc
    body = root.find(f"{_W}body")
    if body is None:
        raise ReviewInputError(f"{path.name}: the DOCX has no document body")
    counts = {"ins": 0, "del": 0, "move": 0}
    page_texts: list[list[str]] = [[]]
    for par in body.iter(f"{_W}p"):
        text, breaks = _docx_paragraph_text(par, counts)
        page_texts[-1].append(text)
        for _ in range(breaks):
            page_texts.append([])
    warnings: list[str] = []
    skipped: list[str] = []
    if counts["ins"] or counts["del"] or counts["move"]:
        moves = f", {counts['move']} moves" if counts["move"] else ""
        warnings.append(
            f"the document has tracked changes ({counts['ins']} insertions, {counts['del']} deletions{moves}); "
            "it was reviewed as if all changes were accepted"
        )
    texts = [(i + 1, "\n".join(lines)) for i, lines in enumerate(page_texts)]
    if len(texts) > max_pages:
        skipped.append(f"pages {max_pages + 1}-{len(texts)}: the review reads at most {max_pages} pages")
        texts = texts[:max_pages]
    if not any(t.strip() for _, t in texts):
        raise ReviewInputError(f"{path.name}: the DOCX has no text")
    return _join_pages(texts, "docx", max_chars, skipped, warnings)


def _extract_plain(path: Path, data: bytes, max_pages: int, max_chars: int) -> ExtractedText:
    """Decode a text file (UTF-8, else the detected encoding); form feeds separate pages."""
    if b"\x00" in data[:4096]:
        raise ReviewInputError(f"{path.name}: not a PDF, DOCX or text file (binary content)")
    try:
        text = data.decode("utf-8-sig")
        warnings: list[str] = []
    except UnicodeDecodeError:
        best = from_bytes(data).best()
        if best is None:
            raise ReviewInputError(f"{path.name}: the text encoding could not be determined") from None
        text = str(best)
        warnings = [f"the text is not UTF-8; decoded as {best.encoding}"]
    chunks = text.split("\f")
    skipped: list[str] = []
    if len(chunks) > max_pages:
        skipped.append(f"pages {max_pages + 1}-{len(chunks)}: the review reads at most {max_pages} pages")
        chunks = chunks[:max_pages]
    if not any(c.strip() for c in chunks):
        raise ReviewInputError(f"{path.name}: the file has no text")
    return _join_pages(list(enumerate(chunks, 1)), "text", max_chars, skipped, warnings)


def extract_text(
    path: Path, *, max_pages: int = DEFAULT_MAX_PAGES, max_chars: int = DEFAULT_MAX_CHARS
) -> ExtractedText:
    """Read a PDF, DOCX or text file by its content (not its extension) into text with page offsets."""
    path = Path(path)
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        raise ReviewInputError(f"{path}: no such file") from None
    except IsADirectoryError:
        raise ReviewInputError(f"{path}: is a directory, not a contract file") from None
    except OSError as exc:
        raise ReviewInputError(f"{path}: cannot be read ({exc.strerror})") from exc
    if not data.strip():
        raise ReviewInputError(f"{path.name}: the file is empty")
    if data.lstrip()[:5] == b"%PDF-" or path.suffix.lower() == ".pdf":
        if b"%PDF-" not in data[:1024]:
            raise ReviewInputError(f"{path.name}: named .pdf but is not a PDF (no %PDF header)")
        return _extract_pdf(path, data, max_pages, max_chars)
    if data[:8] == _OLE_MAGIC:
        raise ReviewInputError(
            f"{path.name}: an encrypted Office file or a legacy .doc; save it as an unencrypted .docx or PDF"
        )
    if data[:2] == b"PK" or path.suffix.lower() == ".docx":
        return _extract_docx(path, data, max_pages, max_chars)
    return _extract_plain(path, data, max_pages, max_chars)


_SPACES = re.compile(r"[ \t]+")


def normalise_spaces(text: str) -> str:
    """Collapse runs of spaces and tabs (used for display, never for offsets)."""
    return _SPACES.sub(" ", text).strip()
