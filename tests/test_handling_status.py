"""The handling status and the overdue and due-soon flags, as the lists read them."""

from datetime import date, timedelta

import pytest

from proposals.access import SYSTEM
from proposals.models import Assignment, HandlingStatus, Proposal
from proposals.services import feedback_record, proposal_close

TODAY = date(2022, 7, 1)


def status_of(proposal: Proposal, today: date = TODAY) -> Proposal:
    return Proposal.objects.with_status(today).get(pk=proposal.pk)


def test_a_proposal_without_assignment_is_unassigned(make_proposal):
    annotated = status_of(make_proposal())
    assert annotated.status == HandlingStatus.UNASSIGNED
    assert not annotated.is_overdue
    assert not annotated.is_due_soon


def test_an_assigned_proposal_is_being_handled(make_proposal, make_assignment):
    proposal = make_proposal()
    make_assignment(proposal, due_on=TODAY + timedelta(days=60))
    assert status_of(proposal).status == HandlingStatus.ASSIGNED


def test_a_proposal_with_a_reply_is_replied(make_proposal, make_assignment, make_reply):
    proposal = make_proposal()
    make_assignment(proposal, due_on=TODAY - timedelta(days=5))
    make_reply(proposal)
    annotated = status_of(proposal)
    assert annotated.status == HandlingStatus.REPLIED
    assert not annotated.is_overdue


def test_an_incomplete_reply_does_not_answer_the_proposal(
    make_proposal, make_assignment, make_reply
):
    proposal = make_proposal()
    make_assignment(proposal, due_on=TODAY - timedelta(days=5))
    make_reply(proposal, completeness="incomplete")
    annotated = status_of(proposal)
    assert (annotated.status, annotated.is_overdue) == (HandlingStatus.ASSIGNED, True)


def test_a_proposal_with_feedback_has_feedback_received(
    make_proposal, make_assignment, make_reply, member
):
    proposal = make_proposal(proposers=[member])
    make_assignment(proposal, due_on=TODAY)
    make_reply(proposal)
    feedback_record(
        proposal=proposal,
        member=member,
        satisfaction="satisfied",
        source="paper",
        received_on=TODAY,
        actor=SYSTEM,
    )
    assert status_of(proposal).status == HandlingStatus.FEEDBACK_RECEIVED


def test_a_closed_proposal_is_closed(make_proposal, make_assignment, make_reply):
    proposal = make_proposal()
    make_assignment(proposal, due_on=TODAY)
    make_reply(proposal)
    proposal_close(proposal=proposal, on=TODAY, actor=SYSTEM)
    assert status_of(proposal).status == HandlingStatus.CLOSED


def test_due_today_without_reply_is_not_yet_overdue(make_proposal, make_assignment):
    proposal = make_proposal()
    make_assignment(proposal, due_on=TODAY)
    annotated = status_of(proposal)
    assert not annotated.is_overdue
    assert annotated.is_due_soon


def test_due_yesterday_without_reply_is_overdue(make_proposal, make_assignment):
    proposal = make_proposal()
    make_assignment(proposal, due_on=TODAY - timedelta(days=1))
    annotated = status_of(proposal)
    assert annotated.is_overdue
    assert annotated.days_overdue(TODAY) == 1
    assert not annotated.is_due_soon
    assert annotated.status == HandlingStatus.ASSIGNED
    assert list(Proposal.objects.overdue(TODAY)) == [proposal]


def test_only_the_lead_assignment_makes_a_proposal_overdue(make_proposal, make_assignment):
    proposal = make_proposal()
    make_assignment(proposal, due_on=TODAY - timedelta(days=30), role=Assignment.Role.CO_HANDLER)
    assert not status_of(proposal).is_overdue


@pytest.mark.parametrize(("days_left", "due_soon"), [(0, True), (14, True), (15, False)])
def test_due_soon_covers_the_configured_window(
    make_proposal, make_assignment, settings, days_left, due_soon
):
    settings.DUE_SOON_DAYS = 14
    proposal = make_proposal()
    make_assignment(proposal, due_on=TODAY + timedelta(days=days_left))
    assert status_of(proposal).is_due_soon is due_soon
    assert Proposal.objects.due_soon(TODAY).filter(pk=proposal.pk).exists() is due_soon


def test_proposals_are_filtered_by_status_in_one_query(
    make_proposal, make_assignment, make_reply, django_assert_num_queries
):
    replied, assigned = make_proposal(), make_proposal()
    make_proposal()
    make_assignment(replied, due_on=TODAY)
    make_reply(replied)
    make_assignment(assigned, due_on=TODAY)
    with django_assert_num_queries(1):
        statuses = {p.pk: p.status for p in Proposal.objects.with_status(TODAY)}
    assert statuses[replied.pk] == HandlingStatus.REPLIED
    assert list(Proposal.objects.filter(status=HandlingStatus.ASSIGNED)) == [assigned]
