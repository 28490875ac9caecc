"""Replies with their contacts, carbon copies and the changes re-imports made."""

from django import forms
from django.contrib import admin
from django.core.exceptions import ValidationError
from django.utils import timezone

from proposals.admin.base import (
    ReadOnlyInline,
    VisibleHistoryAdmin,
    VisibleProposalsAdmin,
    action_with_form,
    apply_each,
)
from proposals.models import (
    CarbonCopy,
    Contact,
    Grade,
    Reply,
    ReplyChange,
)
from proposals.roles import Role, role_of
from proposals.services import (
    reply_grade_set,
    reply_publish,
)


class GradeForm(forms.Form):
    grade = forms.ModelChoiceField(Grade.objects.all(), label="办理结果")


class ContactInline(admin.TabularInline):
    model = Contact
    extra = 0


class CarbonCopyInline(admin.TabularInline):
    model = CarbonCopy
    extra = 0


class ReplyChangeInline(ReadOnlyInline):
    model = ReplyChange
    fields = ["recorded_at", "source_name", "changes"]


@admin.register(Reply)
class ReplyAdmin(VisibleHistoryAdmin):
    bureau_path = "bureau_id"
    actions = ["set_grade", "publish"]

    def has_publish_permission(self, request):
        return role_of(request.user) == Role.CLERK

    @admin.action(description="设定所选答复的办理结果", permissions=["change"])
    def set_grade(self, request, queryset):
        def apply(reply, data):
            if not self.has_change_permission(request, reply):
                raise ValidationError("不是本单位的答复。")
            reply_grade_set(reply=reply, grade=data["grade"])

        return action_with_form(self, request, queryset, GradeForm, "设定办理结果", apply)

    @admin.action(description="公开所选答复", permissions=["publish"])
    def publish(self, request, queryset):
        today = timezone.localdate()
        apply_each(self, request, queryset, lambda reply: reply_publish(reply=reply, on=today))

    list_display = [
        "proposal",
        "bureau",
        "doc_number",
        "grade",
        "reply_date",
        "needs_review",
        "published_on",
    ]
    list_filter = [
        "needs_review",
        "grade",
        "round",
        ("published_on", admin.EmptyFieldListFilter),
        "proposal__session",
    ]
    list_select_related = ["proposal__session", "bureau", "grade"]
    search_fields = ["doc_number", "proposal__title", "bureau__name", "signer"]
    autocomplete_fields = ["proposal", "bureau"]
    readonly_fields = ["source_name", "source_sha256", "imported_at"]
    date_hierarchy = "reply_date"
    inlines = [ContactInline, CarbonCopyInline, ReplyChangeInline]


@admin.register(Contact)
class ContactAdmin(VisibleProposalsAdmin):
    proposal_path = "reply__proposal"
    bureau_path = "reply__bureau_id"
    list_display = ["name", "phone", "unit", "reply"]
    list_select_related = ["reply__proposal__session", "reply__bureau"]
    search_fields = ["name", "phone", "unit"]
    autocomplete_fields = ["reply"]


@admin.register(CarbonCopy)
class CarbonCopyAdmin(VisibleProposalsAdmin):
    proposal_path = "reply__proposal"
    bureau_path = "reply__bureau_id"
    list_display = ["recipient", "copies", "reply"]
    list_select_related = ["reply__proposal__session", "reply__bureau"]
    search_fields = ["recipient"]
    autocomplete_fields = ["reply"]


@admin.register(ReplyChange)
class ReplyChangeAdmin(VisibleProposalsAdmin):
    proposal_path = "reply__proposal"
    list_display = ["reply", "recorded_at", "source_name"]
    list_select_related = ["reply__proposal__session", "reply__bureau"]
    search_fields = ["source_name", "reply__doc_number"]
    date_hierarchy = "recorded_at"

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
