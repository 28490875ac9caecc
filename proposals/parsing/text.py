"""Text of a letter to clean lines: conversion noise removed, broken paragraphs rejoined.

Each line keeps two strings of the same length: `raw`, as the letter writes it (values are
sliced from it), and `key`, a folded copy for matching: full-width forms to ASCII, any
script's digits to 0-9, every kind of blank to a space, traditional characters to simplified.
"""

import re
import unicodedata
from dataclasses import dataclass
from functools import cache

import opencc

_t2s = opencc.OpenCC("t2s")


@cache
def _fold_table() -> dict[int, str]:
    table = {code: chr(code - 0xFEE0) for code in range(0xFF01, 0xFF5F)}
    for code in range(0x10000):
        char = chr(code)
        if unicodedata.category(char) == "Nd":
            table[code] = str(unicodedata.decimal(char))
        elif char.isspace() or unicodedata.category(char) == "Cf":
            table[code] = " "
    return table


def fold(text: str) -> str:
    """A same-length copy of `text` that regexes can match whatever the letter's script."""
    folded = text.translate(_fold_table())
    simplified = _t2s.convert(folded)
    return simplified if len(simplified) == len(folded) else folded


@dataclass(frozen=True)
class Line:
    raw: str
    key: str

    @classmethod
    def of(cls, raw: str) -> "Line":
        return cls(raw, fold(raw))

    def compact(self) -> "Line":
        """The line without blanks, so that spaced-out words ("答  复") match."""
        keep = [i for i, ch in enumerate(self.key) if ch != " "]
        return Line("".join(self.raw[i] for i in keep), "".join(self.key[i] for i in keep))

    def __len__(self) -> int:
        return len(self.key)


_MARKUP = [
    re.compile(r"!\[[^\]]*\]\([^)]*\)"),  # markdown image
    re.compile(r"\[image:[^\]]*\]", re.IGNORECASE),
    re.compile(r"\[(?:图片|图像|image)\]", re.IGNORECASE),
    re.compile(r"<[^>\n]{1,200}>"),  # html tags
    re.compile(r"~~|`"),
    re.compile(r"\\(?=[\\`*_{}\[\]()#+\-.!|])"),  # markdown escapes
]
# Most lines of a letter carry no markup at all; this finds the ones that may.
_MARKUP_HINT = re.compile(r"[\[<*_~`\\|]|^\s*[#>+-]")
# Bold around words; not the stars of masked names and numbers (王**, 139******1234).
_BOLD = re.compile(r"(?:\*\*|__)(?![*_,，、:：;；\s])([^*_\n]+?)(?:\*\*|__)")
_MARKDOWN_LINK = re.compile(r"\[([^\]]+)\]\([^)]*\)")
_HEADING_MARKS = re.compile(r"^\s*(?:#{1,6}|>+|[*+-](?=\s))\s*")
_RULE = re.compile(r"^\s*(?:[-*_=]\s*){3,}$")
_TABLE_RULE = re.compile(r"^\s*\|?\s*:?-{2,}:?\s*(?:\|\s*:?-{2,}:?\s*)*\|?\s*$")
_PAGE_NUMBER = re.compile(
    r"^[-—–―~・·.\s]*(?:第\s*)?\d{1,3}(?:\s*页)?(?:\s*[,/]?\s*共\s*\d{1,3}\s*页)?[-—–―~・·.\s]*$"
    r"|^\d{1,3}\s*/\s*\d{1,3}$"
)
_WEB_CLUTTER = re.compile(
    r"^(?:上一篇|下一篇|上一条|下一条|相关链接|相关文章|相关新闻|相关阅读|打印本页|打印|关闭窗口|关闭|"
    r"【\s*打印|【\s*关闭|【\s*字体|字体[:：]|字号[:：]|分享到|扫一扫|当前位置|您当前的位置|您的位置|"
    r"首页\s*[>»/]|网站地图|版权所有|主办[:：]|主办单位[:：].*(?:政府|网站)|网站标识码|.*ICP备|浏览次数|"
    r"访问次数|阅读次数|【\s*大\s*中\s*小|收藏|返回顶部)"
)
_HEADING_START = re.compile(
    r"^(?:[一二三四五六七八九十]+[、.]|[(（][一二三四五六七八九十\d]+[)）]|\d+[、.．]|第[一二三四五六七八九十]+[,，、部分章节条])"
)
_SENTENCE_END = re.compile(r"[。！？；：!?;:…”’」』]$")
_LABEL_START = re.compile(
    r"^(?:联系|承办人|经办人|抄\s*送|抄\s*报|签\s*发|办理结果|附件|此致|敬礼|特此|领导签|分管领导|主管领导|"
    r"\d{4}\s*年|[〇零一二三四五六七八九]{4}年)"
)
_TITLE_END = re.compile(r"(?:答\s*复|复\s*函|回\s*复|的\s*函)\s*(?:[(\[【].{0,20}[)\]】])?$")
# A page break can cut a paragraph anywhere; a line this long that ends mid-sentence was cut.
_MIN_BROKEN_LINE = 25


def _strip_markup(line: str) -> str:
    if not _MARKUP_HINT.search(line):
        return line.strip()
    line = _MARKDOWN_LINK.sub(r"\1", line)
    line = _BOLD.sub(r"\1", line)
    for pattern in _MARKUP:
        line = pattern.sub("", line)
    line = _HEADING_MARKS.sub("", line)
    if line.count("|") >= 2:
        line = "  ".join(cell.strip() for cell in line.strip().strip("|").split("|"))
    return line.strip()


def _is_noise(line: Line) -> bool:
    key = line.key.strip()
    return bool(_RULE.match(key) or _TABLE_RULE.match(key) or _PAGE_NUMBER.match(key)) or bool(
        _WEB_CLUTTER.match(key)
    )


def _continues(previous: Line, following: Line) -> bool:
    """Whether `following` is the rest of a paragraph that a page break cut after `previous`."""
    prev, nxt = previous.key.strip(), following.key.strip()
    if prev.endswith(("、", ",")):
        return True
    if len(prev) < _MIN_BROKEN_LINE or _SENTENCE_END.search(prev):
        return False
    if _HEADING_START.match(prev) and "。" not in prev and len(prev) < 40:
        return False
    if _TITLE_END.search(prev) or (len(nxt) < 40 and nxt.endswith(":")):
        return False
    return not (_HEADING_START.match(nxt) or _LABEL_START.match(nxt))


def clean_lines(text: str) -> list[Line]:
    """The letter's non-empty lines with conversion noise removed and cut paragraphs rejoined."""
    lines: list[Line] = []
    for raw in text.replace("\r\n", "\n").replace("\r", "\n").split("\n"):
        if not raw.strip():
            continue
        line = Line.of(_strip_markup(raw))
        if not line.key.strip() or _is_noise(line):
            continue
        if lines and _continues(lines[-1], line):
            lines[-1] = Line(lines[-1].raw + line.raw, lines[-1].key + line.key)
        else:
            lines.append(line)
    return lines
