"""Lines as a page lays them out, back to the lines the writer typed.

PDF text layers, OCR and OFD give one line per printed line: a paragraph wraps at the right
margin, and page numbers sit between pages. The parser reads lines as the writer typed them.
"""

import re
import unicodedata

# "- 2 -", "— 3 —", "第 2 页 共 5 页", "2/5": a page number, not the letter's text.
_PAGE_NUMBER = re.compile(
    r"[-—－–\s]*\d{1,3}[-—－–\s]*|第\s*\d{1,3}\s*页(?:\s*[,，]?\s*共\s*\d{1,3}\s*页)?|\d{1,3}\s*/\s*\d{1,3}"
)
# A line ending here ends its sentence or its heading: the next line is not its continuation.
_ENDS = tuple("。！？：；…”’」』）)")
# How much shorter than a full line a wrapped line may be: a wide character and a half.
_SLACK = 3


def width(line: str) -> int:
    """Printed width in half-width columns: a Chinese character is two."""
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in line)


def unwrap(pages: list[list[str]]) -> str:
    """Text-only pages (a PDF text layer, OFD): a line's width is counted in its characters."""
    return unwrap_placed([[(line, width(line)) for line in page] for page in pages], _SLACK)


def unwrap_placed(pages: list[list[tuple[str, float]]], slack: float) -> str:
    """Lines with where each ends on its page, joined into paragraphs where the right margin,
    not the writer, broke them: a line reaching the margin continues on the next line, unless
    it ends a sentence or a heading."""
    lines = [
        (text.strip(), right)
        for page in pages
        for text, right in page
        if text.strip() and not _PAGE_NUMBER.fullmatch(text.strip())
    ]
    margin = _margin([right for _, right in lines], slack)
    joined: list[str] = []
    wrapped = False
    for text, right in lines:
        if wrapped:
            joined[-1] += text
        else:
            joined.append(text)
        wrapped = margin is not None and right >= margin - slack and not text.endswith(_ENDS)
    return "\n".join(joined)


def _margin(rights: list[float], slack: float) -> float | None:
    """The right margin: the furthest right that three lines reach together.

    Wrapped lines end together at the margin; one overlong line (a web address) does not.
    """
    rights = sorted(rights, reverse=True)
    for i in range(len(rights) - 2):
        if rights[i] - rights[i + 2] <= slack:
            return rights[i]
    return None
