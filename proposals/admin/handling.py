"""Assignments, what bureaus ask (extensions, returns), and proposers' feedback."""

from django import forms
from django.contrib import admin
from django.utils.html import format_html_join

from proposals.access import is_clerk, officer_bureau_id
from proposals.admin.base import (
    ReadOnlyInline,
    SavedByServiceAdmin,
    VisibleHistoryAdmin,
    VisibleProposalsAdmin,
    action_with_form,
    today,
)
from proposals.models import (
    Assignment,
    Bureau,
    ExtensionRequest,
    Feedback,
    Proposal,
    ReturnRequest,
)
from proposals.services import (
    assignment_check,
    assignment_create,
    assignment_date_set,
    assignment_delete,
    co_handler_opinion_record,
    extension_decide,
    extension_request_check,
    extension_request_create,
    feedback_check,
    feedback_delete,
    feedback_record,
    return_decide,
    return_request_check,
    return_request_create,
)


class DecisionForm(forms.Form):
    note = forms.CharField(
        label="审批意见",
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="已超期的交办批准延期时必须写明理由。",
    )


class ReassignForm(DecisionForm):
    reassign_to = forms.ModelChoiceField(
        Bureau.objects.all(), required=False, label="改交给", help_text="留空则只退回，稍后再交办。"
    )


class ExtensionRequestInline(ReadOnlyInline):
    model = ExtensionRequest
    fields = [
        "requested_on",
        "requested_due_on",
        "reason",
        "status",
        "late",
        "decided_on",
        "decision_note",
    ]


class ReturnRequestInline(ReadOnlyInline):
    model = ReturnRequest
    fk_name = "assignment"
    fields = ["requested_on", "reason", "status", "decided_on", "reassigned_to", "decision_note"]


class AssignmentForm(forms.ModelForm):
    """A new assignment is checked by the rule assignment_create applies."""

    class Meta:
        model = Assignment
        fields = ["proposal", "bureau", "role", "assigned_on", "opinion_on"]

    def clean(self):
        cleaned = super().clean()
        if self.instance.pk is None and cleaned.get("proposal") and cleaned.get("bureau"):
            assignment_check(
                proposal=cleaned["proposal"], bureau=cleaned["bureau"], role=cleaned.get("role")
            )
        return cleaned


@admin.register(Assignment)
class AssignmentAdmin(SavedByServiceAdmin, VisibleHistoryAdmin):
    form = AssignmentForm
    list_display = ["proposal", "bureau", "role", "assigned_on", "due_on", "returned_on"]
    list_filter = ["role", "bureau__region", ("returned_on", admin.EmptyFieldListFilter)]
    list_select_related = ["proposal__session", "bureau"]
    search_fields = ["proposal__title", "bureau__name"]
    autocomplete_fields = ["proposal", "bureau"]
    date_hierarchy = "due_on"
    inlines = [ExtensionRequestInline, ReturnRequestInline]

    def get_readonly_fields(self, request, obj=None):
        if obj is None:
            return ["due_date_explained"]
        # Made once; later a date left empty by an import, or a co-handler's opinion date.
        fixed = ["proposal", "bureau", "role", "due_on", "on_time_by", "returned_on"]
        if obj.assigned_on is not None:
            fixed.append("assigned_on")
        if obj.role != Assignment.Role.CO_HANDLER or obj.opinion_on is not None:
            fixed.append("opinion_on")
        return [*fixed, "due_date_explained"]

    def save_through_service(self, request, form, formsets, change):
        data = form.cleaned_data
        if not change:
            form.instance = assignment_create(
                proposal=data["proposal"],
                bureau=data["bureau"],
                role=data["role"],
                assigned_on=data.get("assigned_on"),
                actor=request.user,
            )
            return
        assignment = Assignment.objects.get(pk=form.instance.pk)
        if data.get("assigned_on") and assignment.assigned_on is None:
            assignment = assignment_date_set(
                assignment=assignment, assigned_on=data["assigned_on"], actor=request.user
            )
        if data.get("opinion_on") and assignment.opinion_on is None:
            co_handler_opinion_record(
                assignment=assignment, on=data["opinion_on"], actor=request.user
            )

    def delete_through_service(self, request, obj):
        assignment_delete(assignment=obj, actor=request.user)

    @admin.display(description="期限如何计算")
    def due_date_explained(self, assignment):
        return format_html_join(
            "", "<div>{}</div>", ((step,) for step in assignment.due_date_explanation())
        )


class BureauRequestForm(forms.ModelForm):
    """A bureau's request, checked by the same rule the service that records it applies."""

    check = None  # the service's check, which raises ValidationError for a refused request
    request_fields: list[str] = []
    actor = None  # set by the admin for each request

    def clean(self):
        cleaned = super().clean()
        if self.instance.pk is None and cleaned.get("assignment"):
            fields = {name: cleaned.get(name) for name in self.request_fields}
            type(self).check(**fields, **self.extra_check_arguments(), actor=self.actor)
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
        return {"today": today()}


class BureauRequestAdmin(SavedByServiceAdmin, VisibleProposalsAdmin):
    """The queue of what bureaus ask; bureaus add requests, clerks decide with the actions."""

    proposal_path = "assignment__proposal"
    bureau_path = "assignment__bureau_id"
    list_filter = ["status", "requested_on"]
    list_select_related = ["assignment__proposal__session", "assignment__bureau"]
    search_fields = ["assignment__proposal__title", "assignment__bureau__name", "reason"]
    readonly_fields = ["status", "decided_by", "decided_on", "decision_note"]
    actions = ["approve", "refuse"]
    decide = None  # the service that records the decision
    create = None  # the service that records a new request

    def get_form(self, request, obj=None, change=False, **kwargs):
        form = super().get_form(request, obj, change, **kwargs)
        form.actor = request.user
        return form

    def get_actions(self, request):
        actions = super().get_actions(request)
        if not is_clerk(request.user):
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

    def save_through_service(self, request, form, formsets, change):
        fields = {name: form.cleaned_data[name] for name in form.request_fields}
        form.instance = type(self).create(**fields, actor=request.user, today=today())

    def has_change_permission(self, request, obj=None):
        # A request is decided with the actions, never edited.
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def _decide(self, request, queryset, approve: bool, form_class=DecisionForm, **extra):
        verdict = "批准" if approve else "不批准"

        def apply(bureau_request, data):
            type(self).decide(
                request=bureau_request,
                approve=approve,
                actor=request.user,
                today=today(),
                note=data["note"],
                **{name: data[name] for name in extra},
            )

        return action_with_form(self, request, queryset, form_class, f"{verdict}所选申请", apply)

    @admin.action(description="批准所选申请")
    def approve(self, request, queryset):
        return self._decide(request, queryset, approve=True)

    @admin.action(description="不批准所选申请")
    def refuse(self, request, queryset):
        return self._decide(request, queryset, approve=False)


@admin.register(ExtensionRequest)
class ExtensionRequestAdmin(BureauRequestAdmin):
    form = ExtensionRequestForm
    list_display = [
        "assignment",
        "requested_due_on",
        "requested_on",
        "status",
        "late",
        "decided_on",
    ]
    readonly_fields = [*BureauRequestAdmin.readonly_fields, "late"]
    decide = staticmethod(extension_decide)
    create = staticmethod(extension_request_create)


@admin.register(ReturnRequest)
class ReturnRequestAdmin(BureauRequestAdmin):
    form = ReturnRequestForm
    list_display = ["assignment", "requested_on", "status", "decided_on", "reassigned_to"]
    readonly_fields = [*BureauRequestAdmin.readonly_fields, "reassigned_to"]
    decide = staticmethod(return_decide)
    create = staticmethod(return_request_create)

    @admin.action(description="批准所选退回（可同时改交其他单位）")
    def approve(self, request, queryset):
        return self._decide(
            request, queryset, approve=True, form_class=ReassignForm, reassign_to=True
        )


class FeedbackForm(forms.ModelForm):
    """New feedback is checked by the service that records it (and opens re-handling)."""

    actor = None

    class Meta:
        model = Feedback
        fields = ["proposal", "member", "satisfaction", "source", "received_on", "comment"]

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("proposal") and cleaned.get("member"):
            feedback_check(proposal=cleaned["proposal"], member=cleaned["member"], actor=self.actor)
        return cleaned


@admin.register(Feedback)
class FeedbackAdmin(SavedByServiceAdmin, VisibleHistoryAdmin):
    form = FeedbackForm
    list_display = ["proposal", "member", "round", "satisfaction", "source", "received_on"]
    list_filter = ["satisfaction", "round", "source"]
    list_select_related = ["proposal__session", "member"]
    search_fields = ["proposal__title", "member__name"]
    autocomplete_fields = ["proposal", "member"]

    def get_form(self, request, obj=None, change=False, **kwargs):
        form = super().get_form(request, obj, change, **kwargs)
        form.actor = request.user
        return form

    def has_change_permission(self, request, obj=None):
        # Recorded feedback is corrected by deleting it (which withdraws the re-handling it
        # opened) and recording it again.
        return False

    def save_through_service(self, request, form, formsets, change):
        fields = {name: form.cleaned_data[name] for name in FeedbackForm.Meta.fields}
        form.instance = feedback_record(
            **{**fields, "comment": fields["comment"] or ""}, actor=request.user
        )

    def delete_through_service(self, request, obj):
        feedback_delete(feedback=obj, actor=request.user)
