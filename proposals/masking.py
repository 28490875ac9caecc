"""Contact details masked out of a text for readers without the right to see them. Pure.

Masked: mobile numbers, landline numbers written with an area code, 18-character ID numbers,
e-mail addresses, and any number of seven digits or more on a line that names a phone or a
contact (联系电话：3569133, 联系部门及电话：市工信局 2838669). Each masked character becomes
"*" (separators stay), so the text keeps its length and a passage found in it stays where it was. Every pattern
here runs in time linear in the text: no nested or overlapping repetition, and e-mail
addresses are found from their "@" rather than by a pattern that would retry every start.
"""

import re

MASK = "*"

# Separated digit groups ("0391-3569133", "138 1234 5678"): each repetition starts with a
# separator, so there is one way to match and no backtracking blow-up.
_NUMBER = re.compile(r"(?<![0-9])[0-9]+(?:[-－—‐ ][0-9]+)*")
_MOBILE = re.compile(r"(?<![0-9])1[3-9][0-9](?:[- ]?[0-9]{4}){2}(?![0-9])")
_LANDLINE = re.compile(r"(?<![0-9])0[0-9]{2,3}[-－—‐ ][0-9]{7,8}(?![0-9])")
_ID_NUMBER = re.compile(r"(?<![0-9])[1-9][0-9]{16}[0-9Xx](?![0-9A-Za-z])")
_CONTACT_LINE = re.compile(r"电话|手机|联系|传真|座机|热线|[Tt][Ee][Ll]|[Pp]hone|[Ff]ax")
_EMAIL_LOCAL = set("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789._%+-")
_EMAIL_DOMAIN = set("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789.-")
CONTACT_DIGITS = 7


def _blank(chars: list[str], start: int, end: int) -> None:
    """Mask the letters and digits of a span; its separators stay, so a reader sees the shape."""
    for i in range(start, end):
        if chars[i].isalnum():
            chars[i] = MASK


def _email_spans(text: str) -> list[tuple[int, int]]:
    spans = []
    at = text.find("@")
    last_end = 0
    while at >= 0:
        start = at
        while start > last_end and text[start - 1] in _EMAIL_LOCAL:
            start -= 1
        end = at + 1
        while end < len(text) and text[end] in _EMAIL_DOMAIN:
            end += 1
        domain = text[at + 1 : end].rstrip(".")
        if start < at and "." in domain:
            end = at + 1 + len(domain)
            spans.append((start, end))
            last_end = end
        at = text.find("@", max(end, at + 1))
    return spans


def masked(text: str) -> str:
    """`text` with its contact details replaced by asterisks, same length."""
    if not text:
        return text
    chars = list(text)
    for pattern in (_MOBILE, _LANDLINE, _ID_NUMBER):
        for match in pattern.finditer(text):
            _blank(chars, *match.span())
    for span in _email_spans(text):
        _blank(chars, *span)
    offset = 0
    for line in text.splitlines(keepends=True):
        if _CONTACT_LINE.search(line):
            for match in _NUMBER.finditer(line):
                digits = sum(char.isdigit() for char in match.group())
                if digits >= CONTACT_DIGITS:
                    _blank(chars, offset + match.start(), offset + match.end())
        offset += len(line)
    return "".join(chars)
