"""Bytes of a received file to the text of a letter, which extractor read it, and how sure it was.

Pure (no Django). Every format ends as plain text for the same parser:
text files and .docx are read in Python, PDF's text layer by pypdf, scans and photos by OCR
(RapidOCR), old Word, WPS and RTF by LibreOffice, and OFD from its XML.
"""

import io
import zipfile

from proposals.extraction import ocr, ofd, office, pdf, plain
from proposals.extraction.result import EXTRACTORS, LETTER_SUFFIXES, Extracted
from proposals.parsing.result import Rejection

__all__ = ["EXTRACTORS", "LETTER_SUFFIXES", "Extracted", "extract"]

# What an office archive may unpack to: a letter's is a few hundred KB; a bomb is gigabytes.
MAX_UNPACKED = 30 * 1024 * 1024

_IMAGES = (b"\xff\xd8\xff", b"\x89PNG\r\n\x1a\n", b"II*\x00", b"MM\x00*")


def extract(data: bytes) -> Extracted | Rejection:
    """The text of a file as received, or a Rejection saying why it cannot be read."""
    if not data.strip():
        return Rejection("空文件（empty file）")
    if b"%PDF-" in data[:1024]:
        return pdf.read(data)
    if data.startswith(_IMAGES):
        return ocr.read_image(data)
    if data.startswith(b"\xd0\xcf\x11\xe0"):
        return _converted(office.convert(data, "doc"))
    if data.startswith(b"{\\rtf"):
        return _converted(office.convert(data, "rtf"))
    if data.startswith(b"PK\x03\x04"):
        return _archive(data)
    text = plain.plain_text(data)
    return text if isinstance(text, Rejection) else Extracted(text, "text")


def _converted(text: str | Rejection) -> Extracted | Rejection:
    return text if isinstance(text, Rejection) else Extracted(text, "office")


def _archive(data: bytes) -> Extracted | Rejection:
    """A .docx, an OFD or an OpenDocument text, told apart by the parts the zip holds."""
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        # Sizes as the archive declares them, checked before anything is unpacked; a part
        # that inflates past its declared size then fails its CRC check when read.
        unpacked = sum(info.file_size for info in archive.infolist())
        names = set(archive.namelist())
    except (zipfile.BadZipFile, ValueError, EOFError):
        return Rejection("损坏的压缩文件，无法读取（damaged zip archive）")
    if unpacked > MAX_UNPACKED:
        return Rejection(
            f"文件解压后超过 {MAX_UNPACKED // 1024 // 1024} MB，不是一封答复函（too large）"
        )
    if "word/document.xml" in names:
        text = plain.docx_text(data)
        return text if isinstance(text, Rejection) else Extracted(text, "docx")
    if "OFD.xml" in names:
        return ofd.read(archive)
    if "content.xml" in names and "mimetype" in names:
        return _converted(office.convert(data, "odt"))
    return Rejection("压缩文件，不是 .docx、OFD 或 .odt 答复函（a zip archive）")
