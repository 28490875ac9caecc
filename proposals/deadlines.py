"""Calendar arithmetic for handling deadlines (pure; no Django imports)."""

import calendar
from datetime import date


def add_months(start: date, months: int) -> date:
    """Return the same day `months` calendar months later, clamped to that month's last day.

    Assigned 30 November with a three-month period is due 28 (or 29) February: the rule
    counts calendar months, and a month without the start day ends the period on its last day.
    """
    month_index = start.month - 1 + months
    year, month = start.year + month_index // 12, month_index % 12 + 1
    return date(year, month, min(start.day, calendar.monthrange(year, month)[1]))
