"""Bureau and member pages, list exports, and the query counts of every list page."""

import csv
from datetime import timedelta
from io import BytesIO, StringIO

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from proposals.access import SYSTEM
from proposals.models import Bureau, Member
from proposals.roles import Role, login_ensure
from proposals.services import assignment_create, proposals_assign

TODAY = timezone.localdate()


def handled(make_proposal, make_reply, bureau, count, *, published=False, title="关于发展的提案"):
    """`count` proposals of one new member, assigned to `bureau`, half of them answered."""
    member = Member.objects.create(name=f"委员{Member.objects.count()}", body="cppcc")
    proposals = []
    for index in range(count):
        proposal = make_proposal(title=title, proposers=[member])
        proposals_assign(
            proposals=[proposal], lead=bureau, assigned_on=TODAY - timedelta(100), actor=SYSTEM
        )
        if index % 2 == 0:
            make_reply(proposal, reply_date=TODAY, published_on=TODAY if published else None)
        proposals.append(proposal)
    return member, proposals


def test_the_bureau_list_counts_lead_replied_and_overdue_items(
    clerk, make_proposal, make_reply, bureau
):
    handled(make_proposal, make_reply, bureau, 3)
    page = clerk.get(reverse("bureau-list"))
    [row] = page.context["bureaus"]
    assert (row.lead_count, row.co_count, row.replied_count, row.overdue_count) == (3, 0, 2, 1)


def test_the_bureau_page_shows_its_figures_and_proposals(clerk, make_proposal, make_reply, bureau):
    handled(make_proposal, make_reply, bureau, 3)
    page = clerk.get(reverse("bureau-detail", args=[bureau.pk]))
    assert page.context["figures"].total == 3
    assert page.context["figures"].replied == 2
    assert len(page.context["proposals"]) == 3


def test_a_co_handler_is_not_credited_with_the_lead_bureaus_replies(
    clerk, make_proposal, make_reply, bureau
):
    commerce = Bureau.objects.create(region="焦作市", name="焦作市商务局")
    for proposal in handled(make_proposal, make_reply, bureau, 3)[1]:
        assignment_create(
            proposal=proposal, bureau=commerce, role="co", assigned_on=TODAY, actor=SYSTEM
        )
    rows = {row.name: row for row in clerk.get(reverse("bureau-list")).context["bureaus"]}
    assert (rows["焦作市商务局"].co_count, rows["焦作市商务局"].replied_count) == (3, 0)
    page = clerk.get(reverse("bureau-detail", args=[commerce.pk]))
    assert (page.context["figures"].total, page.context["figures"].replied) == (0, 0)
    assert page.context["co_handling"].total == 3


def test_the_member_pages_list_their_proposals(clerk, make_proposal, make_reply, bureau):
    member, _ = handled(make_proposal, make_reply, bureau, 3)
    listing = clerk.get(reverse("member-list"), {"name": member.name[:2]})
    [row] = listing.context["members"]
    assert (row.proposal_count, row.replied_count) == (3, 2)
    page = clerk.get(reverse("member-detail", args=[member.pk]))
    assert page.context["figures"].total == 3


def test_anonymous_visitors_see_only_bureaus_and_members_of_published_replies(
    client, make_proposal, make_reply, bureau
):
    hidden_member, _ = handled(make_proposal, make_reply, bureau, 2)
    other = Bureau.objects.create(region="焦作市", name="焦作市教育局")
    shown_member, _ = handled(make_proposal, make_reply, other, 2, published=True)
    assert [b.pk for b in client.get(reverse("bureau-list")).context["bureaus"]] == [other.pk]
    assert client.get(reverse("bureau-detail", args=[bureau.pk])).status_code == 404
    members = client.get(reverse("member-list")).context["members"]
    assert [m.pk for m in members] == [shown_member.pk]
    assert client.get(reverse("member-detail", args=[hidden_member.pk])).status_code == 404
    assert (
        client.get(reverse("member-detail", args=[shown_member.pk])).context["figures"].total == 1
    )


def queries_for(client, url, **query) -> int:
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url, query).status_code == 200
    return len(captured)


@pytest.mark.parametrize(
    ("name", "args", "query", "queries"),
    [
        # The figures, then the clerk's queues: turns, two kinds of request, held letters,
        # overdue, and overdue by bureau.
        ("home", [], {}, 11),
        ("proposal-list", [], {}, 9),
        ("proposal-list", [], {"q": "发展"}, 13),
        ("proposal-list", [], {"overdue": "yes", "bureau": "bureau"}, 10),
        ("bureau-list", [], {}, 4),
        ("member-list", [], {}, 5),
        ("bureau-detail", ["bureau"], {}, 11),
        ("member-detail", ["member"], {}, 9),
        ("proposal-detail", ["proposal"], {}, 9),
        ("statistics", [], {}, 11),
    ],
)
def test_each_page_runs_a_fixed_number_of_queries(
    clerk, make_proposal, make_reply, bureau, name, args, query, queries
):
    member, proposals = handled(make_proposal, make_reply, bureau, 2)
    objects = {"bureau": bureau.pk, "member": member.pk, "proposal": proposals[1].pk}
    url = reverse(name, args=[objects[a] for a in args])
    query = {key: objects.get(value, value) for key, value in query.items()}
    few = queries_for(clerk, url, **query)
    for index in range(12):
        other = Bureau.objects.create(region="焦作市", name=f"单位{index}")
        handled(make_proposal, make_reply, other, 1)
    handled(make_proposal, make_reply, bureau, 12)
    if "q" in query and connection.vendor == "postgresql":
        queries += 2  # the search index probe sets and resets the planner for its one statement
    assert (few, queries_for(clerk, url, **query)) == (queries, queries)


def test_the_filtered_list_downloads_as_csv_with_neutralised_cells(
    clerk, make_proposal, make_reply, bureau
):
    handled(make_proposal, make_reply, bureau, 2, title="=HYPERLINK(1)")
    handled(make_proposal, make_reply, bureau, 1, title="关于别的提案")
    response = clerk.get(reverse("proposal-export", args=["csv"]), {"q": "HYPERLINK"})
    assert response.streaming
    text = b"".join(response.streaming_content).decode("utf-8-sig")
    rows = list(csv.reader(StringIO(text)))
    assert rows[0][:3] == ["会议", "编号", "案由"]
    assert [row[2] for row in rows[1:]] == ["'=HYPERLINK(1)", "'=HYPERLINK(1)"]


def test_the_filtered_list_downloads_as_xlsx(clerk, make_proposal, make_reply, bureau):
    handled(make_proposal, make_reply, bureau, 3)
    response = clerk.get(reverse("proposal-export", args=["xlsx"]), {"status": "replied"})
    sheet = load_workbook(BytesIO(response.content)).active
    assert sheet.max_row == 1 + 2


def test_exports_need_a_login_and_valid_filters(client, clerk, db):
    client.logout()
    assert client.get(reverse("proposal-export", args=["csv"])).status_code == 302
    clerk.force_login(login_ensure(username="clerk", password="x", role=Role.CLERK))
    assert (
        clerk.get(reverse("proposal-export", args=["csv"]), {"filed_after": "x"}).status_code == 404
    )
    assert clerk.get("/proposals/export.pdf").status_code == 404
