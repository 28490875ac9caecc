"""Proposals: the list that opens on what needs attention, their page, and bulk actions."""

from functools import partial

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.db import connection
from django.utils.html import format_html

from proposals.access import Role, role_of
from proposals.admin.base import (
    LabelledInline,
    ReadOnlyInline,
    Row,
    SavedByServiceAdmin,
    VisibleHistoryAdmin,
    action_with_form,
    confirm_service,
    flag_column,
    inline_rows,
    proposal_label,
    today,
)
from proposals.admin.filters import blank_named
from proposals.derived import REPLIED_STATUSES
from proposals.exports import csv_response, export_queryset, proposal_rows, proposals_xlsx
from proposals.forms import DateField
from proposals.models import (
    Assignment,
    Bureau,
    Feedback,
    HandlingStatus,
    Proposal,
    ProposalProposer,
    Reply,
    Turn,
)
from proposals.services import (
    REGISTRATION_FIELDS,
    extension_grant,
    proposal_close,
    proposal_delete,
    proposal_save,
    proposals_assign,
)
from proposals.services.handling import proposals_awaiting_feedback


class AssignForm(forms.Form):
    lead = forms.ModelChoiceField(Bureau.objects.none(), label="主办单位")
    co_handlers = forms.ModelMultipleChoiceField(
        Bureau.objects.none(),
        required=False,
        label="协办单位",
        widget=forms.CheckboxSelectMultiple,
    )
    assigned_on = DateField(label="交办日期", initial=today)

    def __init__(self, data=None, *, region: str):
        super().__init__(data)
        # A proposal is handled by the bureaus of its session's region, never another city's.
        bureaus = Bureau.objects.filter(region=region)
        self.fields["lead"].queryset = bureaus
        self.fields["co_handlers"].queryset = bureaus


class ExtendForm(forms.Form):
    due_on = DateField(label="答复期限延至")
    reason = forms.CharField(label="延期理由", widget=forms.Textarea(attrs={"rows": 3}))


class AttentionFilter(admin.SimpleListFilter):
    """Shown first and on by default: what a clerk must look at today."""

    title = "关注"
    parameter_name = "attention"

    def lookups(self, request, model_admin):
        return [("needed", "需要关注（超期、即将到期、待提案委处理）"), ("all", "全部")]

    def value(self):
        return super().value() or "needed"

    def choices(self, changelist):
        for lookup, title in self.lookup_choices:
            yield {
                "selected": self.value() == lookup,
                "query_string": changelist.get_query_string({self.parameter_name: lookup}),
                "display": title,
            }

    def queryset(self, request, queryset):
        if self.value() == "needed":
            return queryset.needing_attention()
        return queryset


class HandlingStatusFilter(admin.SimpleListFilter):
    title = "办理状态"
    parameter_name = "status"

    def lookups(self, request, model_admin):
        return [
            *HandlingStatus.choices,
            ("overdue", "已超期"),
            ("due_soon", "即将到期"),
            *((f"turn:{value}", f"轮到{label}") for value, label in Turn.choices),
        ]

    def queryset(self, request, queryset):
        value = self.value()
        if value == "overdue":
            return queryset.overdue()
        if value == "due_soon":
            return queryset.due_soon()
        if value in HandlingStatus.values:
            return queryset.filter(status=value)
        if value and value.startswith("turn:"):
            return queryset.filter(current_turn=value.removeprefix("turn:"))
        return queryset


class CategoryFilter(blank_named("category", "类别")):
    """The categories in use, as blank_named lists them; for a reader who sees every proposal
    read from the category index (migration 0020) a category at a time, not by reading every
    proposal, which took as long as the rest of the page at a million proposals. (Stepping
    through the index among a bureau's proposals only took longer than reading them.)"""

    def values_in_use(self, request, model_admin) -> list[str]:
        if model_admin.get_queryset(request).query.has_filters():
            return super().values_in_use(request, model_admin)
        return _categories_in_use()


def _categories_in_use() -> list[str]:
    """Every category of all proposals, found by stepping through the index: each step asks
    for the least category after the last one found."""
    table = connection.ops.quote_name(Proposal._meta.db_table)
    sql = (
        f"WITH RECURSIVE found(category) AS (SELECT MIN(category) FROM {table} UNION ALL "
        f"SELECT (SELECT MIN(category) FROM {table} WHERE category > found.category) "
        "FROM found WHERE found.category IS NOT NULL) "
        "SELECT category FROM found WHERE category IS NOT NULL"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql)
        return sorted(category for (category,) in cursor.fetchall())


class ProposerInline(LabelledInline):
    """Proposers in order; saved with the proposal through proposal_save."""

    model = ProposalProposer
    extra = 0
    autocomplete_fields = ["member"]


class AssignmentInline(ReadOnlyInline):
    model = Assignment
    fields = ["bureau", "role", "assigned_on", "due_on", "returned_on", "opinion_on"]


class ReplyInline(ReadOnlyInline):
    model = Reply
    fields = ["bureau", "round", "doc_number", "grade", "reply_date", "needs_review"]


class FeedbackInline(ReadOnlyInline):
    model = Feedback
    fields = ["member", "round", "satisfaction", "source", "received_on"]


@admin.register(Proposal)
class ProposalAdmin(SavedByServiceAdmin, VisibleHistoryAdmin):
    proposal_path = ""
    list_display = [
        "number",
        "title",
        "session",
        "key_column",
        "status_column",
        "turn_column",
    ]
    list_display_links = ["number", "title"]
    list_filter = [
        AttentionFilter,
        HandlingStatusFilter,
        "session",
        "is_key",
        CategoryFilter,
        "disposition",
    ]
    list_select_related = ["session", "turn_bureau"]
    search_fields = ["title", "=number"]
    autocomplete_fields = ["session"]
    fields = [*REGISTRATION_FIELDS, "closed_on", "whose_turn"]
    readonly_fields = ["closed_on", "whose_turn"]
    inlines = [ProposerInline, AssignmentInline, ReplyInline, FeedbackInline]

    actions = ["assign", "extend", "close", "export_csv", "export_xlsx"]
    key_column = flag_column("is_key", "重点提案")

    def get_search_results(self, request, queryset, search_term):
        """By title and number (the admin's own search), or by a proposer's name. The names
        are matched in a subquery, so no proposal comes twice: the admin's join of the
        proposers then needed DISTINCT over every match (1.7 s at a million proposals)."""
        results, duplicates = super().get_search_results(request, queryset, search_term)
        name = search_term.strip()
        if name:
            named = ProposalProposer.objects.filter(member__name__contains=name)
            results |= queryset.filter(pk__in=named.values("proposal_id"))
        return results, duplicates

    def get_queryset(self, request):
        return super().get_queryset(request).with_status()

    def save_through_service(self, request, form, formsets, change):
        proposers = None
        for formset in formsets:
            if formset.model is ProposalProposer:
                rows = sorted(inline_rows(formset, ["position", "member"]), key=lambda r: r[0] or 0)
                proposers = [member for _, member in rows]
        proposal_save(proposal=form.instance, proposers=proposers, actor=request.user)

    def delete_through_service(self, request, obj):
        proposal_delete(proposal=obj, actor=request.user)

    @admin.action(description="交办所选提案（主办、协办）", permissions=["change"])
    def assign(self, request, queryset):
        regions = set(queryset.order_by().values_list("session__region", flat=True).distinct())
        if len(regions) > 1:
            self.message_user(request, "所选提案属于不同地区，请按地区分别交办。", messages.ERROR)
            return None
        form_class = partial(AssignForm, region=regions.pop())

        def apply(proposal, data):
            proposals_assign(
                proposals=[proposal],
                lead=data["lead"],
                co_handlers=data["co_handlers"],
                assigned_on=data["assigned_on"],
                actor=request.user,
            )

        def describe(proposal):
            warnings = []
            if proposal.lead_bureau_id is not None:
                warnings.append(
                    f"已有主办单位{proposal.lead_bureau}，这一件会被跳过；如需改交，请先办理退回。"
                )
            return Row(proposal_label(proposal), (proposal.get_status_display(),), tuple(warnings))

        return action_with_form(
            self,
            request,
            queryset.select_related("lead_bureau"),
            form_class,
            "交办所选提案",
            apply,
            describe,
        )

    @admin.action(description="延长所选提案的答复期限", permissions=["change"])
    def extend(self, request, queryset):
        def apply(proposal, data):
            lead = proposal.assignments.active().filter(role=Assignment.Role.LEAD).first()
            if lead is None:
                raise ValidationError("尚未交办主办单位。")
            extension_grant(
                assignment=lead,
                due_on=data["due_on"],
                reason=data["reason"],
                actor=request.user,
                today=today(),
            )

        def describe(proposal):
            due_on = proposal.lead_due_date
            details = [f"主办单位现期限 {due_on:%Y-%m-%d}" if due_on else "主办单位期限不详"]
            warnings = []
            if proposal.lead_bureau_id is None:
                warnings.append("尚未交办主办单位，这一件会被跳过。")
            elif proposal.is_overdue:
                warnings.append(
                    f"已超期 {proposal.days_overdue()} 天：这是逾期延期，"
                    "催办期限延后，统计仍按原期限计为未按期。"
                )
            return Row(proposal_label(proposal), tuple(details), tuple(warnings))

        return action_with_form(
            self, request, queryset, ExtendForm, "延长答复期限", apply, describe
        )

    @admin.action(description="办结所选提案", permissions=["change"])
    def close(self, request, queryset):
        proposals = list(queryset)
        awaiting = proposals_awaiting_feedback(proposals)

        def describe(proposal):
            warnings = []
            if proposal.status not in REPLIED_STATUSES:
                warnings.append("尚未答复，不能办结，这一件会被跳过。")
            elif proposal.pk in awaiting:
                warnings.append(
                    f"缺少反馈：尚未收到委员/代表对第{awaiting[proposal.pk]}轮答复的反馈，"
                    "办结后不再等待反馈。"
                )
            if proposal.closed_on is not None:
                warnings.append(
                    f"已于{proposal.closed_on:%Y-%m-%d}办结，再次办结会把办结日期改为今天。"
                )
            return Row(proposal_label(proposal), (proposal.get_status_display(),), tuple(warnings))

        return confirm_service(
            self,
            request,
            proposals,
            "办结所选提案",
            proposal_close,
            "proposal",
            describe,
            on=today(),
        )

    @admin.action(description="导出所选为 CSV", permissions=["view"])
    def export_csv(self, request, queryset):
        selected = Proposal.objects.filter(pk__in=queryset.values("pk"))
        return csv_response(proposal_rows(export_queryset(selected)), "提案办理情况")

    @admin.action(description="导出所选为 Excel（XLSX）", permissions=["view"])
    def export_xlsx(self, request, queryset):
        # A large selection is written by a job (proposals_xlsx): the request returns at once.
        selected = Proposal.objects.filter(pk__in=queryset.values("pk"))
        return proposals_xlsx(user=request.user, selected=selected)

    def get_inlines(self, request, obj):
        # A bureau officer sees the assignments and replies of their proposals, not the rest.
        if role_of(request.user) == Role.BUREAU:
            return [AssignmentInline, ReplyInline]
        return self.inlines

    @admin.display(description="办理状态", ordering="status")
    def status_column(self, proposal):
        label = proposal.get_status_display()
        if proposal.is_overdue:
            days = proposal.days_overdue()
            return format_html('<strong class="overdue">{}（已超期 {} 天）</strong>', label, days)
        if proposal.is_due_soon:
            return format_html('<span class="due-soon">{}（即将到期）</span>', label)
        return label

    @admin.display(description="现在轮到")
    def whose_turn(self, proposal):
        return self.turn_column(proposal) if proposal.pk else "—"

    @admin.display(description="轮到谁 · 期限", ordering="turn_due_date")
    def turn_column(self, proposal):
        label = proposal.get_current_turn_display()
        party = f"（{proposal.turn_bureau}）" if proposal.turn_bureau_id else ""
        due = f" · {proposal.turn_due_date:%Y-%m-%d}" if proposal.turn_due_date else ""
        return f"{label}{party}{due}"
