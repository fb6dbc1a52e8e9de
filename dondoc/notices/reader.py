"""Turning an uploaded notice into text: UTF-8/UTF-16 text, .docx or a PDF with a text layer."""

import io
import zipfile
from enum import StrEnum

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
    import docx  # python-docx; imported here so text-only use does not pay for lxml

    try:
        document = docx.Document(io.BytesIO(data))
    except (zipfile.BadZipFile, KeyError, ValueError) as exc:
        raise NoticeReadError(ReadProblem.BROKEN_DOCX) from exc
    lines = [paragraph.text for paragraph in document.paragraphs]
    for table in document.tables:
        for row in table.rows:
            lines.append(" | ".join(cell.text.strip() for cell in row.cells))
    return "\n".join(lines)


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
