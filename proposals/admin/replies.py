"""Replies with their contacts, carbon copies and every change made to them."""

from django import forms
from django.contrib import admin
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.html import format_html

from proposals.access import is_clerk, officer_bureau_id
from proposals.admin.base import (
    LabelledInline,
    ReadOnlyInline,
    Row,
    SavedByServiceAdmin,
    VisibleHistoryAdmin,
    VisibleProposalsAdmin,
    action_with_form,
    confirm_service,
    flag_column,
    inline_rows,
    proposal_label,
    today,
)
from proposals.admin.history import EMPTY
from proposals.models import CarbonCopy, Contact, Grade, Reply, ReplyChange
from proposals.ownership import LETTER_REPLY_FIELDS, label
from proposals.services import (
    LetterContent,
    reply_delete,
    reply_edit,
    reply_grade_decide,
    reply_publish,
    reply_review_done,
    reply_submit,
)
from proposals.services.replies import reply_submit_check

# The form's names for the letter-owned fields (a foreign key by its field name).
LETTER_FORM_FIELDS = [name.removesuffix("_id") for name in LETTER_REPLY_FIELDS]


class GradeForm(forms.Form):
    grade = forms.ModelChoiceField(
        Grade.objects.all(),
        label="办理结果",
        required=False,
        help_text="留空则采用承办单位提出的类别。",
    )


class ContactInline(LabelledInline):
    model = Contact
    fields = ["position", "unit", "name", "phone"]
    extra = 0


class CarbonCopyInline(LabelledInline):
    model = CarbonCopy
    fields = ["position", "recipient", "copies"]
    extra = 0


class ReplyChangeInline(ReadOnlyInline):
    model = ReplyChange
    fields = ["recorded_at", "kind", "recorded_by", "source_name", "changed", "kept"]
    show_change_link = False

    @admin.display(description="变更（旧值 → 新值）")
    def changed(self, change):
        return _change_table(change.change_rows())

    @admin.display(description="未覆盖的更正（更正值 ← 来函值）")
    def kept(self, change):
        return _change_table(change.conflict_rows())


def _change_table(rows):
    if not rows:
        return EMPTY
    return render_to_string("admin/includes/change_table.html", {"rows": rows})


class ReplyForm(forms.ModelForm):
    """The letter-owned fields; a new reply is checked by the rule reply_submit applies."""

    actor = None

    class Meta:
        model = Reply
        fields = ["proposal", "bureau", *LETTER_FORM_FIELDS]

    def clean(self):
        cleaned = super().clean()
        if self.instance.pk is None and cleaned.get("proposal") and cleaned.get("bureau"):
            reply_submit_check(
                proposal=cleaned["proposal"], bureau=cleaned["bureau"], actor=self.actor
            )
        return cleaned


class RoundFilter(admin.SimpleListFilter):
    """First handling or re-handling, without reading every reply for the rounds in use
    (the admin's own filter on the field took 90 ms at 730,000 replies)."""

    title = "办理轮次"
    parameter_name = "round"

    def lookups(self, request, model_admin):
        return [("first", "首次办理"), ("again", "重新办理")]

    def queryset(self, request, queryset):
        if self.value() == "first":
            return queryset.filter(round=1)
        if self.value() == "again":
            return queryset.filter(round__gt=1)
        return queryset


@admin.register(Reply)
class ReplyAdmin(SavedByServiceAdmin, VisibleHistoryAdmin):
    form = ReplyForm
    bureau_path = "bureau_id"
    actions = ["confirm_grade", "set_grade", "review_done", "publish"]
    review_column = flag_column("needs_review", "待补全")
    list_display = [
        "proposal",
        "bureau",
        "doc_number",
        "proposed_grade",
        "grade",
        "reply_date",
        "review_column",
        "published_on",
    ]
    list_filter = [
        "needs_review",
        "grade",
        "proposed_grade",
        "completeness",
        RoundFilter,
        ("reply_date", admin.DateFieldListFilter),
        ("published_on", admin.EmptyFieldListFilter),
        "proposal__session",
    ]
    list_select_related = ["proposal__session", "bureau", "grade", "proposed_grade"]
    search_fields = ["doc_number", "proposal__title", "bureau__name", "signer"]
    autocomplete_fields = ["proposal", "bureau"]
    inlines = [ContactInline, CarbonCopyInline, ReplyChangeInline]
    clerk_decisions = ["round", "grade", "published_on", "needs_review", "review_note"]
    provenance = [
        "corrections",
        "source_name",
        "source_sha256",
        "imported_at",
        "extractor",
        "ocr_confidence",
    ]

    def get_form(self, request, obj=None, change=False, **kwargs):
        form = super().get_form(request, obj, change, **kwargs)
        form.actor = request.user
        return form

    def get_readonly_fields(self, request, obj=None):
        fixed = [] if obj is None else ["proposal", "bureau"]
        return [*fixed, *self.clerk_decisions, *self.provenance]

    def get_changeform_initial_data(self, request):
        initial = super().get_changeform_initial_data(request)
        if officer_bureau_id(request.user) is not None:
            initial.setdefault("bureau", officer_bureau_id(request.user))
        return initial

    def has_delete_permission(self, request, obj=None):
        return is_clerk(request.user) and super().has_delete_permission(request, obj)

    def save_through_service(self, request, form, formsets, change):
        content = LetterContent(
            values={
                name: _value(form.cleaned_data.get(form_name))
                for name, form_name in _letter_fields()
            }
        )
        for formset in formsets:
            if formset.model is Contact:
                rows = inline_rows(formset, ["position", "unit", "name", "phone"])
                content.contacts = [tuple(v or "" for v in row[1:]) for row in _ordered(rows)]
            elif formset.model is CarbonCopy:
                rows = inline_rows(formset, ["position", "recipient", "copies"])
                content.cc = [(row[1] or "", row[2]) for row in _ordered(rows)]
        if change:
            reply_edit(
                reply=Reply.objects.get(pk=form.instance.pk), content=content, actor=request.user
            )
        else:
            form.instance = reply_submit(
                proposal=form.cleaned_data["proposal"],
                bureau=form.cleaned_data["bureau"],
                content=content,
                actor=request.user,
            )

    def delete_through_service(self, request, obj):
        reply_delete(reply=obj, actor=request.user)

    def get_actions(self, request):
        actions = super().get_actions(request)
        if not is_clerk(request.user):
            for name in self.actions:
                actions.pop(name, None)
        return actions

    @admin.action(description="确认所选答复的办理结果（采用承办单位提出的类别）")
    def confirm_grade(self, request, queryset):
        return confirm_service(
            self,
            request,
            queryset,
            "确认办理结果（采用承办单位提出的类别）",
            reply_grade_decide,
            "reply",
            describe_reply,
            grade=None,
        )

    @admin.action(description="设定所选答复的办理结果")
    def set_grade(self, request, queryset):
        def apply(reply, data):
            reply_grade_decide(reply=reply, grade=data["grade"], actor=request.user)

        return action_with_form(
            self, request, queryset, GradeForm, "设定办理结果", apply, describe_reply
        )

    @admin.action(description="标记所选答复已审核")
    def review_done(self, request, queryset):
        return confirm_service(
            self, request, queryset, "标记答复已审核", reply_review_done, "reply", describe_reply
        )

    @admin.action(description="公开所选答复")
    def publish(self, request, queryset):
        return confirm_service(
            self,
            request,
            queryset,
            "公开所选答复（联系方式在公开页面上遮盖）",
            reply_publish,
            "reply",
            describe_reply,
            on=today(),
        )

    @admin.display(description="工作人员更正的字段")
    def corrections(self, reply):
        return "、".join(label(name) for name in reply.corrected_fields) or "—"


def describe_reply(reply: Reply) -> Row:
    """A reply on a confirmation page: whose, its grades, and what a clerk should check first."""
    proposed = reply.proposed_grade or "未提出"
    details = [f"提出类别 {proposed}", f"办理结果 {reply.grade or '未定'}"]
    if reply.published_on is not None:
        details.append(f"已于{reply.published_on:%Y-%m-%d}公开")
    warnings = []
    if not reply.counts:
        warnings.append("答复不完整：不能公开，收到完整文本后再处理。")
    if reply.needs_review:
        warnings.append(f"尚待审核：{reply.review_note or '请先看过再公开'}")
    bureau = reply.bureau or "答复单位不详"
    return Row(f"{proposal_label(reply.proposal)} — {bureau}", tuple(details), tuple(warnings))


def _letter_fields() -> list[tuple[str, str]]:
    return list(zip(LETTER_REPLY_FIELDS, LETTER_FORM_FIELDS, strict=True))


def _ordered(rows: list[tuple]) -> list[tuple]:
    return sorted(rows, key=lambda row: row[0] or 0)


def _value(value):
    """A form's value as the model stores it: a chosen row by its key."""
    return getattr(value, "pk", value)


@admin.register(Contact)
class ContactAdmin(VisibleProposalsAdmin):
    """Contacts to look up by name or number; they are edited on their reply's page."""

    proposal_path = "reply__proposal"
    list_display = ["name", "phone", "unit", "reply_link"]
    list_select_related = ["reply__proposal__session", "reply__bureau"]
    search_fields = ["name", "phone", "unit"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    @admin.display(description="答复")
    def reply_link(self, contact):
        url = reverse("admin:proposals_reply_change", args=[contact.reply_id])
        return format_html('<a href="{}">{}</a>', url, contact.reply)


@admin.register(ReplyChange)
class ReplyChangeAdmin(VisibleProposalsAdmin):
    proposal_path = "reply__proposal"
    list_display = ["reply", "kind", "recorded_at", "recorded_by", "source_name"]
    list_filter = ["kind"]
    list_select_related = ["reply__proposal__session", "reply__bureau", "recorded_by"]
    search_fields = ["source_name", "reply__doc_number"]
    date_hierarchy = "recorded_at"
    fields = ["reply", "kind", "recorded_at", "recorded_by", "source_name", "changed", "kept"]
    readonly_fields = fields

    changed = ReplyChangeInline.changed
    kept = ReplyChangeInline.kept

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
