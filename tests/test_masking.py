"""Contact details masked out of published text: what is masked, what is not, and in linear time."""

import time

import pytest
from hypothesis import given
from hypothesis import strategies as st

from proposals.masking import masked


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("联系电话：3569133", "联系电话：*******"),
        ("联系人：王万宝  电话：0391-3569133", "联系人：王万宝  电话：****-*******"),
        (
            "联系部门及电话：市工信局   2838669　　联系人：王万宝",
            "联系部门及电话：市工信局   *******　　联系人：王万宝",
        ),
        ("如有疑问请拨打13812345678咨询", "如有疑问请拨打***********咨询"),
        ("手机 138 1234 5678", "手机 *** **** ****"),
        ("座机0371-65501234转分机", "座机****-********转分机"),
        ("身份证号410802199001011234", "身份证号******************"),
        ("身份证号41080219900101123X。", "身份证号******************。"),
        ("邮箱：jzgxj@163.com。", "邮箱：*****@***.***。"),
    ],
)
def test_contact_details_are_masked(text, expected):
    assert masked(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "对市政协十四届五次会议第20210388号提案的答复",
        "2022年投资3159亿元，新增技能人才4万人",
        "焦工信〔2022〕71号",
        "第00009号(社会事业类003号)",
        "邮箱地址请见附件@某单位",
    ],
)
def test_numbers_that_are_not_contacts_stay(text):
    assert masked(text) == text


@given(st.text(alphabet="0123456789-@. 电话联系a", max_size=300))
def test_masking_keeps_the_length_and_never_adds_text(text):
    result = masked(text)
    assert len(result) == len(text)
    assert all(a == b or b == "*" for a, b in zip(text, result, strict=True))


@pytest.mark.parametrize(
    "hostile",
    [
        "1" * 200_000,
        "1-" * 100_000,
        "a@" * 100_000,
        "a" * 200_000 + "@",
        "电话" + "1 " * 100_000,
        "0391-" * 40_000,
        ("x." * 50_000) + "@" + ("y." * 50_000),
    ],
)
def test_hostile_input_is_masked_in_linear_time(hostile):
    started = time.perf_counter()
    masked(hostile)
    assert time.perf_counter() - started < 1.0
