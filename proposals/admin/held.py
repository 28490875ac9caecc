"""Held letters (待补全来函): real replies a clerk files under their proposal by hand."""

from django import forms
from django.contrib import admin
from django.utils.html import format_html, format_html_join

from proposals.access import is_clerk
from proposals.admin.base import SavedByServiceAdmin
from proposals.admin.widgets import SearchSelect
from proposals.extraction import EXTRACTORS
from proposals.models import Body, Bureau, HeldLetter, Proposal, Reply
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


def _found_by_search(field_name: str) -> SearchSelect:
    """A search box over the admin's search fields (a reply's proposal or bureau field)."""
    return SearchSelect(Reply._meta.get_field(field_name), admin.site)


class CompleteForm(forms.ModelForm):
    """Which proposal the letter answers, which bureau sent it, and in which round."""

    proposal = forms.ModelChoiceField(
        Proposal.objects.all(),
        label="提案/建议",
        widget=_found_by_search("proposal"),
        help_text="按编号、案由或提出人查找。",
    )
    # Not `bureau`: a held letter's bureau is the one that uploaded it (its remit).
    issuer = forms.ModelChoiceField(
        Bureau.objects.all(),
        label="答复单位",
        required=False,
        widget=_found_by_search("bureau"),
        help_text="来函只写“我局”时可留空。",
    )
    handling_round = forms.IntegerField(label="办理轮次", min_value=1, max_value=2)

    class Meta:
        model = HeldLetter
        fields = ["handling_round"]


@admin.register(HeldLetter)
class HeldLetterAdmin(SavedByServiceAdmin):
    form = CompleteForm
    list_display = ["__str__", "reason", "issuer_named", "source_name", "held_at", "status"]
    list_filter = ["status", "complete"]
    search_fields = ["source_name", "text"]
    fieldsets = [
        ("来函", {"fields": ["source_name", "reason", "read_by", "what_was_read"]}),
        (
            "补全",
            {
                "fields": ["proposal", "issuer", "handling_round"],
                "description": "按编号、案由或提出人查找这封来函答复的提案/建议，核对答复单位和轮次后保存。",
            },
        ),
        ("来函全文", {"fields": ["letter_text"]}),
    ]
    readonly_fields = ["source_name", "reason", "read_by", "what_was_read", "letter_text"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return is_clerk(request.user) and (obj is None or obj.status == HeldLetter.Status.OPEN)

    def has_delete_permission(self, request, obj=None):
        return False

    def get_form(self, request, obj=None, change=False, **kwargs):
        form = super().get_form(request, obj, change, **kwargs)
        if obj is not None:
            # What the letter says, offered for the clerk to confirm or change.
            proposal, bureau = _named_in(obj)
            form.base_fields["proposal"].initial = proposal
            form.base_fields["issuer"].initial = bureau
            form.base_fields["handling_round"].initial = obj.handling_round
        return form

    def save_through_service(self, request, form, formsets, change):
        data = form.cleaned_data
        letter_complete(
            held=HeldLetter.objects.get(pk=form.instance.pk),
            proposal=data["proposal"],
            bureau=data["issuer"],
            handling_round=data["handling_round"],
            actor=request.user,
        )
        # The confirmation names the letter as it now stands (已补全).
        form.instance.refresh_from_db()

    @admin.display(description="答复单位")
    def issuer_named(self, held):
        return held.fields.get("issuer") or "—"

    @admin.display(description="读取方式")
    def read_by(self, held):
        extractor = EXTRACTORS.get(held.fields.get("extractor") or "text")
        confidence = held.fields.get("ocr_confidence")
        return extractor if confidence is None else f"{extractor}，置信度 {confidence}"

    @admin.display(description="已读出的字段")
    def what_was_read(self, held):
        rows = [
            (label, held.fields.get(key))
            for key, label in READ_FIELDS
            if held.fields.get(key) not in (None, "", [])
        ]
        shown = ((label, _shown(value)) for label, value in rows)
        return format_html_join("", "<div><strong>{}</strong>：{}</div>", shown) or "—"

    @admin.display(description="来函全文")
    def letter_text(self, held):
        return format_html('<div class="letter-text">{}</div>', held.text)


def _named_in(held: HeldLetter) -> tuple[int | None, int | None]:
    """The proposal and bureau the letter's readable fields name, where they name one."""
    read = held.fields
    proposals = Proposal.objects.filter(
        session__body=read.get("body"),
        session__term=read.get("term"),
        session__meeting=read.get("meeting"),
        number=read.get("proposal_number"),
    )
    if read.get("proposal_number") is None:
        proposals = Proposal.objects.filter(title=read.get("proposal_title") or None)
    proposal = proposals.values_list("pk", flat=True)[:2]
    bureau = Bureau.objects.filter(name=read.get("issuer") or "").values_list("pk", flat=True)
    return (proposal[0] if len(proposal) == 1 else None), bureau.first()


def _shown(value) -> str:
    if isinstance(value, list):
        return "、".join(value)
    if value in Body.values:
        return Body(value).label
    return str(value)
