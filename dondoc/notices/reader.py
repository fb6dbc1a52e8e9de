"""Turning an uploaded notice into text: UTF-8/UTF-16 text, .docx or a PDF with a text layer."""

import io
import zipfile
from enum import StrEnum
from typing import Any

from dondoc.text import nfc

MAX_BYTES = 10 * 1024 * 1024
MIN_PDF_TEXT = 40  # characters; less means a scan without a text layer


class ReadProblem(StrEnum):
    EMPTY = "empty"
    TOO_LARGE = "too_large"
    BINARY = "binary"
    SCANNED_PDF = "scanned_pdf"
    BROKEN_PDF = "broken_pdf"
    BROKEN_DOCX = "broken_docx"


class NoticeReadError(ValueError):
    def __init__(self, problem: ReadProblem) -> None:
        super().__init__(problem.value)
        self.problem = problem


def read_notice(data: bytes, filename: str = "") -> str:
    """The notice's text, NFC-normalised, or NoticeReadError saying what is wrong with the file."""
    if len(data) > MAX_BYTES:
        raise NoticeReadError(ReadProblem.TOO_LARGE)
    if data.startswith(b"%PDF"):
        text = _pdf_text(data)
    elif data.startswith(b"PK"):
        text = _docx_text(data)
    else:
        text = _plain_text(data)
    text = nfc(text)
    if not text.strip():
        raise NoticeReadError(ReadProblem.EMPTY)
    return text


def _plain_text(data: bytes) -> str:
    for bom, encoding in ((b"\xef\xbb\xbf", "utf-8-sig"), (b"\xff\xfe", "utf-16"), (b"\xfe\xff", "utf-16")):
        if data.startswith(bom):
            try:
                return data.decode(encoding)
            except UnicodeDecodeError as exc:
                raise NoticeReadError(ReadProblem.BINARY) from exc
    if b"\x00" in data:
        raise NoticeReadError(ReadProblem.BINARY)
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise NoticeReadError(ReadProblem.BINARY) from exc


def _docx_text(data: bytes) -> str:
    """Paragraphs and tables in the order the document has them (a task table sits mid-notice, before
    "Nơi nhận"); each table row on one line, its cells joined with " | " and a cell's lines with spaces."""
    import docx  # python-docx; imported here so text-only use does not pay for lxml
    from docx.table import Table
    from docx.text.paragraph import Paragraph

    try:
        document = docx.Document(io.BytesIO(data))
    except (zipfile.BadZipFile, KeyError, ValueError) as exc:
        raise NoticeReadError(ReadProblem.BROKEN_DOCX) from exc
    lines: list[str] = []
    for element in document.element.body.iterchildren():
        tag = element.tag.rsplit("}", 1)[-1]
        if tag == "p":
            lines.append(Paragraph(element, document).text)
        elif tag == "tbl":
            for row in Table(element, document).rows:
                cells = [" ".join(cell.text.split()) for cell in _unique_cells(row.cells)]
                lines.append(" | ".join(cells))
    return "\n".join(lines)


def _unique_cells(cells: "list[Any]") -> "list[Any]":
    """A merged cell is returned once per grid column it spans: keep it once."""
    seen: list[Any] = []
    for cell in cells:
        if not any(cell._tc is other._tc for other in seen):
            seen.append(cell)
    return seen


def _pdf_text(data: bytes) -> str:
    from pypdf import PdfReader
    from pypdf.errors import PdfReadError

    try:
        reader = PdfReader(io.BytesIO(data))
        pages = [page.extract_text() or "" for page in reader.pages]
    except (PdfReadError, ValueError, KeyError, TypeError, OSError) as exc:
        raise NoticeReadError(ReadProblem.BROKEN_PDF) from exc
    text = "\n".join(pages)
    if len(text.strip()) < MIN_PDF_TEXT:
        raise NoticeReadError(ReadProblem.SCANNED_PDF)
    return text
