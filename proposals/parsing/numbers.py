"""Numbers and dates as letters write them: Arabic or Chinese numerals, many date shapes."""

import re
from datetime import date
from functools import lru_cache

import cn2an

CN_DIGITS = "〇零一二三四五六七八九十百千两"
NUMERAL = rf"(?:\d+|[{CN_DIGITS}]+)"
# A year in Chinese numerals, where the zero may be typed as 〇, 零, ○, a Latin or Greek O, or 0.
_ZEROS = "〇零○OoΟο0"
_YEAR_DIGITS = {ch: str(i) for i, ch in enumerate("〇一二三四五六七八九")} | {
    zero: "0" for zero in _ZEROS
}

# Matched against folded text (digits already ASCII).
DATE = re.compile(
    rf"(?P<y>(?:19|20)\d{{2}}|[一二三四五六七八九{_ZEROS}]{{4}})\s*年?\s*"
    rf"(?P<m>\d{{1,2}}|[{CN_DIGITS}]{{1,2}})\s*月\s*(?P<d>\d{{1,2}}|[{CN_DIGITS}]{{1,3}})\s*日"
)
_COMPACT_DATE = re.compile(
    r"(?<!\d)(20\d{2}|19\d{2})[-./]?(0[1-9]|1[0-2])[-./]?(0[1-9]|[12]\d|3[01])(?!\d)"
)
_SEPARATED_DATE = re.compile(r"(?<!\d)((?:19|20)\d{2})[-./](\d{1,2})[-./](\d{1,2})(?!\d)")
# Seven digits, month or day unpadded: 2020824 is 24 August 2020; also with a stray 年
# (2022 年629) where the conversion lost 月 and 日.
_SEVEN_DIGIT_DATE = re.compile(r"(?<!\d)((?:19|20)\d{2})\s*年?\s*(\d{3})(?!\d)")


# The characters a year can start with, in any of the shapes below.
_DATE_START = frozenset("12一二三四五六七八九" + _ZEROS)
_TRAILING_NOTE = re.compile(r"\s*[(（][^()（）]{1,20}[)）]\s*$")


def numeral(text: str) -> int | None:
    """The integer a numeral writes: "14", "十四", "二〇二二", "两"; None if it is not one."""
    if text.isdigit():
        return int(text)
    if text and all(ch in _YEAR_DIGITS for ch in text) and "十" not in text:
        return int("".join(_YEAR_DIGITS[ch] for ch in text))
    # cn2an takes some 25 µs a call, and letters write the same few numerals (十四届, 第五次)
    # over and over; an outlandish long one (hostile text) is not kept.
    return _chinese_numeral(text) if len(text) <= 16 else _chinese_numeral.__wrapped__(text)


@lru_cache(maxsize=1024)
def _chinese_numeral(text: str) -> int | None:
    try:
        return int(cn2an.cn2an(text, "smart"))
    except (ValueError, KeyError, TypeError):
        return None


def _make_date(year: str, month: str, day: str) -> date | None:
    parts = [numeral(year), numeral(month), numeral(day)]
    if None in parts:
        return None
    try:
        return date(*parts)
    except ValueError:
        return None


def find_date(key: str) -> tuple[date, re.Match] | None:
    """The first written date (年月日) in folded text, with its match."""
    if "日" not in key:
        return None  # DATE needs one: most lines are let go without running it
    for match in DATE.finditer(key):
        found = _make_date(match["y"], match["m"], match["d"])
        if found:
            return found, match
    return None


def standalone_date(key: str) -> date | None:
    """The date when `key` is nothing but a date, in any common shape (20201015, 2020-10-15)."""
    # Every shape opens with its year, and a trailing note's removal (below) leaves the start
    # as it is; a 年月日 date needs its 日, and the other shapes a year of four digits. A line
    # that has neither, as most do, is no date and is let go without running the patterns.
    start = key.lstrip()
    if start[:1] not in _DATE_START or ("日" not in key and not start[:4].isdecimal()):
        return None
    # A note may follow on the same line: 2022年7月1日（此件公开发布）.
    text = _TRAILING_NOTE.sub("", key).strip()
    found = find_date(text)
    if found and found[1].group(0).strip() == text:
        return found[0]
    for pattern in (_COMPACT_DATE, _SEPARATED_DATE):
        match = pattern.fullmatch(text)
        if match:
            return _make_date(*match.groups())
    match = _SEVEN_DIGIT_DATE.fullmatch(text)
    if match:
        year, rest = match.groups()
        return _make_date(year, rest[0], rest[1:]) or _make_date(year, rest[:2], rest[2])
    return None
