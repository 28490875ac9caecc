"""Every workbench form and inline, posted as a browser posts it: each write goes through its
service, so the rule holds whichever page the clerk or the bureau used."""

from datetime import date, timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from proposals.access import SYSTEM
from proposals.models import (
    Assignment,
    Bureau,
    ExtensionRequest,
    Feedback,
    HandlingStatus,
    Proposal,
    Rehandling,
    Reply,
    ReplyChange,
    ReturnRequest,
)
from proposals.services import feedback_record, proposals_assign

TODAY = timezone.localdate()


def form_data(response) -> dict:
    """The POST a browser would send for this admin page as it stands: every field of the
    form and of each inline, with the inline management forms."""
    data = {}
    form = response.context["adminform"].form
    for name, field in form.fields.items():
        value = form[name].value()
        if value is None:
            continue
        if isinstance(value, list | tuple):
            data[name] = [str(v) for v in value]
        elif isinstance(value, bool):
            if value:
                data[name] = "on"
        else:
            data[name] = (
                field.widget.format_value(value) if hasattr(field.widget, "format_value") else value
            )
    for inline in response.context["inline_admin_formsets"]:
        formset = inline.formset
        management = formset.management_form
        for name in management.fields:
            data[f"{formset.prefix}-{name}"] = management[name].value()
        for subform in formset.forms:
            for name in subform.fields:
                value = subform[name].value()
                if value not in (None, False):
                    data[subform.add_prefix(name)] = "on" if value is True else value
    return {key: ("" if value is None else value) for key, value in data.items()}


@pytest.fixture
def assigned(make_proposal, bureau, member):
    proposal = make_proposal(proposers=[member])
    proposals_assign(
        proposals=[proposal], lead=bureau, assigned_on=TODAY - timedelta(days=100), actor=SYSTEM
    )
    return proposal


def test_a_proposal_cannot_be_closed_by_editing_its_closing_date(clerk, assigned):
    url = reverse("admin:proposals_proposal_change", args=[assigned.pk])
    data = form_data(clerk.get(url))
    assert "closed_on" not in data
    data.update({"closed_on": TODAY.isoformat(), "title": "关于改过标题的提案"})
    assert clerk.post(url, data).status_code == 302
    stored = Proposal.objects.get()
    assert stored.closed_on is None and stored.status == HandlingStatus.ASSIGNED
    assert stored.title == "关于改过标题的提案"
    assert stored.history.latest().history_user.username == "clerk"


def test_proposers_edited_on_the_proposal_page_are_saved_in_order(clerk, assigned, member):
    from proposals.models import Member

    other = Member.objects.create(name="李秀萍", body="cppcc", region="焦作市")
    url = reverse("admin:proposals_proposal_change", args=[assigned.pk])
    data = form_data(clerk.get(url))
    data.update(
        {
            "proposer_links-TOTAL_FORMS": "2",
            "proposer_links-1-member": str(other.pk),
            "proposer_links-1-position": "1",
            "proposer_links-0-position": "2",
        }
    )
    assert clerk.post(url, data).status_code == 302
    assert [
        m.name for m in Proposal.objects.get().proposers.order_by("proposer_links__position")
    ] == [
        "李秀萍",
        "张素平",
    ]


def test_the_proposal_page_offers_no_editable_assignment_reply_or_feedback_rows(clerk, assigned):
    response = clerk.get(reverse("admin:proposals_proposal_change", args=[assigned.pk]))
    editable = {
        inline.formset.model.__name__
        for inline in response.context["inline_admin_formsets"]
        if inline.has_add_permission or inline.has_change_permission
    }
    assert editable == {"ProposalProposer"}


def test_a_new_proposal_is_registered_through_the_service(clerk, session):
    url = reverse("admin:proposals_proposal_add")
    data = form_data(clerk.get(url))
    data.update({"session": str(session.pk), "number": "88", "title": "关于新登记的提案"})
    assert clerk.post(url, data).status_code == 302
    proposal = Proposal.objects.get(number=88)
    assert proposal.status == HandlingStatus.UNASSIGNED
    assert proposal.search_documents.count() == 1


def test_a_lead_assignment_added_in_the_workbench_gets_its_due_date(clerk, make_proposal, bureau):
    proposal = make_proposal()
    url = reverse("admin:proposals_assignment_add")
    data = form_data(clerk.get(url))
    data.update(
        {
            "proposal": str(proposal.pk),
            "bureau": str(bureau.pk),
            "role": "lead",
            "assigned_on": "2022-11-30",
        }
    )
    assert clerk.post(url, data).status_code == 302
    assignment = Assignment.objects.get()
    assert (assignment.due_on, assignment.on_time_by) == (date(2023, 2, 28), date(2023, 2, 28))
    assert Proposal.objects.get().pending_due_date == date(2023, 2, 28)
    # A second lead is refused with the service's own message.
    other = Bureau.objects.create(region="焦作市", name="焦作市商务局")
    data["bureau"] = str(other.pk)
    assert "已有主办单位" in clerk.post(url, data).content.decode()


def test_an_assignment_page_cannot_move_a_due_date_or_return_it(clerk, assigned):
    assignment = assigned.assignments.get()
    url = reverse("admin:proposals_assignment_change", args=[assignment.pk])
    data = form_data(clerk.get(url))
    data.update({"due_on": "2030-01-01", "returned_on": TODAY.isoformat()})
    assert clerk.post(url, data).status_code == 302
    assignment.refresh_from_db()
    assert assignment.due_on != date(2030, 1, 1) and assignment.returned_on is None


def test_an_imported_assignment_gets_its_date_and_due_date_from_the_clerk(
    clerk, make_proposal, make_assignment
):
    assignment = make_assignment(make_proposal(), due_on=None)
    url = reverse("admin:proposals_assignment_change", args=[assignment.pk])
    data = form_data(clerk.get(url))
    data["assigned_on"] = "2022-04-15"
    assert clerk.post(url, data).status_code == 302
    assignment.refresh_from_db()
    assert assignment.due_on == date(2022, 7, 15)


def test_not_satisfied_feedback_recorded_in_the_workbench_opens_rehandling(
    clerk, assigned, make_reply, member
):
    make_reply(assigned)
    url = reverse("admin:proposals_feedback_add")
    data = form_data(clerk.get(url))
    data.update(
        {
            "proposal": str(assigned.pk),
            "member": str(member.pk),
            "satisfaction": "not_satisfied",
            "source": "paper",
            "received_on": "2022-07-31",
        }
    )
    assert clerk.post(url, data).status_code == 302
    assert Rehandling.objects.get().due_on == date(2022, 8, 31)
    assert Proposal.objects.get().current_turn == "rehandling"


def test_recorded_feedback_is_corrected_by_deleting_it_which_withdraws_its_rehandling(
    clerk, assigned, make_reply, member
):
    make_reply(assigned)
    feedback = feedback_record(
        proposal=assigned,
        member=member,
        satisfaction="not_satisfied",
        source="paper",
        received_on=TODAY,
        actor=SYSTEM,
    )
    assert (
        clerk.get(reverse("admin:proposals_feedback_change", args=[feedback.pk])).context[
            "has_change_permission"
        ]
        is False
    )
    url = reverse("admin:proposals_feedback_delete", args=[feedback.pk])
    assert clerk.post(url, {"post": "yes"}).status_code == 302
    assert not Feedback.objects.exists() and not Rehandling.objects.exists()
    assert Proposal.objects.get().status == HandlingStatus.REPLIED


def test_a_bureau_officer_edits_their_reply_which_goes_back_for_review(
    officer, assigned, make_reply
):
    reply = make_reply(assigned, text="原答复", grade="A", contacts=[("", "李某", "3569133")])
    from proposals.services import reply_review_done

    reply_review_done(reply=reply, actor=SYSTEM)
    url = reverse("admin:proposals_reply_change", args=[reply.pk])
    data = form_data(officer.get(url))
    assert "grade" not in data and "published_on" not in data
    data.update(
        {
            "text": "修改后的答复",
            "proposed_grade": "B",
            "grade": "C",
            "published_on": TODAY.isoformat(),
            "contacts-0-phone": "3569999",
        }
    )
    assert officer.post(url, data).status_code == 302
    reply.refresh_from_db()
    assert (reply.text, reply.proposed_grade_id, reply.grade_id) == ("修改后的答复", "B", "A")
    assert reply.published_on is None and reply.needs_review
    assert reply.contacts.get().phone == "3569999"
    change = ReplyChange.objects.get()
    assert change.kind == "bureau" and change.recorded_by.username == "gongxin"
    assert set(change.changes) == {"text", "proposed_grade_id", "contacts"}
    assert Proposal.objects.get().current_turn == "review"


def test_a_clerk_correction_in_the_reply_form_is_kept_against_a_later_letter(
    clerk, assigned, make_reply
):
    reply = make_reply(assigned, doc_number="焦工信〔2022〕7号")
    url = reverse("admin:proposals_reply_change", args=[reply.pk])
    data = form_data(clerk.get(url))
    data["doc_number"] = "焦工信〔2022〕71号"
    assert clerk.post(url, data).status_code == 302
    reply.refresh_from_db()
    assert reply.doc_number == "焦工信〔2022〕71号"
    assert reply.corrected_fields == ["doc_number"]
    assert ReplyChange.objects.get().kind == "clerk"


def test_a_bureau_officer_answers_online_only_what_is_assigned_to_them(officer, assigned, bureau):
    url = reverse("admin:proposals_reply_add")
    data = form_data(officer.get(url))
    data.update(
        {
            "proposal": str(assigned.pk),
            "bureau": str(bureau.pk),
            "text": "现答复如下：……",
            "reply_date": TODAY.isoformat(),
            "completeness": "complete",
            "proposed_grade": "A",
            "contacts-TOTAL_FORMS": "1",
            "contacts-0-position": "1",
            "contacts-0-name": "李某",
            "contacts-0-phone": "3569133",
        }
    )
    assert officer.post(url, data).status_code == 302
    reply = Reply.objects.get()
    assert (reply.round, reply.proposed_grade_id, reply.grade_id) == (1, "A", None)
    assert reply.needs_review and reply.contacts.get().name == "李某"
    assert Proposal.objects.get().status == HandlingStatus.REPLIED
    assert "已经录入" in officer.post(url, data).content.decode()


def test_bureau_requests_added_in_the_workbench_follow_the_rules(officer, assigned):
    assignment = assigned.assignments.get()
    url = reverse("admin:proposals_extensionrequest_add")
    data = form_data(officer.get(url))
    data.update(
        {
            "assignment": str(assignment.pk),
            "requested_due_on": (assignment.due_on + timedelta(days=20)).isoformat(),
            "reason": "需征求意见",
        }
    )
    assert officer.post(url, data).status_code == 302
    request = ExtensionRequest.objects.get()
    assert request.requested_by.username == "gongxin" and request.late is True
    url = reverse("admin:proposals_returnrequest_add")
    data = form_data(officer.get(url))
    data.update({"assignment": str(assignment.pk), "reason": "不属于本单位"})
    assert "10 天内" in officer.post(url, data).content.decode()
    assert not ReturnRequest.objects.exists()


def test_a_clerk_approving_a_late_extension_must_give_a_reason(clerk, assigned):
    from proposals.services import extension_request_create

    assignment = assigned.assignments.get()
    request = extension_request_create(
        assignment=assignment,
        requested_due_on=assignment.due_on + timedelta(days=20),
        reason="需征求意见",
        actor=SYSTEM,
        today=TODAY,
    )
    url = reverse("admin:proposals_extensionrequest_changelist")
    form = {"action": "approve", "_selected_action": [request.pk], "apply": "1"}
    page = clerk.post(url, {**form, "note": ""}, follow=True).content.decode()
    assert "逾期后的延期" in page
    clerk.post(url, {**form, "note": "特殊情况，批准"})
    request.refresh_from_db()
    assert (request.status, request.late) == ("approved", True)
    assignment.refresh_from_db()
    assert assignment.on_time_by < assignment.due_on


def test_a_clerk_files_a_held_letter_from_its_page(clerk, session, bureau):
    from proposals.importing import LetterImporter
    from proposals.models import HeldLetter
    from proposals.services import proposal_save
    from tests.test_importing import SEEDS

    text = (SEEDS / "000_ee2ad97ee7362e9f.txt").read_text().replace("第252号", "")
    LetterImporter(actor=SYSTEM).import_letter(name="no-number.txt", data=text.encode())
    held = HeldLetter.objects.get()
    proposal = proposal_save(
        proposal=Proposal(session=session, number=252, title="关于加强科技创新促进企业发展"),
        actor=SYSTEM,
    )
    url = reverse("admin:proposals_heldletter_change", args=[held.pk])
    page = clerk.get(url)
    assert "焦工信〔2022〕71号" in page.content.decode()
    assert "读取方式" in page.content.decode()
    data = form_data(page)
    form = page.context["adminform"].form
    # The proposal the letter's title names and the bureau it names are offered.
    assert (form["proposal"].value(), form["issuer"].value()) == (proposal.pk, bureau.pk)
    assert form["handling_round"].value() == 1
    data["proposal"] = ""
    assert "这个字段是必填项" in clerk.post(url, data).content.decode()
    data.update({"proposal": str(proposal.pk), "issuer": str(bureau.pk)})
    assert clerk.post(url, data).status_code == 302
    held.refresh_from_db()
    assert held.status == "done" and held.reply.proposal.number == 252
    assert clerk.get(url).context["has_change_permission"] is False


def test_reference_data_is_kept_by_clerks_with_its_constraints(clerk, officer_user, bureau):
    url = reverse("admin:proposals_bureau_change", args=[bureau.pk])
    data = form_data(clerk.get(url))
    data.update({"aliases-TOTAL_FORMS": "1", "aliases-0-name": "市工信局"})
    assert clerk.post(url, data).status_code == 302
    assert list(bureau.aliases.values_list("name", flat=True)) == ["市工信局"]
    add = reverse("admin:proposals_bureau_add")
    data = form_data(clerk.get(add))
    data.update({"region": "焦作市", "name": "焦作市工业和信息化局", "aliases-TOTAL_FORMS": "0"})
    assert "已经存在" in clerk.post(add, data).content.decode()
    clerk.force_login(officer_user)
    assert clerk.post(add, data).status_code == 403
