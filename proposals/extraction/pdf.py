"""PDF letters: the text layer with pypdf, or OCR of the rendered pages when it has none.

pypdf is pure Python, maintained, and keeps a letter's reading order for the single-column
pages bureaus print; it caps what a compressed stream may inflate to.
"""

import io
import logging
import re
import tempfile
from pathlib import Path

import pypdf

from proposals.extraction import ocr, tools
from proposals.extraction.pages import unwrap
from proposals.extraction.result import Extracted
from proposals.parsing.result import Rejection

MAX_PAGES = ocr.MAX_PAGES
# Fewer Chinese characters than this in the text layer: a scan (perhaps with a stamp's text).
_MIN_CHINESE = 20
_CHINESE = re.compile(r"[\u4e00-\u9fff]")
# Pages rendered with their long side this many pixels: A4 at 300 dpi, whatever the page size.
LONG_SIDE = 3508

# pypdf reports every oddity of a producer on its logger; the rejection says what matters.
logging.getLogger("pypdf").setLevel(logging.ERROR)


def read(data: bytes) -> Extracted | Rejection:
    try:
        reader = pypdf.PdfReader(io.BytesIO(data))
        if reader.is_encrypted and not reader.decrypt(""):
            return Rejection("PDF 文件已加密，请提供未加密的文件（encrypted PDF）")
        count = len(reader.pages)
        if count > MAX_PAGES:
            return Rejection(
                f"PDF 有 {count} 页，超过 {MAX_PAGES} 页，不是一封答复函（too many pages）"
            )
        pages = [page.extract_text().splitlines() for page in reader.pages]
        if sum(len(_CHINESE.findall(line)) for page in pages for line in page) >= _MIN_CHINESE:
            return Extracted(unwrap(pages), "pdf")
        images = [size for page in reader.pages for size in _image_sizes(page)]
    except Exception as error:  # pypdf raises many kinds on a damaged or hostile file
        return Rejection(f"损坏的 PDF 文件，无法读取（damaged PDF: {type(error).__name__}）")
    if not images:
        return Rejection("PDF 中没有文字，也没有扫描的页面图像（no text and no scanned pages）")
    if max(width * height for width, height in images) > ocr.MAX_PIXELS:
        return Rejection("PDF 中的图像过大，不是扫描的答复函（image too large）")
    return _scanned(data, count)


def _image_sizes(page: pypdf.PageObject) -> list[tuple[int, int]]:
    """The declared sizes of the images a page draws: a scan is one image per page."""
    resources = page.get("/Resources")
    objects = resources.get_object().get("/XObject") if resources else None
    drawn = (o.get_object() for o in objects.get_object().values()) if objects else ()
    return [(int(o["/Width"]), int(o["/Height"])) for o in drawn if o.get("/Subtype") == "/Image"]


def _scanned(data: bytes, count: int) -> Extracted | Rejection:
    """A PDF of page images: render each page (poppler's pdftoppm) and read it by OCR."""
    with tempfile.TemporaryDirectory(prefix="letter-pdf-") as folder:
        source = Path(folder, "letter.pdf")
        source.write_bytes(data)
        rendered = tools.run(
            "pdftoppm",
            ["-scale-to", str(LONG_SIDE), "-gray", "-png", str(source), str(Path(folder, "page"))],
            timeout=ocr.SECONDS_PER_PAGE * count,
        )
        if isinstance(rendered, Rejection):
            return rendered
        pages = sorted(Path(folder).glob("page*.png"))
        if not pages:
            return Rejection("PDF 中没有文字，也没有可识别的页面（empty PDF）")
        return ocr.read_pages(pages)
