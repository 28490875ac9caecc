"""The committee's handling rules as configured in settings."""

from django.conf import settings

from proposals.deadlines import DeadlineRules


def deadline_rules() -> DeadlineRules:
    return DeadlineRules(
        reply_months=settings.REPLY_PERIOD_MONTHS,
        co_handler_opinion_months=settings.CO_HANDLER_OPINION_MONTHS,
        return_window_days=settings.RETURN_WINDOW_DAYS,
        rehandling_months=settings.REHANDLING_PERIOD_MONTHS,
        extension_cap_months=settings.EXTENSION_CAP_MONTHS,
    )
