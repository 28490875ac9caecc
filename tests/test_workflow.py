"""Deadline rules and their explanations; bulk assignment; extension and return flows."""

from datetime import date

import pytest
from django.core.exceptions import ValidationError

from proposals.access import SYSTEM
from proposals.models import Assignment, Bureau, Proposal, RequestStatus
from proposals.services import (
    assignment_create,
    extension_decide,
    extension_request_create,
    proposals_assign,
    return_decide,
    return_request_create,
)

LEAD, CO = Assignment.Role.LEAD, Assignment.Role.CO_HANDLER


@pytest.fixture
def commerce(db) -> Bureau:
    return Bureau.objects.create(region="焦作市", name="焦作市商务局")


@pytest.fixture
def assigned(make_proposal, bureau) -> Assignment:
    return assignment_create(
        proposal=make_proposal(),
        bureau=bureau,
        role=LEAD,
        assigned_on=date(2022, 11, 30),
        actor=SYSTEM,
    )


def test_a_due_date_explains_its_start_rule_and_month_end(assigned):
    assert assigned.due_on == date(2023, 2, 28)
    assert assigned.due_date_explanation() == [
        "交办日期：2022年11月30日",
        "规则：主办单位自交办之日起 3 个月内答复提出人",
        "计算：2022年11月30日 + 3 个月 = 2023年2月28日（2月没有30日，取当月最后一天）",
    ]


def test_a_leap_year_february_ends_on_the_29th(make_proposal, bureau):
    assignment = assignment_create(
        proposal=make_proposal(),
        bureau=bureau,
        role=LEAD,
        assigned_on=date(2023, 11, 30),
        actor=SYSTEM,
    )
    assert assignment.due_on == date(2024, 2, 29)
    assert "2月没有30日" in assignment.due_date_explanation()[2]


def test_a_co_handler_owes_its_opinion_within_one_month(make_proposal, commerce):
    assignment = assignment_create(
        proposal=make_proposal(),
        bureau=commerce,
        role=CO,
        assigned_on=date(2023, 1, 31),
        actor=SYSTEM,
    )
    assert assignment.due_on == date(2023, 2, 28)
    assert (
        assignment.due_date_explanation()[1]
        == "规则：协办单位自交办之日起 1 个月内向主办单位提出协办意见"
    )


def test_the_periods_are_settings(make_proposal, bureau, settings):
    settings.REPLY_PERIOD_MONTHS = 2
    assignment = assignment_create(
        proposal=make_proposal(),
        bureau=bureau,
        role=LEAD,
        assigned_on=date(2022, 12, 31),
        actor=SYSTEM,
    )
    assert assignment.due_on == date(2023, 2, 28)


def test_an_imported_assignment_without_a_date_says_so(make_proposal, make_assignment):
    assignment = make_assignment(make_proposal(), due_on=None)
    assert "交办日期不详" in assignment.due_date_explanation()[0]


def test_bulk_assignment_gives_each_proposal_a_lead_and_co_handlers(
    make_proposal, bureau, commerce
):
    proposals = [make_proposal() for _ in range(3)]
    created = proposals_assign(
        proposals=proposals,
        lead=bureau,
        co_handlers=[commerce],
        assigned_on=date(2022, 4, 15),
        actor=SYSTEM,
    )
    assert len(created) == 6
    for proposal in proposals:
        roles = {a.bureau: (a.role, a.due_on) for a in proposal.assignments.all()}
        assert roles == {bureau: (LEAD, date(2022, 7, 15)), commerce: (CO, date(2022, 5, 15))}


def test_bulk_assignment_is_all_or_nothing(make_proposal, bureau, commerce):
    fresh, taken = make_proposal(), make_proposal()
    assignment_create(
        proposal=taken, bureau=commerce, role=LEAD, assigned_on=date(2022, 4, 1), actor=SYSTEM
    )
    with pytest.raises(ValidationError, match="已有主办单位"):
        proposals_assign(
            proposals=[fresh, taken], lead=bureau, assigned_on=date(2022, 4, 15), actor=SYSTEM
        )
    assert not fresh.assignments.exists()


def test_an_approved_extension_moves_the_due_date_and_is_explained(assigned, admin_user):
    request = extension_request_create(
        assignment=assigned,
        requested_due_on=date(2023, 3, 31),
        reason="需要等待省里政策出台",
        actor=SYSTEM,
        today=date(2023, 2, 10),
    )
    extension_decide(request=request, approve=True, actor=admin_user, today=date(2023, 2, 12))
    assigned.refresh_from_db()
    assert assigned.due_on == date(2023, 3, 31)
    assert assigned.due_date_explanation()[3] == (
        "延期：经批准延至 2023年3月31日（2023年2月12日批准）；延期上限为交办后 6 个月，即 2023年5月30日"
    )


def test_a_refused_extension_leaves_the_due_date(assigned, admin_user):
    request = extension_request_create(
        assignment=assigned,
        requested_due_on=date(2023, 3, 31),
        reason="人手不足",
        actor=SYSTEM,
        today=date(2023, 2, 10),
    )
    with pytest.raises(ValidationError, match="不批准须写明审批意见"):
        extension_decide(request=request, approve=False, actor=admin_user, today=date(2023, 2, 12))
    extension_decide(
        request=request,
        approve=False,
        actor=admin_user,
        today=date(2023, 2, 12),
        note="期限内可以办结，请按期答复",
    )
    assigned.refresh_from_db()
    assert assigned.due_on == date(2023, 2, 28)
    assert request.status == RequestStatus.REFUSED
    with pytest.raises(ValidationError, match="审批过"):
        extension_decide(request=request, approve=True, actor=admin_user, today=date(2023, 2, 13))


@pytest.mark.parametrize(
    ("requested", "message"),
    [
        (date(2023, 5, 31), "不能超过交办后 6 个月"),
        (date(2023, 2, 20), "应晚于现有期限"),
    ],
)
def test_an_extension_past_the_cap_or_not_later_is_refused(assigned, requested, message):
    with pytest.raises(ValidationError, match=message):
        extension_request_create(
            assignment=assigned,
            requested_due_on=requested,
            reason="理由",
            actor=SYSTEM,
            today=date(2023, 2, 10),
        )


def test_only_one_extension_request_waits_at_a_time(assigned):
    kwargs = {"assignment": assigned, "reason": "理由", "actor": SYSTEM, "today": date(2023, 2, 1)}
    extension_request_create(requested_due_on=date(2023, 3, 15), **kwargs)
    with pytest.raises(ValidationError, match="等待审批"):
        extension_request_create(requested_due_on=date(2023, 3, 20), **kwargs)


def test_a_return_within_the_window_is_reassigned_with_a_new_due_date(
    assigned, commerce, admin_user
):
    request = return_request_create(
        assignment=assigned, reason="不属于我局职责", actor=SYSTEM, today=date(2022, 12, 10)
    )
    return_decide(
        request=request,
        approve=True,
        actor=admin_user,
        today=date(2022, 12, 12),
        reassign_to=commerce,
    )
    assigned.refresh_from_db()
    assert assigned.returned_on == date(2022, 12, 12)
    new = request.reassigned_to
    assert (new.bureau, new.role, new.assigned_on, new.due_on) == (
        commerce,
        LEAD,
        date(2022, 12, 12),
        date(2023, 3, 12),
    )
    stored = Proposal.objects.get(pk=assigned.proposal_id)
    assert (stored.lead_bureau, stored.lead_due_date) == (commerce, date(2023, 3, 12))
    assert list(assigned.proposal.assignments.active()) == [new]


def test_a_return_after_the_window_is_refused(assigned):
    with pytest.raises(ValidationError, match="10 天内"):
        return_request_create(
            assignment=assigned, reason="理由", actor=SYSTEM, today=date(2022, 12, 11)
        )


def test_a_returned_assignment_takes_no_more_requests(assigned, admin_user):
    request = return_request_create(
        assignment=assigned, reason="理由", actor=SYSTEM, today=date(2022, 12, 1)
    )
    return_decide(request=request, approve=True, actor=admin_user, today=date(2022, 12, 2))
    with pytest.raises(ValidationError, match="已于"):
        extension_request_create(
            assignment=assigned,
            requested_due_on=date(2023, 3, 1),
            reason="理由",
            actor=SYSTEM,
            today=date(2022, 12, 3),
        )


# Lateness is history: the due date in force when the reply was due decides.


def test_an_extension_asked_in_time_moves_the_date_that_counts(assigned, admin_user):
    request = extension_request_create(
        assignment=assigned,
        requested_due_on=date(2023, 3, 31),
        reason="需征求多部门意见",
        actor=SYSTEM,
        today=date(2023, 2, 20),
    )
    extension_decide(request=request, approve=True, actor=admin_user, today=date(2023, 2, 25))
    assigned.refresh_from_db()
    request.refresh_from_db()
    assert (assigned.due_on, assigned.on_time_by, request.late) == (
        date(2023, 3, 31),
        date(2023, 3, 31),
        False,
    )


def test_an_extension_approved_after_the_due_date_needs_a_reason_and_keeps_the_lateness(
    assigned, admin_user
):
    request = extension_request_create(
        assignment=assigned,
        requested_due_on=date(2023, 4, 30),
        reason="材料未齐",
        actor=SYSTEM,
        today=date(2023, 2, 20),
    )
    with pytest.raises(ValidationError, match="逾期后的延期"):
        extension_decide(request=request, approve=True, actor=admin_user, today=date(2023, 3, 28))
    extension_decide(
        request=request,
        approve=True,
        actor=admin_user,
        today=date(2023, 3, 28),
        note="主要领导批示，特批",
    )
    assigned.refresh_from_db()
    request.refresh_from_db()
    assert request.late and request.decision_note == "主要领导批示，特批"
    # Chased by the new date; judged on time by the old one.
    assert (assigned.due_on, assigned.on_time_by) == (date(2023, 4, 30), date(2023, 2, 28))
    assert Proposal.objects.get(pk=assigned.proposal_id).pending_due_date == date(2023, 4, 30)


def test_an_extension_asked_after_the_due_date_is_late_even_if_approved_at_once(
    assigned, admin_user
):
    request = extension_request_create(
        assignment=assigned,
        requested_due_on=date(2023, 3, 31),
        reason="忘记申请",
        actor=SYSTEM,
        today=date(2023, 3, 2),
    )
    assert request.late
    extension_decide(
        request=request, approve=True, actor=admin_user, today=date(2023, 3, 2), note="补批"
    )
    assigned.refresh_from_db()
    assert assigned.on_time_by == date(2023, 2, 28)
