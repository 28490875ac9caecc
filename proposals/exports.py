"""Proposals as rows with Chinese headers, every date of their life, for CSV and XLSX.

CSV streams row by row. XLSX is written in openpyxl's write-only mode, which keeps rows as
XML rather than cell objects, and is sent when complete (a zip cannot be streamed before its
end). A cell that starts with = + - @ gets a leading apostrophe: a spreadsheet would
otherwise run it as a formula.

The handling report is a workbook for reading, not a data dump: titles, bold frozen headers,
filters, number formats and widths need cell objects, so it is built in normal mode; its
tables are small.
"""

import csv
import re
import tempfile
import unicodedata
import uuid
from collections.abc import Iterable, Iterator
from datetime import date
from io import BytesIO
from urllib.parse import quote

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files import File
from django.core.files.storage import default_storage
from django.db import transaction
from django.db.models import Prefetch
from django.http import HttpResponse, StreamingHttpResponse
from django.shortcuts import redirect
from openpyxl import Workbook
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter

from proposals.models import (
    Assignment,
    Bureau,
    Category,
    Feedback,
    Member,
    Proposal,
    ProposalProposer,
    RegisterKind,
    Sector,
)
from proposals.models.imports import ExportJob
from proposals.registers.columns import COLUMNS
from proposals.tasks import JobProgress, export_write_job, job_finish, job_queue

HEADERS = [
    "会议",
    "编号",
    "案由",
    "提出人",
    "类别",
    "重点提案",
    "立案日期",
    "主办单位",
    "协办单位",
    "交办日期",
    "答复期限",
    "答复日期",
    "办理结果",
    "反馈日期",
    "满意度",
    "办结日期",
    "办理状态",
    "轮到",
    "是否超期",
]
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
_SHEET_NAME_FORBIDDEN = re.compile(r"[\[\]:*?/\\]")
_BOLD = Font(bold=True)
_TITLE = Font(bold=True, size=14)
_MAX_WIDTH = 60


def export_queryset(queryset) -> Iterable[Proposal]:
    """The proposals with everything the rows need, in a constant number of queries."""
    return (
        queryset.with_status()
        .select_related("session")
        .prefetch_related(
            "proposers",
            Prefetch(
                "assignments",
                queryset=Assignment.objects.active().select_related("bureau").order_by("role"),
            ),
            "replies",
            Prefetch("feedback", queryset=Feedback.objects.order_by("round", "received_on")),
        )
        .order_by("session", "number")
    )


def proposal_rows(proposals: Iterable[Proposal]) -> Iterator[list]:
    for proposal in proposals:
        assignments = list(proposal.assignments.all())
        lead = next((a for a in assignments if a.role == Assignment.Role.LEAD), None)
        co_handlers = [a.bureau.name for a in assignments if a.role != Assignment.Role.LEAD]
        replies = sorted(proposal.replies.all(), key=lambda reply: reply.round)
        final = replies[-1] if replies else None
        feedback = list(proposal.feedback.all())
        yield [
            str(proposal.session),
            proposal.number,
            proposal.title,
            "、".join(member.name for member in proposal.proposers.all())
            + ("等" if proposal.proposers_more else ""),
            proposal.category,
            "是" if proposal.is_key else "否",
            proposal.filed_on,
            lead.bureau.name if lead else "",
            "、".join(co_handlers),
            lead.assigned_on if lead else None,
            lead.due_on if lead else None,
            final.reply_date if final else None,
            final.grade_id or "未定类" if final else "",
            feedback[-1].received_on if feedback else None,
            "、".join(f.get_satisfaction_display() for f in feedback),
            proposal.closed_on,
            proposal.get_status_display(),
            proposal.get_current_turn_display(),
            "是" if proposal.is_overdue else "否",
        ]


def _cell(value) -> str | int | float | date | None:
    if isinstance(value, str) and value.startswith(_FORMULA_START):
        return "'" + value
    return value


def _csv_lines(rows: Iterable[list]) -> Iterator[str]:
    class Line:
        def write(self, text: str) -> str:
            return text

    writer = csv.writer(Line())
    # A byte-order mark, so that Excel opens the Chinese text as UTF-8.
    yield "\ufeff" + writer.writerow(HEADERS)
    for row in rows:
        yield writer.writerow(["" if v is None else _cell(v) for v in row])


def csv_response(rows: Iterable[list], filename: str) -> StreamingHttpResponse:
    response = StreamingHttpResponse(_csv_lines(rows), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{quote(filename)}.csv"
    return response


def xlsx_response(rows: Iterable[list], filename: str) -> HttpResponse:
    return workbook_response({"提案办理情况": (HEADERS, rows)}, filename)


def workbook_response(
    sheets: dict[str, tuple[list, Iterable[list]]], filename: str
) -> HttpResponse:
    """An XLSX download with one sheet per entry: name → (headers, rows)."""
    workbook = Workbook(write_only=True)
    for name, (headers, rows) in sheets.items():
        sheet = workbook.create_sheet(_sheet_name(name))
        sheet.append(headers)
        for row in rows:
            sheet.append([_cell(value) for value in row])
    return _xlsx_response(workbook, filename)


def report_workbook_response(tables: Iterable, *, heading: str, filename: str) -> HttpResponse:
    """An XLSX report, one sheet per table: a title row (`heading` and the table's title), a
    bold header row frozen with a filter on it, then the rows, each column in its number
    format and as wide as its contents.

    `tables`: each with `title`, `columns` (each with `header` and `number_format`) and `rows`
    (values in column order).
    """
    workbook = Workbook()
    workbook.remove(workbook.active)
    for table in tables:
        sheet = workbook.create_sheet(_sheet_name(table.title))
        sheet.append([f"{heading}·{table.title}"])
        sheet["A1"].font = _TITLE
        sheet.append([column.header for column in table.columns])
        for cell in sheet[2]:
            cell.font = _BOLD
        for row in table.rows:
            sheet.append([_cell(value) for value in row])
        for index, column in enumerate(table.columns, start=1):
            cells = [row[0] for row in sheet.iter_rows(min_row=3, min_col=index, max_col=index)]
            for cell in cells:
                cell.number_format = column.number_format
            widths = [_width(column.header), *(_width(_shown(cell)) for cell in cells)]
            sheet.column_dimensions[get_column_letter(index)].width = min(
                max(widths) + 2, _MAX_WIDTH
            )
        sheet.freeze_panes = "A3"
        last = get_column_letter(len(table.columns))
        sheet.auto_filter.ref = f"A2:{last}{max(sheet.max_row, 2)}"
    return _xlsx_response(workbook, filename)


def _sheet_name(name: str) -> str:
    # Excel refuses these characters in a sheet's name and names over 31 characters.
    return _SHEET_NAME_FORBIDDEN.sub("、", name)[:31]


def _shown(cell) -> str:
    """About what a spreadsheet shows in `cell`, to size its column."""
    if cell.value is None:
        return ""
    if isinstance(cell.value, float) and cell.number_format.endswith("%"):
        return f"{cell.value:.1%}"
    return str(cell.value)


def _width(text: str) -> int:
    """Columns are measured in Latin characters; a Chinese character takes two."""
    return sum(2 if unicodedata.east_asian_width(char) in "WF" else 1 for char in text)


def _xlsx_response(workbook: Workbook, filename: str) -> HttpResponse:
    buffer = BytesIO()
    workbook.save(buffer)
    response = HttpResponse(
        buffer.getvalue(),
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{quote(filename)}.xlsx"
    return response


def register_rows(kind: str, *, body: str, region: str = "", session=None) -> tuple[list, list]:
    """A register as its import reads it: the same headers, one row per entry."""
    headers = [column.label for column in COLUMNS[kind]]
    if kind == RegisterKind.PROPOSALS:
        proposals = session.proposals.prefetch_related(
            Prefetch("proposer_links", queryset=ProposalProposer.objects.select_related("member")),
            Prefetch(
                "assignments",
                queryset=Assignment.objects.active().select_related("bureau").order_by("pk"),
            ),
        )
        rows = [_register_proposal(p) for p in proposals.order_by("number")]
    elif kind == RegisterKind.MEMBERS:
        rows = [
            [m.name, m.sector, m.delegation, m.region, m.phone]
            for m in Member.objects.filter(body=body, region=region).order_by("name_pinyin", "name")
        ]
    elif kind == RegisterKind.BUREAUS:
        bureaus = Bureau.objects.filter(region=region).select_related("parent")
        rows = [
            [b.name, b.region, "、".join(a.name for a in b.aliases.all()), _name(b.parent)]
            for b in bureaus.prefetch_related("aliases").order_by("name")
        ]
    else:
        model = Category if kind == RegisterKind.CATEGORIES else Sector
        rows = [[entry.name] for entry in model.objects.filter(body=body)]
    return headers, rows


def _register_proposal(proposal: Proposal) -> list:
    proposers = [link.member for link in proposal.proposer_links.all()]
    lead = [a.bureau.name for a in proposal.assignments.all() if a.role == Assignment.Role.LEAD]
    co = [a.bureau.name for a in proposal.assignments.all() if a.role != Assignment.Role.LEAD]
    first = proposers[0] if proposers else None
    return [
        proposal.number,
        proposal.title,
        first.name if first else "",
        "、".join(m.name for m in proposers[1:]),
        (first.sector or first.delegation) if first else "",
        proposal.category,
        "是" if proposal.is_key else "否",
        proposal.filed_on,
        "、".join(lead),
        "、".join(co),
    ]


def _name(bureau) -> str:
    return bureau.name if bureau else ""


# Big exports, written by a background job (proposals.tasks.export_write_job).

EXPORT_PROGRESS_ROWS = 500  # rows between progress writes (JobProgress also limits by time)


def proposals_xlsx(
    *, user, selected, query: dict | None = None, filename: str = "提案办理情况"
) -> HttpResponse:
    """The XLSX of the `selected` proposals: sent at once up to EXPORT_INLINE_ROWS rows;
    past that written by a job, the answer a redirect to the job's page, where its file is
    downloaded when ready.

    `query` says how the job finds the same proposals again, as `user` may see them: the
    list's filter parameters {"filter": {name: [values]}}, or by default their ids.
    """
    if selected.count() <= settings.EXPORT_INLINE_ROWS:
        rows = proposal_rows(export_queryset(selected).iterator(chunk_size=2000))
        return xlsx_response(rows, filename)
    if query is None:
        query = {"pk": list(selected.order_by("pk").values_list("pk", flat=True))}
    export = export_job_start(user=user, query=query, name=filename)
    return redirect("admin:proposals_exportjob_change", export.pk)


def export_job_start(*, user, query: dict, name: str) -> ExportJob:
    """Record an export to write and queue its job; return it."""
    with transaction.atomic():
        export = ExportJob.objects.create(created_by=user, name=name, query=query)
        job_queue(export, export_write_job)
    return export


def export_selected(export: ExportJob):
    """The proposals an export job writes, found again as its owner may see them. Raises
    ValidationError if the list's filters no longer read."""
    from types import SimpleNamespace

    from django.http import QueryDict

    from proposals.filters import ProposalExportFilter

    visible = Proposal.objects.visible_to(export.created_by)
    if "pk" in export.query:
        return visible.filter(pk__in=export.query["pk"])
    data = QueryDict(mutable=True)
    for name, values in export.query.get("filter", {}).items():
        data.setlist(name, values)
    filterset = ProposalExportFilter(
        data, queryset=visible, request=SimpleNamespace(user=export.created_by)
    )
    if not filterset.is_valid():
        raise ValidationError("筛选条件有误，请回到列表重新导出。")
    return Proposal.objects.filter(pk__in=filterset.qs.values("pk"))


def export_job_write(*, export: ExportJob) -> ExportJob:
    """The export job's work: write the proposals to an XLSX file under MEDIA_ROOT/exports/,
    row by row (openpyxl's write-only mode keeps rows on disk, not in memory), recording its
    progress; return the export."""
    selected = export_selected(export)
    total = selected.count()
    progress = JobProgress(export)
    progress(0, total, force=True)
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(_sheet_name("提案办理情况"))
    sheet.append(HEADERS)
    written = 0
    for row in proposal_rows(export_queryset(selected).iterator(chunk_size=2000)):
        sheet.append([_cell(value) for value in row])
        written += 1
        if written % EXPORT_PROGRESS_ROWS == 0:
            progress(written)
    with tempfile.TemporaryFile(suffix=".xlsx") as file:
        workbook.save(file)
        file.seek(0)
        path = default_storage.save(f"exports/{uuid.uuid4().hex}.xlsx", File(file))
    try:
        job_finish(export, file=path, processed=written, total=written)
    except BaseException:
        default_storage.delete(path)
        raise
    return export
