"""The letter's opening: the salutation (proposers), the proposal's title, the co-handlers."""

import re
from dataclasses import dataclass

from proposals.parsing.header import is_org
from proposals.parsing.text import Line

_PERSON_TITLES = r"(?:委员|代表|同志|先生|女士|老师|主席|主委)"
SALUTATION = re.compile(
    r"^(?:尊敬的)?(?P<names>[^:：。;；!！]{1,120}?)"
    # The count may stand in brackets: 王某某(等10位)代表.
    r"(?P<more>[(（]?等(?:\d+|[一二三四五六七八九十]+)?[位名个]?[)）]?)?"
    rf"{_PERSON_TITLES}(?:们)?\s*(?:[:：]|$)"
)
GROUP_SALUTATION = re.compile(
    r"^(?:尊敬的)?(?P<names>[^:：,，。;；!！\s]{2,40}?(?:委员会|市委|县委|区委|省委|总支|支部|工商联|联合会|党组|小组|"
    r"界别|联组|专委会|民革|民盟|民建|民进|农工党|致公党|九三学社|台盟))\s*[:：]"
)
_NAME_SPLIT = re.compile(r"[、,，\s]+")
# "各位代表：" addresses people without naming them.
_GENERIC_ADDRESS = {"各位", "诸位", "各", "您", "你们", "您们", "全体"}
OPENING_END = re.compile(r"收悉|已悉|收到|答复如下|函复如下|回复如下|复函如下|报告如下|说明如下")
_QUOTES = {"“": "”", "《": "》", "「": "」", "『": "』", '"': '"', "‘": "’"}
_UNQUOTED_TITLE = re.compile(
    r"(?:提出的|所提|提交的|领衔的|领衔提出的)(?:第\s*\S{0,3}?\d+\s*号)?(?:提案|建议)?\s*(?P<t>关于.+?)"
    r"(?:的)?(?:提案|建议|议案)(?:已)?(?:收悉|已悉|收到)"
)
CO_HANDLING = re.compile(
    r"(?P<lead>经|并|现|已)?\s*(?:与|会同|联合|结合|协同|同)(?P<list>[^,，。;；:：]{2,160}?)"
    r"(?:等(?:\d+个|[一二三四五六七八九十]+个)?(?:协办单位|相关单位|相关部门|有关单位|有关部门|单位|部门))?"
    r"(?:进行了?|认真|一起|共同|联合|反复|深入)*(?:研究|办理|协商|会商|商议|研办|答复|沟通|调研)"
)
CO_CONSULTED = re.compile(r"经(?:商|征求)(?P<list>[^,，。;；]{2,120}?)(?:的?意见)?(?=[,，。;；])")
# With no preposition: 经A、B等协办单位共同研究 / 综合A、B等协办单位意见 / 我局主办，A、B协办.
_CO_COUNT = r"(?:\d+个|[一二三四五六七八九十]+个)?"
CO_NAMED = re.compile(
    rf"(?:经|综合|汇总|结合)(?!与|会同|同|商|征求)(?P<list>[^,，。;；:：]{{2,160}}?)等{_CO_COUNT}(?:协办|会办)单位"
)
CO_UNDER_LEAD = re.compile(
    r"(?:主办|牵头)[,，、]\s*(?P<list>[^,，。;；:：]{2,160}?)(?:等单位)?(?:协办|会办|配合)"
)
# The label may be a table's cell, its value in the next cell (协办单位 | A、B).
_CO_LABEL = re.compile(r"^(?:协办单位|会办单位)(?:\s*[:：]|\s)\s*(?P<list>.+)$")
_NOT_CO_HANDLER = re.compile(r"^(?:我|本|贵|你|您)")
_FUTURE = re.compile(r"(?:将|拟|下一步|计划|准备)$")
OPENING_MAX = 2000


@dataclass
class Opening:
    salutation_index: int | None
    proposers: list[str]
    proposers_more: bool
    text: Line | None  # from the salutation through 收悉 … 答复如下


def find_salutation(lines: list[Line], start: int, stop: int) -> tuple[int, list[str], bool] | None:
    """The salutation line among lines[start:stop]: its index, the proposers named, and 等."""
    for i in range(start, min(stop, len(lines))):
        line = lines[i]
        key = line.key.strip()
        long_line = len(key) > 160
        if long_line:
            # A letter that arrived as one line: its salutation opens it, ending at a colon,
            # and its opening (收悉 … 答复如下) follows on the same line.
            if not OPENING_END.search(key):
                continue
            key = key[:160]
        match = SALUTATION.match(key) or GROUP_SALUTATION.match(key)
        if not match or (long_line and key[match.end() - 1] not in ":："):
            continue
        lead = len(line.key) - len(line.key.lstrip())
        raw = line.raw[lead + match.start("names") : lead + match.end("names")]
        names = [n for n in _NAME_SPLIT.split(raw.strip()) if n]
        if not names or any(len(n) > 40 for n in names):
            continue
        names = [n for n in names if n not in _GENERIC_ADDRESS]
        more = bool(match.groupdict().get("more"))
        return i, names, more
    return None


def find_opening(lines: list[Line], start: int, stop: int) -> Opening:
    salutation = find_salutation(lines, start, stop)
    begin = salutation[0] if salutation else start
    text = None
    for i in range(begin, min(begin + 6, len(lines))):
        if OPENING_END.search(lines[i].key):
            window = (
                lines[begin : i + 2]
                if not re.search(r"如下", lines[i].key)
                else lines[begin : i + 1]
            )
            text = Line("".join(w.raw for w in window), "".join(w.key for w in window))
            break
    if salutation:
        index, proposers, more = salutation
        return Opening(index, proposers, more, text)
    return Opening(None, [], False, text)


def find_proposal_title(opening: Line | None, title: Line | None) -> str | None:
    """The proposal's title as written inside its outer quotes (or after 关于 when unquoted)."""
    for source in (opening, title):
        if source is None:
            continue
        end = re.search(r"收悉|已悉|收到|的答复|答复$", source.key)
        found = _quoted(source, end.start() if end else len(source.key))
        if found:
            return found
        match = _UNQUOTED_TITLE.search(source.key)
        if match:
            return source.raw[match.start("t") : match.end("t")].strip()
    return None


def _quoted(line: Line, stop: int) -> str | None:
    key = line.key
    for start, char in enumerate(key[:stop]):
        if char not in _QUOTES:
            continue
        stack = [_QUOTES[char]]
        for pos in range(start + 1, len(key)):
            c = key[pos]
            if c == stack[-1]:
                stack.pop()
                if not stack:
                    return line.raw[start + 1 : pos].strip() or None
            elif c in _QUOTES and c != '"':
                stack.append(_QUOTES[c])
        # Unbalanced: the title runs to where the sentence names the proposal and 收悉.
        tail = re.search(r"(?:的)?(?:提案|建议)?\s*(?:收悉|已悉|收到)", key[start + 1 :])
        if tail:
            return line.raw[start + 1 : start + 1 + tail.start()].strip() or None
        return None
    return None


def find_co_handlers(lines: list[Line], opening: Line | None) -> list[str]:
    """Bureaus the reply was studied with (经与A、B共同研究 / 会同A等协办单位 / 协办单位: A)."""
    for line in lines:
        if "办单位" not in line.key:
            continue  # both labels end in it: most lines are passed by cheaply
        label = _CO_LABEL.match(line.key.strip())
        if label:
            return _bureau_list(line.raw.strip()[label.start("list") : label.end("list")])
    if opening is None:
        return []
    # An opening is a sentence or two; past that it is no opening (and the patterns' bounded
    # repetitions would cost time in proportion to its length times 160).
    opening = Line(opening.raw[:OPENING_MAX], opening.key[:OPENING_MAX])
    matches = [
        *CO_HANDLING.finditer(opening.key),
        *CO_CONSULTED.finditer(opening.key),
        *CO_NAMED.finditer(opening.key),
        *CO_UNDER_LEAD.finditer(opening.key),
    ]
    for match in sorted(matches, key=lambda m: m.start()):
        if _FUTURE.search(opening.key[max(0, match.start() - 4) : match.start()]):
            continue
        names = _bureau_list(opening.raw[match.start("list") : match.end("list")])
        if names:
            return names
    return []


def _bureau_list(text: str) -> list[str]:
    names = []
    for part in re.split(r"[、,，;；]|以及|及", text):
        part = part.strip(" 　")
        pieces = part.split("和")
        candidates = pieces if len(pieces) > 1 and all(is_org(p) for p in pieces) else [part]
        for name in candidates:
            if is_org(name) and not _NOT_CO_HANDLER.match(name):
                names.append(name)
    return names
