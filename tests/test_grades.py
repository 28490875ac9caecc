import pytest

from proposals.models import Grade


def test_the_three_grades_exist_after_migrate(db):
    assert list(Grade.objects.values_list("code", flat=True)) == ["A", "B", "C"]
    assert Grade.objects.get(code="C").name == "暂不能解决"


@pytest.mark.parametrize(
    ("written", "code"),
    [
        ("A", "A"),
        ("A类", "A"),
        ("Ａ类", "A"),
        ("甲", "A"),
        ("甲类", "A"),
        ("（乙类）", "B"),
        ("b", "B"),
        ("(C)", "C"),
        ("丙", "C"),
        (" C 类 ", "C"),
    ],
)
def test_a_grade_is_recognised_by_its_aliases(db, written, code):
    assert Grade.objects.resolve(written).code == code


@pytest.mark.parametrize("written", ["", "D", "提案", "留作参考", "甲乙"])
def test_anything_else_is_not_a_grade(db, written):
    assert Grade.objects.resolve(written) is None
