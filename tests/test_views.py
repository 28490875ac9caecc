"""The web pages: home figures, the filtered list, the detail page, and who sees what."""

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from proposals.models import Bureau, Reply
from proposals.roles import Role, login_ensure
from proposals.services import proposals_assign, proposals_derived_refresh, reply_publish

TODAY = timezone.localdate()


@pytest.fixture
def clerk(client, db):
    client.force_login(login_ensure(username="clerk", password="x", role=Role.CLERK))
    return client


@pytest.fixture
def handled(make_proposal, bureau, member):
    """Three proposals: overdue, replied (and published), and not yet assigned."""
    late, answered, waiting = (
        make_proposal(title="迟了"),
        make_proposal(title="答了"),
        make_proposal(title="等着"),
    )
    for proposal in (late, answered, waiting):
        proposal.proposer_links.create(member=member, position=1)
    proposals_assign(proposals=[late], lead=bureau, assigned_on=TODAY - timedelta(days=120))
    proposals_assign(proposals=[answered], lead=bureau, assigned_on=TODAY - timedelta(days=30))
    reply = Reply.objects.create(proposal=answered, bureau=bureau, grade_id="A", text="答复正文")
    reply.contacts.create(unit="市工信局", name="李某", phone="3569133")
    proposals_derived_refresh(p.pk for p in (late, answered, waiting))
    return {"late": late, "answered": answered, "waiting": waiting, "reply": reply}


def listed(client, **query) -> list[str]:
    response = client.get(reverse("proposal-list"), query)
    assert response.status_code == 200
    return [p.title for p in response.context["object_list"]]


def test_the_home_page_counts_the_current_session_and_links_each_figure(clerk, handled):
    page = clerk.get(reverse("home"))
    figures = page.context["figures"]
    assert (figures["total"], figures["replied"], figures["outstanding"], figures["overdue"]) == (
        3,
        1,
        2,
        1,
    )
    assert "overdue=true" in page.content.decode()


@pytest.mark.parametrize(
    ("query", "titles"),
    [
        ({}, ["迟了", "答了", "等着"]),
        ({"overdue": "true"}, ["迟了"]),
        ({"status": "replied"}, ["答了"]),
        ({"status": "unassigned"}, ["等着"]),
        ({"grade": "A"}, ["答了"]),
        ({"turn": "assign"}, ["等着"]),
    ],
)
def test_the_list_filters(clerk, handled, query, titles):
    assert listed(clerk, **query) == titles


def test_filtering_by_bureau_and_member(clerk, handled, bureau, member):
    other = Bureau.objects.create(region="焦作市", name="焦作市商务局")
    assert listed(clerk, bureau=bureau.pk) == ["迟了", "答了"]
    assert listed(clerk, bureau=other.pk) == []
    assert listed(clerk, member=member.pk) == ["迟了", "答了", "等着"]


def test_invalid_filter_input_is_explained_not_a_server_error(clerk, handled):
    response = clerk.get(reverse("proposal-list"), {"status": "nonsense", "filed_min": "昨天"})
    assert response.status_code == 200
    assert "筛选条件有误" in response.content.decode()


def test_the_list_runs_the_same_queries_whatever_the_page_holds(clerk, make_proposal, member):
    def queries():
        with CaptureQueriesContext(connection) as captured:
            clerk.get(reverse("proposal-list"))
        return len(captured)

    for _ in range(3):
        make_proposal().proposer_links.create(member=member, position=1)
    few = queries()
    for _ in range(40):
        make_proposal().proposer_links.create(member=member, position=1)
    assert queries() == few


def test_the_detail_page_explains_deadlines_and_shows_the_reply(clerk, handled):
    page = clerk.get(reverse("proposal-detail", args=[handled["late"].pk])).content.decode()
    assert "期限如何计算" in page and "+ 3 个月" in page
    page = clerk.get(reverse("proposal-detail", args=[handled["answered"].pk])).content.decode()
    assert "答复正文" in page and "3569133" in page


def test_anonymous_visitors_see_only_published_replies_without_phone_numbers(client, handled):
    answered = handled["answered"]
    assert client.get(reverse("proposal-detail", args=[answered.pk])).status_code == 404
    assert listed(client) == []
    reply_publish(reply=handled["reply"], on=TODAY)
    assert listed(client) == ["答了"]
    page = client.get(reverse("proposal-detail", args=[answered.pk])).content.decode()
    assert "答复正文" in page and "李某" in page and "3569133" not in page
    for other in ("late", "waiting"):
        assert client.get(reverse("proposal-detail", args=[handled[other].pk])).status_code == 404


def test_a_bureau_officer_sees_only_their_bureaus_proposals(client, handled, bureau):
    other = Bureau.objects.create(region="焦作市", name="焦作市商务局")
    proposals_assign(proposals=[handled["waiting"]], lead=other, assigned_on=TODAY)
    client.force_login(
        login_ensure(username="gongxin", password="x", role=Role.BUREAU, bureau=bureau)
    )
    assert listed(client) == ["迟了", "答了"]
    assert client.get(reverse("proposal-detail", args=[handled["waiting"].pk])).status_code == 404
