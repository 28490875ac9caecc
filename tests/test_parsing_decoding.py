"""Files in every encoding and format a clerk receives, and the ones that cannot be read."""

import io
from pathlib import Path

import docx
import pytest

from proposals.parsing import ParsedReply, Rejection, parse_reply
from tests.letters import DISTRICT_GRADE_AT_END

SEED = (
    Path(__file__).resolve().parent.parent / "fixtures/replies/003_8e3784263eeb7afc.txt"
).read_text(encoding="utf-8")


@pytest.mark.parametrize(
    "data",
    [
        pytest.param(SEED.encode("utf-8"), id="utf-8"),
        pytest.param(b"\xef\xbb\xbf" + SEED.encode("utf-8"), id="utf-8 with BOM"),
        pytest.param(SEED.encode("gbk", errors="strict"), id="gbk"),
        pytest.param(SEED.encode("gb18030"), id="gb18030"),
        pytest.param(SEED.encode("utf-16"), id="utf-16 with BOM"),
        pytest.param(SEED.encode("utf-16-le"), id="utf-16 without BOM"),
    ],
)
def test_a_letter_reads_the_same_in_every_encoding(data):
    reply = parse_reply(data)
    assert isinstance(reply, ParsedReply), reply
    assert reply.proposers == ["彭增康", "贾辉", "陈玮"]
    assert reply.cc[-1].recipient == "委员所在县（市、区）人大、政府"


def docx_bytes(text: str, table_rows: list[list[str]] | None = None) -> bytes:
    document = docx.Document()
    if table_rows:
        table = document.add_table(rows=len(table_rows), cols=len(table_rows[0]))
        for r, row in enumerate(table_rows):
            for c, value in enumerate(row):
                table.cell(r, c).text = value
    for line in text.splitlines():
        document.add_paragraph(line)
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def test_a_docx_letter_is_read_with_its_tables_in_order():
    data = docx_bytes(DISTRICT_GRADE_AT_END, [["发布机构", "郑州市金水区城市管理局"]])
    reply = parse_reply(data)
    assert isinstance(reply, ParsedReply), reply
    assert reply.proposal_number == 56
    assert reply.grade == "C"
    assert reply.text.startswith("发布机构")


@pytest.mark.parametrize(
    ("data", "reason"),
    [
        pytest.param(b"", "空文件", id="empty"),
        pytest.param(b" \n\r\n\t ", "空文件", id="only blanks"),
        pytest.param("\n\n　\n".encode(), "空文件", id="only full-width blanks"),
        pytest.param(b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj", "损坏的 PDF", id="damaged pdf"),
        pytest.param(b"PK\x03\x04" + bytes(100), "zip", id="zip that is not docx"),
        pytest.param(bytes(range(256)) * 40, "二进制", id="binary"),
        pytest.param("焦作市工业和信息化局".encode()[:-1], "截断", id="utf-8 cut mid-character"),
        pytest.param(
            "焦作市工业和信息化局".encode("gb18030")[:-1], "截断", id="gbk cut mid-character"
        ),
    ],
)
def test_a_file_that_cannot_be_read_is_rejected_with_a_reason(data, reason):
    result = parse_reply(data)
    assert isinstance(result, Rejection), result
    assert reason in result.reason


def test_a_letter_cut_off_before_its_end_is_read_and_marked_incomplete():
    cut = SEED[: SEED.index("二、采取有力措施")]
    result = parse_reply(cut.encode("utf-8"))
    assert isinstance(result, ParsedReply) and not result.complete
    assert result.proposal_number == 123
    assert parse_reply(SEED.encode("utf-8")).complete
