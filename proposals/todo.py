"""What each reader has to do today: counts that link to the lists that show exactly them.

Every count here is the count of the list its link opens (the proposal list's own filters,
or a workbench list with its own filter), so a clerk who follows a link finds that many.
"""

from dataclasses import dataclass
from datetime import date
from urllib.parse import urlencode

from django.conf import settings
from django.db.models import Count, Min, Prefetch, QuerySet
from django.urls import reverse

from proposals import derived
from proposals.access import Action, officer_bureau_id, proposal_actions
from proposals.models import (
    Assignment,
    ExtensionRequest,
    HeldLetter,
    Proposal,
    RequestStatus,
    ReturnRequest,
    Turn,
)

# How many rows the home page shows of a longer list (the link shows them all).
SHOWN = 10


@dataclass(frozen=True)
class Task:
    label: str
    count: int
    url: str
    note: str = ""
    tone: str = ""


@dataclass(frozen=True)
class BureauLoad:
    """Overdue items of one lead bureau."""

    name: str
    count: int
    url: str


def proposal_list(**query) -> str:
    return f"{reverse('proposal-list')}?{urlencode(query)}"


def workbench_list(model, **query) -> str:
    opts = model._meta
    return f"{reverse(f'admin:{opts.app_label}_{opts.model_name}_changelist')}?{urlencode(query)}"


def clerk_tasks(proposals: QuerySet, session, today: date) -> list[Task]:
    """A clerk's queue: to assign, requests to decide, replies to review, letters to complete,
    dissatisfied items being re-handled, items to close, and what is overdue."""
    in_session = proposals.filter(session=session)
    turns = dict(in_session.values_list("current_turn").annotate(n=Count("pk")).order_by())
    overdue = in_session.filter(derived.overdue(today)).count()
    tasks = [
        Task(
            "待交办",
            turns.get(Turn.CLERK_ASSIGN, 0),
            proposal_list(session=session.pk, turn=Turn.CLERK_ASSIGN),
        ),
        *_requests(today),
        Task(
            "待审核答复",
            turns.get(Turn.CLERK_REVIEW, 0),
            proposal_list(session=session.pk, turn=Turn.CLERK_REVIEW),
        ),
        Task(
            "待补全来函",
            HeldLetter.objects.filter(status=HeldLetter.Status.OPEN).count(),
            workbench_list(HeldLetter, status__exact=HeldLetter.Status.OPEN),
        ),
        # 不满意 in the first round opens re-handling at once: the clerk follows it.
        Task(
            "不满意，重新办理中",
            turns.get(Turn.REHANDLING, 0),
            proposal_list(session=session.pk, turn=Turn.REHANDLING),
        ),
        Task(
            "待办结",
            turns.get(Turn.CLERK_CLOSE, 0),
            proposal_list(session=session.pk, turn=Turn.CLERK_CLOSE),
        ),
        Task(
            "已超期",
            overdue,
            proposal_list(session=session.pk, overdue="yes", order="due"),
            tone="overdue" if overdue else "",
        ),
    ]
    return tasks


def _requests(today: date) -> list[Task]:
    """Pending extension and return requests, with how long the oldest has waited."""
    tasks = []
    for model, label in (
        (ExtensionRequest, "待审批的延期申请"),
        (ReturnRequest, "待审批的退回申请"),
    ):
        pending = model.objects.filter(status=RequestStatus.PENDING).aggregate(
            n=Count("pk"), oldest=Min("requested_on")
        )
        note = f"最早的已等 {(today - pending['oldest']).days} 天" if pending["n"] else ""
        url = workbench_list(model, status__exact=RequestStatus.PENDING)
        tasks.append(Task(label, pending["n"], url, note, "warning" if pending["n"] else ""))
    return tasks


def overdue_by_bureau(proposals: QuerySet, session, today: date) -> list[BureauLoad]:
    """Lead bureaus by their overdue items in the session, most first."""
    rows = (
        proposals.filter(derived.overdue(today), session=session, lead_bureau__isnull=False)
        .values("lead_bureau", "lead_bureau__name")
        .annotate(n=Count("pk"))
        .order_by("-n", "lead_bureau__name")
    )
    return [
        BureauLoad(
            row["lead_bureau__name"],
            row["n"],
            proposal_list(session=session.pk, overdue="yes", lead=row["lead_bureau"], order="due"),
        )
        for row in rows
    ]


@dataclass(frozen=True)
class Item:
    """One of a bureau's items: by when, and what the officer may do about it now."""

    proposal: Proposal
    due: date | None
    days_left: int | None
    actions: list[Action]

    @property
    def days_overdue(self) -> int:
        return -self.days_left if self.days_left is not None and self.days_left < 0 else 0

    @property
    def due_soon(self) -> bool:
        return self.days_left is not None and 0 <= self.days_left <= settings.DUE_SOON_DAYS


def officer_items(user, proposals: QuerySet, today: date) -> tuple[list[Task], list[Item], str]:
    """A bureau officer's items whose turn is their bureau's, by deadline; the link to all."""
    bureau_id = officer_bureau_id(user)
    mine = proposals.filter(turn_bureau=bureau_id)
    turns = dict(mine.values_list("current_turn").annotate(n=Count("pk")).order_by())
    tasks = [
        Task(
            label,
            turns.get(turn, 0),
            proposal_list(turn_bureau=bureau_id, turn=turn, order="turn_due"),
        )
        for turn, label in (
            (Turn.LEAD, "待答复"),
            (Turn.CO_HANDLER, "待提出协办意见"),
            (Turn.REHANDLING, "待重新办理"),
        )
    ]
    own = Assignment.objects.active().filter(bureau=bureau_id)
    shown = (
        mine.select_related("session")
        .prefetch_related(Prefetch("assignments", queryset=own))
        .order_by("turn_due_date", "number")[:SHOWN]
    )
    items = [
        Item(
            p,
            p.turn_due_date,
            (p.turn_due_date - today).days if p.turn_due_date else None,
            proposal_actions(user, p),
        )
        for p in shown
    ]
    return tasks, items, proposal_list(turn_bureau=bureau_id, order="turn_due")


def key_items(proposals: QuerySet, session, today: date) -> list[Task]:
    """The session's key items (重点提案): all, replied, overdue."""
    key = proposals.filter(session=session, is_key=True)
    counts = key.aggregate(
        total=Count("pk"),
        replied=Count("pk", filter=derived.replied()),
        overdue=Count("pk", filter=derived.overdue(today)),
    )
    return [
        Task("重点提案", counts["total"], proposal_list(session=session.pk, is_key="yes")),
        Task(
            "其中已答复",
            counts["replied"],
            proposal_list(session=session.pk, is_key="yes", replied="yes"),
        ),
        Task(
            "其中已超期",
            counts["overdue"],
            proposal_list(session=session.pk, is_key="yes", overdue="yes"),
            tone="overdue" if counts["overdue"] else "",
        ),
    ]
