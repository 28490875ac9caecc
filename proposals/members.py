"""How a member's name sorts: by pinyin, the surname read as a surname.

Pure: no Django. Member.save() and MemberQuerySet.bulk_create store the key; lists order by it.
"""

from pypinyin import Style, lazy_pinyin

# The longest key stored: the first 28-odd characters of a name place it among any others.
KEY_LENGTH = 255

# Surnames that pypinyin (0.55) reads by the character's everyday sound: it has no surname
# mode (mozillazg/python-pinyin#120, #297), so a name that starts with one of these takes this
# reading, as 《现代汉语词典》 gives it for the surname, in pypinyin's TONE3 style. Compound
# surnames come first, so 单于 and 长孙 are not read as 单 and 长. 乐 (Yuè, Lè) and 谌 (Chén,
# Shèn) are read both ways by different families, so they keep pypinyin's reading.
SURNAMES = {
    "单于": "chan2 yu2",
    "长孙": "zhang3 sun1",
    "尉迟": "yu4 chi2",
    "万俟": "mo4 qi2",
    "秘": "bi4",
    "卜": "bu3",
    "长": "chang2",
    "重": "chong2",
    "种": "chong2",
    "都": "du1",
    "盖": "ge3",
    "句": "gou1",
    "过": "guo1",
    "华": "hua4",
    "纪": "ji3",
    "阚": "kan4",
    "缪": "miao4",
    "那": "na1",
    "能": "nai4",
    "佴": "nai4",
    "粘": "nian2",
    "乜": "nie4",
    "区": "ou1",
    "蕃": "pi2",
    "朴": "piao2",
    "繁": "po2",
    "覃": "qin2",
    "仇": "qiu2",
    "任": "ren2",
    "单": "shan4",
    "召": "shao4",
    "折": "she2",
    "隗": "wei3",
    "洗": "xian3",
    "解": "xie4",
    "郇": "xun2",
    "燕": "yan1",
    "员": "yun4",
    "藏": "zang4",
    "曾": "zeng1",
    "查": "zha1",
    "翟": "zhai2",
    "祭": "zhai4",
}


def _readings(text: str) -> list[str]:
    # One item per character: the syllable with its tone number (zhang1, neutral 5); a
    # character without pinyin (a Latin letter, a digit, the · of a transcribed name) stands
    # for itself.
    return lazy_pinyin(text, style=Style.TONE3, neutral_tone_with_five=True, errors=list)


def pinyin_key(name: str) -> str:
    """The sort key of `name`: for each character its syllable, tone number and the character
    itself, e.g. 曾强 -> "zeng1曾 qiang2强"; other characters as they are, lower-cased.

    The tone number ends each syllable, so 詹华 (zhan1) sorts before 张安 (zhang1) even under
    a database collation that ignores spaces, and it orders one syllable as a dictionary does
    (姜 jiang1 before 蒋 jiang3). The character after it keeps same-sounding surnames apart
    (every 张 before every 章) and compares names character by character, as a dictionary
    and ICU's pinyin collation do: 张伟 < 张伟华 < 张玮.
    """
    # Rosters space two-character names (张　伟) to line them up with three-character ones.
    name = "".join(name.split())
    surname = next((s for s in SURNAMES if name.startswith(s)), "")
    readings = SURNAMES.get(surname, "").split() + _readings(name[len(surname) :])
    tokens = (
        char.lower() if reading == char else reading + char
        for reading, char in zip(readings, name, strict=True)
    )
    return " ".join(tokens)[:KEY_LENGTH]
