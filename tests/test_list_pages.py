"""The proposal list's filter chips and columns, and the detail page's status and actions, as
each kind of reader sees them."""

from datetime import timedelta

import pytest
from django.http import QueryDict
from django.urls import reverse
from django.utils import timezone

from proposals.access import SYSTEM
from proposals.models import Assignment, Bureau, Feedback, Proposal
from proposals.roles import Role, login_ensure
from proposals.services import assignment_create, feedback_record, proposals_assign

TODAY = timezone.localdate()


@pytest.fixture
def desk(make_proposal, make_reply, bureau, member):
    """One proposal at each of a clerk's and a bureau's turns: to assign, overdue with the
    lead, due later with the lead, a reply to review, one to close, and a published one being
    re-handled past its due date."""
    member.phone = "13812345678"
    member.save()
    items = {
        name: make_proposal(title=title, proposers=[member])
        for name, title in [
            ("waiting", "等着"),
            ("late", "迟了"),
            ("later", "还早"),
            ("flagged", "待审"),
            ("done", "待结"),
            ("again", "重办"),
        ]
    }
    for name, days_ago in [("late", 120), ("later", 30), ("flagged", 30), ("done", 30)]:
        proposals_assign(
            proposals=[items[name]],
            lead=bureau,
            assigned_on=TODAY - timedelta(days=days_ago),
            actor=SYSTEM,
        )
    proposals_assign(
        proposals=[items["again"]], lead=bureau, assigned_on=TODAY - timedelta(200), actor=SYSTEM
    )
    make_reply(items["flagged"], needs_review=True)
    make_reply(items["done"])
    make_reply(items["again"], published_on=TODAY - timedelta(100))
    for name, satisfaction, days_ago in [("done", "satisfied", 1), ("again", "not_satisfied", 90)]:
        feedback_record(
            proposal=items[name],
            member=member,
            satisfaction=satisfaction,
            source=Feedback.Source.PAPER,
            received_on=TODAY - timedelta(days=days_ago),
            actor=SYSTEM,
        )
    return {name: Proposal.objects.get(pk=p.pk) for name, p in items.items()}


def chips(client, query: dict) -> list[tuple[str, dict]]:
    """The chips of the list filtered by `query`: each chip's text and the query without it."""
    response = client.get(reverse("proposal-list"), query)
    assert response.status_code == 200
    return [(chip.text, QueryDict(chip.query).dict()) for chip in response.context["filter"].chips]


# The filter chips.


def test_each_chip_reads_the_value_as_the_reader_chose_it(clerk, session, bureau):
    query = {
        "session": session.pk,
        "bureau": bureau.pk,
        "status": "assigned",
        "overdue": "yes",
        "is_key": "no",
        "filed_after": "2026-01-01",
        "due_before": "2026-06-30",
        "order": "-due",
    }
    texts = [text for text, _ in chips(clerk, query)]
    assert texts == [
        "会议：焦作市政协十四届五次会议",
        "承办单位（主办或协办）：焦作市工业和信息化局",
        "办理状态：办理中",
        "已超期：是",
        "重点提案：否",
        "立案日期：2026-01-01 至 …",
        "主办答复期限：… 至 2026-06-30",
        "排序：答复期限（降序）",
    ]
    page = clerk.get(reverse("proposal-list"), query).content.decode()
    assert all(f"{text} ✕" in page for text in texts)


def test_removing_a_chip_removes_every_parameter_of_its_filter_and_the_page(clerk, desk):
    query = {
        "filed_after": "2026-01-01",
        "filed_before": "2026-03-31",
        "turn": "assign",
        "turn_bureau": "",
        "page": "1",
    }
    (turn, turn_without), (filed, filed_without) = chips(clerk, query)
    assert turn == "轮到：提案委：交办"
    assert turn_without == {
        "filed_after": "2026-01-01",
        "filed_before": "2026-03-31",
        "turn_bureau": "",
    }
    assert filed == "立案日期：2026-01-01 至 2026-03-31"
    assert filed_without == {"turn": "assign", "turn_bureau": ""}
    # Following the link leaves no trace of the removed filter.
    assert [text for text, _ in chips(clerk, filed_without)] == [turn]


def test_no_chips_for_an_unfiltered_or_invalid_list(clerk, desk):
    assert chips(clerk, {}) == []
    assert chips(clerk, {"status": "nonsense", "overdue": "yes"}) == []


def test_yes_no_filters_offer_all_yes_and_no_and_every_filter_reads_chinese(clerk, desk):
    response = clerk.get(reverse("proposal-list"))
    form = response.context["filter"].form
    for name in ("replied", "overdue", "due_soon", "is_key"):
        assert list(form.fields[name].choices) == [("", "全部"), ("yes", "是"), ("no", "否")]
    assert ("", "全部") in form.fields["status"].choices
    assert list(form.fields["order"].choices)[:3] == [
        ("", "默认顺序"),
        ("number", "编号（升序）"),
        ("-number", "编号（降序）"),
    ]
    page = response.content.decode()
    assert "descending" not in page and "---------" not in page


# The list's columns.


def test_staff_see_the_lead_bureau_whose_turn_and_how_long_is_left(clerk, desk, bureau):
    later = desk["later"]
    days_left = (later.pending_due_date - TODAY).days
    late = desk["late"]
    page = clerk.get(reverse("proposal-list")).content.decode()
    assert '<th scope="col">轮到</th>' in page and '<th scope="col">期限</th>' in page
    assert bureau.name in page
    assert f"{late.pending_due_date}（已超期 {late.days_overdue()} 天）" in page
    assert f"{later.pending_due_date}（还有 {days_left} 天）" in page
    assert "提案委：交办" in page and "提案委：审核答复" in page


def test_the_public_sees_the_lead_bureau_but_not_whose_turn_nor_overdue(client, desk, bureau):
    again = desk["again"]
    assert again.days_overdue() > 0 and again.current_turn == "rehandling"
    response = client.get(reverse("proposal-list"))
    assert [p.title for p in response.context["object_list"]] == ["重办"]
    page = response.content.decode()
    assert bureau.name in page and "答复期限" in page
    assert "轮到" not in page and "重新办理" not in page and "超期" not in page


def test_the_public_gets_no_staff_filter_not_even_the_member_number(client, clerk_user, desk):
    public = client.get(reverse("proposal-list"), {"member": 1, "overdue": "yes"})
    assert "提出人编号" not in public.content.decode()
    assert public.context["filter"].chips == []
    # Nor a sort by the deadline of whoever's turn it is.
    sorts = [value for value, _ in public.context["filter"].form.fields["order"].choices]
    assert sorts == ["", "number", "-number", "due", "-due", "filed", "-filed"]
    client.force_login(clerk_user)
    assert "提出人编号" in client.get(reverse("proposal-list")).content.decode()


# The detail page.


def actions(client, proposal) -> list[tuple[str, str]]:
    response = client.get(reverse("proposal-detail", args=[proposal.pk]))
    assert response.status_code == 200
    return [(action.label, action.url) for action in response.context["actions"]]


def test_a_clerk_is_offered_the_step_the_turn_asks_of_the_clerks(clerk, desk):
    waiting, flagged, done = desk["waiting"], desk["flagged"], desk["done"]
    assert actions(clerk, waiting) == [
        ("交办", f"/admin/proposals/assignment/add/?proposal={waiting.pk}")
    ]
    assert actions(clerk, flagged) == [
        (
            "审核答复",
            f"/admin/proposals/reply/?proposal__id__exact={flagged.pk}&needs_review__exact=1",
        )
    ]
    assert actions(clerk, done) == [
        ("办结", f"/admin/proposals/proposal/?attention=all&id__exact={done.pk}")
    ]
    assert actions(clerk, desk["late"]) == []
    for name in ("waiting", "flagged", "done"):
        [(label, url)] = actions(clerk, desk[name])
        page = clerk.get(url)
        assert page.status_code == 200, url
        assert (
            f'<a href="{url.replace("&", "&amp;")}">{label}</a>'
            in clerk.get(reverse("proposal-detail", args=[desk[name].pk])).content.decode()
        )
    # The workbench opens on exactly that proposal's flagged reply, and that proposal.
    reviewed = clerk.get(actions(clerk, flagged)[0][1]).context["cl"].result_list
    assert [reply.proposal_id for reply in reviewed] == [flagged.pk]
    closing = clerk.get(actions(clerk, done)[0][1]).context["cl"].result_list
    assert [proposal.pk for proposal in closing] == [done.pk]


def test_the_officer_whose_turn_it_is_may_answer_or_ask_for_time_or_hand_it_back(officer, desk):
    late = desk["late"]
    assignment = late.assignments.get()
    assert actions(officer, late) == [
        ("答复", f"/admin/proposals/reply/add/?proposal={late.pk}"),
        ("申请延期", f"/admin/proposals/extensionrequest/add/?assignment={assignment.pk}"),
        ("申请退回", f"/admin/proposals/returnrequest/add/?assignment={assignment.pk}"),
    ]
    for _, url in actions(officer, late):
        assert officer.get(url).status_code == 200, url
    # The clerk's turn, or the proposers': nothing for the bureau to do.
    assert actions(officer, desk["flagged"]) == []
    assert actions(officer, desk["done"]) == []


def test_a_co_handler_acts_only_while_the_turn_is_its_own(client, desk, bureau, officer_user):
    late = desk["late"]
    other = Bureau.objects.create(region="焦作市", name="焦作市商务局")
    assignment_create(
        proposal=late,
        bureau=other,
        role=Assignment.Role.CO_HANDLER,
        assigned_on=TODAY,
        actor=SYSTEM,
    )
    co_handler = login_ensure(username="shangwu", password="x", role=Role.BUREAU, bureau=other)
    client.force_login(co_handler)
    held = late.assignments.get(bureau=other)
    assert [label for label, _ in actions(client, late)] == ["申请延期", "申请退回"]
    assert f"?assignment={held.pk}" in actions(client, late)[0][1]
    client.force_login(officer_user)
    assert actions(client, late) == []


def test_viewers_and_the_public_are_offered_nothing(client, desk):
    viewer = login_ensure(username="leader", password="x", role=Role.VIEWER)
    assert actions(client, desk["again"]) == []
    client.force_login(viewer)
    assert [actions(client, desk[name]) for name in ("waiting", "late", "done")] == [[], [], []]


def test_the_detail_page_shows_staff_the_due_date_the_turn_and_the_proposers_phone(clerk, desk):
    late = desk["late"]
    page = clerk.get(reverse("proposal-detail", args=[late.pk])).content.decode()
    assert f"已超期 {late.days_overdue()} 天" in page
    assert "现在轮到：主办单位：答复（焦作市工业和信息化局）" in page
    assert "张素平（13812345678）" in page


def test_the_public_detail_page_hides_the_turn_the_due_date_and_phone_numbers(client, desk):
    page = client.get(reverse("proposal-detail", args=[desk["again"].pk])).content.decode()
    assert "办理状态：已反馈 · 主办单位：焦作市工业和信息化局" in page
    assert "现在轮到" not in page and "超期" not in page and "13812345678" not in page
    assert "可以办理" not in page
