"""Reference data: sessions, members, bureaus and their aliases, grades, 类别 and 界别."""

from dataclasses import dataclass
from functools import partial

from django import forms
from django.contrib import admin, messages
from django.utils.html import format_html

from proposals.admin.base import LabelledInline, WorkbenchAdmin, action_with_form
from proposals.admin.filters import blank_named
from proposals.models import (
    Bureau,
    BureauAlias,
    Category,
    Grade,
    Member,
    Sector,
    Session,
)
from proposals.services import bureau_merge
from proposals.services.bureaus import bureau_references


@admin.register(Session)
class SessionAdmin(WorkbenchAdmin):
    list_display = ["__str__", "body", "region", "term", "meeting", "opened_on"]
    list_filter = ["body", "region"]
    search_fields = ["region"]


@admin.register(Member)
class MemberAdmin(WorkbenchAdmin):
    # The list, its pickers and its search boxes follow Member.Meta.ordering (by pinyin).
    list_display = ["pinyin_ordered_name", "body", "region", "sector", "delegation", "phone"]
    list_filter = ["body", "region", blank_named("sector", "界别")]
    search_fields = ["name", "sector", "delegation"]

    @admin.display(description="姓名", ordering="name_pinyin")
    def pinyin_ordered_name(self, member):
        return member.name


class BureauAliasInline(LabelledInline):
    model = BureauAlias
    extra = 1


class BureauMergeForm(forms.Form):
    into = forms.ModelChoiceField(
        Bureau.objects.none(),
        label="合并到",
        help_text="所选单位的名称成为该单位的简称，其交办、答复等全部移到该单位，然后删除所选单位。",
    )

    def __init__(self, data=None, *, region: str, selected: list[int]):
        super().__init__(data)
        # Only a bureau of the same region can be the same bureau; the reviewed ones first.
        self.fields["into"].queryset = (
            Bureau.objects.filter(region=region)
            .exclude(pk__in=selected)
            .order_by("needs_review", "name")
        )


@dataclass(frozen=True)
class MergeCandidate:
    """A selected bureau as the merge page lists it: with what merging it will move."""

    bureau: Bureau
    moves: dict[str, int]

    @property
    def pk(self) -> int:
        return self.bureau.pk

    def __str__(self) -> str:
        moves = "、".join(f"{label} {count}" for label, count in self.moves.items())
        return f"{self.bureau}（将移入：{moves}）"


@admin.register(Bureau)
class BureauAdmin(WorkbenchAdmin):
    list_display = ["name", "region", "parent", "review_badge"]
    list_filter = ["needs_review", "region"]
    list_select_related = ["parent"]
    # Bureaus created from a letter's short name wait for a clerk: they come first.
    ordering = ["-needs_review", "region", "name"]
    search_fields = ["name", "aliases__name"]
    autocomplete_fields = ["parent"]
    inlines = [BureauAliasInline]
    actions = ["merge"]

    @admin.display(description="待核实", ordering="needs_review")
    def review_badge(self, bureau):
        if not bureau.needs_review:
            return ""
        return format_html(
            '<span class="review-badge">{}</span>',
            "待核实",
        )

    @admin.action(description="合并到…", permissions=["change"])
    def merge(self, request, queryset):
        bureaus = list(queryset)
        regions = {bureau.region for bureau in bureaus}
        if len(regions) > 1:
            self.message_user(
                request, "所选单位属于不同地区，只能合并同一地区的单位。", messages.ERROR
            )
            return None
        form_class = partial(
            BureauMergeForm, region=regions.pop(), selected=[bureau.pk for bureau in bureaus]
        )
        candidates = [MergeCandidate(bureau, bureau_references(bureau)) for bureau in bureaus]

        def apply(candidate, data):
            bureau_merge(duplicate=candidate.bureau, into=data["into"], actor=request.user)

        return action_with_form(self, request, candidates, form_class, "合并承办单位", apply)


@admin.register(Grade)
class GradeAdmin(WorkbenchAdmin):
    list_display = ["code", "name", "definition", "aliases"]


@admin.register(Category, Sector)
class ListedAdmin(WorkbenchAdmin):
    list_display = ["name", "body", "position"]
    list_filter = ["body"]
    search_fields = ["name"]
