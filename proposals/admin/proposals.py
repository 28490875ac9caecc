"""Proposals: the list that opens on what needs attention, their page, and bulk actions."""

from django import forms
from django.contrib import admin
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.html import format_html

from proposals.admin.base import (
    ReadOnlyInline,
    VisibleHistoryAdmin,
    action_with_form,
    apply_each,
)
from proposals.exports import csv_response, export_queryset, proposal_rows, xlsx_response
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
from proposals.roles import Role, role_of
from proposals.services import (
    extension_grant,
    proposal_close,
    proposals_assign,
)


class AssignForm(forms.Form):
    lead = forms.ModelChoiceField(Bureau.objects.all(), label="主办单位")
    co_handlers = forms.ModelMultipleChoiceField(
        Bureau.objects.all(), required=False, label="协办单位"
    )
    assigned_on = forms.DateField(label="交办日期", initial=timezone.localdate)


class ExtendForm(forms.Form):
    due_on = forms.DateField(label="答复期限延至")
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
            return queryset & Proposal.objects.needing_attention()
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
            return queryset.filter(is_overdue=True)
        if value == "due_soon":
            return queryset.filter(is_due_soon=True)
        if value in HandlingStatus.values:
            return queryset.filter(handling_status=value)
        if value and value.startswith("turn:"):
            return queryset.filter(turn=value.removeprefix("turn:"))
        return queryset


class ProposerInline(admin.TabularInline):
    model = ProposalProposer
    extra = 0
    autocomplete_fields = ["member"]


class AssignmentInline(admin.TabularInline):
    model = Assignment
    extra = 0
    autocomplete_fields = ["bureau"]


class ReplyInline(ReadOnlyInline):
    model = Reply
    fields = ["bureau", "round", "doc_number", "grade", "reply_date", "needs_review"]
    show_change_link = True


class FeedbackInline(admin.TabularInline):
    model = Feedback
    extra = 0
    autocomplete_fields = ["member"]


@admin.register(Proposal)
class ProposalAdmin(VisibleHistoryAdmin):
    proposal_path = ""
    list_display = [
        "number",
        "title",
        "session",
        "is_key",
        "status_column",
        "turn_column",
    ]
    list_display_links = ["number", "title"]
    list_filter = [
        AttentionFilter,
        HandlingStatusFilter,
        "session",
        "is_key",
        "category",
        "disposition",
    ]
    list_select_related = ["session"]
    search_fields = ["title", "proposers__name", "=number"]
    autocomplete_fields = ["session"]
    inlines = [ProposerInline, AssignmentInline, ReplyInline, FeedbackInline]
    readonly_fields = ["whose_turn"]

    actions = ["assign", "extend", "close", "export_csv", "export_xlsx"]

    def get_queryset(self, request):
        return super().get_queryset(request).with_handling_status()

    @admin.action(description="交办所选提案（主办、协办）", permissions=["change"])
    def assign(self, request, queryset):
        def apply(proposal, data):
            proposals_assign(
                proposals=[proposal],
                lead=data["lead"],
                co_handlers=data["co_handlers"],
                assigned_on=data["assigned_on"],
            )

        return action_with_form(self, request, queryset, AssignForm, "交办所选提案", apply)

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
                user=request.user,
                today=timezone.localdate(),
            )

        return action_with_form(self, request, queryset, ExtendForm, "延长答复期限", apply)

    @admin.action(description="办结所选提案", permissions=["change"])
    def close(self, request, queryset):
        today = timezone.localdate()
        apply_each(self, request, queryset, lambda p: proposal_close(proposal=p, on=today))

    def _export(self, queryset, respond):
        selected = Proposal.objects.filter(pk__in=queryset.values("pk"))
        return respond(proposal_rows(export_queryset(selected)), "提案办理情况")

    @admin.action(description="导出所选为 CSV", permissions=["view"])
    def export_csv(self, request, queryset):
        return self._export(queryset, csv_response)

    @admin.action(description="导出所选为 Excel（XLSX）", permissions=["view"])
    def export_xlsx(self, request, queryset):
        return self._export(queryset, xlsx_response)

    def get_inlines(self, request, obj):
        # A bureau officer sees the assignments and replies of their proposals, not the rest.
        if role_of(request.user) == Role.BUREAU:
            return [AssignmentInline, ReplyInline]
        return self.inlines

    @admin.display(description="办理状态", ordering="handling_status")
    def status_column(self, proposal):
        label = proposal.handling_status_label
        if proposal.is_overdue:
            return format_html('<strong style="color:#b91c1c">{}（已超期）</strong>', label)
        if proposal.is_due_soon:
            return format_html('<span style="color:#b45309">{}（即将到期）</span>', label)
        return label

    @admin.display(description="现在轮到")
    def whose_turn(self, proposal):
        return self.turn_column(proposal) if proposal.pk else "—"

    @admin.display(description="轮到谁 · 期限", ordering="turn_due_on")
    def turn_column(self, proposal):
        label = proposal.turn_label
        party = f"（{proposal.turn_party}）" if proposal.turn_party else ""
        due = f" · {proposal.turn_due_on:%Y-%m-%d}" if proposal.turn_due_on else ""
        return f"{label}{party}{due}"
