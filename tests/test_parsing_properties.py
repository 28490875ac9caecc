"""Whatever bytes arrive, the parser returns a result or a rejection; it never raises."""

import io
import time
import zipfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from proposals.parsing import ParsedReply, Rejection, parse_reply, parse_text
from tests.letters import NOT_REPLIES, REPLY_LETTERS

SEEDS = sorted((Path(__file__).resolve().parent.parent / "fixtures/replies").glob("*.txt"))
CORPUS = (
    [p.read_text(encoding="utf-8") for p in SEEDS]
    + [t for _, t, _ in REPLY_LETTERS]
    + [t for _, t, _ in NOT_REPLIES]
)
MEANINGFUL = "第号届次会议提案建议答复委员代表：:，,、（）()〔〕【】“”《》抄送联系人电话签发办理结果类别年月日印发0123456789一二三四五六七八九十 \n\u3000甲乙丙ABC"


def outcome_is_well_formed(result) -> None:
    assert isinstance(result, ParsedReply | Rejection)
    if isinstance(result, Rejection):
        assert result.reason
    else:
        result.to_json()


@settings(max_examples=300, deadline=None)
@given(st.binary(max_size=4096))
def test_random_bytes_never_crash_the_parser(data):
    outcome_is_well_formed(parse_reply(data))


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet=st.sampled_from(MEANINGFUL), max_size=600))
def test_random_letter_like_text_never_crashes_the_parser(text):
    outcome_is_well_formed(parse_text(text))


@st.composite
def mutated_letters(draw):
    text = draw(st.sampled_from(CORPUS))
    for _ in range(draw(st.integers(1, 8))):
        if not text:
            break
        at = draw(st.integers(0, len(text) - 1))
        action = draw(st.sampled_from(["delete", "insert", "cut", "duplicate"]))
        if action == "delete":
            text = text[:at] + text[at + draw(st.integers(1, 40)) :]
        elif action == "insert":
            text = (
                text[:at]
                + draw(st.text(alphabet=st.sampled_from(MEANINGFUL), max_size=30))
                + text[at:]
            )
        elif action == "cut":
            text = text[:at]
        else:
            text = text[:at] + text[at : at + 200] + text[at:]
    return text


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(mutated_letters(), st.sampled_from(["utf-8", "gb18030", "utf-16"]))
def test_mutated_letters_in_any_encoding_never_crash_the_parser(text, encoding):
    outcome_is_well_formed(parse_reply(text.encode(encoding, errors="replace")))


@pytest.mark.parametrize(
    "hostile",
    [
        "![" * 50_000,
        "[" * 100_000,
        "[a](" * 25_000,
        "张三委员：\n您提出的提案收悉，" + "经与" * 50_000,
        "张三委员：\n您提出的提案收悉，" + "会同" * 50_000,
        "第1号提案的答复\n" * 30_000,
        "“" * 100_000,
        "联系人：" * 25_000,
        "二〇二二年" * 20_000,
        "a(hàn)" * 20_000,
        "x" * 2_000_000,
    ],
)
def test_hostile_text_is_read_or_refused_within_a_second(hostile):
    started = time.perf_counter()
    parse_reply(hostile.encode())
    assert time.perf_counter() - started < 1.0


def test_a_docx_that_would_unpack_to_gigabytes_is_refused_unread():
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("word/document.xml", b"<" + b"a" * (64 * 1024 * 1024))
    started = time.perf_counter()
    result = parse_reply(buffer.getvalue())
    assert time.perf_counter() - started < 1.0
    assert isinstance(result, Rejection) and "解压后超过" in result.reason
