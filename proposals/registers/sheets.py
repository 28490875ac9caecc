"""XLSX and CSV files to sheets of cell texts, and where each sheet's header is."""

import csv
import io
import zipfile
from dataclasses import dataclass
from datetime import date, datetime

from proposals.registers.columns import COLUMNS, recognised

# Rows above the header a sheet may have: a title, a date line, a blank line or two.
HEADER_SEARCH_ROWS = 10
MAX_ROWS = 50_000
MAX_UNPACKED = 100 * 1024 * 1024


class Unreadable(Exception):
    """The file is not a spreadsheet that can be read; the message says why, in Chinese."""


@dataclass
class Sheet:
    name: str
    # Cell texts by row; a date cell is kept as a date.
    rows: list[list]


@dataclass(frozen=True)
class Header:
    row: int  # index of the header row in sheet.rows
    texts: list[str]
    data_start: int  # index of the first data row


def read_sheets(data: bytes, file_name: str) -> list[Sheet]:
    """The sheets of an .xlsx, or the one sheet of a .csv (UTF-8 with or without BOM, GB18030)."""
    if data.startswith(b"PK\x03\x04"):
        return _xlsx(data)
    if file_name.lower().endswith((".xls", ".et")) or data.startswith(b"\xd0\xcf\x11\xe0"):
        raise Unreadable("旧版 Excel（.xls）文件请另存为 .xlsx 后再导入")
    return [_csv(data, file_name)]


def _xlsx(data: bytes) -> list[Sheet]:
    import openpyxl

    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        if sum(info.file_size for info in archive.infolist()) > MAX_UNPACKED:
            raise Unreadable("表格解压后过大，不是一份名单")
        # Not read-only: merged header cells are only known to a fully loaded workbook.
        book = openpyxl.load_workbook(io.BytesIO(data), data_only=True)
    except (zipfile.BadZipFile, KeyError, ValueError, OSError) as error:
        raise Unreadable(f"无法读取的 .xlsx 文件（{type(error).__name__}）") from error
    sheets = []
    for worksheet in book.worksheets:
        if worksheet.max_row > MAX_ROWS:
            raise Unreadable(f"工作表“{worksheet.title}”超过 {MAX_ROWS} 行")
        rows = [[_cell(value) for value in row] for row in worksheet.iter_rows(values_only=True)]
        for merged in worksheet.merged_cells.ranges:
            # A merged cell's value belongs to every cell it covers (a header over two columns).
            top, left = merged.min_row - 1, merged.min_col - 1
            value = rows[top][left] if top < len(rows) and left < len(rows[top]) else ""
            for r in range(top, min(merged.max_row, len(rows))):
                for c in range(left, min(merged.max_col, len(rows[r]))):
                    rows[r][c] = value
        sheets.append(Sheet(worksheet.title, rows))
    return sheets


def _cell(value) -> str | date:
    if value is None:
        return ""
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    text = str(value).strip()
    # Our exports put an apostrophe before = + - @ so that no spreadsheet runs it as a formula.
    if text[:1] == "'" and text[1:2] in ("=", "+", "-", "@"):
        return text[1:]
    return text


def _csv(data: bytes, file_name: str) -> Sheet:
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            text = data.decode(encoding)
            break
        except UnicodeDecodeError:
            continue
    else:
        raise Unreadable("无法识别 CSV 文件的编码，请另存为 UTF-8 或 .xlsx")
    if "\x00" in text:
        raise Unreadable("不是表格文件（CSV 或 .xlsx）")
    delimiter = "\t" if text.count("\t") > text.count(",") else ","
    rows = [
        [cell.strip() for cell in row] for row in csv.reader(io.StringIO(text), delimiter=delimiter)
    ]
    if len(rows) > MAX_ROWS:
        raise Unreadable(f"表格超过 {MAX_ROWS} 行")
    return Sheet(file_name.rsplit("/", 1)[-1], rows)


def find_header(sheet: Sheet, kind: str) -> Header | None:
    """The row naming most of `kind`'s columns among the first rows (a title row may sit
    above it), else the first row with text; with a second header row under a merged heading (提案人 over 领衔人 | 附议人),
    the lower row names the columns it splits."""
    enough = min(2, len(COLUMNS[kind]))
    best, best_count = None, enough - 1
    for index, row in enumerate(sheet.rows[:HEADER_SEARCH_ROWS]):
        count = sum(1 for cell in row if isinstance(cell, str) and recognised(kind, cell))
        if count > best_count:
            best, best_count = index, count
    if best is None:
        # Headers no clerk wrote before: the first row with text, for the clerk to map.
        best = next((i for i, row in enumerate(sheet.rows[:HEADER_SEARCH_ROWS]) if any(row)), None)
        if best is None:
            return None
    texts = [cell if isinstance(cell, str) else "" for cell in sheet.rows[best]]
    start = best + 1
    if start < len(sheet.rows):
        below = sheet.rows[start]
        split = [
            i
            for i, cell in enumerate(below)
            if isinstance(cell, str)
            and recognised(kind, cell)
            and i < len(texts)
            and _spans(texts, i)
        ]
        if split:
            for i in split:
                texts[i] = below[i]
            start += 1
    return Header(best, texts, start)


def _spans(texts: list[str], i: int) -> bool:
    """Whether the header cell at i is a merged heading (its text repeated beside it)."""
    return bool(texts[i]) and (
        (i > 0 and texts[i - 1] == texts[i]) or (i + 1 < len(texts) and texts[i + 1] == texts[i])
    )
