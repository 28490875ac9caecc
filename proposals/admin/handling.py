"""Assignments, what bureaus ask (extensions, returns), and proposers' feedback."""

from datetime import date
from functools import partial
from urllib.parse import urlencode

from django import forms
from django.contrib import admin
from django.urls import reverse
from django.utils.html import format_html_join
from django.utils.text import Truncator

from proposals.access import is_clerk, officer_bureau_id
from proposals.admin.base import (
    ReadOnlyInline,
    Row,
    SavedByServiceAdmin,
    VisibleHistoryAdmin,
    VisibleProposalsAdmin,
    action_with_form,
    in_red,
    proposal_label,
    today,
)
from proposals.models import (
    Assignment,
    Bureau,
    ExtensionRequest,
    Feedback,
    Proposal,
    RequestStatus,
    ReturnRequest,
)
from proposals.services import (
    assignment_check,
    assignment_create,
    assignment_date_set,
    assignment_delete,
    co_handler_opinion_record,
    extension_decide,
    extension_is_late,
    extension_request_check,
    extension_request_create,
    feedback_check,
    feedback_delete,
    feedback_record,
    return_decide,
    return_request_check,
    return_request_create,
)
from proposals.services.handling import (
    decision_note_check,
    extension_decision_outcome,
    return_decision_outcome,
)


class DecisionForm(forms.Form):
    """The clerk's 审批意见 for the selected requests, checked against each of them by the
    rule the deciding service applies, so a missing note is asked for before anything is
    decided."""

    note = forms.CharField(
        label="审批意见", required=False, widget=forms.Textarea(attrs={"rows": 3})
    )

    def __init__(self, data=None, *, approve: bool, requests: list, today: date):
        super().__init__(data)
        self.approve, self.requests, self.today = approve, requests, today
        self.fields["note"].help_text = (
            "可不填；逾期延期必须写明理由。"
            if approve
            else "必填：写明为什么不批准，承办单位下一步该怎么办。"
        )

    def clean_note(self):
        note = self.cleaned_data["note"]
        for bureau_request in self.requests:
            decision_note_check(
                request=bureau_request, approve=self.approve, note=note, today=self.today
            )
        return note


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


def next_steps_for(bureau_id: int):
    """The column (and change-page field) that offers a bureau officer what it may do about
    its own standing assignments: reply, ask for more time, or hand it back."""

    @admin.display(description="办理")
    def next_steps(assignment):
        if assignment.bureau_id != bureau_id or assignment.returned_on is not None:
            return "—"
        links = [
            ("proposals_reply_add", {"proposal": assignment.proposal_id}, "答复"),
            ("proposals_extensionrequest_add", {"assignment": assignment.pk}, "申请延期"),
            ("proposals_returnrequest_add", {"assignment": assignment.pk}, "申请退回"),
        ]
        return format_html_join(
            " · ",
            '<a href="{}?{}">{}</a>',
            ((reverse(f"admin:{name}"), urlencode(query), text) for name, query, text in links),
        )

    return next_steps


@admin.register(Assignment)
class AssignmentAdmin(SavedByServiceAdmin, VisibleHistoryAdmin):
    form = AssignmentForm
    list_display = ["proposal", "bureau", "role", "assigned_on", "due_on", "returned_on"]
    # Due dates by today, this month or year (the admin's filter, no query): a date
    # hierarchy read every assignment for its years, 300 ms at 1.3 million.
    list_filter = [
        "role",
        "bureau__region",
        ("due_on", admin.DateFieldListFilter),
        ("returned_on", admin.EmptyFieldListFilter),
    ]
    list_select_related = ["proposal__session", "bureau"]
    search_fields = ["proposal__title", "bureau__name"]
    autocomplete_fields = ["proposal", "bureau"]
    inlines = [ExtensionRequestInline, ReturnRequestInline]

    def get_list_display(self, request):
        bureau_id = officer_bureau_id(request.user)
        if bureau_id is None:
            return self.list_display
        return [*self.list_display, next_steps_for(bureau_id)]

    def get_readonly_fields(self, request, obj=None):
        if obj is None:
            return ["due_date_explained"]
        # Made once; later a date left empty by an import, or a co-handler's opinion date.
        fixed = ["proposal", "bureau", "role", "due_on", "on_time_by", "returned_on"]
        if obj.assigned_on is not None:
            fixed.append("assigned_on")
        if obj.role != Assignment.Role.CO_HANDLER or obj.opinion_on is not None:
            fixed.append("opinion_on")
        bureau_id = officer_bureau_id(request.user)
        steps = [] if bureau_id is None else [next_steps_for(bureau_id)]
        return [*fixed, "due_date_explained", *steps]

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


def assignment_label(assignment: Assignment) -> str:
    """An assignment as a bureau tells its own apart: the proposal, then who holds it how."""
    return f"{proposal_label(assignment.proposal)} — {assignment}"


class BureauRequestAdmin(SavedByServiceAdmin, VisibleProposalsAdmin):
    """The queue of what bureaus ask; bureaus add requests, clerks decide with the actions.

    The columns are what a clerk decides on: which proposal, whose, the due date in force,
    the reason and how long the bureau has waited.
    """

    proposal_path = "assignment__proposal"
    bureau_path = "assignment__bureau_id"
    list_display_links = ["number"]
    list_filter = ["status", "requested_on"]
    list_select_related = ["assignment__proposal__session", "assignment__bureau"]
    search_fields = ["assignment__proposal__title", "assignment__bureau__name", "reason"]
    readonly_fields = ["status", "decided_by", "decided_on", "decision_note"]
    actions = ["approve", "refuse"]
    decide = None  # the service that records the decision
    outcome = None  # what the decision means from now on, as a sentence
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
        if db_field.name != "assignment":
            return super().formfield_for_foreignkey(db_field, request, **kwargs)
        # A bureau asks about its own standing assignments only; a clerk may ask for any.
        standing = Assignment.objects.active().filter(
            proposal__in=Proposal.objects.visible_to(request.user).values("pk")
        )
        if officer_bureau_id(request.user) is not None:
            standing = standing.filter(bureau=officer_bureau_id(request.user))
        kwargs["queryset"] = standing.select_related("proposal__session", "bureau")
        field = super().formfield_for_foreignkey(db_field, request, **kwargs)
        # One bureau holds many proposals: the proposal is what tells the choices apart.
        field.label_from_instance = assignment_label
        return field

    def save_through_service(self, request, form, formsets, change):
        fields = {name: form.cleaned_data[name] for name in form.request_fields}
        form.instance = type(self).create(**fields, actor=request.user, today=today())

    def has_change_permission(self, request, obj=None):
        # A request is decided with the actions, never edited.
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    @admin.display(description="编号", ordering="assignment__proposal__number")
    def number(self, bureau_request):
        return f"第{bureau_request.assignment.proposal.number}号"

    @admin.display(description="案由")
    def title(self, bureau_request):
        return bureau_request.assignment.proposal.title

    @admin.display(description="承办单位", ordering="assignment__bureau__name")
    def bureau(self, bureau_request):
        return str(bureau_request.assignment)

    @admin.display(description="原期限", ordering="assignment__due_on")
    def due_on(self, bureau_request):
        due_on = bureau_request.assignment.due_on
        if due_on is None:
            return "—"
        if bureau_request.status == RequestStatus.PENDING and due_on < today():
            return in_red(f"{due_on:%Y-%m-%d}（已超期）")
        return f"{due_on:%Y-%m-%d}"

    @admin.display(description="理由")
    def short_reason(self, bureau_request):
        return Truncator(bureau_request.reason).chars(30)

    @admin.display(description="已等待", ordering="-requested_on")
    def waiting(self, bureau_request):
        if bureau_request.status != RequestStatus.PENDING:
            return "—"
        return f"{(today() - bureau_request.requested_on).days} 天"

    @admin.display(description="状态", ordering="status")
    def status_column(self, bureau_request):
        return bureau_request.get_status_display()

    def details(self, bureau_request) -> list[str]:
        """What the confirmation page says of a request besides its proposal and warnings."""
        assignment = bureau_request.assignment
        due_on = f"{assignment.due_on:%Y-%m-%d}" if assignment.due_on else "不详"
        return [
            f"原期限 {due_on}",
            f"理由：{bureau_request.reason}",
            f"已等待 {(today() - bureau_request.requested_on).days} 天",
        ]

    def warnings(self, bureau_request) -> list[str]:
        due_on = bureau_request.assignment.due_on
        if due_on is None or due_on >= today():
            return []
        return [f"已超期 {(today() - due_on).days} 天：原期限 {due_on:%Y-%m-%d} 已过。"]

    def describe(self, bureau_request) -> Row:
        return Row(
            assignment_label(bureau_request.assignment),
            tuple(self.details(bureau_request)),
            tuple(self.warnings(bureau_request)),
        )

    def _decide(self, request, queryset, approve: bool, form_class=DecisionForm, **extra):
        verdict = "批准" if approve else "不批准"
        requests = list(queryset)

        def apply(bureau_request, data):
            decided = type(self).decide(
                request=bureau_request,
                approve=approve,
                actor=request.user,
                today=today(),
                note=data["note"],
                **{name: data[name] for name in extra},
            )
            label = proposal_label(decided.assignment.proposal)
            return f"【{label}】{type(self).outcome(decided)}"

        return action_with_form(
            self,
            request,
            requests,
            partial(form_class, approve=approve, requests=requests, today=today()),
            f"{verdict}所选申请",
            apply,
            self.describe,
        )

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
        "number",
        "title",
        "bureau",
        "due_on",
        "requested_due_on",
        "short_reason",
        "waiting",
        "status_column",
    ]
    readonly_fields = [*BureauRequestAdmin.readonly_fields, "late"]
    decide = staticmethod(extension_decide)
    outcome = staticmethod(extension_decision_outcome)
    create = staticmethod(extension_request_create)

    @admin.display(description="状态", ordering="status")
    def status_column(self, extension):
        if extension.late:
            return f"{extension.get_status_display()}（逾期延期）"
        return extension.get_status_display()

    def details(self, extension) -> list[str]:
        original, *rest = super().details(extension)
        return [original, f"申请延至 {extension.requested_due_on:%Y-%m-%d}", *rest]

    def warnings(self, extension) -> list[str]:
        warnings = super().warnings(extension)
        if extension_is_late(extension, today()):
            warnings.append(
                "逾期延期：在原期限过后才申请或批准。批准须写明理由；批准后催办期限延后，"
                "统计仍按原期限计为未按期。"
            )
        return warnings


@admin.register(ReturnRequest)
class ReturnRequestAdmin(BureauRequestAdmin):
    form = ReturnRequestForm
    list_display = [
        "number",
        "title",
        "bureau",
        "due_on",
        "short_reason",
        "waiting",
        "status_column",
        "reassigned_to",
    ]
    list_select_related = [*BureauRequestAdmin.list_select_related, "reassigned_to__bureau"]
    readonly_fields = [*BureauRequestAdmin.readonly_fields, "reassigned_to"]
    decide = staticmethod(return_decide)
    outcome = staticmethod(return_decision_outcome)
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
