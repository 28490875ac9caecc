"""The proposal list's filters: every filter names its field and lookup; the state lives in the URL.

The filters in force read back as chips (ProposalFilter.chips), in words, each removable.
Which filters and sorts a reader gets is proposals.access.list_filters_for and list_sorts_for;
what overdue, due soon and replied mean is proposals.derived.
"""

from dataclasses import dataclass
from datetime import date

import django_filters
from django import forms
from django.core.validators import EMPTY_VALUES
from django.db.models import Model
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.functional import cached_property
from django_filters.widgets import DateRangeWidget, SuffixedMultiWidget

from proposals import derived
from proposals.access import list_filters_for, list_sorts_for, sees_unpublished
from proposals.forms import DATE_HINT
from proposals.models import (
    Assignment,
    Body,
    Bureau,
    Feedback,
    Grade,
    HandlingStatus,
    Member,
    Proposal,
    ProposalProposer,
    Reply,
    Session,
    Turn,
)
from proposals.search import SCANNED_CAP, matching


class YesNoFilter(django_filters.ChoiceFilter):
    """全部 / 是 / 否, with the values in the URL as yes and no (全部 is every filter's empty
    choice: FILTERS_EMPTY_CHOICE_LABEL)."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("choices", [("yes", "是"), ("no", "否")])
        super().__init__(*args, **kwargs)


class SortFilter(django_filters.OrderingFilter):
    """Sort choices read 编号（升序） and 编号（降序）, not django-filter's "(descending)".

    Ties (a due date a hundred proposals share, a number every session has) are broken by the
    list's own order, the proposal's unique key: every row has one place, so pages neither
    repeat nor skip a row, and a page can be read from the list's end (ProposalListView)."""

    descending_fmt = "%s（降序）"
    tie_break = ("session_id", "number")

    def filter(self, qs, value):
        chosen = super().filter(qs, value)
        if value in EMPTY_VALUES:
            return chosen
        order = chosen.query.order_by
        named = {field.lstrip("-") for field in order}
        # In the sort's direction, so that one index (proposal_lead_due_idx) serves it both ways.
        direction = "-" if order[0].startswith("-") else ""
        return chosen.order_by(
            *order, *(direction + field for field in self.tie_break if field not in named)
        )

    def build_choices(self, fields, labels):
        return [
            (param, label if param.startswith("-") else f"{label}（升序）")
            for param, label in super().build_choices(fields, labels)
        ]


@dataclass(frozen=True)
class Chip:
    """A filter in force as a reader reads it, and the query string of the list without it."""

    text: str
    query: str


def _parameters(field: forms.BoundField) -> list[str]:
    """The URL parameters a filter reads: a date range reads one per end (filed_after, …)."""
    widget = field.field.widget
    if isinstance(widget, SuffixedMultiWidget):
        return [widget.suffixed(field.html_name, suffix) for suffix in widget.suffixes]
    return [field.html_name]


def _day(day: date | None) -> str:
    return date_format(day) if day else "…"


def _shown(field: forms.Field, value) -> str:
    """A cleaned filter value in words: a choice's label, a row's name, a date range."""
    if isinstance(value, slice):
        return f"{_day(value.start)} 至 {_day(value.stop)}"
    if isinstance(value, list):  # the sort, which may name several orders
        return "、".join(_shown(field, item) for item in value)
    # Before ChoiceField, which a model choice field also is: its choices would be read anew.
    if isinstance(value, Model):
        return str(value)
    if isinstance(field, forms.ChoiceField):
        return str(dict(field.choices).get(value, value))
    return str(value)


def _words(today) -> dict:
    """The list's yes/no filters by name: each is a word defined in proposals.derived."""
    return {
        "replied": derived.replied(),
        "overdue": derived.overdue(today),
        "due_soon": derived.due_soon(today),
    }


class ProposalFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(method="filter_search", label="全文检索", max_length=100)
    session = django_filters.ModelChoiceFilter(
        field_name="session", queryset=Session.objects.all(), label="会议"
    )
    body = django_filters.ChoiceFilter(
        field_name="session__body", choices=Body.choices, label="机构"
    )
    bureau = django_filters.ModelChoiceFilter(
        queryset=Bureau.objects.all(), method="filter_bureau", label="承办单位（主办或协办）"
    )
    # Set by the links of the home page and the chase list, not chosen from another list of
    # every bureau: hidden, so the form reads no bureaus for them.
    lead = django_filters.ModelChoiceFilter(
        field_name="lead_bureau",
        queryset=Bureau.objects.all(),
        label="主办单位",
        widget=forms.HiddenInput,
    )
    turn_bureau = django_filters.ModelChoiceFilter(
        field_name="turn_bureau",
        queryset=Bureau.objects.all(),
        label="轮到的单位",
        widget=forms.HiddenInput,
    )
    # Thousands of members make a drop-down useless and slow: a name to look for, and the
    # member's number for links from the member pages. These and the grade and satisfaction
    # filters match rows a proposal may have several of: filter_held reads those rows'
    # proposal ids rather than joining them (a join needs DISTINCT, which sorts every match).
    proposer = django_filters.CharFilter(
        field_name="proposers__name", lookup_expr="contains", label="提出人", method="filter_held"
    )
    member = django_filters.ModelChoiceFilter(
        field_name="proposers",
        queryset=Member.objects.all(),
        label="提出人编号",
        method="filter_held",
        widget=forms.NumberInput,
    )
    status = django_filters.ChoiceFilter(
        field_name="status", choices=HandlingStatus.choices, label="办理状态"
    )
    turn = django_filters.ChoiceFilter(
        field_name="current_turn", choices=Turn.choices, label="轮到"
    )
    grade = django_filters.ModelChoiceFilter(
        field_name="replies__grade",
        queryset=Grade.objects.all(),
        label="办理结果",
        method="filter_held",
    )
    satisfaction = django_filters.ChoiceFilter(
        field_name="feedback__satisfaction",
        choices=Feedback.Satisfaction.choices,
        label="满意度",
        method="filter_held",
    )
    replied = YesNoFilter(method="filter_word", label="已答复")
    overdue = YesNoFilter(method="filter_word", label="已超期")
    due_soon = YesNoFilter(method="filter_word", label="即将到期")
    is_key = YesNoFilter(method="filter_key", label="重点提案")
    category = django_filters.CharFilter(field_name="category", lookup_expr="exact", label="类别")
    filed = django_filters.DateFromToRangeFilter(
        field_name="filed_on", label="立案日期", widget=DateRangeWidget(attrs=DATE_HINT)
    )
    due = django_filters.DateFromToRangeFilter(
        field_name="lead_due_date", label="主办答复期限", widget=DateRangeWidget(attrs=DATE_HINT)
    )
    order = SortFilter(
        fields=[
            ("number", "number"),
            ("lead_due_date", "due"),
            ("turn_due_date", "turn_due"),
            ("filed_on", "filed"),
        ],
        field_labels={
            "number": "编号",
            "lead_due_date": "答复期限",
            "turn_due_date": "轮到期限",
            "filed_on": "立案日期",
        },
        label="排序",
        empty_label="默认顺序",
    )

    class Meta:
        model = Proposal
        fields: list[str] = []

    def __init__(self, *args, request=None, **kwargs):
        super().__init__(*args, request=request, **kwargs)
        user = getattr(request, "user", None)
        if user is not None:
            allowed = set(list_filters_for(user, list(self.filters)))
            for name in [name for name in self.filters if name not in allowed]:
                del self.filters[name]
            # Each instance has its own copy of the filters: trimming the choices is safe.
            choices = self.filters["order"].extra["choices"]
            shown = set(list_sorts_for(user, [value for value, _ in choices]))
            self.filters["order"].extra["choices"] = [c for c in choices if c[0] in shown]

    @cached_property
    def chips(self) -> list[Chip]:
        """The filters in force, in the form's order, each with the list's query string without
        every parameter of that filter and without the page number; none while the input is
        invalid (the list then shows what is wrong instead)."""
        if not self.is_bound or not self.is_valid():
            return []
        chips = []
        for name, value in self.form.cleaned_data.items():
            if value in EMPTY_VALUES:
                continue
            field = self.form[name]
            rest = self.data.copy()
            for parameter in [*_parameters(field), "page"]:
                rest.pop(parameter, None)
            chips.append(Chip(f"{field.label}：{_shown(field.field, value)}", rest.urlencode()))
        return chips

    # How many rows of a common word's matches to find: a list page's cap, or None for all.
    search_first: int | None = SCANNED_CAP + 1
    # Set by a search for a common word, which a list page then counts only up to the cap.
    search_scanned = False

    def filter_queryset(self, queryset):
        # The search goes last: for a common word it reads the list filtered and in order.
        cleaned = self.form.cleaned_data
        for name in sorted(cleaned, key=lambda name: name == "q"):
            queryset = self.filters[name].filter(queryset, cleaned[name])
        return queryset

    def filter_search(self, queryset, name, value):
        matches = matching(
            queryset, value, published_only=self.published_only, first=self.search_first
        )
        self.search_scanned = matches.scanned
        return matches.proposals

    @property
    def published_only(self) -> bool:
        return not (self.request and sees_unpublished(self.request.user))

    def filter_word(self, queryset, name, value):
        word = _words(timezone.localdate())[name]
        return queryset.filter(word) if value == "yes" else queryset.exclude(word)

    def filter_key(self, queryset, name, value):
        return queryset.filter(is_key=value == "yes")

    # What filter_held reads for each filter's field_name: a table of proposal ids, and the lookup.
    HELD = {
        "proposers__name": (ProposalProposer, "member__name__contains"),
        "proposers": (ProposalProposer, "member"),
        "replies__grade": (Reply, "grade"),
        "feedback__satisfaction": (Feedback, "satisfaction"),
    }

    def filter_held(self, queryset, name, value):
        """Proposals with a proposer, a reply or feedback that matches (the same rows as the
        join on `name`), found by a subquery of that table's proposal ids."""
        model, lookup = self.HELD[name]
        return queryset.filter(pk__in=model.objects.filter(**{lookup: value}).values("proposal_id"))

    def filter_bureau(self, queryset, name, value):
        # A subquery rather than a join: no DISTINCT, so the page is read in index order.
        held = Assignment.objects.active().filter(bureau=value)
        return queryset.filter(pk__in=held.values("proposal_id"))


class ProposalExportFilter(ProposalFilter):
    """The same filters for an export, which takes every match of a search."""

    search_first = None
