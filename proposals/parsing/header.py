"""The letter's header: title, session, proposal number, issuer, document number, grade, signer.

All patterns run on folded text (see text.py); values are sliced from the raw text.
"""

import re
from dataclasses import dataclass

from proposals.parsing.numbers import NUMERAL, numeral
from proposals.parsing.text import Line, fold, is_metadata

_VERB = r"(?:答复函|答复的函|答复|复函|回复|函复|的函|办理意见)"
# NPC deputies file 建议、批评和意见; a congress also takes 议案.
_KIND = r"(?:提案|建议|议案|意见|批评)"
TITLE_VERB = re.compile(rf"{_KIND}.{{0,12}}?{_VERB}|{_VERB}.{{0,4}}$")
_NOT_TITLE = re.compile(r"收悉|如下|收到|您|你们|。|特此")
_TITLE_MAX = 140

ORG_SUFFIX = re.compile(
    r"(?:局|委|委员会|厅|办|办公室|院|部|署|中心|政府|公司|集团|银行|所|站|馆|队|处|社|会|联|行|科|"
    r"学校|大学|学院|医院|街道|镇|乡|管委会|办事处|监狱|支队|大队|分局)$"
)
_PLACE_UNIT = r"(?:特别行政区|自治区|自治州|自治县|自治旗|省|市|州|盟|地区|县|区|旗)"
LEVELS = (
    "特别行政区",
    "自治区",
    "自治州",
    "自治县",
    "自治旗",
    "省",
    "市",
    "州",
    "盟",
    "县",
    "区",
    "旗",
)
_BODY_WORDS = re.compile(
    r"中国人民政治协商会议|人民代表大会常务委员会|人民代表大会|人大常委会|政协|人大|常委会"
)
_BEFORE_PLACE = re.compile(r".*(?:关于|对|在|于|的|,|:|\(|《|“|、|和|及)")

SESSION = re.compile(
    rf"第?(?P<term>{NUMERAL})届(?P<mid>[^\d第届次]{{0,14}}?)(?:第?(?P<meeting>{NUMERAL})次(?:全体)?会议|闭会期间|闭会)"
)
_NUMBER = re.compile(
    r"第\s*(?P<prefix>[A-Za-z]?\s*(?:[(〔【\[]\s*(?:19|20)\d{2}\s*[)〕】\]])?\s*[^\d第号〔【\[(]{0,3}?)"
    rf"(?P<n>\d+|[{'一二三四五六七八九十百'}]+)\s*号"
)
_BARE_NUMBER = re.compile(r"(?<![\d〕】\])])(?P<n>\d+)\s*号\s*(?:提案|建议|议案)")
# In brackets after the quoted title, with no 第: 对《关于…的提案》〔123号〕的答复.
_BRACKETED_NUMBER = re.compile(r"[(（〔【\[]\s*(?P<n>\d+)\s*号\s*[)）〕】\]]")
# A proposal named with its number after it: …的建议（第19号）.
NAMED_NUMBER = re.compile(
    r"(?:提案|建议|议案)\s*[(（〔【\[]\s*(?:第\s*)?(?P<n>\d{1,8})\s*号\s*[)）〕】\]]"
)
_LABELLED_NUMBER = re.compile(r"(?:提案号|建议号|提案编号|建议编号)\s*[:：]?\s*(?P<n>\d+)")

# Not a proposal's own number (第B(2022)327号建议). Its lazy prefix makes a search try up to
# 17 characters at every position: callers first check for the 号 it needs, which most lines lack.
# The serial may be missing (洛教提〔2023〕号, a number left blank when the letter was sent).
DOC_NUMBER = re.compile(
    r"(?P<dn>[^\s:：,，;；。、“”《》]{0,16}?[〔【\[(]\s*(?:19|20)\d{2}\s*[〕】\])]\s*(?:第\s*)?(?:\d{1,5}\s*)?号)"
    r"(?!\s*(?:提案|建议|议案))"
)
_DOC_LABEL = re.compile(r"(?:发文字号|文件编号|发文编号|文\s*号)\s*[:：|]?\s*(?P<v>[^\s|]*)")
_CITED = re.compile(r"《[^》]*$|依据|根据|按照|印发|转发|通知|意见|规定|办法")

_GRADE_TOKEN = r"(?P<g>[A-Ca-c甲乙丙])(?P<sub>\d?)\s*类?"
GRADE_LABELLED = re.compile(
    r"(?:办\s*理\s*结\s*果|办复类别|答复类别|复文类别|办理类别|办理类型|结果类别|类别标记|类\s*别)\s*(?:标记)?\s*[:：]?\s*"
    rf"[(（【\[]?\s*{_GRADE_TOKEN}\s*[)）】\]]?(?![A-Za-z\u4e00-\u9fff]|\d)"
)
_GRADE_ALONE = re.compile(rf"^[(（【\[]?\s*{_GRADE_TOKEN}\s*[)）】\]]?(?:答复|件)?$")
_GRADE_ON_TITLE = re.compile(rf"[(（【\[]\s*{_GRADE_TOKEN}\s*[)）】\]]\s*(?:的\s*(?:函|答复))?$")
# After the document number on its line: 临建字[2020]2号 B类, 华建复〔2017〕5号(B类).
_GRADE_AFTER_NUMBER = re.compile(rf"号\s*[(（【\[]?\s*{_GRADE_TOKEN}\s*[)）】\]]?(?=\s|$)")
_GRADE_CODES = {"甲": "A", "乙": "B", "丙": "C"}

SIGNER = re.compile(
    r"(?:签\s*发\s*人|领导签发|签\s*发)\s*[:：]?\s*(?P<name>[\u4e00-\u9fff·*]{2,5}?)"
    r"(?=\s|$|[,，;；(（]|办理|类别|答复|主送|[A-C]\b)"
)


@dataclass
class Title:
    """The title block: its lines' index range and its de-spaced text."""

    first: int
    last: int
    line: Line


@dataclass
class SessionRef:
    body: str | None
    place: str | None
    level: str | None
    term: int | None
    meeting: int | None
    end: int


def is_org(text: str) -> bool:
    """Whether `text` reads as the name of a unit (…局, …委员会, …政府), in either script."""
    key = fold(text)
    return (
        3 <= len(key) <= 40 and bool(ORG_SUFFIX.search(key)) and not re.search(r"[\d:,。、]", key)
    )


def find_title(lines: list[Line], limit: int, *, last: bool = False) -> Title | None:
    """The title block (…第N号提案的答复) among the first `limit` lines.

    A page may show the title more than once (a page title, then the letter's own, which may
    alone carry the number): the last one stands, unless the first line is the title with
    its number.
    """
    found = None
    # A title names its session (届) or number (号) on its own line or the two it may run
    # over (see below); most lines have neither and are passed over cheaply.
    marked = ["号" in line.key or "届" in line.key for line in lines[: limit + 2]]
    for i, line in enumerate(lines[:limit]):
        if not any(marked[i : i + 3]) or is_metadata(line):
            continue
        compact = line.compact()
        if len(compact) > _TITLE_MAX or _NOT_TITLE.search(compact.key):
            continue
        first, end, joined = i, i, compact
        # A title cut over lines: take up to two following short lines until the verb comes.
        while not TITLE_VERB.search(joined.key) and end + 1 < len(lines) and end - i < 2:
            nxt = lines[end + 1].compact()
            if len(nxt) > 30 or _NOT_TITLE.search(nxt.key):
                break
            end, joined = end + 1, Line(joined.raw + nxt.raw, joined.key + nxt.key)
        if not (TITLE_VERB.search(joined.key) and re.search(_KIND, joined.key)):
            continue
        numbered = re.search(r"\d+\s*号", joined.key)
        if not (numbered or SESSION.search(joined.key)):
            continue
        # The issuer may stand on the line above a title that opens with 关于 or 对.
        if i > 0 and re.match(r"(?:关于|对)", joined.key):
            above = lines[i - 1].compact()
            if is_org(above.key):
                first, joined = i - 1, Line(above.raw + joined.raw, above.key + joined.key)
        found = Title(first, end, joined)
        if not last and end == 0 and numbered:
            return found
    return found


def title_issuer(title: Title) -> str | None:
    match = re.search(r"关于|对", title.line.key)
    if not match:
        return None
    start = 0
    # A document number may stand before the issuer on the same line (九教案字(2025)12号九江市…).
    before = title.line.key[: match.start()]
    number = DOC_NUMBER.search(before) if "号" in before else None
    if number:
        start = number.end()
    if is_org(title.line.key[start : match.start()]):
        return title.line.raw[start : match.start()]
    # Or in brackets after the verb: …第45号提案的答复（市教育局）.
    after = _ISSUER_AFTER_VERB.search(title.line.key)
    if after and is_org(after["org"]):
        return title.line.raw[after.start("org") : after.end("org")]
    return None


_ISSUER_AFTER_VERB = re.compile(rf"{_VERB}\s*[(（](?P<org>[^()（）]{{3,40}})[)）]\s*$")


def find_session(key: str) -> SessionRef | None:
    """The session a text refers to (届/次会议), its body and the place or level it names."""
    for match in SESSION.finditer(key):
        term = numeral(match["term"])
        meeting = numeral(match["meeting"]) if match["meeting"] else None
        if not term or (match["meeting"] and not meeting):
            continue
        before = key[max(0, match.start() - 24) : match.start()]
        context = before + match["mid"]
        body = None
        if "政协" in context or "政治协商" in context:
            body = "cppcc"
        elif "人大" in context or "人民代表大会" in context:
            body = "npc"
        place = _BODY_WORDS.sub("", _BEFORE_PLACE.sub("", before)).strip()
        level = None
        if "全国" in match["mid"] or place.endswith("全国"):
            place, level = "全国", "全国"
        elif place in LEVELS:
            place, level = None, place
        elif re.fullmatch(rf"[\u4e00-\u9fff]{{1,12}}?{_PLACE_UNIT}", place):
            level = next(unit for unit in LEVELS if place.endswith(unit))
        else:
            # The place may stand inside: 政协第十四届焦作市委员会第五次会议.
            inside = re.sub(r"委员会$|代表大会$", "", _BODY_WORDS.sub("", match["mid"]))
            if re.fullmatch(rf"[\u4e00-\u9fff]{{2,12}}?{_PLACE_UNIT}", inside):
                place = inside
                level = next(unit for unit in LEVELS if place.endswith(unit))
            else:
                place = None
                mid_level = re.match(rf"{_PLACE_UNIT}", inside)
                level = mid_level.group(0) if mid_level else None
        return SessionRef(body, place, level, term, meeting, match.end())
    return None


def find_number(key: str, start: int = 0) -> int | None:
    """The proposal number (第252号, 第东12号, 0318号提案), leading zeros and prefixes dropped."""
    for pattern in (_NUMBER, _BARE_NUMBER, _BRACKETED_NUMBER, _LABELLED_NUMBER):
        for match in pattern.finditer(key, start):
            number = numeral(match["n"])
            if number is not None:
                return number
    return None


# Two characters at least before most units, so that 郑州市 is not read as 郑 + 州; but a
# county or district may have a one-character name (温县, 滑县).
# A place's name holds no unit of government (广州市规划和自然资源局番禺区分局: 广州市, 番禺区).
_PLACE_CHAR = r"(?:(?![局厅委部院所处站队署])[\u4e00-\u9fff])"
_PLACE_IN_NAME = re.compile(rf"{_PLACE_CHAR}{{2,}}?{_PLACE_UNIT}|{_PLACE_CHAR}(?:县|区|旗)")


def region_of(issuer: str, level: str | None) -> str | None:
    """The place in an issuer's name at the session's level (市 → 焦作市 from 焦作市工信局)."""
    key = fold(issuer)
    chain: list[tuple[int, int]] = []
    for match in _PLACE_IN_NAME.finditer(key[:24]):
        if match.start() != (chain[-1][1] if chain else 0) or len(match.group(0)) > 12:
            break
        chain.append(match.span())
    if not chain:
        return None
    if level is None:
        start, end = chain[-1]
        return issuer[start:end]
    for start, end in chain:
        if key[start:end].endswith(level):
            return issuer[start:end]
    # A branch of a higher level's bureau names its place after the unit (…局番禺区分局).
    for match in _PLACE_IN_NAME.finditer(key):
        if match.group(0).endswith(level):
            return issuer[match.start() : match.end()]
    return None


def find_doc_number(lines: list[Line], header_end: int) -> str | None:
    """The letter's own document number: labelled, or in the header, never one cited in the body.

    A label with no value (文号：无, an empty cell) means none, unless the letter's header
    carries one (a web page's empty metadata cell above a letter that has its number).
    """
    labelled_none = False
    for line in lines:
        # Every label ends in 号: a test for it passes most lines by without the pattern.
        label = _DOC_LABEL.search(line.key) if "号" in line.key else None
        if label and not re.search(r"索引号", line.key[: label.start()]):
            value = label["v"].strip()
            if value in ("", "无", "/", "-"):
                labelled_none = True
                continue
            match = DOC_NUMBER.search(line.key, label.start("v"))
            if match:
                return _doc_number_text(line, match)
    if labelled_none:
        lines = [line for line in lines[:header_end] if DOC_NUMBER.match(line.key.strip())]
    for line in lines[:header_end]:
        if "号" not in line.key:
            continue
        for match in DOC_NUMBER.finditer(line.key):
            if not _CITED.search(line.key[: match.end()]):
                return _doc_number_text(line, match)
    return None


def _doc_number_text(line: Line, match: re.Match) -> str:
    start, end = match.span("dn")
    year_at = re.search(r"[〔【\[(]\s*(?:19|20)\d{2}", line.key[start:end]).start()
    # The lazy prefix can swallow an opening bracket of the line ("答复(焦工信〔2022〕71号)").
    unclosed: list[int] = []
    for offset, char in enumerate(line.key[start : start + year_at]):
        if char in "([【":
            unclosed.append(offset)
        elif char in ")]】" and unclosed:
            unclosed.pop()
    if unclosed:
        start += unclosed[-1] + 1
    return line.raw[start:end].strip()


def find_grade(lines: list[Line], header_end: int, title: Title | None) -> tuple[str, str] | None:
    """The outcome grade (code, as written): labelled anywhere, hung on the title, or alone on a header line."""
    found = None
    for line in lines:
        # Every label holds 类 or 果 (办理结果): a test for them passes most lines by cheaply.
        if "类" not in line.key and "果" not in line.key:
            continue
        match = GRADE_LABELLED.search(line.key)
        if match:
            found = (line, match)
            break
    # A title may be shown twice (page and letter); either may carry the grade.
    title_lines = [title.line] if title else []
    title_lines += [
        c for c in (line.compact() for line in lines[:header_end]) if TITLE_VERB.search(c.key)
    ]
    for line in title_lines:
        match = None if found else _GRADE_ON_TITLE.search(line.key)
        if match:
            found = (line, match)
    if not found:
        for line in lines[:header_end]:
            has_number = "号" in line.key and DOC_NUMBER.search(line.key)
            match = _GRADE_AFTER_NUMBER.search(line.key) if has_number else None
            if match:
                found = (line, match)
                break
    if not found:
        for line in lines[:header_end]:
            match = _GRADE_ALONE.match(line.key.strip())
            if match:
                found = (Line(line.raw.strip(), line.key.strip()), match)
                break
    if not found:
        return None
    line, match = found
    letter = match["g"].upper()
    raw = line.raw[match.start("g") : match.end()].strip(" ）)】]")
    return _GRADE_CODES.get(letter, letter), raw


_METADATA_ISSUER = re.compile(
    r"(?:发布机构|发文机关|发文单位|发布单位|公开主体|承办单位|来源)\s*[:：]?\s*(?P<org>[^\s|:：]+?)"
    r"(?=发布时间|发布日期|时间|日期|浏览|点击|$|[\s|:：])"
)


def find_metadata_issuer(lines: list[Line]) -> str | None:
    """The issuer as a web page's metadata names it (发布机构 | 焦作市教育局)."""
    for line in lines:
        match = _METADATA_ISSUER.search(line.key)
        if match and is_org(match["org"]):
            return line.raw[match.start("org") : match.end("org")]
    return None


def find_signer(lines: list[Line]) -> str | None:
    for line in lines:
        if "签" not in line.key:
            continue  # every label has it: most lines are passed by without the pattern
        match = SIGNER.search(line.key)
        if match and not re.search(r"领导签[字批]|分管|主管", line.key[: match.start()]):
            return line.raw[match.start("name") : match.end("name")]
    return None
