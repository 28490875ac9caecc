"""The proposal list's filters: every filter names its field and lookup; the state lives in the URL."""

import django_filters
from django.db.models import Q

from proposals.models import (
    Body,
    Bureau,
    Feedback,
    Grade,
    HandlingStatus,
    Member,
    Proposal,
    Session,
    Turn,
)


class ProposalFilter(django_filters.FilterSet):
    session = django_filters.ModelChoiceFilter(
        field_name="session", queryset=Session.objects.all(), label="会议"
    )
    body = django_filters.ChoiceFilter(
        field_name="session__body", choices=Body.choices, label="机构"
    )
    bureau = django_filters.ModelChoiceFilter(
        queryset=Bureau.objects.all(), method="filter_bureau", label="承办单位（主办或协办）"
    )
    member = django_filters.ModelChoiceFilter(
        field_name="proposers", queryset=Member.objects.all(), label="提出人", distinct=True
    )
    status = django_filters.ChoiceFilter(
        field_name="handling_status", choices=HandlingStatus.choices, label="办理状态"
    )
    turn = django_filters.ChoiceFilter(field_name="turn", choices=Turn.choices, label="轮到")
    grade = django_filters.ModelChoiceFilter(
        field_name="replies__grade", queryset=Grade.objects.all(), label="办理结果", distinct=True
    )
    satisfaction = django_filters.ChoiceFilter(
        field_name="feedback__satisfaction",
        choices=Feedback.Satisfaction.choices,
        label="满意度",
        distinct=True,
    )
    overdue = django_filters.BooleanFilter(field_name="is_overdue", label="已超期")
    due_soon = django_filters.BooleanFilter(field_name="is_due_soon", label="即将到期")
    is_key = django_filters.BooleanFilter(field_name="is_key", label="重点提案")
    category = django_filters.CharFilter(field_name="category", lookup_expr="exact", label="类别")
    filed = django_filters.DateFromToRangeFilter(field_name="filed_on", label="立案日期")
    due = django_filters.DateFromToRangeFilter(field_name="lead_due_on", label="主办答复期限")
    order = django_filters.OrderingFilter(
        fields=[("number", "number"), ("lead_due_on", "due"), ("filed_on", "filed")],
        field_labels={"number": "编号", "lead_due_on": "答复期限", "filed_on": "立案日期"},
        label="排序",
    )

    class Meta:
        model = Proposal
        fields: list[str] = []

    def filter_bureau(self, queryset, name, value):
        return queryset.filter(
            Q(assignments__bureau=value) & Q(assignments__returned_on__isnull=True)
        ).distinct()
