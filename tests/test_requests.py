"""What bureaus ask (extensions, returns) and what clerks decide, through the workbench as a
browser uses it: the request form, the queues, the confirmation pages and their messages."""

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from proposals.access import SYSTEM
from proposals.models import Bureau, ExtensionRequest, Proposal, ReturnRequest
from proposals.services import (
    assignment_create,
    extension_request_create,
    feedback_record,
    proposals_assign,
    return_decide,
    return_request_create,
)
from tests.test_admin_forms import form_data

TODAY = timezone.localdate()
EXTENSIONS = "admin:proposals_extensionrequest_changelist"
RETURNS = "admin:proposals_returnrequest_changelist"
TITLE = "关于加强科技创新促进企业发展的提案"


@pytest.fixture
def commerce(db):
    return Bureau.objects.create(region="焦作市", name="焦作市商务局")


def assign(proposal, bureau, *, days_ago: int, role="lead"):
    return assignment_create(
        proposal=proposal,
        bureau=bureau,
        role=role,
        assigned_on=TODAY - timedelta(days=days_ago),
        actor=SYSTEM,
    )


@pytest.fixture
def overdue(make_proposal, bureau):
    """第252号, assigned to 工信局 long enough ago that its due date has passed."""
    assignment = assign(make_proposal(number=252), bureau, days_ago=100)
    assert assignment.due_on < TODAY
    return assignment


@pytest.fixture
def current(make_proposal, bureau):
    """第253号, assigned to 工信局 ten days ago: well within its due date."""
    return assign(make_proposal(number=253, title="关于发展夜间经济的提案"), bureau, days_ago=10)


def ask_extension(assignment, *, days: int = 20, requested_on=TODAY):
    return extension_request_create(
        assignment=assignment,
        requested_due_on=assignment.due_on + timedelta(days=days),
        reason="需征求省有关部门意见",
        actor=SYSTEM,
        today=requested_on,
    )


def act(client, url_name, action, objects, **form):
    data = {"action": action, "_selected_action": [o.pk for o in objects], **form}
    return client.post(reverse(url_name), data, follow=True)


def choices(response) -> dict[str, str]:
    field = response.context["adminform"].form.fields["assignment"]
    return {str(value): label for value, label in field.choices if value}


def test_each_assignment_choice_names_its_proposal(clerk, overdue, current):
    offered = choices(clerk.get(reverse("admin:proposals_extensionrequest_add")))
    assert offered == {
        str(overdue.pk): f"第252号 {TITLE} — 焦作市工业和信息化局（主办）",
        str(current.pk): "第253号 关于发展夜间经济的提案 — 焦作市工业和信息化局（主办）",
    }


def test_an_officer_is_offered_only_their_bureaus_standing_assignments(
    officer, clerk_user, client, make_proposal, bureau, commerce, overdue
):
    # 商务局 co-handles 第252号 (which the officer therefore sees); 第254号 was handed back.
    co_handled = assign(overdue.proposal, commerce, days_ago=100, role="co")
    returned = assign(make_proposal(number=254), bureau, days_ago=5)
    request = return_request_create(
        assignment=returned, reason="不属于本单位", actor=SYSTEM, today=TODAY
    )
    return_decide(request=request, approve=True, actor=SYSTEM, today=TODAY)
    for url_name in ("extensionrequest_add", "returnrequest_add"):
        offered = choices(officer.get(reverse(f"admin:proposals_{url_name}")))
        assert set(offered) == {str(overdue.pk)}
    client.force_login(clerk_user)
    offered = choices(client.get(reverse("admin:proposals_extensionrequest_add")))
    assert set(offered) == {str(overdue.pk), str(co_handled.pk)}


def test_a_link_with_an_assignment_preselects_it_and_the_request_is_filed(
    officer, overdue, current
):
    url = reverse("admin:proposals_extensionrequest_add")
    data = form_data(officer.get(url, {"assignment": current.pk}))
    assert data["assignment"] == str(current.pk)
    data.update(
        {
            "requested_due_on": (current.due_on + timedelta(days=30)).isoformat(),
            "reason": "需征求意见",
        }
    )
    assert officer.post(f"{url}?assignment={current.pk}", data).status_code == 302
    assert ExtensionRequest.objects.get().assignment == current


def test_the_extension_queue_shows_what_a_clerk_decides_on(clerk, overdue):
    ask_extension(overdue, requested_on=TODAY - timedelta(days=3))
    page = clerk.get(reverse(EXTENSIONS)).content.decode()
    for header in ("编号", "案由", "承办单位", "原期限", "申请延至", "理由", "已等待", "状态"):
        assert f">{header}<" in page or f">{header}</a>" in page, header
    assert "第252号" in page and TITLE in page and "焦作市工业和信息化局（主办）" in page
    assert f"{overdue.due_on:%Y-%m-%d}（已超期）" in page
    assert "需征求省有关部门意见" in page and "3 天" in page
    assert "待审批（逾期延期）" in page


def queue_queries(client, url_name) -> int:
    with CaptureQueriesContext(connection) as captured:
        assert client.get(reverse(url_name)).status_code == 200
    return len(captured)


def test_the_queues_run_the_same_queries_for_few_or_many_requests(
    clerk, make_proposal, bureau, commerce
):
    def fill(start: int, count: int):
        for number in range(start, start + count):
            assignment = assign(make_proposal(number=number), bureau, days_ago=5)
            ask_extension(assignment)
            request = return_request_create(
                assignment=assignment, reason="不属于本单位", actor=SYSTEM, today=TODAY
            )
            if number % 2:  # decided and handed on: the 改交 column shows the new bureau
                return_decide(
                    request=request, approve=True, actor=SYSTEM, today=TODAY, reassign_to=commerce
                )

    fill(1, 2)
    few = queue_queries(clerk, EXTENSIONS), queue_queries(clerk, RETURNS)
    fill(100, 12)
    assert (queue_queries(clerk, EXTENSIONS), queue_queries(clerk, RETURNS)) == few == (7, 7)


def test_approving_shows_each_request_with_its_warnings_before_anything_changes(
    clerk, overdue, current
):
    late, timely = ask_extension(overdue), ask_extension(current)
    page = act(clerk, EXTENSIONS, "approve", [late, timely]).content.decode()
    assert f"第252号 {TITLE} — 焦作市工业和信息化局（主办）" in page
    assert f"原期限 {overdue.due_on:%Y-%m-%d}" in page
    assert f"申请延至 {late.requested_due_on:%Y-%m-%d}" in page
    assert "理由：需征求省有关部门意见" in page and "已等待 0 天" in page
    days = (TODAY - overdue.due_on).days
    assert f"已超期 {days} 天" in page and "逾期延期" in page
    assert "其中 1 项需要注意" in page and "审批意见" in page
    assert ExtensionRequest.objects.filter(status="pending").count() == 2


def test_approving_says_what_happens_next(clerk, current):
    request = ask_extension(current)
    page = act(clerk, EXTENSIONS, "approve", [request], apply="1", note="").content.decode()
    assert (
        f"【第253号 关于发展夜间经济的提案】已批准：答复期限延至{request.requested_due_on:%Y-%m-%d}，"
        "承办单位将在首页看到新的期限。"
    ) in page
    current.refresh_from_db()
    assert current.due_on == request.requested_due_on


def test_a_late_extension_is_approved_only_with_a_reason_and_says_it_still_counts_late(
    clerk, overdue
):
    request = ask_extension(overdue)
    page = act(clerk, EXTENSIONS, "approve", [request], apply="1", note="").content.decode()
    assert "逾期后的延期：批准须写明理由" in page
    request.refresh_from_db()
    assert request.status == "pending"
    page = act(clerk, EXTENSIONS, "approve", [request], apply="1", note="汛期").content.decode()
    assert "统计仍按原期限计为未按期" in page
    request.refresh_from_db()
    assert (request.status, request.decision_note) == ("approved", "汛期")


def test_a_refusal_needs_a_note_which_is_recorded_and_says_what_next(clerk, overdue):
    request = ask_extension(overdue)
    page = act(clerk, EXTENSIONS, "refuse", [request]).content.decode()
    assert "必填：写明为什么不批准" in page
    page = act(clerk, EXTENSIONS, "refuse", [request], apply="1", note=" ").content.decode()
    assert "不批准须写明审批意见" in page
    request.refresh_from_db()
    assert request.status == "pending"
    note = "材料齐全，请按原期限答复"
    page = act(clerk, EXTENSIONS, "refuse", [request], apply="1", note=note).content.decode()
    assert f"未批准：原期限{overdue.due_on:%Y-%m-%d}不变，已超期的将继续出现在催办清单中。" in page
    request.refresh_from_db()
    assert (request.status, request.decision_note, request.decided_by.username) == (
        "refused",
        note,
        "clerk",
    )


def test_deciding_returns_says_who_holds_the_proposal_now(clerk, current, commerce):
    request = return_request_create(
        assignment=current, reason="不属于本单位", actor=SYSTEM, today=TODAY
    )
    page = act(clerk, RETURNS, "refuse", [request], apply="1", note="属于本单位职责").content
    assert (
        f"未批准退回：焦作市工业和信息化局继续承办，答复期限{current.due_on:%Y-%m-%d}不变。"
        in page.decode()
    )
    request = return_request_create(
        assignment=current, reason="确不属于本单位", actor=SYSTEM, today=TODAY
    )
    page = act(clerk, RETURNS, "approve", [request], apply="1", reassign_to=commerce.pk, note="")
    new = ReturnRequest.objects.get(pk=request.pk).reassigned_to
    assert (
        f"已批准退回：焦作市工业和信息化局不再承办此件。已改交焦作市商务局，"
        f"答复期限为{new.due_on:%Y-%m-%d}。" in page.content.decode()
    )


def test_closing_lists_the_proposals_still_awaiting_feedback(
    clerk, make_proposal, make_reply, member, bureau
):
    rated, waiting, silent = (make_proposal(number=n, proposers=[member]) for n in (301, 302, 303))
    proposals_assign(
        proposals=[rated, waiting, silent], lead=bureau, assigned_on=TODAY, actor=SYSTEM
    )
    for proposal in (rated, waiting):
        make_reply(proposal)
    feedback_record(
        proposal=rated,
        member=member,
        satisfaction="satisfied",
        source="paper",
        received_on=TODAY,
        actor=SYSTEM,
    )
    url = reverse("admin:proposals_proposal_changelist") + "?attention=all"
    data = {"action": "close", "_selected_action": [rated.pk, waiting.pk, silent.pk]}
    page = clerk.post(url, data).content.decode()
    assert "办结所选提案：已选 3 项" in page
    rows = page.split("<li>")
    row = next(r for r in rows if "第302号" in r)
    assert "缺少反馈：尚未收到委员/代表对第1轮答复的反馈" in row
    assert "缺少反馈" not in next(r for r in rows if "第301号" in r)
    assert "尚未答复，不能办结" in next(r for r in rows if "第303号" in r)
    assert not Proposal.objects.filter(closed_on__isnull=False).exists()
    page = clerk.post(url, {**data, "apply": "1"}, follow=True).content.decode()
    assert "已处理 2 项" in page
    assert set(Proposal.objects.filter(closed_on__isnull=False)) == {rated, waiting}


def test_an_officer_is_offered_reply_extension_and_return_for_its_own_assignments(
    officer, clerk_user, client, overdue, commerce
):
    theirs = assign(overdue.proposal, commerce, days_ago=100, role="co")
    links = (
        f'{reverse("admin:proposals_reply_add")}?proposal={overdue.proposal_id}">答复',
        f'{reverse("admin:proposals_extensionrequest_add")}?assignment={overdue.pk}">申请延期',
        f'{reverse("admin:proposals_returnrequest_add")}?assignment={overdue.pk}">申请退回',
    )
    page = officer.get(reverse("admin:proposals_assignment_changelist")).content.decode()
    assert all(link in page for link in links)
    assert f"?assignment={theirs.pk}" not in page
    page = officer.get(
        reverse("admin:proposals_assignment_change", args=[overdue.pk])
    ).content.decode()
    assert all(link in page for link in links)
    client.force_login(clerk_user)
    page = client.get(reverse("admin:proposals_assignment_changelist")).content.decode()
    assert "申请延期" not in page
