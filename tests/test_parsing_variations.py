"""The parser on letters written from each family of real-letter variations."""

import pytest

from proposals.parsing import ParsedReply, Rejection, parse_text
from tests.letters import NOT_REPLIES, REPLY_LETTERS


def comparable(reply: ParsedReply, field: str):
    value = getattr(reply, field)
    if field == "contacts":
        return [(c.unit or "", c.name or "", c.phone or "") for c in value]
    if field == "cc":
        return [(c.recipient, c.copies) for c in value]
    return value


@pytest.mark.parametrize(
    ("text", "expected"),
    [pytest.param(text, expected, id=name) for name, text, expected in REPLY_LETTERS],
)
def test_a_letter_yields_its_fields(text, expected):
    reply = parse_text(text)
    assert isinstance(reply, ParsedReply), reply
    got = {field: comparable(reply, field) for field in expected}
    assert got == expected


@pytest.mark.parametrize(
    ("text", "reason"),
    [pytest.param(text, reason, id=name) for name, text, reason in NOT_REPLIES],
)
def test_a_document_that_is_not_a_reply_is_rejected(text, reason):
    result = parse_text(text)
    assert isinstance(result, Rejection), result
    assert reason in result.reason
