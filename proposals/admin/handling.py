"""Assignments, what bureaus ask (extensions, returns), and proposers' feedback."""

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.html import format_html_join

from proposals.admin.base import (
    ReadOnlyInline,
    VisibleHistoryAdmin,
    VisibleProposalsAdmin,
    action_with_form,
)
from proposals.models import (
    Assignment,
    Bureau,
    ExtensionRequest,
    Feedback,
    Proposal,
    ReturnRequest,
)
from proposals.roles import Role, officer_bureau_id, role_of
from proposals.services import (
    extension_decide,
    extension_request_check,
    feedback_check,
    feedback_record,
    return_decide,
    return_request_check,
)


class ReassignForm(forms.Form):
    reassign_to = forms.ModelChoiceField(
        Bureau.objects.all(), required=False, label="改交给", help_text="留空则只退回，稍后再交办。"
    )
    note = forms.CharField(label="审批意见", required=False)


class ExtensionRequestInline(ReadOnlyInline):
    model = ExtensionRequest
    fields = ["requested_on", "requested_due_on", "reason", "status", "decided_on", "decision_note"]


class ReturnRequestInline(ExtensionRequestInline):
    model = ReturnRequest
    fk_name = "assignment"
    fields = ["requested_on", "reason", "status", "decided_on", "reassigned_to", "decision_note"]


@admin.register(Assignment)
class AssignmentAdmin(VisibleHistoryAdmin):
    list_display = ["proposal", "bureau", "role", "assigned_on", "due_on", "returned_on"]
    list_filter = ["role", "bureau__region", ("returned_on", admin.EmptyFieldListFilter)]
    list_select_related = ["proposal__session", "bureau"]
    search_fields = ["proposal__title", "bureau__name"]
    autocomplete_fields = ["proposal", "bureau"]
    date_hierarchy = "due_on"
    readonly_fields = ["due_date_explained"]
    inlines = [ExtensionRequestInline, ReturnRequestInline]

    @admin.display(description="期限如何计算")
    def due_date_explained(self, assignment):
        return format_html_join(
            "", "<div>{}</div>", ((step,) for step in assignment.due_date_explanation())
        )


class BureauRequestForm(forms.ModelForm):
    """A bureau's request, checked by the same service that records it."""

    check = None  # the service that raises ValidationError for a request it would refuse

    def clean(self):
        cleaned = super().clean()
        if self.instance.pk is None and cleaned.get("assignment"):
            fields = {name: cleaned.get(name) for name in self.request_fields}
            type(self).check(**fields, **self.extra_check_arguments())
        return cleaned

    def extra_check_arguments(self) -> dict:
        return {}


class ExtensionRequestForm(BureauRequestForm):
    check = staticmethod(extension_request_check)
    request_fields = ["assignment", "requested_due_on", "reason"]

    class Meta:
        model = ExtensionRequest
        fields = ["assignment", "requested_due_on", "reason"]


class ReturnRequestForm(BureauRequestForm):
    check = staticmethod(return_request_check)
    request_fields = ["assignment", "reason"]

    class Meta:
        model = ReturnRequest
        fields = ["assignment", "reason"]

    def extra_check_arguments(self) -> dict:
        return {"today": timezone.localdate()}


class BureauRequestAdmin(VisibleProposalsAdmin):
    """The queue of what bureaus ask; bureaus add requests, clerks decide with the actions."""

    proposal_path = "assignment__proposal"
    bureau_path = "assignment__bureau_id"
    list_filter = ["status", "requested_on"]
    list_select_related = ["assignment__proposal__session", "assignment__bureau"]
    search_fields = ["assignment__proposal__title", "assignment__bureau__name", "reason"]
    readonly_fields = ["status", "decided_by", "decided_on", "decision_note"]
    actions = ["approve", "refuse"]
    decide = None  # the service that records the decision

    def decide_all(self, request, queryset, approve: bool) -> None:
        done = 0
        for bureau_request in queryset:
            try:
                type(self).decide(
                    request=bureau_request,
                    approve=approve,
                    user=request.user,
                    today=timezone.localdate(),
                )
                done += 1
            except ValidationError as error:
                self.message_user(request, f"{bureau_request}：{error.messages[0]}", messages.ERROR)
        if done:
            verdict = "批准" if approve else "不批准"
            self.message_user(request, f"已{verdict} {done} 项申请。", messages.SUCCESS)

    def get_actions(self, request):
        actions = super().get_actions(request)
        if role_of(request.user) != Role.CLERK:
            actions.pop("approve", None)
            actions.pop("refuse", None)
        return actions

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "assignment":
            standing = Assignment.objects.active().filter(
                proposal__in=Proposal.objects.visible_to(request.user).values("pk")
            )
            if officer_bureau_id(request.user) is not None:
                standing = standing.filter(bureau=officer_bureau_id(request.user))
            kwargs["queryset"] = standing.select_related("proposal__session", "bureau")
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def save_model(self, request, obj, form, change):
        if not change:
            obj.requested_by, obj.requested_on = request.user, timezone.localdate()
        super().save_model(request, obj, form, change)

    def has_change_permission(self, request, obj=None):
        # A request is decided with the actions, never edited.
        return False

    @admin.action(description="批准所选申请")
    def approve(self, request, queryset):
        self.decide_all(request, queryset, approve=True)

    @admin.action(description="不批准所选申请")
    def refuse(self, request, queryset):
        self.decide_all(request, queryset, approve=False)


@admin.register(ExtensionRequest)
class ExtensionRequestAdmin(BureauRequestAdmin):
    form = ExtensionRequestForm
    list_display = ["assignment", "requested_due_on", "requested_on", "status", "decided_on"]
    decide = staticmethod(extension_decide)


@admin.register(ReturnRequest)
class ReturnRequestAdmin(BureauRequestAdmin):
    form = ReturnRequestForm
    list_display = ["assignment", "requested_on", "status", "decided_on", "reassigned_to"]
    readonly_fields = [*BureauRequestAdmin.readonly_fields, "reassigned_to"]
    decide = staticmethod(return_decide)

    @admin.action(description="批准所选退回，并改交其他单位")
    def approve(self, request, queryset):
        def apply(return_request, data):
            return_decide(
                request=return_request,
                approve=True,
                user=request.user,
                today=timezone.localdate(),
                reassign_to=data["reassign_to"],
                note=data["note"],
            )

        return action_with_form(self, request, queryset, ReassignForm, "批准退回并改交", apply)


class FeedbackForm(forms.ModelForm):
    """New feedback is checked by the service that records it (and opens re-handling)."""

    class Meta:
        model = Feedback
        fields = ["proposal", "member", "satisfaction", "source", "received_on", "comment"]

    def clean(self):
        cleaned = super().clean()
        if self.instance.pk is None and cleaned.get("proposal") and cleaned.get("member"):
            feedback_check(proposal=cleaned["proposal"], member=cleaned["member"])
        return cleaned


@admin.register(Feedback)
class FeedbackAdmin(VisibleHistoryAdmin):
    form = FeedbackForm
    list_display = ["proposal", "member", "round", "satisfaction", "source", "received_on"]
    list_filter = ["satisfaction", "round", "source"]
    list_select_related = ["proposal__session", "member"]
    search_fields = ["proposal__title", "member__name"]
    autocomplete_fields = ["proposal", "member"]

    def save_model(self, request, obj, form, change):
        if change:
            super().save_model(request, obj, form, change)
            return
        fields = {name: form.cleaned_data[name] for name in FeedbackForm.Meta.fields}
        form.instance = feedback_record(**{**fields, "comment": fields["comment"] or ""})
