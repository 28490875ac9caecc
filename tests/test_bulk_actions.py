"""Bulk actions in the admin: assign, extend, close, grade, publish, export."""

import csv
import io
from datetime import date

import openpyxl
import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from proposals.access import SYSTEM
from proposals.models import Bureau, ExtensionRequest, Proposal, Reply
from proposals.roles import Role, login_ensure
from proposals.services import proposals_assign

PROPOSALS = "admin:proposals_proposal_changelist"
REPLIES = "admin:proposals_reply_changelist"


@pytest.fixture
def clerk(client, db):
    client.force_login(login_ensure(username="clerk", password="x", role=Role.CLERK))
    return client


def act(client, url_name, action, objects, **form):
    data = {"action": action, "_selected_action": [o.pk for o in objects], **form}
    everything = "?attention=all" if url_name == PROPOSALS else ""
    return client.post(reverse(url_name) + everything, data, follow=True)


def test_assigning_many_proposals_at_once(clerk, make_proposal, bureau):
    commerce = Bureau.objects.create(region="焦作市", name="焦作市商务局")
    proposals = [make_proposal() for _ in range(3)]
    page = act(clerk, PROPOSALS, "assign", proposals)
    assert "交办所选提案" in page.content.decode()  # the form comes first
    page = act(
        clerk,
        PROPOSALS,
        "assign",
        proposals,
        apply="1",
        lead=bureau.pk,
        co_handlers=[commerce.pk],
        assigned_on="2022-11-30",
    )
    assert "已处理 3 项" in page.content.decode()
    for proposal in proposals:
        lead = proposal.assignments.get(role="lead")
        assert (lead.bureau, lead.due_on) == (bureau, date(2023, 2, 28))
        assert lead.history.latest().history_user.username == "clerk"


def test_extending_many_proposals_records_approved_requests(clerk, make_proposal, bureau):
    proposals = [make_proposal() for _ in range(2)]
    proposals_assign(proposals=proposals, lead=bureau, assigned_on=date(2022, 4, 15), actor=SYSTEM)
    act(
        clerk, PROPOSALS, "extend", proposals, apply="1", due_on="2022-09-30", reason="汛期施工受限"
    )
    assert {p.assignments.get().due_on for p in proposals} == {date(2022, 9, 30)}
    assert ExtensionRequest.objects.filter(status="approved").count() == 2
    page = act(clerk, PROPOSALS, "extend", proposals, apply="1", due_on="2023-01-31", reason="再延")
    assert "不能超过交办后 6 个月" in page.content.decode()


def test_closing_refuses_what_has_no_reply(clerk, make_proposal, make_reply):
    replied, silent = make_proposal(), make_proposal()
    make_reply(replied)
    page = act(clerk, PROPOSALS, "close", [replied, silent]).content.decode()
    assert "确定" in page and "尚未答复，不能办结" in page  # a confirmation page first
    assert Proposal.objects.filter(closed_on__isnull=False).count() == 0
    page = act(clerk, PROPOSALS, "close", [replied, silent], apply="1").content.decode()
    assert "已处理 1 项" in page and "尚未答复" in page
    replied.refresh_from_db()
    assert replied.closed_on == timezone.localdate()


def test_setting_a_grade_and_publishing_replies(clerk, make_proposal, make_reply):
    replies = [make_reply(make_proposal()) for _ in range(2)]
    act(clerk, REPLIES, "set_grade", replies, apply="1", grade="B")
    page = act(clerk, REPLIES, "publish", replies).content.decode()
    assert "公开所选答复" in page and not Reply.objects.filter(published_on__isnull=False).exists()
    act(clerk, REPLIES, "publish", replies, apply="1")
    for reply in Reply.objects.all():
        assert (reply.grade_id, reply.published_on) == ("B", timezone.localdate())
        assert reply.history.latest().grade_id == "B"


def test_only_clerks_assign_and_publish(client, make_proposal, make_reply, bureau):
    proposal = make_proposal()
    reply = make_reply(proposal)
    proposals_assign(proposals=[proposal], lead=bureau, assigned_on=date(2022, 4, 15), actor=SYSTEM)
    client.force_login(login_ensure(username="leader", password="x", role=Role.VIEWER))
    page = client.get(reverse(PROPOSALS) + "?attention=all").content.decode()
    assert 'value="assign"' not in page and 'value="export_csv"' in page
    client.force_login(
        login_ensure(username="gongxin", password="x", role=Role.BUREAU, bureau=bureau)
    )
    assert 'value="publish"' not in client.get(reverse(REPLIES)).content.decode()
    act(client, REPLIES, "publish", [reply])
    reply.refresh_from_db()
    assert reply.published_on is None


def exported_csv(client, objects) -> list[list[str]]:
    response = act(client, PROPOSALS, "export_csv", objects)
    text = b"".join(response.streaming_content).decode("utf-8-sig")
    return list(csv.reader(io.StringIO(text)))


def test_the_csv_export_has_chinese_headers_every_date_and_no_formulas(
    clerk, make_proposal, make_reply, bureau
):
    proposal = make_proposal(title='=HYPERLINK("http://x")', filed_on=date(2022, 2, 1))
    proposals_assign(proposals=[proposal], lead=bureau, assigned_on=date(2022, 4, 15), actor=SYSTEM)
    make_reply(proposal, reply_date=date(2022, 6, 30), grade="A")
    header, row = exported_csv(clerk, [proposal])
    record = dict(zip(header, row, strict=True))
    assert record["案由"].startswith("'=")
    assert (record["立案日期"], record["交办日期"], record["答复期限"], record["答复日期"]) == (
        "2022-02-01",
        "2022-04-15",
        "2022-07-15",
        "2022-06-30",
    )
    assert (record["主办单位"], record["办理结果"], record["办理状态"]) == (
        "焦作市工业和信息化局",
        "A",
        "已答复",
    )


def test_the_xlsx_export_opens_with_the_same_rows(clerk, make_proposal):
    proposals = [make_proposal() for _ in range(3)]
    response = act(clerk, PROPOSALS, "export_xlsx", proposals)
    sheet = openpyxl.load_workbook(io.BytesIO(response.content)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][:3] == ("会议", "编号", "案由")
    assert len(rows) == 4


def test_export_queries_do_not_grow_with_the_selection(clerk, make_proposal, make_reply, bureau):
    def queries(count):
        proposals = [make_proposal() for _ in range(count)]
        proposals_assign(
            proposals=proposals, lead=bureau, assigned_on=date(2022, 4, 15), actor=SYSTEM
        )
        for proposal in proposals:
            make_reply(proposal)
        with CaptureQueriesContext(connection) as captured:
            exported_csv(clerk, proposals)
        return len(captured)

    assert queries(2) == queries(20)
