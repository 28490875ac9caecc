"""One date format wherever a clerk looks or types: 2026-01-15, not 2026年1月15日 or 2026/01/15."""

from datetime import date

from django.urls import reverse

from proposals.forms import DateField

DAY = date(2026, 1, 15)


def test_the_proposal_list_shows_a_due_date_as_year_month_day(
    clerk, make_proposal, make_assignment
):
    make_assignment(make_proposal(), due_on=DAY)
    page = clerk.get(reverse("proposal-list")).content.decode()
    assert "2026-01-15" in page
    assert "2026年1月15日" not in page


def test_the_proposal_lists_date_filters_show_the_format_to_type(clerk, db):
    page = clerk.get(reverse("proposal-list")).content.decode()
    assert 'name="filed_after" placeholder="YYYY-MM-DD"' in page


def test_an_admin_change_form_shows_and_hints_a_date_as_year_month_day(clerk, make_proposal):
    proposal = make_proposal(filed_on=DAY)
    page = clerk.get(reverse("admin:proposals_proposal_change", args=[proposal.pk])).content
    page = page.decode()
    assert 'name="filed_on" value="2026-01-15"' in page
    assert 'placeholder="YYYY-MM-DD"' in page


def test_an_admin_list_shows_a_date_as_year_month_day(clerk, make_proposal, make_reply):
    make_reply(make_proposal(), reply_date=DAY)
    page = clerk.get(reverse("admin:proposals_reply_changelist")).content.decode()
    assert "2026-01-15" in page
    assert "2026年1月15日" not in page


def test_a_date_typed_the_chinese_way_is_understood():
    assert DateField().clean("2026年1月15日") == DAY
    assert DateField().clean("2026/1/15") == DAY
