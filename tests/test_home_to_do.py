"""Each reader's home page is a to-do list whose every count equals the list it links to."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from proposals.access import SYSTEM
from proposals.models import Feedback, HeldLetter, Proposal
from proposals.services import (
    extension_request_create,
    feedback_record,
    proposal_save,
    proposals_assign,
)

TODAY = timezone.localdate()


@pytest.fixture
def day(make_proposal, make_reply, bureau, member, officer_user):
    """A session with one item in each of a clerk's queues."""
    to_assign = make_proposal(title="待交办的", proposers=[member])
    late, waiting, dissatisfied = (
        make_proposal(title=title, proposers=[member])
        for title in ("超期的", "未到期的", "不满意的")
    )
    key = make_proposal(title="重点的", proposers=[member])
    key.is_key = True
    proposal_save(proposal=key, actor=SYSTEM)
    proposals_assign(
        proposals=[late, key], lead=bureau, assigned_on=TODAY - timedelta(days=120), actor=SYSTEM
    )
    proposals_assign(
        proposals=[waiting, dissatisfied],
        lead=bureau,
        assigned_on=TODAY - timedelta(days=10),
        actor=SYSTEM,
    )
    make_reply(dissatisfied, grade="B")
    feedback_record(
        proposal=dissatisfied,
        member=member,
        satisfaction=Feedback.Satisfaction.NOT_SATISFIED,
        source=Feedback.Source.PAPER,
        received_on=TODAY,
        actor=SYSTEM,
    )
    assignment = waiting.assignments.get()
    extension_request_create(
        assignment=assignment,
        requested_due_on=TODAY + timedelta(days=120),
        reason="需要调研",
        today=TODAY,
        actor=officer_user,
    )
    HeldLetter.objects.create(
        source_name="无编号.txt", source_sha256="0" * 64, text="……", reason="待补全"
    )
    return {"to_assign": to_assign, "late": late, "waiting": waiting, "dissatisfied": dissatisfied}


def counts_match_their_lists(client, tasks) -> None:
    for task in tasks:
        page = client.get(task.url)
        assert page.status_code == 200, task.url
        listed = (
            page.context["paginator"].count
            if "paginator" in page.context and page.context["paginator"] is not None
            else page.context["cl"].result_count
        )
        assert listed == task.count, task.label


def test_a_clerks_home_lists_each_queue_with_the_count_of_its_list(clerk, day):
    to_do = clerk.get(reverse("home")).context["to_do"]
    counts = {task.label: task.count for task in to_do["tasks"]}
    assert counts == {
        "待交办": 1,
        "待审批的延期申请": 1,
        "待审批的退回申请": 0,
        "待审核答复": 0,
        "待补全来函": 1,
        "不满意，重新办理中": 1,
        "待办结": 0,
        "已超期": 2,
    }
    counts_match_their_lists(clerk, to_do["tasks"])
    assert [(b.name, b.count) for b in to_do["overdue_bureaus"]] == [("焦作市工业和信息化局", 2)]
    counts_match_their_lists(clerk, to_do["overdue_bureaus"])


def test_a_request_says_how_long_it_has_waited(clerk, day):
    request = day["waiting"].assignments.get().extension_requests.get()
    request.requested_on = TODAY - timedelta(days=4)
    request.save()
    tasks = {t.label: t for t in clerk.get(reverse("home")).context["to_do"]["tasks"]}
    assert tasks["待审批的延期申请"].note == "最早的已等 4 天"


def test_a_bureau_officers_home_lists_its_items_by_deadline_with_its_actions(officer, day):
    page = officer.get(reverse("home"))
    to_do = page.context["to_do"]
    assert {t.label: t.count for t in to_do["tasks"]} == {
        "待答复": 3,
        "待提出协办意见": 0,
        "待重新办理": 1,
    }
    counts_match_their_lists(officer, to_do["tasks"])
    items = to_do["items"]
    assert [item.proposal.title for item in items][:2] == ["超期的", "重点的"]
    assert items[0].days_overdue > 0
    html = page.content.decode()
    assert f"已超期 {items[0].days_overdue} 天" in html
    assignment = items[0].proposal.assignments.get()
    assert f"?assignment={assignment.pk}" in html and "申请延期" in html


def test_a_leaders_home_watches_key_items_and_overdue_bureaus(client, viewer_user, day):
    client.force_login(viewer_user)
    to_do = client.get(reverse("home")).context["to_do"]
    assert [(t.label, t.count) for t in to_do["tasks"]] == [
        ("重点提案", 1),
        ("其中已答复", 0),
        ("其中已超期", 1),
    ]
    counts_match_their_lists(client, to_do["tasks"])


def test_a_leaders_home_heads_with_the_sessions_rates_as_the_statistics_give_them(
    client, viewer_user, day
):
    # Five filed: one replied (its letter undated, so outside the on-time rate), two overdue,
    # one waiting, one unassigned; the replied one's proposer answered 不满意.
    client.force_login(viewer_user)
    assert client.get(reverse("home")).context["to_do"]["rates"] == [
        ("办复率", "20.0%", "已答复 1/5 件"),
        ("按期办复率", "0.0%", "按期 0/2 件"),
        ("满意和基本满意率", "0.0%", "已反馈 1 件，反馈率 100.0%"),
    ]
    overview = client.get(reverse("statistics")).context["report"].overview
    shown = {row[0][0]: row[3][0] for row in overview.shown_rows}
    assert shown["已答复（办复率）"] == "20.0%" and shown["按期答复（按期办复率）"] == "0.0%"


def test_the_public_home_has_no_to_do_list(client, day):
    assert client.get(reverse("home")).context["to_do"] == {}


def test_the_home_page_reads_a_constant_number_of_queries(
    clerk, day, make_proposal, django_assert_max_num_queries
):
    with django_assert_max_num_queries(20):
        clerk.get(reverse("home"))
    for _ in range(5):
        make_proposal(title="又一件")
    assert Proposal.objects.count() == 10
    with django_assert_max_num_queries(20):
        clerk.get(reverse("home"))
