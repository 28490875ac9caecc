"""What every workbench page shares: visibility, saving through services, history, bulk actions.

The workbench is a door, not an owner: forms validate with the services' own checks, and
every save, inline and delete calls a service (proposals.services), which enforces remit and
leaves derived state to proposals.derived.
"""

from dataclasses import dataclass

from django import forms
from django.contrib import admin, messages
from django.contrib.admin.utils import unquote
from django.contrib.admin.widgets import AdminDateWidget
from django.core.exceptions import FieldDoesNotExist, ValidationError
from django.core.paginator import Paginator
from django.db import models
from django.http import Http404
from django.template.response import TemplateResponse
from django.utils import timezone
from django.utils.functional import cached_property
from django.utils.html import format_html
from simple_history.admin import SimpleHistoryAdmin
from simple_history.utils import get_history_manager_for_model

from proposals.access import officer_bureau_id
from proposals.admin.history import ChangeRows
from proposals.admin.widgets import SearchSelect
from proposals.forms import DATE_HINT
from proposals.models import Bureau, Proposal, Reply


class HintedAdminDateWidget(AdminDateWidget):
    """The admin's date input with its calendar, showing the format to type while empty."""

    def __init__(self, attrs=None, format=None):
        super().__init__({**DATE_HINT, **(attrs or {})}, format)


class WorkbenchAdmin(admin.ModelAdmin):
    """What every workbench form shares: date inputs that show the format to type, and search
    boxes a screen reader can name."""

    formfield_overrides = {models.DateField: {"widget": HintedAdminDateWidget}}

    def changelist_view(self, request, extra_context=None):
        # The list's name as its title: Django's "选择 提案/建议 来修改" reads as machine Chinese.
        title = {"title": self.model._meta.verbose_name_plural}
        return super().changelist_view(request, {**title, **(extra_context or {})})

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name in self.get_autocomplete_fields(request):
            kwargs["widget"] = SearchSelect(db_field, self.admin_site, using=kwargs.get("using"))
        return super().formfield_for_foreignkey(db_field, request, **kwargs)


class LabelledInline(admin.TabularInline):
    """A table of rows whose inputs carry their column's name: a screen reader announces the
    input, not the column header above it."""

    def get_formset(self, request, obj=None, **kwargs):
        formset = super().get_formset(request, obj, **kwargs)
        for field in formset.form.base_fields.values():
            field.widget.attrs.setdefault("aria-label", str(field.label))

        class Labelled(formset):
            def add_fields(self, form, index):
                super().add_fields(form, index)
                if "DELETE" in form.fields:
                    form.fields["DELETE"].widget.attrs["aria-label"] = "删除"

        return Labelled


def flag_column(field: str, word: str):
    """A list column of a yes/no field that reads `word` where it is true and is blank
    otherwise. (The admin's own ✓/✗ icons are read aloud by their alt text: "True", "False".)"""

    @admin.display(description=word, ordering=field)
    def column(self, obj):
        return word if getattr(obj, field) else ""

    return column


class AtLeast(int):
    """A count that stopped at a cap: the number, read as "10,000 余" (共 10,000 余 项)."""

    def __str__(self) -> str:
        return f"{int(self):,} 余"


class CappedCountPaginator(Paginator):
    """Counts a list's rows up to CAP and no further: past it the list reads "共 10,000 余 项"
    and offers its first CAP rows a page at a time (filters and search narrow it).

    Counting every row that needs attention took as long as the rest of the page at a
    million proposals; counting up to the cap reads that many rows of an index at most.
    """

    CAP = 10_000

    @cached_property
    def count(self) -> int:
        # Unordered: the database picks how to find them (a bureau's few, say, by its index).
        counted = self.object_list.order_by()[: self.CAP + 1].count()
        return AtLeast(self.CAP) if counted > self.CAP else counted


class VisibleProposalsAdmin(WorkbenchAdmin):
    """Rows are limited to those whose proposal the user may see, in lists and by URL alike.

    `proposal_path` leads from the model to its proposal ("" for Proposal itself). Rows that
    belong to a bureau (`bureau_path`) may be changed by a bureau officer of that bureau only.
    """

    proposal_path = "proposal"
    bureau_path: str | None = None
    # A second COUNT over every row the user may see costs as much as the page at scale.
    show_full_result_count = False
    paginator = CappedCountPaginator

    def get_queryset(self, request):
        queryset = super().get_queryset(request)
        visible = Proposal.objects.visible_to(request.user)
        if not self.proposal_path:
            return queryset & visible
        if not visible.query.has_filters():
            # Every proposal (a clerk, a viewer): no subquery of every proposal's id, which made
            # each count and page of a list of replies or assignments join the whole table.
            return queryset
        return queryset.filter(**{f"{self.proposal_path}__in": visible.values("pk")})

    def get_ordering(self, request):
        """The list's order with each relation in it read by its own column: "proposal" as
        proposal_id, not by the proposal's session, term and number. A relation's ordering is
        a join and a sort of every row before the first page (3 s for the replies at 100,000
        proposals); its column is an index, read a page at a time."""
        ordering = super().get_ordering(request) or self.model._meta.ordering
        return [_by_column(self.model, name) for name in ordering]

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

    def has_delete_permission(self, request, obj=None):
        return super().has_delete_permission(request, obj) and not self._is_others(request, obj)

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


def _by_column(model, name):
    """An ordering entry naming a relation ("proposal", "-bureau") as its column ("proposal_id",
    "-bureau_id"); any other entry as it is."""
    if not isinstance(name, str):
        return name
    descending, field_name = name.startswith("-"), name.lstrip("-")
    try:
        field = model._meta.get_field(field_name)
    except FieldDoesNotExist:
        return name
    if not (field.many_to_one and field.concrete) or field.name != field_name:
        return name
    return f"{'-' if descending else ''}{field.attname}"


class SavedByServiceAdmin(WorkbenchAdmin):
    """Saves and deletes go through a service: `save_through_service(request, form, formsets,
    change)` and `delete_through_service(request, obj)`.

    The admin's own save_model / save_related / delete would write rows directly; here the
    form (already validated with the service's checks) and its inline formsets are handed
    to the service instead.
    """

    def save_through_service(self, request, form, formsets, change) -> None:
        raise NotImplementedError

    def delete_through_service(self, request, obj) -> None:
        raise NotImplementedError

    def save_model(self, request, obj, form, change):
        """Nothing here: save_related hands the form and its inlines to the service at once."""

    def save_related(self, request, form, formsets, change):
        self.save_through_service(request, form, formsets, change)
        # The change message reads what the formsets saved; the service did it instead.
        for formset in formsets:
            formset.new_objects, formset.changed_objects, formset.deleted_objects = [], [], []

    def delete_model(self, request, obj):
        self.delete_through_service(request, obj)

    def delete_queryset(self, request, queryset):
        for obj in queryset:
            self.delete_through_service(request, obj)


def inline_rows(formset, fields: list[str]) -> list[tuple]:
    """The rows an inline formset ends with (kept and added, not deleted), in its order."""
    rows = []
    for form in formset.forms:
        data = getattr(form, "cleaned_data", None)
        if not data or data.get("DELETE") or not any(data.get(name) for name in fields):
            continue
        rows.append(tuple(data.get(name) for name in fields))
    return rows


class VisibleHistoryAdmin(VisibleProposalsAdmin, SimpleHistoryAdmin):
    """A tracked model's history (who, when, before/after), for those who may see the object.

    simple-history's own views fall back to the historical rows when the object is not in
    the queryset, which would show another bureau's history; they must find it visible first.
    Changes are shown as rows of field label, old and new value (proposals.admin.history), on
    the history list and on the page of each version.
    """

    def _require_visible(self, request, object_id) -> None:
        if not self.get_queryset(request).filter(pk=unquote(object_id)).exists():
            raise Http404

    def history_view(self, request, object_id, extra_context=None):
        self._require_visible(request, object_id)
        return super().history_view(request, object_id, extra_context)

    def history_form_view(self, request, object_id, version_id, extra_context=None):
        self._require_visible(request, object_id)
        version = (
            get_history_manager_for_model(self.model)
            .filter(**{self.model._meta.pk.attname: unquote(object_id), "history_id": version_id})
            .select_related("history_user")
            .first()
        )
        changes = None
        if version is not None and (previous := version.prev_record) is not None:
            delta = version.diff_against(previous, foreign_keys_are_objs=True)
            helper = self.get_historical_record_context_helper(request, version)
            changes = helper.context_for_delta_changes(delta)
        context = {"version": version, "version_changes": changes, **(extra_context or {})}
        return super().history_form_view(request, object_id, version_id, context)

    def get_historical_record_context_helper(self, request, historical_record):
        return ChangeRows(self.model, historical_record)


@dataclass(frozen=True)
class Row:
    """One selected object as a confirmation page lists it: what it is, what the clerk needs
    to judge it, and what to know before confirming (shown in red)."""

    text: str
    details: tuple[str, ...] = ()
    warnings: tuple[str, ...] = ()


def apply_each(model_admin, request, objects, apply) -> None:
    """Apply a service to each selected object; report each refusal, each outcome `apply`
    returns (what happens next, as a sentence), and how many were done."""
    done = 0
    for obj in objects:
        try:
            outcome = apply(obj)
        except ValidationError as error:
            model_admin.message_user(request, f"{obj}：{error.messages[0]}", messages.ERROR)
            continue
        done += 1
        if outcome:
            model_admin.message_user(request, outcome, messages.SUCCESS)
    if done:
        model_admin.message_user(request, f"已处理 {done} 项。", messages.SUCCESS)


def action_with_form(model_admin, request, queryset, form_class, description, apply, describe=None):
    """Ask for `form_class` on a confirmation page that lists each selected object as
    `describe(obj)` returns its Row, then apply(obj, cleaned_data) to each.

    Nothing is written until the clerk has seen the page and confirmed it; a form without
    fields (forms.Form) makes it a plain confirmation.
    """
    form = form_class(request.POST if "apply" in request.POST else None)
    if form.is_valid():
        apply_each(model_admin, request, queryset, lambda obj: apply(obj, form.cleaned_data))
        return None
    describe = describe or (lambda obj: Row(str(obj)))
    selected = [(obj.pk, describe(obj)) for obj in queryset]
    context = {
        **model_admin.admin_site.each_context(request),
        "title": description,
        "description": description,
        "form": form,
        "selected": selected,
        "warned": sum(1 for _, row in selected if row.warnings),
        "action": request.POST["action"],
        "opts": model_admin.model._meta,
    }
    return TemplateResponse(request, "admin/proposals/action_form.html", context)


def confirm_service(
    model_admin, request, queryset, description, service, name, describe=None, **arguments
):
    """action_with_form with nothing to fill in: confirm, then call `service` on each object
    (passed as `name`, the user as actor)."""

    def apply(obj, data):
        service(**{name: obj}, actor=request.user, **arguments)

    return action_with_form(
        model_admin, request, queryset, forms.Form, description, apply, describe
    )


def proposal_label(proposal) -> str:
    """A proposal as clerks and bureaus call it: its number and title."""
    return f"第{proposal.number}号 {proposal.title}".strip()


def in_red(text: str):
    """A warning in a list column, in the admin's error colour."""
    return format_html('<strong class="warning-text">{}</strong>', text)


def today():
    return timezone.localdate()


class ReadOnlyInline(LabelledInline):
    """Rows shown on their parent's page and made elsewhere (by services, imports, requests)."""

    extra = 0
    can_delete = False
    show_change_link = True

    def get_readonly_fields(self, request, obj=None):
        return self.fields

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False
