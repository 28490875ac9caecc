"""Proposals as rows with Chinese headers, every date of their life, for CSV and XLSX.

CSV streams row by row. XLSX is written in openpyxl's write-only mode, which keeps rows as
XML rather than cell objects, and is sent when complete (a zip cannot be streamed before its
end). A cell that starts with = + - @ gets a leading apostrophe: a spreadsheet would
otherwise run it as a formula.
"""

import csv
import re
from collections.abc import Iterable, Iterator
from datetime import date
from io import BytesIO
from urllib.parse import quote

from django.db.models import Prefetch
from django.http import HttpResponse, StreamingHttpResponse
from openpyxl import Workbook

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
from proposals.registers.columns import COLUMNS

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


def _cell(value) -> str | int | date | None:
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
        # Excel refuses these characters in a sheet's name and names over 31 characters.
        sheet = workbook.create_sheet(_SHEET_NAME_FORBIDDEN.sub("、", name)[:31])
        sheet.append(headers)
        for row in rows:
            sheet.append([_cell(value) for value in row])
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
            for m in Member.objects.filter(body=body, region=region).order_by("name")
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
