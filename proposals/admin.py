"""The clerks' workbench. Reads go through the models' named querysets; no rules live here."""

from django import forms
from django.contrib import admin, messages
from django.contrib.admin.utils import unquote
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import path
from django.utils import timezone
from django.utils.html import format_html, format_html_join
from simple_history.admin import SimpleHistoryAdmin

from proposals.exports import csv_response, export_queryset, proposal_rows, xlsx_response
from proposals.models import (
    Assignment,
    Bureau,
    BureauAlias,
    CarbonCopy,
    Contact,
    ExtensionRequest,
    Feedback,
    Grade,
    HandlingStatus,
    ImportedFile,
    ImportRun,
    Member,
    Proposal,
    ProposalProposer,
    Reply,
    ReplyChange,
    ReturnRequest,
    Session,
    Turn,
)
from proposals.roles import Role, officer_bureau_id, role_of
from proposals.services import (
    extension_decide,
    extension_grant,
    extension_request_check,
    feedback_check,
    feedback_record,
    proposal_close,
    proposals_assign,
    reply_grade_set,
    reply_publish,
    return_decide,
    return_request_check,
)
from proposals.uploads import Upload, import_run_confirm, import_run_preview

admin.site.site_header = "提案办理跟踪系统"
admin.site.site_title = "提案办理跟踪"
admin.site.index_title = "工作台"


class VisibleProposalsAdmin(admin.ModelAdmin):
    """Rows are limited to those whose proposal the user may see, in lists and by URL alike.

    `proposal_path` leads from the model to its proposal ("" for Proposal itself). Rows that
    belong to a bureau (`bureau_path`) may be changed by a bureau officer of that bureau only.
    """

    proposal_path = "proposal"
    bureau_path: str | None = None

    def get_queryset(self, request):
        queryset = super().get_queryset(request)
        visible = Proposal.objects.visible_to(request.user)
        if not self.proposal_path:
            return queryset & visible
        return queryset.filter(**{f"{self.proposal_path}__in": visible.values("pk")})

    def _is_others(self, request, obj) -> bool:
        bureau_id = officer_bureau_id(request.user)
        if bureau_id is None or obj is None or self.bureau_path is None:
            return False
        owner = obj
        for step in self.bureau_path.split("__"):
            owner = getattr(owner, step)
        return owner != bureau_id

    def has_change_permission(self, request, obj=None):
        return super().has_change_permission(request, obj) and not self._is_others(request, obj)

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        # A bureau officer may only file things under their own bureau and visible proposals.
        bureau_id = officer_bureau_id(request.user)
        if bureau_id is not None:
            visible = Proposal.objects.visible_to(request.user)
            if db_field.related_model is Bureau:
                kwargs["queryset"] = Bureau.objects.filter(pk=bureau_id)
            elif db_field.related_model is Proposal:
                kwargs["queryset"] = visible
            elif db_field.related_model is Reply:
                kwargs["queryset"] = Reply.objects.filter(bureau=bureau_id, proposal__in=visible)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def has_delete_permission(self, request, obj=None):
        return super().has_delete_permission(request, obj) and not self._is_others(request, obj)


class VisibleHistoryAdmin(VisibleProposalsAdmin, SimpleHistoryAdmin):
    """A tracked model's history (who, when, before/after), for those who may see the object.

    simple-history's own views fall back to the historical rows when the object is not in
    the queryset, which would show another bureau's history; they must find it visible first.
    """

    def _require_visible(self, request, object_id) -> None:
        if not self.get_queryset(request).filter(pk=unquote(object_id)).exists():
            raise Http404

    def history_view(self, request, object_id, extra_context=None):
        self._require_visible(request, object_id)
        return super().history_view(request, object_id, extra_context)

    def history_form_view(self, request, object_id, version_id, extra_context=None):
        self._require_visible(request, object_id)
        return super().history_form_view(request, object_id, version_id, extra_context)


@admin.register(Session)
class SessionAdmin(admin.ModelAdmin):
    list_display = ["__str__", "body", "region", "term", "meeting", "opened_on"]
    list_filter = ["body", "region"]
    search_fields = ["region"]


@admin.register(Member)
class MemberAdmin(admin.ModelAdmin):
    list_display = ["name", "body", "region", "sector", "delegation"]
    list_filter = ["body", "region", "sector"]
    search_fields = ["name", "sector", "delegation"]


class BureauAliasInline(admin.TabularInline):
    model = BureauAlias
    extra = 1


@admin.register(Bureau)
class BureauAdmin(admin.ModelAdmin):
    list_display = ["name", "region", "needs_review"]
    list_filter = ["needs_review", "region"]
    search_fields = ["name", "aliases__name"]
    inlines = [BureauAliasInline]


@admin.register(Grade)
class GradeAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "definition", "aliases"]


def apply_each(model_admin, request, objects, apply) -> None:
    """Apply a service to each selected object; report what was done and each refusal."""
    done = 0
    for obj in objects:
        try:
            apply(obj)
            done += 1
        except ValidationError as error:
            model_admin.message_user(request, f"{obj}：{error.messages[0]}", messages.ERROR)
    if done:
        model_admin.message_user(request, f"已处理 {done} 项。", messages.SUCCESS)


def action_with_form(model_admin, request, queryset, form_class, description, apply):
    """Ask for `form_class` on an intermediate page, then apply(obj, cleaned_data) to each."""
    form = form_class(request.POST if "apply" in request.POST else None)
    if form.is_valid():
        apply_each(model_admin, request, queryset, lambda obj: apply(obj, form.cleaned_data))
        return None
    context = {
        **model_admin.admin_site.each_context(request),
        "title": description,
        "description": description,
        "form": form,
        "objects": queryset,
        "action": request.POST["action"],
    }
    return TemplateResponse(request, "admin/proposals/action_form.html", context)


class AssignForm(forms.Form):
    lead = forms.ModelChoiceField(Bureau.objects.all(), label="主办单位")
    co_handlers = forms.ModelMultipleChoiceField(
        Bureau.objects.all(), required=False, label="协办单位"
    )
    assigned_on = forms.DateField(label="交办日期", initial=timezone.localdate)


class ExtendForm(forms.Form):
    due_on = forms.DateField(label="答复期限延至")
    reason = forms.CharField(label="延期理由", widget=forms.Textarea(attrs={"rows": 3}))


class ReassignForm(forms.Form):
    reassign_to = forms.ModelChoiceField(
        Bureau.objects.all(), required=False, label="改交给", help_text="留空则只退回，稍后再交办。"
    )
    note = forms.CharField(label="审批意见", required=False)


class GradeForm(forms.Form):
    grade = forms.ModelChoiceField(Grade.objects.all(), label="办理结果")


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


class ReplyInline(admin.TabularInline):
    model = Reply
    extra = 0
    fields = ["bureau", "round", "doc_number", "grade", "reply_date", "needs_review"]
    readonly_fields = fields
    show_change_link = True
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False


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
    list_filter = [AttentionFilter, HandlingStatusFilter, "session", "is_key", "category"]
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
        label = HandlingStatus(proposal.handling_status).label
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
        label = Turn(proposal.turn).label
        party = f"（{proposal.turn_party}）" if proposal.turn_party else ""
        due = f" · {proposal.turn_due_on:%Y-%m-%d}" if proposal.turn_due_on else ""
        return f"{label}{party}{due}"


class ExtensionRequestInline(admin.TabularInline):
    model = ExtensionRequest
    extra = 0
    fields = ["requested_on", "requested_due_on", "reason", "status", "decided_on", "decision_note"]
    readonly_fields = fields
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False


class ReturnRequestInline(ExtensionRequestInline):
    model = ReturnRequest
    fk_name = "assignment"
    fields = ["requested_on", "reason", "status", "decided_on", "reassigned_to", "decision_note"]
    readonly_fields = fields


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


class ContactInline(admin.TabularInline):
    model = Contact
    extra = 0


class CarbonCopyInline(admin.TabularInline):
    model = CarbonCopy
    extra = 0


class ReplyChangeInline(admin.TabularInline):
    model = ReplyChange
    extra = 0
    fields = ["recorded_at", "source_name", "changes"]
    readonly_fields = fields
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False


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


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    def __init__(self, *args, **kwargs):
        kwargs.setdefault("widget", MultipleFileInput())
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        single = super().clean
        return (
            [single(item, initial) for item in data]
            if isinstance(data, list | tuple)
            else [single(data, initial)]
        )


class UploadForm(forms.Form):
    files = MultipleFileField(label="答复函文件或 .zip")


class ImportedFileInline(admin.TabularInline):
    model = ImportedFile
    extra = 0
    fields = ["name", "preview_status", "preview_error", "preview_changes", "status", "error"]
    readonly_fields = fields
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(ImportRun)
class ImportRunAdmin(admin.ModelAdmin):
    list_display = ["__str__", "created_by", "bureau", "status", "confirmed_at"]
    list_filter = ["status"]
    list_select_related = ["created_by", "bureau"]
    readonly_fields = ["created_by", "bureau", "created_at", "status", "confirmed_at"]
    inlines = [ImportedFileInline]

    def get_queryset(self, request):
        queryset = super().get_queryset(request)
        bureau_id = officer_bureau_id(request.user)
        return queryset if bureau_id is None else queryset.filter(bureau=bureau_id)

    def has_change_permission(self, request, obj=None):
        return False

    def get_urls(self):
        confirm = self.admin_site.admin_view(self.confirm_view)
        return [
            path("<path:object_id>/confirm/", confirm, name="proposals_importrun_confirm"),
            *super().get_urls(),
        ]

    def add_view(self, request, form_url="", extra_context=None):
        if not self.has_add_permission(request):
            raise PermissionDenied
        form = UploadForm(request.POST or None, request.FILES or None)
        if form.is_valid():
            uploads = [Upload(f.name, f.read()) for f in form.cleaned_data["files"]]
            bureau_id = officer_bureau_id(request.user)
            try:
                run = import_run_preview(
                    uploads=uploads,
                    user=request.user,
                    bureau=Bureau.objects.get(pk=bureau_id) if bureau_id else None,
                )
            except ValidationError as error:
                form.add_error("files", error)
            else:
                return redirect("admin:proposals_importrun_change", run.pk)
        context = {**self.admin_site.each_context(request), "title": "上传答复函", "form": form}
        return TemplateResponse(request, "admin/proposals/importrun/upload.html", context)

    def change_view(self, request, object_id, form_url="", extra_context=None):
        extra = {"can_confirm": self.has_add_permission(request), **(extra_context or {})}
        return super().change_view(request, object_id, form_url, extra)

    def confirm_view(self, request, object_id):
        run = self.get_queryset(request).filter(pk=object_id).first()
        if run is None:
            raise Http404
        if request.method != "POST" or not self.has_add_permission(request):
            raise PermissionDenied
        try:
            import_run_confirm(run=run)
            self.message_user(request, "已按预览的文件导入。", messages.SUCCESS)
        except ValidationError as error:
            self.message_user(request, error.messages[0], messages.ERROR)
        return redirect("admin:proposals_importrun_change", run.pk)
