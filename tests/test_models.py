import pytest
from django.db import IntegrityError, transaction

from proposals.models import Assignment, Body, Bureau, Proposal, Reply, Session

# The database's own constraints: rows written around the services must still be refused.


def test_a_second_proposal_with_the_same_number_in_one_session_is_rejected(make_proposal, session):
    make_proposal(number=252)
    with pytest.raises(IntegrityError), transaction.atomic():
        Proposal.objects.create(session=session, number=252)


def test_the_same_proposal_number_in_another_session_is_allowed(make_proposal):
    other = Session.objects.create(body=Body.NPC, region="焦作市", term=15, meeting=3)
    make_proposal(number=252)
    make_proposal(number=252, session=other)
    assert Proposal.objects.filter(number=252).count() == 2


def test_a_second_bureau_with_the_same_name_in_one_region_is_rejected(bureau):
    with pytest.raises(IntegrityError), transaction.atomic():
        Bureau.objects.create(region="焦作市", name="焦作市工业和信息化局")


def test_the_same_bureau_name_in_another_region_is_allowed(bureau):
    Bureau.objects.create(region="三门峡市", name="焦作市工业和信息化局")
    assert Bureau.objects.filter(name="焦作市工业和信息化局").count() == 2


def test_a_session_is_unique_per_body_region_term_and_meeting(session):
    with pytest.raises(IntegrityError), transaction.atomic():
        Session.objects.create(body=Body.CPPCC, region="焦作市", term=14, meeting=5)


def test_only_one_between_meetings_session_per_term(db):
    Session.objects.create(body=Body.NPC, region="焦作市", term=15, meeting=None)
    with pytest.raises(IntegrityError), transaction.atomic():
        Session.objects.create(body=Body.NPC, region="焦作市", term=15, meeting=None)


@pytest.mark.parametrize(
    ("body", "meeting", "expected"),
    [
        (Body.CPPCC, 5, "焦作市政协十四届五次会议"),
        (Body.NPC, 5, "焦作市十四届人大五次会议"),
        (Body.NPC, None, "焦作市十四届人大闭会期间"),
    ],
)
def test_a_session_reads_as_letters_write_it(db, body, meeting, expected):
    assert str(Session(body=body, region="焦作市", term=14, meeting=meeting)) == expected


def test_the_kind_of_a_proposal_follows_the_body(make_proposal):
    npc = Session.objects.create(body=Body.NPC, region="焦作市", term=15, meeting=3)
    assert make_proposal().kind == "提案"
    assert make_proposal(session=npc).kind == "建议"
    assert str(make_proposal(number=9, session=npc)) == "焦作市十五届人大三次会议第9号建议"


def test_a_proposal_has_at_most_one_lead_bureau(make_proposal, make_assignment):
    proposal = make_proposal()
    make_assignment(proposal, due_on=None)
    other = Bureau.objects.create(region="焦作市", name="焦作市商务局")
    with pytest.raises(IntegrityError), transaction.atomic():
        Assignment.objects.create(proposal=proposal, bureau=other, role=Assignment.Role.LEAD)
    make_assignment(proposal, due_on=None, bureau=other, role=Assignment.Role.CO_HANDLER)
    assert proposal.assignments.count() == 2


def test_a_due_date_before_the_assignment_date_is_rejected(make_proposal, bureau):
    from datetime import date

    with pytest.raises(IntegrityError), transaction.atomic():
        Assignment.objects.create(
            proposal=make_proposal(),
            bureau=bureau,
            assigned_on=date(2022, 5, 1),
            due_on=date(2022, 4, 1),
        )


def test_a_bureau_replies_once_per_round(make_proposal, make_reply):
    proposal = make_proposal()
    make_reply(proposal)
    with pytest.raises(IntegrityError), transaction.atomic():
        make_reply(proposal)
    make_reply(proposal, round=2)
    assert proposal.replies.count() == 2


def test_a_reply_without_a_known_bureau_is_still_unique_per_round(make_proposal):
    proposal = make_proposal()
    Reply.objects.create(proposal=proposal, bureau=None)
    with pytest.raises(IntegrityError), transaction.atomic():
        Reply.objects.create(proposal=proposal, bureau=None)


def test_bureaus_are_found_by_full_name_or_alias(bureau):
    bureau.aliases.create(name="市工信局")
    assert list(Bureau.objects.named("焦作市", "市工信局")) == [bureau]
    assert list(Bureau.objects.named("焦作市", "焦作市工业和信息化局")) == [bureau]
    assert not Bureau.objects.named("三门峡市", "市工信局").exists()
