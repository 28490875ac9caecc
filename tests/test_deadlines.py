from datetime import date

import pytest

from proposals.access import SYSTEM
from proposals.deadlines import add_months
from proposals.models import Assignment
from proposals.services import assignment_create, reply_due_on


@pytest.mark.parametrize(
    ("assigned", "due"),
    [
        (date(2022, 4, 15), date(2022, 7, 15)),
        (date(2022, 11, 30), date(2023, 2, 28)),
        (date(2023, 11, 30), date(2024, 2, 29)),
        (date(2022, 8, 31), date(2022, 11, 30)),
        (date(2022, 12, 31), date(2023, 3, 31)),
        (date(2022, 10, 1), date(2023, 1, 1)),
    ],
)
def test_a_reply_is_due_three_calendar_months_after_assignment(assigned, due):
    assert reply_due_on(assigned) == due


def test_the_reply_period_is_a_setting(settings):
    settings.REPLY_PERIOD_MONTHS = 2
    assert reply_due_on(date(2022, 12, 31)) == date(2023, 2, 28)


def test_adding_months_crosses_several_years():
    assert add_months(date(2020, 2, 29), 24) == date(2022, 2, 28)
    assert add_months(date(2020, 2, 29), 48) == date(2024, 2, 29)


def test_creating_an_assignment_sets_its_due_date(make_proposal, bureau):
    assignment = assignment_create(
        proposal=make_proposal(),
        bureau=bureau,
        role=Assignment.Role.LEAD,
        assigned_on=date(2022, 11, 30),
        actor=SYSTEM,
    )
    assignment.refresh_from_db()
    assert assignment.due_on == date(2023, 2, 28)
