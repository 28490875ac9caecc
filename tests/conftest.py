"""Fixtures most tests need. State is built through the services, as the app builds it."""

from datetime import date
from itertools import count

import pytest

from proposals.access import SYSTEM, Role
from proposals.deadlines import add_months
from proposals.models import Assignment, Body, Bureau, Member, Proposal, Reply, Session
from proposals.roles import login_ensure
from proposals.rules import deadline_rules
from proposals.services import (
    LetterContent,
    assignment_create,
    proposal_save,
    reply_grade_decide,
    reply_publish,
)
from proposals.services.replies import reply_from_letter

_numbers = count(1)


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path):
    """Uploads and exports a test stores go to its own folder, not the project's media/."""
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


@pytest.fixture
def session(db) -> Session:
    return Session.objects.create(body=Body.CPPCC, region="焦作市", term=14, meeting=5)


@pytest.fixture
def bureau(db) -> Bureau:
    return Bureau.objects.create(region="焦作市", name="焦作市工业和信息化局")


@pytest.fixture
def member(db) -> Member:
    return Member.objects.create(name="张素平", body=Body.CPPCC, region="焦作市")


@pytest.fixture
def make_proposal(session):
    """A registered proposal (proposal_save); `proposers` a list of members."""

    def make(*, proposers=None, **fields) -> Proposal:
        fields.setdefault("session", session)
        fields.setdefault("number", next(_numbers))
        fields.setdefault("title", "关于加强科技创新促进企业发展的提案")
        return proposal_save(proposal=Proposal(**fields), proposers=proposers, actor=SYSTEM)

    return make


@pytest.fixture
def make_assignment(bureau):
    """An assignment through assignment_create, dated so that it falls due on `due_on`
    (None: undated, as a reply letter reveals one)."""

    def make(proposal: Proposal, *, due_on: date | None, role=Assignment.Role.LEAD, bureau=bureau):
        months = deadline_rules().period_months(role)
        assigned_on = add_months(due_on, -months) if due_on else None
        assignment = assignment_create(
            proposal=proposal, bureau=bureau, role=role, assigned_on=assigned_on, actor=SYSTEM
        )
        assert assignment.due_on == due_on, "pick a due date that is not clamped to a month end"
        return assignment

    return make


@pytest.fixture
def make_reply(bureau):
    """A reply as an imported letter makes one (reply_from_letter); a grade, publication or
    review flag are then the clerk's decisions through their services."""

    def make(
        proposal: Proposal,
        *,
        bureau=bureau,
        round=1,
        grade=None,
        published_on=None,
        needs_review=False,
        **values,
    ) -> Reply:
        values.setdefault("text", "")
        if grade is not None:
            values.setdefault("proposed_grade_id", grade)
        contacts, cc = values.pop("contacts", []), values.pop("cc", [])
        reply, _, _ = reply_from_letter(
            reply=None,
            proposal=proposal,
            bureau=bureau,
            handling_round=round,
            content=LetterContent(values=values, contacts=contacts, cc=cc),
            review_notes=["测试：待审核"] if needs_review else [],
            source_name="",
            sha256="",
        )
        if grade is not None:
            reply_grade_decide(reply=reply, grade=None, actor=SYSTEM)
        if published_on is not None:
            reply_publish(reply=reply, on=published_on, actor=SYSTEM)
        return Reply.objects.get(pk=reply.pk)

    return make


@pytest.fixture
def clerk_user(db):
    return login_ensure(username="clerk", password="x", role=Role.CLERK)


@pytest.fixture
def officer_user(db, bureau):
    return login_ensure(username="gongxin", password="x", role=Role.BUREAU, bureau=bureau)


@pytest.fixture
def viewer_user(db):
    return login_ensure(username="leader", password="x", role=Role.VIEWER)


@pytest.fixture
def clerk(client, clerk_user):
    """A browser client signed in as a clerk."""
    client.force_login(clerk_user)
    return client


@pytest.fixture
def officer(client, officer_user):
    """A browser client signed in as an officer of `bureau`."""
    client.force_login(officer_user)
    return client
