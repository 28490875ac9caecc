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
from django.db import connection, transaction
from django.db.models import Q
from django.db.models.signals import post_delete, post_save

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
from proposals.tokens import TextIndex, index_tokens

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


def refresh(proposal_ids: Iterable[int]) -> None:
    """Recompute and store the snapshots of these proposals."""
    ids = sorted(set(proposal_ids))
    for start in range(0, len(ids), _BATCH):
        _refresh_snapshots(_MODELS, ids[start : start + _BATCH])


class Text(NamedTuple):
    """A text to index: a reply's (owner: its proposal) or a proposal's title."""

    proposal_id: int
    text: str
    new: bool  # just created, so no document of it exists yet


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
    for proposal_id, *facts in (
        models.Assignment.objects.filter(proposal_id__in=ids)
        .order_by()
        .values_list("proposal_id", *AssignmentFacts._fields)
    ):
        assignments[proposal_id].append(AssignmentFacts(*facts))
    for proposal_id, *facts in (
        models.Reply.objects.filter(proposal_id__in=ids)
        .order_by()
        .values_list("proposal_id", *ReplyFacts._fields)
    ):
        replies[proposal_id].append(ReplyFacts(*facts))
    for proposal_id, round_ in (
        models.Feedback.objects.filter(proposal_id__in=ids)
        .order_by()
        .values_list("proposal_id", "round")
    ):
        rounds[proposal_id].append(round_)
    rehandling = dict(
        models.Rehandling.objects.filter(proposal_id__in=ids)
        .order_by()
        .values_list("proposal_id", "due_on")
    )
    if closed is None:
        closed = dict(
            models.Proposal.objects.filter(pk__in=ids).order_by().values_list("pk", "closed_on")
        )
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
    proposals = list(
        models.Proposal.objects.filter(pk__in=ids).order_by().only("closed_on", *STORED_COLUMNS)
    )
    derived = snapshots(ids, models, {proposal.pk: proposal.closed_on for proposal in proposals})
    changed = [
        (*derived[proposal.pk], proposal.pk)
        for proposal in proposals
        if derived[proposal.pk] != stored_snapshot(proposal)
    ]
    _update_rows(models.Proposal, STORED_COLUMNS, changed)


def _update_rows(model, columns: list[str], rows: list[tuple]) -> None:
    """UPDATE each row (values of `columns`, then its id) with one prepared statement.

    Much cheaper than bulk_update, which compiles a CASE per column over every row; the
    values are converted for the database as the ORM would (dates on SQLite, say).
    """
    if not rows:
        return
    quote = connection.ops.quote_name
    fields = [model._meta.get_field(name) for name in columns]
    assignments = ", ".join(f"{quote(field.column)} = %s" for field in fields)
    sql = f"UPDATE {quote(model._meta.db_table)} SET {assignments} WHERE {quote('id')} = %s"
    prepared = [
        [
            field.get_db_prep_save(value, connection)
            for field, value in zip(fields, row[:-1], strict=True)
        ]
        + [row[-1]]
        for row in rows
    ]
    with connection.cursor() as cursor:
        cursor.executemany(sql, prepared)


def _write_reply_texts(models: Models, texts: dict[int, Text]) -> None:
    """Store the public (masked) text of these replies (by id) and index it."""
    indexes = {pk: _index_of(text.text) for pk, text in texts.items()}
    _update_rows(
        models.Reply, ["public_text"], [(index.public_text, pk) for pk, index in indexes.items()]
    )
    existing = [pk for pk, text in texts.items() if not text.new]
    if existing:
        models.SearchDocument.objects.filter(reply_id__in=existing).delete()
    models.SearchDocument.objects.bulk_create(
        models.SearchDocument(proposal_id=texts[pk].proposal_id, reply_id=pk, tokens=index.tokens)
        for pk, index in indexes.items()
        if index.public_text
    )


class _Precomputed(threading.local):
    def __init__(self) -> None:
        self.indexes: dict[str, TextIndex] = {}


_precomputed = _Precomputed()


def precomputed(text: str, index: TextIndex) -> None:
    """Hand over a text's public form and tokens computed elsewhere (a parser process) with
    the same pure functions; used if the text is saved in the current unit of work."""
    _precomputed.indexes[text] = index


def _index_of(text: str) -> TextIndex:
    return _precomputed.indexes.pop(text, None) or TextIndex.of(text)


def _write_titles(models: Models, titles: dict[int, Text]) -> None:
    """Index these proposals' titles (by proposal id)."""
    existing = [pk for pk, title in titles.items() if not title.new]
    if existing:
        models.SearchDocument.objects.filter(proposal_id__in=existing, reply__isnull=True).delete()
    models.SearchDocument.objects.bulk_create(
        models.SearchDocument(proposal_id=pk, tokens=index_tokens(title.text))
        for pk, title in titles.items()
        if title.text
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
            titles = models.Proposal.objects.filter(pk__in=chunk).order_by()
            _write_titles(
                models,
                {pk: Text(pk, title, False) for pk, title in titles.values_list("pk", "title")},
            )
            replies = models.Reply.objects.filter(proposal_id__in=chunk).order_by()
            _write_reply_texts(
                models,
                {
                    pk: Text(proposal_id, text, False)
                    for pk, proposal_id, text in replies.values_list("pk", "proposal_id", "text")
                },
            )
    return len(ids)


# Marking what changed: one pending set per thread, flushed at the end of the outermost block.


class _Marks:
    """What one unit of work (or one block nested in it) has touched."""

    def __init__(self) -> None:
        self.proposals: set[int] = set()
        self.titles: dict[int, Text] = {}  # proposal id → its title
        self.texts: dict[int, Text] = {}  # reply id → its text

    def __bool__(self) -> bool:
        return bool(self.proposals or self.titles or self.texts)

    def absorb(self, other: "_Marks") -> None:
        self.proposals |= other.proposals
        self.titles |= other.titles
        self.texts |= other.texts


class _Units(threading.local):
    """The blocks of the unit of work running in this thread, outermost first. A block that
    fails takes its marks with it, so nothing rolled back is refreshed."""

    def __init__(self) -> None:
        self.stack: list[_Marks] = []


_units = _Units()


def _flush(marks: _Marks) -> None:
    refresh(marks.proposals)
    if marks.texts:
        _write_reply_texts(_MODELS, marks.texts)
    if marks.titles:
        _write_titles(_MODELS, marks.titles)


@contextmanager
def changes(*, isolated: bool = False):
    """A unit of work: one transaction, after which every proposal it touched is refreshed
    once (in the same transaction).

    A block nested in another joins it: its marks go to the outer block, and its failure
    fails the whole unit. `isolated=True` gives a nested block a savepoint, so that the
    outer unit may catch its failure and go on (an import, one file of a batch).
    """
    outermost = not _units.stack
    marks = _Marks()
    _units.stack.append(marks)
    try:
        with transaction.atomic(savepoint=outermost or isolated):
            yield
            if outermost:
                _flush(marks)
    finally:
        _units.stack.pop()
        if outermost:
            _precomputed.indexes.clear()
    if not outermost:
        _units.stack[-1].absorb(marks)


F = TypeVar("F", bound=Callable)


def service(function: F) -> F:
    """Run a service function as one unit of work (see `changes()`)."""

    @wraps(function)
    def run(*args, **kwargs):
        with changes():
            return function(*args, **kwargs)

    return run


def mark(
    proposal_id: int | None, *, title: Text | None = None, text: tuple[int, Text] | None = None
) -> None:
    """Note that this proposal's snapshot (and a title or a reply's text: reply id, text)
    must be recomputed: at the end of the current unit of work, or now outside one. The
    signal receivers below call it; so does a service writing with bulk_create."""
    if proposal_id is None:
        return
    marks = _units.stack[-1] if _units.stack else _Marks()
    marks.proposals.add(proposal_id)
    if title is not None:
        marks.titles[proposal_id] = title
    if text is not None:
        marks.texts[text[0]] = text[1]
    if not _units.stack:
        with transaction.atomic():
            _flush(marks)


def _saved_fields(kwargs) -> set[str] | None:
    update_fields = kwargs.get("update_fields")
    return None if update_fields is None else set(update_fields)


def _proposal_saved(sender, instance: Proposal, created: bool, raw: bool, **kwargs) -> None:
    if raw:  # loaddata: a fixture holds its derived rows already
        return
    saved = _saved_fields(kwargs)
    if saved is not None and saved <= set(STORED_COLUMNS):
        return
    retitled = saved is None or "title" in saved
    mark(instance.pk, title=Text(instance.pk, instance.title, created) if retitled else None)


def _reply_saved(sender, instance: Reply, created: bool, raw: bool, **kwargs) -> None:
    if raw:
        return
    saved = _saved_fields(kwargs)
    if saved is not None and saved <= {"public_text"}:
        return
    rewritten = saved is None or "text" in saved
    text = (instance.pk, Text(instance.proposal_id, instance.text, created))
    mark(instance.proposal_id, text=text if rewritten else None)


def _row_changed(sender, instance, raw: bool = False, **kwargs) -> None:
    if not raw:
        mark(instance.proposal_id)


def _forget(proposal_id: int | None = None, reply_id: int | None = None) -> None:
    """A deleted row is not refreshed (its documents went with it)."""
    for marks in _units.stack:
        marks.proposals.discard(proposal_id)
        marks.titles.pop(proposal_id, None)
        marks.texts.pop(reply_id, None)


def _proposal_deleted(sender, instance: Proposal, **kwargs) -> None:
    _forget(proposal_id=instance.pk)


def _reply_deleted(sender, instance: Reply, **kwargs) -> None:
    _forget(reply_id=instance.pk)
    mark(instance.proposal_id)


post_save.connect(_proposal_saved, sender=Proposal, dispatch_uid="derived-proposal")
post_delete.connect(_proposal_deleted, sender=Proposal, dispatch_uid="derived-proposal-del")
post_save.connect(_reply_saved, sender=Reply, dispatch_uid="derived-reply")
post_delete.connect(_reply_deleted, sender=Reply, dispatch_uid="derived-reply-del")
for _model in (Assignment, Feedback, Rehandling):
    post_delete.connect(_row_changed, sender=_model, dispatch_uid=f"derived-{_model.__name__}-del")
for _model in (Assignment, Feedback, Rehandling):
    post_save.connect(_row_changed, sender=_model, dispatch_uid=f"derived-{_model.__name__}")
