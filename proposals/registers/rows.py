"""A sheet and its column mapping to typed rows: numbers, names, dates, yes/no, lists."""

import re
from dataclasses import dataclass, field
from datetime import date

from proposals.parsing.numbers import numeral
from proposals.registers.columns import COLUMNS, labels
from proposals.registers.sheets import Header, Sheet

_LIST = re.compile(r"[、,，;；/／\s]+")
_SUBTOTAL = re.compile(r"^(?:合计|小计|总计|共计)")
_NUMBER = re.compile(r"^第?\s*(\d+|[〇零一二三四五六七八九十百千]+)\s*号?$")
_DATE = re.compile(
    r"^(\d{4})\s*[-./年]\s*(\d{1,2})\s*[-./月]\s*(\d{1,2})\s*日?$|^(\d{4})(\d{2})(\d{2})$"
)
_YES = {"是", "√", "✓", "✔", "重点", "y", "yes", "1", "true", "是重点"}
_NO = {"", "否", "×", "n", "no", "0", "false", "非重点", "一般"}
# Names of several people or units in one cell: 张三、李四; a trailing 等 (and others) is not a name.
_ETC = re.compile(r"等(?:\d+|[一二三四五六七八九十]+)?(?:人|位|名)?$")

LIST_FIELDS = {"co_proposers", "co_bureaus", "aliases"}


@dataclass
class Row:
    sheet: str
    number: int  # as the spreadsheet shows it, counting from 1
    values: dict = field(default_factory=dict)
    refusal: str | None = None
    skipped: str | None = None


def missing_columns(kind: str, mapping: dict[int, str]) -> list[str]:
    """The labels of required columns the mapping lacks."""
    return [c.label for c in COLUMNS[kind] if c.required and c.field not in mapping.values()]


def read_rows(sheet: Sheet, header: Header, mapping: dict[int, str], kind: str) -> list[Row]:
    """Every row under the header, typed; blank rows left out, subtotal rows skipped."""
    names = labels(kind)
    rows = []
    for index in range(header.data_start, len(sheet.rows)):
        cells = sheet.rows[index]
        row = Row(sheet.name, index + 1)
        if all(cell == "" for cell in cells):
            continue
        if any(isinstance(cell, str) and _SUBTOTAL.match(cell) for cell in cells):
            row.skipped = "合计或小计行"
            rows.append(row)
            continue
        for column, name in mapping.items():
            raw = cells[column] if column < len(cells) else ""
            try:
                row.values[name] = _typed(name, raw)
            except ValueError as error:
                row.refusal = f"{names[name]}“{raw}”{error}"
                break
        else:
            for column in COLUMNS[kind]:
                if column.required and not row.values.get(column.field):
                    row.refusal = f"缺少{column.label}"
                    break
        rows.append(row)
    return rows


def _typed(name: str, raw):
    if name == "filed_on":
        return _date(raw)
    text = raw.isoformat() if isinstance(raw, date) else str(raw).strip()
    if name == "number":
        return _number(text)
    if name == "is_key":
        return _yes(text)
    if name in LIST_FIELDS:
        return [part for part in (_ETC.sub("", p) for p in _LIST.split(text)) if part]
    if name == "proposer":
        first = next(iter(_LIST.split(text)), "")
        return _ETC.sub("", first)
    return text


def _number(text: str) -> int | None:
    if not text:
        return None
    match = _NUMBER.match(text)
    value = numeral(match.group(1)) if match else None
    if not value:
        raise ValueError("不是编号（应为数字，如 12 或 第12号）")
    return value


def _yes(text: str) -> bool:
    folded = text.lower()
    if folded in _YES:
        return True
    if folded in _NO:
        return False
    raise ValueError("应为“是”或“否”")


def _date(raw) -> date | None:
    if isinstance(raw, date):
        return raw
    text = str(raw).strip()
    if not text:
        return None
    match = _DATE.match(text)
    if match:
        year, month, day = (int(g) for g in match.groups() if g is not None)
        try:
            return date(year, month, day)
        except ValueError:
            pass
    raise ValueError("不是日期（应如 2026-01-15 或 2026年1月15日）")
