"""Scans and photos of letters to text: RapidOCR (PP-OCR's Chinese models on ONNX Runtime).

Chosen over Debian's tesseract chi_sim by measurement (bench/ocr.py, figures in
bench/README.md): on seed letters rendered as scans it reads 0.98–0.99 of the characters
against 0.96, and the parser then gets 69/72 fields against 61/72 (48/72 on noisy scans), at
1.6–3 times tesseract's time a page. Its models ship in the PyPI wheel: nothing is downloaded
at run time.
"""

import functools
import io
import re
import statistics
import tempfile
import warnings
from pathlib import Path

from PIL import Image, ImageSequence

from proposals.extraction.pages import unwrap_placed
from proposals.extraction.result import Extracted
from proposals.parsing.result import Rejection

# A4 at 600 dpi is 35 million pixels; a bomb declares billions and is refused from its header.
MAX_PIXELS = 60_000_000
MAX_PAGES = 30
SECONDS_PER_PAGE = 60
# Two boxes on one line further apart than this many character heights are two cells.
_CELL_GAP = 1.5
# A document number's year in any bracket: recognisers read GB/T 9704's 〔〕 there as [ 【 （ ）.
_DOCUMENT_YEAR = re.compile(
    r"(?<=[\u4e00-\u9fff])[\[【〔(（]((?:19|20)\d\d)[\]】〕)）](?=\d{1,4}号)"
)


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
    engine = _engine()
    if isinstance(engine, Rejection):
        return engine
    pages, scores, heights = [], [], []
    for path in paths:
        found, _ = engine(str(path), use_cls=False)
        boxes = [
            (box, text.strip(), float(score)) for box, text, score in found or [] if text.strip()
        ]
        scores += [(score, len(text)) for _, text, score in boxes]
        heights += [box[2][1] - box[0][1] for box, _, _ in boxes]
        pages.append(boxes)
    if not scores:
        return Rejection("图片中没有识别出文字（no text recognised）")
    character = statistics.median(heights)
    text = unwrap_placed([_lines(boxes, character) for boxes in pages], slack=character * 1.5)
    text = _DOCUMENT_YEAR.sub(r"〔\1〕", text)
    characters = sum(length for _, length in scores)
    confidence = round(100 * sum(score * length for score, length in scores) / characters)
    return Extracted(text, "ocr", confidence)


@functools.cache
def _engine():
    """The recogniser, loaded once per process (0.1–0.8 s), or why it cannot be loaded."""
    try:
        from rapidocr_onnxruntime import RapidOCR
    except ImportError as error:
        if "libGL" in str(error):
            return Rejection(
                "服务器缺少图像识别所需的系统库，请管理员安装 Debian 软件包："
                "apt-get install libgl1，然后重新导入"
            )
        return Rejection(
            f"服务器没有安装图像识别组件（{error}），请按 requirements.txt 安装后重新导入"
        )
    return RapidOCR(print_verbose=False)


def _lines(boxes: list, character: float) -> list[tuple[str, float]]:
    """Text boxes as printed lines, top to bottom: boxes on one baseline joined left to right,
    with where each line ends on the page."""
    rows: list[list] = []
    for box, text, _ in sorted(boxes, key=lambda b: (b[0][0][1] + b[0][2][1]) / 2):
        middle = (box[0][1] + box[2][1]) / 2
        if rows and abs(middle - rows[-1][0]) <= character / 2:
            rows[-1][1].append((box, text))
        else:
            rows.append([middle, [(box, text)]])
    lines = []
    for _, row in rows:
        row.sort(key=lambda item: item[0][0][0])
        text, right = row[0][1], row[0][0][2][0]
        for box, part in row[1:]:
            gap = box[0][0] - right
            text += ("  " if gap > character * _CELL_GAP else "") + part
            right = max(right, box[2][0])
        lines.append((text, right))
    return lines
