"""Whose turn it is, from assignment through feedback and re-handling to closing."""

from datetime import date

import pytest
from django.core.exceptions import ValidationError

from proposals.access import SYSTEM
from proposals.models import Bureau, Feedback, Proposal, Turn
from proposals.services import (
    co_handler_opinion_record,
    feedback_record,
    proposal_close,
    proposals_assign,
    reply_review_done,
)

TODAY = date(2022, 6, 1)


def turn_of(proposal: Proposal) -> tuple:
    stored = Proposal.objects.select_related("turn_bureau").get(pk=proposal.pk)
    party = stored.turn_bureau.name if stored.turn_bureau else ""
    return stored.current_turn, party, stored.turn_due_date


def flags_of(proposal: Proposal, today: date) -> tuple[bool, bool]:
    annotated = Proposal.objects.with_status(today).get(pk=proposal.pk)
    return annotated.is_overdue, annotated.is_due_soon


@pytest.fixture
def proposal(make_proposal, member):
    return make_proposal(proposers=[member])


@pytest.fixture
def commerce(db):
    return Bureau.objects.create(region="焦作市", name="焦作市商务局")


def test_a_proposal_passes_from_party_to_party_until_closed(
    proposal, bureau, commerce, member, make_reply
):
    assert turn_of(proposal) == (Turn.CLERK_ASSIGN, "", None)
    _, co = proposals_assign(
        proposals=[proposal],
        lead=bureau,
        co_handlers=[commerce],
        assigned_on=date(2022, 4, 15),
        actor=SYSTEM,
    )
    assert turn_of(proposal) == (Turn.CO_HANDLER, "焦作市商务局", date(2022, 5, 15))
    co_handler_opinion_record(assignment=co, on=date(2022, 5, 10), actor=SYSTEM)
    assert turn_of(proposal) == (Turn.LEAD, "焦作市工业和信息化局", date(2022, 7, 15))
    reply = make_reply(proposal, needs_review=True)
    assert turn_of(proposal)[0] == Turn.CLERK_REVIEW
    reply_review_done(reply=reply, actor=SYSTEM)
    assert turn_of(proposal)[0] == Turn.MEMBER
    feedback_record(
        proposal=proposal,
        member=member,
        satisfaction="satisfied",
        source="member",
        received_on=date(2022, 7, 20),
        actor=SYSTEM,
    )
    assert turn_of(proposal)[0] == Turn.CLERK_CLOSE
    proposal_close(proposal=proposal, on=date(2022, 7, 25), actor=SYSTEM)
    assert turn_of(proposal) == (Turn.NOBODY, "", None)


def test_not_satisfied_opens_a_rehandling_round_that_keeps_both_results(
    proposal, bureau, member, make_reply
):
    proposals_assign(proposals=[proposal], lead=bureau, assigned_on=date(2022, 4, 15), actor=SYSTEM)
    make_reply(proposal, grade="C")
    feedback_record(
        proposal=proposal,
        member=member,
        satisfaction="not_satisfied",
        source="paper",
        received_on=date(2022, 7, 31),
        comment="答复未解决实际问题",
        actor=SYSTEM,
    )
    assert turn_of(proposal) == (Turn.REHANDLING, "焦作市工业和信息化局", date(2022, 8, 31))
    assert flags_of(proposal, date(2022, 9, 1)) == (True, False)
    make_reply(proposal, round=2, grade="B")
    assert turn_of(proposal)[0] == Turn.MEMBER
    feedback_record(
        proposal=proposal,
        member=member,
        satisfaction="basically",
        source="member",
        received_on=date(2022, 9, 10),
        actor=SYSTEM,
    )
    assert turn_of(proposal)[0] == Turn.CLERK_CLOSE
    results = [(f.round, f.satisfaction) for f in proposal.feedback.order_by("round")]
    assert results == [(1, "not_satisfied"), (2, "basically")]
    assert [r.grade_id for r in proposal.replies.order_by("round")] == ["C", "B"]


def test_a_rehandling_due_soon_is_flagged(proposal, bureau, member, make_reply):
    proposals_assign(proposals=[proposal], lead=bureau, assigned_on=date(2022, 4, 15), actor=SYSTEM)
    make_reply(proposal)
    feedback_record(
        proposal=proposal,
        member=member,
        satisfaction="not_satisfied",
        source="paper",
        received_on=date(2022, 7, 31),
        actor=SYSTEM,
    )
    assert flags_of(proposal, date(2022, 8, 25)) == (False, True)


@pytest.mark.parametrize(
    ("setup", "message"),
    [
        ("no_reply", "尚未答复"),
        ("stranger", "不是该件的提出人"),
        ("twice", "已录入"),
    ],
)
def test_feedback_is_refused_before_a_reply_from_strangers_and_twice(
    proposal, bureau, member, setup, message, make_reply
):
    from proposals.models import Member

    who = member
    if setup != "no_reply":
        make_reply(proposal)
    if setup == "stranger":
        who = Member.objects.create(name="路人", body="cppcc", region="焦作市")
    kwargs = {
        "proposal": proposal,
        "satisfaction": "satisfied",
        "source": "paper",
        "received_on": TODAY,
        "actor": SYSTEM,
    }
    if setup == "twice":
        feedback_record(member=who, **kwargs)
    with pytest.raises(ValidationError, match=message):
        feedback_record(member=who, **kwargs)
    assert Feedback.objects.count() == (1 if setup == "twice" else 0)


def test_needing_attention_lists_overdue_due_soon_and_clerk_work(make_proposal, bureau, member):
    unassigned = make_proposal()
    late, calm = make_proposal(), make_proposal()
    proposals_assign(proposals=[late], lead=bureau, assigned_on=date(2022, 1, 1), actor=SYSTEM)
    proposals_assign(proposals=[calm], lead=bureau, assigned_on=date(2022, 5, 20), actor=SYSTEM)
    attention = set(Proposal.objects.needing_attention(TODAY))
    assert attention == {unassigned, late}
