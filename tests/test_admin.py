from datetime import date, timedelta

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from proposals.access import SYSTEM
from proposals.models import (
    Assignment,
    Bureau,
    Feedback,
    Grade,
    ImportRun,
    Member,
    Proposal,
    Reply,
    Session,
)
from proposals.services import (
    extension_request_create,
    feedback_record,
    proposal_save,
    return_request_create,
)
from proposals.services.imports import Upload, import_run_preview


@pytest.fixture
def clerk_client(clerk):
    return clerk


def fill(make_proposal, make_assignment, make_reply, count: int, start: int = 0):
    """`count` proposals in various states, each with what every workbench list shows."""
    today = timezone.localdate()
    for i in range(count):
        member = Member.objects.create(name=f"委员{start + i}", body="cppcc", region="焦作市")
        proposal = make_proposal(number=1000 + start + i, proposers=[member])
        assignment = make_assignment(proposal, due_on=today - timedelta(days=i % 3))
        if i % 2:
            make_reply(
                proposal,
                contacts=[("市工信局", "李某", "3569133")],
                cc=[("市政协提案委", 1)],
                grade="A",
            )
            feedback_record(
                proposal=proposal,
                member=member,
                satisfaction="satisfied",
                source="paper",
                received_on=today,
                actor=SYSTEM,
            )
        extension_request_create(
            assignment=assignment,
            requested_due_on=assignment.due_on + timedelta(days=30),
            reason="理由",
            actor=SYSTEM,
            today=assignment.assigned_on,
        )
        return_request_create(
            assignment=assignment, reason="理由", actor=SYSTEM, today=assignment.assigned_on
        )
        import_run_preview(uploads=[Upload("a.txt", b"")], actor=SYSTEM)


def changelist_queries(client, name: str, **query) -> int:
    with CaptureQueriesContext(connection) as captured:
        response = client.get(reverse(f"admin:proposals_{name}_changelist"), query)
    assert response.status_code == 200
    return len(captured)


# The exact queries of each workbench list: the same with 3 rows or 43.
CHANGELIST_QUERIES = {
    "proposal": 9,
    "assignment": 8,
    "reply": 10,
    "contact": 7,
    "feedback": 8,
    "extensionrequest": 7,
    "returnrequest": 7,
    "importrun": 8,
    "replychange": 9,
}


@pytest.mark.parametrize("name", list(CHANGELIST_QUERIES))
def test_each_workbench_list_runs_a_fixed_number_of_queries(
    clerk_client, make_proposal, make_assignment, make_reply, name
):
    fill(make_proposal, make_assignment, make_reply, 3)
    query = {"attention": "all"} if name == "proposal" else {}
    few = changelist_queries(clerk_client, name, **query)
    fill(make_proposal, make_assignment, make_reply, 40, start=100)
    many = changelist_queries(clerk_client, name, **query)
    assert (few, many) == (CHANGELIST_QUERIES[name], CHANGELIST_QUERIES[name])


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
    proposal_save(proposal=proposal, proposers=[member], actor=SYSTEM)
    make_reply(proposal, doc_number="焦工信〔2022〕71号")
    feedback_record(
        proposal=proposal,
        member=member,
        satisfaction="satisfied",
        source="paper",
        received_on=date(2022, 9, 1),
        actor=SYSTEM,
    )
    response = clerk_client.get(reverse("admin:proposals_proposal_change", args=[proposal.pk]))
    page = response.content.decode()
    assert response.status_code == 200
    for text in ["交办", "焦工信〔2022〕71号", "反馈", "满意", "焦作市工业和信息化局"]:
        assert text in page


@pytest.mark.parametrize(
    "model", [Proposal, Assignment, Reply, Bureau, Member, Feedback, Session, Grade, ImportRun]
)
def test_every_admin_page_opens_for_a_clerk(clerk_client, model):
    opts = model._meta
    url = reverse(f"admin:{opts.app_label}_{opts.model_name}_changelist")
    assert clerk_client.get(url).status_code == 200
    assert (
        clerk_client.get(reverse(f"admin:{opts.app_label}_{opts.model_name}_add")).status_code
        == 200
    )


def test_contacts_are_looked_up_but_edited_only_on_their_reply(clerk_client):
    assert clerk_client.get(reverse("admin:proposals_contact_changelist")).status_code == 200
    assert clerk_client.get(reverse("admin:proposals_contact_add")).status_code == 403


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
        proposal=make_proposal(),
        bureau=bureau,
        role="lead",
        assigned_on=date(2022, 11, 30),
        actor=SYSTEM,
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
        proposal=make_proposal(),
        bureau=bureau,
        role="lead",
        assigned_on=date(2022, 11, 30),
        actor=SYSTEM,
    )
    request = extension_request_create(
        assignment=assignment,
        requested_due_on=date(2023, 3, 31),
        reason="等待政策",
        actor=SYSTEM,
        today=date(2023, 2, 1),
    )
    url = reverse("admin:proposals_extensionrequest_changelist")
    form = {"action": "approve", "_selected_action": [request.pk]}
    assert "审批意见" in clerk_client.post(url, form).content.decode()
    response = clerk_client.post(url, {**form, "apply": "1", "note": "同意"}, follow=True)
    assert "已处理 1 项" in response.content.decode()
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

    proposal = make_proposal(proposers=[member])
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
        proposal=make_proposal(), bureau=bureau, role="lead", assigned_on=today, actor=SYSTEM
    )
    request = return_request_create(
        assignment=assignment, reason="非本单位职责", actor=SYSTEM, today=today
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


@pytest.mark.parametrize(
    ("url", "title"),
    [
        ("admin:proposals_proposal_changelist", "提案/建议"),
        ("admin:proposals_importrun_changelist", "答复函导入"),
        ("admin:proposals_registerimport_changelist", "名单导入"),
        ("admin:proposals_bureau_changelist", "承办单位"),
    ],
)
def test_workbench_lists_are_titled_and_filtered_in_plain_chinese(clerk, url, title):
    page = clerk.get(reverse(url)).content.decode()
    assert f"<h1>{title}</h1>" in page
    assert "来修改" not in page and "以 " not in page


def test_a_list_longer_than_the_count_cap_reads_as_at_least_and_still_pages(
    clerk_client, make_proposal, monkeypatch
):
    from proposals.admin.base import CappedCountPaginator

    monkeypatch.setattr(CappedCountPaginator, "CAP", 3)
    for number in range(1, 6):
        make_proposal(number=number)
    url = reverse("admin:proposals_proposal_changelist")

    response = clerk_client.get(url, {"attention": "all"})

    assert response.context["cl"].result_count == 3
    assert "共 3 余 项" in response.content.decode()
    assert len(response.context["cl"].result_list) == 5  # a page holds them all
    few = clerk_client.get(url, {"attention": "all", "number": 1})
    assert "余 项" not in few.content.decode()


def test_the_category_filter_lists_each_category_in_use_once_for_every_reader(
    clerk_user, officer_user, make_proposal, make_assignment
):
    make_proposal(number=1, category="工业")
    make_proposal(number=2, category="教育")
    make_proposal(number=3, category="工业")
    make_assignment(make_proposal(number=4, category=""), due_on=date(2030, 1, 31))
    url = reverse("admin:proposals_proposal_changelist")

    from proposals.admin.proposals import CategoryFilter

    def categories(user) -> list[str]:
        client = Client()
        client.force_login(user)
        [spec] = [
            spec
            for spec in client.get(url, {"attention": "all"}).context["cl"].filter_specs
            if isinstance(spec, CategoryFilter)
        ]
        return [title for _, title in spec.lookup_choices]

    assert categories(clerk_user) == ["（未填写）", "工业", "教育"]
    assert categories(officer_user) == ["（未填写）"]  # only what the officer's bureau holds


def test_yes_no_columns_read_as_words_not_english_icon_text(clerk_client, make_proposal):
    make_proposal(number=1, is_key=True)
    make_proposal(number=2)

    page = clerk_client.get(
        reverse("admin:proposals_proposal_changelist"), {"attention": "all"}
    ).content.decode()

    assert page.count('<td class="field-key_column">重点提案</td>') == 1
    assert 'alt="True"' not in page and 'alt="False"' not in page


def test_the_workbench_finds_proposals_by_title_number_or_proposer_each_once(
    clerk_client, make_proposal
):
    zhang = Member.objects.create(name="张素平", body="cppcc", region="焦作市")
    wang = Member.objects.create(name="王张平", body="cppcc", region="焦作市")
    both = make_proposal(number=7, title="关于科技创新的提案", proposers=[zhang, wang])
    titled = make_proposal(number=8, title="关于张家村道路的提案")
    make_proposal(number=9, title="关于教育的提案")
    url = reverse("admin:proposals_proposal_changelist")

    def found(term: str) -> list[int]:
        response = clerk_client.get(url, {"q": term, "attention": "all"})
        return sorted(p.number for p in response.context["cl"].result_list)

    assert found("张") == [both.number, titled.number]  # two proposers named 张…, listed once
    assert found("科技") == [both.number]
    assert found("9") == [9]


def test_replies_are_filtered_by_first_handling_or_rehandling(
    clerk_client, make_proposal, make_reply
):
    proposal = make_proposal(number=1)
    first = make_reply(proposal, round=1)
    again = make_reply(proposal, round=2)
    url = reverse("admin:proposals_reply_changelist")

    def listed(round_: str) -> list:
        return list(clerk_client.get(url, {"round": round_}).context["cl"].result_list)

    assert listed("first") == [first]
    assert listed("again") == [again]
