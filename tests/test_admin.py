from datetime import date, timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from proposals.models import (
    Assignment,
    Bureau,
    Contact,
    Feedback,
    Grade,
    ImportRun,
    Member,
    Proposal,
    Reply,
    Session,
)
from proposals.roles import Role, login_ensure


@pytest.fixture
def clerk_client(client, db):
    clerk = login_ensure(username="clerk", password="pw-for-tests-only", role=Role.CLERK)
    client.force_login(clerk)
    return client


def fill(make_proposal, make_assignment, make_reply, count: int, start: int = 0):
    for i in range(count):
        proposal = make_proposal(number=1000 + start + i)
        make_assignment(proposal, due_on=timezone.localdate() - timedelta(days=i % 3))
        if i % 2:
            reply = make_reply(proposal)
            reply.contacts.create(unit="市工信局", name="李某", phone="3569133")
            reply.carbon_copies.create(recipient="市政协提案委", copies=1)
            member = Member.objects.create(name=f"委员{start + i}", body="cppcc", region="焦作市")
            Feedback.objects.create(proposal=proposal, member=member, satisfaction="satisfied")
        assignment = proposal.assignments.get()
        assignment.extension_requests.create(
            requested_due_on=timezone.localdate(), reason="理由", requested_on=timezone.localdate()
        )
        assignment.return_requests.create(reason="理由", requested_on=timezone.localdate())
        run = ImportRun.objects.create()
        run.files.create(position=1, name="a.txt", data=b"x", preview_status="rejected")


def changelist_queries(client, name: str) -> int:
    with CaptureQueriesContext(connection) as captured:
        response = client.get(reverse(f"admin:proposals_{name}_changelist"))
    assert response.status_code == 200
    return len(captured)


@pytest.mark.parametrize(
    "name",
    [
        "proposal",
        "assignment",
        "reply",
        "contact",
        "carboncopy",
        "feedback",
        "extensionrequest",
        "returnrequest",
        "importrun",
    ],
)
def test_admin_list_queries_do_not_grow_with_the_number_of_rows(
    clerk_client, make_proposal, make_assignment, make_reply, name
):
    fill(make_proposal, make_assignment, make_reply, 3)
    few = changelist_queries(clerk_client, name)
    fill(make_proposal, make_assignment, make_reply, 40, start=100)
    many = changelist_queries(clerk_client, name)
    assert many == few


def test_the_overdue_filter_lists_only_overdue_proposals(
    clerk_client, make_proposal, make_assignment
):
    late, on_time = make_proposal(number=1), make_proposal(number=2)
    make_assignment(late, due_on=timezone.localdate() - timedelta(days=1))
    make_assignment(on_time, due_on=timezone.localdate() + timedelta(days=40))
    response = clerk_client.get(
        reverse("admin:proposals_proposal_changelist"), {"status": "overdue"}
    )
    assert list(response.context["cl"].result_list) == [late]
    assert "已超期" in response.content.decode()


def test_the_proposal_page_shows_assignments_replies_and_feedback(
    clerk_client, make_proposal, make_assignment, make_reply, member
):
    proposal = make_proposal()
    make_assignment(proposal, due_on=date(2022, 10, 1))
    make_reply(proposal, doc_number="焦工信〔2022〕71号")
    Feedback.objects.create(proposal=proposal, member=member, satisfaction="satisfied")
    response = clerk_client.get(reverse("admin:proposals_proposal_change", args=[proposal.pk]))
    page = response.content.decode()
    assert response.status_code == 200
    for text in ["交办", "焦工信〔2022〕71号", "反馈", "满意", "焦作市工业和信息化局"]:
        assert text in page


@pytest.mark.parametrize(
    "model", [Proposal, Assignment, Reply, Bureau, Member, Feedback, Session, Grade, Contact]
)
def test_every_admin_page_opens_for_a_clerk(clerk_client, model):
    opts = model._meta
    url = reverse(f"admin:{opts.app_label}_{opts.model_name}_changelist")
    assert clerk_client.get(url).status_code == 200
    assert (
        clerk_client.get(reverse(f"admin:{opts.app_label}_{opts.model_name}_add")).status_code
        == 200
    )


def test_autocomplete_finds_bureaus_by_alias(clerk_client, bureau):
    bureau.aliases.create(name="市工信局")
    response = clerk_client.get(
        reverse("admin:autocomplete"),
        {
            "term": "工信",
            "app_label": "proposals",
            "model_name": "assignment",
            "field_name": "bureau",
        },
    )
    assert [r["text"] for r in response.json()["results"]] == ["焦作市工业和信息化局"]


def test_the_assignment_page_explains_its_due_date(clerk_client, make_proposal, bureau):
    from proposals.services import assignment_create

    assignment = assignment_create(
        proposal=make_proposal(), bureau=bureau, role="lead", assigned_on=date(2022, 11, 30)
    )
    page = clerk_client.get(
        reverse("admin:proposals_assignment_change", args=[assignment.pk])
    ).content.decode()
    assert "期限如何计算" in page
    assert "2022年11月30日 + 3 个月 = 2023年2月28日（2月没有30日，取当月最后一天）" in page


def test_a_clerk_approves_an_extension_from_the_queue(clerk_client, make_proposal, bureau):
    from proposals.models import ExtensionRequest
    from proposals.services import assignment_create, extension_request_create

    assignment = assignment_create(
        proposal=make_proposal(), bureau=bureau, role="lead", assigned_on=date(2022, 11, 30)
    )
    request = extension_request_create(
        assignment=assignment,
        requested_due_on=date(2023, 3, 31),
        reason="等待政策",
        user=None,
        today=date(2023, 2, 1),
    )
    response = clerk_client.post(
        reverse("admin:proposals_extensionrequest_changelist"),
        {"action": "approve", "_selected_action": [request.pk]},
        follow=True,
    )
    assert "已批准 1 项申请" in response.content.decode()
    assignment.refresh_from_db()
    assert assignment.due_on == date(2023, 3, 31)
    assert ExtensionRequest.objects.get().status == "approved"


def test_the_proposal_list_shows_what_needs_attention_by_default(
    clerk_client, make_proposal, make_assignment
):
    late, calm = make_proposal(number=1), make_proposal(number=2)
    make_assignment(late, due_on=timezone.localdate() - timedelta(days=1))
    make_assignment(calm, due_on=timezone.localdate() + timedelta(days=60))
    url = reverse("admin:proposals_proposal_changelist")
    assert list(clerk_client.get(url).context["cl"].result_list) == [late]
    everything = clerk_client.get(url, {"attention": "all"}).context["cl"].result_list
    assert set(everything) == {late, calm}
    page = clerk_client.get(url).content.decode()
    assert "主办单位：答复（焦作市工业和信息化局）" in page


def test_not_satisfied_feedback_entered_in_the_admin_opens_rehandling(
    clerk_client, make_proposal, make_reply, member
):
    from proposals.models import Rehandling

    proposal = make_proposal()
    proposal.proposer_links.create(member=member, position=1)
    url = reverse("admin:proposals_feedback_add")
    form = {
        "proposal": proposal.pk,
        "member": member.pk,
        "satisfaction": "not_satisfied",
        "source": "paper",
        "received_on": "2022-07-31",
        "comment": "",
    }
    response = clerk_client.post(url, form)
    assert "尚未答复" in response.content.decode()
    make_reply(proposal)
    assert clerk_client.post(url, form).status_code == 302
    rehandling = Rehandling.objects.get()
    assert (rehandling.proposal, rehandling.due_on) == (proposal, date(2022, 8, 31))


def test_approving_a_return_reassigns_in_the_same_step(clerk_client, make_proposal, bureau):
    from proposals.services import assignment_create, return_request_create

    commerce = Bureau.objects.create(region="焦作市", name="焦作市商务局")
    today = timezone.localdate()
    assignment = assignment_create(
        proposal=make_proposal(), bureau=bureau, role="lead", assigned_on=today
    )
    request = return_request_create(
        assignment=assignment, reason="非本单位职责", user=None, today=today
    )
    url = reverse("admin:proposals_returnrequest_changelist")
    form = {"action": "approve", "_selected_action": [request.pk]}
    assert "改交给" in clerk_client.post(url, form).content.decode()
    clerk_client.post(url, {**form, "apply": "1", "reassign_to": commerce.pk, "note": "改交商务局"})
    request.refresh_from_db()
    assert (request.status, request.reassigned_to.bureau) == ("approved", commerce)
    page = clerk_client.get(
        reverse("admin:proposals_proposal_change", args=[assignment.proposal_id])
    ).content.decode()
    assert "现在轮到" in page and "主办单位：答复（焦作市商务局）" in page
