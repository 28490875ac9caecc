"""OFD letters (GB/T 33190, China's format for official electronic documents), read from its XML.

No maintained Python reader serves: the ones on PyPI render pages and pull in heavy imaging
stacks. The text is in the pages' TextCode elements, each placed at a position on its page;
lines are rebuilt from those positions, top to bottom and left to right.
"""

import posixpath
import zipfile

from lxml import etree

from proposals.extraction.pages import unwrap
from proposals.extraction.result import Extracted
from proposals.parsing.result import Rejection

# No entities, no network, no huge trees: an OFD is a zip of small XML files.
_PARSER = etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=False)
MAX_PAGES = 30


def read(archive: zipfile.ZipFile) -> Extracted | Rejection:
    try:
        pages = [_page_lines(archive, path) for path in _page_paths(archive)]
    except (KeyError, ValueError, IndexError, etree.XMLSyntaxError, zipfile.BadZipFile) as error:
        return Rejection(f"损坏的 OFD 文件，无法读取（damaged OFD: {type(error).__name__}）")
    if len(pages) > MAX_PAGES:
        return Rejection(
            f"OFD 有 {len(pages)} 页，超过 {MAX_PAGES} 页，不是一封答复函（too many pages）"
        )
    text = unwrap(pages)
    if not text:
        return Rejection("OFD 文件中没有文字（可能是扫描件，请提供可复制文字的版本）（no text）")
    return Extracted(text, "ofd")


def _xml(archive: zipfile.ZipFile, path: str) -> etree._Element:
    return etree.fromstring(archive.read(path.lstrip("/")), _PARSER)


def _page_paths(archive: zipfile.ZipFile) -> list[str]:
    """Each page's content file in the document's page order (OFD.xml → Document.xml)."""
    document = _xml(archive, "OFD.xml").findtext(".//{*}DocRoot").strip()
    root = posixpath.dirname(document.lstrip("/"))
    pages = _xml(archive, document).findall(".//{*}Pages/{*}Page")
    return [posixpath.normpath(posixpath.join(root, page.get("BaseLoc"))) for page in pages][
        : MAX_PAGES + 1
    ]


def _page_lines(archive: zipfile.ZipFile, path: str) -> list[str]:
    """A page's text as lines: pieces on one baseline joined left to right."""
    pieces = []
    for text_object in _xml(archive, path).iter("{*}TextObject"):
        left, top = (float(v) for v in text_object.get("Boundary").split()[:2])
        size = float(text_object.get("Size", "3.5"))
        x = y = 0.0
        for code in text_object.iter("{*}TextCode"):
            # A TextCode without a position continues where the previous one ended.
            x, y = float(code.get("X", x)), float(code.get("Y", y))
            if code.text:
                pieces.append((top + y, left + x, size, code.text))
    pieces.sort()
    lines: list[list[tuple[float, str]]] = []
    baseline = None
    for y, x, size, text in pieces:
        if baseline is None or y - baseline > size / 2:
            lines.append([])
            baseline = y
        lines[-1].append((x, text))
    return ["".join(text for _, text in sorted(line)) for line in lines]
