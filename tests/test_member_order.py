"""Members are listed by pinyin, their surname read as a surname, wherever they are listed;
the sort key follows the name through every door that writes one."""

import pytest
from django.urls import reverse

from proposals.exports import register_rows
from proposals.members import pinyin_key
from proposals.models import Member, RegisterKind
from proposals.services.proposals import LetterProposals
from proposals.services.registers import Target
from tests.test_admin_forms import form_data
from tests.test_registers import run, xlsx

# 曾 read as céng would sort before 陈; as the surname zēng it sorts after it.
IN_PINYIN_ORDER = ["安宁", "白雪", "陈明", "曾强", "张伟", "赵磊"]
MIXED = ["赵磊", "曾强", "白雪", "张伟", "陈明", "安宁"]


@pytest.mark.parametrize(
    ("name", "surname"),
    [
        ("曾强", "zeng1曾"),
        ("单雄信", "shan4单"),
        ("仇英", "qiu2仇"),
        ("区华", "ou1区"),
        ("解缙", "xie4解"),
        ("朴槿", "piao2朴"),
        ("查良镛", "zha1查"),
        ("覃振", "qin2覃"),
        ("尉迟恭", "yu4尉 chi2迟"),
        ("单于明", "chan2单 yu2于"),
    ],
)
def test_a_heteronym_surname_is_read_as_a_surname(name, surname):
    assert pinyin_key(name).startswith(f"{surname} ")


def test_the_same_character_in_a_given_name_keeps_its_everyday_reading():
    assert pinyin_key("李单") == "li3李 dan1单"


def test_names_sort_syllable_by_syllable_then_character_by_character():
    names = ["章安", "张玮", "蒋安", "张伟华", "詹华", "张伟", "姜波", "张波"]
    assert sorted(names, key=pinyin_key) == [
        "姜波",
        "蒋安",
        "詹华",
        "张波",
        "张伟",
        "张伟华",
        "张玮",
        "章安",
    ]


def test_the_spaces_that_line_up_a_roster_do_not_change_the_key():
    assert pinyin_key("张　伟") == pinyin_key(" 张 伟") == pinyin_key("张伟")


@pytest.fixture
def members(db) -> list[Member]:
    return [Member.objects.create(name=name, body="cppcc", region="焦作市") for name in MIXED]


def test_the_public_member_list_is_in_pinyin_order(clerk, members, make_proposal):
    for member in members:
        make_proposal(proposers=[member])
    page = clerk.get(reverse("member-list"))
    assert [member.name for member in page.context["members"]] == IN_PINYIN_ORDER


def test_the_workbench_member_list_and_picker_are_in_pinyin_order(clerk, members):
    page = clerk.get(reverse("admin:proposals_member_changelist"))
    assert [member.name for member in page.context["cl"].result_list] == IN_PINYIN_ORDER
    picker = clerk.get(
        reverse("admin:autocomplete"),
        {"term": "", "app_label": "proposals", "model_name": "feedback", "field_name": "member"},
    )
    assert [row["text"] for row in picker.json()["results"]] == [
        f"{name}委员" for name in IN_PINYIN_ORDER
    ]


def test_the_exported_roster_is_in_pinyin_order(members):
    _, rows = register_rows(RegisterKind.MEMBERS, body="cppcc", region="焦作市")
    assert [row[0] for row in rows] == IN_PINYIN_ORDER


def test_renaming_a_member_in_the_workbench_rekeys_it(clerk, members):
    an_ning = Member.objects.get(name="安宁")
    url = reverse("admin:proposals_member_change", args=[an_ning.pk])
    data = form_data(clerk.get(url)) | {"name": "周宁"}
    assert clerk.post(url, data).status_code == 302
    an_ning.refresh_from_db()
    assert an_ning.name_pinyin == "zhou1周 ning2宁"
    assert list(Member.objects.values_list("name", flat=True))[-1] == "周宁"


def test_saving_only_the_name_rekeys_the_member(members):
    member = Member.objects.get(name="曾强")
    member.name = "安强"
    member.save(update_fields=["name"])
    member.refresh_from_db()
    assert member.name_pinyin == "an1安 qiang2强"


def test_members_a_roster_adds_are_keyed(db):
    data = xlsx([["姓名", "界别"], ["曾强", "经济界"], ["安宁", "教育界"]])
    run(data, "members", Target("members", "cppcc", "焦作市"))
    keys = dict(Member.objects.values_list("name", "name_pinyin"))
    assert keys == {"曾强": "zeng1曾 qiang2强", "安宁": "an1安 ning2宁"}


def test_proposers_a_letter_adds_are_keyed(session):
    LetterProposals(may_create=True).find_or_create(
        session=session,
        number=7,
        title="关于一的提案",
        proposers=["曾强", "安宁"],
        proposers_more=False,
    )
    keys = dict(Member.objects.values_list("name", "name_pinyin"))
    assert keys == {"曾强": "zeng1曾 qiang2强", "安宁": "an1安 ning2宁"}
