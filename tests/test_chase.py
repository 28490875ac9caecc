"""The chase list: overdue and due-soon items with their bureau, its contact and the last
action; its workbook; and the 催办通知 a clerk prints for one bureau."""

import io
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from proposals.access import SYSTEM
from proposals.models import Bureau
from proposals.services import extension_request_create, proposals_assign
from proposals.views import ChaseView

TODAY = timezone.localdate()


@pytest.fixture
def late_and_soon(make_proposal, make_reply, bureau, member, officer_user):
    late, soon, fine = (
        make_proposal(title=t, proposers=[member]) for t in ("超期的", "快到期的", "不急的")
    )
    proposals_assign(
        proposals=[late], lead=bureau, assigned_on=TODAY - timedelta(days=100), actor=SYSTEM
    )
    proposals_assign(
        proposals=[soon], lead=bureau, assigned_on=TODAY - timedelta(days=80), actor=SYSTEM
    )
    proposals_assign(
        proposals=[fine], lead=bureau, assigned_on=TODAY - timedelta(days=5), actor=SYSTEM
    )
    # The bureau's contact, as its last letter gives it.
    earlier = make_proposal(title="答过的", proposers=[member])
    proposals_assign(
        proposals=[earlier], lead=bureau, assigned_on=TODAY - timedelta(days=20), actor=SYSTEM
    )
    make_reply(earlier, grade="A", contacts=[("市工信局", "李端阳", "3569133")])
    extension_request_create(
        assignment=late.assignments.get(),
        requested_due_on=TODAY + timedelta(days=30),
        reason="需要调研",
        today=TODAY - timedelta(days=2),
        actor=officer_user,
    )
    return late, soon


def test_the_chase_list_shows_who_to_chase_how_to_reach_them_and_what_last_happened(
    clerk, late_and_soon
):
    late, soon = late_and_soon
    rows = clerk.get(reverse("chase")).context["rows"]
    assert [row.proposal for row in rows] == [late, soon]
    first = rows[0]
    late.refresh_from_db()
    assert first.overdue and first.days == (TODAY - late.pending_due_date).days
    assert first.contact == "李端阳 3569133"
    assert first.last_action == "焦作市工业和信息化局申请延期"
    assert not rows[1].overdue and rows[1].days_left >= 0
    page = clerk.get(reverse("chase")).content.decode()
    assert f"已超期 {first.days} 天" in page and "打印催办通知" in page


def test_the_chase_list_is_paged_in_a_constant_number_of_queries(
    clerk, late_and_soon, monkeypatch, django_assert_num_queries
):
    # A province's session has thousands of items to chase: a page shows a few, the count
    # and the bureaus are of all of them, and the queries do not grow with the page.
    late, soon = late_and_soon
    monkeypatch.setattr(ChaseView, "paginate_by", 1)
    first = clerk.get(reverse("chase"))
    assert [row.proposal for row in first.context["rows"]] == [late]
    assert "共 2 件" in first.content.decode() and "下一页" in first.content.decode()
    assert [row.proposal for row in clerk.get(reverse("chase"), {"page": 2}).context["rows"]] == [
        soon
    ]
    for size in (1, 50):
        monkeypatch.setattr(ChaseView, "paginate_by", size)
        with django_assert_num_queries(10):
            clerk.get(reverse("chase"))


def test_the_chase_list_downloads_as_a_workbook(clerk, late_and_soon):
    response = clerk.get(reverse("chase-export"))
    rows = list(load_workbook(io.BytesIO(response.content)).active.iter_rows(values_only=True))
    assert rows[0][:6] == ("会议", "编号", "案由", "主办单位", "答复期限", "超期天数")
    assert [row[2] for row in rows[1:]] == ["超期的", "快到期的"]
    assert rows[2][5] == 0


def test_a_clerk_prints_a_notice_for_one_bureau(clerk, late_and_soon, bureau):
    other = Bureau.objects.create(region="焦作市", name="焦作市财政局")
    page = clerk.get(reverse("chase-notice", args=[bureau.pk])).content.decode()
    assert "催办通知" in page and "焦作市工业和信息化局：" in page and "2 件" in page
    assert "超期的" in page and "不急的" not in page
    assert "没有需要催办" in clerk.get(reverse("chase-notice", args=[other.pk])).content.decode()


def test_only_clerks_print_notices_and_the_public_sees_no_chase_list(
    client, officer, late_and_soon, bureau
):
    assert officer.get(reverse("chase-notice", args=[bureau.pk])).status_code == 403
    client.logout()
    assert client.get(reverse("chase")).status_code == 302


def test_on_a_day_lead_and_co_handler_were_assigned_the_lead_is_named(
    clerk, make_proposal, bureau, member
):
    co_handler = Bureau.objects.create(region="焦作市", name="焦作市商务局")
    late = make_proposal(title="两家办的", proposers=[member])
    proposals_assign(
        proposals=[late],
        lead=bureau,
        co_handlers=[co_handler],
        assigned_on=TODAY - timedelta(days=100),
        actor=SYSTEM,
    )
    row = clerk.get(reverse("chase")).context["rows"][0]
    assert row.last_action == "交办焦作市工业和信息化局"


def test_an_officer_chases_their_own_items_with_no_bureau_to_pick(
    clerk_user, officer_user, late_and_soon
):
    from django.test import Client

    def page(user) -> str:
        client = Client()
        client.force_login(user)
        return client.get(reverse("chase")).content.decode()

    assert 'id="chase-bureau"' in page(clerk_user)
    officers = page(officer_user)
    assert 'id="chase-bureau"' not in officers and "超期的" in officers
