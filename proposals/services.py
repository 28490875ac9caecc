"""Writes that clerks and bureaus make; the importer, the admin and the views call these."""

from datetime import date

from django.conf import settings
from django.db import transaction

from proposals.deadlines import add_months
from proposals.models import Assignment, Bureau, Proposal


def reply_due_on(assigned_on: date) -> date:
    """The reply deadline for an assignment made on `assigned_on` (REPLY_PERIOD_MONTHS later)."""
    return add_months(assigned_on, settings.REPLY_PERIOD_MONTHS)


@transaction.atomic
def assignment_create(
    *, proposal: Proposal, bureau: Bureau, role: str, assigned_on: date
) -> Assignment:
    """Assign `proposal` to `bureau` with its due date computed from the reply period."""
    assignment = Assignment(
        proposal=proposal,
        bureau=bureau,
        role=role,
        assigned_on=assigned_on,
        due_on=reply_due_on(assigned_on),
    )
    assignment.full_clean()
    assignment.save()
    return assignment
