"""The session report: timeliness, grades, satisfaction, denominators, bureaus and its downloads."""

from datetime import date, timedelta
from html.parser import HTMLParser
from io import BytesIO

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from proposals.access import SYSTEM
from proposals.deadlines import add_months
from proposals.models import Assignment, Body, Bureau, Feedback, Member, Proposal, Session
from proposals.roles import Role, login_ensure
from proposals.services import (
    co_handler_opinion_record,
    extension_grant,
    feedback_record,
    proposal_save,
)
from proposals.statistics import LATE, ON_TIME, OVERDUE, PENDING, UNASSIGNED, session_report

TODAY = date(2026, 6, 1)
DUE_PAST = TODAY - timedelta(days=10)
DUE_FUTURE = TODAY + timedelta(days=30)
SATISFIED, BASICALLY, NOT_SATISFIED = (
    Feedback.Satisfaction.SATISFIED,
    Feedback.Satisfaction.BASICALLY_SATISFIED,
    Feedback.Satisfaction.NOT_SATISFIED,
)


@pytest.fixture
def small_bureau(db):
    return Bureau.objects.create(region="焦作市", name="焦作市气象局")


@pytest.fixture
def session_items(make_proposal, make_assignment, make_reply, bureau, small_bureau):
    """Six lead items of the main bureau, one of a small bureau, one unassigned, two excluded."""

    def item(category, *, due_on, replied_on=None, grade=None, lead=bureau, disposition="filed"):
        proposal = make_proposal(category=category, disposition=disposition)
        make_assignment(proposal, due_on=due_on, bureau=lead)
        if replied_on:
            make_reply(proposal, bureau=lead, reply_date=replied_on, grade=grade)
        return proposal

    items = {
        "on_time_a": item("经济", due_on=DUE_PAST, replied_on=DUE_PAST - timedelta(30), grade="A"),
        "on_time_b": item("经济", due_on=DUE_PAST, replied_on=DUE_PAST, grade="B"),
        "late": item("科教", due_on=DUE_PAST, replied_on=DUE_PAST + timedelta(days=5), grade="A"),
        "no_grade": item("科教", due_on=DUE_PAST, replied_on=DUE_PAST - timedelta(days=60)),
        "overdue": item("科教", due_on=DUE_PAST),
        "pending": item("", due_on=DUE_FUTURE),
        "small": item("经济", due_on=DUE_PAST, replied_on=DUE_PAST, grade="C", lead=small_bureau),
        "merged": item("经济", due_on=DUE_PAST, disposition="merged"),
        "withdrawn": item("经济", due_on=DUE_PAST, disposition="withdrawn"),
    }
    items["unassigned"] = make_proposal(category="经济")
    return items


def report(proposals=None, **options):
    proposals = proposals if proposals is not None else Proposal.objects.all()
    return session_report(proposals.first().session, proposals, today=TODAY, **options)


def test_merged_and_withdrawn_items_are_counted_apart_from_the_denominators(session_items):
    result = report()
    assert result.overall.total == 8
    assert result.dispositions == {"filed": 8, "merged": 1, "withdrawn": 1}


def test_timeliness_counts_and_the_on_time_rate_leave_out_items_not_yet_due(session_items):
    overall = report().overall
    assert (
        overall.timeliness[ON_TIME],
        overall.timeliness[LATE],
        overall.timeliness[OVERDUE],
        overall.timeliness[PENDING],
        overall.timeliness[UNASSIGNED],
    ) == (4, 1, 1, 1, 1)
    assert overall.on_time_rate == pytest.approx(4 / 6)
    assert overall.replied == 5 and overall.outstanding == 2


def test_grade_shares_are_of_replied_items_with_no_grade_shown(session_items):
    # Of the 5 replied items: A on_time_a and late, B on_time_b, C small, none no_grade. The
    # 3 unreplied ones (overdue, pending, unassigned) are no longer counted as "no grade".
    overall = report().overall
    assert overall.replied == 5
    shares = {code: (overall.grades[code], overall.share(code)) for code in ("A", "B", "C", "")}
    assert shares == {
        "A": (2, pytest.approx(2 / 5)),
        "B": (1, pytest.approx(1 / 5)),
        "C": (1, pytest.approx(1 / 5)),
        "": (1, pytest.approx(1 / 5)),
    }


def test_median_days_to_reply_counts_from_assignment(session_items):
    # Assigned three months (89 days) before the due date; replied after 59, 89, 94 and 29
    # days (main bureau) and 89 (small bureau).
    assert report().overall.median_days == 89


def test_a_reply_dated_before_its_assignment_stays_out_of_the_median(
    make_proposal, make_assignment, make_reply
):
    # Assigned 89 days before DUE_PAST (see above); one letter dated 400 days before that.
    for replied_on in (DUE_PAST - timedelta(days=489), DUE_PAST - timedelta(days=59)):
        proposal = make_proposal()
        make_assignment(proposal, due_on=DUE_PAST)
        make_reply(proposal, reply_date=replied_on)
    assert report().overall.median_days == 30


def test_small_bureaus_are_listed_but_not_ranked(session_items, bureau, small_bureau):
    by_bureau = {tally.name: tally for tally in report().by_bureau}
    main, small = by_bureau[bureau.name], by_bureau[small_bureau.name]
    assert (main.rank, main.small, main.total) == (1, False, 6)
    assert (small.rank, small.small) == (None, True)
    assert [tally.name for tally in report().by_bureau][-1] == small_bureau.name


def test_the_target_decides_whether_a_bureau_meets_it(session_items, bureau):
    main = next(t for t in report(target=0.5).by_bureau if t.name == bureau.name)
    assert main.meets(0.5) is True
    assert main.meets(0.9) is False


def test_a_late_extension_keeps_a_late_reply_late_in_the_report(session_items):
    before = report().overall.on_time_rate
    late = session_items["late"].assignments.get()
    extension_grant(
        assignment=late,
        due_on=DUE_PAST + timedelta(days=30),
        reason="补办延期",
        actor=SYSTEM,
        today=TODAY,
    )
    assert report().overall.on_time_rate == before == pytest.approx(4 / 6)


def test_categories_are_tallied_with_an_uncategorised_group(session_items):
    by_category = {tally.name: tally.total for tally in report().by_category}
    assert by_category == {"经济": 4, "科教": 3, "未分类": 1}


def test_satisfaction_counts_the_least_satisfied_answer_per_round(session_items, make_reply):
    first_item, second_item = session_items["on_time_a"], session_items["late"]
    zhang, li = (
        Member.objects.create(name=name, body="cppcc", region="焦作市") for name in ("张三", "李四")
    )
    proposal_save(proposal=first_item, proposers=[zhang, li], actor=SYSTEM)
    proposal_save(proposal=second_item, proposers=[zhang], actor=SYSTEM)

    def feedback(proposal, member, satisfaction):
        feedback_record(
            proposal=proposal,
            member=member,
            satisfaction=satisfaction,
            source="paper",
            received_on=TODAY,
            actor=SYSTEM,
        )

    feedback(first_item, zhang, SATISFIED)
    feedback(first_item, li, BASICALLY)
    feedback(second_item, zhang, NOT_SATISFIED)
    make_reply(second_item, round=2, reply_date=TODAY)
    feedback(second_item, zhang, SATISFIED)
    overall = report().overall
    assert overall.first == {BASICALLY: 1, NOT_SATISFIED: 1}
    assert overall.final == {BASICALLY: 1, SATISFIED: 1}
    # Over the 2 answered items, not the 8 filed: 满意 1/2, and 2 of the 5 replied answered.
    assert overall.satisfaction.rate(SATISFIED) == pytest.approx(1 / 2)
    assert overall.satisfaction.response_rate == pytest.approx(2 / 5)


@pytest.fixture
def clerk(client, db):
    client.force_login(login_ensure(username="clerk", password="x", role=Role.CLERK))
    return client


def test_the_report_page_shows_figures_charts_and_a_target_from_the_url(clerk, session_items):
    page = clerk.get(reverse("statistics"), {"target": "60"})
    html = page.content.decode()
    assert page.context["report"].target == 0.6
    assert html.count("<svg") == 2
    assert "未定类（无办理结果）" in html and "样本较少，不排名" in html
    assert ["并案", "1", "—", "—", "不计入以下各率的分母"] in page_tables(html)["概况"]


def test_an_invalid_target_is_explained_and_the_default_used(clerk, session_items, settings):
    page = clerk.get(reverse("statistics"), {"target": "abc"})
    assert page.status_code == 200
    assert "输入整数" in page.content.decode()
    assert page.context["report"].target == settings.STATISTICS_ON_TIME_TARGET


def test_the_report_downloads_as_a_workbook(clerk, session_items):
    response = clerk.get(reverse("statistics"), {"format": "xlsx"})
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    workbook = load_workbook(BytesIO(response.content))
    assert workbook.sheetnames == [
        "概况",
        "满意度",
        "按主办单位",
        "按协办单位",
        "按界别",
        "按类别",
        "重点提案",
    ]
    overview = {row[0]: row[1] for row in workbook["概况"].iter_rows(min_row=3, values_only=True)}
    assert overview["应办理"] == 8
    assert overview["并案"] == 1
    bureau_rows = list(workbook["按主办单位"].iter_rows(values_only=True))
    assert bureau_rows[-1][-1] == "样本较少，不排名"


def test_anonymous_visitors_are_sent_to_sign_in(client, session_items):
    response = client.get(reverse("statistics"))
    assert response.status_code == 302 and "/admin/login/" in response["Location"]


def test_a_bureau_officer_sees_the_report_of_their_own_items(client, session_items, small_bureau):
    officer = login_ensure(username="qx", password="x", role=Role.BUREAU, bureau=small_bureau)
    client.force_login(officer)
    page = client.get(reverse("statistics"))
    assert page.context["report"].overall.total == 1


# A session counted by hand. Dates hang on the real today (the page counts as of today) but
# fall on the 15th, so that no month end clamps a due date.


@pytest.fixture
def year_dates():
    today = timezone.localdate()
    due_past = add_months(today.replace(day=15), -1)  # 15 to 46 days ago
    return today, due_past, add_months(today.replace(day=15), 2)


@pytest.fixture
def build_year(settings, make_proposal, make_assignment, make_reply, bureau, year_dates):
    """A session of 9 proposals; every figure of the tests below is counted from this table.

    No. lead    co      category key first proposer reply (grade)          feedback, worst
    P1  工信局  发改委+  经济     yes  张三 民革 (+李四) on time (A)          满意/基本满意 → 基本满意
    P2  工信局  发改委+  经济          李四 经济界     on time, on the day (B) 满意
    P3  工信局  发改委   科教          张三 民革       late (A); round 2 (A)   不满意, then 满意
    P4  工信局          科教          李四 经济界     on time (C)             —
    P5  工信局          科教     yes  张三 民革       none, overdue           —
    P6  商务局          经济          王五 (no sector) none, not yet due       —
    P7  商务局          (none)        李四 经济界     on time (no grade)      —
    M   工信局  发改委   经济          张三            merged into another
    W   工信局          经济          张三            withdrawn
    (发改委+: the co-handler gave its opinion.) STATISTICS_MIN_ITEMS is 3.
    `suffix` makes another such set with new co-handler, members and sectors.
    """
    settings.STATISTICS_MIN_ITEMS = 3
    today, due_past, due_future = year_dates

    def build(suffix: str = "") -> dict:
        commerce = Bureau.objects.create(region="焦作市", name=f"焦作市商务局{suffix}")
        reform = Bureau.objects.create(region="焦作市", name=f"焦作市发展和改革委员会{suffix}")
        zhang, li, wang = (
            Member.objects.create(
                name=name + suffix,
                body=Body.CPPCC,
                region="焦作市",
                sector=sector + suffix if sector else "",
            )
            for name, sector in (("张三", "民革"), ("李四", "经济界"), ("王五", ""))
        )

        def item(category, proposers, *, lead=bureau, due_on=due_past, **fields):
            proposal = make_proposal(category=category, proposers=proposers, **fields)
            make_assignment(proposal, due_on=due_on, bureau=lead)
            return proposal

        def feedback(proposal, member, satisfaction):
            feedback_record(
                proposal=proposal,
                member=member,
                satisfaction=satisfaction,
                source="paper",
                received_on=today,
                actor=SYSTEM,
            )

        items = {
            "P1": item("经济", [zhang, li], is_key=True),
            "P2": item("经济", [li]),
            "P3": item("科教", [zhang]),
            "P4": item("科教", [li]),
            "P5": item("科教", [zhang], is_key=True),
            "P6": item("经济", [wang], lead=commerce, due_on=due_future),
            "P7": item("", [li], lead=commerce),
            "M": item("经济", [zhang], disposition=Proposal.Disposition.MERGED),
            "W": item("经济", [zhang], disposition=Proposal.Disposition.WITHDRAWN),
        }
        for name in ("P1", "P2", "P3", "M"):
            co = make_assignment(
                items[name], due_on=due_past, bureau=reform, role=Assignment.Role.CO_HANDLER
            )
            if name in ("P1", "P2"):
                co_handler_opinion_record(assignment=co, on=due_past, actor=SYSTEM)
        make_reply(items["P1"], reply_date=due_past - timedelta(days=30), grade="A")
        make_reply(items["P2"], reply_date=due_past, grade="B")
        make_reply(items["P3"], reply_date=due_past + timedelta(days=5), grade="A")
        make_reply(items["P4"], reply_date=due_past - timedelta(days=1), grade="C")
        make_reply(items["P7"], bureau=commerce, reply_date=due_past - timedelta(days=2))
        feedback(items["P1"], zhang, SATISFIED)
        feedback(items["P1"], li, BASICALLY)
        feedback(items["P2"], li, SATISFIED)
        feedback(items["P3"], zhang, NOT_SATISFIED)
        make_reply(items["P3"], round=2, reply_date=today, grade="A")
        feedback(items["P3"], zhang, SATISFIED)
        return items

    return build


@pytest.fixture
def year(build_year):
    return build_year()


def year_report():
    return session_report(Session.objects.get(), Proposal.objects.all())


def approx(rows: list[list]) -> list[list]:
    return [[pytest.approx(v) if isinstance(v, float) else v for v in row] for row in rows]


# The hand count of `build_year`, row by row as the report's tables hold them; a rate is
# written as its division. Columns of a breakdown: name, items, replied, 办复率, on time,
# late, overdue, 按期办复率 (on time ÷ (on time + late + overdue)), A B C no-grade shares of
# the replied, answered, 反馈率 (answered ÷ replied), 满意率 and 满意和基本满意率 (÷ answered).
EXPECTED = {
    "概况": [
        ["立案", 9, None, None],  # P1–P7, M, W
        ["并案", 1, None, None],
        ["撤案", 1, None, None],
        ["不予立案", None, None, None],  # not recorded: no figure, not zero
        ["应办理", 7, None, None],  # 9 − 1 − 1
        ["已答复（办复率）", 5, 7, 5 / 7],  # P1 P2 P3 P4 P7 = 71.4%
        ["按期答复（按期办复率）", 4, 6, 4 / 6],  # P1 P2 P4 P7 ÷ (4 + late P3 + overdue P5)
        ["逾期答复", 1, None, None],
        ["超期未答复", 1, None, None],
        ["未到期未答复", 1, None, None],  # P6: in neither part of the on-time rate
        ["已答复（日期不详）", 0, None, None],
        ["未交办", 0, None, None],
        ["办理结果：A类 已解决或基本解决", 2, 5, 2 / 5],  # P1 P3 of the 5 replied
        ["办理结果：B类 正在解决或列入计划", 1, 5, 1 / 5],  # P2
        ["办理结果：C类 暂不能解决", 1, 5, 1 / 5],  # P4
        ["办理结果：未定类（无办理结果）", 1, 5, 1 / 5],  # P7; unreplied P5 P6 not counted
        ["已反馈（反馈率）", 3, 5, 3 / 5],  # P1 P2 P3 answered
        ["满意（满意率）", 2, 3, 2 / 3],  # final: P2, P3 (round 2)
        ["基本满意（基本满意率）", 1, 3, 1 / 3],  # P1: the least satisfied of two answers
        ["满意和基本满意（满意和基本满意率）", 3, 3, 3 / 3],
        ["不满意（不满意率）", 0, 3, 0 / 3],  # P3's 不满意 was round 1
    ],
    "满意度": [
        # round, replied, answered, 反馈率, 满意 基本满意 不满意, their rates and 满意+基本满意
        ["首次办理", 5, 3, 3 / 5, 1, 1, 1, 1 / 3, 1 / 3, 2 / 3, 1 / 3],
        ["最终（含重新办理）", 5, 3, 3 / 5, 2, 1, 0, 2 / 3, 1 / 3, 3 / 3, 0 / 3],
    ],
    "按主办单位": [
        # Then rank, meets the 95% target, remark. 工信局 P1–P5 (M, W left out); 商务局 P6 P7.
        [
            *("焦作市工业和信息化局", 5, 4, 4 / 5, 3, 1, 1, 3 / 5),
            *(2 / 4, 1 / 4, 1 / 4, 0 / 4),
            *(3, 3 / 4, 2 / 3, 3 / 3, 1, "未达标", ""),
        ],
        [
            *("焦作市商务局", 2, 1, 1 / 2, 1, 0, 0, 1 / 1),
            *(0 / 1, 0 / 1, 0 / 1, 1 / 1),
            *(0, 0 / 1, None, None, None, "", "样本较少，不排名"),
        ],
    ],
    "按协办单位": [
        # co-handled, opinions given, awaiting, rate. M is merged: not counted. No reply of
        # the lead bureau is credited here.
        ["焦作市发展和改革委员会", 3, 2, 1, 2 / 3, ""],
    ],
    "按界别": [
        # P1 counts for 张三's 民革 (the first proposer), not 李四's 经济界.
        [
            *("民革", 3, 2, 2 / 3, 1, 1, 1, 1 / 3),
            *(2 / 2, 0 / 2, 0 / 2, 0 / 2),
            *(2, 2 / 2, 1 / 2, 2 / 2, ""),
        ],
        [
            *("经济界", 3, 3, 3 / 3, 3, 0, 0, 3 / 3),
            *(0 / 3, 1 / 3, 1 / 3, 1 / 3),
            *(1, 1 / 3, 1 / 1, 1 / 1, ""),
        ],
        [
            *("未登记", 1, 0, 0 / 1, 0, 0, 0, None),
            *(None, None, None, None),
            *(0, None, None, None, "样本较少"),
        ],
    ],
    "按类别": [
        [
            *("科教", 3, 2, 2 / 3, 1, 1, 1, 1 / 3),
            *(1 / 2, 0 / 2, 1 / 2, 0 / 2),
            *(1, 1 / 2, 1 / 1, 1 / 1, ""),
        ],
        [
            *("经济", 3, 2, 2 / 3, 2, 0, 0, 2 / 2),
            *(1 / 2, 1 / 2, 0 / 2, 0 / 2),
            *(2, 2 / 2, 1 / 2, 2 / 2, ""),
        ],
        [
            *("未分类", 1, 1, 1 / 1, 1, 0, 0, 1 / 1),
            *(0 / 1, 0 / 1, 0 / 1, 1 / 1),
            *(0, 0 / 1, None, None, "样本较少"),
        ],
    ],
    "重点提案": [
        # 重点 P1 P5; the others P2 P3 P4 P6 P7.
        [
            *("重点提案", 2, 1, 1 / 2, 1, 0, 1, 1 / 2),
            *(1 / 1, 0 / 1, 0 / 1, 0 / 1),
            *(1, 1 / 1, 0 / 1, 1 / 1, "样本较少"),
        ],
        [
            *("其他提案", 5, 4, 4 / 5, 3, 1, 0, 3 / 4),
            *(1 / 4, 1 / 4, 1 / 4, 1 / 4),
            *(2, 2 / 4, 2 / 2, 2 / 2, ""),
        ],
    ],
}
MEDIAN_ROW = "答复用时中位数（天）"


def hand_median(due_past: date) -> int:
    # Every item was assigned 3 months before `due_past`, D days before it; replied after
    # D − 30 (P1), D (P2), D + 5 (P3), D − 1 (P4), D − 2 (P7): the median is D − 1.
    return (due_past - add_months(due_past, -3)).days - 1


def without_definitions(table) -> list[list]:
    """A table's rows as EXPECTED holds them: the overview without its 口径 column and its
    median row (the median depends on month lengths, see hand_median)."""
    if table.title != "概况":
        return table.rows
    return [row[:4] for row in table.rows if row[0] != MEDIAN_ROW]


def test_every_figure_of_the_report_is_the_hand_count(year, year_dates):
    result = year_report()
    assert [table.title for table in result.tables] == list(EXPECTED)
    for table in result.tables:
        assert without_definitions(table) == approx(EXPECTED[table.title]), table.title
    median_row = next(row for row in result.overview.rows if row[0] == MEDIAN_ROW)
    assert median_row[1] == hand_median(year_dates[1])


def test_a_co_handler_is_not_ranked_or_credited_as_a_lead(year):
    result = year_report()
    assert "焦作市发展和改革委员会" not in [tally.name for tally in result.by_bureau]


class PageTables(HTMLParser):
    """The text of each table body on a page, by the heading above it."""

    def __init__(self):
        super().__init__()
        self.tables, self.heading, self.cell, self.in_heading = {}, None, None, False

    def handle_starttag(self, tag, attrs):
        if tag == "h2":
            self.heading, self.in_heading = "", True
        elif tag == "tbody":
            self.tables[self.heading] = []
        elif tag == "tr" and self.heading in self.tables:
            self.tables[self.heading].append([])
        elif tag == "td":
            self.cell = ""

    def handle_endtag(self, tag):
        if tag == "h2":
            self.in_heading = False
        elif tag == "td" and self.heading in self.tables:
            self.tables[self.heading][-1].append(self.cell.strip())
            self.cell = None

    def handle_data(self, data):
        if self.cell is not None:
            self.cell += data
        elif self.in_heading:
            self.heading += data.strip()


def page_tables(html: str) -> dict[str, list[list[str]]]:
    parser = PageTables()
    parser.feed(html)
    return parser.tables


def test_the_page_shows_the_hand_count(clerk, year):
    html = clerk.get(reverse("statistics")).content.decode()
    tables = page_tables(html)
    result = year_report()
    for table in result.tables:
        assert tables[table.title] == [[text for text, _ in row] for row in table.shown_rows]
    overview = {row[0]: row[1:4] for row in tables["概况"]}
    assert overview["已答复（办复率）"] == ["5", "7", "71.4%"]
    assert overview["按期答复（按期办复率）"] == ["4", "6", "66.7%"]
    assert overview["已反馈（反馈率）"] == ["3", "5", "60.0%"]
    assert overview["满意（满意率）"] == ["2", "3", "66.7%"]
    assert overview["不予立案"] == ["—", "—", "—"]
    lead = {row[0]: row for row in tables["按主办单位"]}
    assert lead["焦作市商务局"][-1] == "样本较少，不排名"
    assert "未反馈" not in html  # no longer a share of every item


def test_the_workbook_holds_the_hand_count_as_numbers(clerk, year, year_dates):
    response = clerk.get(reverse("statistics"), {"format": "xlsx"})
    workbook = load_workbook(BytesIO(response.content))
    assert workbook.sheetnames == list(EXPECTED)
    today = year_dates[0]
    for title, expected in EXPECTED.items():
        sheet = workbook[title]
        assert sheet["A1"].value.startswith("焦作市政协十四届五次会议办理情况统计")
        assert f"统计日期 {today.year}年{today.month}月{today.day}日" in sheet["A1"].value
        assert sheet["A1"].value.endswith(f"·{title}")
        assert all(cell.font.bold for cell in sheet[2])
        assert sheet.freeze_panes == "A3"
        rows = list(sheet.iter_rows(min_row=3, values_only=True))
        last_column = sheet.cell(row=2, column=sheet.max_column).column_letter
        assert sheet.auto_filter.ref == f"A2:{last_column}{len(rows) + 2}"
        if title == "概况":
            rows = [list(row[:4]) for row in rows if row[0] != MEDIAN_ROW]
        # An empty text is an empty cell.
        expected = [[None if value == "" else value for value in row] for row in expected]
        assert [list(row) for row in rows] == approx(expected), title
    overview = workbook["概况"]
    reply_rate = next(
        row for row in overview.iter_rows(min_row=3) if row[0].value.startswith("已答复")
    )
    assert reply_rate[3].value == pytest.approx(5 / 7) and reply_rate[3].number_format == "0.0%"
    assert reply_rate[1].value == 5 and reply_rate[1].number_format == "General"
    lead = workbook["按主办单位"]
    headers = [cell.value for cell in lead[2]]
    on_time_rate = lead.cell(row=3, column=headers.index("按期办复率") + 1)
    assert (on_time_rate.value, on_time_rate.number_format) == (pytest.approx(3 / 5), "0.0%")
    # As wide as 焦作市工业和信息化局 (10 Chinese characters count 2 each) and a margin.
    assert lead.column_dimensions["A"].width == 22


def test_the_report_runs_the_same_queries_however_many_proposals(clerk, build_year):
    def queries(**query) -> int:
        with CaptureQueriesContext(connection) as captured:
            assert clerk.get(reverse("statistics"), query).status_code == 200
        return len(captured)

    build_year()
    few = (queries(), queries(format="xlsx"))
    build_year("乙")
    build_year("丙")
    assert (queries(), queries(format="xlsx")) == few


def test_an_npc_session_is_broken_down_by_delegation(make_proposal, make_assignment):
    session = Session.objects.create(body=Body.NPC, region="焦作市", term=15, meeting=3)
    deputy = Member.objects.create(name="赵六", body=Body.NPC, delegation="解放区代表团")
    make_assignment(make_proposal(session=session, proposers=[deputy]), due_on=DUE_FUTURE)
    result = session_report(session, Proposal.objects.all(), today=TODAY)
    assert result.sector_table.title == "按代表团"
    assert [tally.name for tally in result.by_sector] == ["解放区代表团"]
    assert [tally.name for tally in result.by_key] == ["重点建议", "其他建议"]
