"""Field by field: each shape a real letter writes a field in, on a small letter."""

from datetime import date

import pytest

from proposals.parsing import ParsedReply, parse_text


def letter(
    *,
    header: str = "",
    title: str = "焦作市教育局关于市政协十四届五次会议第12号提案的答复",
    salutation: str = "张三委员：",
    opening: str = "您提出的“关于改善办学条件”的提案收悉，现答复如下：",
    footer: str = "焦作市教育局\n2022年7月1日",
) -> ParsedReply:
    text = "\n".join(
        part
        for part in [header, title, salutation, opening, "一、基本情况。", "感谢您的关心。", footer]
        if part
    )
    reply = parse_text(text)
    assert isinstance(reply, ParsedReply), reply
    return reply


@pytest.mark.parametrize(
    ("header", "title", "expected"),
    [
        ("焦教〔2022〕12号", None, "焦教〔2022〕12号"),
        ("焦教【2022】12号", None, "焦教【2022】12号"),
        ("文号：焦教〔2022〕12号", None, "焦教〔2022〕12号"),
        ("建议字:〔2022〕5号", None, "〔2022〕5号"),
        ("提案(X公复)字(2024)第03号", None, "提案(X公复)字(2024)第03号"),
        ("文号：无", None, None),
        (
            "",
            "焦作市教育局关于市政协十四届五次会议第12号提案的答复[焦教〔2022〕9号]",
            "焦教〔2022〕9号",
        ),
        (
            "",
            "焦作市教育局关于市政协十四届五次会议第12号提案的答复(焦教〔2022〕9号)",
            "焦教〔2022〕9号",
        ),
        ("根据国发〔2019〕12号文件精神", None, None),
    ],
)
def test_the_document_number_in_its_many_places(header, title, expected):
    kwargs = {"header": header} | ({"title": title} if title else {})
    assert letter(**kwargs).doc_number == expected


def test_a_document_number_cited_in_the_body_is_not_the_letters():
    reply = letter(opening="您提出的提案收悉。按照《通知》（国发〔2019〕12号）要求，现答复如下：")
    assert reply.doc_number is None


@pytest.mark.parametrize(
    ("line", "grade", "raw"),
    [
        ("办理结果：A", "A", "A"),
        ("类别：B类", "B", "B类"),
        ("类 别：C", "C", "C"),
        ("类别标记：A", "A", "A"),
        ("办复类别：乙类", "B", "乙类"),
        ("复文类别：(C)", "C", "C"),
        ("答复类别：A2类", "A", "A2类"),
        ("办理类别：丙", "C", "丙"),
        ("类别：提案", None, None),
    ],
)
def test_the_grade_under_its_many_labels(line, grade, raw):
    reply = letter(header=line)
    assert (reply.grade, reply.grade_raw) == (grade, raw)


def test_a_grade_at_the_very_end_of_the_letter():
    assert letter(footer="焦作市教育局\n2022年7月1日\n答复类别：B类").grade == "B"


def test_a_grade_hung_on_the_title():
    title = "焦作市教育局关于市政协十四届五次会议第12号提案的答复（C类）"
    assert letter(title=title).grade == "C"


@pytest.mark.parametrize(
    ("lines", "signer"),
    [
        ("签发人：付希强", "付希强"),
        ("签发人：付希强  办理结果：A", "付希强"),
        ("领导签字：\n分管领导：刘某\n承办人：王某", None),
        ("领导签批：李某", None),
    ],
)
def test_the_signer_and_the_names_that_are_not_the_signer(lines, signer):
    assert letter(header=lines).signer == signer


def test_the_signer_after_the_date():
    assert letter(footer="焦作市教育局\n2022年7月1日\n领导签发：赵刚").signer == "赵刚"


@pytest.mark.parametrize(
    ("title", "body", "region", "term", "meeting", "number"),
    [
        ("关于市八届人大四次会议第35号建议的答复", "npc", "焦作市", 8, 4, 35),
        ("关于政协九届二次会议第35号提案的答复", "cppcc", "焦作市", 9, 2, 35),
        ("关于县政协八届五次会议第0318号提案的答复", "cppcc", None, 8, 5, 318),
        ("关于省十二届人大三次会议第541027号建议的答复", "npc", None, 12, 3, 541027),
        ("关于焦作市第十五届人民代表大会第三次会议第35号建议的答复", "npc", "焦作市", 15, 3, 35),
        (
            "关于中国人民政治协商会议焦作市第十四届委员会第五次会议第7号提案的答复",
            "cppcc",
            "焦作市",
            14,
            5,
            7,
        ),
        ("关于市政协十四届五次会议35号提案的答复", "cppcc", "焦作市", 14, 5, 35),
        (
            "关于市政协14届5次会议第00009号（社会事业类003号）提案的答复",
            "cppcc",
            "焦作市",
            14,
            5,
            9,
        ),
    ],
)
def test_sessions_and_numbers_in_their_many_shapes(title, body, region, term, meeting, number):
    reply = letter(title=title, salutation="张三代表：" if body == "npc" else "张三委员：")
    assert (reply.body, reply.region, reply.term, reply.meeting, reply.proposal_number) == (
        body,
        region,
        term,
        meeting,
        number,
    )


def test_the_body_decides_when_proposal_and_suggestion_are_mixed_up():
    reply = letter(title="焦作市教育局关于市十五届人大三次会议第5号提案的答复")
    assert reply.body == "npc"


@pytest.mark.parametrize(
    ("salutation", "proposers", "more"),
    [
        ("张三委员：", ["张三"], False),
        ("尊敬的张三委员：", ["张三"], False),
        ("张三、李四委员：", ["张三", "李四"], False),
        ("张三、李四等委员：", ["张三", "李四"], True),
        ("张三等10位代表：", ["张三"], True),
        ("张三等4名代表：", ["张三"], True),
        ("王**委员：", ["王**"], False),
        ("张三委员", ["张三"], False),
        ("张三委员:你好!", ["张三"], False),
        ("九三学社焦作市委员会：", ["九三学社焦作市委员会"], False),
    ],
)
def test_proposers_from_the_salutation(salutation, proposers, more):
    reply = letter(salutation=salutation)
    assert (reply.proposers, reply.proposers_more) == (proposers, more)


@pytest.mark.parametrize(
    ("opening", "title"),
    [
        ("您提出的“关于改善办学条件”的提案收悉，现答复如下：", "关于改善办学条件"),
        ("您提出的《关于改善办学条件的提案》收悉，现答复如下：", "关于改善办学条件的提案"),
        (
            "您提出的《关于“某某路（某段）”改造的建议》收悉，现答复如下：",
            "关于“某某路（某段）”改造的建议",
        ),
        ("您提出的“ 关于改善办学条件 ”的提案收悉，现答复如下：", "关于改善办学条件"),
        ("您提出的关于改善办学条件的提案收悉，现答复如下：", "关于改善办学条件"),
        ("您提出的“关于改善办学条件的提案收悉，现答复如下：", "关于改善办学条件"),
    ],
)
def test_the_proposal_title_as_written_inside_the_outer_quotes(opening, title):
    assert letter(opening=opening).proposal_title == title


@pytest.mark.parametrize(
    ("opening", "co_handlers"),
    [
        (
            "您提出的提案收悉，经与市财政局、市发展改革委共同研究，现答复如下：",
            ["市财政局", "市发展改革委"],
        ),
        (
            "您提出的提案收悉，我局会同市财政局、市人社局等相关部门认真研究，现答复如下：",
            ["市财政局", "市人社局"],
        ),
        ("您提出的提案收悉，经结合城关镇人民政府共同研究，现答复如下：", ["城关镇人民政府"]),
        ("您提出的提案收悉，经商市财政局，现答复如下：", ["市财政局"]),
        ("您提出的提案收悉，由我委负责分办，现答复如下：", []),
        ("您提出的提案收悉，我局将会同市财政局商议，现答复如下：", []),
        ("您提出的提案收悉，现答复如下：", []),
    ],
)
def test_co_handlers_and_their_look_alikes(opening, co_handlers):
    assert letter(opening=opening).co_handlers == co_handlers


def test_co_handlers_from_a_labelled_cell():
    assert letter(header="协办单位：市财政局、市住建局").co_handlers == ["市财政局", "市住建局"]


@pytest.mark.parametrize(
    ("footer", "contacts"),
    [
        ("联系单位：市教育局\n联系电话：3569133\n联系人：李某", [("市教育局", "李某", "3569133")]),
        ("联系电话：3569133\n联系人：李某", [(None, "李某", "3569133")]),
        ("联系人：李某；联系电话：0391-3569133", [(None, "李某", "0391-3569133")]),
        ("（联系人及电话：王某 0371-1234567）", [(None, "王某", "0371-1234567")]),
        ("联系人及电话：赵某    8123456", [(None, "赵某", "8123456")]),
        ("联系单位及联系人：基教科，孙丽；联系电话：3569133", [("基教科", "孙丽", "3569133")]),
        ("联系人：市教育局，王某\n传真：3569000\n邮编：454000", [("市教育局", "王某", None)]),
        ("承办人：郑某 联系方式：139******1234", [(None, "郑某", "139******1234")]),
        ("联系单位：市教育局\n联系电话：3569133", [("市教育局", None, "3569133")]),
        (
            "联系部门及电话：市教育局 3569133 联系人：李某\n联系部门及电话：市财政局 3569000 联系人：王某",
            [("市教育局", "李某", "3569133"), ("市财政局", "王某", "3569000")],
        ),
        ("分管领导：刘某 电话：3569999", []),
    ],
)
def test_contacts_in_a_dozen_layouts(footer, contacts):
    reply = letter(footer=f"焦作市教育局\n2022年7月1日\n{footer}")
    assert [(c.unit, c.name, c.phone) for c in reply.contacts] == contacts


def test_contacts_may_come_before_the_issuer_and_date():
    reply = letter(footer="联系人：李某 联系电话：3569133\n焦作市教育局\n2022年7月1日")
    assert [(c.name, c.phone) for c in reply.contacts] == [("李某", "3569133")]
    assert reply.reply_date == date(2022, 7, 1)
    assert reply.issuer == "焦作市教育局"


@pytest.mark.parametrize(
    ("footer", "when"),
    [
        ("焦作市教育局\n2022年6月30日", date(2022, 6, 30)),
        ("焦作市教育局  2022年6月30日", date(2022, 6, 30)),
        ("焦作市教育局\n20201015", date(2020, 10, 15)),
        ("焦作市教育局\n二〇二二年六月三十日", date(2022, 6, 30)),
        ("焦作市教育局\n2022年 6月30日", date(2022, 6, 30)),
        ("焦作市教育局\n20222月28日", date(2022, 2, 28)),
        ("焦作市教育局\n成文日期：2022年6月30日", None),
    ],
)
def test_the_reply_date_and_the_dates_that_are_not_it(footer, when):
    assert letter(footer=footer).reply_date == when


@pytest.mark.parametrize(
    ("line", "cc"),
    [
        (
            "抄送：市政协提案委（1份），市政府督查室（1份）。",
            [("市政协提案委", 1), ("市政府督查室", 1)],
        ),
        ("抄 送：市政协提案委、市政府督查室", [("市政协提案委", None), ("市政府督查室", None)]),
        ("抄报：市政协提案委,市政府督查室", [("市政协提案委", None), ("市政府督查室", None)]),
        (
            "抄送：市政协提案委（1份）、市政府督查室（2份）",
            [("市政协提案委", 1), ("市政府督查室", 2)],
        ),
        (
            "抄送：委员所在县（市、区）人大、政府（各1份）",
            [("委员所在县（市、区）人大、政府", 1)],
        ),
        ("抄送：市政协提案委（三份）", [("市政协提案委", 3)]),
    ],
)
def test_carbon_copies_with_their_counts_and_nested_brackets(line, cc):
    reply = letter(footer=f"焦作市教育局\n2022年7月1日\n{line}")
    assert [(c.recipient, c.copies) for c in reply.cc] == cc


@pytest.mark.parametrize(
    "blank", ["\u3000", "\u00a0", " ", "\u3000\u3000"], ids=["ideographic", "nbsp", "ascii", "two"]
)
def test_any_kind_of_blank_inside_a_spaced_title(blank):
    title = f"焦作市教育局关于市政协十四届五次会议第12号提{blank}案{blank}的{blank}答{blank}复"
    assert letter(title=title).proposal_number == 12


def test_ascii_punctuation_from_a_web_page():
    reply = letter(
        salutation="张三,李四等委员:",
        opening='您提出的"关于改善办学条件"的提案收悉,经与市财政局、市住建局共同研究,现答复如下:',
        footer="焦作市教育局\n2022年7月1日\n联系人:李某;联系电话:3569133\n抄送:市政协提案委(1份),市政府督查室(1份)",
    )
    assert reply.proposers == ["张三", "李四"]
    assert reply.proposal_title == "关于改善办学条件"
    assert reply.co_handlers == ["市财政局", "市住建局"]
    assert [(c.recipient, c.copies) for c in reply.cc] == [("市政协提案委", 1), ("市政府督查室", 1)]


def test_the_issuer_named_only_in_the_page_metadata():
    reply = letter(
        header="| 发布机构 | 焦作市教育局 | 成文日期 | 2022-07-01 |",
        title="关于市政协十四届五次会议第12号提案的答复",
        footer="2022年7月1日",
    )
    assert (reply.issuer, reply.region) == ("焦作市教育局", "焦作市")


def test_the_place_named_inside_the_session():
    reply = letter(
        title="关于政协第十四届焦作市委员会第五次会议第12号提案的答复",
        footer="我局\n2022年7月1日",
    )
    assert (reply.region, reply.term, reply.meeting) == ("焦作市", 14, 5)


def test_a_date_followed_by_a_note_on_the_same_line():
    assert letter(footer="焦作市教育局\n2022年7月1日（此件公开发布）").reply_date == date(
        2022, 7, 1
    )


def test_a_generic_salutation_names_no_proposer():
    assert letter(salutation="各位代表：").proposers == []


def test_a_feedback_form_after_the_letter_is_not_read_as_its_fields():
    form = "\n".join(
        [
            "附件",
            "提案办理情况征询意见表",
            "提案人：张三",
            "办理结果：A □  B □  C □",
            "联系电话：13800000000",
        ]
    )
    reply = letter(footer=f"焦作市教育局\n2022年7月1日\n联系人：李某 联系电话：3569133\n{form}")
    assert reply.grade is None
    assert [(c.name, c.phone) for c in reply.contacts] == [("李某", "3569133")]


@pytest.mark.parametrize(
    ("issuer", "title_level", "region"),
    [
        ("温县农业农村局", "县", "温县"),
        ("焦作市温县农业农村局", "县", "温县"),
        ("郑州市金水区城市管理局", "区", "金水区"),
        ("郑州市城市管理局", "市", "郑州市"),
        ("广西壮族自治区教育厅", "自治区", "广西壮族自治区"),
    ],
)
def test_the_region_is_the_place_at_the_sessions_level(issuer, title_level, region):
    reply = letter(
        title=f"{issuer}关于{title_level}政协十届二次会议第45号提案的答复", footer="2023年7月20日"
    )
    assert reply.region == region


@pytest.mark.parametrize(
    ("title", "handling_round"),
    [
        ("焦作市教育局关于市政协十四届五次会议第12号提案的答复", 1),
        ("焦作市教育局关于市政协十四届五次会议第12号提案的再次答复", 2),
        ("焦作市教育局关于市政协十四届五次会议第12号提案重新办理情况的答复", 2),
    ],
)
def test_a_reply_after_rehandling_is_the_second_round(title, handling_round):
    assert letter(title=title).handling_round == handling_round


def test_spaced_out_labels_are_read():
    reply = letter(
        header="办 理 结 果：B",
        footer="焦作市教育局\n2022年7月1日\n联 系 人：李某\n联系 电话：3569133\n抄　送：市政协提案委",
    )
    assert reply.grade == "B"
    assert [(c.name, c.phone) for c in reply.contacts] == [("李某", "3569133")]
    assert [c.recipient for c in reply.cc] == ["市政协提案委"]
