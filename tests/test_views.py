"""The web pages: home figures, the filtered list, the detail page, and who sees what."""

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from proposals.access import SYSTEM
from proposals.models import Bureau
from proposals.services import proposals_assign, reply_publish

TODAY = timezone.localdate()


@pytest.fixture
def handled(make_proposal, make_reply, bureau, member):
    """Three proposals: overdue, replied (not yet published), and not yet assigned."""
    late, answered, waiting = (
        make_proposal(title="迟了", proposers=[member]),
        make_proposal(title="答了", proposers=[member]),
        make_proposal(title="等着", proposers=[member]),
    )
    proposals_assign(
        proposals=[late], lead=bureau, assigned_on=TODAY - timedelta(days=120), actor=SYSTEM
    )
    proposals_assign(
        proposals=[answered], lead=bureau, assigned_on=TODAY - timedelta(days=30), actor=SYSTEM
    )
    reply = make_reply(
        answered,
        grade="A",
        text="答复正文\n联系人：李某，联系电话：3569133",
        contacts=[("市工信局", "李某", "3569133")],
    )
    return {"late": late, "answered": answered, "waiting": waiting, "reply": reply}


def listed(client, **query) -> list[str]:
    response = client.get(reverse("proposal-list"), query)
    assert response.status_code == 200
    return [p.title for p in response.context["object_list"]]


def test_every_home_figure_equals_the_count_of_the_list_it_links_to(clerk, handled):
    page = clerk.get(reverse("home"))
    figures = page.context["figures"]
    assert [(f.label, f.count) for f in figures][:4] == [
        ("件提案/建议", 3),
        ("已答复", 1),
        ("未答复", 2),
        ("已超期", 1),
    ]
    for figure in figures:
        assert f'href="/proposals/?{figure.query.replace("&", "&amp;")}"' in page.content.decode()
        listing = clerk.get(f"{reverse('proposal-list')}?{figure.query}")
        assert listing.context["paginator"].count == figure.count, figure.label


@pytest.mark.parametrize(
    ("query", "titles"),
    [
        ({}, ["迟了", "答了", "等着"]),
        ({"overdue": "yes"}, ["迟了"]),
        ({"overdue": "no"}, ["答了", "等着"]),
        ({"replied": "yes"}, ["答了"]),
        ({"replied": "no"}, ["迟了", "等着"]),
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
        make_proposal(proposers=[member])
    few = queries()
    for _ in range(40):
        make_proposal(proposers=[member])
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
    reply_publish(reply=handled["reply"], on=TODAY, actor=SYSTEM)
    assert listed(client) == ["答了"]
    page = client.get(reverse("proposal-detail", args=[answered.pk])).content.decode()
    assert "答复正文" in page and "李某" in page and "3569133" not in page
    assert "联系电话：*******" in page
    for other in ("late", "waiting"):
        assert client.get(reverse("proposal-detail", args=[handled[other].pk])).status_code == 404


def test_anonymous_visitors_get_only_the_public_filters(client, handled):
    reply_publish(reply=handled["reply"], on=TODAY, actor=SYSTEM)
    form = client.get(reverse("proposal-list")).context["filter"].form
    assert "satisfaction" not in form.fields and "turn" not in form.fields
    assert "member" not in form.fields and "overdue" not in form.fields
    assert "q" in form.fields and "bureau" in form.fields
    # A clerk's filter in a public URL is ignored, not applied.
    assert listed(client, satisfaction="not_satisfied") == ["答了"]


def test_a_bureau_officer_sees_only_their_bureaus_proposals(officer, handled, bureau):
    other = Bureau.objects.create(region="焦作市", name="焦作市商务局")
    proposals_assign(proposals=[handled["waiting"]], lead=other, assigned_on=TODAY, actor=SYSTEM)
    assert listed(officer) == ["迟了", "答了"]
    assert officer.get(reverse("proposal-detail", args=[handled["waiting"].pk])).status_code == 404


def test_the_public_home_page_shows_only_figures_whose_list_the_public_can_open(client, handled):
    reply_publish(reply=handled["reply"], on=TODAY, actor=SYSTEM)
    figures = client.get(reverse("home")).context["figures"]
    assert [(f.label, f.count) for f in figures] == [("件提案/建议", 1)]
