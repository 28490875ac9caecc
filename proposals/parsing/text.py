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
def _fold_table() -> list[int]:
    """The code point each character of the Basic Multilingual Plane folds to, by index.

    A full list rather than a dict of the changed characters only: str.translate looks up
    every character, and a dict's miss raises (and clears) a KeyError each time, which made
    folding twice as slow. Characters past the list (beyond U+FFFF) stay as they are.
    """
    table = list(range(0x10000))
    for code in range(0xFF01, 0xFF5F):
        table[code] = code - 0xFEE0
    for code in range(0x10000):
        char = chr(code)
        if unicodedata.category(char) == "Nd":
            table[code] = ord(str(unicodedata.decimal(char)))
        elif char.isspace() or unicodedata.category(char) == "Cf":
            table[code] = ord(" ")
    return table


def fold(text: str) -> str:
    """A same-length copy of `text` that regexes can match whatever the letter's script."""
    folded = text.translate(_fold_table())
    simplified = _t2s.convert(folded)
    return simplified if len(simplified) == len(folded) else folded


def fold_lines(texts: list[str]) -> list[str]:
    """[fold(text) for text in texts], with one conversion call for them all.

    A call to OpenCC costs about as much as converting a line, so the lines go in together,
    joined by newlines. This is the same as converting each alone: OpenCC replaces the
    longest dictionary entry at each position and no entry holds a newline, and a folded line
    holds none either (fold() maps every blank to a space).
    """
    if not texts:
        return []
    table = _fold_table()
    folded = [text.translate(table) for text in texts]
    try:
        simplified = _t2s.convert("\n".join(folded)).split("\n")
    except UnicodeError:  # a lone surrogate: let fold() raise as it always did
        return [fold(text) for text in texts]
    if len(simplified) != len(folded):  # cannot happen (see above); kept as a guard
        return [fold(text) for text in texts]
    return [
        simple if len(simple) == len(plain) else plain
        for simple, plain in zip(simplified, folded, strict=True)
    ]


_NOT_BLANK = re.compile(r"[^ ]+")


@dataclass(frozen=True)
class Line:
    raw: str
    key: str

    def compact(self) -> "Line":
        """The line without blanks, so that spaced-out words ("答  复") match."""
        if " " not in self.key:
            return self
        # The key's blanks are single spaces (fold() maps every blank to one): keep the rest.
        spans = [match.span() for match in _NOT_BLANK.finditer(self.key)]
        return Line(
            "".join(self.raw[start:end] for start, end in spans),
            "".join(self.key[start:end] for start, end in spans),
        )

    def __len__(self) -> int:
        return len(self.key)


_MARKUP = [
    # Brackets inside the text parts are excluded, so that each attempt stops at the next
    # bracket: linear on a line of 100,000 "![" (it once took 94 s).
    re.compile(r"!\[[^\[\]\n]*\]\([^()\n]*\)"),  # markdown image
    re.compile(r"\[image:[^\[\]\n]*\]", re.IGNORECASE),
    re.compile(r"\[(?:图片|图像|image)\]", re.IGNORECASE),
    re.compile(r"</?[A-Za-z][^<>\n]{0,200}>"),  # html tags (not a sign's <慢> in the text)
    re.compile(r"~~|`"),
    re.compile(r"\\(?=[\\`*_{}\[\]()#+\-.!|])"),  # markdown escapes
]
# Most lines of a letter carry no markup at all; this finds the ones that may.
_MARKUP_HINT = re.compile(r"[\[<*_~`\\|]|^\s*[#>+-]")
# Bold around words; not the stars of masked names and numbers (王**, 139******1234).
_BOLD = re.compile(r"(?:\*\*|__)(?![*_,，、:：;；\s])([^*_\n]+?)(?:\*\*|__)")
_MARKDOWN_LINK = re.compile(r"\[([^\[\]\n]+)\]\([^()\n]*\)")
_HEADING_MARKS = re.compile(r"^\s*(?:#{1,6}|>+|[*+-](?=\s))\s*")
_RULE = re.compile(r"^\s*(?:[-*_=]\s*){3,}$")
_TABLE_RULE = re.compile(r"^\s*\|?\s*:?-{2,}:?\s*(?:\|\s*:?-{2,}:?\s*)*\|?\s*$")
_PAGE_NUMBER = re.compile(
    r"^[-—–―~・·.\s]*(?:第\s*)?\d{1,3}(?:\s*页)?(?:\s*[,/]?\s*共\s*\d{1,3}\s*页)?[-—–―~・·.\s]*$"
    r"|^\d{1,3}\s*/\s*\d{1,3}$"
)
_WEB_CLUTTER = re.compile(
    r"^(?:答复内容$|无障碍浏览|简体版|繁体版|上一篇|下一篇|上一条|下一条|相关链接|相关文章|相关新闻|相关阅读|打印本页|打印|关闭窗口|关闭|"
    r"【\s*打印|【\s*关闭|【\s*字体|字体[:：]|字号[:：]|分享到|扫一扫|当前位置|您当前的位置|您的位置|"
    r"首页\s*[>»/]|网站地图|版权所有|主办[:：]|主办单位[:：].*(?:政府|网站)|网站标识码|.*ICP备|浏览次数|"
    r"访问次数|阅读次数|【\s*大\s*中\s*小|收藏|返回顶部)"
)
_HEADING_START = re.compile(
    r"^(?:[一二三四五六七八九十]+[、.]|[(（][一二三四五六七八九十\d]+[)）]|\d+[、.．]|第[一二三四五六七八九十]+[,，、部分章节条])"
)
# A line that ends a sentence (tested with endswith: most body lines do, and a regex search
# for an ending costs a scan of the line).
_SENTENCE_END = tuple("。！？；：!?;:…”’」』")
_LABEL_START = re.compile(
    r"^(?:联系|承办人|经办人|抄\s*送|抄\s*报|签\s*发|办理结果|附件|此致|敬礼|特此|领导签|分管领导|主管领导|"
    r"\d{4}\s*年|[〇零一二三四五六七八九]{4}年)"
)
# A signature (a unit's name alone) or a bare compact date is never the rest of a paragraph.
_SIGNATURE_OR_DATE = re.compile(
    r"^(?:[\u4e00-\u9fff（）()]{2,40}(?:局|委员会|委|厅|办公室|政府|中心|办事处|管委会)|\d{7,8})$"
)
_TITLE_END = re.compile(r"(?:答\s*复|复\s*函|回\s*复|的\s*函)\s*(?:[(\[【].{0,20}[)\]】])?$")
# A page break can cut a paragraph anywhere; a line this long that ends mid-sentence was cut.
_MIN_BROKEN_LINE = 25


# A letter inside a two-column table or a question/answer page: the label of the cell that
# holds it (| 答复内容 | 王某委员：… |, 答：王某委员：…) is not part of it.
_CONTENT_LABEL = re.compile(
    r"(?:答复|回复|办复|办理)(?:内容|正文|全文|意见)|答复函|答复|回复|标题|题目|正文|内容|全文|答"
)
_ANSWER_LABEL = re.compile(r"(?:答|答复|回复)\s*[:：]\s*(?=\S)")


def _strip_markup(line: str) -> str:
    if not _MARKUP_HINT.search(line):
        line = line.strip()
        answer = _ANSWER_LABEL.match(line) if line[:1] in "答回" else None
        return line[answer.end() :] if answer else line
    line = _MARKDOWN_LINK.sub(r"\1", line)
    line = _BOLD.sub(r"\1", line)
    for pattern in _MARKUP:
        line = pattern.sub("", line)
    line = _HEADING_MARKS.sub("", line)
    if line.count("|") >= 2:
        cells = [cell.strip() for cell in line.strip().strip("|").split("|")]
        if len(cells) == 2 and cells[1] and _CONTENT_LABEL.fullmatch(cells[0].replace(" ", "")):
            cells = cells[1:]
        line = "  ".join(cells)
    # A table's lone column separator at either end of a line.
    return line.strip().strip("|").strip()


# What a rule, a table's rule or a page number can start with, or a digit (\d is any
# decimal digit, as str.isdecimal() tests): the three patterns run only on such lines.
_NOISE_START = frozenset("-*_=|:—–―~・·.第")


def _is_noise(line: Line) -> bool:
    key = line.key.strip()
    first = key[:1]
    return bool(
        (first in _NOISE_START or first.isdecimal())
        and (_RULE.match(key) or _TABLE_RULE.match(key) or _PAGE_NUMBER.match(key))
    ) or bool(_WEB_CLUTTER.match(key))


def _continues(previous: Line, following: Line) -> bool:
    """Whether `following` is the rest of a paragraph that a page break cut after `previous`."""
    prev, nxt = previous.key.strip(), following.key.strip()
    if prev.endswith(("、", ",")):
        return True
    if len(prev) < _MIN_BROKEN_LINE or prev.endswith(_SENTENCE_END):
        return False
    if _HEADING_START.match(prev) and "。" not in prev and len(prev) < 40:
        return False
    if _TITLE_END.search(prev) or (len(nxt) < 40 and nxt.endswith(":")):
        return False
    return not (
        _HEADING_START.match(nxt) or _LABEL_START.match(nxt) or _SIGNATURE_OR_DATE.match(nxt)
    )


# Pinyin that mirror sites inject after characters: 會(huì)議. A tone mark (or ü) is required,
# so that a letter's own bracketed Latin words stay.
# The bracket comes first and the character before it is checked behind it: a pattern that
# opens with a character set lets the regex engine skip ahead to the next bracket, where one
# that opens with the lookbehind is tried at every position of the text (four times slower).
_ROMANISATION = re.compile(
    r"[(（](?<=[\u3400-\u9fff][(（])[a-zü]*[āáǎàēéěèīíǐìōóǒòūúǔùǖǘǚǜńňǹ][a-zāáǎàēéěèīíǐìōóǒòūúǔùüǖǘǚǜńňǹ]{0,5}[)）]"
)
# A page's metadata rows (索引号：… 发布机构：…), as bullets or cells: kept apart from the letter.
_METADATA_LABELS = (
    r"索引号|信息索取号|发布机构|发文机关|发文单位|关键词|主题词|成文日期|发布日期|发布时间|生成日期|"
    r"信息类别|主题分类|体裁分类|组配分类|文件编号|文号|公开方式|公开时限|公开范围|公开情况|责任部门|"
    r"有效性|来源|分类|信息所属单位|信息名称|生效日期|内容概述|效力状态|标题|公开主体|发文字号|公开类型|"
    r"公开属性|首次公开|公开期限|公开载体|"
    # A handling form's cells before the letter.
    r"代表提案者|提案者|会议届次|建议提案标题|建议提案编号|承办单位|办理方式|答复时间|办理类型"
)
# Blanks may stand between a label's characters (索 引 号, 文  号).
_SPACED_LABELS = "|".join(r"\s*".join(label) for label in _METADATA_LABELS.split("|"))
_METADATA = re.compile(rf"^\s*(?:{_SPACED_LABELS})\s*[:：]")
# The labels' first characters: a line that starts otherwise, as nearly all do, is no label
# (a failed match still tries each of the many labels in turn).
_METADATA_START = frozenset(label[0] for label in _METADATA_LABELS.split("|"))
# A metadata table flattened to one cell a line: the label alone, its value on the next line.
_METADATA_LABEL_ALONE = re.compile(rf"^\s*(?:{_SPACED_LABELS})\s*$")
# A site's navigation may carry the same words at the top of a page: a footer follows a letter.
_LETTER_BEFORE_FOOTER = 5
_SITE_FOOTER = re.compile(r"版权所有|网站标识码|ICP备|公网安备|网站地图|Copyright|©")
_BULLET = re.compile(r"\s*[•●▪◆·]\s*")
_BULLET_START = re.compile(r"^\s*(?:[•●▪◆·]|-\s)\s*")


# A line longer than this is cut: no sentence of a letter is, and the per-line patterns
# then cost at most this much each.
MAX_LINE = 20_000


def _physical_lines(text: str) -> list[str]:
    """The text's lines, a row of bullets split into one line each, romanisation removed."""
    text = _ROMANISATION.sub("", text.replace("\r\n", "\n").replace("\r", "\n"))
    bullets = "•" in text or "●" in text  # most letters have none: no line need count them
    lines = []
    for raw in text.split("\n"):
        if bullets and raw.count("•") + raw.count("●") > 1:
            lines.extend(part for part in _BULLET.split(raw) if part.strip())
        elif len(raw) <= MAX_LINE:
            lines.append(raw)  # nearly every line: no slicing needed
        else:
            lines.extend(
                raw[start : start + MAX_LINE] for start in range(0, len(raw) or 1, MAX_LINE)
            )
    return lines


def is_metadata(line: Line) -> bool:
    """A web page's metadata row (索引号：…, 发布机构：…), set apart from the letter's lines."""
    return _could_be_label(line.key) and bool(_METADATA.match(line.key))


def _could_be_label(key: str) -> bool:
    """Whether `key` may start with a metadata label (see _METADATA_START)."""
    return key.lstrip()[:1] in _METADATA_START


def clean_lines(text: str) -> list[Line]:
    """The letter's non-empty lines with conversion noise removed and cut paragraphs rejoined.

    A web page's metadata rows are set apart at the end, where readers that look for a
    labelled issuer or document number still find them, but they neither glue onto the
    letter's lines nor push its salutation away from its title.
    """
    lines: list[Line] = []
    metadata: list[Line] = []
    label: Line | None = None
    # Each line's markup is stripped and all are folded at once before they are read
    # (fold_lines is much quicker than a fold() a line); a site footer that ends the letter
    # only wastes the folding of the page's few lines below it.
    physical = [raw for raw in _physical_lines(text) if raw.strip()]
    bullets = [_BULLET_START.match(raw) for raw in physical]
    stripped = [
        _strip_markup(raw[bullet.end() :] if bullet else raw)
        for raw, bullet in zip(physical, bullets, strict=True)
    ]
    keys = fold_lines(stripped)
    for raw, bullet, line_raw, key in zip(physical, bullets, stripped, keys, strict=True):
        if len(lines) >= _LETTER_BEFORE_FOOTER and _SITE_FOOTER.search(raw):
            break  # the site's own footer: its phone numbers are not the letter's contacts
        line = Line(line_raw, key)
        if not line.key.strip() or _is_noise(line):
            continue
        if label is not None:
            metadata.append(Line(label.raw + "：" + line.raw, label.key + ":" + line.key))
            label = None
            continue
        if _could_be_label(line.key) and _METADATA_LABEL_ALONE.match(line.key):
            label = line.compact()
        elif is_metadata(line):
            metadata.append(line)
        elif lines and not bullet and _continues(lines[-1], line):
            lines[-1] = Line(lines[-1].raw + line.raw, lines[-1].key + line.key)
        else:
            lines.append(line)
    return lines + metadata
