"""Reply letters uploaded in the workbench: upload, a preview in Chinese, then confirm."""

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count
from django.http import Http404
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import path

from proposals.access import is_clerk, officer_bureau_id
from proposals.admin.base import WorkbenchAdmin
from proposals.importing import ImportStatus
from proposals.models import ImportRun
from proposals.services.imports import Upload, import_run_confirm, import_run_preview


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
    # An empty file is a file to refuse with its reason, not a form error.
    files = MultipleFileField(
        label="答复函文件或 .zip", help_text="可一次选择多个文件。", allow_empty_file=True
    )


@admin.register(ImportRun)
class ImportRunAdmin(WorkbenchAdmin):
    list_display = ["__str__", "created_by", "bureau", "status", "confirmed_at", "file_count"]
    list_filter = ["status"]
    list_select_related = ["created_by", "bureau"]

    def get_queryset(self, request):
        queryset = super().get_queryset(request).annotate(files_total=Count("files"))
        bureau_id = officer_bureau_id(request.user)
        return queryset if bureau_id is None else queryset.filter(bureau=bureau_id)

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return is_clerk(request.user) and super().has_delete_permission(request, obj)

    @admin.display(description="文件数", ordering="files_total")
    def file_count(self, run):
        return run.files_total

    def get_urls(self):
        confirm = self.admin_site.admin_view(self.confirm_view)
        return [
            path("<path:object_id>/confirm/", confirm, name="proposals_importrun_confirm"),
            *super().get_urls(),
        ]

    def add_view(self, request, form_url="", extra_context=None):
        if not self.has_add_permission(request):
            raise PermissionDenied
        posted = request.method == "POST"
        form = UploadForm(request.POST, request.FILES) if posted else UploadForm()
        if form.is_valid():
            uploads = [Upload(f.name, f.read()) for f in form.cleaned_data["files"]]
            try:
                run = import_run_preview(uploads=uploads, actor=request.user)
            except ValidationError as error:
                form.add_error("files", error)
            else:
                return redirect("admin:proposals_importrun_change", run.pk)
        context = {
            **self.admin_site.each_context(request),
            "title": "上传答复函",
            "form": form,
            "opts": self.model._meta,
        }
        return TemplateResponse(request, "admin/proposals/importrun/upload.html", context)

    def change_view(self, request, object_id, form_url="", extra_context=None):
        run = self.get_queryset(request).filter(pk=object_id).first()
        if run is None or not self.has_view_permission(request, run):
            raise Http404
        files = list(run.files.order_by("position"))
        counts = {status: 0 for status in ImportStatus}
        for file in files:
            counts[ImportStatus(file.status or file.preview_status)] += 1
        context = {
            **self.admin_site.each_context(request),
            "title": f"答复函导入：{run}",
            "run": run,
            "files": files,
            "counts": [(status.label, count) for status, count in counts.items()],
            "can_confirm": run.status == ImportRun.Status.PREVIEW
            and self.has_add_permission(request),
            "held": run.status != ImportRun.Status.PREVIEW
            and is_clerk(request.user)
            and counts[ImportStatus.HELD],
            "opts": self.model._meta,
            "original": run,
        }
        return TemplateResponse(request, "admin/proposals/importrun/preview.html", context)

    def confirm_view(self, request, object_id):
        run = self.get_queryset(request).filter(pk=object_id).first()
        if run is None:
            raise Http404
        if request.method != "POST" or not self.has_add_permission(request):
            raise PermissionDenied
        try:
            import_run_confirm(run=run, actor=request.user)
            self.message_user(request, "已按预览的文件导入，结果见下表。", messages.SUCCESS)
        except ValidationError as error:
            self.message_user(request, error.messages[0], messages.ERROR)
        return redirect("admin:proposals_importrun_change", run.pk)
