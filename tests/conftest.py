"""Factories for the domain rows most tests need; each returns a saved row."""

from datetime import date
from itertools import count

import pytest

from proposals.models import Assignment, Body, Bureau, Member, Proposal, Reply, Session
from proposals.services import proposals_derived_refresh

_numbers = count(1)


@pytest.fixture
def session(db) -> Session:
    return Session.objects.create(body=Body.CPPCC, region="焦作市", term=14, meeting=5)


@pytest.fixture
def bureau(db) -> Bureau:
    return Bureau.objects.create(region="焦作市", name="焦作市工业和信息化局")


@pytest.fixture
def make_proposal(session):
    def make(**fields) -> Proposal:
        fields.setdefault("session", session)
        fields.setdefault("number", next(_numbers))
        fields.setdefault("title", "关于加强科技创新促进企业发展的提案")
        return Proposal.objects.create(**fields)

    return make


@pytest.fixture
def make_assignment(bureau):
    def make(proposal: Proposal, *, due_on: date, role=Assignment.Role.LEAD, **fields):
        return Assignment.objects.create(
            proposal=proposal,
            bureau=fields.pop("bureau", bureau),
            role=role,
            due_on=due_on,
            **fields,
        )

    return make


@pytest.fixture
def make_reply(bureau):
    """A reply written as the importer writes one: the proposal's derived state follows."""

    def make(proposal: Proposal, **fields) -> Reply:
        fields.setdefault("bureau", bureau)
        reply = Reply.objects.create(proposal=proposal, **fields)
        proposals_derived_refresh([proposal.pk])
        return reply

    return make


@pytest.fixture
def member(db) -> Member:
    return Member.objects.create(name="张素平", body=Body.CPPCC, region="焦作市")
