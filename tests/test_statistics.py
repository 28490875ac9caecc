"""The session report: timeliness, grades, satisfaction, denominators, bureaus and its downloads."""

from datetime import date, timedelta
from io import BytesIO

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from proposals.access import SYSTEM
from proposals.models import Bureau, Feedback, Member, Proposal
from proposals.roles import Role, login_ensure
from proposals.services import extension_grant, feedback_record, proposal_save
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
    assert result.excluded == [("并案", 1), ("撤案", 1)]


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


def test_the_grade_distribution_shows_no_grade_and_zero_counts(session_items):
    rows = {code: (count, share) for code, _, count, share in report().grade_rows}
    assert rows["A"] == (2, pytest.approx(2 / 8))
    assert rows["B"][0] == 1 and rows["C"][0] == 1
    assert rows[""] == (4, pytest.approx(4 / 8))


def test_median_days_to_reply_counts_from_assignment(session_items):
    # Assigned three months (89 days) before the due date; replied after 59, 89, 94 and 29
    # days (main bureau) and 89 (small bureau).
    assert report().overall.median_days == 89


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
    result = report()
    assert result.satisfaction_first == {BASICALLY: 1, NOT_SATISFIED: 1, "": 6}
    assert result.satisfaction_final == {BASICALLY: 1, SATISFIED: 1, "": 6}


@pytest.fixture
def clerk(client, db):
    client.force_login(login_ensure(username="clerk", password="x", role=Role.CLERK))
    return client


def test_the_report_page_shows_figures_charts_and_a_target_from_the_url(clerk, session_items):
    page = clerk.get(reverse("statistics"), {"target": "60"})
    html = page.content.decode()
    assert page.context["report"].target == 0.6
    assert html.count("<svg") == 2
    assert "未定类（无办理结果）" in html and "件数过少，不排名" in html
    assert "另有并案 1 件，不计入分母" in html


def test_an_invalid_target_is_explained_and_the_default_used(clerk, session_items, settings):
    page = clerk.get(reverse("statistics"), {"target": "abc"})
    assert page.status_code == 200
    assert "输入整数" in page.content.decode()
    assert page.context["report"].target == settings.STATISTICS_ON_TIME_TARGET


def test_the_report_downloads_as_a_workbook(clerk, session_items):
    response = clerk.get(reverse("statistics"), {"format": "xlsx"})
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    workbook = load_workbook(BytesIO(response.content))
    assert workbook.sheetnames == ["概况", "按承办单位", "按类别"]
    overview = {row[0]: row[1] for row in workbook["概况"].iter_rows(values_only=True)}
    assert overview["计入统计（件）"] == 8
    assert overview["不计入：并案（件）"] == 1
    bureau_rows = list(workbook["按承办单位"].iter_rows(values_only=True))
    assert bureau_rows[-1][-2] == "件数过少，不排名"


def test_anonymous_visitors_are_sent_to_sign_in(client, session_items):
    response = client.get(reverse("statistics"))
    assert response.status_code == 302 and "/admin/login/" in response["Location"]


def test_a_bureau_officer_sees_the_report_of_their_own_items(client, session_items, small_bureau):
    officer = login_ensure(username="qx", password="x", role=Role.BUREAU, bureau=small_bureau)
    client.force_login(officer)
    page = client.get(reverse("statistics"))
    assert page.context["report"].overall.total == 1
