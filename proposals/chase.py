"""The chase list (催办): overdue and due-soon items, the bureau that holds each, how to reach
it and what last happened; and the 催办通知 a clerk prints for one bureau.

Overdue and due soon are derived.overdue / derived.due_soon, the words every page uses.
"""

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

from django.db.models import OuterRef, Prefetch, QuerySet, Subquery

from proposals import derived
from proposals.models import Assignment, Bureau, Contact, Proposal


@dataclass(frozen=True)
class ChaseRow:
    proposal: Proposal
    bureau: Bureau | None
    due: date
    days: int  # days overdue; negative: days left
    contact: str
    last_action: str
    last_on: date | None

    @property
    def overdue(self) -> bool:
        return self.days > 0

    @property
    def days_left(self) -> int:
        return max(-self.days, 0)


HEADERS = [
    "会议",
    "编号",
    "案由",
    "主办单位",
    "答复期限",
    "超期天数",
    "联系人及电话",
    "最近办理",
    "日期",
]


def chase_items(proposals: QuerySet, today: date, bureau_id: int | None = None) -> QuerySet:
    """The items to chase, most overdue first, with what chase_rows reads of them."""
    items = proposals.filter(derived.overdue(today) | derived.due_soon(today))
    if bureau_id is not None:
        items = items.filter(lead_bureau=bureau_id)
    assignments = Assignment.objects.select_related("bureau").prefetch_related(
        "extension_requests", "return_requests"
    )
    return (
        items.select_related("session", "lead_bureau")
        .prefetch_related(Prefetch("assignments", queryset=assignments))
        .order_by("pending_due_date", "session", "number")
    )


def chase_rows(items: Iterable[Proposal], today: date) -> list[ChaseRow]:
    """`items` (chase_items, or a page of them) as rows, in a fixed number of queries."""
    items = list(items)
    contacts = _contacts({p.lead_bureau_id for p in items if p.lead_bureau_id})
    return [
        ChaseRow(
            p,
            p.lead_bureau,
            p.pending_due_date,
            (today - p.pending_due_date).days,
            contacts.get(p.lead_bureau_id, ""),
            *_last_action(p),
        )
        for p in items
    ]


def _contacts(bureau_ids: set[int]) -> dict[int, str]:
    """Each bureau's contact as its latest reply letter names it (one row per bureau: a
    bureau of a large session has thousands of letters)."""
    latest = Contact.objects.filter(reply__bureau=OuterRef("pk")).order_by(
        "-reply__reply_date", "-reply__pk", "position"
    )
    bureaus = Bureau.objects.filter(pk__in=bureau_ids).annotate(
        contact_name=Subquery(latest.values("name")[:1]),
        contact_phone=Subquery(latest.values("phone")[:1]),
    )
    found = {}
    for pk, name, phone in bureaus.values_list("pk", "contact_name", "contact_phone"):
        person = " ".join(part for part in (name, phone) if part)
        if person:
            found[pk] = person
    return found


def _last_action(proposal: Proposal) -> tuple[str, date | None]:
    """The latest thing that happened to the item's assignments, with its date."""
    events = []
    # The lead's first: on a day both happened, the lead's step is the one to name.
    for a in sorted(proposal.assignments.all(), key=lambda a: a.role != Assignment.Role.LEAD):
        events += [(a.assigned_on, f"交办{a.bureau}"), (a.opinion_on, f"{a.bureau}提出协办意见")]
        events.append((a.returned_on, f"{a.bureau}退回"))
        for request in a.extension_requests.all():
            events.append((request.requested_on, f"{a.bureau}申请延期"))
            events.append((request.decided_on, f"延期申请{request.get_status_display()}"))
        for request in a.return_requests.all():
            events.append((request.requested_on, f"{a.bureau}申请退回"))
    dated = [(on, what) for on, what in events if on is not None]
    if not dated:
        return "—", None
    on, what = max(dated, key=lambda event: event[0])
    return what, on


def chase_sheet(rows: list[ChaseRow]) -> tuple[list, list[list]]:
    return HEADERS, [
        [
            str(r.proposal.session),
            r.proposal.number,
            r.proposal.title,
            r.bureau.name if r.bureau else "",
            r.due,
            max(r.days, 0),
            r.contact,
            r.last_action,
            r.last_on,
        ]
        for r in rows
    ]
