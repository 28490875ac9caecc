"""Proposals and their proposers; the derived handling status, whose turn, and visibility."""

from datetime import date, timedelta

from django.conf import settings
from django.db import models
from django.db.models import Case, Exists, F, OuterRef, Q, Subquery, Value, When
from django.utils import timezone
from simple_history.models import HistoricalRecords

from proposals.models.handling import Assignment, Feedback, Rehandling
from proposals.models.reference import Member, Session
from proposals.models.replies import Reply

# The snapshot refresh_stored_status() writes; no history is kept of it.
STORED_FIELDS = [
    "status",
    "current_turn",
    "lead_due_date",
    "pending_due_date",
    "has_published_reply",
]


class HandlingStatus(models.TextChoices):
    UNASSIGNED = "unassigned", "未交办"
    ASSIGNED = "assigned", "办理中"
    REPLIED = "replied", "已答复"
    FEEDBACK_RECEIVED = "feedback", "已反馈"
    CLOSED = "closed", "已办结"


class Turn(models.TextChoices):
    """Who must act next on a proposal."""

    CLERK_ASSIGN = "assign", "提案委：交办"
    CO_HANDLER = "co_handler", "协办单位：提出协办意见"
    LEAD = "lead", "主办单位：答复"
    REHANDLING = "rehandling", "主办单位：重新办理"
    CLERK_REVIEW = "review", "提案委：审核答复"
    MEMBER = "member", "委员/代表：反馈意见"
    CLERK_CLOSE = "close", "提案委：办结"
    NOBODY = "nobody", "已办结"


def _deadline_flags(due_field: str, today: date, soon: date) -> dict:
    """`is_overdue` (the pending due date has passed; due today is not yet overdue) and
    `is_due_soon` (it falls within DUE_SOON_DAYS from today)."""
    return {
        "is_overdue": Case(
            When(**{f"{due_field}__lt": today}, then=Value(True)),
            default=Value(False),
            output_field=models.BooleanField(),
        ),
        "is_due_soon": Case(
            When(**{f"{due_field}__gte": today, f"{due_field}__lte": soon}, then=Value(True)),
            default=Value(False),
            output_field=models.BooleanField(),
        ),
    }


def _published_replies():
    return Reply.objects.filter(proposal=OuterRef("pk"), published_on__isnull=False)


class ProposalQuerySet(models.QuerySet):
    def with_handling_status(self, today: date | None = None) -> "ProposalQuerySet":
        """Annotate the handling status, who holds the proposal now, and the deadlines.

        `handling_status`: 未交办 → 办理中 → 已答复 → 已反馈 → 已办结. `turn`, `turn_party`
        and `turn_due_on`: who must act next (see Turn) and by when. `is_overdue`: the lead
        bureau's due date has passed (due today is not yet overdue) with no reply, or a
        re-handling's due date has passed with no second reply. `is_due_soon`: the same
        deadlines fall within DUE_SOON_DAYS from today. All in one query.
        """
        today = today or timezone.localdate()
        soon = today + timedelta(days=settings.DUE_SOON_DAYS)
        replies = Reply.objects.filter(proposal=OuterRef("pk"))
        active = Assignment.objects.active().filter(proposal=OuterRef("pk"))
        lead = active.filter(role=Assignment.Role.LEAD)
        awaiting_opinion = active.filter(
            role=Assignment.Role.CO_HANDLER, opinion_on__isnull=True
        ).order_by("due_on")
        rehandling_due_on = Rehandling.objects.filter(proposal=OuterRef("pk")).values("due_on")
        waiting_for_lead = Q(has_reply=False, lead_due_on__isnull=False)
        waiting_for_rehandling = Q(rehandling_due_on__isnull=False, has_second_reply=False)
        return self.annotate(
            has_reply=Exists(replies),
            has_second_reply=Exists(replies.filter(round=2)),
            lead_due_on=Subquery(lead.values("due_on")[:1]),
            lead_bureau=Subquery(lead.values("bureau__name")[:1]),
            rehandling_due_on=Subquery(rehandling_due_on[:1]),
            opinion_due_on=Subquery(awaiting_opinion.values("due_on")[:1]),
            opinion_bureau=Subquery(awaiting_opinion.values("bureau__name")[:1]),
            current_round=Case(
                When(rehandling_due_on__isnull=False, then=Value(2)),
                default=Value(1),
                output_field=models.PositiveSmallIntegerField(),
            ),
            has_current_feedback=Exists(
                Feedback.objects.filter(proposal=OuterRef("pk"), round=OuterRef("current_round"))
            ),
            handling_status=Case(
                When(closed_on__isnull=False, then=Value(HandlingStatus.CLOSED)),
                When(
                    Exists(Feedback.objects.filter(proposal=OuterRef("pk"))),
                    then=Value(HandlingStatus.FEEDBACK_RECEIVED),
                ),
                When(has_reply=True, then=Value(HandlingStatus.REPLIED)),
                When(Exists(active), then=Value(HandlingStatus.ASSIGNED)),
                default=Value(HandlingStatus.UNASSIGNED),
                output_field=models.CharField(),
            ),
            turn=Case(
                When(closed_on__isnull=False, then=Value(Turn.NOBODY)),
                When(~Exists(active), then=Value(Turn.CLERK_ASSIGN)),
                When(waiting_for_rehandling, then=Value(Turn.REHANDLING)),
                When(has_reply=False, opinion_due_on__isnull=False, then=Value(Turn.CO_HANDLER)),
                When(has_reply=False, then=Value(Turn.LEAD)),
                When(Exists(replies.filter(needs_review=True)), then=Value(Turn.CLERK_REVIEW)),
                When(has_current_feedback=False, then=Value(Turn.MEMBER)),
                default=Value(Turn.CLERK_CLOSE),
                output_field=models.CharField(),
            ),
            turn_party=Case(
                When(turn__in=[Turn.LEAD, Turn.REHANDLING], then=F("lead_bureau")),
                When(turn=Turn.CO_HANDLER, then=F("opinion_bureau")),
                default=Value(""),
                output_field=models.CharField(),
            ),
            turn_due_on=Case(
                When(turn=Turn.LEAD, then=F("lead_due_on")),
                When(turn=Turn.REHANDLING, then=F("rehandling_due_on")),
                When(turn=Turn.CO_HANDLER, then=F("opinion_due_on")),
                default=None,
                output_field=models.DateField(),
            ),
            pending_due_on=Case(
                When(waiting_for_lead, then=F("lead_due_on")),
                When(waiting_for_rehandling, then=F("rehandling_due_on")),
                default=None,
                output_field=models.DateField(),
            ),
            **_deadline_flags("pending_due_on", today, soon),
        )

    def with_stored_status(self, today: date | None = None) -> "ProposalQuerySet":
        """The annotations list pages read, taken from the stored snapshot: no subqueries.

        Same names as with_handling_status(), so filters and templates serve either.
        """
        today = today or timezone.localdate()
        soon = today + timedelta(days=settings.DUE_SOON_DAYS)
        return self.annotate(
            handling_status=F("status"),
            turn=F("current_turn"),
            lead_due_on=F("lead_due_date"),
            **_deadline_flags("pending_due_date", today, soon),
        )

    def refresh_stored_status(self) -> int:
        """Rewrite the stored snapshot of these proposals from with_handling_status().

        Call after any change to a proposal's assignments, replies, feedback, re-handling or
        closing; the date-dependent flags are not stored, only the due dates they compare.
        """
        derived = (
            self.with_handling_status()
            .annotate(is_published=Exists(_published_replies()))
            .values_list(
                "pk", "handling_status", "turn", "lead_due_on", "pending_due_on", "is_published"
            )
        )
        changed = [
            Proposal(
                pk=pk,
                status=status,
                current_turn=turn,
                lead_due_date=lead_due_on,
                pending_due_date=pending_due_on,
                has_published_reply=is_published,
            )
            for pk, status, turn, lead_due_on, pending_due_on, is_published in derived.order_by()
        ]
        return Proposal.objects.bulk_update(changed, STORED_FIELDS, batch_size=500)

    def needing_attention(self, today: date | None = None) -> "ProposalQuerySet":
        """Overdue, due soon, or waiting for a clerk (to assign, review a reply, or close)."""
        return self.with_handling_status(today).filter(
            Q(is_overdue=True)
            | Q(is_due_soon=True)
            | Q(turn__in=[Turn.CLERK_ASSIGN, Turn.CLERK_REVIEW, Turn.CLERK_CLOSE])
        )

    def overdue(self, today: date | None = None) -> "ProposalQuerySet":
        return self.with_handling_status(today).filter(is_overdue=True)

    def due_soon(self, today: date | None = None) -> "ProposalQuerySet":
        return self.with_handling_status(today).filter(is_due_soon=True)

    def in_status(self, status: str, today: date | None = None) -> "ProposalQuerySet":
        return self.with_handling_status(today).filter(handling_status=status)

    def visible_to(self, user) -> "ProposalQuerySet":
        """What `user` may see: clerks and viewers everything, a bureau officer the proposals
        assigned (and not returned) to their bureau, an anonymous visitor the proposals with a
        published reply, any other login nothing.

        The one rule of visibility: the admin and the web views both filter through it.
        """
        # roles imports the auth models, which must not load while this module does.
        from proposals.roles import Role, officer_bureau_id, role_of

        role = role_of(user)
        if role in (Role.CLERK, Role.VIEWER):
            return self
        if role == Role.BUREAU:
            mine = Assignment.objects.active().filter(bureau=officer_bureau_id(user))
            return self.filter(pk__in=mine.values("proposal_id"))
        if not user.is_authenticated:
            return self.published()
        return self.none()

    def for_list_page(self, today: date | None = None) -> "ProposalQuerySet":
        """Everything a list row shows, in one query plus one for the proposers."""
        return (
            self.with_stored_status(today)
            .select_related("session")
            .prefetch_related("proposers")
            # By the columns of the unique index, so a page needs no sort of the whole list.
            .order_by("session_id", "number")
        )

    def figures(self, today: date | None = None) -> dict[str, int]:
        """Counts for a dashboard: total, replied, outstanding, overdue, due within a week."""
        today = today or timezone.localdate()
        annotated = self.with_handling_status(today)
        return annotated.aggregate(
            total=models.Count("pk"),
            replied=models.Count("pk", filter=Q(has_reply=True)),
            outstanding=models.Count("pk", filter=Q(has_reply=False)),
            overdue=models.Count("pk", filter=Q(is_overdue=True)),
            due_this_week=models.Count(
                "pk",
                filter=Q(has_reply=False, lead_due_on__gte=today)
                & Q(lead_due_on__lte=today + timedelta(days=7)),
            ),
        )

    def filed(self) -> "ProposalQuerySet":
        """Proposals handled in their own right: not merged into another, not withdrawn."""
        return self.filter(disposition=Proposal.Disposition.FILED)

    def published(self) -> "ProposalQuerySet":
        """Proposals with a reply made public: what anonymous visitors may see.

        Reads the stored flag, which refresh_stored_status() keeps, so the public list is an
        index range rather than a subquery over every reply.
        """
        return self.filter(has_published_reply=True)


class Proposal(models.Model):
    """A CPPCC proposal (提案) or an NPC suggestion (建议); the session's body decides which."""

    class Disposition(models.TextChoices):
        FILED = "filed", "立案办理"
        MERGED = "merged", "并案"
        WITHDRAWN = "withdrawn", "撤案"

    session = models.ForeignKey(
        Session, on_delete=models.PROTECT, related_name="proposals", verbose_name="会议"
    )
    number = models.PositiveIntegerField("编号", help_text="会议内的提案/建议号，如第252号填 252。")
    title = models.CharField("案由", max_length=500, blank=True)
    proposers = models.ManyToManyField(
        Member,
        through="ProposalProposer",
        related_name="proposals",
        verbose_name="提出人",
    )
    proposers_more = models.BooleanField(
        "提出人含“等”",
        default=False,
        help_text="称呼中列出的姓名之后有“等”字，还有未列出的联名人。",
    )
    category = models.CharField("类别", max_length=64, blank=True)
    is_key = models.BooleanField("重点提案", default=False)
    disposition = models.CharField(
        "立案情况",
        max_length=12,
        choices=Disposition.choices,
        default=Disposition.FILED,
        help_text="并案、撤案的提案/建议不计入办理统计的分母。",
    )
    filed_on = models.DateField("立案日期", null=True, blank=True)
    closed_on = models.DateField("办结日期", null=True, blank=True)

    # A snapshot of with_handling_status() that list pages filter and sort on at scale;
    # refresh_stored_status() rewrites it whenever what it derives from changes.
    status = models.CharField(
        "办理状态",
        max_length=12,
        choices=HandlingStatus.choices,
        default=HandlingStatus.UNASSIGNED,
        editable=False,
    )
    current_turn = models.CharField(
        "轮到", max_length=12, choices=Turn.choices, default=Turn.CLERK_ASSIGN, editable=False
    )
    lead_due_date = models.DateField("主办答复期限", null=True, editable=False)
    pending_due_date = models.DateField("当前期限", null=True, editable=False)
    has_published_reply = models.BooleanField("答复已公开", default=False, editable=False)

    history = HistoricalRecords(verbose_name="提案/建议历史", excluded_fields=STORED_FIELDS)
    objects = ProposalQuerySet.as_manager()

    class Meta:
        verbose_name = "提案/建议"
        verbose_name_plural = "提案/建议"
        ordering = ["session", "number"]
        constraints = [
            models.UniqueConstraint(fields=["session", "number"], name="proposal_unique_number"),
        ]
        indexes = [
            models.Index(fields=["status"], name="proposal_status_idx"),
            models.Index(fields=["current_turn"], name="proposal_turn_idx"),
            models.Index(fields=["lead_due_date"], name="proposal_lead_due_idx"),
            models.Index(fields=["pending_due_date"], name="proposal_pending_due_idx"),
            # The public list: a range of this index, already in page order.
            models.Index(
                fields=["has_published_reply", "session", "number"],
                name="proposal_published_idx",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.session}第{self.number}号{self.kind}"

    @property
    def kind(self) -> str:
        return self.session.proposal_kind

    # Labels of the annotations with_handling_status() adds.
    @property
    def handling_status_label(self) -> str:
        return HandlingStatus(self.handling_status).label

    @property
    def turn_label(self) -> str:
        return Turn(self.turn).label


class ProposalProposer(models.Model):
    """A proposer of a proposal, in the order the letter names them."""

    proposal = models.ForeignKey(
        Proposal, on_delete=models.CASCADE, related_name="proposer_links", verbose_name="提案/建议"
    )
    member = models.ForeignKey(
        Member, on_delete=models.PROTECT, related_name="proposer_links", verbose_name="提出人"
    )
    position = models.PositiveSmallIntegerField("顺序", default=1)

    class Meta:
        verbose_name = "提出人"
        verbose_name_plural = "提出人"
        ordering = ["proposal", "position"]
        constraints = [
            models.UniqueConstraint(fields=["proposal", "member"], name="proposer_unique_member"),
            models.UniqueConstraint(
                fields=["proposal", "position"], name="proposer_unique_position"
            ),
        ]

    def __str__(self) -> str:
        return str(self.member)
