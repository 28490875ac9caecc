"""The stored status snapshot that list pages read agrees with the derived status."""

from datetime import timedelta

import pytest
from django.contrib.auth.models import User
from django.urls import reverse
from django.utils import timezone

from proposals.demo import demo_proposals_ensure
from proposals.models import HandlingStatus, Proposal, Reply, Turn
from proposals.services import feedback_record, proposal_close, proposals_assign, reply_publish

TODAY = timezone.localdate()
COMPARED = ["handling_status", "turn", "lead_due_on", "is_overdue", "is_due_soon"]


def stored_and_derived(proposals=None):
    proposals = proposals if proposals is not None else Proposal.objects.all()
    stored = proposals.with_stored_status().values_list(*COMPARED).order_by("pk")
    derived = proposals.with_handling_status().values_list(*COMPARED).order_by("pk")
    return list(stored), list(derived)


def test_every_demo_state_made_through_the_services_is_stored_as_derived(db):
    demo_proposals_ensure(TODAY)
    stored, derived = stored_and_derived()
    assert stored == derived
    assert {row[0] for row in stored} >= {
        HandlingStatus.UNASSIGNED,
        HandlingStatus.ASSIGNED,
        HandlingStatus.REPLIED,
        HandlingStatus.FEEDBACK_RECEIVED,
    }
    assert any(row[3] for row in stored) and any(row[4] for row in stored)


def test_each_service_step_updates_the_stored_status(make_proposal, bureau, member, make_reply):
    proposal = make_proposal()
    proposal.proposer_links.create(member=member, position=1)
    assert Proposal.objects.get().status == HandlingStatus.UNASSIGNED
    proposals_assign(proposals=[proposal], lead=bureau, assigned_on=TODAY - timedelta(days=200))
    stored = Proposal.objects.get()
    assert (stored.status, stored.current_turn) == (HandlingStatus.ASSIGNED, Turn.LEAD)
    assert stored.pending_due_date < TODAY
    make_reply(proposal, reply_date=TODAY)
    Proposal.objects.all().refresh_stored_status()
    feedback_record(
        proposal=proposal,
        member=member,
        satisfaction="satisfied",
        source="paper",
        received_on=TODAY,
    )
    assert Proposal.objects.get().status == HandlingStatus.FEEDBACK_RECEIVED
    proposal_close(proposal=proposal, on=TODAY)
    assert Proposal.objects.get().current_turn == Turn.NOBODY
    assert stored_and_derived()[0] == stored_and_derived()[1]


@pytest.mark.django_db
def test_deleting_a_reply_in_the_admin_refreshes_the_status(client, make_proposal, bureau):
    proposal = make_proposal()
    proposals_assign(proposals=[proposal], lead=bureau, assigned_on=TODAY)
    reply = Reply.objects.create(proposal=proposal, bureau=bureau, reply_date=TODAY)
    Proposal.objects.all().refresh_stored_status()
    assert Proposal.objects.get().status == HandlingStatus.REPLIED
    client.force_login(User.objects.create_superuser("admin", "a@example.com", "x"))
    response = client.post(
        reverse("admin:proposals_reply_delete", args=[reply.pk]), {"post": "yes"}
    )
    assert response.status_code == 302
    assert Proposal.objects.get().status == HandlingStatus.ASSIGNED


def test_the_stored_published_flag_follows_the_replies(make_proposal, make_reply):
    proposal = make_proposal()
    reply = make_reply(proposal, reply_date=TODAY)
    assert not Proposal.objects.published().exists()
    reply_publish(reply=reply, on=TODAY)
    assert list(Proposal.objects.published()) == [proposal]
    reply.delete()
    Proposal.objects.all().refresh_stored_status()
    assert not Proposal.objects.published().exists()
