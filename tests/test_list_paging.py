"""Paging through the proposal list: every proposal on exactly one page, in every sort, and a
page near the end read from the end rather than past every row before it."""

from datetime import date

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from proposals.models import Body, Session
from proposals.views import ProposalListView

PER_PAGE = 3


@pytest.fixture
def shelf(make_proposal, make_assignment, session):
    """Eight proposals, numbered 1 to 4 in each of two sessions, three of them due the same
    day and the rest undated: every sort has ties."""
    other = Session.objects.create(body=Body.CPPCC, region="焦作市", term=14, meeting=4)
    proposals = [
        make_proposal(session=meeting, number=number)
        for meeting in (session, other)
        for number in range(1, 5)
    ]
    for proposal in proposals[1::3]:
        make_assignment(proposal, due_on=date(2026, 9, 15))
    return proposals


def page_of(client, query: dict, page: int) -> list[int]:
    response = client.get(reverse("proposal-list"), {**query, "page": page})
    assert response.status_code == 200
    return [proposal.pk for proposal in response.context["object_list"]]


@pytest.mark.parametrize("order", ["", "number", "-number", "due", "-due", "filed"])
def test_every_proposal_is_on_one_page_in_the_order_of_the_whole_list(
    clerk, shelf, monkeypatch, order
):
    query = {"order": order} if order else {}
    whole = page_of(clerk, query, 1)
    monkeypatch.setattr(ProposalListView, "paginate_by", PER_PAGE)
    pages = [page_of(clerk, query, number) for number in (1, 2, 3)]
    assert sorted(whole) == sorted(p.pk for p in shelf)
    assert [pk for page in pages for pk in page] == whole


def test_the_last_page_is_read_from_the_end_with_the_same_queries_as_the_first(
    clerk, shelf, monkeypatch
):
    monkeypatch.setattr(ProposalListView, "paginate_by", PER_PAGE)
    counted = {}
    for page in (1, 3):
        with CaptureQueriesContext(connection) as captured:
            page_of(clerk, {"order": "-due"}, page)
        counted[page] = len(captured)
        # Read from the end, the last page skips no row: no OFFSET, where it would skip six.
        assert not any("OFFSET" in query["sql"] for query in captured), page
    assert counted[1] == counted[3]
