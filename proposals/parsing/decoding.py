"""Bytes of a file to the text of a letter, or a reason it cannot be read."""

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


def decode(data: bytes) -> str | Rejection:
    """The text of `data`, or a Rejection saying why it cannot be read as a letter.

    Text encodings are tried in a fixed order (BOM, strict UTF-8, strict GB18030) and a
    detector only when those fail, because the detector misreads short GBK text.
    """
    if not data.strip():
        return Rejection("空文件（empty file）")
    if data.startswith(b"%PDF"):
        return Rejection(
            "PDF 文件无法读取文字，请另存为 .docx 或 .txt 后再导入（PDF file: save as .docx or .txt）"
        )
    if data.startswith(b"\xd0\xcf\x11\xe0"):
        return Rejection(
            "旧版 Word（.doc）文件无法读取，请另存为 .docx 后再导入（old .doc format: save as .docx）"
        )
    if data.startswith(b"PK\x03\x04"):
        return _docx_text(data)
    if data.startswith(b"{\\rtf"):
        return Rejection(
            "RTF 文件无法读取，请另存为 .docx 或 .txt（RTF file: save as .docx or .txt）"
        )
    return _plain_text(data)


def _plain_text(data: bytes) -> str | Rejection:
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
                return Rejection(
                    "文件在一个字符中间被截断，内容不完整（file cut off mid-character: truncated）"
                )
        try:
            return data.decode("gb18030")
        except UnicodeDecodeError as error:
            if error.start >= len(data) - 4 and "incomplete" in error.reason:
                return Rejection(
                    "文件在一个字符中间被截断，内容不完整（file cut off mid-character: truncated）"
                )
    best = charset_normalizer.from_bytes(data).best()
    if best is None or not _looks_like_text(str(best)):
        return Rejection("二进制文件，不是文本或 .docx 答复函（binary file）")
    return str(best)


def _looks_like_text(text: str) -> bool:
    controls = sum(1 for ch in text if ord(ch) < 32 and ch not in "\r\n\t\f")
    return controls <= len(text) // 100


# What a .docx may unpack to: a letter's is a few hundred KB; a bomb is gigabytes.
MAX_DOCX_UNPACKED = 30 * 1024 * 1024


def _docx_text(data: bytes) -> str | Rejection:
    try:
        # Sizes as the archive declares them, checked before anything is unpacked; python-docx
        # then reads each part, and a part larger than declared fails its CRC check.
        unpacked = sum(info.file_size for info in zipfile.ZipFile(io.BytesIO(data)).infolist())
    except (zipfile.BadZipFile, ValueError):
        return Rejection("压缩文件或损坏的 .docx，无法读取（zip archive or damaged .docx）")
    if unpacked > MAX_DOCX_UNPACKED:
        return Rejection(
            f".docx 解压后超过 {MAX_DOCX_UNPACKED // 1024 // 1024} MB，不是一封答复函（too large）"
        )
    try:
        document = docx.Document(io.BytesIO(data))
    except (zipfile.BadZipFile, KeyError, ValueError):
        return Rejection("压缩文件或损坏的 .docx，无法读取（zip archive or damaged .docx）")
    except Exception as error:  # python-docx raises many kinds on malformed XML
        return Rejection(f"无法读取的 .docx 文件（unreadable .docx: {type(error).__name__}）")
    lines = []
    for block in document.iter_inner_content():
        if isinstance(block, docx.table.Table):
            lines.extend("  ".join(cell.text for cell in row.cells) for row in block.rows)
        else:
            lines.append(block.text)
    return "\n".join(lines)
