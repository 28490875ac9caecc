"""Held letters (待补全来函): real replies a clerk files under their proposal by hand."""

from django import forms
from django.contrib import admin
from django.core.exceptions import ValidationError
from django.utils.html import format_html, format_html_join

from proposals.access import is_clerk
from proposals.admin.base import SavedByServiceAdmin
from proposals.models import Bureau, HeldLetter, Proposal, Session
from proposals.services.replies import letter_complete

# What was read from the letter, in the order a clerk checks it.
READ_FIELDS = [
    ("issuer", "答复单位"),
    ("body", "机构"),
    ("region", "地区"),
    ("term", "届"),
    ("meeting", "次"),
    ("proposal_number", "编号"),
    ("proposal_title", "案由"),
    ("proposers", "提出人"),
    ("doc_number", "文号"),
    ("reply_date", "答复日期"),
]


class CompleteForm(forms.ModelForm):
    """Which proposal the letter answers (session and number), which bureau sent it, which round."""

    session = forms.ModelChoiceField(Session.objects.all(), label="会议")
    number = forms.IntegerField(label="编号", min_value=1)
    bureau = forms.ModelChoiceField(
        Bureau.objects.all(), label="答复单位", required=False, help_text="来函只写“我局”时可留空。"
    )
    handling_round = forms.IntegerField(label="办理轮次", min_value=1, max_value=2)

    class Meta:
        model = HeldLetter
        fields = ["handling_round"]

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("session") and cleaned.get("number"):
            proposal = Proposal.objects.filter(
                session=cleaned["session"], number=cleaned["number"]
            ).first()
            if proposal is None:
                raise ValidationError("该会议没有这个编号的提案/建议，请先登记。")
            cleaned["proposal"] = proposal
        return cleaned


@admin.register(HeldLetter)
class HeldLetterAdmin(SavedByServiceAdmin):
    form = CompleteForm
    list_display = ["__str__", "reason", "issuer", "source_name", "held_at", "status"]
    list_filter = ["status", "complete"]
    search_fields = ["source_name", "text"]
    fieldsets = [
        ("来函", {"fields": ["source_name", "reason", "what_was_read", "letter_text"]}),
        ("补全", {"fields": ["session", "number", "bureau", "handling_round"]}),
    ]
    readonly_fields = ["source_name", "reason", "what_was_read", "letter_text"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return is_clerk(request.user) and (obj is None or obj.status == HeldLetter.Status.OPEN)

    def has_delete_permission(self, request, obj=None):
        return False

    def get_form(self, request, obj=None, change=False, **kwargs):
        form = super().get_form(request, obj, change, **kwargs)
        if obj is not None:
            read = obj.fields
            form.base_fields["number"].initial = read.get("proposal_number")
            form.base_fields["handling_round"].initial = obj.handling_round
            form.base_fields["session"].initial = (
                Session.objects.filter(
                    body=read.get("body"), term=read.get("term"), meeting=read.get("meeting")
                )
                .values_list("pk", flat=True)
                .first()
            )
            issuer = read.get("issuer") or ""
            form.base_fields["bureau"].initial = (
                Bureau.objects.filter(name=issuer).values_list("pk", flat=True).first()
            )
        return form

    def save_through_service(self, request, form, formsets, change):
        data = form.cleaned_data
        letter_complete(
            held=HeldLetter.objects.get(pk=form.instance.pk),
            proposal=data["proposal"],
            bureau=data["bureau"],
            handling_round=data["handling_round"],
            actor=request.user,
        )

    @admin.display(description="答复单位")
    def issuer(self, held):
        return held.fields.get("issuer") or "—"

    @admin.display(description="已读出的字段")
    def what_was_read(self, held):
        rows = [
            (label, held.fields.get(key))
            for key, label in READ_FIELDS
            if held.fields.get(key) not in (None, "", [])
        ]
        shown = ((label, "、".join(v) if isinstance(v, list) else v) for label, v in rows)
        return format_html_join("", "<div><strong>{}</strong>：{}</div>", shown) or "—"

    @admin.display(description="来函全文")
    def letter_text(self, held):
        return format_html('<div style="white-space: pre-wrap">{}</div>', held.text)
