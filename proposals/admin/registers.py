"""Registers uploaded in the workbench: upload, a preview whose column mapping a clerk can
correct, then confirm; and each register exported in the layout it imports."""

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import path

from proposals.access import is_clerk
from proposals.admin.imports import UploadRunAdmin, job_context, job_page, upload_may_retry
from proposals.exports import register_rows, workbook_response
from proposals.forms import DateField
from proposals.models import Body, RegisterImport, RegisterKind, Session
from proposals.models.imports import JobKind, JobStatus
from proposals.registers.columns import labels
from proposals.services.imports import MAX_FILE_BYTES, Upload
from proposals.services.registers import (
    RowStatus,
    register_import_confirm,
    register_import_remap,
    register_import_retry,
    register_import_upload,
)
from proposals.uploads import Limits, capped_upload_view

NOT_IMPORTED = ""
# One spreadsheet; a register of 50,000 rows is a few MB.
UPLOAD_LIMITS = Limits(file_bytes=MAX_FILE_BYTES, total_bytes=MAX_FILE_BYTES, files=1)


class UploadForm(forms.Form):
    kind = forms.ChoiceField(label="名单", choices=RegisterKind.choices)
    file = forms.FileField(label="表格文件", help_text=".xlsx 或 .csv（UTF-8 或 GB18030）")
    session = forms.ModelChoiceField(
        Session.objects.all(), label="会议", required=False, help_text="导入立案名单时必选。"
    )
    body = forms.ChoiceField(label="机构", choices=Body.choices, initial=Body.CPPCC)
    region = forms.CharField(
        label="地区", required=False, help_text="如“焦作市”；立案名单取会议的地区。"
    )
    assigned_on = DateField(
        label="按名单交办，交办日期",
        required=False,
        help_text="立案名单写明主办、协办单位时，填写日期即在导入时交办（格式 2026-01-20）；留空则不交办。",
    )

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("kind") == RegisterKind.PROPOSALS and not cleaned.get("session"):
            self.add_error("session", "导入立案名单须选择会议。")
        return cleaned


class ExportForm(forms.Form):
    kind = forms.ChoiceField(label="名单", choices=RegisterKind.choices)
    session = forms.ModelChoiceField(
        Session.objects.all(), label="会议", required=False, help_text="导出立案名单时必选。"
    )
    body = forms.ChoiceField(label="机构", choices=Body.choices, initial=Body.CPPCC)
    region = forms.CharField(label="地区", required=False)

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("kind") == RegisterKind.PROPOSALS and not cleaned.get("session"):
            self.add_error("session", "导出立案名单须选择会议。")
        return cleaned


@admin.register(RegisterImport)
class RegisterImportAdmin(UploadRunAdmin):
    list_display = ["__str__", "kind", "created_by", "created_at", "status", "progress"]
    list_filter = ["kind", "status"]
    list_select_related = ["created_by"]
    run_confirm = staticmethod(register_import_confirm)
    run_retry = staticmethod(register_import_retry)

    def has_module_permission(self, request):
        return is_clerk(request.user)

    def has_view_permission(self, request, obj=None):
        return is_clerk(request.user)

    def has_add_permission(self, request):
        return is_clerk(request.user)

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return is_clerk(request.user)

    def get_urls(self):
        view = self.admin_site.admin_view
        return [
            path(
                "<path:object_id>/remap/",
                view(self.remap_view),
                name="proposals_registerimport_remap",
            ),
            path("export/", view(self.export_view), name="proposals_registerimport_export"),
            *super().get_urls(),
        ]

    @capped_upload_view(UPLOAD_LIMITS)
    def add_view(self, request, form_url="", extra_context=None):
        if not self.has_add_permission(request):
            raise PermissionDenied
        posted = request.method == "POST"
        form = UploadForm(request.POST, request.FILES) if posted else UploadForm()
        # Known once request.POST has been read, as the form above did.
        report = request.upload_report
        refusal = report.stopped or "；".join(reason for _, reason in report.skipped.values())
        if posted and refusal:
            # Say why, with what the clerk chose still chosen (a stopped upload may have lost
            # the fields after the file: they start again from their defaults).
            form = UploadForm(initial=request.POST.dict())
        elif form.is_valid():
            data = form.cleaned_data
            try:
                run = register_import_upload(
                    kind=data["kind"],
                    body=data["body"],
                    region=data["region"],
                    session=data["session"],
                    assigned_on=data["assigned_on"],
                    upload=Upload(data["file"].name, file=data["file"]),
                    actor=request.user,
                )
            except ValidationError as error:
                form.add_error("file", error)
            else:
                self.message_user(request, "已上传，正在预览；完成后在本页列出每一行的结果。")
                return redirect("admin:proposals_registerimport_change", run.pk)
        return self._page(
            request,
            "admin/proposals/registerimport/upload.html",
            "上传名单",
            form=form,
            refusal=refusal,
        )

    def change_view(self, request, object_id, form_url="", extra_context=None):
        run = self.get_queryset(request).filter(pk=object_id).first()
        if run is None or not self.has_view_permission(request, run):
            raise Http404
        names = labels(run.kind)
        choices = [(NOT_IMPORTED, "（不导入）"), *names.items()]
        sheets = [
            {
                "name": sheet,
                "columns": [
                    (column, header, mapping.get(str(column), mapping.get(column, NOT_IMPORTED)))
                    for column, header in enumerate(run.headers.get(sheet, []))
                ],
            }
            for sheet, mapping in run.mapping.items()
        ]
        counts = {label: 0 for label in RowStatus.LABELS.values()}
        for outcome in run.outcomes:
            counts[RowStatus.LABELS[outcome["status"]]] += 1
        ready = (
            run.status == RegisterImport.Status.PREVIEW
            and run.job_kind == JobKind.PREVIEW
            and run.job_status == JobStatus.DONE
            and not run.files_purged_at
            and self.has_add_permission(request)
        )
        response = self._page(
            request,
            "admin/proposals/registerimport/preview.html",
            f"名单导入：{run}",
            **job_context(request, run, may_retry=upload_may_retry(request, self, run)),
            run=run,
            original=run,
            sheets=sheets,
            choices=choices,
            counts=counts.items(),
            outcomes=[
                {**outcome, "label": RowStatus.LABELS[outcome["status"]]}
                for outcome in run.outcomes
            ],
            shown=run.job_status == JobStatus.DONE or run.job_kind == JobKind.IMPORT,
            can_confirm=ready,
        )
        return job_page(response, request, run)

    def remap_view(self, request, object_id):
        run = self._posted_run(request, object_id)
        mappings = {}
        for sheet in run.mapping:
            prefix = f"map-{sheet}-"
            mappings[sheet] = {
                int(key[len(prefix) :]): value
                for key, value in request.POST.items()
                if key.startswith(prefix) and value
            }
        try:
            register_import_remap(run=run, mappings=mappings, actor=request.user)
            self.message_user(request, "正在按新的列对应关系重新预览。", messages.SUCCESS)
        except ValidationError as error:
            self.message_user(request, error.messages[0], messages.ERROR)
        return self._back(run)

    def export_view(self, request):
        if not self.has_view_permission(request):
            raise PermissionDenied
        form = ExportForm(request.GET) if request.GET else ExportForm()
        if form.is_valid():
            data = form.cleaned_data
            session = data["session"]
            kind = data["kind"]
            headers, rows = register_rows(
                kind,
                body=session.body if session else data["body"],
                region=session.region if session else data["region"],
                session=session,
            )
            label = RegisterKind(kind).label
            return workbook_response({label: (headers, rows)}, label)
        return self._page(
            request, "admin/proposals/registerimport/export.html", "导出名单", form=form
        )

    def _page(self, request, template: str, title: str, **context):
        return TemplateResponse(
            request,
            template,
            {
                **self.admin_site.each_context(request),
                "title": title,
                "opts": self.model._meta,
                **context,
            },
        )
