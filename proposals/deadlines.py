"""Handling deadlines: the rules, the arithmetic, and the sentences that explain a due date.

Pure Python; no Django imports. The rules come from settings through services.deadline_rules().
"""

import calendar
from dataclasses import dataclass
from datetime import date, timedelta


def add_months(start: date, months: int) -> date:
    """Return the same day `months` calendar months later, clamped to that month's last day.

    Assigned 30 November with a three-month period is due 28 (or 29) February: the rule
    counts calendar months, and a month without the start day ends the period on its last day.
    """
    month_index = start.month - 1 + months
    year, month = start.year + month_index // 12, month_index % 12 + 1
    return date(year, month, min(start.day, calendar.monthrange(year, month)[1]))


@dataclass(frozen=True)
class DeadlineRules:
    """The periods a committee sets for handling (all calendar months or days)."""

    reply_months: int = 3
    co_handler_opinion_months: int = 1
    return_window_days: int = 10
    rehandling_months: int = 1
    extension_cap_months: int = 6

    def period_months(self, role: str) -> int:
        return self.reply_months if role == "lead" else self.co_handler_opinion_months

    def due_on(self, assigned_on: date, role: str) -> date:
        return add_months(assigned_on, self.period_months(role))

    def return_deadline(self, assigned_on: date) -> date:
        """The last day a bureau may ask to return an assignment."""
        return assigned_on + timedelta(days=self.return_window_days)

    def extension_cap(self, assigned_on: date) -> date:
        """The latest due date any extension may reach."""
        return add_months(assigned_on, self.extension_cap_months)

    def rehandling_due_on(self, opened_on: date) -> date:
        return add_months(opened_on, self.rehandling_months)


def _chinese_date(day: date) -> str:
    return f"{day.year}年{day.month}月{day.day}日"


def explain_due_date(
    *,
    assigned_on: date,
    role: str,
    rules: DeadlineRules,
    due_on: date,
    extended_on: date | None = None,
) -> list[str]:
    """Sentences telling a clerk how `due_on` was reached: start, rule, month end, extension."""
    months = rules.period_months(role)
    rule = (
        f"主办单位自交办之日起 {months} 个月内答复提出人"
        if role == "lead"
        else f"协办单位自交办之日起 {months} 个月内向主办单位提出协办意见"
    )
    computed = rules.due_on(assigned_on, role)
    arithmetic = f"{_chinese_date(assigned_on)} + {months} 个月 = {_chinese_date(computed)}"
    if computed.day != assigned_on.day:
        arithmetic += f"（{computed.month}月没有{assigned_on.day}日，取当月最后一天）"
    steps = [f"交办日期：{_chinese_date(assigned_on)}", f"规则：{rule}", f"计算：{arithmetic}"]
    if due_on != computed:
        cap = rules.extension_cap(assigned_on)
        when = f"（{_chinese_date(extended_on)}批准）" if extended_on else ""
        steps.append(
            f"延期：经批准延至 {_chinese_date(due_on)}{when}；延期上限为交办后 "
            f"{rules.extension_cap_months} 个月，即 {_chinese_date(cap)}"
        )
    return steps
