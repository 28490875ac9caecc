"""The letter's footer: reply date, contacts, carbon copies, and the print line."""

import re
from datetime import date

from proposals.parsing.header import is_org
from proposals.parsing.numbers import DATE, find_date, numeral, standalone_date
from proposals.parsing.result import ParsedCarbonCopy, ParsedContact
from proposals.parsing.text import Line

_NOT_REPLY_DATE = re.compile(
    r"印\s*发|成文|发布(?:时间|日期)|(?:时间|日期)\s*[:：]|生成|更新|截[至止]|签收|收文"
)
_PRINTED = re.compile(r"印\s*发")

# Longest first: a label is matched at the start of a line or after the previous value.
_CONTACT_LABELS = [
    ("联系单位及联系人", "unit+name"),
    ("联系部门及联系人", "unit+name"),
    ("联系部门及电话", "unit+phone"),
    ("联系单位及电话", "unit+phone"),
    ("联系部门及联系电话", "unit+phone"),
    ("联系人及联系电话", "name+phone"),
    ("承办人及联系电话", "name+phone"),
    ("经办人及联系电话", "name+phone"),
    ("承办人及电话", "name+phone"),
    ("经办人及电话", "name+phone"),
    ("联系人及联系方式", "name+phone"),
    ("联系人及电话", "name+phone"),
    ("联系人电话", "name+phone"),
    ("联系单位", "unit"),
    ("联系部门", "unit"),
    ("联系处室", "unit"),
    ("联系科室", "unit"),
    ("承办处室", "unit"),
    ("承办科室", "unit"),
    ("主办处室", "unit"),
    ("主办科室", "unit"),
    ("责任处室", "unit"),
    ("责任科室", "unit"),
    ("联系人", "name"),
    ("承办人", "name"),
    ("经办人", "name"),
    ("联系电话", "phone"),
    ("联系方式", "phone"),
    ("办公电话", "phone"),
    ("手机", "phone"),
    ("电话", "phone"),
    ("传真", None),
    ("邮政编码", None),
    ("邮编", None),
    ("通讯地址", None),
    ("地址", None),
    ("电子邮箱", None),
    ("邮箱", None),
]
# Letters space labels out (联 系 人): blanks may stand between a label's characters.
_LABEL_ALTERNATION = "|".join(r"\s*".join(map(re.escape, label)) for label, _ in _CONTACT_LABELS)
_BARE_LABEL = re.compile(rf"(?P<label>{_LABEL_ALTERNATION})")
# A semicolon typed for the colon (联系人；张三) is read as one.
_CONTACT_FIELD = re.compile(rf"(?P<label>{_LABEL_ALTERNATION})\s*[:：;；]")
_LABEL_KIND = dict(_CONTACT_LABELS)
_PHONE = re.compile(r"[(（]?\d[\d*\-－—()（) ]{3,}[\d*]|1[3-9]\d\*{2,}[\d*]+|\d{2,4}\*{2,}\d+")
_NAME = re.compile(r"[\u4e00-\u9fff·*]{2,6}")
_VALUE_TRIM = " \t;；,，。.、(（)）[]【】"

_CC = re.compile(r"^(?:抄\s*送|抄\s*报)\s*[:：]?\s*")
# 份 may be left out: 市政协提案委（1）.
_COPIES = re.compile(
    r"[(（]\s*(?P<each>各)?\s*(?P<n>\d+|[一二三四五六七八九十两]+)\s*(?:份|(?=[)）]))\s*[)）]"
)


def find_reply_date(lines: list[Line], start: int) -> tuple[int, date] | None:
    """The letter's own date: the last line after the opening that is a date (maybe after the issuer)."""
    found = None
    for i in range(start, len(lines)):
        key = lines[i].key.strip()
        # The cheap length test first: a paragraph of the body is never the date line, unless
        # it ends with the signature and the date (a letter whose closing lines ran together).
        if len(key) > 60:
            signed = _signed_at_end(key) if key.endswith("日") else None
            if signed:
                found = (i, signed[2])
            continue
        if _NOT_REPLY_DATE.search(key):
            continue
        when = standalone_date(key)
        if when is None and "日" in key:  # DATE needs one
            match = DATE.search(key)
            if match and match.end() == len(key) and is_org(key[: match.start()].strip()):
                when = find_date(key)[0]
            elif match:
                signed = _signed_at_end(key)
                when = signed[2] if signed else None
        if when:
            found = (i, when)
    return found


def find_signature_issuer(lines: list[Line], date_index: int) -> str | None:
    """The issuer as signed beside or just above the letter's date."""
    line = lines[date_index]
    long_line = len(line.key.strip()) > 60
    match = None if long_line else DATE.search(line.key)
    if match:
        head = line.key[: match.start()].strip()
        if is_org(head):
            return line.raw[: match.start()].strip()
    if long_line or match:
        signed = _signed_at_end(line.key.rstrip())
        if signed:
            return line.raw[signed[0] : signed[1]]
        if long_line:
            return None
    for i in (date_index - 1, date_index - 2):
        if i >= 0 and is_org(lines[i].key.strip()):
            return lines[i].raw.strip()
    return None


_SIGNATURE_TAIL = 80
_BEFORE_SIGNATURE = " 。！!？?；;，,)）】"


def _signed_at_end(key: str) -> tuple[int, int, date] | None:
    """Where the signing unit stands, and the date, when a long line ends "… <unit> <date>"."""
    tail_start = max(0, len(key) - _SIGNATURE_TAIL)
    tail = key[tail_start:]
    match = None
    for match in DATE.finditer(tail):  # noqa: B007 - the last date is the one wanted
        pass
    if match is None or match.end() != len(tail):
        return None
    head = tail[: match.start()].rstrip()
    cut = max(head.rfind(char) for char in _BEFORE_SIGNATURE) + 1
    found = find_date(tail[match.start() :])
    if not found or not is_org(head[cut:]):
        return None
    return tail_start + cut, tail_start + len(head), found[0]


# A signature stands among the letter's last lines; further up, a unit alone is a heading.
_SIGNATURE_LINES = 8


def find_undated_signature(lines: list[Line], start: int) -> str | None:
    """The issuer signed on a line of its own near the end, where no date follows it."""
    for line in reversed(lines[max(start, len(lines) - _SIGNATURE_LINES) :]):
        key = line.key.strip()
        if is_org(key):
            return line.raw.strip()
    return None


def find_printed(lines: list[Line]) -> tuple[str | None, date | None]:
    """Who printed the letter and when (…办公室 2022年7月26日印发)."""
    for i, line in enumerate(lines):
        if "印" not in line.key or not _PRINTED.search(line.key):  # the test first: cheaper
            continue
        found = find_date(line.key)
        if not found:
            continue
        when, match = found
        office = line.raw[: match.start()].strip()
        if not office and i > 0 and is_org(lines[i - 1].key.strip()):
            office = lines[i - 1].raw.strip()
        return (office if is_org(re.sub(r"\s+", "", office)) else None), when
    return None, None


def find_contacts(lines: list[Line]) -> list[ParsedContact]:
    """Contact blocks in any of the layouts letters use, one contact per person or unit."""
    contacts: list[dict] = []
    current: dict = {}
    for line in lines:
        key = line.key
        start = len(key) - len(key.lstrip(" (（【["))
        if not _BARE_LABEL.search(key, start):
            continue  # no label anywhere, as on most lines: neither pattern below would match
        labels = list(_CONTACT_FIELD.finditer(key, start))
        if not labels or labels[0].start() != start:
            bare = _BARE_LABEL.match(key, start)
            if not bare:
                continue
            labels = [bare, *(m for m in labels if m.start() >= bare.end())]
        for n, label in enumerate(labels):
            kind = _LABEL_KIND[re.sub(r"\s+", "", label["label"])]
            end = labels[n + 1].start() if n + 1 < len(labels) else len(key)
            if kind is None:
                continue
            values = _contact_values(kind, line.raw[label.end() : end], key[label.end() : end])
            if any(field in current for field in values):
                contacts.append(current)
                current = {}
            current.update(values)
    if current:
        contacts.append(current)
    # A page may show the contact block twice: one contact each.
    found = [ParsedContact(**c) for c in contacts if c.get("name") or c.get("phone")]
    found = list(dict.fromkeys(found))
    # A name alone (a handling form's 承办人：郑某) that a fuller contact repeats is that contact.
    return [c for c in found if not any(d != c and _within(c, d) for d in found)]


def _within(part: ParsedContact, whole: ParsedContact) -> bool:
    """Whether every field `part` gives, `whole` gives the same."""
    return all(
        getattr(whole, field) == value
        for field in ("unit", "name", "phone")
        if (value := getattr(part, field))
    )


def _contact_values(kind: str, raw: str, key: str) -> dict:
    raw, key = _trim(raw, key)
    values: dict = {}
    phone = _PHONE.search(key) if "phone" in kind or kind == "name" else None
    if phone:
        values["phone"] = raw[phone.start() : phone.end()].strip(_VALUE_TRIM)
        raw, key = _trim(
            raw[: phone.start()] + raw[phone.end() :], key[: phone.start()] + key[phone.end() :]
        )
    if kind == "phone":
        return values if phone else ({"phone": raw} if raw else {})
    parts = [p for p in re.split(r"[,，;；、]|\s{1,}", raw) if p]
    if kind == "unit":
        return {"unit": raw} | values if raw else values
    if kind in ("unit+name",):
        if len(parts) >= 2:
            return {"unit": "".join(parts[:-1]), "name": parts[-1]} | values
        return ({"unit": raw} if is_org(key) else {"name": raw}) | values if raw else values
    if kind == "unit+phone":
        return ({"unit": raw} if raw else {}) | values
    # A name, possibly written with its unit first ("联系人：市教育局，王某").
    if len(parts) >= 2 and is_org(parts[0]):
        return {"unit": "".join(parts[:-1]), "name": parts[-1]} | values
    if raw and _NAME.fullmatch(raw.replace(" ", "")):
        values["name"] = raw.replace(" ", "").replace("\u3000", "")
    elif parts and _NAME.fullmatch(parts[0]):
        values["name"] = parts[0]
    return values


def _trim(raw: str, key: str) -> tuple[str, str]:
    left = len(key) - len(key.lstrip(_VALUE_TRIM))
    right = len(key.rstrip(_VALUE_TRIM))
    if right <= left:
        return "", ""
    return raw[left:right], key[left:right]


def find_carbon_copies(lines: list[Line]) -> list[ParsedCarbonCopy]:
    """The cc list (抄送：A（1份），B（各1份）), with nested brackets kept inside a recipient."""
    for i, line in enumerate(lines):
        if "抄" not in line.key:
            continue  # no 抄送 or 抄报 here: passed by without stripping and matching
        key = line.key.strip()
        match = _CC.match(key)
        if not match:
            continue
        lead = len(line.key) - len(line.key.lstrip())
        raw, folded = line.raw[lead + match.end() :], line.key[lead + match.end() :]
        following = i + 1
        while (
            not folded.strip() or folded.rstrip().endswith((",", "、", "，"))
        ) and following < len(lines):
            raw, folded = raw + lines[following].raw, folded + lines[following].key
            following += 1
        return _recipients(raw.strip(), folded.strip())
    return []


def _recipients(raw: str, key: str) -> list[ParsedCarbonCopy]:
    chunks: list[tuple[str, str]] = []
    depth, start = 0, 0
    for pos, char in enumerate(key):
        if char in "(（[【":
            depth += 1
        elif char in ")）]】":
            depth = max(0, depth - 1)
        elif depth == 0 and char in ",，;；":
            chunks.append((raw[start:pos], key[start:pos]))
            start = pos + 1
    chunks.append((raw[start:], key[start:]))
    copies = []
    for chunk_raw, chunk_key in chunks:
        copies.extend(_chunk_recipients(chunk_raw, chunk_key))
    return copies


def _chunk_recipients(raw: str, key: str) -> list[ParsedCarbonCopy]:
    raw, key = _trim_end(raw, key)
    if not key:
        return []
    counts = list(_COPIES.finditer(key))
    # "A（1份）、B（1份）": split after each count; "人大、政府（各1份）" stays one recipient.
    if len(counts) > 1 or not counts:
        parts, start = [], 0
        splits = (
            [m.end() for m in counts[:-1]]
            if counts
            else [p for p, c in enumerate(key) if c == "、"]
        )
        for cut in splits:
            parts.append((raw[start:cut], key[start:cut]))
            start = cut + (0 if counts else 1)
        parts.append((raw[start:], key[start:]))
        if len(parts) > 1:
            return [cc for part in parts for cc in _chunk_recipients(*part)]
    count = counts[-1] if counts else None
    if count and count.end() >= len(key) - 1:
        recipient = raw[: count.start()].strip()
        return [ParsedCarbonCopy(recipient, numeral(count["n"]))] if recipient else []
    return [ParsedCarbonCopy(raw.strip())]


def _trim_end(raw: str, key: str) -> tuple[str, str]:
    end = len(key.rstrip(" 。.、,，;；"))
    start = len(key) - len(key.lstrip(" 、,，"))
    return raw[start:end], key[start:end]
