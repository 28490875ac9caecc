"""Derived state has one owner: whoever writes, through whichever service, the stored snapshot,
the public text and the search documents equal what proposals.derived derives from the rows."""

import contextlib
from datetime import date, timedelta

import pytest
from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from proposals import derived
from proposals.access import SYSTEM
from proposals.demo.seven import demo_proposals_ensure
from proposals.importing import LetterImporter
from proposals.masking import masked
from proposals.models import (
    Assignment,
    Body,
    Bureau,
    ExtensionRequest,
    Feedback,
    HandlingStatus,
    Member,
    Proposal,
    Reply,
    ReturnRequest,
    SearchDocument,
    Session,
)
from proposals.services import (
    LetterContent,
    assignment_create,
    co_handler_opinion_record,
    extension_decide,
    extension_request_create,
    feedback_delete,
    feedback_record,
    proposal_close,
    proposal_save,
    reply_delete,
    reply_edit,
    reply_grade_decide,
    reply_publish,
    reply_review_done,
    reply_submit,
    return_decide,
    return_request_create,
)

TODAY = timezone.localdate()
START = date(2022, 3, 1)

LETTER = """\
{issuer}
关于市政协十四届五次会议第{number}号提案的答复

{proposer}委员：
    您提出的“关于促进第{number}号事项的提案”收悉。{extra}现答复如下：
    一、我们高度重视。联系电话：0391-35691{number:02d}
{issuer}
2022年{month}月{day}日
"""


def assert_everything_derived_is_current() -> None:
    ids = list(Proposal.objects.values_list("pk", flat=True))
    expected = derived.snapshots(ids)
    for proposal in Proposal.objects.all():
        assert derived.stored_snapshot(proposal) == expected[proposal.pk], proposal
    for reply in Reply.objects.all():
        assert reply.public_text == masked(reply.text)
        document = SearchDocument.objects.filter(reply=reply).first()
        assert (document is not None) == bool(reply.text)
    titled = set(Proposal.objects.exclude(title="").values_list("pk", flat=True))
    indexed = set(SearchDocument.objects.filter(reply=None).values_list("proposal_id", flat=True))
    assert titled == indexed


class World:
    """Three proposals, three bureaus, two proposers each, and the steps a clerk, a bureau or
    an import may take, each through its service; refusals are part of the game."""

    def __init__(self):
        self.session = Session.objects.create(body=Body.CPPCC, region="焦作市", term=14, meeting=5)
        self.bureaus = [
            Bureau.objects.create(region="焦作市", name=name)
            for name in ("焦作市工业和信息化局", "焦作市商务局", "焦作市教育局")
        ]
        self.members = [
            Member.objects.create(body=Body.CPPCC, region="焦作市", name=name)
            for name in ("张素平", "李秀萍")
        ]
        self.proposals = [
            proposal_save(
                proposal=Proposal(session=self.session, number=n, title=f"关于第{n}号事项的提案"),
                proposers=self.members,
                actor=SYSTEM,
            )
            for n in (11, 12, 13)
        ]
        self.importer = LetterImporter(actor=SYSTEM)

    def day(self, offset: int) -> date:
        return START + timedelta(days=offset)

    def run(self, step: tuple) -> None:
        name, p, b, m, offset, flag = step
        proposal = Proposal.objects.get(pk=self.proposals[p].pk)
        bureau, member, on = self.bureaus[b], self.members[m], self.day(offset)
        assignment = Assignment.objects.filter(proposal=proposal, bureau=bureau).first()
        reply = proposal.replies.order_by("-round", "pk").first()
        feedback = proposal.feedback.filter(member=member).first()
        role = Assignment.Role.LEAD if flag else Assignment.Role.CO_HANDLER
        actions = {
            "assign": lambda: assignment_create(
                proposal=proposal, bureau=bureau, role=role, assigned_on=on, actor=SYSTEM
            ),
            "import": lambda: self.importer.import_letter(
                name="letter.txt", data=self.letter(proposal, bureau, on, flag).encode()
            ),
            "reply": lambda: reply_submit(
                proposal=proposal,
                bureau=bureau,
                content=LetterContent(values={"text": f"答复{offset}", "reply_date": on}),
                actor=SYSTEM,
            ),
            "truncate": lambda: (
                reply
                and reply_edit(
                    reply=reply,
                    content=LetterContent(
                        values={"completeness": "incomplete" if flag else "complete"}
                    ),
                    actor=SYSTEM,
                )
            ),
            "feedback": lambda: feedback_record(
                proposal=proposal,
                member=member,
                satisfaction="not_satisfied" if flag else "satisfied",
                source="paper",
                received_on=on,
                actor=SYSTEM,
            ),
            "unfeedback": lambda: feedback and feedback_delete(feedback=feedback, actor=SYSTEM),
            "extend": lambda: assignment and self.extend(assignment, on, approve=flag),
            "return": lambda: assignment and self.give_back(assignment, on, approve=flag),
            "opinion": lambda: (
                assignment and co_handler_opinion_record(assignment=assignment, on=on, actor=SYSTEM)
            ),
            "close": lambda: proposal_close(proposal=proposal, on=on, actor=SYSTEM),
            "publish": lambda: reply and reply_publish(reply=reply, on=on, actor=SYSTEM),
            "grade": lambda: (
                reply
                and reply_grade_decide(
                    reply=reply, grade=None if flag else reply.proposed_grade, actor=SYSTEM
                )
            ),
            "reviewed": lambda: reply and reply_review_done(reply=reply, actor=SYSTEM),
            "unreply": lambda: reply and reply_delete(reply=reply, actor=SYSTEM),
            "retitle": lambda: proposal_save(
                proposal=Proposal.objects.get(pk=proposal.pk) if flag else self.retitled(proposal),
                actor=SYSTEM,
            ),
        }
        with contextlib.suppress(ValidationError):
            actions[name]()

    def letter(self, proposal, bureau, on, second_round) -> str:
        extra = "经重新办理，" if second_round else ""
        return LETTER.format(
            issuer=bureau.name,
            number=proposal.number,
            proposer=self.members[0].name,
            extra=extra,
            month=on.month,
            day=on.day,
        ).replace("的答复", "再次答复" if second_round else "的答复", 1)

    def retitled(self, proposal):
        proposal.title = proposal.title + "（修改）"
        return proposal

    def extend(self, assignment, on, approve):
        request = extension_request_create(
            assignment=assignment,
            requested_due_on=assignment.due_on + timedelta(days=30) if assignment.due_on else on,
            reason="需要协调",
            actor=SYSTEM,
            today=on,
        )
        extension_decide(request=request, approve=approve, actor=SYSTEM, today=on, note="同意")

    def give_back(self, assignment, on, approve):
        request = return_request_create(
            assignment=assignment, reason="不属于本单位", actor=SYSTEM, today=on
        )
        return_decide(request=request, approve=approve, actor=SYSTEM, today=on, note="意见")


STEPS = st.tuples(
    st.sampled_from(
        [
            "assign",
            "assign",
            "import",
            "reply",
            "truncate",
            "feedback",
            "unfeedback",
            "extend",
            "return",
            "opinion",
            "close",
            "publish",
            "grade",
            "reviewed",
            "unreply",
            "retitle",
        ]
    ),
    st.integers(0, 2),
    st.integers(0, 2),
    st.integers(0, 1),
    st.integers(0, 200),
    st.booleans(),
)


@pytest.mark.django_db
@settings(
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(st.lists(STEPS, min_size=1, max_size=25))
def test_stored_state_equals_the_derivation_after_any_sequence_of_services(steps):
    with transaction.atomic():
        world = World()
        for step in steps:
            world.run(step)
            assert_everything_derived_is_current()
        transaction.set_rollback(True)


def test_every_demo_state_is_stored_as_derived(db):
    demo_proposals_ensure(TODAY)
    assert_everything_derived_is_current()
    statuses = set(Proposal.objects.values_list("status", flat=True))
    assert statuses >= {
        HandlingStatus.UNASSIGNED,
        HandlingStatus.ASSIGNED,
        HandlingStatus.REPLIED,
        HandlingStatus.FEEDBACK_RECEIVED,
    }


def test_a_unit_of_work_refreshes_each_proposal_once(make_proposal, bureau, monkeypatch):
    proposals = [make_proposal(), make_proposal()]
    others = [Bureau.objects.create(region="焦作市", name=f"单位{i}") for i in range(3)]
    calls = []
    real = derived.refresh
    monkeypatch.setattr(
        derived, "refresh", lambda ids, **kw: calls.append(set(ids)) or real(ids, **kw)
    )
    from proposals.services import proposals_assign

    proposals_assign(
        proposals=proposals, lead=bureau, co_handlers=others, assigned_on=START, actor=SYSTEM
    )
    assert calls == [{p.pk for p in proposals}]
    assert_everything_derived_is_current()


def test_a_write_outside_any_service_is_still_refreshed(make_proposal, bureau):
    """A shell or a data fix that saves rows directly: the owner refreshes all the same."""
    proposal = make_proposal()
    Assignment.objects.create(
        proposal=proposal, bureau=bureau, assigned_on=START, due_on=START + timedelta(90)
    )
    Reply.objects.create(proposal=proposal, bureau=bureau, text="联系电话：13812345678")
    assert Proposal.objects.get().status == HandlingStatus.REPLIED
    assert_everything_derived_is_current()
    Reply.objects.all().delete()
    assert Proposal.objects.get().status == HandlingStatus.ASSIGNED
    assert_everything_derived_is_current()


def test_refresh_all_repairs_a_snapshot_changed_behind_its_back(make_proposal, bureau):
    proposal = make_proposal()
    assignment_create(
        proposal=proposal, bureau=bureau, role="lead", assigned_on=START, actor=SYSTEM
    )
    Proposal.objects.update(status=HandlingStatus.CLOSED, pending_due_date=None)
    SearchDocument.objects.all().delete()
    assert derived.refresh_all() == 1
    assert Proposal.objects.get().status == HandlingStatus.ASSIGNED
    assert_everything_derived_is_current()


def test_deleting_a_reply_in_the_workbench_refreshes_the_status(
    clerk, make_proposal, make_assignment, make_reply
):
    proposal = make_proposal()
    make_assignment(proposal, due_on=date(2022, 7, 1))
    reply = make_reply(proposal)
    assert Proposal.objects.get().status == HandlingStatus.REPLIED
    response = clerk.post(reverse("admin:proposals_reply_delete", args=[reply.pk]), {"post": "yes"})
    assert response.status_code == 302
    assert Proposal.objects.get().status == HandlingStatus.ASSIGNED


def test_the_published_flag_follows_the_replies(make_proposal, make_reply):
    proposal = make_proposal()
    reply = make_reply(proposal, reply_date=TODAY)
    assert not Proposal.objects.published().exists()
    reply_publish(reply=reply, on=TODAY, actor=SYSTEM)
    assert list(Proposal.objects.published()) == [proposal]
    reply_delete(reply=reply, actor=SYSTEM)
    assert not Proposal.objects.published().exists()


def test_feedback_and_requests_are_counted_in_the_world(db):
    """The state machine reaches the states it is meant to test, not only refusals."""
    world = World()
    steps = [
        ("assign", 0, 0, 0, 0, True),
        ("assign", 0, 1, 0, 0, False),
        ("opinion", 0, 1, 0, 10, True),
        ("extend", 0, 0, 0, 20, True),
        ("import", 0, 0, 0, 40, False),
        ("feedback", 0, 0, 0, 50, True),
        ("import", 0, 0, 0, 60, True),
        ("return", 1, 0, 0, 0, True),
    ]
    for step in steps:
        world.run(step)
    assert ExtensionRequest.objects.count() == 1
    assert Feedback.objects.count() == 1
    assert Reply.objects.filter(round=2).exists()
    assert ReturnRequest.objects.count() == 0  # proposal 1 was never assigned
    assert_everything_derived_is_current()
