"""The chase list (催办): overdue and due-soon items, the bureau that holds each, how to reach
it and what last happened; and the 催办通知 a clerk prints for one bureau.

Overdue and due soon are derived.overdue / derived.due_soon, the words every page uses.
"""

from dataclasses import dataclass
from datetime import date

from django.db.models import Prefetch, QuerySet

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


def chase_rows(proposals: QuerySet, today: date, bureau_id: int | None = None) -> list[ChaseRow]:
    """The items to chase, most overdue first, in a fixed number of queries."""
    items = proposals.filter(derived.overdue(today) | derived.due_soon(today))
    if bureau_id is not None:
        items = items.filter(lead_bureau=bureau_id)
    assignments = Assignment.objects.select_related("bureau").prefetch_related(
        "extension_requests", "return_requests"
    )
    items = list(
        items.select_related("session", "lead_bureau")
        .prefetch_related(Prefetch("assignments", queryset=assignments))
        .order_by("pending_due_date", "session", "number")
    )
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
    """Each bureau's contact as its latest reply letter names it."""
    found: dict[int, str] = {}
    latest_first = Contact.objects.filter(reply__bureau__in=bureau_ids).order_by(
        "reply__bureau", "-reply__reply_date", "-reply__pk", "position"
    )
    for contact in latest_first.values("reply__bureau", "name", "phone"):
        person = " ".join(part for part in (contact["name"], contact["phone"]) if part)
        if person:
            found.setdefault(contact["reply__bureau"], person)
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
