"""What is derived from a proposal's rows, defined once and refreshed by this module alone.

The definition is `derive()`: a pure function from one proposal's assignments, replies,
feedback and re-handling to its `Snapshot` (handling status, whose turn and by when, the lead
bureau and its due date, the due date pending now, whether a reply is public). The business
words that depend on today (overdue, due soon) compare the stored due dates with today:
`overdue()`, `due_soon()`, `replied()`, `published()` are the only definitions of those words.

Writers never refresh anything. Saving or deleting any row that a snapshot, a reply's public
text or the search index derives from marks its proposal (signal receivers below); every
service runs inside `changes()`, which refreshes each marked proposal once, at the end of its
outermost block, in the same transaction. A write outside any `changes()` block (a shell, a
migration) is refreshed at once. `refresh()` is also what `manage.py refresh_derived` runs.
"""

import threading
from collections import defaultdict
from collections.abc import Callable, Iterable
from contextlib import contextmanager
from datetime import date, timedelta
from functools import wraps
from typing import NamedTuple, TypeVar

from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.db.models.signals import post_delete, post_save

from proposals.masking import masked
from proposals.models import (
    Assignment,
    Feedback,
    HandlingStatus,
    Proposal,
    Rehandling,
    Reply,
    SearchDocument,
    Turn,
)
from proposals.models.proposals import STORED_FIELDS
from proposals.models.replies import answers_proposal
from proposals.tokens import index_tokens

# The stored snapshot's columns, in Snapshot order.
STORED_COLUMNS = [Proposal._meta.get_field(name).attname for name in STORED_FIELDS]


class Snapshot(NamedTuple):
    """A proposal's derived state, as stored on it for lists to filter and sort on."""

    status: str = HandlingStatus.UNASSIGNED
    current_turn: str = Turn.CLERK_ASSIGN
    turn_bureau_id: int | None = None
    turn_due_date: date | None = None
    lead_bureau_id: int | None = None
    lead_due_date: date | None = None
    pending_due_date: date | None = None
    has_published_reply: bool = False


class AssignmentFacts(NamedTuple):
    bureau_id: int
    role: str
    due_on: date | None
    returned_on: date | None
    opinion_on: date | None


class ReplyFacts(NamedTuple):
    round: int
    needs_review: bool
    published_on: date | None
    completeness: str

    @property
    def counts(self) -> bool:
        return answers_proposal(self.completeness)


def derive(
    *,
    closed_on: date | None,
    assignments: Iterable[AssignmentFacts],
    replies: Iterable[ReplyFacts],
    feedback_rounds: Iterable[int],
    rehandling_due_on: date | None,
) -> Snapshot:
    """The snapshot of one proposal from its rows.

    Status: 未交办 → 办理中 → 已答复 → 已反馈 → 已办结. Whose turn: the clerk assigns a lead;
    co-handlers give their opinions; the lead replies (or, after 不满意, replies again); the
    clerk reviews a reply flagged for review; the proposers give feedback on the current
    round; the clerk closes. Only a reply that counts (a complete one) answers a proposal.
    The pending due date is the lead's while nobody has replied, else the re-handling's
    while its second reply is missing: overdue and due soon compare it with today.
    """
    replies = list(replies)
    feedback_rounds = set(feedback_rounds)
    active = [a for a in assignments if a.returned_on is None]
    lead = next((a for a in active if a.role == Assignment.Role.LEAD), None)
    answers = [reply for reply in replies if reply.counts]
    has_reply = bool(answers)
    rehandling_open = rehandling_due_on is not None and not any(r.round == 2 for r in answers)
    current_round = 2 if rehandling_due_on is not None else 1
    awaiting_opinion = sorted(
        (a for a in active if a.role == Assignment.Role.CO_HANDLER and a.opinion_on is None),
        key=lambda a: (a.due_on is None, a.due_on),
    )

    if closed_on is not None:
        status = HandlingStatus.CLOSED
    elif feedback_rounds:
        status = HandlingStatus.FEEDBACK_RECEIVED
    elif has_reply:
        status = HandlingStatus.REPLIED
    elif active:
        status = HandlingStatus.ASSIGNED
    else:
        status = HandlingStatus.UNASSIGNED

    turn_bureau_id = turn_due = None
    if closed_on is not None:
        turn = Turn.NOBODY
    elif rehandling_open:
        turn = Turn.REHANDLING
        turn_bureau_id, turn_due = (lead.bureau_id if lead else None), rehandling_due_on
    elif not has_reply and lead is None:
        turn = Turn.CLERK_ASSIGN
    elif not has_reply and awaiting_opinion:
        turn = Turn.CO_HANDLER
        turn_bureau_id, turn_due = awaiting_opinion[0].bureau_id, awaiting_opinion[0].due_on
    elif not has_reply:
        turn = Turn.LEAD
        turn_bureau_id, turn_due = lead.bureau_id, lead.due_on
    elif any(reply.needs_review for reply in replies):
        turn = Turn.CLERK_REVIEW
    elif current_round not in feedback_rounds:
        turn = Turn.MEMBER
    else:
        turn = Turn.CLERK_CLOSE

    if not has_reply and lead is not None:
        pending = lead.due_on
    elif rehandling_open:
        pending = rehandling_due_on
    else:
        pending = None
    return Snapshot(
        status=status,
        current_turn=turn,
        turn_bureau_id=turn_bureau_id,
        turn_due_date=turn_due,
        lead_bureau_id=lead.bureau_id if lead else None,
        lead_due_date=lead.due_on if lead else None,
        pending_due_date=pending,
        has_published_reply=any(reply.published_on is not None for reply in replies),
    )


def stored_snapshot(proposal: Proposal) -> Snapshot:
    return Snapshot(*(getattr(proposal, name) for name in STORED_COLUMNS))


# The business words that depend on today, defined once. Lists, the home page, statistics
# and the bureau and member pages all filter with these.


def overdue(today: date) -> Q:
    """已超期: the pending due date (the lead's, or the re-handling's) has passed with no reply.
    Due today is not yet overdue."""
    return Q(pending_due_date__lt=today)


def due_soon(today: date) -> Q:
    """即将到期: the pending due date falls between today and DUE_SOON_DAYS from today."""
    return Q(
        pending_due_date__gte=today,
        pending_due_date__lte=today + timedelta(days=settings.DUE_SOON_DAYS),
    )


REPLIED_STATUSES = [
    HandlingStatus.REPLIED,
    HandlingStatus.FEEDBACK_RECEIVED,
    HandlingStatus.CLOSED,
]


def replied() -> Q:
    """已答复: the proposal has a reply that counts (any bureau, any round)."""
    return Q(status__in=REPLIED_STATUSES)


def published() -> Q:
    """已公开 (of a proposal): it has a reply a clerk made public."""
    return Q(has_published_reply=True)


def reply_published() -> Q:
    """已公开 (of a reply): a clerk made it public on a date."""
    return Q(published_on__isnull=False)


def is_on_time(reply_date: date | None, on_time_by: date | None) -> bool | None:
    """按期答复: replied by the due date that counts for timeliness (see Assignment.on_time_by);
    None when either date is unknown."""
    if reply_date is None or on_time_by is None:
        return None
    return reply_date <= on_time_by


# Refreshing.


def refresh(proposal_ids: Iterable[int], *, texts: Iterable[int] = ()) -> None:
    """Recompute the snapshots of these proposals, and the public text and search document
    of each reply in `texts` (reply ids)."""
    ids = sorted(set(proposal_ids))
    for start in range(0, len(ids), _BATCH):
        _refresh_snapshots(_MODELS, ids[start : start + _BATCH])
    reply_ids = sorted(set(texts))
    for start in range(0, len(reply_ids), _BATCH):
        _refresh_reply_texts(_MODELS, reply_ids[start : start + _BATCH])


_BATCH = 500


class Models(NamedTuple):
    """The models refreshing reads and writes: the app's own, or a migration's historical ones."""

    Proposal: type
    Assignment: type
    Reply: type
    Feedback: type
    Rehandling: type
    SearchDocument: type

    @classmethod
    def of(cls, apps) -> "Models":
        return cls(*(apps.get_model("proposals", name) for name in cls._fields))


_MODELS = Models(Proposal, Assignment, Reply, Feedback, Rehandling, SearchDocument)


def snapshots(
    ids: Iterable[int], models: "Models | None" = None, closed: dict[int, date | None] | None = None
) -> dict[int, Snapshot]:
    """What `derive()` makes of these proposals' rows as they are now, by proposal id.
    `closed`: their closing dates, when the caller has read them already."""
    models = models or _MODELS
    ids = list(ids)
    assignments, replies, rounds = defaultdict(list), defaultdict(list), defaultdict(list)
    for proposal_id, *facts in models.Assignment.objects.filter(proposal_id__in=ids).values_list(
        "proposal_id", *AssignmentFacts._fields
    ):
        assignments[proposal_id].append(AssignmentFacts(*facts))
    for proposal_id, *facts in models.Reply.objects.filter(proposal_id__in=ids).values_list(
        "proposal_id", *ReplyFacts._fields
    ):
        replies[proposal_id].append(ReplyFacts(*facts))
    for proposal_id, round_ in models.Feedback.objects.filter(proposal_id__in=ids).values_list(
        "proposal_id", "round"
    ):
        rounds[proposal_id].append(round_)
    rehandling = dict(
        models.Rehandling.objects.filter(proposal_id__in=ids).values_list("proposal_id", "due_on")
    )
    if closed is None:
        closed = dict(models.Proposal.objects.filter(pk__in=ids).values_list("pk", "closed_on"))
    return {
        pk: derive(
            closed_on=closed_on,
            assignments=assignments[pk],
            replies=replies[pk],
            feedback_rounds=rounds[pk],
            rehandling_due_on=rehandling.get(pk),
        )
        for pk, closed_on in closed.items()
    }


def _refresh_snapshots(models: Models, ids: list[int]) -> None:
    proposals = list(models.Proposal.objects.filter(pk__in=ids).only("closed_on", *STORED_COLUMNS))
    derived = snapshots(ids, models, {proposal.pk: proposal.closed_on for proposal in proposals})
    changed = []
    for proposal in proposals:
        snapshot = derived[proposal.pk]
        if snapshot != stored_snapshot(proposal):
            for name, value in zip(STORED_COLUMNS, snapshot, strict=True):
                setattr(proposal, name, value)
            changed.append(proposal)
    models.Proposal.objects.bulk_update(changed, STORED_COLUMNS)


def _refresh_reply_texts(models: Models, reply_ids: list[int]) -> None:
    """The public (masked) text of these replies, and their search documents from it."""
    replies = list(models.Reply.objects.filter(pk__in=reply_ids).only("proposal_id", "text"))
    for reply in replies:
        reply.public_text = masked(reply.text)
    models.Reply.objects.bulk_update(replies, ["public_text"])
    models.SearchDocument.objects.filter(reply_id__in=reply_ids).delete()
    models.SearchDocument.objects.bulk_create(
        models.SearchDocument(
            proposal_id=reply.proposal_id, reply_id=reply.pk, tokens=index_tokens(reply.public_text)
        )
        for reply in replies
        if reply.public_text
    )


def _refresh_titles(models: Models, proposal_ids: Iterable[int]) -> None:
    """The search documents of these proposals' titles."""
    ids = list(proposal_ids)
    models.SearchDocument.objects.filter(proposal_id__in=ids, reply__isnull=True).delete()
    models.SearchDocument.objects.bulk_create(
        models.SearchDocument(proposal_id=pk, tokens=index_tokens(title))
        for pk, title in models.Proposal.objects.filter(pk__in=ids).values_list("pk", "title")
        if title
    )


def refresh_all(apps=None) -> int:
    """Every proposal's snapshot and search documents, every reply's public text; returns
    how many proposals. For upgrades (a migration passes its `apps`) and after direct
    database edits."""
    models = Models.of(apps) if apps else _MODELS
    ids = list(models.Proposal.objects.order_by("pk").values_list("pk", flat=True))
    for start in range(0, len(ids), _BATCH):
        chunk = ids[start : start + _BATCH]
        with transaction.atomic():
            _refresh_snapshots(models, chunk)
            _refresh_titles(models, chunk)
            replies = models.Reply.objects.filter(proposal_id__in=chunk).values_list(
                "pk", flat=True
            )
            _refresh_reply_texts(models, list(replies))
    return len(ids)


# Marking what changed: one pending set per thread, flushed at the end of the outermost block.


class _Pending(threading.local):
    def __init__(self) -> None:
        self.depth = 0
        self.proposals: set[int] = set()
        self.titles: set[int] = set()
        self.texts: set[int] = set()

    def clear(self) -> None:
        self.proposals, self.titles, self.texts = set(), set(), set()


_pending = _Pending()


def _flush() -> None:
    # Refreshing writes no marked rows, but loop in case a later step marks more.
    while _pending.proposals or _pending.titles or _pending.texts:
        proposals, titles, texts = _pending.proposals, _pending.titles, _pending.texts
        _pending.clear()
        refresh(proposals, texts=texts)
        if titles:
            _refresh_titles(_MODELS, titles)


@contextmanager
def changes():
    """A unit of work: one transaction, after which every proposal it touched is refreshed
    once (in the same transaction). Nested blocks join the outermost one."""
    _pending.depth += 1
    try:
        with transaction.atomic():
            yield
            if _pending.depth == 1:
                _flush()
    finally:
        _pending.depth -= 1
        if _pending.depth == 0:
            _pending.clear()


F = TypeVar("F", bound=Callable)


def service(function: F) -> F:
    """Run a service function as one unit of work (see `changes()`)."""

    @wraps(function)
    def run(*args, **kwargs):
        with changes():
            return function(*args, **kwargs)

    return run


def mark(proposal_id: int | None, *, title: bool = False, reply_id: int | None = None) -> None:
    """Note that this proposal's derived state (and its title's or a reply's text) must be
    recomputed: at the end of the current unit of work, or now outside one."""
    if proposal_id is None:
        return
    _pending.proposals.add(proposal_id)
    if title:
        _pending.titles.add(proposal_id)
    if reply_id is not None:
        _pending.texts.add(reply_id)
    if _pending.depth == 0:
        with transaction.atomic():
            _flush()


def _saved_fields(kwargs) -> set[str] | None:
    update_fields = kwargs.get("update_fields")
    return None if update_fields is None else set(update_fields)


def _proposal_saved(sender, instance: Proposal, **kwargs) -> None:
    saved = _saved_fields(kwargs)
    if saved is not None and saved <= set(STORED_COLUMNS):
        return
    mark(instance.pk, title=saved is None or "title" in saved)


def _reply_saved(sender, instance: Reply, **kwargs) -> None:
    saved = _saved_fields(kwargs)
    if saved is not None and saved <= {"public_text"}:
        return
    text_saved = saved is None or "text" in saved
    mark(instance.proposal_id, reply_id=instance.pk if text_saved else None)


def _row_changed(sender, instance, **kwargs) -> None:
    mark(instance.proposal_id)


def _proposal_deleted(sender, instance: Proposal, **kwargs) -> None:
    _pending.proposals.discard(instance.pk)
    _pending.titles.discard(instance.pk)


post_save.connect(_proposal_saved, sender=Proposal, dispatch_uid="derived-proposal")
post_delete.connect(_proposal_deleted, sender=Proposal, dispatch_uid="derived-proposal-del")
post_save.connect(_reply_saved, sender=Reply, dispatch_uid="derived-reply")
for _model in (Reply, Assignment, Feedback, Rehandling):
    post_delete.connect(_row_changed, sender=_model, dispatch_uid=f"derived-{_model.__name__}-del")
for _model in (Assignment, Feedback, Rehandling):
    post_save.connect(_row_changed, sender=_model, dispatch_uid=f"derived-{_model.__name__}")
