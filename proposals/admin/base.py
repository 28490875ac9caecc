"""What every workbench page shares: visibility, saving through services, history, bulk actions.

The workbench is a door, not an owner: forms validate with the services' own checks, and
every save, inline and delete calls a service (proposals.services), which enforces remit and
leaves derived state to proposals.derived.
"""

from django.contrib import admin, messages
from django.contrib.admin.utils import unquote
from django.contrib.admin.widgets import AdminDateWidget
from django.core.exceptions import ValidationError
from django.db import models
from django.http import Http404
from django.template.response import TemplateResponse
from django.utils import timezone
from simple_history.admin import SimpleHistoryAdmin
from simple_history.utils import get_history_manager_for_model

from proposals.access import officer_bureau_id
from proposals.admin.history import ChangeRows
from proposals.forms import DATE_HINT
from proposals.models import Bureau, Proposal, Reply


class HintedAdminDateWidget(AdminDateWidget):
    """The admin's date input with its calendar, showing the format to type while empty."""

    def __init__(self, attrs=None, format=None):
        super().__init__({**DATE_HINT, **(attrs or {})}, format)


class WorkbenchAdmin(admin.ModelAdmin):
    """What every workbench form shares: date inputs that show the format to type."""

    formfield_overrides = {models.DateField: {"widget": HintedAdminDateWidget}}


class VisibleProposalsAdmin(WorkbenchAdmin):
    """Rows are limited to those whose proposal the user may see, in lists and by URL alike.

    `proposal_path` leads from the model to its proposal ("" for Proposal itself). Rows that
    belong to a bureau (`bureau_path`) may be changed by a bureau officer of that bureau only.
    """

    proposal_path = "proposal"
    bureau_path: str | None = None
    # A second COUNT over every row the user may see costs as much as the page at scale.
    show_full_result_count = False

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


def apply_service(model_admin, request, objects, service, name: str, **arguments) -> None:
    """apply_each of a service that takes each object as `name`, the user as actor."""
    apply_each(
        model_admin,
        request,
        objects,
        lambda obj: service(**{name: obj}, actor=request.user, **arguments),
    )


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
        "opts": model_admin.model._meta,
    }
    return TemplateResponse(request, "admin/proposals/action_form.html", context)


def today():
    return timezone.localdate()


class ReadOnlyInline(admin.TabularInline):
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
