"""What an extractor returns: the letter's text, who read it and how sure it was."""

from dataclasses import dataclass

# Extractor → how a clerk reads it beside the reply. The values are stored; keep them stable.
EXTRACTORS = {
    "text": "文本文件",
    "docx": "Word 文档（.docx）",
    "pdf": "PDF 文字层",
    "ocr": "图像文字识别（OCR）",
    "office": "LibreOffice 转换（.doc / .wps / .rtf / .odt）",
    "ofd": "OFD 版式文件",
}

# The file names a folder import walks and an upload accepts: the formats extractors read.
LETTER_SUFFIXES = frozenset(
    {".txt", ".text", ".md", ".markdown", ".htm", ".html", ".docx", ".doc", ".wps", ".rtf", ".odt"}
    | {".pdf", ".ofd", ".jpg", ".jpeg", ".png", ".tif", ".tiff"}
)


@dataclass(frozen=True)
class Extracted:
    text: str
    extractor: str
    # OCR only: the recogniser's mean confidence over the letter's characters, 0–100.
    confidence: int | None = None
