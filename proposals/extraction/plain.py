"""Text files in any Chinese encoding, and .docx, read in Python."""

import codecs
import io
import zipfile

import charset_normalizer
import docx

from proposals.parsing.result import Rejection

BOMS = [
    (codecs.BOM_UTF32_LE, "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
]
TRUNCATED = "文件在一个字符中间被截断，内容不完整（file cut off mid-character: truncated）"


def plain_text(data: bytes) -> str | Rejection:
    """The text of `data`, or why it is not text.

    Text encodings are tried in a fixed order (BOM, strict UTF-8, strict GB18030) and a
    detector only when those fail, because the detector misreads short GBK text.
    """
    for bom, encoding in BOMS:
        if data.startswith(bom):
            try:
                return data.decode(encoding)
            except UnicodeDecodeError:
                return Rejection(f"文件编码损坏（{encoding} byte-order mark, but invalid data）")
    if b"\x00" not in data:
        try:
            return data.decode("utf-8")
        except UnicodeDecodeError as error:
            if error.start >= len(data) - 3 and error.reason == "unexpected end of data":
                return Rejection(TRUNCATED)
        try:
            return data.decode("gb18030")
        except UnicodeDecodeError as error:
            if error.start >= len(data) - 4 and "incomplete" in error.reason:
                return Rejection(TRUNCATED)
    best = charset_normalizer.from_bytes(data).best()
    if best is None or not _looks_like_text(str(best)):
        return Rejection("二进制文件，不是能读取的答复函（binary file）")
    return str(best)


def _looks_like_text(text: str) -> bool:
    controls = sum(1 for ch in text if ord(ch) < 32 and ch not in "\r\n\t\f")
    return controls <= len(text) // 100


def docx_text(data: bytes) -> str | Rejection:
    """A .docx's paragraphs and table rows in document order."""
    try:
        document = docx.Document(io.BytesIO(data))
    except (zipfile.BadZipFile, KeyError, ValueError):
        return Rejection("损坏的 .docx 文件，无法读取（damaged .docx）")
    except Exception as error:  # python-docx raises many kinds on malformed XML
        return Rejection(f"无法读取的 .docx 文件（unreadable .docx: {type(error).__name__}）")
    lines = []
    for block in document.iter_inner_content():
        if isinstance(block, docx.table.Table):
            lines.extend("  ".join(cell.text for cell in row.cells) for row in block.rows)
        else:
            lines.append(block.text)
    return "\n".join(lines)
