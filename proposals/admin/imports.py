"""Reply letters uploaded in the workbench: upload, a preview in Chinese, then confirm; and
the page of a big export, written by a job.

The upload is capped as it arrives (proposals/uploads.py) and kept; the preview and the import
run as background jobs, and the run's page shows their progress, refreshing itself until the
job has finished.
"""

from django import forms
from django.conf import settings
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Count
from django.http import FileResponse, Http404
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import path

from proposals.access import is_clerk, officer_bureau_id
from proposals.admin.base import WorkbenchAdmin
from proposals.importing import ImportStatus
from proposals.models import ImportRun
from proposals.models.imports import ExportJob, JobKind, JobStatus
from proposals.services.imports import (
    UPLOAD_LIMITS,
    Refused,
    Upload,
    import_run_confirm,
    import_run_retry,
    import_run_upload,
    upload_runs_delete,
)
from proposals.tasks import export_write_job, job_queue
from proposals.uploads import UploadReport, capped_upload_view

# Seconds between reloads of a page whose job is still queued or running.
REFRESH_SECONDS = 2


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
    # An empty file is a file to refuse with its reason, not a form error; no file at all is
    # the service's to explain, with the files the upload handler refused.
    files = MultipleFileField(
        label="答复函文件或 .zip",
        help_text="可一次选择多个文件。",
        allow_empty_file=True,
        required=False,
    )


def in_upload_order(files, report: UploadReport) -> list[Upload | Refused]:
    """The files kept and those the upload handler refused, in the order they were sent."""
    kept = iter(files)
    ordered: list[Upload | Refused] = []
    for position in range(len(files) + len(report.skipped)):
        if position in report.skipped:
            ordered.append(Refused(*report.skipped[position]))
        else:
            file = next(kept)
            ordered.append(Upload(file.name, file=file))
    return ordered


def job_page(response: TemplateResponse, request, record) -> TemplateResponse:
    """Have the browser reload a job's page until the job has finished, unless the clerk
    turned that off (?auto=0).

    A Refresh header, which browsers treat as <meta http-equiv=refresh>: the page offers to
    stop it (WCAG 2.2.1), which axe-core cannot see in a meta element and flags."""
    if not record.job_finished and request.GET.get("auto") != "0":
        response["Refresh"] = str(REFRESH_SECONDS)
    return response


def job_context(request, record, *, may_retry: bool) -> dict:
    """What templates/admin/proposals/importrun/job_status.html shows of `record`'s job."""
    return {
        "job": record,
        "auto_refresh": request.GET.get("auto") != "0",
        "refresh_seconds": REFRESH_SECONDS,
        "can_retry": may_retry and record.job_retriable,
    }


def upload_may_retry(request, admin, run) -> bool:
    return (
        admin.has_add_permission(request)
        and run.status == run.Status.PREVIEW
        and not run.files_purged_at
    )


class UploadRunAdmin(WorkbenchAdmin):
    """What the uploads of letters and of registers share: a progress column, deletion with
    their files, and a run's job confirmed or retried from its page (a POST)."""

    run_confirm = None  # the service that imports what the run's preview showed
    run_retry = None  # the service that starts the run's failed job again
    confirmed_message = "已开始按预览导入，本页显示进度。"

    @admin.display(description="进度")
    def progress(self, run):
        return run.job_summary()

    def delete_model(self, request, obj):
        upload_runs_delete([obj])

    def delete_queryset(self, request, queryset):
        upload_runs_delete(queryset)

    def get_urls(self):
        view = self.admin_site.admin_view
        name = f"{self.opts.app_label}_{self.opts.model_name}"
        return [
            path("<path:object_id>/confirm/", view(self.confirm_view), name=f"{name}_confirm"),
            path("<path:object_id>/retry/", view(self.retry_view), name=f"{name}_retry"),
            *super().get_urls(),
        ]

    def confirm_view(self, request, object_id):
        return self._start(request, object_id, self.run_confirm, self.confirmed_message)

    def retry_view(self, request, object_id):
        return self._start(request, object_id, self.run_retry, "已重新开始，本页显示进度。")

    def _start(self, request, object_id, service, done: str):
        run = self._posted_run(request, object_id)
        try:
            service(run=run, actor=request.user)
            self.message_user(request, done, messages.SUCCESS)
        except ValidationError as error:
            self.message_user(request, error.messages[0], messages.ERROR)
        return self._back(run)

    def _back(self, run):
        return redirect(f"admin:{self.opts.app_label}_{self.opts.model_name}_change", run.pk)

    def _posted_run(self, request, object_id):
        run = self.get_queryset(request).filter(pk=object_id).first()
        if run is None:
            raise Http404
        if request.method != "POST" or not self.has_add_permission(request):
            raise PermissionDenied
        return run


@admin.register(ImportRun)
class ImportRunAdmin(UploadRunAdmin):
    list_display = [
        "__str__",
        "created_by",
        "bureau",
        "status",
        "progress",
        "confirmed_at",
        "file_count",
    ]
    list_filter = ["status"]
    list_select_related = ["created_by", "bureau"]
    run_confirm = staticmethod(import_run_confirm)
    run_retry = staticmethod(import_run_retry)
    confirmed_message = "已开始按预览的文件导入，本页显示进度。"

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

    @capped_upload_view(UPLOAD_LIMITS)
    def add_view(self, request, form_url="", extra_context=None):
        if not self.has_add_permission(request):
            raise PermissionDenied
        posted = request.method == "POST"
        form = UploadForm(request.POST, request.FILES) if posted else UploadForm()
        # Known once request.POST has been read, as the form above did.
        refusal = request.upload_report.stopped
        if posted and not refusal and form.is_valid():
            uploads = in_upload_order(form.cleaned_data["files"], request.upload_report)
            try:
                run = import_run_upload(uploads=uploads, actor=request.user)
            except ValidationError as error:
                form.add_error("files", error)
            else:
                self.message_user(request, "已上传，正在预览；完成后在本页列出每个文件的结果。")
                return redirect("admin:proposals_importrun_change", run.pk)
        context = {
            **self.admin_site.each_context(request),
            "title": "上传答复函",
            "form": UploadForm() if refusal else form,
            "refusal": refusal,
            "limits": UPLOAD_LIMITS,
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
        previewing = run.job_kind == JobKind.PREVIEW
        context = {
            **self.admin_site.each_context(request),
            **job_context(request, run, may_retry=upload_may_retry(request, self, run)),
            "title": f"答复函导入：{run}",
            "run": run,
            "files": files,
            "counts": [(status.label, count) for status, count in counts.items()],
            "can_confirm": run.status == ImportRun.Status.PREVIEW
            and previewing
            and run.job_status == JobStatus.DONE
            and not run.files_purged_at
            and self.has_add_permission(request),
            "held": run.status != ImportRun.Status.PREVIEW
            and is_clerk(request.user)
            and counts[ImportStatus.HELD],
            "opts": self.model._meta,
            "original": run,
        }
        response = TemplateResponse(request, "admin/proposals/importrun/preview.html", context)
        return job_page(response, request, run)


@admin.register(ExportJob)
class ExportJobAdmin(WorkbenchAdmin):
    """A big export's page: its progress, then its file to download; each user sees only
    their own. Not listed on the workbench's index: the export that started it links here."""

    list_display = ["__str__", "progress"]

    def get_queryset(self, request):
        return super().get_queryset(request).filter(created_by=request.user.pk)

    def has_module_permission(self, request):
        return False

    def has_view_permission(self, request, obj=None):
        return obj is None or obj.created_by_id == request.user.pk

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    @admin.display(description="进度")
    def progress(self, export):
        return export.job_state()

    def get_urls(self):
        view = self.admin_site.admin_view
        return [
            path(
                "<path:object_id>/download/",
                view(self.download_view),
                name="proposals_exportjob_download",
            ),
            path(
                "<path:object_id>/retry/", view(self.retry_view), name="proposals_exportjob_retry"
            ),
            *super().get_urls(),
        ]

    def _own(self, request, object_id) -> ExportJob:
        export = self.get_queryset(request).filter(pk=object_id).first()
        if export is None:
            raise Http404
        return export

    def change_view(self, request, object_id, form_url="", extra_context=None):
        export = self._own(request, object_id)
        context = {
            **self.admin_site.each_context(request),
            **job_context(request, export, may_retry=True),
            "title": f"导出：{export}",
            "export": export,
            "retention_hours": settings.PREVIEW_RETENTION_HOURS,
            "opts": self.model._meta,
            "original": export,
        }
        response = TemplateResponse(request, "admin/proposals/importrun/export_job.html", context)
        return job_page(response, request, export)

    def download_view(self, request, object_id):
        export = self._own(request, object_id)
        if export.job_status != JobStatus.DONE or not export.file:
            raise Http404("文件尚未写好或已过期清除")
        return FileResponse(
            export.file.open("rb"), as_attachment=True, filename=f"{export.name}.xlsx"
        )

    def retry_view(self, request, object_id):
        export = self._own(request, object_id)
        if request.method != "POST":
            raise PermissionDenied
        if export.job_retriable:
            with transaction.atomic():
                job_queue(export, export_write_job)
            self.message_user(request, "已重新开始，本页显示进度。", messages.SUCCESS)
        return redirect("admin:proposals_exportjob_change", export.pk)
