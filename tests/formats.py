"""A letter in every format bureaus send, made the way they are made: printed to PDF and Word
by an office suite, scanned to images, laid out in OFD.

Building needs Debian's LibreOffice and poppler; `requires` skips a test where a program is
missing, unless REQUIRE_CONVERTERS is set (.ci/run sets it, after installing them).
"""

import io
import os
import re
import shutil
import subprocess
import zipfile
from pathlib import Path

import pytest
from PIL import Image

from proposals.extraction.pages import width


def requires(*programs: str):
    absent = [program for program in programs if shutil.which(program) is None]
    if absent and os.environ.get("REQUIRE_CONVERTERS"):
        raise RuntimeError(f"REQUIRE_CONVERTERS is set but {', '.join(absent)} is not installed")
    return pytest.mark.skipif(bool(absent), reason=f"{', '.join(absent)} not installed")


def printed(text: str) -> str:
    """A web copy of a letter as its paper original reads: no markdown heading marks."""
    return re.sub(r"(?m)^#+\s*", "", text)


def office_file(text: str, target: str, folder: Path) -> bytes:
    """`text` saved by LibreOffice as `target` ("pdf", "doc", "rtf", "odt")."""
    source = folder / "letter.txt"
    source.write_text(text, encoding="utf-8")
    subprocess.run(
        [
            "soffice",
            f"-env:UserInstallation={(folder / 'profile').as_uri()}",
            "--headless",
            "--infilter=Text (encoded):UTF8",
            "--convert-to",
            target,
            "--outdir",
            str(folder),
            str(source),
        ],
        check=True,
        capture_output=True,
        timeout=120,
    )
    return source.with_suffix(f".{target}").read_bytes()


def scanned_pages(pdf: bytes, folder: Path, dpi: int = 300) -> list[Image.Image]:
    """The pages of a PDF as a scanner gives them: grey images at `dpi`."""
    (folder / "printed.pdf").write_bytes(pdf)
    subprocess.run(
        [
            "pdftoppm",
            "-r",
            str(dpi),
            "-gray",
            "-png",
            str(folder / "printed.pdf"),
            str(folder / "scan"),
        ],
        check=True,
        timeout=120,
    )
    return [Image.open(path) for path in sorted(folder.glob("scan*.png"))]


def image_file(pages: list[Image.Image], image_format: str) -> bytes:
    """Pages saved as one file: a multi-page TIFF or an image-only PDF, or one JPEG page."""
    buffer = io.BytesIO()
    pages[0].save(buffer, image_format, save_all=len(pages) > 1, append_images=pages[1:])
    return buffer.getvalue()


OFD_NAMESPACE = "http://www.ofdspec.org/2016"


def ofd_file(text: str, columns: int = 72, lines_per_page: int = 40) -> bytes:
    """`text` as an OFD: wrapped at the margin, paginated with page numbers, one TextObject per
    printed line except every fifth, whose two halves are placed separately and a little off
    the baseline, as OFD writers place runs."""
    printed_lines = [
        part for line in text.splitlines() if line.strip() for part in _wrapped(line, columns)
    ]
    pages = [
        printed_lines[i : i + lines_per_page] for i in range(0, len(printed_lines), lines_per_page)
    ]
    archive = io.BytesIO()
    with zipfile.ZipFile(archive, "w") as ofd:
        ofd.writestr(
            "OFD.xml",
            f'<ofd:OFD xmlns:ofd="{OFD_NAMESPACE}" Version="1.0"><ofd:DocBody>'
            "<ofd:DocRoot>Doc_0/Document.xml</ofd:DocRoot></ofd:DocBody></ofd:OFD>",
        )
        listed = "".join(
            f'<ofd:Page ID="{n + 1}" BaseLoc="Pages/Page_{n}/Content.xml"/>'
            for n in range(len(pages))
        )
        ofd.writestr(
            "Doc_0/Document.xml",
            f'<ofd:Document xmlns:ofd="{OFD_NAMESPACE}"><ofd:Pages>{listed}</ofd:Pages></ofd:Document>',
        )
        for n, lines in enumerate(pages):
            placed = [*lines, f"- {n + 1} -"]
            objects = "".join(_ofd_line(i, line, len(placed)) for i, line in enumerate(placed))
            ofd.writestr(
                f"Doc_0/Pages/Page_{n}/Content.xml",
                f'<ofd:Page xmlns:ofd="{OFD_NAMESPACE}"><ofd:Content><ofd:Layer ID="1">'
                f"{objects}</ofd:Layer></ofd:Content></ofd:Page>",
            )
    return archive.getvalue()


def _wrapped(line: str, columns: int) -> list[str]:
    """A paragraph broken at the right margin, `columns` half-width columns wide."""
    parts, current = [], ""
    for ch in line:
        if width(current + ch) > columns:
            parts.append(current)
            current = ""
        current += ch
    return [*parts, current]


def _ofd_line(i: int, line: str, count: int) -> str:
    top = 30 + i * 6.0
    runs = [(0.0, 0.0, line)]
    if i % 5 == 4 and len(line) > 4:
        half = len(line) // 2
        runs = [(half * 4.2, 0.2, line[half:]), (0.0, 0.0, line[:half])]
    return "".join(
        f'<ofd:TextObject ID="{i}" Boundary="{25 + x} {top + dy} 160 6" Size="4.2">'
        f'<ofd:TextCode X="0" Y="4.2">{_escaped(text)}</ofd:TextCode></ofd:TextObject>'
        for x, dy, text in runs
    )


def _escaped(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
