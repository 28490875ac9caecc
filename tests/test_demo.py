"""The demo session: the sample registers taken through the year by proposals.demo."""

from collections import Counter
from datetime import date, timedelta
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command
from django.db import transaction
from django.utils import timezone

from proposals import derived
from proposals.demo.letters import demo_letters, topic_of
from proposals.demo.session import demo_session_advance
from proposals.demo.seven import DEMO_PROPOSALS, DEMO_SESSION
from proposals.models import (
    Assignment,
    Bureau,
    ExtensionRequest,
    Feedback,
    HandlingStatus,
    Proposal,
    Rehandling,
    Reply,
    RequestStatus,
    ReturnRequest,
    Session,
    Turn,
)
from proposals.roles import Role, login_ensure

# Ten months into the year of a January meeting; dev.py assigns the register 150 days back.
TODAY = date(2026, 10, 30)
ASSIGNED_DAYS_AGO = 150
DEMO_NUMBERS = [row[0] for row in DEMO_PROPOSALS]


def import_demo_session(today: date) -> Session:
    """The sample registers and letters imported as dev.py imports them."""
    assign_on = (today - timedelta(days=ASSIGNED_DAYS_AGO)).isoformat()
    for kind, name, *more in [
        ("categories", "类别.csv"),
        ("sectors", "界别.csv"),
        ("members", "委员名册.xlsx"),
        ("bureaus", "承办单位名录.xlsx"),
        ("proposals", "立案名单.xlsx", "--term", "14", "--meeting", "5", "--assign-on", assign_on),
    ]:
        call_command(
            "import_register",
            kind,
            f"fixtures/registers/{name}",
            *more,
            "--body",
            "cppcc",
            "--region",
            "焦作市",
            stdout=StringIO(),
            stderr=StringIO(),
        )
    with pytest.raises(SystemExit):  # the newspaper article among the letters is refused
        call_command("import_replies", "fixtures/replies", stdout=StringIO(), stderr=StringIO())
    return Session.objects.get(**DEMO_SESSION)


def state_counts() -> dict[str, int]:
    return {
        "replies": Reply.objects.count(),
        "feedback": Feedback.objects.count(),
        "extension requests": ExtensionRequest.objects.count(),
        "return requests": ReturnRequest.objects.count(),
        "assignments": Assignment.objects.count(),
        "closed": Proposal.objects.filter(closed_on__isnull=False).count(),
    }


def test_a_topic_is_the_title_without_its_frame():
    assert topic_of("关于健全困难群众救助的提案") == "困难群众救助"
    assert topic_of("关于加快招商引资工作（317）的提案") == "招商引资工作"
    assert topic_of("关于支持在中心城区设立高端制造业开发园区的提案") == (
        "在中心城区设立高端制造业开发园区"
    )


def test_every_category_has_paragraphs_for_the_work_and_the_plans():
    letters = demo_letters()
    categories = Path("fixtures/registers/类别.csv").read_text(encoding="utf-8-sig").split()[1:]
    for category in [*categories, "通用"]:
        assert len(letters[category].work) >= 2 and letters[category].plans


def test_setting_the_demo_up_again_changes_nothing(db):
    today = timezone.localdate()
    import_demo_session(today)
    first = StringIO()
    call_command("setup_demo", stdout=first)
    counts = state_counts()
    assert counts["replies"] > 250 and counts["extension requests"] > 10
    second = StringIO()
    call_command("setup_demo", stdout=second)
    assert state_counts() == counts
    assert "本次推进 0 件" in second.getvalue()
    summary = second.getvalue().strip().splitlines()[-1]
    assert summary.startswith("焦作市政协十四届五次会议：共 327 件")
    assert "待审批延期申请" in summary


def test_the_same_proposals_get_the_same_year_on_every_run(db):
    session = import_demo_session(TODAY)
    runs = []
    for _ in range(2):
        with transaction.atomic():
            demo_session_advance(session=session, today=TODAY, limit=40)
            runs.append(
                (
                    sorted(
                        Reply.objects.filter(source_sha256="").values_list(
                            "proposal__number", "reply_date", "proposed_grade", "text"
                        )
                    ),
                    sorted(
                        Feedback.objects.values_list(
                            "proposal__number", "round", "satisfaction", "received_on"
                        )
                    ),
                    sorted(
                        Proposal.objects.filter(session=session).values_list(
                            "number", "status", "current_turn", "pending_due_date"
                        )
                    ),
                )
            )
            transaction.set_rollback(True)
    assert runs[0] == runs[1]
    replied = {number for number, *_ in runs[0][0]}
    assert replied and max(replied) <= 40


@pytest.fixture(scope="module")
def advanced_session(django_db_setup, django_db_blocker):
    """The session as of TODAY, with the 工信局 officer's login that setup_demo makes: built
    once for the tests below (each in a savepoint of its own) and rolled back after them.
    Tests that need an empty database come before the first that asks for this."""
    with django_db_blocker.unblock(), transaction.atomic():
        session = import_demo_session(TODAY)
        login_ensure(
            username="gongxin",
            password="x",
            role=Role.BUREAU,
            bureau=Bureau.objects.get(name="焦作市工业和信息化局"),
            full_name="李端阳",
        )
        fates = demo_session_advance(session=session, today=TODAY)
        yield session, fates
        transaction.set_rollback(True)


def test_the_demo_session_meets_every_handling_state_and_every_turn(db, advanced_session):
    session, fates = advanced_session
    proposals = Proposal.objects.filter(session=session).exclude(number__in=DEMO_NUMBERS)
    statuses = Counter(proposals.values_list("status", flat=True))
    assert set(statuses) == set(HandlingStatus.values)
    # Most are replied by now; a few wait for a bureau, one for a clerk to assign it again.
    assert statuses[HandlingStatus.UNASSIGNED] >= 1
    assert statuses[HandlingStatus.CLOSED] > statuses[HandlingStatus.ASSIGNED]
    assert proposals.filter(derived.replied()).count() > 0.75 * proposals.count()
    turns = set(proposals.values_list("current_turn", flat=True))
    assert turns == set(Turn.values)
    assert fates.total() > 300


def test_the_clerk_has_requests_to_decide_and_replies_to_review(db, advanced_session):
    session, _ = advanced_session
    pending = {
        model: model.objects.filter(status=RequestStatus.PENDING)
        for model in (ExtensionRequest, ReturnRequest)
    }
    assert pending[ExtensionRequest].count() >= 2
    assert pending[ReturnRequest].count() >= 1
    # Each asked for within the last days, so none has waited for months.
    for requests in pending.values():
        for request in requests:
            assert TODAY - timedelta(days=10) <= request.requested_on <= TODAY
    # An extension asked for after the due date is marked late; one asked before is not.
    assert {r.late for r in pending[ExtensionRequest]} == {True, False}
    to_review = Reply.objects.filter(needs_review=True, proposal__session=session)
    assert to_review.exists()
    assert all(reply.grade is None and reply.published_on is None for reply in to_review)


def test_members_are_mostly_satisfied_and_the_dissatisfied_are_handled_again(db, advanced_session):
    satisfaction = Counter(Feedback.objects.values_list("satisfaction", flat=True))
    assert (
        satisfaction[Feedback.Satisfaction.SATISFIED]
        > satisfaction[Feedback.Satisfaction.BASICALLY_SATISFIED]
        > satisfaction[Feedback.Satisfaction.NOT_SATISFIED]
        > 0
    )
    rehandled = Rehandling.objects.values_list("proposal", flat=True)
    assert Reply.objects.filter(round=2, proposal__in=rehandled).exists()
    assert Feedback.objects.filter(round=2).exists()


def test_some_proposals_are_overdue_by_different_days_and_some_fall_due_soon(db, advanced_session):
    session, _ = advanced_session
    proposals = Proposal.objects.filter(session=session).exclude(number__in=DEMO_NUMBERS)
    overdue = list(proposals.overdue(TODAY))
    assert len({p.days_overdue(TODAY) for p in overdue}) >= 5
    assert proposals.due_soon(TODAY).count() >= 3
    # Some replies came after the due date, some by an extended one.
    late = [
        reply
        for reply in Reply.objects.filter(round=1, proposal__in=proposals).select_related(
            "proposal"
        )
        if (lead := reply.proposal.assignments.get(bureau=reply.bureau_id)).on_time_by
        and reply.reply_date > lead.on_time_by
    ]
    assert late
    extended = ExtensionRequest.objects.filter(status=RequestStatus.APPROVED)
    assert {r.late for r in extended} == {True, False}


def test_demo_replies_read_like_letters_on_the_proposal(db, advanced_session):
    session, _ = advanced_session
    replies = Reply.objects.filter(proposal__session=session, source_sha256="").exclude(
        proposal__number__in=DEMO_NUMBERS
    )
    for reply in replies.select_related("proposal", "bureau").prefetch_related(
        "contacts", "proposal__proposer_links__member"
    ):
        text = reply.text
        first_proposer = reply.proposal.proposer_links.all()[0].member.name
        assert f"\n\n{first_proposer}" in text and "委员：\n\n您" in text
        assert reply.proposal.title in text and "答复如下：" in text
        assert "……" not in text and "{" not in text
        assert text.rstrip().endswith("印发")
        assert [c.unit for c in reply.contacts.all()] == [reply.bureau.name]
    # Paragraphs of the real letters stand in the replies on the economy.
    economy = replies.filter(proposal__category="经济发展")
    assert any("专精特新" in reply.text for reply in economy)


def test_proposals_answered_by_an_imported_letter_are_left_as_imported(db, advanced_session):
    answered = Reply.objects.exclude(source_sha256="").values_list("proposal", flat=True)
    assert answered
    assert Reply.objects.filter(proposal__in=answered, source_sha256="").count() == 0
    assert not Feedback.objects.filter(proposal__in=answered).exists()
