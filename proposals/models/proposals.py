"""Proposals and their proposers, with the stored snapshot of their derived state."""

from datetime import date

from django.db import models
from django.db.models import Case, Q, Value, When
from django.utils import timezone
from simple_history.models import HistoricalRecords

from proposals.models.reference import Bureau, Member, Session

# The derived snapshot (see proposals.derived, which alone writes it); no history is kept of it.
STORED_FIELDS = [
    "status",
    "current_turn",
    "turn_bureau",
    "turn_due_date",
    "lead_bureau",
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


def _flag(condition: Q) -> Case:
    """True or False (never NULL, as a bare comparison with a missing date would be)."""
    return Case(When(condition, then=Value(True)), default=Value(False))


class ProposalQuerySet(models.QuerySet):
    def with_status(self, today: date | None = None) -> "ProposalQuerySet":
        """Annotate `is_overdue` and `is_due_soon` as of `today`, from the stored snapshot."""
        from proposals import derived

        today = today or timezone.localdate()
        return self.annotate(
            is_overdue=_flag(derived.overdue(today)), is_due_soon=_flag(derived.due_soon(today))
        )

    def needing_attention(self, today: date | None = None) -> "ProposalQuerySet":
        """Overdue, due soon, or waiting for a clerk (to assign, review a reply, or close)."""
        from proposals import derived

        today = today or timezone.localdate()
        return self.filter(
            derived.overdue(today)
            | derived.due_soon(today)
            | Q(current_turn__in=[Turn.CLERK_ASSIGN, Turn.CLERK_REVIEW, Turn.CLERK_CLOSE])
        )

    def overdue(self, today: date | None = None) -> "ProposalQuerySet":
        from proposals import derived

        return self.filter(derived.overdue(today or timezone.localdate()))

    def due_soon(self, today: date | None = None) -> "ProposalQuerySet":
        from proposals import derived

        return self.filter(derived.due_soon(today or timezone.localdate()))

    def replied(self) -> "ProposalQuerySet":
        from proposals import derived

        return self.filter(derived.replied())

    def published(self) -> "ProposalQuerySet":
        """Proposals with a reply made public: what anonymous visitors may see."""
        from proposals import derived

        return self.filter(derived.published())

    def visible_to(self, user) -> "ProposalQuerySet":
        """What `user` may see (the rule is proposals.access.visible_proposals)."""
        from proposals.access import visible_proposals

        return visible_proposals(user, self)

    def for_list_page(self, today: date | None = None) -> "ProposalQuerySet":
        """Everything a list row shows, in one query plus one for the proposers."""
        return (
            self.with_status(today)
            # Joins, not queries: the row's lead bureau and, for staff, the bureau whose turn.
            .select_related("session", "lead_bureau", "turn_bureau")
            .prefetch_related("proposers")
            # By the columns of the unique index, so a page needs no sort of the whole list.
            .order_by("session_id", "number")
        )

    def filed(self) -> "ProposalQuerySet":
        """Proposals handled in their own right: not merged into another, not withdrawn."""
        return self.filter(disposition=Proposal.Disposition.FILED)


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
    corrected_fields = models.JSONField(
        "工作人员更正的字段",
        default=list,
        blank=True,
        editable=False,
        help_text="这些登记字段以工作人员的更正为准，再次导入立案名单不覆盖。",
    )
    closed_on = models.DateField("办结日期", null=True, blank=True)

    # What proposals.derived.derive() makes of the rows below, stored so that lists filter and
    # sort on columns; proposals.derived rewrites it whenever what it derives from changes.
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
    turn_bureau = models.ForeignKey(
        Bureau,
        on_delete=models.SET_NULL,
        null=True,
        editable=False,
        related_name="+",
        verbose_name="轮到单位",
    )
    turn_due_date = models.DateField("轮到期限", null=True, editable=False)
    lead_bureau = models.ForeignKey(
        Bureau,
        on_delete=models.SET_NULL,
        null=True,
        editable=False,
        related_name="+",
        verbose_name="主办单位",
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
            # With the list's tie-break (filters.SortFilter), so that sorted by due date a
            # page is read in index order: the 30,000 undated proposals of a million, first
            # in descending order, otherwise sorted to find the first 50 (50 ms).
            models.Index(
                fields=["lead_due_date", "session", "number"], name="proposal_lead_due_idx"
            ),
            models.Index(fields=["pending_due_date"], name="proposal_pending_due_idx"),
            # The bureau list's counts of what each leads, replied and overdue (derived.replied,
            # derived.overdue), read from this index alone.
            models.Index(
                fields=["lead_bureau", "status", "pending_due_date"],
                name="proposal_lead_figures_idx",
            ),
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

    def days_left(self, today: date | None = None) -> int | None:
        """Days from today to the pending due date (negative once it has passed, as in
        proposals.derived.overdue); None when nothing is pending."""
        if self.pending_due_date is None:
            return None
        return (self.pending_due_date - (today or timezone.localdate())).days

    def days_overdue(self, today: date | None = None) -> int:
        """How many days the pending due date has passed (0 when not overdue)."""
        days_left = self.days_left(today)
        return -days_left if days_left is not None and days_left < 0 else 0


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
