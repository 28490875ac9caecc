"""Reply letters uploaded in the admin: preview, then confirm."""

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import path

from proposals.admin.base import ReadOnlyInline
from proposals.models import (
    Bureau,
    ImportedFile,
    ImportRun,
)
from proposals.roles import officer_bureau_id
from proposals.uploads import Upload, import_run_confirm, import_run_preview


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


class ImportedFileInline(ReadOnlyInline):
    model = ImportedFile
    fields = ["name", "preview_status", "preview_error", "preview_changes", "status", "error"]


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
