"""Scans and photos of letters to text: tesseract with its Simplified Chinese model.

Chosen over a PyPI OCR package by measurement (bench/ocr.py, figures in bench/README.md); it
installs from Debian (tesseract-ocr, tesseract-ocr-chi-sim) and needs nothing at run time.
"""

import csv
import functools
import io
import re
import tempfile
import warnings
from pathlib import Path

from PIL import Image, ImageSequence

from proposals.extraction import tools
from proposals.extraction.pages import unwrap_placed
from proposals.extraction.result import Extracted
from proposals.parsing.result import Rejection

LANGUAGE = "chi_sim"
# A4 at 600 dpi is 35 million pixels; a bomb declares billions and is refused from its header.
MAX_PIXELS = 60_000_000
MAX_PAGES = 30
SECONDS_PER_PAGE = 60
# A document number's year in any bracket: the Chinese model has no 〔〕, the brackets GB/T 9704
# prescribes there, and reads them as [ or 【.
_DOCUMENT_YEAR = re.compile(
    r"(?<=[\u4e00-\u9fff])[\[【〔(（]((?:19|20)\d\d)[\]】〕)）](?=\d{1,4}号)"
)
# One thread per page: the importer already runs several parser processes side by side.
_ENVIRONMENT = {"OMP_THREAD_LIMIT": "1"}


def read_image(data: bytes) -> Extracted | Rejection:
    """The text of a scanned page or photo (JPEG, PNG, TIFF; a TIFF may hold many pages)."""
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            image = Image.open(io.BytesIO(data))
            width, height = image.size
            if width * height > MAX_PIXELS:
                return Rejection(
                    f"图片过大（{width}×{height} 像素），不是扫描的答复函（image too large）"
                )
            pages = getattr(image, "n_frames", 1)
            if pages > MAX_PAGES:
                return Rejection(
                    f"图片有 {pages} 页，超过 {MAX_PAGES} 页，不是一封答复函（too many pages）"
                )
            with tempfile.TemporaryDirectory(prefix="letter-ocr-") as folder:
                paths = []
                for number, frame in enumerate(ImageSequence.Iterator(image)):
                    paths.append(Path(folder, f"page-{number:02}.png"))
                    frame.convert("L").save(paths[-1])
                return read_pages(paths)
    except (OSError, ValueError, SyntaxError, Image.DecompressionBombWarning) as error:
        return Rejection(f"损坏或无法识别的图片文件（damaged image: {type(error).__name__}）")


def read_pages(paths: list[Path]) -> Extracted | Rejection:
    """The text of page images in order, with the recogniser's confidence."""
    unavailable = _unavailable()
    if unavailable:
        return unavailable
    listing = paths[0].with_name("pages.txt")
    listing.write_text("\n".join(str(path) for path in paths) + "\n", encoding="utf-8")
    output = tools.run(
        "tesseract",
        [str(listing), "stdout", "-l", LANGUAGE, "--psm", "6", "tsv"],
        timeout=SECONDS_PER_PAGE * len(paths),
        env=_ENVIRONMENT,
    )
    if isinstance(output, Rejection):
        return output
    pages, confidence, character = _read_tsv(output.decode("utf-8", "replace"))
    text = _DOCUMENT_YEAR.sub(r"〔\1〕", unwrap_placed(pages, slack=character * 1.5))
    if not text:
        return Rejection("图片中没有识别出文字（no text recognised）")
    return Extracted(text, "ocr", confidence)


@functools.cache
def _unavailable() -> Rejection | None:
    absent = tools.missing("tesseract")
    if absent:
        return absent
    languages = tools.run("tesseract", ["--list-langs"], timeout=10)
    if isinstance(languages, Rejection) or LANGUAGE not in languages.decode().split():
        return Rejection(
            "服务器的 tesseract 没有简体中文识别模型，请管理员安装 Debian 软件包："
            "apt-get install tesseract-ocr-chi-sim，然后重新导入"
        )
    return None


def _read_tsv(tsv: str) -> tuple[list[list[tuple[str, int]]], int | None, int]:
    """From tesseract's word table: each page's lines with where each ends on the page, the
    mean confidence per character, and the median word height (the size of a character)."""
    pages: dict[int, dict[tuple, list[dict]]] = {}
    for row in csv.DictReader(io.StringIO(tsv), delimiter="\t", quoting=csv.QUOTE_NONE):
        if row["level"] == "5" and (row.get("text") or "").strip():
            line = (row["block_num"], row["par_num"], row["line_num"])
            pages.setdefault(int(row["page_num"]), {}).setdefault(line, []).append(row)
    words = [word for page in pages.values() for line in page.values() for word in line]
    scored = [(float(w["conf"]), len(w["text"].strip())) for w in words if float(w["conf"]) >= 0]
    characters = sum(length for _, length in scored)
    confidence = round(sum(c * n for c, n in scored) / characters) if characters else None
    heights = sorted(int(word["height"]) for word in words)
    placed = [
        [(_joined([w["text"].strip() for w in line]), _right(line)) for line in page.values()]
        for _, page in sorted(pages.items())
    ]
    return placed, confidence, heights[len(heights) // 2] if heights else 0


def _right(line: list[dict]) -> int:
    return max(int(word["left"]) + int(word["width"]) for word in line)


def _joined(words: list[str]) -> str:
    """A line's words: Chinese runs together; a space only between two Latin or digit words."""
    line = words[0]
    for word in words[1:]:
        if line[-1].isascii() and line[-1].isalnum() and word[0].isascii() and word[0].isalnum():
            line += " "
        line += word
    return line
