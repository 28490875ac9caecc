"""The seed letters yield exactly the fields the issue's table fixes."""

import json
from pathlib import Path

import pytest

from proposals.parsing import ParsedReply, Rejection, parse_reply

ROOT = Path(__file__).resolve().parent.parent
EXPECTED = json.loads((ROOT / "tests/data/seeds-expected.json").read_text(encoding="utf-8"))
SEEDS = ROOT / "fixtures/replies"


def parsed(name: str):
    return parse_reply((SEEDS / name).read_bytes())


@pytest.mark.parametrize("name", [n for n, e in EXPECTED.items() if e["is_reply"]])
def test_each_seed_letter_yields_the_expected_fields(name):
    reply = parsed(name)
    assert isinstance(reply, ParsedReply), reply
    want = {k: v for k, v in EXPECTED[name].items() if k != "is_reply"}
    got = {k: v for k, v in reply.to_json().items() if k in want}
    assert got == want


def test_the_newspaper_article_is_rejected_as_not_a_reply():
    result = parsed("004_ce5cdeeac75771e9.txt")
    assert isinstance(result, Rejection)
    assert "不是答复函" in result.reason
    assert "新闻" in result.reason


def test_the_stored_text_has_no_conversion_noise():
    text = parsed("000_ee2ad97ee7362e9f.txt").text
    assert "对高新技术企业、科技型中小企业发展" in text  # rejoined across a page break
    assert "#" not in text
    assert "---" not in text
    assert "\n\n" not in text
    assert text.startswith("焦作市工业和信息化局文件\n焦工信〔2022〕71号")
    assert "最后，非常感谢您对我们工作的关心" in text


def test_image_placeholders_are_dropped_from_the_text():
    text = parsed("003_8e3784263eeb7afc.txt").text
    assert "[image" not in text
    assert "关于对市政协七届七次会议第123号提案的" in text


def test_the_json_keys_are_exactly_the_documented_ones():
    assert set(parsed("000_ee2ad97ee7362e9f.txt").to_json()) == {
        "issuer",
        "doc_number",
        "signer",
        "grade",
        "grade_raw",
        "body",
        "region",
        "term",
        "meeting",
        "proposal_number",
        "proposal_title",
        "proposers",
        "proposers_more",
        "co_handlers",
        "reply_date",
        "printed_on",
        "printed_by",
        "contacts",
        "cc",
        "extractor",
        "ocr_confidence",
    }
